/* tribuna-clip-job.c: one clip export, from plan to files, in the export's worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The range, less any private time, becomes pieces; each piece becomes runs of frames that
 * are copied or re-encoded:
 *
 *   fast         COPY from the keyframe at or before the in-point
 *   exact, smart ENCODE the partial GOP (plus title/fade-in) │ COPY │ ENCODE the fade-out
 *   exact, full  ENCODE all of it (another size, a crop)
 *
 * Smart rendering keeps the recording's own parameter sets (id 0) for the copied frames and
 * gives the re-encoded ones their own (x264 sps-id 1), both listed in the one avcC sample
 * entry: the two kinds of frames follow each other at IDRs without any player having to
 * accept a change of parameter sets. The re-encoded runs are short (a GOP or a fade), so they
 * are encoded first, into memory, and the avcC is known before the file is started.
 *
 * Everything is written under temporary names in the output folder and renamed at the end:
 * a failure or a cancel leaves nothing behind.
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gst/pbutils/pbutils.h>
#include <string.h>
#include <unistd.h>

#include "tribuna-clip-audio.h"
#include "tribuna-clip-encoder.h"
#include "tribuna-clip-private.h"
#include "tribuna-clip-reader.h"
#include "tribuna-clip-thumbnail.h"
#include "tribuna-clip-writer.h"

/* Relative cost of a second of media, for progress: copying reads and writes it, encoding
 * decodes and encodes every frame (measured on the 2-core appliance, 720p). */
#define WEIGHT_COPY 1.0
#define WEIGHT_ENCODE 25.0
#define WEIGHT_AUDIO 0.5
#define WEIGHT_FINISH 0.04   /* of the whole: the moov, the thumbnail, the renames */

/* Re-encoded frames: constant quality close to the recording's 4 Mbit/s at 720p */
#define QUANTIZER 20
#define SMART_SPS_ID 1

typedef enum {
  RUN_COPY,
  RUN_ENCODE,
} RunKind;

typedef struct {
  RunKind  kind;
  gint64   from;       /* session axis: video frames with from <= pts < to */
  gint64   to;
  GQueue   rendered;   /* smart: the run's frames, encoded beforehand (clip time) */
  gboolean pushed;
} Run;

typedef struct {
  gint64     a;           /* what was asked, less private time */
  gint64     b;
  gint64     start;       /* the first frame shown */
  gint64     end;         /* the end of the last frame shown */
  gint64     output_at;   /* where start lands in the clip */
  GPtrArray *runs;
} Piece;

typedef struct {
  TribunaClipRequest       *request;
  GCancellable             *cancellable;
  TribunaClipProgressFunc   progress;
  gpointer                  progress_data;

  TribunaClipReader        *reader;
  GArray                   *private_ranges;
  GArray                   *cut;
  GPtrArray                *pieces;   /* Piece */

  /* The source, as its first segment in the range has it */
  GstCaps                  *video_caps;
  GstCaps                  *audio_caps;
  int                       width;
  int                       height;
  int                       fps_n;
  int                       fps_d;
  gint64                    frame;    /* one frame's duration */
  char                     *profile;
  guint                     level_idc;

  /* What is made */
  gboolean                  video;
  gboolean                  audio;
  TribunaClipRender         render;
  TribunaClipVideoSettings  settings;
  gint64                    duration;
  GstCaps                   *writer_video_caps;
  GQueue                    audio_rendered;   /* fades: the whole sound, re-encoded */
  GstCaps                   *audio_rendered_caps;
  gboolean                  audio_started;

  /* Files */
  char                     *media_path;
  char                     *thumbnail_path;
  char                     *sidecar_path;
  char                     *media_tmp;
  char                     *thumbnail_tmp;
  char                     *sidecar_tmp;
  TribunaClipWriter        *writer;
  GQueue                    before_writer;   /* (is_video, buffer) until the caps are known */

  /* The thumbnail, made from the middle keyframe while the rest is copied */
  GThread                  *thumbnail_thread;
  GAsyncQueue              *thumbnail_keyframes;
  gboolean                  thumbnail_tried;

  /* Progress */
  double                    total_weight;
  double                    done_weight;
} Job;

typedef struct {
  gboolean   is_video;
  gboolean   preroll;      /* sound: decoded before clip time 0, not played */
  gint64     preroll_at;
  GstBuffer *buffer;
} Pending;

static void
run_free (gpointer data)
{
  Run *run = data;

  g_queue_clear_full (&run->rendered, (GDestroyNotify) gst_buffer_unref);
  g_free (run);
}

static void
piece_free (gpointer data)
{
  Piece *piece = data;

  g_ptr_array_unref (piece->runs);
  g_free (piece);
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  gst_buffer_unref (pending->buffer);
  g_free (pending);
}

static void
remove_file (char **path)
{
  if (*path != NULL && g_unlink (*path) != 0 && errno != ENOENT)
    g_warning ("cannot remove %s: %s", *path, g_strerror (errno));
  g_clear_pointer (path, g_free);
}

typedef struct {
  GstCaps     *caps;
  GAsyncQueue *keyframes;
  char        *path;
} ThumbnailWork;

static gpointer
thumbnail_thread (gpointer data)
{
  ThumbnailWork *work = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = tribuna_clip_write_thumbnail_from_keyframe (work->caps, work->keyframes, work->path,
                                                   &error);
  if (!ok)
    g_debug ("no thumbnail from a copied keyframe: %s", error->message);
  gst_caps_unref (work->caps);
  g_async_queue_unref (work->keyframes);
  g_free (work->path);
  g_free (work);
  return GINT_TO_POINTER (ok);
}

/* The thumbnail's thread starts with the copy and waits for the keyframe half-way. */
static void
start_thumbnail (Job *job)
{
  ThumbnailWork *work = g_new0 (ThumbnailWork, 1);

  job->thumbnail_keyframes = g_async_queue_new_full ((GDestroyNotify) gst_buffer_unref);
  work->caps = gst_caps_ref (job->video_caps);
  work->keyframes = g_async_queue_ref (job->thumbnail_keyframes);
  work->path = g_strdup (job->thumbnail_tmp);
  job->thumbnail_thread = g_thread_new ("clip-thumbnail", thumbnail_thread, work);
}

