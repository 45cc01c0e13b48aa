/* tribuna-http-archive.c: the public archive: published sessions, their recordings, clips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   GET /archive, /archive/ID            the archive page (data/web/archive.html); the page
 *                                        reads the ID and #item=5.1 or ?t=SECONDS itself
 *   GET /archive/ID/index.m3u8           the session's recording as an HLS VOD playlist
 *   GET /archive/ID/seg-NNNNN.ts         one recorder segment the playlist lists
 *   GET /archive/clips/ID.mp4            a published clip
 *   GET /api/v1/public/archive           published sessions, newest first, with their items
 *   GET /api/v1/public/archive/ID        one, with its playlist, items and clips
 *
 * Published means public and over (ended, or interrupted by a crash). A live session is
 * on the live page; a session that is not public has no archive at all: 404, the same
 * answer as an id that does not exist, so the public cannot learn which ids are private.
 *
 * Private time is cut at segment granularity. The recorder's segments (keyframe-aligned
 * MPEG-TS files, `[recording] segment-seconds`) are served whole, and a segment that
 * overlaps a private range by even one frame is left out of the playlist and refused by
 * name: the public may lose up to a segment of public time on either side of a private
 * part, never see a frame of it. Open segments (not closed by the recorder) are never
 * served either. Segment names are the segment's index on the session axis, matched
 * against this list, never joined to a path as given.
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <string.h>

#include "tribuna-http-private.h"
#include "tribuna-timeline.h"
#include "tribuna-ts-index.h"

#define ARCHIVE_PATH        "/archive/"
#define CLIPS_FOLDER        "clips"
#define PLAYLIST_NAME       "index.m3u8"
/* A segment is served in chunks of at least this long, each from a keyframe: a phone
 * opening an item fetches a few seconds, not the recorder's ten-minute file. */
#define CHUNK_FORMAT        "seg-%05u-%04u.ts"
#define CHUNK_TARGET_NS     (4 * G_GINT64_CONSTANT (1000000000))

/* A published recording does not change, but a session can be unpublished: a cache keeps
 * a segment at most this long after that. The playlist and page are checked every time. */
#define MEDIA_CACHE         "public, max-age=60"
#define PAGE_CACHE          "no-cache"

/* Two segments of one run of the program follow each other; across runs their
 * timestamps jump, which a player must be told about (EXT-X-DISCONTINUITY). */
#define SAME_RUN_US         (G_USEC_PER_SEC)

typedef struct {
  guint                 index;            /* on the timeline */
  const TribunaSegment *segment;
  gint64                session_start_ns;
  gint64                duration_ns;
  gint64                playback_start_ns;
  gboolean              discontinuity;
} Piece;

/* What the public may see of one session's recording. */
typedef struct {
  TribunaSession  *session;
  TribunaTimeline *timeline;
  GArray          *pieces;                /* Piece, in axis order */
  gint64           playback_ns;           /* the public playlist's length */
  gboolean         cut;                   /* some recorded time is withheld */
} Recording;

static void
recording_free (Recording *recording)
{
  g_clear_pointer (&recording->session, tribuna_session_free);
  g_clear_object (&recording->timeline);
  g_clear_pointer (&recording->pieces, g_array_unref);
  g_free (recording);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recording, recording_free)

static gboolean
is_published (const TribunaSession *session)
{
  return session->is_public
         && (session->state == TRIBUNA_SESSION_ENDED
             || session->state == TRIBUNA_SESSION_INTERRUPTED);
}

static gboolean
overlaps_private (GArray *private_ranges,
                  gint64  start_ns,
                  gint64  end_ns)
{
  for (guint i = 0; i < private_ranges->len; i++)
    {
      const TribunaTimeRange *range = &g_array_index (private_ranges, TribunaTimeRange, i);

      if (range->start_ns < end_ns && range->end_ns > start_ns)
        return TRUE;
    }
  return FALSE;
}

