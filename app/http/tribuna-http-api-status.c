/* tribuna-http-api-status.c: the engine's state as JSON: /status, the public subset, the
 * audit trail and the live event stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include "tribuna-archive-layout.h"
#include "tribuna-http-private.h"

#define DEFAULT_EVENT_LIMIT 200
#define MAX_EVENT_LIMIT     5000

char *
_tribuna_http_iso_time (gint64 wall_us)
{
  g_autoptr(GDateTime) time = NULL;

  if (wall_us <= 0)
    return NULL;

  time = g_date_time_new_from_unix_utc (wall_us / G_USEC_PER_SEC);
  return time ? g_date_time_format_iso8601 (time) : NULL;
}

/* A path under the data directory, relative to it: the box's layout stays its own. */
static char *
relative_path (TribunaHttpServer *server,
               const char        *path)
{
  TribunaArchive *archive = tribuna_engine_get_archive (server->engine);

  if (path == NULL)
    return NULL;

  return tribuna_archive_relative_path (archive, path, NULL);
}

JsonObject *
_tribuna_http_program_json (TribunaHttpServer *server)
{
  JsonObject *object = json_object_new ();
  TribunaProgramState state = tribuna_engine_get_program_state (server->engine);

  json_object_set_string_member (object, "state", tribuna_program_state_to_string (state));
  return object;
}

JsonObject *
_tribuna_http_recorder_json (TribunaHttpServer *server)
{
  JsonObject *object = json_object_new ();
  TribunaRecorder *recorder = tribuna_engine_get_recorder (server->engine);
  TribunaRecorderState state = tribuna_engine_get_recorder_state (server->engine);
  g_autofree char *directory = NULL;
  g_autofree char *current = NULL;
  guint64 free_bytes = 0;

  json_object_set_string_member (object, "state", tribuna_recorder_state_to_string (state));
  if (recorder != NULL)
    {
      directory = relative_path (server, tribuna_recorder_get_directory (recorder));
      current = relative_path (server, tribuna_recorder_get_current_file (recorder));
      free_bytes = tribuna_recorder_get_free_bytes (recorder);
    }
  /* Before the first recording (or if the recorder has not measured yet) the disk is
   * asked directly: the operator wants to know before pressing REC. */
  if (free_bytes == 0)
    tribuna_archive_query_free_space (tribuna_engine_get_data_dir (server->engine), &free_bytes,
                                      NULL);

  _tribuna_http_set_string_or_null (object, "directory", directory);
  _tribuna_http_set_string_or_null (object, "current_file", current);
  json_object_set_int_member (object, "segments",
                              recorder ? tribuna_recorder_get_segment_count (recorder) : 0);
  json_object_set_int_member (object, "free_bytes", (gint64) free_bytes);
  json_object_set_boolean_member (object, "low_disk",
                                  recorder ? tribuna_recorder_get_low_disk (recorder) : FALSE);
  _tribuna_http_set_string_or_null (object, "last_error",
                                    recorder ? tribuna_recorder_get_last_error (recorder) : NULL);
  return object;
}

JsonObject *
_tribuna_http_destination_json (TribunaHttpServer  *server,
                                TribunaDestination *destination)
{
  JsonObject *object = json_object_new ();
  const char *name = tribuna_destination_get_name (destination);
  TribunaConfig *engine_config = tribuna_engine_get_config (server->engine);
  GPtrArray *configured = tribuna_config_get_destinations (engine_config);
  gboolean enabled = TRUE;
  gboolean stored = _tribuna_http_destination_is_stored (server, name, &enabled);

  for (guint i = 0; !stored && i < configured->len; i++)
    {
      const TribunaDestinationConfig *config = g_ptr_array_index (configured, i);

      if (g_str_equal (config->name, name))
        enabled = config->enabled;
    }

  json_object_set_string_member (object, "name", name);
  /* The masked URL: the key's place shows, never the key. */
  json_object_set_string_member (object, "url", tribuna_destination_get_masked_url (destination));
  json_object_set_string_member (object, "origin", stored ? "api" : "config");
  json_object_set_boolean_member (object, "enabled", enabled);
  json_object_set_string_member (object, "state",
                                 tribuna_destination_state_to_string (
                                   tribuna_destination_get_state (destination)));
  json_object_set_boolean_member (object, "wanted", tribuna_destination_get_wanted (destination));
  json_object_set_int_member (object, "sent_kbps", tribuna_destination_get_sent_kbps (destination));
  json_object_set_int_member (object, "acked_kbps",
                              tribuna_destination_get_acked_kbps (destination));
  json_object_set_int_member (object, "live_seconds",
                              tribuna_destination_get_live_seconds (destination));
  json_object_set_int_member (object, "attempts", tribuna_destination_get_attempts (destination));
  json_object_set_int_member (object, "reconnects",
                              tribuna_destination_get_reconnects (destination));
  _tribuna_http_set_string_or_null (object, "last_error", tribuna_destination_get_last_error (destination));
  return object;
}

