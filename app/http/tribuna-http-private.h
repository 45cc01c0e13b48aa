/* tribuna-http-private.h: what the server and its API files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tribuna-http-auth.h"
#include "tribuna-http-events.h"
#include "tribuna-http-server.h"

G_BEGIN_DECLS

#define TRIBUNA_HTTP_API_PREFIX "/api/v1"

/* Request bodies: a JSON command is small; an agenda may be as large as the agenda reader
 * accepts. Anything larger is refused (413) before it is stored. */
#define TRIBUNA_HTTP_MAX_JSON_BYTES   (64 * 1024)
#define TRIBUNA_HTTP_MAX_AGENDA_BYTES (1024 * 1024)
#define TRIBUNA_HTTP_MAX_PARAMS       3

/* At most this many password hashes at once: each takes 64 MiB and a core. */
#define TRIBUNA_HTTP_MAX_HASHING      2

struct _TribunaHttpServer
{
  GObject             parent_instance;

  /* Owned references */
  TribunaEngine      *engine;
  TribunaAccounts    *accounts;
  TribunaHttpAuth    *auth;
  TribunaHttpEvents  *events;
  TribunaHttpEvents  *public_events;  /* the public page's: anonymous-safe fields only */
  GHashTable         *assets;         /* the page's files, as sent (tribuna-http-public.c) */
  SoupServer         *soup;
  GPtrArray          *secrets;        /* every stream key we know, to keep out of replies */
  GPtrArray          *clip_jobs;      /* clip exports asked for (tribuna-http-api-clips.c) */
  GMutex              ts_indexes_lock;
  GHashTable         *ts_indexes;     /* segment path -> TribunaTsIndex or NULL (tribuna-http-archive.c) */
  guint               clip_job_serial;

  gboolean            tls;
  guint               port;
  guint               n_hashing;      /* password hashes running in worker threads */
};

typedef struct _TribunaHttpRequest TribunaHttpRequest;
typedef void (*TribunaHttpHandler) (TribunaHttpRequest *request);

typedef struct {
  const char         *method;
  const char         *pattern;     /* below /api/v1; ":x" matches any one segment */
  TribunaHttpAccess   access;
  TribunaHttpHandler  handler;
  gsize               max_body;    /* 0: TRIBUNA_HTTP_MAX_JSON_BYTES */
} TribunaHttpRoute;

struct _TribunaHttpRequest
{
  TribunaHttpServer  *server;
  SoupServerMessage  *msg;
  const char         *method;
  GHashTable         *query;                              /* decoded, may be NULL */
  char               *params[TRIBUNA_HTTP_MAX_PARAMS];    /* the ":x" segments, decoded */
  TribunaHttpCaller  *caller;
  gboolean            paused;
  gboolean            gone;                               /* the client left while paused */
  gulong              finished_id;
};

/* Routes of each area, ending with an all-NULL entry. */
const TribunaHttpRoute *_tribuna_http_status_routes        (void);
const TribunaHttpRoute *_tribuna_http_destinations_routes  (void);
const TribunaHttpRoute *_tribuna_http_control_routes       (void);
const TribunaHttpRoute *_tribuna_http_sessions_routes      (void);
const TribunaHttpRoute *_tribuna_http_accounts_routes      (void);
const TribunaHttpRoute *_tribuna_http_public_routes        (void);
const TribunaHttpRoute *_tribuna_http_clips_routes         (void);
const TribunaHttpRoute *_tribuna_http_sources_routes       (void);

/* tribuna-http-public.c: "/", "/static/…" and "/live/…" (TRUE when @msg was one of them,
 * and is answered). */
void        _tribuna_http_public_init             (TribunaHttpServer   *self);
gboolean    _tribuna_http_public_handle           (TribunaHttpServer   *self,
                                                   SoupServerMessage   *msg);

/* Shared with tribuna-http-archive.c: the page's headers (its CSP, @cache_control), a
 * complete 200 reply, a compiled-in asset by name, and the one rule for names in paths. */
void        _tribuna_http_public_add_headers      (TribunaHttpServer   *self,
                                                   SoupServerMessage   *msg,
                                                   const char          *cache_control);
void        _tribuna_http_public_send_bytes       (SoupServerMessage   *msg,
                                                   const char          *content_type,
                                                   GBytes              *bytes);
void        _tribuna_http_public_serve_asset      (TribunaHttpServer   *self,
                                                   SoupServerMessage   *msg,
                                                   const char          *name,
                                                   const char          *content_type,
                                                   const char          *cache_control);
gboolean    _tribuna_http_public_is_plain_name    (const char          *name);

/* tribuna-http-archive.c: "/archive…" (the page, published recordings and clips), and the
 * routes of GET /api/v1/public/archive… */
void        _tribuna_http_archive_handle          (TribunaHttpServer   *self,
                                                   SoupServerMessage   *msg,
                                                   const char          *path);
const TribunaHttpRoute *_tribuna_http_archive_routes (void);
/* Sends the file at @path (inside the data directory) mapped, as @content_type. */
void        _tribuna_http_send_file               (TribunaHttpServer   *self,
                                                   SoupServerMessage   *msg,
                                                   const char          *path,
                                                   const char          *content_type,
                                                   const char          *cache_control);
/* A clip's file, when it lies inside the data directory (else NULL). */
char       *_tribuna_http_clip_file               (TribunaHttpServer   *self,
                                                   const TribunaClip   *clip);

/* tribuna-http-api-clips.c: cancels the clip jobs still running and forgets them all;
 * every job as GET /clips/jobs shows it (for the "clips" event). */
void        _tribuna_http_clips_clear             (TribunaHttpServer   *self);
JsonArray  *_tribuna_http_clip_jobs_json          (TribunaHttpServer   *self);

