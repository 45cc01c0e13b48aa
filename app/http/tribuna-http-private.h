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

/* tribuna-http-public.c: "/", "/static/…" and "/live/…" (TRUE when @msg was one of them,
 * and is answered). */
void        _tribuna_http_public_init             (TribunaHttpServer   *self);
gboolean    _tribuna_http_public_handle           (TribunaHttpServer   *self,
                                                   SoupServerMessage   *msg);

/* tribuna-http-server.c */
void        _tribuna_http_server_refresh_secrets  (TribunaHttpServer   *self);
/* Masks every known stream key in @text (in place). */
void        _tribuna_http_server_scrub            (TribunaHttpServer   *self,
                                                   GString             *text);
gboolean    _tribuna_http_server_is_tls           (TribunaHttpServer   *self);

/* Requests answered later: pause() in the handler, then answer and resume(), which frees
 * the request. A client that left meanwhile is noticed and nothing is sent. */
void        _tribuna_http_request_pause           (TribunaHttpRequest  *request);
void        _tribuna_http_request_resume          (TribunaHttpRequest  *request);
void        _tribuna_http_request_free            (TribunaHttpRequest  *request);
const char *_tribuna_http_request_get_user        (TribunaHttpRequest  *request);
const char *_tribuna_http_request_get_query       (TribunaHttpRequest  *request,
                                                   const char          *name);

/* tribuna-http-json.c: replies. Every reply carries the security headers (set when the
 * request starts) and is scrubbed of stream keys. */
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

/* tribuna-http-api-sessions.c */
JsonObject *_tribuna_http_session_json            (const TribunaSession *session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaHttpRequest, _tribuna_http_request_free)

G_END_DECLS