static void
give_thumbnail (Job       *job,
                GstBuffer *keyframe)
{
  if (job->thumbnail_keyframes == NULL || job->thumbnail_tried)
    return;

  job->thumbnail_tried = TRUE;
  g_async_queue_push (job->thumbnail_keyframes,
                      keyframe != NULL ? gst_buffer_ref (keyframe) : gst_buffer_new ());
}

/* Whether the early thumbnail was made; FALSE when there was none. */
static gboolean
join_thumbnail (Job *job)
{
  gboolean ok;

  if (job->thumbnail_thread == NULL)
    return FALSE;

  give_thumbnail (job, NULL);   /* none came: let it go */
  ok = GPOINTER_TO_INT (g_thread_join (g_steal_pointer (&job->thumbnail_thread)));
  g_clear_pointer (&job->thumbnail_keyframes, g_async_queue_unref);
  return ok;
}

static void
job_clear (Job *job)
{
  g_clear_pointer (&job->writer, tribuna_clip_writer_free);
  g_clear_pointer (&job->reader, tribuna_clip_reader_free);
  join_thumbnail (job);
  /* whatever is still temporary is a failure's or a cancel's leftover */
  remove_file (&job->media_tmp);
  remove_file (&job->thumbnail_tmp);
  remove_file (&job->sidecar_tmp);
  g_clear_pointer (&job->private_ranges, g_array_unref);
  g_clear_pointer (&job->cut, g_array_unref);
  g_clear_pointer (&job->pieces, g_ptr_array_unref);
  gst_clear_caps (&job->video_caps);
  gst_clear_caps (&job->audio_caps);
  gst_clear_caps (&job->writer_video_caps);
  gst_clear_caps (&job->audio_rendered_caps);
  g_queue_clear_full (&job->audio_rendered, (GDestroyNotify) gst_buffer_unref);
  g_queue_clear_full (&job->before_writer, pending_free);
  g_clear_pointer (&job->profile, g_free);
  g_clear_pointer (&job->media_path, g_free);
  g_clear_pointer (&job->thumbnail_path, g_free);
  g_clear_pointer (&job->sidecar_path, g_free);
}

/* Progress */

static void
advance (Job    *job,
         double  weight)
{
  job->done_weight += weight;
  if (job->progress != NULL && job->total_weight > 0)
    job->progress (MIN (job->done_weight / job->total_weight, 1.0), job->progress_data);
}

static double
seconds (gint64 ns)
{
  return ns / (double) GST_SECOND;
}

/* The source and what to make of it */

static gboolean
read_source (Job     *job,
             GError **error)
{
  TribunaClipRequest *request = job->request;
  GArray *segments = request->segments;
  guint index = 0;
  GstStructure *structure;
  int fps_n = 0, fps_d = 1;
  const GValue *codec_data;

  /* the segment the clip starts in speaks for the whole recording */
  while (index + 1 < segments->len
         && request->in >= g_array_index (segments, TribunaClipSegment, index + 1).start)
    index++;

  if (!tribuna_clip_reader_probe (job->reader, index, &job->video_caps, &job->audio_caps, error))
    return FALSE;

  job->audio = job->audio_caps != NULL;
  job->video = job->video_caps != NULL && request->preset != TRIBUNA_CLIP_PRESET_AUDIO;

  if (request->preset == TRIBUNA_CLIP_PRESET_AUDIO && !job->audio)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_UNSUPPORTED,
                   "the recording has no sound, so there is nothing for the audio preset");
      return FALSE;
    }
  if (request->preset != TRIBUNA_CLIP_PRESET_AUDIO && job->video_caps == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_UNSUPPORTED,
                   "the recording has no picture: use the audio preset");
      return FALSE;
    }

  if (job->video_caps == NULL)
    return TRUE;

  structure = gst_caps_get_structure (job->video_caps, 0);
  gst_structure_get_int (structure, "width", &job->width);
  gst_structure_get_int (structure, "height", &job->height);
  if (!gst_structure_get_fraction (structure, "framerate", &fps_n, &fps_d) || fps_n <= 0)
    {
      fps_n = 30;
      fps_d = 1;
    }
  job->fps_n = fps_n;
  job->fps_d = fps_d;
  job->frame = gst_util_uint64_scale_int (GST_SECOND, fps_d, fps_n);
  job->profile = g_strdup (gst_structure_get_string (structure, "profile"));

  codec_data = gst_structure_get_value (structure, "codec_data");
  if (codec_data != NULL && G_VALUE_HOLDS (codec_data, GST_TYPE_BUFFER))
    {
      GstBuffer *avcc = gst_value_get_buffer (codec_data);
      guint8 level;

      if (gst_buffer_get_size (avcc) > 3 && gst_buffer_extract (avcc, 3, &level, 1) == 1)
        job->level_idc = level;
    }

  if (job->width <= 0 || job->height <= 0)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                   "the recording's picture size is unknown");
      return FALSE;
    }

  return TRUE;
}

static void
fit_in (int  width,
        int  height,
        int  box_width,
        int  box_height,
        int *out_width,
        int *out_height)
{
  double scale = MIN (1.0, MIN (box_width / (double) width, box_height / (double) height));

  /* even sizes: 4:2:0 needs them */
  *out_width = MAX (2, ((int) (width * scale + 0.5)) & ~1);
  *out_height = MAX (2, ((int) (height * scale + 0.5)) & ~1);
}