JsonArray *
_tribuna_http_destinations_json (TribunaHttpServer *server)
{
  GListModel *model = tribuna_engine_get_destinations (server->engine);
  guint n = g_list_model_get_n_items (model);
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaDestination) destination = g_list_model_get_item (model, i);

      json_array_add_object_element (array, _tribuna_http_destination_json (server, destination));
    }

  return array;
}

static char *
get_string_property (TribunaEngine *engine,
                     const char    *name)
{
  char *value = NULL;

  g_object_get (engine, name, &value, NULL);
  return value;
}

/* The session on program, as the operator sees it; NULL when none is open. */
JsonObject *
_tribuna_http_session_state_json (TribunaHttpServer *server)
{
  const TribunaSession *session = tribuna_engine_get_session (server->engine);
  g_autofree char *item_number = get_string_property (server->engine, "item-number");
  g_autofree char *item_title = get_string_property (server->engine, "item-title");
  g_autofree char *speaker_name = get_string_property (server->engine, "speaker-name");
  g_autofree char *speaker_role = get_string_property (server->engine, "speaker-role");
  gboolean on_break = FALSE, is_private = FALSE;
  JsonObject *object;

  if (session == NULL)
    return NULL;

  g_object_get (server->engine, "on-break", &on_break, "private", &is_private, NULL);
  object = _tribuna_http_session_json (session);
  if (item_title != NULL)
    {
      JsonObject *item = json_object_new ();

      _tribuna_http_set_string_or_null (item, "number", item_number);
      json_object_set_string_member (item, "title", item_title);
      json_object_set_object_member (object, "item", item);
    }
  else
    json_object_set_null_member (object, "item");

  if (speaker_name != NULL)
    {
      JsonObject *speaker = json_object_new ();

      json_object_set_string_member (speaker, "name", speaker_name);
      _tribuna_http_set_string_or_null (speaker, "role", speaker_role);
      json_object_set_object_member (object, "speaker", speaker);
    }
  else
    json_object_set_null_member (object, "speaker");

  json_object_set_boolean_member (object, "on_break", on_break);
  json_object_set_boolean_member (object, "private", is_private);
  return object;
}

JsonObject *
_tribuna_http_status_json (TribunaHttpServer *server)
{
  JsonObject *object = json_object_new ();
  JsonObject *session = _tribuna_http_session_state_json (server);

  json_object_set_object_member (object, "program", _tribuna_http_program_json (server));
  json_object_set_object_member (object, "recorder", _tribuna_http_recorder_json (server));
  json_object_set_boolean_member (object, "on_air", tribuna_engine_get_on_air (server->engine));
  json_object_set_array_member (object, "destinations", _tribuna_http_destinations_json (server));
  json_object_set_object_member (object, "live_stream", _tribuna_http_live_stream_json (server));
  if (session != NULL)
    json_object_set_object_member (object, "session", session);
  else
    json_object_set_null_member (object, "session");
  _tribuna_http_set_string_or_null (object, "last_error", tribuna_engine_get_last_error (server->engine));
  return object;
}

/* The appliance's own live stream, for the operator (GET /status). */
JsonObject *
_tribuna_http_live_stream_json (TribunaHttpServer *server)
{
  JsonObject *object = json_object_new ();
  TribunaHlsOutput *hls = tribuna_engine_get_hls_output (server->engine);
  TribunaHlsState state = tribuna_hls_output_get_state (hls);

  json_object_set_string_member (object, "state", tribuna_hls_state_to_string (state));
  json_object_set_boolean_member (object, "public",
                                  tribuna_engine_get_live_public (server->engine));
  json_object_set_int_member (object, "segments", tribuna_hls_output_get_segments (hls));
  json_object_set_int_member (object, "target_duration",
                              tribuna_hls_output_get_target_duration (hls));
  json_object_set_int_member (object, "restarts", tribuna_hls_output_get_restarts (hls));
  _tribuna_http_set_string_or_null (object, "last_error", tribuna_hls_output_get_last_error (hls));
  return object;
}

/* The next public session on the calendar (planned, from today on), for a page with
 * nothing live; NULL when there is none. */
