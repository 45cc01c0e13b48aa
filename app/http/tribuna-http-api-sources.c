/* tribuna-http-api-sources.c: the vision and sound mixer, remotely
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   GET   /sources                  every source with its state and sound settings, and the
 *                                   program: on program, on preview, layout, lower third
 *   PATCH /sources/NAME             gain_db, muted, av_offset_ms
 *   POST  /sources/NAME/preview     NAME becomes the preview (next) source
 *   POST  /program/cut              the preview goes to program at once
 *   POST  /program/fade             ... through a crossfade ([mixer] fade-ms)
 *   POST  /program/layout           { "layout": "full" | "pip", "inset": NAME }
 *   POST  /program/lower-third      { "visible": true | false }
 *   GET   /sources/NAME/snapshot.jpg, /program/snapshot.jpg   the latest frame, as JPEG
 *
 * The event stream (/events/stream) carries the mixer on every change ("mixer") and the
 * program's levels five times a second ("levels").
 *
 * Every call goes through the same engine calls as the console's keys and buttons.
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include "tribuna-http-private.h"

/* What the engine accepts, said in the error before the engine is asked. */
#define MIN_GAIN_DB     (-60.0)
#define MAX_GAIN_DB     20.0
#define MAX_OFFSET_MS   1000
#define MAX_NAME_CHARS  100

/* A camera's address may carry a password (rtsp://user:secret@host/…): never in a reply. */
static char *
redacted_uri (const char *uri)
{
  g_autoptr(GUri) parsed = uri ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;

  if (parsed == NULL || g_uri_get_userinfo (parsed) == NULL)
    return g_strdup (uri);

  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (parsed), "•••", g_uri_get_host (parsed),
                     g_uri_get_port (parsed), g_uri_get_path (parsed), g_uri_get_query (parsed),
                     g_uri_get_fragment (parsed));
}

static JsonObject *
source_json (TribunaHttpServer     *server,
             TribunaSourcePipeline *source)
{
  TribunaEngine *engine = server->engine;
  const char *name = tribuna_source_pipeline_get_name (source);
  const char *error = tribuna_source_pipeline_get_last_error (source);
  g_autofree char *uri = redacted_uri (tribuna_source_pipeline_get_uri (source));
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", name);
  json_object_set_string_member (object, "uri", uri);
  /* FALSE for a microphone: the web console shows it on the sound strip only. */
  json_object_set_boolean_member (object, "picture", tribuna_source_pipeline_has_picture (source));
  json_object_set_string_member (object, "state",
                                 tribuna_source_state_to_string (
                                   tribuna_source_pipeline_get_state (source)));
  json_object_set_boolean_member (object, "on_program",
                                  g_strcmp0 (tribuna_engine_get_program_source (engine), name) == 0);
  json_object_set_boolean_member (object, "on_preview",
                                  g_strcmp0 (tribuna_engine_get_preview_source (engine), name) == 0);
  json_object_set_double_member (object, "gain_db", tribuna_source_pipeline_get_gain_db (source));
  json_object_set_boolean_member (object, "muted", tribuna_source_pipeline_get_muted (source));
  json_object_set_int_member (object, "av_offset_ms",
                              tribuna_source_pipeline_get_av_offset_ms (source));
  if (error != NULL)
    json_object_set_string_member (object, "last_error", error);
  else
    json_object_set_null_member (object, "last_error");
  return object;
}

JsonObject *
_tribuna_http_mixer_json (TribunaHttpServer *server)
{
  TribunaEngine *engine = server->engine;
  GListModel *sources = tribuna_engine_get_sources (engine);
  JsonObject *object = json_object_new ();
  JsonObject *program = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (sources, i);

      json_array_add_object_element (array, source_json (server, source));
    }
  json_object_set_array_member (object, "sources", array);

  _tribuna_http_set_string_or_null (program, "source", tribuna_engine_get_program_source (engine));
  _tribuna_http_set_string_or_null (program, "preview", tribuna_engine_get_preview_source (engine));
  json_object_set_string_member (program, "layout",
                                 tribuna_layout_to_string (tribuna_engine_get_layout (engine)));
  _tribuna_http_set_string_or_null (program, "inset",
                                    tribuna_engine_get_layout (engine) == TRIBUNA_LAYOUT_PIP
                                    ? tribuna_engine_get_pip_source (engine) : NULL);
  json_object_set_boolean_member (program, "lower_third",
                                  tribuna_engine_get_lower_third_visible (engine));
  json_object_set_boolean_member (program, "silence_alarm",
                                  tribuna_engine_get_silence_alarm (engine));
  json_object_set_object_member (object, "program", program);
  return object;
}

