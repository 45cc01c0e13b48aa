/* tribuna-http-archive.c: the public archive: published sessions, their recordings, clips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   GET /archive, /archive/ID            the archive page (data/web/archive.html); the page
 *                                        reads the ID and #item=5.1 or ?t=SECONDS itself
 *   GET /archive/ID/index.m3u8           the session's recording as an HLS VOD playlist, and
 *   GET /archive/ID/seg-NNNNN-CCCC.ts    its chunks (tribuna-http-recording.c)
 *   GET /archive/clips/ID.mp4            a published clip
 *   GET /api/v1/public/archive           published sessions, newest first, with their items
 *   GET /api/v1/public/archive/ID        one, with its playlist, items and clips
 *
 * Published means public and over (ended, or interrupted by a crash). A live session is
 * on the live page; a session that is not public has no archive at all: 404, the same
 * answer as an id that does not exist, so the public cannot learn which ids are private.
 * Items are placed on the public playlist's time line, which leaves out private time
 * (tribuna-http-recording.c says how).
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <string.h>

#include "tribuna-http-private.h"
#include "tribuna-http-recording.h"

#define ARCHIVE_PATH        "/archive/"
#define CLIPS_FOLDER        "clips"
#define PLAYLIST_NAME       "index.m3u8"

/* A published recording does not change, but a session can be unpublished: a cache keeps
 * a segment at most this long after that. The playlist and page are checked every time. */
#define MEDIA_CACHE         "public, max-age=60"
#define PAGE_CACHE          "no-cache"


/* JSON */

/* Milliseconds: exact in JSON, where seconds as doubles print as 17.132999999999999. */
static void
set_ms (JsonObject *object,
        const char *member,
        gint64      ns)
{
  if (ns < 0)
    json_object_set_null_member (object, member);
  else
    json_object_set_int_member (object, member, ns / 1000000);
}

static JsonObject *
item_json (TribunaHttpRecording   *recording,
           const TribunaItemRange *range)
{
  JsonObject *object = json_object_new ();
  gint64 start = -1;

  if (range->public_ranges->len > 0)
    start = _tribuna_http_recording_position (recording,
                               g_array_index (range->public_ranges, TribunaTimeRange, 0).start_ns);

  if (range->item->number != NULL)
    json_object_set_string_member (object, "number", range->item->number);
  else
    json_object_set_null_member (object, "number");
  json_object_set_string_member (object, "title", range->item->title);
  json_object_set_int_member (object, "depth", range->item->depth);
  set_ms (object, "start_ms", start);
  return object;
}

static JsonArray *
items_json (TribunaHttpRecording *recording)
{
  JsonArray *array = json_array_new ();
  GPtrArray *ranges;

  if (recording->timeline == NULL)
    return array;

  ranges = tribuna_timeline_get_item_ranges (recording->timeline);
  for (guint i = 0; i < ranges->len; i++)
    json_array_add_object_element (array, item_json (recording, g_ptr_array_index (ranges, i)));
  return array;
}

static JsonObject *
session_json (TribunaHttpRecording *recording)
{
  const TribunaSession *session = recording->session;
  JsonObject *object = json_object_new ();
  g_autofree char *page = g_strdup_printf (ARCHIVE_PATH "%" G_GINT64_FORMAT, session->id);
  g_autofree char *playlist = g_strdup_printf ("%s/" PLAYLIST_NAME, page);

  json_object_set_int_member (object, "id", session->id);
  json_object_set_string_member (object, "type", tribuna_session_type_to_code (session->type));
  json_object_set_string_member (object, "type_label",
                                 tribuna_session_type_to_label (session->type));
  json_object_set_string_member (object, "title", session->title);
  json_object_set_string_member (object, "date", session->date);
  if (session->place != NULL)
    json_object_set_string_member (object, "place", session->place);
  else
    json_object_set_null_member (object, "place");
  json_object_set_string_member (object, "page", page);
  if (recording->chunks->len > 0)
    json_object_set_string_member (object, "playlist", playlist);
  else
    json_object_set_null_member (object, "playlist");
  set_ms (object, "duration_ms", recording->playback_ns);
  json_object_set_boolean_member (object, "cut", recording->cut);
  json_object_set_array_member (object, "items", items_json (recording));
  return object;
}

/* A clip's file, inside the data directory only: an export written elsewhere with
 * `tribuna-cli clip -o` is not the appliance's to serve. */
char *
_tribuna_http_clip_file (TribunaHttpServer *self,
                         const TribunaClip *clip)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  g_autofree char *relative = tribuna_archive_relative_path (archive, clip->path, NULL);
  g_autofree char *path = NULL;

  if (relative == NULL)
    return NULL;
  path = g_build_filename (tribuna_archive_get_data_dir (archive), relative, NULL);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}

