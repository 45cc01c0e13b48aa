/* tribuna-http-recording.c: what the public may see of one session's recording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   GET /archive/ID/index.m3u8           the recording as an HLS VOD playlist
 *   GET /archive/ID/seg-NNNNN-CCCC.ts    chunk CCCC of segment NNNNN, as the playlist lists it
 *
 * The recorder writes keyframe-aligned MPEG-TS segments, ten minutes long by default. The
 * public gets them in chunks of a few seconds, keyframe to keyframe (TribunaTsIndex reads
 * where the keyframes are, once per segment, in a worker thread; the server keeps the
 * result), so a phone opening an agenda item fetches seconds, not a whole segment. A chunk
 * from the middle of a segment is sent with the segment's PAT and PMT in front, so it
 * plays on its own.
 *
 * Private time is cut at chunk granularity: a chunk that overlaps a private range by even
 * one frame is left out of the playlist and refused by name, so the public may lose up to
 * a chunk (4 s and up to a keyframe interval more) of public time on either side of a
 * private part, never see a frame of it. A segment that cannot be indexed counts as one
 * chunk, and is then withheld whole if it touches private time. Open segments (not closed
 * by the recorder) are never served. Names are matched against this list, never joined to
 * a path.
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <string.h>

#include "tribuna-http-recording.h"
#include "tribuna-ts-index.h"

#define PLAYLIST_NAME       "index.m3u8"
#define CHUNK_FORMAT        "seg-%05u-%04u.ts"
#define CHUNK_TARGET_NS     (4 * G_GINT64_CONSTANT (1000000000))

/* A published recording does not change, but a session can be unpublished: a cache keeps
 * a chunk at most this long after that. The playlist is checked every time. */
#define MEDIA_CACHE         "public, max-age=60"
#define PLAYLIST_CACHE      "no-cache"

/* Two segments of one run of the program follow each other; across runs their
 * timestamps jump, which a player must be told about (EXT-X-DISCONTINUITY). */
#define SAME_RUN_US         (G_USEC_PER_SEC)

gboolean
_tribuna_http_session_is_published (const TribunaSession *session)
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

static char *
segment_path (TribunaHttpServer    *self,
              const TribunaSegment *segment)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);

  if (g_path_is_absolute (segment->path))
    return g_strdup (segment->path);
  return g_build_filename (tribuna_archive_get_data_dir (archive), segment->path, NULL);
}

/* Building the public recording ***********************************************************/

/* Keyframe to keyframe, at least CHUNK_TARGET_NS each; the last runs to the segment's end.
 * session_start_ns is from the segment's start here. Called with the index lock held. */
static void
append_indexed_chunks (const TribunaTsIndex *index,
                       gint64                segment_ns,
                       GArray               *chunks)
{
  guint n = tribuna_ts_index_get_n_keyframes (index);
  guint first = 0;
  guint number = 0;

  while (first < n)
    {
      gint64 start_ns = first == 0 ? 0 : tribuna_ts_index_get_keyframe (index, first)->time_ns;
      TribunaHttpChunk chunk = { .number = number++, .session_start_ns = start_ns };
      guint next = first + 1;
      gint64 end_ns;

      while (next < n && tribuna_ts_index_get_keyframe (index, next)->time_ns - start_ns
                         < CHUNK_TARGET_NS)
        next++;
      chunk.offset = first == 0 ? 0 : tribuna_ts_index_get_keyframe (index, first)->offset;
      chunk.header_size = first == 0 ? 0 : tribuna_ts_index_get_header_size (index);
      if (next < n)
        {
          chunk.end = tribuna_ts_index_get_keyframe (index, next)->offset;
          end_ns = tribuna_ts_index_get_keyframe (index, next)->time_ns;
        }
      else
        {
          chunk.end = tribuna_ts_index_get_size (index);
          chunk.last = TRUE;
          /* the recorder's duration, which counts the last frame too */
          end_ns = MAX (segment_ns, start_ns + 1000000);
        }
      chunk.duration_ns = end_ns - start_ns;
      g_array_append_val (chunks, chunk);
      first = next;
    }
}