static gboolean
choose_render (Job     *job,
               GError **error)
{
  TribunaClipRequest *request = job->request;
  TribunaClipVideoSettings *s = &job->settings;
  gboolean reshape;
  int fps_n = 0, fps_d = 1;

  if (!job->video)
    {
      job->render = TRIBUNA_CLIP_RENDER_AUDIO;
      return TRUE;
    }

  memset (s, 0, sizeof *s);
  switch (request->preset)
    {
    case TRIBUNA_CLIP_PRESET_WEB:
      fit_in (job->width, job->height, 1280, 720, (int *) &s->width, (int *) &s->height);
      break;

    case TRIBUNA_CLIP_PRESET_FACEBOOK:
      fit_in (job->width, job->height, 1920, 1080, (int *) &s->width, (int *) &s->height);
      break;

    case TRIBUNA_CLIP_PRESET_SQUARE:
      {
        int side = MIN (job->width, job->height) & ~1;

        s->crop_x = ((job->width - side) / 2) & ~1;
        s->crop_y = ((job->height - side) / 2) & ~1;
        s->crop_width = side;
        s->crop_height = side;
        s->width = 1080;
        s->height = 1080;
      }
      break;

    case TRIBUNA_CLIP_PRESET_AUDIO:
    default:
      g_assert_not_reached ();
    }

  reshape = s->crop_width > 0 || (int) s->width != job->width || (int) s->height != job->height;

  if (request->mode == TRIBUNA_CLIP_MODE_FAST && reshape)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_UNSUPPORTED,
                   "fast mode copies the recording at its own size, %dx%d; the %s preset "
                   "makes %ux%u%s, which needs exact mode", job->width, job->height,
                   tribuna_clip_preset_to_string (request->preset), s->width, s->height,
                   s->crop_width > 0 ? " from a centre crop" : "");
      return FALSE;
    }

  gst_structure_get_fraction (gst_caps_get_structure (job->video_caps, 0), "framerate",
                              &fps_n, &fps_d);
  s->quantizer = QUANTIZER;
  s->keyint = fps_n > 0 ? MAX (1, 2 * fps_n / MAX (fps_d, 1)) : 60;
  s->sps_id = -1;
  s->title = request->title;
  s->title_end = (gint64) (request->title_s * GST_SECOND);
  s->fade_in_end = (gint64) (request->fade_in_s * GST_SECOND);

  if (request->mode == TRIBUNA_CLIP_MODE_FAST)
    job->render = TRIBUNA_CLIP_RENDER_COPY;
  else if (reshape || job->profile == NULL
           || !(g_str_equal (job->profile, "high") || g_str_equal (job->profile, "main")
                || g_str_equal (job->profile, "constrained-baseline")
                || g_str_equal (job->profile, "baseline")))
    job->render = TRIBUNA_CLIP_RENDER_FULL;
  else
    {
      /* The re-encoded frames must fit the copied ones' sample entry: same profile and
       * level, their own parameter set ids. */
      job->render = TRIBUNA_CLIP_RENDER_SMART;
      s->sps_id = SMART_SPS_ID;
      s->profile = job->profile;
      s->level_idc = job->level_idc;
    }

  return TRUE;
}

/* Output files */

static char *
make_temporary (const char  *directory,
                const char  *base_name,
                const char  *suffix,
                GError     **error)
{
  g_autofree char *template = g_strdup_printf (".%s.XXXXXX.%s", base_name, suffix);
  g_autofree char *path = g_build_filename (directory, template, NULL);
  int fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                   "cannot write in the clip folder %s: %s", directory,
                   g_strerror (saved_errno));
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&path);
}

static gboolean
prepare_files (Job     *job,
               GError **error)
{
  TribunaClipRequest *request = job->request;
  const char *extension = job->video ? "mp4" : "m4a";

  if (g_mkdir_with_parents (request->directory, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                   "cannot create the clip folder %s: %s", request->directory,
                   g_strerror (saved_errno));
      return FALSE;
    }

  /* "name", then "name-2", "name-3"...: a clip made twice keeps both */
  for (guint n = 1; job->media_path == NULL; n++)
    {
      g_autofree char *base = n == 1 ? g_strdup (request->base_name)
                              : g_strdup_printf ("%s-%u", request->base_name, n);
      g_autofree char *media = g_strdup_printf ("%s.%s", base, extension);
      g_autofree char *thumbnail = g_strdup_printf ("%s.jpg", base);
      g_autofree char *sidecar = g_strdup_printf ("%s.json", base);
      g_autofree char *media_path = g_build_filename (request->directory, media, NULL);
      g_autofree char *thumbnail_path = g_build_filename (request->directory, thumbnail, NULL);
      g_autofree char *sidecar_path = g_build_filename (request->directory, sidecar, NULL);

      if (!request->overwrite
          && (g_file_test (media_path, G_FILE_TEST_EXISTS)
              || g_file_test (thumbnail_path, G_FILE_TEST_EXISTS)
              || g_file_test (sidecar_path, G_FILE_TEST_EXISTS)))
        continue;

      job->media_path = g_steal_pointer (&media_path);
      job->thumbnail_path = job->video ? g_steal_pointer (&thumbnail_path) : NULL;
      job->sidecar_path = g_steal_pointer (&sidecar_path);
    }

  job->media_tmp = make_temporary (request->directory, request->base_name, extension, error);
  if (job->media_tmp == NULL)
    return FALSE;
  if (job->video)
    {
      job->thumbnail_tmp = make_temporary (request->directory, request->base_name, "jpg", error);
      if (job->thumbnail_tmp == NULL)
        return FALSE;
    }
  job->sidecar_tmp = make_temporary (request->directory, request->base_name, "json", error);
  return job->sidecar_tmp != NULL;
}

/* Planning */

static Run *
add_run (Piece   *piece,
         RunKind  kind,
         gint64   from,
         gint64   to)
{
  Run *run = g_new0 (Run, 1);

  run->kind = kind;
  run->from = from;
  run->to = to;
  g_queue_init (&run->rendered);
  g_ptr_array_add (piece->runs, run);
  return run;
}

/* The end of the last frame before @b, on the frame grid that starts at @start (the reader
 * puts frames on it). */
static gint64
grid_end (Job    *job,
          gint64  start,
          gint64  b)
{
  guint64 unit = (guint64) job->fps_d * GST_SECOND;
  guint64 frames = gst_util_uint64_scale_ceil ((guint64) MAX (b - start, 1), job->fps_n, unit);

  return start + (gint64) gst_util_uint64_scale (MAX (frames, 1), unit, job->fps_n);
}

/* Where the piece's last frame ends: the next piece follows it in the clip. */
static gboolean
piece_end (Job     *job,
           Piece   *piece,
           GError **error)
{
  gint64 last;

  if (!tribuna_clip_reader_frame_before (job->reader, piece->b, &last, error))
    return FALSE;

  piece->end = last >= piece->start ? last + job->frame : grid_end (job, piece->start, piece->b);
  return TRUE;
}