static JsonObject *
clip_json (TribunaHttpServer *self,
           TribunaHttpRecording *recording,
           const TribunaClip *clip)
{
  JsonObject *object = json_object_new ();
  g_autofree char *url = g_strdup_printf (ARCHIVE_PATH CLIPS_FOLDER "/%" G_GINT64_FORMAT ".mp4",
                                          clip->id);
  g_autofree char *title = NULL;
  gint64 start = clip->actual_start_ns >= 0 ? clip->actual_start_ns : clip->requested_start_ns;
  gint64 end = clip->actual_end_ns >= 0 ? clip->actual_end_ns : clip->requested_end_ns;

  if (clip->item_id > 0 && recording->timeline != NULL)
    {
      GPtrArray *ranges = tribuna_timeline_get_item_ranges (recording->timeline);

      for (guint i = 0; i < ranges->len && title == NULL; i++)
        {
          const TribunaItemRange *range = g_ptr_array_index (ranges, i);

          if (range->item->id == clip->item_id)
            title = tribuna_agenda_item_label (range->item);
        }
    }

  json_object_set_int_member (object, "id", clip->id);
  json_object_set_string_member (object, "title", title ? title : recording->session->title);
  json_object_set_string_member (object, "preset", clip->preset);
  set_ms (object, "duration_ms", end - start);
  json_object_set_string_member (object, "url", url);
  return object;
}

static JsonArray *
clips_json (TribunaHttpServer *self,
            TribunaHttpRecording *recording)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  g_autoptr(GPtrArray) clips = tribuna_archive_list_clips (archive, recording->session->id, NULL);
  JsonArray *array = json_array_new ();

  for (guint i = 0; clips != NULL && i < clips->len; i++)
    {
      const TribunaClip *clip = g_ptr_array_index (clips, i);
      g_autofree char *file = _tribuna_http_clip_file (self, clip);

      if (file != NULL)
        json_array_add_object_element (array, clip_json (self, recording, clip));
    }
  return array;
}

/* The API: GET /api/v1/public/archive[/ID] */

/* The published sessions @filter selects, or NULL after answering the error. */
static GPtrArray *
published_sessions (TribunaHttpRequest   *request,
                    TribunaSessionFilter *filter)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *published = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_session_free);

  sessions = tribuna_archive_list_sessions (archive, filter, &error);
  if (sessions == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      g_ptr_array_unref (published);
      return NULL;
    }

  /* Newest first: a citizen looks for last week's session. */
  for (guint i = sessions->len; i > 0; i--)
    {
      TribunaSession *session = g_ptr_array_index (sessions, i - 1);

      if (_tribuna_http_session_is_published (session))
        g_ptr_array_add (published, g_ptr_array_steal_index (sessions, i - 1));
    }
  return published;
}

static void
respond_archive_list (TribunaHttpRequest *request)
{
  TribunaSessionFilter filter = { 0 };
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *array = json_array_new ();

  json_object_set_array_member (object, "sessions", array);
  if (!_tribuna_http_read_session_filter (request, &filter)
      || (sessions = published_sessions (request, &filter)) == NULL)
    return;

  for (guint i = 0; i < sessions->len; i++)
    {
      const TribunaSession *session = g_ptr_array_index (sessions, i);
      g_autoptr(TribunaHttpRecording) recording = NULL;

      recording = _tribuna_http_recording_new (request->server, session->id);
      if (recording != NULL)
        json_array_add_object_element (array, session_json (recording));
    }
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
respond_archive_session (TribunaHttpRequest *request)
{
  g_autoptr(TribunaHttpRecording) recording = NULL;
  g_autoptr(JsonObject) object = NULL;
  gint64 id;

  if (!_tribuna_http_get_id (request, request->params[0], "session", &id))
    return;

  recording = _tribuna_http_recording_new (request->server, id);
  if (recording == NULL)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                                   "there is no published session %" G_GINT64_FORMAT, id);
      return;
    }

  object = session_json (recording);
  json_object_set_array_member (object, "clips", clips_json (request->server, recording));
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* Items are placed on the chunks of the recordings: the segments are indexed first. */
typedef struct {
  TribunaHttpRequest *request;
  TribunaHttpHandler  respond;
} Indexing;

static void
on_indexed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Indexing *indexing = user_data;

  indexing->respond (indexing->request);
  _tribuna_http_request_resume (indexing->request);
  g_free (indexing);
}

static void
respond_when_indexed (TribunaHttpRequest *request,
                      GPtrArray          *paths,
                      TribunaHttpHandler  respond)
{
  Indexing *indexing;

  if (paths->len == 0)
    {
      g_ptr_array_unref (paths);
      respond (request);
      return;
    }

  indexing = g_new0 (Indexing, 1);
  indexing->request = request;
  indexing->respond = respond;
  _tribuna_http_request_pause (request);
  _tribuna_http_index_segments_async (request->server, paths, on_indexed, indexing);
}

static void
list_archive (TribunaHttpRequest *request)
{
  TribunaSessionFilter filter = { 0 };
  g_autoptr(GPtrArray) sessions = NULL;
  GPtrArray *paths;

  if (!_tribuna_http_read_session_filter (request, &filter)
      || (sessions = published_sessions (request, &filter)) == NULL)
    return;

  paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < sessions->len; i++)
    _tribuna_http_recording_add_unindexed (request->server,
                                           ((TribunaSession *) g_ptr_array_index (sessions, i))->id,
                                           paths);
  respond_when_indexed (request, paths, respond_archive_list);
}