static GArray *
segment_chunks (TribunaHttpServer    *self,
                const TribunaSegment *segment,
                gint64                segment_ns)
{
  GArray *chunks = g_array_new (FALSE, FALSE, sizeof (TribunaHttpChunk));
  g_autofree char *path = segment_path (self, segment);
  const TribunaTsIndex *index;

  g_mutex_lock (&self->ts_indexes_lock);
  index = g_hash_table_lookup (self->ts_indexes, path);
  if (index != NULL)
    append_indexed_chunks (index, segment_ns, chunks);
  g_mutex_unlock (&self->ts_indexes_lock);

  if (chunks->len == 0)
    {
      TribunaHttpChunk whole = { .last = TRUE, .end = G_MAXUINT64, .duration_ns = segment_ns };

      g_array_append_val (chunks, whole);
    }
  return chunks;
}

/* Whether @chunk picks up where @previous stopped, in the same run of the program. */
static gboolean
follows (const TribunaHttpChunk *previous,
         const TribunaHttpChunk *chunk)
{
  if (previous->index == chunk->index)
    return previous->number + 1 == chunk->number;

  return previous->last && previous->index + 1 == chunk->index && chunk->number == 0
         && run_epoch_us (previous->segment) != G_MININT64
         && ABS (run_epoch_us (previous->segment) - run_epoch_us (chunk->segment)) <= SAME_RUN_US;
}

/* Every chunk of a closed segment wholly outside private time, placed on the public
 * playback axis. */
static void
collect_chunks (TribunaHttpServer    *self,
                TribunaHttpRecording *recording)
{
  GArray *private_ranges = tribuna_timeline_get_private_ranges (recording->timeline);
  guint n = tribuna_timeline_get_n_segments (recording->timeline);
  const TribunaHttpChunk *previous = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GArray) chunks = NULL;
      const TribunaSegment *segment;
      gint64 start_ns, duration_ns;

      segment = tribuna_timeline_get_segment (recording->timeline, i, &start_ns, &duration_ns);
      if (segment->state != TRIBUNA_SEGMENT_CLOSED || duration_ns <= 0)
        {
          recording->cut = TRUE;
          continue;
        }

      chunks = segment_chunks (self, segment, duration_ns);
      for (guint c = 0; c < chunks->len; c++)
        {
          TribunaHttpChunk chunk = g_array_index (chunks, TribunaHttpChunk, c);

          chunk.index = i;
          chunk.segment = segment;
          chunk.session_start_ns += start_ns;
          if (overlaps_private (private_ranges, chunk.session_start_ns,
                                chunk.session_start_ns + chunk.duration_ns))
            {
              recording->cut = TRUE;
              continue;
            }

          chunk.playback_start_ns = recording->playback_ns;
          chunk.discontinuity = previous != NULL && !follows (previous, &chunk);
          recording->playback_ns += chunk.duration_ns;
          g_array_append_val (recording->chunks, chunk);
          previous = &g_array_index (recording->chunks, TribunaHttpChunk,
                                     recording->chunks->len - 1);
        }
    }
}

/* NULL (and nothing said) when the session does not exist or is not published. Segments
 * not indexed yet count as one chunk each: index them first
 * (_tribuna_http_recording_add_unindexed()). */
TribunaHttpRecording *
_tribuna_http_recording_new (TribunaHttpServer *self,
                             gint64             session_id)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  g_autoptr(TribunaHttpRecording) recording = g_new0 (TribunaHttpRecording, 1);

  recording->session = tribuna_archive_get_session (archive, session_id, NULL);
  if (recording->session == NULL || !_tribuna_http_session_is_published (recording->session))
    return NULL;

  recording->chunks = g_array_new (FALSE, FALSE, sizeof (TribunaHttpChunk));
  /* A published session that recorded nothing has an empty recording, not an error. */
  recording->timeline = tribuna_timeline_new_for_session (archive, session_id, NULL);
  if (recording->timeline != NULL)
    collect_chunks (self, recording);
  return g_steal_pointer (&recording);
}

void
_tribuna_http_recording_free (TribunaHttpRecording *recording)
{
  if (recording == NULL)
    return;

  g_clear_pointer (&recording->session, tribuna_session_free);
  g_clear_object (&recording->timeline);
  g_clear_pointer (&recording->chunks, g_array_unref);
  g_free (recording);
}