static JsonObject *
next_public_session_json (TribunaHttpServer *server)
{
  TribunaArchive *archive = tribuna_engine_get_archive (server->engine);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  TribunaSessionFilter filter = { .from_date = today };
  g_autoptr(GPtrArray) sessions = tribuna_archive_list_sessions (archive, &filter, NULL);

  for (guint i = 0; sessions != NULL && i < sessions->len; i++)
    {
      const TribunaSession *session = g_ptr_array_index (sessions, i);
      JsonObject *object;

      if (!session->is_public || session->state != TRIBUNA_SESSION_PLANNED)
        continue;

      object = json_object_new ();
      json_object_set_string_member (object, "title", session->title);
      json_object_set_string_member (object, "type", tribuna_session_type_to_code (session->type));
      json_object_set_string_member (object, "type_label",
                                     tribuna_session_type_to_label (session->type));
      json_object_set_string_member (object, "date", session->date);
      _tribuna_http_set_string_or_null (object, "place", session->place);
      return object;
    }

  return NULL;
}

/* What a citizen may know: whether the hall is on air and, for a public session, what is
 * being discussed — never during a private part, and nothing about the machinery. `live`
 * says the page's own stream plays; its playlist URL names the run, so a page notices a
 * new run (after a private part) and reloads its player. */
JsonObject *
_tribuna_http_public_status_json (TribunaHttpServer *server)
{
  JsonObject *object = json_object_new ();
  const TribunaSession *session = tribuna_engine_get_session (server->engine);
  gboolean is_private = FALSE, on_break = FALSE;
  gboolean live = tribuna_engine_get_live_public (server->engine);
  g_autofree char *item_number = get_string_property (server->engine, "item-number");
  g_autofree char *item_title = get_string_property (server->engine, "item-title");
  JsonObject *public_session;
  JsonObject *next;

  g_object_get (server->engine, "private", &is_private, "on-break", &on_break, NULL);
  json_object_set_boolean_member (object, "on_air", tribuna_engine_get_on_air (server->engine));
  json_object_set_boolean_member (object, "live", live);
  if (live)
    {
      g_autofree char *playlist =
        g_strdup_printf ("/live/" TRIBUNA_HLS_PLAYLIST_NAME "?run=%" G_GINT64_FORMAT,
                         tribuna_hls_output_get_run (tribuna_engine_get_hls_output (
                                                       server->engine)));

      json_object_set_string_member (object, "playlist", playlist);
    }
  else
    json_object_set_null_member (object, "playlist");

  if (session == NULL || !session->is_public || session->state != TRIBUNA_SESSION_LIVE)
    {
      json_object_set_null_member (object, "session");
      next = next_public_session_json (server);
      if (next != NULL)
        json_object_set_object_member (object, "next", next);
      else
        json_object_set_null_member (object, "next");
      return object;
    }

  json_object_set_null_member (object, "next");

  public_session = json_object_new ();
  json_object_set_string_member (public_session, "title", session->title);
  json_object_set_string_member (public_session, "type",
                                 tribuna_session_type_to_code (session->type));
  json_object_set_string_member (public_session, "type_label",
                                 tribuna_session_type_to_label (session->type));
  json_object_set_string_member (public_session, "date", session->date);
  json_object_set_boolean_member (public_session, "private", is_private);
  json_object_set_boolean_member (public_session, "on_break", on_break);
  if (!is_private && item_title != NULL)
    {
      JsonObject *item = json_object_new ();

      _tribuna_http_set_string_or_null (item, "number", item_number);
      json_object_set_string_member (item, "title", item_title);
      json_object_set_object_member (public_session, "item", item);
    }
  else
    json_object_set_null_member (public_session, "item");
  json_object_set_object_member (object, "session", public_session);

  return object;
}

/* Events for the stream */

static char *
object_to_data (TribunaHttpServer *server,
                JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);
  GString *data = g_string_new (text);

  json_object_unref (object);
  _tribuna_http_server_scrub (server, data);
  return g_string_free (data, FALSE);
}

char *
_tribuna_http_format_public_event (const char *kind,
                                   const char *name,
                                   gpointer    user_data)
{
  TribunaHttpServer *server = user_data;

  /* Nothing about recorders, destinations or errors reaches an anonymous stream. */
  if (!g_str_equal (kind, "session") && !g_str_equal (kind, "on-air")
      && !g_str_equal (kind, "live"))
    return NULL;

  return object_to_data (server, _tribuna_http_public_status_json (server));
}