static gboolean
plan_fast_piece (Job      *job,
                 Piece    *piece,
                 gboolean *dropped,
                 GError  **error)
{
  gint64 sync;

  if (!tribuna_clip_reader_sync_before (job->reader, piece->a, &sync, error))
    return FALSE;

  /* Going back to the keyframe must not go back into private time: go forward instead. */
  if (sync < piece->a && _tribuna_clip_ranges_overlap (job->private_ranges, sync, piece->a))
    {
      if (!tribuna_clip_reader_sync_after (job->reader, piece->a, piece->b, &sync, NULL, error))
        return FALSE;
      if (sync >= piece->b - TRIBUNA_CLIP_SLACK)
        {
          *dropped = TRUE;
          return TRUE;
        }
    }

  piece->start = sync;
  add_run (piece, RUN_COPY, sync, piece->b);
  return TRUE;
}

static gboolean
plan_exact_piece (Job      *job,
                  Piece    *piece,
                  gboolean  first,
                  gboolean  last,
                  GError  **error)
{
  TribunaClipRequest *request = job->request;
  gint64 sync, first_frame, head_until, tail_from, tail_sync;

  if (!tribuna_clip_reader_sync_after (job->reader, piece->a, piece->b, &sync, &first_frame,
                                       error))
    return FALSE;
  if (first_frame >= piece->b - TRIBUNA_CLIP_SLACK)
    first_frame = piece->a;   /* no frame starts in it: the grid says where one would */
  piece->start = first_frame;

  if (job->render == TRIBUNA_CLIP_RENDER_FULL)
    {
      add_run (piece, RUN_ENCODE, first_frame, piece->b);
      return TRUE;
    }

  /* the title and the fade-in are re-encoded with the partial GOP */
  head_until = first_frame;
  if (first)
    head_until += (gint64) (MAX (request->title_s, request->fade_in_s) * GST_SECOND);
  if (head_until > first_frame
      && !tribuna_clip_reader_sync_after (job->reader, head_until, piece->b, &sync, NULL, error))
    return FALSE;

  tail_from = piece->b;
  tail_sync = piece->b;
  if (last && request->fade_out_s > 0)
    {
      tail_from = piece->b - (gint64) (request->fade_out_s * GST_SECOND);
      if (tail_from > sync
          && !tribuna_clip_reader_sync_before (job->reader, tail_from, &tail_sync, error))
        return FALSE;
      if (tail_from <= sync || tail_sync < sync)
        sync = tail_sync = piece->b;   /* the fades meet: re-encode the piece */
    }

  if (sync > first_frame)
    add_run (piece, RUN_ENCODE, first_frame, sync);
  if (tail_sync > sync)
    add_run (piece, RUN_COPY, sync, tail_sync);
  if (piece->b > tail_sync && tail_sync >= sync)
    add_run (piece, RUN_ENCODE, tail_sync, piece->b);

  return TRUE;
}

static gboolean
plan (Job     *job,
      GError **error)
{
  TribunaClipRequest *request = job->request;
  g_autoptr(GArray) ranges = NULL;
  gint64 output_at = 0;

  if (!_tribuna_clip_request_pieces (request, &ranges, &job->cut, error))
    return FALSE;
  job->private_ranges = _tribuna_clip_request_private (request);
  job->pieces = g_ptr_array_new_with_free_func (piece_free);

  for (guint i = 0; i < ranges->len; i++)
    {
      TribunaClipRange *range = &g_array_index (ranges, TribunaClipRange, i);
      Piece *piece = g_new0 (Piece, 1);
      gboolean dropped = FALSE;

      piece->a = range->start;
      piece->b = MIN (range->end, tribuna_clip_request_get_recorded_end (request));
      piece->runs = g_ptr_array_new_with_free_func (run_free);

      if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        {
          piece_free (piece);
          return FALSE;
        }

      if (!job->video)
        piece->start = piece->a;
      else if (request->mode == TRIBUNA_CLIP_MODE_FAST
               ? !plan_fast_piece (job, piece, &dropped, error)
               : !plan_exact_piece (job, piece, i == 0, i + 1 == ranges->len, error))
        {
          piece_free (piece);
          return FALSE;
        }

      if (dropped)
        {
          g_debug ("no keyframe between the end of private time and %" G_GINT64_FORMAT,
                   piece->b);
          piece_free (piece);
          continue;
        }

      if (job->video && !piece_end (job, piece, error))
        {
          piece_free (piece);
          return FALSE;
        }
      if (!job->video)
        piece->end = piece->b;
      piece->output_at = output_at;
      output_at += piece->end - piece->start;
      g_ptr_array_add (job->pieces, piece);
    }

  if (job->pieces->len == 0)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PRIVATE,
                   "after the private time is cut out no keyframe is left to start from; "
                   "exact mode can still cut this range");
      return FALSE;
    }

  job->duration = output_at;
  job->settings.fade_out_end = request->fade_out_s > 0 ? job->duration : 0;
  job->settings.fade_out_start = job->duration - (gint64) (request->fade_out_s * GST_SECOND);

  /* what progress counts */
  for (guint i = 0; i < job->pieces->len; i++)
    {
      Piece *piece = g_ptr_array_index (job->pieces, i);

      if (!job->video)
        job->total_weight += seconds (piece->b - piece->a) * WEIGHT_COPY;
      for (guint j = 0; j < piece->runs->len; j++)
        {
          Run *run = g_ptr_array_index (piece->runs, j);

          job->total_weight += seconds (run->to - run->from)
                               * (run->kind == RUN_COPY ? WEIGHT_COPY : WEIGHT_ENCODE);
        }
    }
  if (request->fade_in_s > 0 || request->fade_out_s > 0)
    job->total_weight += seconds (job->duration) * WEIGHT_AUDIO;
  job->total_weight *= 1.0 + WEIGHT_FINISH;

  return TRUE;
}

/* On the clip's timeline */
static gint64
clip_time (Piece  *piece,
           gint64  t)
{
  return piece->output_at + (t - piece->start);
}

static GstBuffer *
retime (GstBuffer *buffer,
        gint64     pts,
        gint64     dts,
        gint64     duration)
{
  GstBuffer *copy = gst_buffer_copy (buffer);

  GST_BUFFER_PTS (copy) = (GstClockTime) pts;
  GST_BUFFER_DTS (copy) = (GstClockTime) MAX (dts, 0);
  GST_BUFFER_DURATION (copy) = duration > 0 ? (GstClockTime) duration : GST_CLOCK_TIME_NONE;
  return copy;
}

/* Smart rendering: the short re-encoded runs, first */