/* A session instant on the public playback axis: inside a withheld chunk, the next public
 * instant; -1 when nothing public follows. */
gint64
_tribuna_http_recording_position (TribunaHttpRecording *recording,
                                  gint64                session_ns)
{
  for (guint i = 0; i < recording->chunks->len; i++)
    {
      const TribunaHttpChunk *chunk = &g_array_index (recording->chunks, TribunaHttpChunk, i);

      if (session_ns < chunk->session_start_ns)
        return chunk->playback_start_ns;
      if (session_ns < chunk->session_start_ns + chunk->duration_ns)
        return chunk->playback_start_ns + (session_ns - chunk->session_start_ns);
    }
  return -1;
}

/* Indexing ********************************************************************************/

/* Adds to @paths the closed segments of @session_id (if published) not indexed yet. */
void
_tribuna_http_recording_add_unindexed (TribunaHttpServer *self,
                                       gint64             session_id,
                                       GPtrArray         *paths)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  g_autoptr(TribunaSession) session = tribuna_archive_get_session (archive, session_id, NULL);
  g_autoptr(TribunaTimeline) timeline = NULL;

  if (session == NULL || !_tribuna_http_session_is_published (session))
    return;
  timeline = tribuna_timeline_new_for_session (archive, session_id, NULL);
  if (timeline == NULL)
    return;

  g_mutex_lock (&self->ts_indexes_lock);
  for (guint i = 0; i < tribuna_timeline_get_n_segments (timeline); i++)
    {
      const TribunaSegment *segment = tribuna_timeline_get_segment (timeline, i, NULL, NULL);
      g_autofree char *path = NULL;

      if (segment->state != TRIBUNA_SEGMENT_CLOSED)
        continue;
      path = segment_path (self, segment);
      if (!g_hash_table_contains (self->ts_indexes, path)
          && !g_ptr_array_find_with_equal_func (paths, path, g_str_equal, NULL))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
  g_mutex_unlock (&self->ts_indexes_lock);
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

      /* Then served as one chunk: said once, not at every request. */
      if (index == NULL)
        g_warning ("archive: %s", error->message);
      g_mutex_lock (&self->ts_indexes_lock);
      g_hash_table_replace (self->ts_indexes, g_strdup (path), index);
      g_mutex_unlock (&self->ts_indexes_lock);
    }
  g_task_return_boolean (task, TRUE);
}

/* Reads the segments at @paths (taken) in a worker: a ten-minute segment takes a moment. */
void
_tribuna_http_index_segments_async (TribunaHttpServer   *self,
                                    GPtrArray           *paths,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_task_data (task, paths, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, index_segments_thread);
}

/* Serving *********************************************************************************/

static void
not_found (TribunaHttpServer *self,
           SoupServerMessage *msg,
           const char        *message)
{
  _tribuna_http_set_error_response (self, msg, SOUP_STATUS_NOT_FOUND, "not-found", message);
}

static void
serve_playlist (TribunaHttpServer    *self,
                SoupServerMessage    *msg,
                TribunaHttpRecording *recording)
{
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n#EXT-X-VERSION:3\n");
  g_autoptr(GBytes) bytes = NULL;
  gint64 longest = 0;
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < recording->chunks->len; i++)
    longest = MAX (longest, g_array_index (recording->chunks, TribunaHttpChunk, i).duration_ns);
  g_string_append_printf (text, "#EXT-X-TARGETDURATION:%" G_GINT64_FORMAT "\n"
                          "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n",
                          (longest + G_GINT64_CONSTANT (999999999)) / 1000000000);
  for (guint i = 0; i < recording->chunks->len; i++)
    {
      const TribunaHttpChunk *chunk = &g_array_index (recording->chunks, TribunaHttpChunk, i);

      if (chunk->discontinuity)
        g_string_append (text, "#EXT-X-DISCONTINUITY\n");
      g_ascii_formatd (number, sizeof number, "%.3f", chunk->duration_ns / 1e9);
      g_string_append_printf (text, "#EXTINF:%s,\n" CHUNK_FORMAT "\n", number, chunk->index,
                              chunk->number);
    }
  g_string_append (text, "#EXT-X-ENDLIST\n");

  bytes = g_bytes_new (text->str, text->len);
  _tribuna_http_public_add_headers (self, msg, PLAYLIST_CACHE);
  _tribuna_http_public_send_bytes (msg, "application/vnd.apple.mpegurl", bytes);
}