/* tribuna-http-server.c */
void        _tribuna_http_server_refresh_secrets  (TribunaHttpServer   *self);
/* Masks every known stream key in @text (in place). */
void        _tribuna_http_server_scrub            (TribunaHttpServer   *self,
                                                   GString             *text);
gboolean    _tribuna_http_server_is_tls           (TribunaHttpServer   *self);

/* Requests answered later: pause() in the handler, then answer and resume(), which frees
 * the request. A client that left meanwhile is noticed and nothing is sent. */
gboolean    _tribuna_http_read_session_filter     (TribunaHttpRequest  *request,
                                                   TribunaSessionFilter *filter);
void        _tribuna_http_request_pause           (TribunaHttpRequest  *request);
void        _tribuna_http_request_resume          (TribunaHttpRequest  *request);
void        _tribuna_http_request_free            (TribunaHttpRequest  *request);
const char *_tribuna_http_request_get_user        (TribunaHttpRequest  *request);
const char *_tribuna_http_request_get_query       (TribunaHttpRequest  *request,
                                                   const char          *name);

/* tribuna-http-json.c: replies. Every reply carries the security headers (set when the
 * request starts) and is scrubbed of stream keys. */
void        _tribuna_http_set_string_or_null      (JsonObject          *object,
                                                   const char          *member,
                                                   const char          *value);
void        _tribuna_http_respond_json            (TribunaHttpRequest  *request,
                                                   guint                status,
                                                   JsonNode            *node);
void        _tribuna_http_respond_object          (TribunaHttpRequest  *request,
                                                   guint                status,
                                                   JsonObject          *object);
void        _tribuna_http_respond_text            (TribunaHttpRequest  *request,
                                                   guint                status,
                                                   const char          *content_type,
                                                   const char          *text);
void        _tribuna_http_respond_empty           (TribunaHttpRequest  *request,
                                                   guint                status);
void        _tribuna_http_respond_error           (TribunaHttpRequest  *request,
                                                   guint                status,
                                                   const char          *code,
                                                   const char          *format,
                                                   ...) G_GNUC_PRINTF (4, 5);
/* The status and code an engine, archive or store error deserves. */
void        _tribuna_http_respond_gerror          (TribunaHttpRequest  *request,
                                                   const GError        *error);
void        _tribuna_http_set_error_response      (TribunaHttpServer   *server,
                                                   SoupServerMessage   *msg,
                                                   guint                status,
                                                   const char          *code,
                                                   const char          *message);
void        _tribuna_http_add_security_headers    (SoupServerMessage   *msg,
                                                   gboolean             tls);

/* Request bodies. read_object() answers the request itself (400, 415, 422) and returns
 * NULL when the body is not a JSON object whose members are all in @allowed. An empty body
 * is an empty object. The member getters answer 422 and return FALSE on a wrong type; a
 * missing (or null) optional member leaves *out alone and sets *present to FALSE. */
JsonObject *_tribuna_http_read_object             (TribunaHttpRequest  *request,
                                                   const char * const  *allowed);
gboolean    _tribuna_http_get_string              (TribunaHttpRequest  *request,
                                                   JsonObject          *object,
                                                   const char          *member,
                                                   gboolean             required,
                                                   guint                max_chars,
                                                   const char         **out);
gboolean    _tribuna_http_get_boolean             (TribunaHttpRequest  *request,
                                                   JsonObject          *object,
                                                   const char          *member,
                                                   gboolean             required,
                                                   gboolean            *out,
                                                   gboolean            *present);
/* Accepts a JSON integer or a string of digits; "5.1" style numbers come as strings. */
gboolean    _tribuna_http_get_id                  (TribunaHttpRequest  *request,
                                                   const char          *text,
                                                   const char          *what,
                                                   gint64              *out);

/* tribuna-http-api-status.c: the engine's state as JSON, for /status and the events. */
JsonObject *_tribuna_http_status_json             (TribunaHttpServer   *server);
JsonObject *_tribuna_http_public_status_json      (TribunaHttpServer   *server);
JsonObject *_tribuna_http_live_stream_json        (TribunaHttpServer   *server);
JsonObject *_tribuna_http_program_json            (TribunaHttpServer   *server);
JsonObject *_tribuna_http_recorder_json           (TribunaHttpServer   *server);
JsonObject *_tribuna_http_session_state_json      (TribunaHttpServer   *server);
JsonArray  *_tribuna_http_destinations_json       (TribunaHttpServer   *server);
JsonObject *_tribuna_http_destination_json        (TribunaHttpServer   *server,
                                                   TribunaDestination  *destination);
char       *_tribuna_http_format_event            (const char          *kind,
                                                   const char          *name,
                                                   gpointer             user_data);
/* The public page's events: the whole public status on "session", "on-air" and "live". */
char       *_tribuna_http_format_public_event     (const char          *kind,
                                                   const char          *name,
                                                   gpointer             user_data);
char       *_tribuna_http_iso_time                (gint64               wall_us);

/* tribuna-http-api-destinations.c */
void        _tribuna_http_restore_destinations    (TribunaHttpServer   *server);
/* TRUE when the destination was created through the API (else: tribuna.conf or --stream). */
gboolean    _tribuna_http_destination_is_stored   (TribunaHttpServer   *server,
                                                   const char          *name,
                                                   gboolean            *enabled);

/* tribuna-http-api-sources.c: the mixer (sources, program, layout) and the program's levels */
JsonObject *_tribuna_http_mixer_json              (TribunaHttpServer   *server);
JsonObject *_tribuna_http_levels_json             (TribunaHttpServer   *server);

/* tribuna-http-api-sessions.c */
JsonObject *_tribuna_http_session_json            (const TribunaSession *session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaHttpRequest, _tribuna_http_request_free)

G_END_DECLS