char *
_tribuna_http_format_event (const char *kind,
                            const char *name,
                            gpointer    user_data)
{
  TribunaHttpServer *server = user_data;
  JsonObject *object;

  if (g_str_equal (kind, "program"))
    object = _tribuna_http_program_json (server);
  else if (g_str_equal (kind, "recorder"))
    object = _tribuna_http_recorder_json (server);
  else if (g_str_equal (kind, "destination"))
    {
      TribunaDestination *destination = tribuna_engine_find_destination (server->engine, name);

      if (destination == NULL)
        return NULL;
      object = _tribuna_http_destination_json (server, destination);
    }
  else
    {
      object = json_object_new ();
      if (g_str_equal (kind, "on-air"))
        json_object_set_boolean_member (object, "on_air",
                                        tribuna_engine_get_on_air (server->engine));
      else if (g_str_equal (kind, "error"))
        _tribuna_http_set_string_or_null (object, "last_error", tribuna_engine_get_last_error (server->engine));
      else if (g_str_equal (kind, "live"))
        json_object_set_object_member (object, "live_stream",
                                       _tribuna_http_live_stream_json (server));
      else if (g_str_equal (kind, "mixer"))
        json_object_set_object_member (object, "mixer", _tribuna_http_mixer_json (server));
      else if (g_str_equal (kind, "levels"))
        json_object_set_object_member (object, "levels", _tribuna_http_levels_json (server));
      else if (g_str_equal (kind, "clips"))
        json_object_set_array_member (object, "jobs", _tribuna_http_clip_jobs_json (server));
      else if (g_str_equal (kind, "destinations"))
        json_object_set_array_member (object, "destinations",
                                      _tribuna_http_destinations_json (server));
      else if (g_str_equal (kind, "session"))
        {
          JsonObject *session = _tribuna_http_session_state_json (server);

          if (session != NULL)
            json_object_set_object_member (object, "session", session);
          else
            json_object_set_null_member (object, "session");
        }
    }

  return object_to_data (server, object);
}

/* Handlers */

static void
get_status (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) object = _tribuna_http_status_json (request->server);

  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
get_public_status (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) object = _tribuna_http_public_status_json (request->server);

  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
get_event_stream (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) status = _tribuna_http_status_json (request->server);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), status);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GString) first = g_string_new (text);

  _tribuna_http_server_scrub (request->server, first);
  _tribuna_http_add_security_headers (request->msg,
                                      _tribuna_http_server_is_tls (request->server));
  tribuna_http_events_add_client (request->server->events, request->msg, first->str);
}

static gboolean
parse_limit (TribunaHttpRequest *request,
             guint              *limit)
{
  const char *text = _tribuna_http_request_get_query (request, "limit");
  guint64 value;

  *limit = DEFAULT_EVENT_LIMIT;
  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX_EVENT_LIMIT, &value, NULL))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_BAD_REQUEST, "invalid",
                                   "limit must be a whole number from 1 to %d", MAX_EVENT_LIMIT);
      return FALSE;
    }

  *limit = (guint) value;
  return TRUE;
}

/* The audit trail: the newest @limit events, oldest first. */
static void
get_events (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  const char *session_text = _tribuna_http_request_get_query (request, "session");
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *array;
  gint64 session_id = 0;
  guint limit;

  if (!parse_limit (request, &limit))
    return;
  if (session_text != NULL && !_tribuna_http_get_id (request, session_text, "session",
                                                     &session_id))
    return;

  events = tribuna_archive_list_events (archive, session_id, &error);
  if (events == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  array = json_array_new ();
  for (guint i = events->len > limit ? events->len - limit : 0; i < events->len; i++)
    {
      const TribunaEvent *event = g_ptr_array_index (events, i);
      JsonObject *item = json_object_new ();
      g_autofree char *time = _tribuna_http_iso_time (event->wall_us);

      json_object_set_int_member (item, "id", event->id);
      if (event->session_id > 0)
        json_object_set_int_member (item, "session_id", event->session_id);
      else
        json_object_set_null_member (item, "session_id");
      _tribuna_http_set_string_or_null (item, "time", time);
      json_object_set_int_member (item, "wall_us", event->wall_us);
      json_object_set_string_member (item, "kind", tribuna_event_kind_to_code (event->kind));
      _tribuna_http_set_string_or_null (item, "text", event->text);
      json_array_add_object_element (array, item);
    }
  json_object_set_array_member (object, "events", array);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static const TribunaHttpRoute routes[] = {
  { "GET", "status", TRIBUNA_HTTP_ACCESS_READ, get_status, 0 },
  { "GET", "public/status", TRIBUNA_HTTP_ACCESS_PUBLIC, get_public_status, 0 },
  { "GET", "events", TRIBUNA_HTTP_ACCESS_READ, get_events, 0 },
  { "GET", "events/stream", TRIBUNA_HTTP_ACCESS_READ, get_event_stream, 0 },
  { NULL }
};

const TribunaHttpRoute *
_tribuna_http_status_routes (void)
{
  return routes;
}
