/* tribuna-engine-thumbnails.c: the first picture of each agenda item, for the archive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline (read on the main thread, where the archive lives) says which segment file
 * and offset an item's first public instant falls on; a worker thread finds the first
 * keyframe at or after it with TribunaTsIndex, reads that GOP alone (after the file's
 * PAT and PMT) and decodes its first picture. Reading one GOP rather than seeking a demuxer
 * keeps it exact and cheap: a few hundred KB per item.
 */
#define G_LOG_DOMAIN "tribuna-engine"

#include "config.h"

#include "tribuna-clip-thumbnail.h"
#include "tribuna-engine-private.h"
#include "tribuna-timeline.h"
#include "tribuna-ts-index.h"

/* One place the picture may come from: a segment file, where to start looking in it and
 * where the item's public stretch ends, both from its first frame. */
typedef struct {
  char   *path;
  gint64  from_ns;
  gint64  until_ns;
} Candidate;

/* For each public stretch of the item, in time order: the segment holding its start, then
 * the next one (the stretch may start in the last GOP of a segment). */
typedef struct {
  char      *key;
  int        width;
  GArray    *candidates;
} ThumbnailJob;

static void
clear_candidate (Candidate *candidate)
{
  g_free (candidate->path);
}

static void
thumbnail_job_free (ThumbnailJob *job)
{
  g_clear_pointer (&job->candidates, g_array_unref);
  g_free (job->key);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbnailJob, thumbnail_job_free)

/* In the worker thread */

static GBytes *
read_slice (const char           *path,
            const TribunaTsIndex *index,
            guint                 keyframe,
            GCancellable         *cancellable,
            GError              **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  guint64 header = tribuna_ts_index_get_header_size (index);
  guint64 start = tribuna_ts_index_get_keyframe (index, keyframe)->offset;
  guint64 end = keyframe + 1 < tribuna_ts_index_get_n_keyframes (index)
                ? tribuna_ts_index_get_keyframe (index, keyframe + 1)->offset
                : tribuna_ts_index_get_size (index);
  g_autofree guint8 *data = g_malloc (header + (end - start));
  gsize got = 0, got_gop = 0;

  if ((stream = g_file_read (file, cancellable, error)) == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), data, header, &got, cancellable,
                                   error)
      || !g_seekable_seek (G_SEEKABLE (stream), (goffset) start, G_SEEK_SET, cancellable, error)
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), data + got, end - start, &got_gop,
                                   cancellable, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&data), got + got_gop);
}

/* NULL with no error: no keyframe in [@from_ns, @until_ns) of this file, try the next. */
static GBytes *
picture_from_candidate (const Candidate  *candidate,
                        int               width,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(TribunaTsIndex) index = tribuna_ts_index_read (candidate->path, error);
  g_autoptr(GBytes) slice = NULL;
  const TribunaTsKeyframe *keyframe = NULL;
  guint i;

  if (index == NULL)
    return NULL;
  /* No slack for rounding: a keyframe a hair early may be the last private picture, and
   * skipping a public one only makes the picture a GOP later. */
  for (i = 0; i < tribuna_ts_index_get_n_keyframes (index); i++)
    if ((keyframe = tribuna_ts_index_get_keyframe (index, i))->time_ns >= candidate->from_ns)
      break;
  /* Past the stretch's end may be private again: not a picture to show. */
  if (i == tribuna_ts_index_get_n_keyframes (index) || keyframe->time_ns >= candidate->until_ns)
    return NULL;
  if ((slice = read_slice (candidate->path, index, i, cancellable, error)) == NULL)
    return NULL;
  return tribuna_clip_jpeg_from_ts (slice, width, cancellable, error);
}