/* The chunk's bytes, with the segment's PAT/PMT in front when it starts mid-file. */
static GBytes *
read_chunk (const char              *path,
            const TribunaHttpChunk  *chunk,
            GError                 **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GByteArray) data = NULL;
  const guint8 *contents;
  gsize length, end;

  if (file == NULL)
    return NULL;

  contents = (const guint8 *) g_mapped_file_get_contents (file);
  length = g_mapped_file_get_length (file);
  end = chunk->end == G_MAXUINT64 ? length : chunk->end;
  if (end > length || chunk->offset > end || chunk->header_size > length)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is shorter than its index",
                   path);
      return NULL;
    }

  data = g_byte_array_sized_new (chunk->header_size + (end - chunk->offset));
  g_byte_array_append (data, contents, chunk->header_size);
  g_byte_array_append (data, contents + chunk->offset, end - chunk->offset);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static void
serve_chunk (TribunaHttpServer    *self,
             SoupServerMessage    *msg,
             TribunaHttpRecording *recording,
             const char           *name)
{
  for (guint i = 0; i < recording->chunks->len; i++)
    {
      const TribunaHttpChunk *chunk = &g_array_index (recording->chunks, TribunaHttpChunk, i);
      g_autofree char *expected = g_strdup_printf (CHUNK_FORMAT, chunk->index, chunk->number);
      g_autofree char *path = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_equal (name, expected))
        continue;

      path = segment_path (self, chunk->segment);
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

static void
answer (TribunaHttpServer *self,
        SoupServerMessage *msg,
        gint64             session_id,
        const char        *name)
{
  g_autoptr(TribunaHttpRecording) recording = _tribuna_http_recording_new (self, session_id);

  if (recording == NULL)
    not_found (self, msg, "there is no published session with this number");
  else if (g_str_equal (name, PLAYLIST_NAME))
    serve_playlist (self, msg, recording);
  else
    serve_chunk (self, msg, recording, name);
}

/* A request waiting for its segments to be indexed, paused. */
typedef struct {
  TribunaHttpServer *server;
  SoupServerMessage *msg;
  gint64             session_id;
  char              *name;
  gulong             finished_id;
  gboolean           gone;
} Waiting;

static void
waiting_free (Waiting *waiting)
{
  g_clear_signal_handler (&waiting->finished_id, waiting->msg);
  g_object_unref (waiting->msg);
  g_object_unref (waiting->server);
  g_free (waiting->name);
  g_free (waiting);
}

static void
on_waiting_gone (SoupServerMessage *msg,
                 Waiting           *waiting)
{
  waiting->gone = TRUE;
}

static void
on_indexed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Waiting *waiting = user_data;

  if (!waiting->gone)
    {
      answer (waiting->server, waiting->msg, waiting->session_id, waiting->name);
      soup_server_message_unpause (waiting->msg);
    }
  waiting_free (waiting);
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

/* The playlist or a chunk of @session_id's recording. */
void
_tribuna_http_recording_serve (TribunaHttpServer *self,
                               SoupServerMessage *msg,
                               gint64             session_id,
                               const char        *name)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  Waiting *waiting;

  if (!g_str_equal (name, PLAYLIST_NAME) && !is_chunk_name (name))
    {
      not_found (self, msg, "no such public part of this recording");
      return;
    }

  _tribuna_http_recording_add_unindexed (self, session_id, paths);
  if (paths->len == 0)
    {
      answer (self, msg, session_id, name);
      return;
    }

  waiting = g_new0 (Waiting, 1);
  waiting->server = g_object_ref (self);
  waiting->msg = g_object_ref (msg);
  waiting->session_id = session_id;
  waiting->name = g_strdup (name);
  waiting->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_waiting_gone), waiting);
  soup_server_message_pause (msg);
  _tribuna_http_index_segments_async (self, g_steal_pointer (&paths), on_indexed, waiting);
}
