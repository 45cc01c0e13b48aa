/* tribuna-http-api-sessions.c: sessions, their agendas and chapters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tribuna-agenda.h"
#include "tribuna-http-private.h"
#include "tribuna-timeline.h"

#define MAX_TITLE_CHARS 500

static void
set_time (JsonObject *object,
          const char *member,
          gint64      wall_us)
{
  g_autofree char *text = _tribuna_http_iso_time (wall_us);

  _tribuna_http_set_string_or_null (object, member, text);
}

JsonObject *
_tribuna_http_session_json (const TribunaSession *session)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", session->id);
  json_object_set_string_member (object, "type", tribuna_session_type_to_code (session->type));
  json_object_set_string_member (object, "type_label",
                                 tribuna_session_type_to_label (session->type));
  json_object_set_string_member (object, "title", session->title);
  json_object_set_string_member (object, "date", session->date);
  _tribuna_http_set_string_or_null (object, "place", session->place);
  json_object_set_string_member (object, "state", tribuna_session_state_to_code (session->state));
  json_object_set_boolean_member (object, "public", session->is_public);
  set_time (object, "created", session->created_us);
  set_time (object, "started", session->started_us);
  set_time (object, "ended", session->ended_us);
  return object;
}

static JsonObject *
item_json (const TribunaAgendaItem *item)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", item->id);
  json_object_set_int_member (object, "position", item->position);
  json_object_set_int_member (object, "depth", item->depth);
  _tribuna_http_set_string_or_null (object, "number", item->number);
  json_object_set_string_member (object, "title", item->title);
  _tribuna_http_set_string_or_null (object, "presenter", item->presenter);
  return object;
}

static JsonArray *
items_json (GPtrArray *items)
{
  JsonArray *array = json_array_sized_new (items->len);

  for (guint i = 0; i < items->len; i++)
    json_array_add_object_element (array, item_json (g_ptr_array_index (items, i)));
  return array;
}

static JsonObject *
marker_json (const TribunaMarker *marker)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", marker->id);
  json_object_set_string_member (object, "kind", tribuna_marker_kind_to_code (marker->kind));
  if (marker->item_id > 0)
    json_object_set_int_member (object, "item_id", marker->item_id);
  else
    json_object_set_null_member (object, "item_id");
  _tribuna_http_set_string_or_null (object, "speaker_name", marker->speaker_name);
  _tribuna_http_set_string_or_null (object, "speaker_role", marker->speaker_role);
  _tribuna_http_set_string_or_null (object, "text", marker->text);
  set_time (object, "time", marker->wall_us);
  json_object_set_int_member (object, "wall_us", marker->wall_us);
  _tribuna_http_set_string_or_null (object, "set_by", marker->set_by);
  return object;
}

/* "current" is the session on program; otherwise a number. Answers when there is none. */
static gboolean
resolve_session_id (TribunaHttpRequest *request,
                    const char         *text,
                    gint64             *id)
{
  const TribunaSession *current = tribuna_engine_get_session (request->server->engine);

  if (g_str_equal (text, "current"))
    {
      if (current == NULL)
        {
          _tribuna_http_respond_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                                       "no session is open");
          return FALSE;
        }
      *id = current->id;
      return TRUE;
    }

  return _tribuna_http_get_id (request, text, "session", id);
}

static TribunaSession *
load_session (TribunaHttpRequest *request,
              gint64             *id_out)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  g_autoptr(GError) error = NULL;
  TribunaSession *session;
  gint64 id;

  if (!resolve_session_id (request, request->params[0], &id))
    return NULL;

  session = tribuna_archive_get_session (archive, id, &error);
  if (session == NULL)
    _tribuna_http_respond_gerror (request, error);
  else if (id_out != NULL)
    *id_out = id;
  return session;
}

/* Listing */

