/* tribuna-http-api-control.c: what the operator does in the hall: on air, recording, markers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include "tribuna-http-private.h"

#define MAX_SPEAKER_CHARS 200
#define MAX_NOTE_CHARS    2000
#define MAX_NUMBER_CHARS  32

static void
respond_status (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) object = _tribuna_http_status_json (request->server);

  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* A command with no parameters still refuses a body it does not understand. */
static gboolean
no_parameters (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, NULL);

  return body != NULL;
}

/* On air */

static void
go_on_air (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!no_parameters (request))
    return;

  if (!tribuna_engine_go_on_air (request->server->engine, &error))
    _tribuna_http_respond_gerror (request, error);
  else
    respond_status (request);
}

static void
go_off_air (TribunaHttpRequest *request)
{
  if (!no_parameters (request))
    return;

  tribuna_engine_go_off_air (request->server->engine);
  respond_status (request);
}

/* Recording */

static void
start_recording (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!no_parameters (request))
    return;

  if (!tribuna_engine_start_recording (request->server->engine, &error))
    _tribuna_http_respond_gerror (request, error);
  else
    respond_status (request);
}

static void
on_recording_stopped (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  TribunaHttpRequest *request = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_stop_recording_finish (TRIBUNA_ENGINE (object), result, &error))
    _tribuna_http_respond_gerror (request, error);
  else
    respond_status (request);

  _tribuna_http_request_resume (request);
}

/* Answered once the last segment is finalised: the reply says the file is complete. */
static void
stop_recording (TribunaHttpRequest *request)
{
  if (!no_parameters (request))
    return;

  _tribuna_http_request_pause (request);
  tribuna_engine_stop_recording_async (request->server->engine, NULL, on_recording_stopped,
                                       request);
}

/* Markers */

static void
respond_marker (TribunaHttpRequest *request,
                gboolean            ok,
                GError             *error)
{
  g_autoptr(JsonObject) object = NULL;
  JsonObject *session;

  if (!ok)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  object = json_object_new ();
  session = _tribuna_http_session_state_json (request->server);
  if (session != NULL)
    json_object_set_object_member (object, "session", session);
  else
    json_object_set_null_member (object, "session");
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
next_item (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!no_parameters (request))
    return;

  ok = tribuna_engine_next_item (request->server->engine, _tribuna_http_request_get_user (request),
                                 &error);
  respond_marker (request, ok, error);
}

static void
previous_item (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!no_parameters (request))
    return;

  ok = tribuna_engine_previous_item (request->server->engine,
                                     _tribuna_http_request_get_user (request), &error);
  respond_marker (request, ok, error);
}

static void
jump_to_item (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "number", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(GError) error = NULL;
  g_autofree char *number = NULL;
  JsonNode *node;
  gboolean ok;

  if (body == NULL)
    return;

  /* "5.1" is a string; a plain 5 may come as a number. */
  node = json_object_get_member (body, "number");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
    number = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  else
    {
      const char *text = NULL;

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) != G_TYPE_STRING)
        {
          _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type",
                                       "“number” must be a string such as \"5.1\", or a whole "
                                       "number");
          return;
        }
      if (!_tribuna_http_get_string (request, body, "number", TRUE, MAX_NUMBER_CHARS, &text))
        return;
      number = g_strdup (text);
    }

  ok = tribuna_engine_jump_to_item (request->server->engine, number,
                                    _tribuna_http_request_get_user (request), &error);
  respond_marker (request, ok, error);
}

static void
set_speaker (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "name", "role", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(GError) error = NULL;
  const char *name = NULL, *role = NULL;
  gboolean ok;

  if (body == NULL
      || !_tribuna_http_get_string (request, body, "name", TRUE, MAX_SPEAKER_CHARS, &name)
      || !_tribuna_http_get_string (request, body, "role", FALSE, MAX_SPEAKER_CHARS, &role))
    return;

  ok = tribuna_engine_set_speaker (request->server->engine, name, role && *role ? role : NULL,
                                   _tribuna_http_request_get_user (request), &error);
  respond_marker (request, ok, error);
}

static void
toggle (TribunaHttpRequest *request,
        gboolean            is_break)
{
  static const char * const allowed[] = { "on", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(GError) error = NULL;
  const char *user = _tribuna_http_request_get_user (request);
  gboolean on = FALSE;
  gboolean ok;

  if (body == NULL || !_tribuna_http_get_boolean (request, body, "on", TRUE, &on, NULL))
    return;

  ok = is_break ? tribuna_engine_set_break (request->server->engine, on, user, &error)
                : tribuna_engine_set_private (request->server->engine, on, user, &error);
  respond_marker (request, ok, error);
}

static void
set_break (TribunaHttpRequest *request)
{
  toggle (request, TRUE);
}

static void
set_private (TribunaHttpRequest *request)
{
  toggle (request, FALSE);
}

static void
add_note (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "text", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(GError) error = NULL;
  const char *text = NULL;
  gboolean ok;

  if (body == NULL
      || !_tribuna_http_get_string (request, body, "text", TRUE, MAX_NOTE_CHARS, &text))
    return;

  ok = tribuna_engine_add_note (request->server->engine, text,
                                _tribuna_http_request_get_user (request), &error);
  respond_marker (request, ok, error);
}

static const TribunaHttpRoute routes[] = {
  { "POST", "on-air", TRIBUNA_HTTP_ACCESS_CONTROL, go_on_air, 0 },
  { "POST", "off-air", TRIBUNA_HTTP_ACCESS_CONTROL, go_off_air, 0 },
  { "POST", "recording/start", TRIBUNA_HTTP_ACCESS_CONTROL, start_recording, 0 },
  { "POST", "recording/stop", TRIBUNA_HTTP_ACCESS_CONTROL, stop_recording, 0 },
  { "POST", "markers/next", TRIBUNA_HTTP_ACCESS_CONTROL, next_item, 0 },
  { "POST", "markers/previous", TRIBUNA_HTTP_ACCESS_CONTROL, previous_item, 0 },
  { "POST", "markers/jump", TRIBUNA_HTTP_ACCESS_CONTROL, jump_to_item, 0 },
  { "POST", "markers/speaker", TRIBUNA_HTTP_ACCESS_CONTROL, set_speaker, 0 },
  { "POST", "markers/break", TRIBUNA_HTTP_ACCESS_CONTROL, set_break, 0 },
  { "POST", "markers/private", TRIBUNA_HTTP_ACCESS_CONTROL, set_private, 0 },
  { "POST", "markers/note", TRIBUNA_HTTP_ACCESS_CONTROL, add_note, 0 },
  { NULL }
};

const TribunaHttpRoute *
_tribuna_http_control_routes (void)
{
  return routes;
}