/* The program's latest meter reading: peak and RMS dBFS per channel. */
JsonObject *
_tribuna_http_levels_json (TribunaHttpServer *server)
{
  const TribunaAudioLevels *levels = tribuna_engine_get_program_levels (server->engine);
  JsonObject *object = json_object_new ();
  JsonArray *peak = json_array_new ();
  JsonArray *rms = json_array_new ();

  for (guint i = 0; levels != NULL && i < levels->n_channels; i++)
    {
      json_array_add_double_element (peak, levels->peak_db[i]);
      json_array_add_double_element (rms, levels->rms_db[i]);
    }
  json_object_set_array_member (object, "peak_db", peak);
  json_object_set_array_member (object, "rms_db", rms);
  json_object_set_boolean_member (object, "silence_alarm",
                                  tribuna_engine_get_silence_alarm (server->engine));
  return object;
}

static void
respond_mixer (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) object = _tribuna_http_mixer_json (request->server);

  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
respond_result (TribunaHttpRequest *request,
                gboolean            ok,
                GError             *error)
{
  if (ok)
    respond_mixer (request);
  else
    _tribuna_http_respond_gerror (request, error);
}

static void
list_sources (TribunaHttpRequest *request)
{
  respond_mixer (request);
}

/* The source a path names, or NULL after answering 404. */
static TribunaSourcePipeline *
find_source (TribunaHttpRequest *request)
{
  TribunaSourcePipeline *source = tribuna_engine_find_source (request->server->engine,
                                                              request->params[0]);

  if (source == NULL)
    _tribuna_http_respond_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                                 "there is no source named “%s”", request->params[0]);
  return source;
}

/* A number member: FALSE after answering 422 when it is there and not a number. */
static gboolean
get_number (TribunaHttpRequest *request,
            JsonObject         *body,
            const char         *member,
            double              min,
            double              max,
            double             *out,
            gboolean           *present)
{
  JsonNode *node = json_object_get_member (body, member);
  GType type;

  *present = node != NULL && !JSON_NODE_HOLDS_NULL (node);
  if (!*present)
    return TRUE;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type",
                                   "“%s” must be a number", member);
      return FALSE;
    }
  *out = json_node_get_double (node);
  if (*out < min || *out > max)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“%s” must be from %g to %g, not %g", member, min, max, *out);
      return FALSE;
    }
  return TRUE;
}

static void
update_source (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "gain_db", "muted", "av_offset_ms", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  TribunaEngine *engine = request->server->engine;
  g_autoptr(GError) error = NULL;
  const char *name = request->params[0];
  gboolean has_gain, has_muted, has_offset, muted = FALSE;
  double gain = 0, offset = 0;

  if (body == NULL || find_source (request) == NULL
      || !get_number (request, body, "gain_db", MIN_GAIN_DB, MAX_GAIN_DB, &gain, &has_gain)
      || !get_number (request, body, "av_offset_ms", 0, MAX_OFFSET_MS, &offset,
                      &has_offset)
      || !_tribuna_http_get_boolean (request, body, "muted", FALSE, &muted, &has_muted))
    return;

  if ((has_gain && !tribuna_engine_set_source_gain (engine, name, gain, &error))
      || (has_muted && !tribuna_engine_set_source_muted (engine, name, muted, &error))
      || (has_offset && !tribuna_engine_set_source_av_offset (engine, name, (int) offset, &error)))
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }
  respond_mixer (request);
}