static gboolean
is_date (const char *text)
{
  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
bad_filter (TribunaHttpRequest *request,
            const char         *message)
{
  _tribuna_http_respond_error (request, SOUP_STATUS_BAD_REQUEST, "invalid", "%s", message);
  return FALSE;
}

/* The session filter both lists share (the staff's and the public archive's): ?type=,
 * ?from= and ?to=. FALSE after answering 400. */
gboolean
_tribuna_http_read_session_filter (TribunaHttpRequest   *request,
                                   TribunaSessionFilter *filter)
{
  const char *type = _tribuna_http_request_get_query (request, "type");

  filter->from_date = _tribuna_http_request_get_query (request, "from");
  filter->to_date = _tribuna_http_request_get_query (request, "to");

  if (type != NULL)
    {
      g_autofree char *codes = tribuna_session_type_list_codes ();
      g_autofree char *message = g_strdup_printf ("type must be one of %s", codes);

      filter->by_type = TRUE;
      if (!tribuna_session_type_from_code (type, &filter->type))
        return bad_filter (request, message);
    }
  if ((filter->from_date != NULL && !is_date (filter->from_date))
      || (filter->to_date != NULL && !is_date (filter->to_date)))
    return bad_filter (request, "from and to are dates, YYYY-MM-DD");
  return TRUE;
}

static gboolean
read_filter (TribunaHttpRequest   *request,
             TribunaSessionFilter *filter,
             gboolean             *by_state,
             TribunaSessionState  *state,
             int                  *is_public)
{
  const char *state_text = _tribuna_http_request_get_query (request, "state");
  const char *public_text = _tribuna_http_request_get_query (request, "public");

  if (!_tribuna_http_read_session_filter (request, filter))
    return FALSE;
  *by_state = state_text != NULL;
  if (state_text != NULL && !tribuna_session_state_from_code (state_text, state))
    return bad_filter (request, "state must be one of planned, live, ended, interrupted");
  *is_public = -1;
  if (public_text != NULL)
    {
      if (g_str_equal (public_text, "true"))
        *is_public = 1;
      else if (g_str_equal (public_text, "false"))
        *is_public = 0;
      else
        return bad_filter (request, "public must be true or false");
    }

  return TRUE;
}

static void
list_sessions (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  TribunaSessionFilter filter = { 0 };
  TribunaSessionState state = TRIBUNA_SESSION_PLANNED;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  gboolean by_state = FALSE;
  int is_public = -1;
  JsonArray *array;

  if (!read_filter (request, &filter, &by_state, &state, &is_public))
    return;

  sessions = tribuna_archive_list_sessions (archive, &filter, &error);
  if (sessions == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  array = json_array_new ();
  for (guint i = 0; i < sessions->len; i++)
    {
      const TribunaSession *session = g_ptr_array_index (sessions, i);

      if ((by_state && session->state != state)
          || (is_public >= 0 && !!session->is_public != is_public))
        continue;
      json_array_add_object_element (array, _tribuna_http_session_json (session));
    }
  json_object_set_array_member (object, "sessions", array);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* One session */

static JsonObject *
segments_json (TribunaArchive *archive,
               gint64          session_id)
{
  g_autoptr(GPtrArray) segments = tribuna_archive_list_segments (archive, session_id, NULL);
  g_autoptr(TribunaTimeline) timeline = NULL;
  JsonObject *object = json_object_new ();
  gint64 bytes = 0;
  guint open = 0;

  for (guint i = 0; segments != NULL && i < segments->len; i++)
    {
      const TribunaSegment *segment = g_ptr_array_index (segments, i);

      bytes += MAX (segment->bytes, 0);
      open += segment->state == TRIBUNA_SEGMENT_OPEN;
    }

  if (segments != NULL && segments->len > 0)
    timeline = tribuna_timeline_new_for_session (archive, session_id, NULL);

  json_object_set_int_member (object, "count", segments ? segments->len : 0);
  json_object_set_int_member (object, "open", open);
  json_object_set_int_member (object, "bytes", bytes);
  json_object_set_int_member (object, "duration_ns",
                              timeline ? tribuna_timeline_get_duration (timeline) : 0);
  return object;
}

static void
get_session (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) markers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonArray *marker_array;
  gint64 id;

  session = load_session (request, &id);
  if (session == NULL)
    return;

  items = tribuna_archive_list_items (archive, id, &error);
  if (items != NULL)
    markers = tribuna_archive_list_markers (archive, id, &error);
  if (markers == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  object = json_object_new ();
  json_object_set_object_member (object, "session", _tribuna_http_session_json (session));
  json_object_set_array_member (object, "items", items_json (items));
  marker_array = json_array_sized_new (markers->len);
  for (guint i = 0; i < markers->len; i++)
    json_array_add_object_element (marker_array, marker_json (g_ptr_array_index (markers, i)));
  json_object_set_array_member (object, "markers", marker_array);
  json_object_set_object_member (object, "segments", segments_json (archive, id));
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
create_session (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "type", "title", "date", "place", "public", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *type_text = NULL, *title = NULL, *date = NULL, *place = NULL;
  gboolean is_public = TRUE;
  TribunaSessionType type;

  if (body == NULL
      || !_tribuna_http_get_string (request, body, "type", TRUE, 32, &type_text)
      || !_tribuna_http_get_string (request, body, "title", TRUE, MAX_TITLE_CHARS, &title)
      || !_tribuna_http_get_string (request, body, "date", FALSE, 10, &date)
      || !_tribuna_http_get_string (request, body, "place", FALSE, MAX_TITLE_CHARS, &place)
      || !_tribuna_http_get_boolean (request, body, "public", FALSE, &is_public, NULL))
    return;

  if (!tribuna_session_type_from_code (type_text, &type))
    {
      g_autofree char *codes = tribuna_session_type_list_codes ();

      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“type” must be one of %s", codes);
      return;
    }

  session = tribuna_engine_create_session (request->server->engine, type, title, date, place,
                                           is_public, &error);
  if (session == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  object = _tribuna_http_session_json (session);
  _tribuna_http_respond_object (request, SOUP_STATUS_CREATED, object);
}

/* What a person may correct; publishing a session (public) is what puts its recording on
 * /archive. Members left out keep their value; "place": null clears it. */
static gboolean
read_session_changes (TribunaHttpRequest *request,
                      JsonObject         *body,
                      TribunaSession     *session)
{
  const char *type_text = NULL, *title = NULL, *place = NULL;
  gboolean present = FALSE;

  if (!_tribuna_http_get_string (request, body, "type", FALSE, 32, &type_text)
      || !_tribuna_http_get_string (request, body, "title", FALSE, MAX_TITLE_CHARS, &title)
      || !_tribuna_http_get_string (request, body, "place", FALSE, MAX_TITLE_CHARS, &place)
      || !_tribuna_http_get_boolean (request, body, "public", FALSE, &session->is_public,
                                     &present))
    return FALSE;

  if (type_text != NULL && !tribuna_session_type_from_code (type_text, &session->type))
    {
      g_autofree char *codes = tribuna_session_type_list_codes ();

      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“type” must be one of %s", codes);
      return FALSE;
    }
  if (title != NULL)
    {
      g_free (session->title);
      session->title = g_strdup (title);
    }
  if (json_object_has_member (body, "place"))
    {
      g_free (session->place);
      session->place = g_strdup (place);
    }
  return TRUE;
}

static void
update_session (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "type", "title", "place", "public", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaSession) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  gint64 id;

  if (body == NULL)
    return;
  session = load_session (request, &id);
  if (session == NULL || !read_session_changes (request, body, session))
    return;

  if (!tribuna_engine_update_session (request->server->engine, session, &error)
      || !(updated = tribuna_archive_get_session (archive, id, &error)))
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  object = _tribuna_http_session_json (updated);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* Agendas: the file itself is the body. */

static gboolean
agenda_format (TribunaHttpRequest  *request,
               TribunaAgendaFormat *format)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *name = _tribuna_http_request_get_query (request, "format");
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  if (name != NULL)
    {
      if (tribuna_agenda_format_from_string (name, format))
        return TRUE;
      _tribuna_http_respond_error (request, SOUP_STATUS_BAD_REQUEST, "invalid",
                                   "format must be text, markdown, csv, json or auto");
      return FALSE;
    }

  if (type == NULL || g_ascii_strcasecmp (type, "application/octet-stream") == 0)
    *format = TRIBUNA_AGENDA_FORMAT_AUTO;
  else if (g_ascii_strcasecmp (type, "text/plain") == 0)
    *format = TRIBUNA_AGENDA_FORMAT_TEXT;
  else if (g_ascii_strcasecmp (type, "text/markdown") == 0)
    *format = TRIBUNA_AGENDA_FORMAT_MARKDOWN;
  else if (g_ascii_strcasecmp (type, "text/csv") == 0)
    *format = TRIBUNA_AGENDA_FORMAT_CSV;
  else if (g_ascii_strcasecmp (type, "application/json") == 0)
    *format = TRIBUNA_AGENDA_FORMAT_JSON;
  else
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                   "unsupported-media-type",
                                   "an agenda is sent as text/plain, text/markdown, text/csv or "
                                   "application/json (or ?format=)");
      return FALSE;
    }

  return TRUE;
}

static const char *
agenda_name (TribunaAgendaFormat format)
{
  switch (format)
    {
    case TRIBUNA_AGENDA_FORMAT_TEXT:
      return "agenda.txt";
    case TRIBUNA_AGENDA_FORMAT_MARKDOWN:
      return "agenda.md";
    case TRIBUNA_AGENDA_FORMAT_CSV:
      return "agenda.csv";
    case TRIBUNA_AGENDA_FORMAT_JSON:
      return "agenda.json";
    case TRIBUNA_AGENDA_FORMAT_AUTO:
    default:
      return "agenda";
    }
}

/* The session on program reloads its agenda through the engine, which reads a file. */
static gboolean
import_on_program (TribunaEngine  *engine,
                   const char     *name,
                   GBytes         *bytes,
                   GError        **error)
{
  g_autofree char *dir = g_dir_make_tmp ("tribuna-agenda-XXXXXX", error);
  g_autofree char *path = NULL;
  gboolean ok;

  if (dir == NULL)
    return FALSE;

  path = g_build_filename (dir, name, NULL);
  ok = g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_NONE, 0600, error)
       && tribuna_engine_import_agenda (engine, path, error);
  g_unlink (path);
  g_rmdir (dir);
  return ok;
}

static void
import_agenda (TribunaHttpRequest *request)
{
  TribunaEngine *engine = request->server->engine;
  TribunaArchive *archive = tribuna_engine_get_archive (engine);
  const TribunaSession *current = tribuna_engine_get_session (engine);
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  TribunaAgendaFormat format;
  JsonArray *notes;
  gint64 id;
  gboolean ok;

  if (!agenda_format (request, &format))
    return;
  session = load_session (request, &id);
  if (session == NULL)
    return;

  /* Parsed here first for the notes, and so that a bad file changes nothing. */
  agenda = tribuna_agenda_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 agenda_name (format), format, &error);
  if (agenda == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  if (current != NULL && current->id == id)
    ok = import_on_program (engine, agenda_name (agenda->format), bytes, &error);
  else
    ok = tribuna_archive_set_agenda (archive, id, agenda->items, &error);
  if (ok)
    items = tribuna_archive_list_items (archive, id, &error);
  if (items == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  object = json_object_new ();
  json_object_set_string_member (object, "format",
                                 tribuna_agenda_format_to_string (agenda->format));
  json_object_set_string_member (object, "encoding", agenda->encoding);
  json_object_set_array_member (object, "items", items_json (items));
  notes = json_array_new ();
  for (guint i = 0; i < agenda->notes->len; i++)
    json_array_add_string_element (notes, g_ptr_array_index (agenda->notes, i));
  json_object_set_array_member (object, "notes", notes);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* Starting and ending */

static void
start_session (TribunaHttpRequest *request)
{
  TribunaEngine *engine = request->server->engine;
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  gint64 id;

  if (body == NULL || !resolve_session_id (request, request->params[0], &id))
    return;

  /* Recording first, then the enabled destinations: the engine's order. */
  if (!tribuna_engine_open_session (engine, id, &error)
      || !tribuna_engine_start_session (engine, &error))
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  object = _tribuna_http_status_json (request->server);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

typedef struct {
  TribunaHttpRequest *request;
  gint64              session_id;
} EndData;

static void
on_session_ended (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  EndData *data = user_data;
  TribunaHttpRequest *request = data->request;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_end_session_finish (TRIBUNA_ENGINE (object), result, &error))
    _tribuna_http_respond_gerror (request, error);
  else
    {
      TribunaArchive *archive = tribuna_engine_get_archive (TRIBUNA_ENGINE (object));
      g_autoptr(TribunaSession) session = tribuna_archive_get_session (archive, data->session_id,
                                                                        &error);
      g_autoptr(JsonObject) reply = json_object_new ();

      if (session != NULL)
        json_object_set_object_member (reply, "session", _tribuna_http_session_json (session));
      else
        json_object_set_null_member (reply, "session");
      _tribuna_http_respond_object (request, SOUP_STATUS_OK, reply);
    }

  _tribuna_http_request_resume (request);
  g_free (data);
}

/* Answered once the recording is finalised and the session marked ended. */
static void
end_session (TribunaHttpRequest *request)
{
  TribunaEngine *engine = request->server->engine;
  const TribunaSession *current = tribuna_engine_get_session (engine);
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, NULL);
  EndData *data;

  if (body == NULL)
    return;
  if (current == NULL)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "session-state",
                                   "there is no session to end");
      return;
    }

  data = g_new0 (EndData, 1);
  data->request = request;
  data->session_id = current->id;
  _tribuna_http_request_pause (request);
  tribuna_engine_end_session_async (engine, NULL, on_session_ended, data);
}