static gint64
run_epoch_us (const TribunaSegment *segment)
{
  if (segment->start_running_time_ns < 0)
    return G_MININT64;
  return segment->start_wall_us - segment->start_running_time_ns / 1000;
}

/* Every closed segment wholly outside private time, placed on the public playback axis. */
static void
collect_pieces (Recording *recording)
{
  GArray *private_ranges = tribuna_timeline_get_private_ranges (recording->timeline);
  guint n = tribuna_timeline_get_n_segments (recording->timeline);
  const Piece *previous = NULL;

  for (guint i = 0; i < n; i++)
    {
      Piece piece = { .index = i };

      piece.segment = tribuna_timeline_get_segment (recording->timeline, i,
                                                    &piece.session_start_ns, &piece.duration_ns);
      if (piece.segment->state != TRIBUNA_SEGMENT_CLOSED || piece.duration_ns <= 0
          || overlaps_private (private_ranges, piece.session_start_ns,
                               piece.session_start_ns + piece.duration_ns))
        {
          recording->cut = TRUE;
          continue;
        }

      piece.playback_start_ns = recording->playback_ns;
      piece.discontinuity = previous != NULL
                            && (previous->index + 1 != i
                                || run_epoch_us (previous->segment) == G_MININT64
                                || ABS (run_epoch_us (previous->segment)
                                        - run_epoch_us (piece.segment)) > SAME_RUN_US);
      recording->playback_ns += piece.duration_ns;
      g_array_append_val (recording->pieces, piece);
      previous = &g_array_index (recording->pieces, Piece, recording->pieces->len - 1);
    }
}

/* NULL (and nothing said) when the session does not exist or is not published. */
static Recording *
recording_new (TribunaArchive *archive,
               gint64          session_id)
{
  g_autoptr(Recording) recording = g_new0 (Recording, 1);

  recording->session = tribuna_archive_get_session (archive, session_id, NULL);
  if (recording->session == NULL || !is_published (recording->session))
    return NULL;

  recording->pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  /* A published session that recorded nothing has an empty recording, not an error. */
  recording->timeline = tribuna_timeline_new_for_session (archive, session_id, NULL);
  if (recording->timeline != NULL)
    collect_pieces (recording);
  return g_steal_pointer (&recording);
}

/* A session instant on the public playback axis: inside a withheld segment, the next
 * public instant; -1 when nothing public follows. */