static void
get_archive_session (TribunaHttpRequest *request)
{
  GPtrArray *paths;
  gint64 id;

  if (!_tribuna_http_get_id (request, request->params[0], "session", &id))
    return;

  paths = g_ptr_array_new_with_free_func (g_free);
  _tribuna_http_recording_add_unindexed (request->server, id, paths);
  respond_when_indexed (request, paths, respond_archive_session);
}

static const TribunaHttpRoute routes[] = {
  { "GET", "public/archive", TRIBUNA_HTTP_ACCESS_PUBLIC, list_archive, 0 },
  { "GET", "public/archive/:id", TRIBUNA_HTTP_ACCESS_PUBLIC, get_archive_session, 0 },
  { NULL }
};

const TribunaHttpRoute *
_tribuna_http_archive_routes (void)
{
  return routes;
}

/* Files */

static void
not_found (TribunaHttpServer *self,
           SoupServerMessage *msg,
           const char        *message)
{
  _tribuna_http_set_error_response (self, msg, SOUP_STATUS_NOT_FOUND, "not-found", message);
}

void
_tribuna_http_send_file (TribunaHttpServer *self,
                         SoupServerMessage *msg,
                         const char        *path,
                         const char        *content_type,
                         const char        *cache_control)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;

  if (file == NULL)
    {
      not_found (self, msg, "the file is gone from the appliance");
      return;
    }

  /* Mapped: the pages of a long recording are read as the client takes them. libsoup
   * answers Range requests (a video seeking in an MP4) from the complete body. */
  bytes = g_mapped_file_get_bytes (file);
  _tribuna_http_public_add_headers (self, msg, cache_control);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Accept-Ranges",
                                "bytes");
  _tribuna_http_public_send_bytes (msg, content_type, bytes);
}

/* "123" → 123; anything else (signs, spaces, leading zeros, overflow) is no id. */
static gboolean
parse_id (const char *text,
          gint64     *id)
{
  guint64 value;

  if (text == NULL || text[0] == '0'
      || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

/* A clip is published with its session: a clip of a published session is public. */
static void
serve_clip (TribunaHttpServer *self,
            SoupServerMessage *msg,
            const char        *name)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  g_autofree char *digits = g_str_has_suffix (name, ".mp4")
                            ? g_strndup (name, strlen (name) - strlen (".mp4")) : NULL;
  g_autoptr(GPtrArray) clips = NULL;
  gint64 id;

  if (!parse_id (digits, &id))
    {
      not_found (self, msg, "there is nothing here");
      return;
    }

  clips = tribuna_archive_list_clips (archive, 0, NULL);
  for (guint i = 0; clips != NULL && i < clips->len; i++)
    {
      const TribunaClip *clip = g_ptr_array_index (clips, i);
      g_autoptr(TribunaSession) session = NULL;
      g_autofree char *file = NULL;

      if (clip->id != id)
        continue;
      session = tribuna_archive_get_session (archive, clip->session_id, NULL);
      file = session && _tribuna_http_session_is_published (session) ? _tribuna_http_clip_file (self, clip) : NULL;
      if (file == NULL)
        break;
      _tribuna_http_send_file (self, msg, file, "video/mp4", MEDIA_CACHE);
      return;
    }

  not_found (self, msg, "there is no published clip with this number");
}

/* Every "/archive…" request (GET or HEAD; the caller checked). */
void
_tribuna_http_archive_handle (TribunaHttpServer *self,
                              SoupServerMessage *msg,
                              const char        *path)
{
  g_auto(GStrv) parts = NULL;
  guint n;
  gint64 id;

  if (g_str_equal (path, "/archive") || g_str_equal (path, ARCHIVE_PATH))
    {
      _tribuna_http_public_serve_asset (self, msg, "archive.html", "text/html; charset=utf-8",
                                        PAGE_CACHE);
      return;
    }

  parts = g_strsplit (path + strlen (ARCHIVE_PATH), "/", 3);
  n = g_strv_length (parts);
  for (guint i = 0; i < n; i++)
    {
      if (!_tribuna_http_public_is_plain_name (parts[i]))
        {
          not_found (self, msg, "there is nothing here");
          return;
        }
    }

  if (n == 1 && parse_id (parts[0], &id))
    _tribuna_http_public_serve_asset (self, msg, "archive.html", "text/html; charset=utf-8",
                                      PAGE_CACHE);
  else if (n == 2 && g_str_equal (parts[0], CLIPS_FOLDER))
    serve_clip (self, msg, parts[1]);
  else if (n == 2 && parse_id (parts[0], &id))
    _tribuna_http_recording_serve (self, msg, id, parts[1]);
  else
    not_found (self, msg, "there is nothing here");
}