static gboolean
render_run (Job     *job,
            Piece   *piece,
            Run     *run,
            GError **error)
{
  g_autoptr(TribunaClipEncoder) encoder = NULL;
  gint64 sync;
  gint64 last_pts = run->from;

  if (!tribuna_clip_reader_sync_before (job->reader, run->from, &sync, error)
      || !tribuna_clip_reader_seek (job->reader, sync, error))
    return FALSE;

  encoder = tribuna_clip_encoder_new (job->video_caps, &job->settings,
                                      clip_time (piece, run->from) - TRIBUNA_CLIP_SLACK,
                                      job->cancellable, error);
  if (encoder == NULL)
    return FALSE;

  for (;;)
    {
      g_autoptr(TribunaClipUnit) unit = tribuna_clip_reader_next (job->reader, error);
      GstBuffer *au = NULL;

      if (unit == NULL)
        {
          if (error != NULL && *error != NULL)
            return FALSE;
          break;
        }
      if (!unit->is_video || unit->pts < sync - TRIBUNA_CLIP_SLACK)
        continue;
      if (unit->pts >= run->to - TRIBUNA_CLIP_SLACK)
        break;

      if (!tribuna_clip_encoder_push (encoder, unit->buffer, NULL,
                                      clip_time (piece, unit->pts), job->frame, error))
        return FALSE;
      if (unit->pts >= run->from - TRIBUNA_CLIP_SLACK)
        {
          advance (job, seconds (MAX (unit->pts - last_pts, 0)) * WEIGHT_ENCODE);
          last_pts = unit->pts;
        }

      do
        {
          if (!tribuna_clip_encoder_pop (encoder, FALSE, &au, error))
            return FALSE;
          if (au != NULL)
            g_queue_push_tail (&run->rendered, au);
        }
      while (au != NULL);
    }

  if (!tribuna_clip_encoder_finish (encoder, error))
    return FALSE;
  for (;;)
    {
      GstBuffer *au = NULL;

      if (!tribuna_clip_encoder_pop (encoder, TRUE, &au, error))
        return FALSE;
      if (au == NULL)
        break;
      g_queue_push_tail (&run->rendered, au);
    }
  advance (job, seconds (run->to - last_pts) * WEIGHT_ENCODE);

  if (g_queue_is_empty (&run->rendered) || tribuna_clip_encoder_get_caps (encoder) == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "re-encoding the frames from %s gave nothing",
                   tribuna_clip_format_time (run->from));
      return FALSE;
    }

  /* keep the encoder's avcC for the merge */
  if (job->writer_video_caps == NULL)
    job->writer_video_caps = gst_caps_copy (tribuna_clip_encoder_get_caps (encoder));
  return TRUE;
}

static GBytes *
codec_data_of (GstCaps *caps)
{
  const GValue *value = gst_structure_get_value (gst_caps_get_structure (caps, 0), "codec_data");
  GstBuffer *buffer;
  GstMapInfo map;
  GBytes *bytes;

  if (value == NULL || !G_VALUE_HOLDS (value, GST_TYPE_BUFFER))
    return NULL;

  buffer = gst_value_get_buffer (value);
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return NULL;
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  return bytes;
}

static GstCaps *
caps_with_codec_data (GstCaps *caps,
                      GBytes  *avcc)
{
  GstCaps *copy = gst_caps_copy (caps);
  g_autoptr(GstBuffer) buffer = gst_buffer_new_memdup (g_bytes_get_data (avcc, NULL),
                                                       g_bytes_get_size (avcc));

  gst_caps_set_simple (copy, "codec_data", GST_TYPE_BUFFER, buffer, NULL);
  return copy;
}

static gboolean
render_smart_runs (Job     *job,
                   GError **error)
{
  g_autoptr(GBytes) source_avcc = NULL;
  g_autoptr(GBytes) encoded_avcc = NULL;
  g_autoptr(GBytes) merged = NULL;
  gboolean any = FALSE;

  for (guint i = 0; i < job->pieces->len; i++)
    {
      Piece *piece = g_ptr_array_index (job->pieces, i);

      for (guint j = 0; j < piece->runs->len; j++)
        {
          Run *run = g_ptr_array_index (piece->runs, j);

          if (run->kind != RUN_ENCODE)
            continue;
          if (!render_run (job, piece, run, error))
            return FALSE;
          any = TRUE;
        }
    }

  if (!any)
    {
      /* every piece started on a keyframe: nothing needed re-encoding */
      gst_clear_caps (&job->writer_video_caps);
      job->writer_video_caps = gst_caps_ref (job->video_caps);
      job->render = TRIBUNA_CLIP_RENDER_COPY;
      return TRUE;
    }

  source_avcc = codec_data_of (job->video_caps);
  encoded_avcc = codec_data_of (job->writer_video_caps);
  if (source_avcc != NULL && encoded_avcc != NULL)
    {
      GBytes *blobs[] = { source_avcc, encoded_avcc };

      merged = tribuna_clip_merge_avcc (blobs, G_N_ELEMENTS (blobs));
    }
  if (merged == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "the re-encoded frames' parameter sets cannot join the recording's");
      return FALSE;
    }

  gst_clear_caps (&job->writer_video_caps);
  job->writer_video_caps = caps_with_codec_data (job->video_caps, merged);
  return TRUE;
}

/* Writing */