static gint64
playback_position (Recording *recording,
                   gint64     session_ns)
{
  for (guint i = 0; i < recording->pieces->len; i++)
    {
      const Piece *piece = &g_array_index (recording->pieces, Piece, i);

      if (session_ns < piece->session_start_ns)
        return piece->playback_start_ns;
      if (session_ns < piece->session_start_ns + piece->duration_ns)
        return piece->playback_start_ns + (session_ns - piece->session_start_ns);
    }
  return -1;
}

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
item_json (Recording              *recording,
           const TribunaItemRange *range)
{
  JsonObject *object = json_object_new ();
  gint64 start = -1;

  if (range->public_ranges->len > 0)
    start = playback_position (recording,
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
items_json (Recording *recording)
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
session_json (Recording *recording)
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
  if (recording->pieces->len > 0)
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
           Recording         *recording,
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
            Recording         *recording)
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

static void
list_archive (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  TribunaSessionFilter filter = { 0 };
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *array = json_array_new ();

  json_object_set_array_member (object, "sessions", array);
  if (!_tribuna_http_read_session_filter (request, &filter))
    return;

  sessions = tribuna_archive_list_sessions (archive, &filter, &error);
  if (sessions == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  /* Newest first: a citizen looks for last week's session. */
  for (guint i = sessions->len; i > 0; i--)
    {
      const TribunaSession *session = g_ptr_array_index (sessions, i - 1);
      g_autoptr(Recording) recording = NULL;

      if (!is_published (session))
        continue;
      recording = recording_new (archive, session->id);
      if (recording != NULL)
        json_array_add_object_element (array, session_json (recording));
    }
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
get_archive_session (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  g_autoptr(Recording) recording = NULL;
  g_autoptr(JsonObject) object = NULL;
  gint64 id;

  if (!_tribuna_http_get_id (request, request->params[0], "session", &id))
    return;

  recording = recording_new (archive, id);
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

/* Chunks: a public segment in pieces of a few seconds *****************************/

typedef struct {
  guint   piece;          /* in recording->pieces */
  guint   number;         /* within its segment */
  guint64 offset;
  guint64 end;
  guint64 header_size;    /* the segment's PAT/PMT, sent in front of a chunk from its middle */
  gint64  duration_ns;
} Chunk;

static char *
segment_path (TribunaHttpServer    *self,
              const TribunaSegment *segment)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);

  if (g_path_is_absolute (segment->path))
    return g_strdup (segment->path);
  return g_build_filename (tribuna_archive_get_data_dir (archive), segment->path, NULL);
}

/* Keyframe to keyframe, at least CHUNK_TARGET_NS each; the last one runs to the end of the
 * segment. Called with the index lock held. */
static void
append_chunks (const Piece          *piece,
               guint                 piece_number,
               const TribunaTsIndex *index,
               GArray               *chunks)
{
  guint n = tribuna_ts_index_get_n_keyframes (index);
  guint first = 0;
  guint number = 0;

  while (first < n)
    {
      const TribunaTsKeyframe *start = tribuna_ts_index_get_keyframe (index, first);
      gint64 start_ns = first == 0 ? 0 : start->time_ns;
      guint next = first + 1;
      Chunk chunk = { .piece = piece_number, .number = number++ };
      gint64 end_ns;

      while (next < n && tribuna_ts_index_get_keyframe (index, next)->time_ns - start_ns
                         < CHUNK_TARGET_NS)
        next++;
      chunk.offset = first == 0 ? 0 : start->offset;
      chunk.header_size = first == 0 ? 0 : tribuna_ts_index_get_header_size (index);
      if (next < n)
        {
          chunk.end = tribuna_ts_index_get_keyframe (index, next)->offset;
          end_ns = tribuna_ts_index_get_keyframe (index, next)->time_ns;
        }
      else
        {
          chunk.end = tribuna_ts_index_get_size (index);
          end_ns = MAX (piece->duration_ns, start_ns + 1000000);
        }
      chunk.duration_ns = end_ns - start_ns;
      g_array_append_val (chunks, chunk);
      first = next;
    }
}

/* Every public segment's chunks, from the indexes already read; a segment whose file
 * could not be indexed is one chunk. */
static GArray *
recording_chunks (TribunaHttpServer *self,
                  Recording         *recording)
{
  GArray *chunks = g_array_new (FALSE, FALSE, sizeof (Chunk));

  g_mutex_lock (&self->ts_indexes_lock);
  for (guint i = 0; i < recording->pieces->len; i++)
    {
      const Piece *piece = &g_array_index (recording->pieces, Piece, i);
      g_autofree char *path = segment_path (self, piece->segment);
      const TribunaTsIndex *index = g_hash_table_lookup (self->ts_indexes, path);

      if (index != NULL)
        append_chunks (piece, i, index, chunks);
      else
        {
          Chunk whole = { .piece = i, .end = G_MAXUINT64, .duration_ns = piece->duration_ns };

          g_array_append_val (chunks, whole);
        }
    }
  g_mutex_unlock (&self->ts_indexes_lock);

  return chunks;
}

/* The segment files of @recording that have no index yet. */
static GPtrArray *
unindexed_paths (TribunaHttpServer *self,
                 Recording         *recording)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&self->ts_indexes_lock);
  for (guint i = 0; i < recording->pieces->len; i++)
    {
      char *path = segment_path (self, g_array_index (recording->pieces, Piece, i).segment);

      if (g_hash_table_contains (self->ts_indexes, path))
        g_free (path);
      else
        g_ptr_array_add (paths, path);
    }
  g_mutex_unlock (&self->ts_indexes_lock);

  return paths;
}