static void
set_preview (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (body == NULL || find_source (request) == NULL)
    return;

  ok = tribuna_engine_set_preview_source (request->server->engine, request->params[0], &error);
  respond_result (request, ok, error);
}

static void
cut (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (body == NULL)
    return;

  ok = tribuna_engine_cut (request->server->engine, &error);
  respond_result (request, ok, error);
}

static void
fade (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (body == NULL)
    return;

  ok = tribuna_engine_fade (request->server->engine, &error);
  respond_result (request, ok, error);
}

static void
set_layout (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "layout", "inset", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(GError) error = NULL;
  const char *layout_name = NULL, *inset = NULL;
  TribunaLayout layout;
  gboolean ok;

  if (body == NULL
      || !_tribuna_http_get_string (request, body, "layout", TRUE, MAX_NAME_CHARS, &layout_name)
      || !_tribuna_http_get_string (request, body, "inset", FALSE, MAX_NAME_CHARS, &inset))
    return;

  if (g_str_equal (layout_name, "full"))
    layout = TRIBUNA_LAYOUT_FULL;
  else if (g_str_equal (layout_name, "pip"))
    layout = TRIBUNA_LAYOUT_PIP;
  else
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“layout” must be \"full\" or \"pip\", not “%s”", layout_name);
      return;
    }

  ok = tribuna_engine_set_layout (request->server->engine, layout, inset, &error);
  respond_result (request, ok, error);
}

static void
set_lower_third (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "visible", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(GError) error = NULL;
  gboolean visible = FALSE;
  gboolean ok;

  if (body == NULL || !_tribuna_http_get_boolean (request, body, "visible", TRUE, &visible, NULL))
    return;

  ok = tribuna_engine_set_lower_third_visible (request->server->engine, visible, &error);
  respond_result (request, ok, error);
}

static void
respond_snapshot (TribunaHttpRequest *request,
                  const char         *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = tribuna_engine_snapshot_jpeg (request->server->engine, source, &error);
  gsize length;
  gconstpointer data;

  /* The engine's own refusals (not running, no such source) say what they are; anything
   * else here is a source or program with no frame to show yet. */
  if (jpeg == NULL && error->domain == TRIBUNA_ENGINE_ERROR)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }
  if (jpeg == NULL)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "no-picture", "%s",
                                   error->message);
      return;
    }

  data = g_bytes_get_data (jpeg, &length);
  _tribuna_http_add_security_headers (request->msg, _tribuna_http_server_is_tls (request->server));
  soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->msg, "image/jpeg", SOUP_MEMORY_COPY, data, length);
}

static void
source_snapshot (TribunaHttpRequest *request)
{
  if (find_source (request) != NULL)
    respond_snapshot (request, request->params[0]);
}

static void
program_snapshot (TribunaHttpRequest *request)
{
  respond_snapshot (request, NULL);
}

static const TribunaHttpRoute routes[] = {
  { "GET", "sources", TRIBUNA_HTTP_ACCESS_READ, list_sources, 0 },
  { "PATCH", "sources/:name", TRIBUNA_HTTP_ACCESS_CONTROL, update_source, 0 },
  { "POST", "sources/:name/preview", TRIBUNA_HTTP_ACCESS_CONTROL, set_preview, 0 },
  { "GET", "sources/:name/snapshot.jpg", TRIBUNA_HTTP_ACCESS_READ, source_snapshot, 0 },
  { "POST", "program/cut", TRIBUNA_HTTP_ACCESS_CONTROL, cut, 0 },
  { "POST", "program/fade", TRIBUNA_HTTP_ACCESS_CONTROL, fade, 0 },
  { "POST", "program/layout", TRIBUNA_HTTP_ACCESS_CONTROL, set_layout, 0 },
  { "POST", "program/lower-third", TRIBUNA_HTTP_ACCESS_CONTROL, set_lower_third, 0 },
  { "GET", "program/snapshot.jpg", TRIBUNA_HTTP_ACCESS_READ, program_snapshot, 0 },
  { NULL }
};

const TribunaHttpRoute *
_tribuna_http_sources_routes (void)
{
  return routes;
}