static gboolean
start_writer (Job      *job,
              GstCaps  *video_caps,
              GError  **error)
{
  job->writer = tribuna_clip_writer_new (job->media_tmp, job->cancellable);
  tribuna_clip_writer_set_expected (job->writer, job->duration, job->pieces->len);
  if (job->video)
    tribuna_clip_writer_set_caps (job->writer, TRUE, video_caps);
  if (job->audio)
    tribuna_clip_writer_set_caps (job->writer, FALSE, job->audio_rendered_caps != NULL
                                                      ? job->audio_rendered_caps
                                                      : job->audio_caps);
  if (!tribuna_clip_writer_start (job->writer, error))
    return FALSE;

  /* re-encoded sound goes in whole: the writer interleaves it with the picture */
  while (!g_queue_is_empty (&job->audio_rendered))
    {
      GstBuffer *frame = g_queue_pop_head (&job->audio_rendered);
      gboolean ok;

      if (GST_BUFFER_FLAG_IS_SET (frame, GST_BUFFER_FLAG_DECODE_ONLY))
        ok = tribuna_clip_writer_push_preroll (job->writer, frame,
                                               -(gint64) GST_BUFFER_DURATION (frame), error);
      else
        ok = tribuna_clip_writer_push (job->writer, FALSE, frame, error);
      if (!ok)
        return FALSE;
    }

  while (!g_queue_is_empty (&job->before_writer))
    {
      Pending *pending = g_queue_pop_head (&job->before_writer);
      gboolean ok = pending->preroll
                    ? tribuna_clip_writer_push_preroll (job->writer,
                                                        g_steal_pointer (&pending->buffer),
                                                        pending->preroll_at, error)
                    : tribuna_clip_writer_push (job->writer, pending->is_video,
                                                g_steal_pointer (&pending->buffer), error);

      g_free (pending);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_frame (Job        *job,
             gboolean    is_video,
             GstBuffer  *buffer,
             GError    **error)
{
  if (job->writer == NULL)
    {
      Pending *pending = g_new0 (Pending, 1);

      pending->is_video = is_video;
      pending->buffer = buffer;
      g_queue_push_tail (&job->before_writer, pending);
      return TRUE;
    }

  return tribuna_clip_writer_push (job->writer, is_video, buffer, error);
}

static gboolean
write_preroll (Job        *job,
               GstBuffer  *buffer,
               gint64      clip_time,
               GError    **error)
{
  Pending *pending;

  if (job->writer != NULL)
    return tribuna_clip_writer_push_preroll (job->writer, buffer, clip_time, error);

  pending = g_new0 (Pending, 1);
  pending->preroll = TRUE;
  pending->preroll_at = clip_time;
  pending->buffer = buffer;
  g_queue_push_tail (&job->before_writer, pending);
  return TRUE;
}

static gboolean
same_codec_data (GstCaps *a,
                 GstCaps *b)
{
  g_autoptr(GBytes) da = codec_data_of (a);
  g_autoptr(GBytes) db = codec_data_of (b);

  return da != NULL && db != NULL && g_bytes_equal (da, db);
}

/* Full re-encode: what the encoder has made goes to the file, which starts with its caps. */
static gboolean
drain_encoder (Job                 *job,
               TribunaClipEncoder  *encoder,
               gboolean             wait,
               GError             **error)
{
  for (;;)
    {
      GstBuffer *au = NULL;

      if (!tribuna_clip_encoder_pop (encoder, wait, &au, error))
        return FALSE;
      if (au == NULL)
        return TRUE;

      if (job->writer == NULL)
        {
          job->writer_video_caps = gst_caps_ref (tribuna_clip_encoder_get_caps (encoder));
          if (!start_writer (job, job->writer_video_caps, error))
            {
              gst_buffer_unref (au);
              return FALSE;
            }
        }
      else if (!same_codec_data (job->writer_video_caps, tribuna_clip_encoder_get_caps (encoder)))
        {
          gst_buffer_unref (au);
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                       "the re-encoder changed its parameter sets between pieces");
          return FALSE;
        }

      if (!tribuna_clip_writer_push (job->writer, TRUE, au, error))
        return FALSE;
    }
}

static Run *
run_at (Piece  *piece,
        gint64  t)
{
  for (guint i = 0; i < piece->runs->len; i++)
    {
      Run *run = g_ptr_array_index (piece->runs, i);

      if (run->from - TRIBUNA_CLIP_SLACK <= t && t < run->to - TRIBUNA_CLIP_SLACK)
        return run;
    }

  return NULL;
}

static gboolean
push_rendered (Job     *job,
               Run     *run,
               GError **error)
{
  run->pushed = TRUE;
  while (!g_queue_is_empty (&run->rendered))
    if (!write_frame (job, TRUE, g_queue_pop_head (&run->rendered), error))
      return FALSE;

  return TRUE;
}

static gboolean
write_piece (Job     *job,
             Piece   *piece,
             GError **error)
{
  g_autoptr(TribunaClipEncoder) encoder = NULL;
  gboolean copy_audio = job->audio && job->audio_rendered_caps == NULL;
  gboolean video_done = !job->video;
  gboolean audio_done = !copy_audio;
  gint64 seek_to = piece->start;
  gint64 progress_at = piece->start;
  g_autoptr(TribunaClipUnit) before = NULL;   /* the sound frame just before the piece */
  Run *first = piece->runs->len > 0 ? g_ptr_array_index (piece->runs, 0) : NULL;

  if (first != NULL && first->kind == RUN_ENCODE && job->render == TRIBUNA_CLIP_RENDER_FULL)
    {
      if (!tribuna_clip_reader_sync_before (job->reader, first->from, &seek_to, error))
        return FALSE;
      encoder = tribuna_clip_encoder_new (job->video_caps, &job->settings,
                                          clip_time (piece, first->from) - TRIBUNA_CLIP_SLACK,
                                          job->cancellable, error);
      if (encoder == NULL)
        return FALSE;
    }

  if (!tribuna_clip_reader_seek (job->reader, MIN (seek_to, piece->start), error))
    return FALSE;

  while (!video_done || !audio_done)
    {
      g_autoptr(TribunaClipUnit) unit = tribuna_clip_reader_next (job->reader, error);
      Run *run;

      if (unit == NULL)
        {
          if (error != NULL && *error != NULL)
            return FALSE;
          break;   /* the recording ends here */
        }

      if (!unit->is_video)
        {
          if (!audio_done && unit->pts < piece->start - TRIBUNA_CLIP_SLACK)
            {
              g_clear_pointer (&before, tribuna_clip_unit_free);
              before = g_steal_pointer (&unit);
              continue;
            }
          if (audio_done)
            continue;
          /* The clip's first sound frame decodes right only after the one before it: that
           * one goes in as a pre-roll the edit list does not play (unless it is private). */
          if (!job->audio_started && before != NULL
              && before->pts + before->duration >= unit->pts - TRIBUNA_CLIP_SLACK
              && !_tribuna_clip_ranges_overlap (job->private_ranges, before->pts, piece->start)
              && !write_preroll (job, gst_buffer_ref (before->buffer),
                                 clip_time (piece, before->pts), error))
            return FALSE;
          job->audio_started = TRUE;
          /* only whole frames inside the piece: not a sample of private time */
          if (unit->pts + unit->duration > piece->end + TRIBUNA_CLIP_SLACK)
            {
              audio_done = TRUE;
              continue;
            }
          if (!write_frame (job, FALSE, retime (unit->buffer, clip_time (piece, unit->pts),
                                                clip_time (piece, unit->pts), unit->duration),
                            error))
            return FALSE;
          if (!job->video)
            {
              advance (job, seconds (unit->pts - progress_at) * WEIGHT_COPY);
              progress_at = unit->pts;
            }
          continue;
        }

      if (video_done)
        continue;
      if (unit->pts >= piece->b - TRIBUNA_CLIP_SLACK)
        {
          video_done = TRUE;
          continue;
        }

      run = run_at (piece, unit->pts);
      if (run == NULL)
        {
          /* before the first frame shown: what the re-encoder needs to decode it */
          if (encoder != NULL && unit->pts >= seek_to - TRIBUNA_CLIP_SLACK
              && !tribuna_clip_encoder_push (encoder, unit->buffer, NULL,
                                             clip_time (piece, unit->pts), job->frame, error))
            return FALSE;
          continue;
        }

      if (unit->pts > progress_at)
        {
          advance (job, seconds (unit->pts - progress_at)
                        * (run->kind == RUN_COPY ? WEIGHT_COPY : WEIGHT_ENCODE));
          progress_at = unit->pts;
        }

      if (run->kind == RUN_ENCODE && encoder == NULL)
        {
          if (!run->pushed && !push_rendered (job, run, error))
            return FALSE;
          continue;
        }

      if (run->kind == RUN_ENCODE)
        {
          if (!tribuna_clip_encoder_push (encoder, unit->buffer, NULL,
                                          clip_time (piece, unit->pts), job->frame, error)
              || !drain_encoder (job, encoder, FALSE, error))
            return FALSE;
          continue;
        }

      /* COPY */
      if (unit->new_format)
        {
          g_autofree char *at = tribuna_clip_format_time (unit->pts);

          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_UNSUPPORTED,
                       "the recording changes its video format at %s (the encoder settings "
                       "changed between recordings): export the parts before and after it "
                       "separately", at);
          return FALSE;
        }
      /* a copied keyframe half-way through is the thumbnail, made meanwhile on the other core */
      if (unit->sync && clip_time (piece, unit->pts) >= job->duration / 2)
        give_thumbnail (job, unit->buffer);
      if (!write_frame (job, TRUE, retime (unit->buffer, clip_time (piece, unit->pts),
                                           clip_time (piece, unit->dts), unit->duration),
                        error))
        return FALSE;
    }

  /* re-encoded runs the recording ended before */
  for (guint i = 0; i < piece->runs->len; i++)
    {
      Run *run = g_ptr_array_index (piece->runs, i);

      if (run->kind == RUN_ENCODE && encoder == NULL && !run->pushed
          && !push_rendered (job, run, error))
        return FALSE;
    }

  if (encoder != NULL
      && (!tribuna_clip_encoder_finish (encoder, error)
          || !drain_encoder (job, encoder, TRUE, error)))
    return FALSE;

  advance (job, seconds (piece->b - progress_at) * (encoder != NULL ? WEIGHT_ENCODE
                                                                     : WEIGHT_COPY));
  return TRUE;
}