static void
serve_playlist (TribunaHttpServer *self,
                SoupServerMessage *msg,
                Recording         *recording)
{
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n#EXT-X-VERSION:3\n");
  g_autoptr(GArray) chunks = recording_chunks (self, recording);
  g_autoptr(GBytes) bytes = NULL;
  gint64 longest = 0;
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < chunks->len; i++)
    longest = MAX (longest, g_array_index (chunks, Chunk, i).duration_ns);
  g_string_append_printf (text, "#EXT-X-TARGETDURATION:%" G_GINT64_FORMAT "\n"
                          "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n",
                          (longest + G_GINT64_CONSTANT (999999999)) / 1000000000);
  for (guint i = 0; i < chunks->len; i++)
    {
      const Chunk *chunk = &g_array_index (chunks, Chunk, i);
      const Piece *piece = &g_array_index (recording->pieces, Piece, chunk->piece);

      if (chunk->number == 0 && piece->discontinuity)
        g_string_append (text, "#EXT-X-DISCONTINUITY\n");
      g_ascii_formatd (number, sizeof number, "%.3f", chunk->duration_ns / 1e9);
      g_string_append_printf (text, "#EXTINF:%s,\n" CHUNK_FORMAT "\n", number, piece->index,
                              chunk->number);
    }
  g_string_append (text, "#EXT-X-ENDLIST\n");

  bytes = g_bytes_new (text->str, text->len);
  _tribuna_http_public_add_headers (self, msg, PAGE_CACHE);
  _tribuna_http_public_send_bytes (msg, "application/vnd.apple.mpegurl", bytes);
}

/* The chunk's bytes, with the segment's PAT/PMT in front when it starts mid-file. */
static GBytes *
read_chunk (const char   *path,
            const Chunk  *chunk,
            GError      **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GByteArray) data = NULL;
  const guint8 *contents;
  gsize length;

  if (file == NULL)
    return NULL;

  contents = (const guint8 *) g_mapped_file_get_contents (file);
  length = g_mapped_file_get_length (file);
  if (chunk->end != G_MAXUINT64 && (chunk->end > length || chunk->header_size > length))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is shorter than its index",
                   path);
      return NULL;
    }

  data = g_byte_array_sized_new (chunk->header_size + (MIN (chunk->end, length) - chunk->offset));
  g_byte_array_append (data, contents, chunk->header_size);
  g_byte_array_append (data, contents + chunk->offset, MIN (chunk->end, length) - chunk->offset);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static void
serve_chunk (TribunaHttpServer *self,
             SoupServerMessage *msg,
             Recording         *recording,
             const char        *name)
{
  g_autoptr(GArray) chunks = recording_chunks (self, recording);

  for (guint i = 0; i < chunks->len; i++)
    {
      const Chunk *chunk = &g_array_index (chunks, Chunk, i);
      const Piece *piece = &g_array_index (recording->pieces, Piece, chunk->piece);
      g_autofree char *expected = g_strdup_printf (CHUNK_FORMAT, piece->index, chunk->number);
      g_autofree char *path = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_equal (name, expected))
        continue;

      path = segment_path (self, piece->segment);
      bytes = read_chunk (path, chunk, &error);
      if (bytes == NULL)
        {
          g_warning ("archive: %s", error->message);
          not_found (self, msg, "the recording is gone from the appliance");
          return;
        }
      _tribuna_http_public_add_headers (self, msg, MEDIA_CACHE);
      _tribuna_http_public_send_bytes (msg, "video/mp2t", bytes);
      return;
    }

  not_found (self, msg, "no such public part of this recording");
}

/* Reading a ten-minute segment to index it takes a moment: in a worker, with the request
 * paused. */