static void
make_thumbnail (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ThumbnailJob *job = task_data;
  GError *error = NULL;

  for (guint i = 0; i < job->candidates->len; i++)
    {
      GBytes *jpeg = picture_from_candidate (&g_array_index (job->candidates, Candidate, i),
                                             job->width, cancellable, &error);

      if (jpeg != NULL)
        {
          g_task_return_pointer (task, jpeg, (GDestroyNotify) g_bytes_unref);
          return;
        }
      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_new_error (task, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_RECORDING,
                           "no keyframe was recorded in the item’s public part");
}

/* On the main thread */

static guint
segment_index_of (TribunaTimeline      *timeline,
                  const TribunaSegment *segment)
{
  guint i;

  for (i = 0; i < tribuna_timeline_get_n_segments (timeline); i++)
    if (tribuna_timeline_get_segment (timeline, i, NULL, NULL) == segment)
      break;
  return i;
}

static void
add_candidate (ThumbnailJob     *job,
               TribunaEngine    *self,
               TribunaTimeline  *timeline,
               guint             segment_index,
               gint64            from_session_ns,
               gint64            until_session_ns)
{
  gint64 start_ns = 0, duration_ns = 0;
  const TribunaSegment *segment;
  Candidate candidate;

  segment = tribuna_timeline_get_segment (timeline, segment_index, &start_ns, &duration_ns);
  if (from_session_ns >= until_session_ns)
    return;
  candidate.path = g_path_is_absolute (segment->path)
                   ? g_strdup (segment->path)
                   : g_build_filename (self->data_dir, segment->path, NULL);
  candidate.from_ns = MAX (from_session_ns - start_ns, 0);
  candidate.until_ns = until_session_ns - start_ns;
  g_array_append_val (job->candidates, candidate);
}

static gboolean
add_stretch (ThumbnailJob            *job,
             TribunaEngine           *self,
             TribunaTimeline         *timeline,
             const TribunaTimeRange  *stretch,
             GError                 **error)
{
  TribunaTimelinePoint point;
  gint64 next_start = 0;
  guint segment;

  if (!tribuna_timeline_locate (timeline, stretch->start_ns, &point, error))
    return FALSE;
  segment = segment_index_of (timeline, point.segment);
  add_candidate (job, self, timeline, segment, stretch->start_ns, stretch->end_ns);
  if (segment + 1 < tribuna_timeline_get_n_segments (timeline))
    {
      tribuna_timeline_get_segment (timeline, segment + 1, &next_start, NULL);
      add_candidate (job, self, timeline, segment + 1, next_start, stretch->end_ns);
    }
  return TRUE;
}

/* Where the picture comes from: the item's public stretches only, because the recording
 * keeps the hall during private time and a thumbnail must not show it. */
static ThumbnailJob *
plan_thumbnail (TribunaEngine  *self,
                gint64          session_id,
                guint           item_index,
                GError        **error)
{
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(ThumbnailJob) job = g_new0 (ThumbnailJob, 1);
  const TribunaItemRange *range;

  if ((timeline = tribuna_timeline_new_for_session (self->archive, session_id, error)) == NULL)
    return NULL;
  if (item_index >= tribuna_timeline_get_item_ranges (timeline)->len)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_AGENDA,
                   "the session has no agenda item %u", item_index + 1);
      return NULL;
    }
  range = g_ptr_array_index (tribuna_timeline_get_item_ranges (timeline), item_index);
  if (range->start_ns < 0 || range->public_ranges->len == 0)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_RECORDING,
                   range->start_ns < 0 ? "the item was not taken up"
                                       : "the item was private throughout");
      return NULL;
    }
  /* A stretch shorter than a GOP (the operator went back at once) may hold no keyframe:
   * then the next stretch gives the picture. */
  job->candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_array_set_clear_func (job->candidates, (GDestroyNotify) clear_candidate);
  for (guint i = 0; i < range->public_ranges->len; i++)
    if (!add_stretch (job, self, timeline,
                      &g_array_index (range->public_ranges, TribunaTimeRange, i), error))
      return NULL;
  return g_steal_pointer (&job);
}

static void
on_thumbnail_made (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TribunaEngine *self = g_task_get_source_object (task);
  ThumbnailJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  GBytes *jpeg = g_task_propagate_pointer (G_TASK (result), &error);

  if (jpeg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->thumbnails == NULL)
    self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_bytes_unref);
  g_hash_table_replace (self->thumbnails, g_strdup (job->key), g_bytes_ref (jpeg));
  g_task_return_pointer (task, jpeg, (GDestroyNotify) g_bytes_unref);
}

void
tribuna_engine_item_thumbnail_async (TribunaEngine       *self,
                                     gint64               session_id,
                                     guint                item_index,
                                     int                  width,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  g_autofree char *key = NULL;
  GError *error = NULL;
  ThumbnailJob *job;
  GBytes *cached;

  g_return_if_fail (TRIBUNA_IS_ENGINE (self));
  g_return_if_fail (width > 0 && width <= 4096);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tribuna_engine_item_thumbnail_async);
  key = g_strdup_printf ("%" G_GINT64_FORMAT "/%u/%d", session_id, item_index, width);
  cached = self->thumbnails ? g_hash_table_lookup (self->thumbnails, key) : NULL;
  if (cached != NULL)
    {
      g_task_return_pointer (task, g_bytes_ref (cached), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if ((job = plan_thumbnail (self, session_id, item_index, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  job->key = g_steal_pointer (&key);
  job->width = width;

  /* A task of its own for the thread, so the cache is filled on the main thread. */
  worker = g_task_new (self, cancellable, on_thumbnail_made, g_object_ref (task));
  g_task_set_task_data (worker, job, (GDestroyNotify) thumbnail_job_free);
  g_task_run_in_thread (worker, make_thumbnail);
}

GBytes *
tribuna_engine_item_thumbnail_finish (TribunaEngine  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