static gboolean
write_media (Job     *job,
             GError **error)
{
  if (job->render != TRIBUNA_CLIP_RENDER_FULL && job->video)
    start_thumbnail (job);

  if (job->render != TRIBUNA_CLIP_RENDER_FULL)
    {
      if (job->render == TRIBUNA_CLIP_RENDER_SMART && !render_smart_runs (job, error))
        return FALSE;
      if (job->video && job->writer_video_caps == NULL)
        job->writer_video_caps = gst_caps_ref (job->video_caps);
      if (!start_writer (job, job->writer_video_caps, error))
        return FALSE;
    }

  for (guint i = 0; i < job->pieces->len; i++)
    if (!write_piece (job, g_ptr_array_index (job->pieces, i), error))
      return FALSE;

  if (job->writer == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                   "the recording has no frames in the range");
      return FALSE;
    }

  return tribuna_clip_writer_finish (job->writer, error);
}

/* Sound with fades: decoded, faded and re-encoded whole, before the picture is written */

static gboolean
render_audio (Job     *job,
              GError **error)
{
  TribunaClipRequest *request = job->request;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (TribunaClipAudioSpan));

  if (!job->audio || (request->fade_in_s <= 0 && request->fade_out_s <= 0))
    return TRUE;

  for (guint i = 0; i < job->pieces->len; i++)
    {
      Piece *piece = g_ptr_array_index (job->pieces, i);
      TribunaClipAudioSpan span = { piece->start, piece->end, piece->output_at };

      g_array_append_val (spans, span);
    }

  if (!tribuna_clip_render_audio (job->reader, job->audio_caps, spans,
                                  (gint64) (request->fade_in_s * GST_SECOND),
                                  (gint64) (request->fade_out_s * GST_SECOND), job->duration,
                                  &job->audio_rendered, &job->audio_rendered_caps,
                                  job->cancellable, error))
    return FALSE;

  advance (job, seconds (job->duration) * WEIGHT_AUDIO);
  return TRUE;
}

/* The sidecar */

static void
add_range (JsonBuilder *builder,
           gint64       start,
           gint64       end)
{
  g_autofree char *start_text = tribuna_clip_format_time (start);
  g_autofree char *end_text = tribuna_clip_format_time (end);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start_text);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end_text);
  json_builder_set_member_name (builder, "start_ns");
  json_builder_add_int_value (builder, start);
  json_builder_set_member_name (builder, "end_ns");
  json_builder_add_int_value (builder, end);
  json_builder_end_object (builder);
}