typedef struct {
  TribunaHttpServer *server;
  SoupServerMessage *msg;
  gint64             id;
  char              *name;
  gulong             finished_id;
  gboolean           gone;
} IndexRequest;

static void
index_request_free (IndexRequest *request)
{
  g_clear_signal_handler (&request->finished_id, request->msg);
  g_object_unref (request->msg);
  g_object_unref (request->server);
  g_free (request->name);
  g_free (request);
}

static void
on_index_request_gone (SoupServerMessage *msg,
                       IndexRequest      *request)
{
  request->gone = TRUE;
}

static void
index_segments_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  TribunaHttpServer *self = source_object;
  GPtrArray *paths = task_data;

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr(GError) error = NULL;
      TribunaTsIndex *index = tribuna_ts_index_read (path, &error);

      /* Served whole when it cannot be read in chunks: said once, not per request. */
      if (index == NULL)
        g_warning ("archive: %s", error->message);
      g_mutex_lock (&self->ts_indexes_lock);
      g_hash_table_replace (self->ts_indexes, g_strdup (path), index);
      g_mutex_unlock (&self->ts_indexes_lock);
    }
  g_task_return_boolean (task, TRUE);
}

static void answer_recording (TribunaHttpServer *self,
                              SoupServerMessage *msg,
                              gint64             id,
                              const char        *name);

static void
on_segments_indexed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  IndexRequest *request = user_data;

  if (!request->gone)
    {
      answer_recording (request->server, request->msg, request->id, request->name);
      soup_server_message_unpause (request->msg);
    }
  index_request_free (request);
}

/* "seg-DDDDD-DDDD.ts": the shape of CHUNK_FORMAT, checked before any file is read. */
static gboolean
is_chunk_name (const char *name)
{
  static const char shape[] = "seg-00000-0000.ts";

  if (strlen (name) != strlen (shape))
    return FALSE;
  for (gsize i = 0; shape[i] != '\0'; i++)
    if (shape[i] == '0' ? !g_ascii_isdigit (name[i]) : name[i] != shape[i])
      return FALSE;
  return TRUE;
}

static void
answer_recording (TribunaHttpServer *self,
                  SoupServerMessage *msg,
                  gint64             id,
                  const char        *name)
{
  g_autoptr(Recording) recording = recording_new (tribuna_engine_get_archive (self->engine), id);

  if (recording == NULL)
    not_found (self, msg, "there is no published session with this number");
  else if (g_str_equal (name, PLAYLIST_NAME))
    serve_playlist (self, msg, recording);
  else
    serve_chunk (self, msg, recording, name);
}

static void
serve_recording (TribunaHttpServer *self,
                 SoupServerMessage *msg,
                 gint64             id,
                 const char        *name)
{
  g_autoptr(Recording) recording = recording_new (tribuna_engine_get_archive (self->engine), id);
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GTask) task = NULL;
  IndexRequest *request;

  if (recording == NULL)
    {
      not_found (self, msg, "there is no published session with this number");
      return;
    }
  if (!g_str_equal (name, PLAYLIST_NAME) && !is_chunk_name (name))
    {
      not_found (self, msg, "no such public part of this recording");
      return;
    }

  paths = unindexed_paths (self, recording);
  if (paths->len == 0)
    {
      answer_recording (self, msg, id, name);
      return;
    }

  request = g_new0 (IndexRequest, 1);
  request->server = g_object_ref (self);
  request->msg = g_object_ref (msg);
  request->id = id;
  request->name = g_strdup (name);
  request->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_index_request_gone),
                                           request);
  soup_server_message_pause (msg);
  task = g_task_new (self, NULL, on_segments_indexed, request);
  g_task_set_task_data (task, g_steal_pointer (&paths), (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, index_segments_thread);
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
      file = session && is_published (session) ? _tribuna_http_clip_file (self, clip) : NULL;
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
    serve_recording (self, msg, id, parts[1]);
  else
    not_found (self, msg, "there is nothing here");
}