/* Chapters */

static void
get_chapters (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  const char *format_name = _tribuna_http_request_get_query (request, "format");
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TribunaChapterFormat format;
  const char *content_type;
  gint64 id;

  if (format_name == NULL || g_str_equal (format_name, "json"))
    {
      format = TRIBUNA_CHAPTER_FORMAT_JSON;
      content_type = "application/json";
    }
  else if (g_str_equal (format_name, "youtube"))
    {
      format = TRIBUNA_CHAPTER_FORMAT_YOUTUBE;
      content_type = "text/plain; charset=utf-8";
    }
  else if (g_str_equal (format_name, "webvtt"))
    {
      format = TRIBUNA_CHAPTER_FORMAT_WEBVTT;
      content_type = "text/vtt; charset=utf-8";
    }
  else
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_BAD_REQUEST, "invalid",
                                   "format must be youtube, webvtt or json");
      return;
    }

  session = load_session (request, &id);
  if (session == NULL)
    return;

  timeline = tribuna_timeline_new_for_session (archive, id, &error);
  if (timeline != NULL)
    text = tribuna_timeline_format_chapters (timeline, format, NULL, NULL, &error);
  if (text == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  _tribuna_http_respond_text (request, SOUP_STATUS_OK, content_type, text);
}

static const TribunaHttpRoute routes[] = {
  { "GET", "sessions", TRIBUNA_HTTP_ACCESS_READ, list_sessions, 0 },
  { "POST", "sessions", TRIBUNA_HTTP_ACCESS_EDIT, create_session, 0 },
  { "POST", "sessions/current/end", TRIBUNA_HTTP_ACCESS_CONTROL, end_session, 0 },
  { "GET", "sessions/:id", TRIBUNA_HTTP_ACCESS_READ, get_session, 0 },
  { "PATCH", "sessions/:id", TRIBUNA_HTTP_ACCESS_EDIT, update_session, 0 },
  { "POST", "sessions/:id/agenda", TRIBUNA_HTTP_ACCESS_EDIT, import_agenda,
    TRIBUNA_HTTP_MAX_AGENDA_BYTES },
  { "POST", "sessions/:id/start", TRIBUNA_HTTP_ACCESS_CONTROL, start_session, 0 },
  { "GET", "sessions/:id/chapters", TRIBUNA_HTTP_ACCESS_READ, get_chapters, 0 },
  { NULL }
};

const TribunaHttpRoute *
_tribuna_http_sessions_routes (void)
{
  return routes;
}