static char *
basename_or_null (const char *path)
{
  return path != NULL ? g_path_get_basename (path) : NULL;
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static gboolean
write_sidecar (Job     *job,
               GError **error)
{
  TribunaClipRequest *request = job->request;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *media = basename_or_null (job->media_path);
  g_autofree char *thumbnail = basename_or_null (job->thumbnail_path);
  g_autofree char *text = NULL;
  Piece *first = g_ptr_array_index (job->pieces, 0);
  Piece *last = g_ptr_array_index (job->pieces, job->pieces->len - 1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tribuna_clip");
  json_builder_add_int_value (builder, 1);
  add_member_string (builder, "created", created);
  add_member_string (builder, "media", media);
  add_member_string (builder, "thumbnail", thumbnail);
  add_member_string (builder, "mode", tribuna_clip_mode_to_string (request->mode));
  add_member_string (builder, "preset", tribuna_clip_preset_to_string (request->preset));
  add_member_string (builder, "render", tribuna_clip_render_to_string (job->render));
  if (job->video)
    {
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, job->settings.width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, job->settings.height);
    }
  json_builder_set_member_name (builder, "requested");
  add_range (builder, request->in, request->out);
  json_builder_set_member_name (builder, "actual");
  add_range (builder, first->start, last->end);
  json_builder_set_member_name (builder, "duration_ns");
  json_builder_add_int_value (builder, job->duration);

  json_builder_set_member_name (builder, "pieces");
  json_builder_begin_array (builder);
  for (guint i = 0; i < job->pieces->len; i++)
    {
      Piece *piece = g_ptr_array_index (job->pieces, i);

      add_range (builder, piece->start, piece->end);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "private_cut");
  json_builder_begin_array (builder);
  for (guint i = 0; i < job->cut->len; i++)
    {
      TribunaClipRange *range = &g_array_index (job->cut, TribunaClipRange, i);

      add_range (builder, range->start, range->end);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "source_segments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->segments->len; i++)
    {
      TribunaClipSegment *segment = &g_array_index (request->segments, TribunaClipSegment, i);

      if (segment->start + segment->duration <= first->start || segment->start >= last->end)
        continue;
      json_builder_begin_object (builder);
      add_member_string (builder, "file", segment->path);
      json_builder_set_member_name (builder, "start_ns");
      json_builder_add_int_value (builder, segment->start);
      json_builder_set_member_name (builder, "duration_ns");
      json_builder_add_int_value (builder, segment->duration);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (request->title != NULL)
    add_member_string (builder, "title", request->title);
  json_builder_set_member_name (builder, "context");
  if (request->context != NULL)
    {
      g_autoptr(JsonNode) context = json_node_init_object (json_node_alloc (), request->context);

      json_builder_add_value (builder, json_node_copy (context));
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  if (!g_file_set_contents (job->sidecar_tmp, text, -1, error))
    {
      g_prefix_error (error, "cannot write the clip's sidecar: ");
      return FALSE;
    }
  return TRUE;
}

/* Committing */

static gboolean
commit (Job     *job,
        GError **error)
{
  char **from[] = { &job->media_tmp, &job->thumbnail_tmp, &job->sidecar_tmp };
  const char *to[] = { job->media_path, job->thumbnail_path, job->sidecar_path };

  for (guint i = 0; i < G_N_ELEMENTS (from); i++)
    {
      if (*from[i] == NULL)
        continue;
      if (g_rename (*from[i], to[i]) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                       "cannot name the clip %s: %s", to[i], g_strerror (saved_errno));
          /* half a clip is no clip: take back what was renamed */
          for (guint j = 0; j < i; j++)
            if (to[j] != NULL && *from[j] == NULL)
              g_unlink (to[j]);
          return FALSE;
        }
      g_clear_pointer (from[i], g_free);
    }

  return TRUE;
}

static TribunaClipResult *
make_result (Job *job)
{
  TribunaClipResult *result = _tribuna_clip_result_new ();
  Piece *first = g_ptr_array_index (job->pieces, 0);
  Piece *last = g_ptr_array_index (job->pieces, job->pieces->len - 1);

  result->media_path = g_strdup (job->media_path);
  result->thumbnail_path = g_strdup (job->thumbnail_path);
  result->sidecar_path = g_strdup (job->sidecar_path);
  result->requested.start = job->request->in;
  result->requested.end = job->request->out;
  result->actual.start = first->start;
  result->actual.end = last->end;
  result->duration = job->duration;
  result->render = job->render;
  result->width = job->video ? job->settings.width : 0;
  result->height = job->video ? job->settings.height : 0;
  for (guint i = 0; i < job->pieces->len; i++)
    {
      Piece *piece = g_ptr_array_index (job->pieces, i);
      TribunaClipRange range = { piece->start, piece->end };

      g_array_append_val (result->pieces, range);
    }
  g_array_append_vals (result->cut, job->cut->data, job->cut->len);

  return result;
}

TribunaClipResult *
_tribuna_clip_job_run (TribunaClipRequest       *request,
                       GCancellable             *cancellable,
                       TribunaClipProgressFunc   progress,
                       gpointer                  progress_data,
                       GError                  **error)
{
  Job job = { 0, };
  TribunaClipResult *result = NULL;
  gint64 started = g_get_monotonic_time ();

  job.request = request;
  job.cancellable = cancellable;
  job.progress = progress;
  job.progress_data = progress_data;
  g_queue_init (&job.audio_rendered);
  g_queue_init (&job.before_writer);

  if (!tribuna_clip_request_validate (request, error))
    goto out;

  job.reader = tribuna_clip_reader_new (request->segments, cancellable);
  if (!read_source (&job, error)
      || !choose_render (&job, error)
      || !prepare_files (&job, error))
    goto out;
  g_debug ("probed in %.3f s", (g_get_monotonic_time () - started) / 1e6);
  if (!plan (&job, error))
    goto out;
  g_debug ("planned in %.3f s", (g_get_monotonic_time () - started) / 1e6);
  if (!render_audio (&job, error)
      || !write_media (&job, error))
    goto out;
  g_clear_pointer (&job.reader, tribuna_clip_reader_free);
  g_debug ("written in %.3f s", (g_get_monotonic_time () - started) / 1e6);

  if (job.video && !join_thumbnail (&job)
      && !tribuna_clip_write_thumbnail (job.media_tmp, job.duration / 2, job.thumbnail_tmp,
                                        cancellable, error))
    goto out;
  g_debug ("thumbnail in %.3f s", (g_get_monotonic_time () - started) / 1e6);
  if (!write_sidecar (&job, error)
      || g_cancellable_set_error_if_cancelled (cancellable, error)
      || !commit (&job, error))
    goto out;

  advance (&job, job.total_weight);
  result = make_result (&job);

out:
  job_clear (&job);
  return result;
}
