/* tribuna-clip-reader.c: a session's recorded segments as one stream of coded frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One small pipeline per open segment:
 *
 *   filesrc ─► tsdemux ─► queue ─► h264parse (AVC, AU) ─► appsink
 *                      └► queue ─► aacparse (raw) ───────► appsink
 *
 * pulled by the export's worker thread, which maps each frame onto the session axis. Nothing
 * is decoded here. tsdemux seeks by bisecting on PCR, which lands somewhere before the target
 * but not always far enough: every seek is checked against the first video frame it yields
 * and redone from further back when it overshot.
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <string.h>

#include "tribuna-clip-private.h"
#include "tribuna-clip-reader.h"
#include "tribuna-elements.h"

#define PULL_TIMEOUT_NS (100 * GST_MSECOND)
#define STALL_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define FIRST_MARGIN_NS (GST_SECOND)

typedef struct {
  GstElement *pipeline;
  GstElement *demux;
  GstAppSink *video_sink;
  GstAppSink *audio_sink;
  GstElement *video_queue;
  GstElement *audio_queue;

  /* Set from tsdemux's streaming thread before it says no-more-pads */
  GMutex      lock;
  GCond       cond;
  gboolean    pads_done;
  gboolean    video_linked;
  gboolean    audio_linked;

  GstClockTime base;          /* demuxer time of the segment's first video frame */
  GstCaps    *video_caps;
  GstCaps    *audio_caps;
} OpenSegment;

struct _TribunaClipReader
{
  GArray          *segments;
  GCancellable    *cancellable;

  guint            index;      /* of the open segment; segments->len when none */
  OpenSegment     *open;
  TribunaClipUnit *video_head;
  TribunaClipUnit *audio_head;
  gboolean         video_done;
  gboolean         audio_done;
  gboolean         first_video;   /* the next video frame is the segment's first */
  gboolean         pristine;      /* nothing pulled since the segment was opened */
};

void
tribuna_clip_unit_free (TribunaClipUnit *unit)
{
  if (unit == NULL)
    return;

  gst_clear_buffer (&unit->buffer);
  gst_clear_caps (&unit->caps);
  g_free (unit);
}

gboolean
tribuna_clip_au_is_idr (GstBuffer *buffer)
{
  GstMapInfo map;
  gboolean idr = FALSE;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return FALSE;

  /* AVC: 4-byte big-endian lengths, as h264parse writes them */
  for (gsize offset = 0; offset + 5 <= map.size && !idr;)
    {
      guint32 length = GST_READ_UINT32_BE (map.data + offset);

      idr = (map.data[offset + 4] & 0x1f) == 5;
      offset += 4 + (gsize) length;
    }

  gst_buffer_unmap (buffer, &map);
  return idr;
}

static TribunaClipSegment *
segment_at (TribunaClipReader *self,
            guint              index)
{
  return &g_array_index (self->segments, TribunaClipSegment, index);
}

/* Opening and closing a segment */

static void
close_segment (TribunaClipReader *self)
{
  OpenSegment *open = g_steal_pointer (&self->open);

  g_clear_pointer (&self->video_head, tribuna_clip_unit_free);
  g_clear_pointer (&self->audio_head, tribuna_clip_unit_free);
  self->index = self->segments->len;

  if (open == NULL)
    return;

  if (gst_element_set_state (open->pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("a segment reader did not stop cleanly");
  gst_clear_object (&open->pipeline);
  gst_clear_caps (&open->video_caps);
  gst_clear_caps (&open->audio_caps);
  g_mutex_clear (&open->lock);
  g_cond_clear (&open->cond);
  g_free (open);
}

static void
on_pad_added (GstElement  *demux,
              GstPad      *pad,
              OpenSegment *open)
{
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  GstStructure *structure = gst_caps_get_structure (caps, 0);
  const char *name = gst_structure_get_name (structure);
  GstElement *queue = NULL;

  g_mutex_lock (&open->lock);
  if (g_str_equal (name, "video/x-h264") && !open->video_linked)
    {
      queue = open->video_queue;
      open->video_linked = TRUE;
    }
  else if (g_str_equal (name, "audio/mpeg") && !open->audio_linked)
    {
      queue = open->audio_queue;
      open->audio_linked = TRUE;
    }
  g_mutex_unlock (&open->lock);

  if (queue != NULL)
    {
      g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (queue, "sink");

      if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
        g_warning ("cannot link the demuxer's %s stream", name);
    }
  /* anything else (teletext, a second programme) stays unlinked: tsdemux drops it */
}

static void
on_no_more_pads (GstElement  *demux,
                 OpenSegment *open)
{
  gboolean video_linked, audio_linked;

  g_mutex_lock (&open->lock);
  open->pads_done = TRUE;
  video_linked = open->video_linked;
  audio_linked = open->audio_linked;
  g_cond_broadcast (&open->cond);
  g_mutex_unlock (&open->lock);

  /* A branch with no stream ends at once, so it does not hold up the preroll. */
  if (!video_linked)
    gst_element_send_event (open->video_queue, gst_event_new_eos ());
  if (!audio_linked)
    gst_element_send_event (open->audio_queue, gst_event_new_eos ());
}

static GstElement *
add_branch (GstBin      *bin,
            GstElement  *parser,
            const char  *caps_text,
            GstElement **out_queue)
{
  GstElement *queue = gst_element_factory_make ("queue", NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  g_autoptr(GstCaps) caps = gst_caps_from_string (caps_text);

  /* Bounded, but deep enough for any interleaving mpegtsmux writes. */
  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0,
                "max-size-time", (guint64) 5 * GST_SECOND, NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", 64, "enable-last-sample", FALSE, NULL);

  gst_bin_add_many (bin, queue, parser, filter, sink, NULL);
  if (!gst_element_link_many (queue, parser, filter, sink, NULL))
    return NULL;

  *out_queue = queue;
  return sink;
}

/* Empties the bus (nothing else reads it) and turns the first error into @error. */
static gboolean
bus_error (GstElement  *pipeline,
           const char  *path,
           GError     **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  GstMessage *message;
  gboolean failed = FALSE;

  while ((message = gst_bus_pop (bus)) != NULL)
    {
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR && !failed)
        {
          g_autoptr(GError) gst_error = NULL;
          g_autofree char *debug = NULL;

          gst_message_parse_error (message, &gst_error, &debug);
          g_debug ("reading %s: %s", path, debug);
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                       "cannot read the recording segment %s: %s", path, gst_error->message);
          failed = TRUE;
        }
      gst_message_unref (message);
    }

  return failed;
}

static gboolean
wait_for_state (TribunaClipReader  *self,
                const char         *path,
                GError            **error)
{
  GstStateChangeReturn ret;
  gint64 deadline = g_get_monotonic_time () + STALL_TIMEOUT_US;

  do
    {
      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      ret = gst_element_get_state (self->open->pipeline, NULL, NULL, PULL_TIMEOUT_NS);
    }
  while (ret == GST_STATE_CHANGE_ASYNC && g_get_monotonic_time () < deadline);

  if (ret == GST_STATE_CHANGE_FAILURE || ret == GST_STATE_CHANGE_ASYNC)
    {
      if (!bus_error (self->open->pipeline, path, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                     "cannot read the recording segment %s: it is not an MPEG-TS file with "
                     "H.264 or AAC", path);
      return FALSE;
    }

  return TRUE;
}

static GstClockTime
preroll_time (GstAppSink *sink,
              GstCaps   **caps)
{
  g_autoptr(GstSample) sample = gst_app_sink_try_pull_preroll (sink, 0);
  GstBuffer *buffer;

  if (sample == NULL)
    return GST_CLOCK_TIME_NONE;

  buffer = gst_sample_get_buffer (sample);
  if (caps != NULL && gst_sample_get_caps (sample) != NULL)
    *caps = gst_caps_ref (gst_sample_get_caps (sample));
  return GST_BUFFER_PTS_IS_VALID (buffer) ? GST_BUFFER_PTS (buffer) : GST_BUFFER_DTS (buffer);
}

static gboolean
open_segment (TribunaClipReader  *self,
              guint               index,
              GError            **error)
{
  TribunaClipSegment *segment = segment_at (self, index);
  g_autoptr(GError) local_error = NULL;
  GstElement *source, *h264parse, *aacparse;
  OpenSegment *open;
  GstClockTime video_base, audio_base;

  if (self->open != NULL && self->index == index)
    return TRUE;
  close_segment (self);

  if (!g_file_test (segment->path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                   "the recording segment %s is missing", segment->path);
      return FALSE;
    }

  open = g_new0 (OpenSegment, 1);
  g_mutex_init (&open->lock);
  g_cond_init (&open->cond);
  self->open = open;
  self->index = index;
  self->video_done = self->audio_done = FALSE;
  self->first_video = TRUE;
  self->pristine = TRUE;

  open->pipeline = gst_object_ref_sink (gst_pipeline_new ("clip-reader"));
  source = gst_element_factory_make ("filesrc", NULL);
  open->demux = tribuna_make_element ("tsdemux", NULL, &local_error);
  h264parse = tribuna_make_element ("h264parse", NULL, &local_error);
  aacparse = tribuna_make_element ("aacparse", NULL, &local_error);
  if (open->demux == NULL || h264parse == NULL || aacparse == NULL)
    {
      g_clear_object (&open->demux);
      g_clear_object (&h264parse);
      g_clear_object (&aacparse);
      g_propagate_error (error, g_steal_pointer (&local_error));
      close_segment (self);
      return FALSE;
    }

  g_object_set (source, "location", segment->path, NULL);
  gst_bin_add_many (GST_BIN (open->pipeline), source, open->demux, NULL);
  gst_element_link (source, open->demux);
  open->video_sink = GST_APP_SINK (add_branch (GST_BIN (open->pipeline), h264parse,
                                               "video/x-h264,stream-format=avc,alignment=au",
                                               &open->video_queue));
  open->audio_sink = GST_APP_SINK (add_branch (GST_BIN (open->pipeline), aacparse,
                                               "audio/mpeg,mpegversion=4,stream-format=raw",
                                               &open->audio_queue));
  g_signal_connect (open->demux, "pad-added", G_CALLBACK (on_pad_added), open);
  g_signal_connect (open->demux, "no-more-pads", G_CALLBACK (on_no_more_pads), open);

  if (gst_element_set_state (open->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE
      || !wait_for_state (self, segment->path, error))
    {
      if (error != NULL && *error == NULL && !bus_error (open->pipeline, segment->path, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                     "cannot open the recording segment %s", segment->path);
      close_segment (self);
      return FALSE;
    }

  /* Where the segment's time starts: its first video frame, the keyframe it was opened with. */
  video_base = preroll_time (open->video_sink, &open->video_caps);
  audio_base = preroll_time (open->audio_sink, &open->audio_caps);
  open->base = GST_CLOCK_TIME_IS_VALID (video_base) ? video_base : audio_base;
  self->video_done = !GST_CLOCK_TIME_IS_VALID (video_base);
  self->audio_done = !GST_CLOCK_TIME_IS_VALID (audio_base);
  if (!GST_CLOCK_TIME_IS_VALID (open->base))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                   "the recording segment %s holds no H.264 video or AAC sound", segment->path);
      close_segment (self);
      return FALSE;
    }

  if (gst_element_set_state (open->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!bus_error (open->pipeline, segment->path, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                     "cannot play the recording segment %s", segment->path);
      close_segment (self);
      return FALSE;
    }

  return TRUE;
}

TribunaClipReader *
tribuna_clip_reader_new (GArray       *segments,
                         GCancellable *cancellable)
{
  TribunaClipReader *self = g_new0 (TribunaClipReader, 1);

  self->segments = g_array_ref (segments);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->index = segments->len;

  return self;
}

void
tribuna_clip_reader_free (TribunaClipReader *self)
{
  if (self == NULL)
    return;

  close_segment (self);
  g_array_unref (self->segments);
  g_clear_object (&self->cancellable);
  g_free (self);
}

gboolean
tribuna_clip_reader_probe (TribunaClipReader  *self,
                           guint               index,
                           GstCaps           **video_caps,
                           GstCaps           **audio_caps,
                           GError            **error)
{
  g_return_val_if_fail (index < self->segments->len, FALSE);

  if (!open_segment (self, index, error))
    return FALSE;

  if (video_caps != NULL)
    *video_caps = self->open->video_caps != NULL ? gst_caps_ref (self->open->video_caps) : NULL;
  if (audio_caps != NULL)
    *audio_caps = self->open->audio_caps != NULL ? gst_caps_ref (self->open->audio_caps) : NULL;
  return TRUE;
}

/* Pulling */

static TribunaClipUnit *
pull_unit (TribunaClipReader  *self,
           gboolean            is_video,
           gboolean           *done,
           GError            **error)
{
  TribunaClipSegment *segment = segment_at (self, self->index);
  OpenSegment *open = self->open;
  GstAppSink *sink = is_video ? open->video_sink : open->audio_sink;
  gint64 deadline = g_get_monotonic_time () + STALL_TIMEOUT_US;
  g_autoptr(GstSample) sample = NULL;
  TribunaClipUnit *unit;
  GstBuffer *buffer;
  GstClockTime pts, dts;

  while (sample == NULL)
    {
      if (g_cancellable_set_error_if_cancelled (self->cancellable, error)
          || bus_error (open->pipeline, segment->path, error))
        return NULL;

      sample = gst_app_sink_try_pull_sample (sink, PULL_TIMEOUT_NS);
      if (sample == NULL && gst_app_sink_is_eos (sink))
        {
          *done = TRUE;
          return NULL;
        }
      if (sample == NULL && g_get_monotonic_time () > deadline)
        {
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                       "reading the recording segment %s stalled", segment->path);
          return NULL;
        }
    }

  self->pristine = FALSE;
  buffer = gst_sample_get_buffer (sample);
  pts = GST_BUFFER_PTS (buffer);
  dts = GST_BUFFER_DTS_IS_VALID (buffer) ? GST_BUFFER_DTS (buffer) : pts;
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    pts = dts;
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                   "the recording segment %s has a frame without a timestamp", segment->path);
      return NULL;
    }

  unit = g_new0 (TribunaClipUnit, 1);
  unit->buffer = gst_buffer_ref (buffer);
  unit->caps = gst_sample_get_caps (sample) ? gst_caps_ref (gst_sample_get_caps (sample)) : NULL;
  unit->is_video = is_video;
  unit->pts = segment->start + ((gint64) pts - (gint64) open->base);
  unit->dts = segment->start + ((gint64) dts - (gint64) open->base);
  unit->duration = GST_BUFFER_DURATION_IS_VALID (buffer) ? (gint64) GST_BUFFER_DURATION (buffer)
                   : 0;
  unit->segment = self->index;
  if (is_video)
    {
      /* The segment's first frame is where splitmuxsink cut it: a keyframe. */
      unit->sync = tribuna_clip_au_is_idr (buffer)
                   || (self->first_video && !GST_BUFFER_FLAG_IS_SET (buffer,
                                                                     GST_BUFFER_FLAG_DELTA_UNIT));
      self->first_video = FALSE;
    }

  return unit;
}

/* Fills the head of one stream, dropping what lies outside the segment's share of the
 * session axis. */
static gboolean
fill_head (TribunaClipReader  *self,
           gboolean            is_video,
           GError            **error)
{
  TribunaClipSegment *segment = segment_at (self, self->index);
  TribunaClipUnit **head = is_video ? &self->video_head : &self->audio_head;
  gboolean *done = is_video ? &self->video_done : &self->audio_done;

  while (*head == NULL && !*done)
    {
      g_autoptr(TribunaClipUnit) unit = pull_unit (self, is_video, done, error);

      if (unit == NULL)
        return *done;

      if (unit->pts >= segment->start + segment->duration)
        *done = TRUE;   /* past what this segment holds: the next one has it */
      else if (unit->pts + MAX (unit->duration, 1) > segment->start)
        *head = g_steal_pointer (&unit);
    }

  return TRUE;
}

TribunaClipUnit *
tribuna_clip_reader_next (TribunaClipReader  *self,
                          GError            **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (;;)
    {
      TribunaClipUnit **head;

      /* nothing open: the end was reached, or no seek came first */
      if (self->open == NULL)
        return NULL;

      if (!fill_head (self, TRUE, error) || !fill_head (self, FALSE, error))
        return NULL;

      if (self->video_head == NULL && self->audio_head == NULL)
        {
          guint finished = self->index;

          close_segment (self);
          if (finished + 1 >= self->segments->len)
            {
              self->index = self->segments->len;
              return NULL;
            }
          if (!open_segment (self, finished + 1, error))
            return NULL;
          continue;
        }

      if (self->audio_head == NULL)
        head = &self->video_head;
      else if (self->video_head == NULL)
        head = &self->audio_head;
      else
        head = self->audio_head->pts < self->video_head->pts ? &self->audio_head
               : &self->video_head;

      return g_steal_pointer (head);
    }
}

/* Seeking */

static guint
segment_for (TribunaClipReader *self,
             gint64             t)
{
  for (guint i = 0; i < self->segments->len; i++)
    {
      TribunaClipSegment *segment = segment_at (self, i);

      if (t < segment->start + segment->duration)
        return i;
    }

  return self->segments->len - 1;
}

static gboolean
seek_segment (TribunaClipReader  *self,
              gint64              t,
              GError            **error)
{
  TribunaClipSegment *segment = segment_at (self, self->index);
  gint64 local = (gint64) self->open->base + (t - segment->start);
  GstEvent *seek;

  g_clear_pointer (&self->video_head, tribuna_clip_unit_free);
  g_clear_pointer (&self->audio_head, tribuna_clip_unit_free);
  self->video_done = self->open->video_caps == NULL;
  self->audio_done = self->open->audio_caps == NULL;
  self->first_video = t <= segment->start;
  self->pristine = FALSE;

  seek = gst_event_new_seek (1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH,
                             GST_SEEK_TYPE_SET, (guint64) MAX (local, 0),
                             GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);
  if (!gst_element_send_event (self->open->demux, seek))
    {
      if (!bus_error (self->open->pipeline, segment->path, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                     "cannot seek in the recording segment %s", segment->path);
      return FALSE;
    }

  return TRUE;
}

gboolean
tribuna_clip_reader_seek (TribunaClipReader  *self,
                          gint64              t,
                          GError            **error)
{
  guint index = segment_for (self, t);
  TribunaClipSegment *segment = segment_at (self, index);
  gint64 margin = FIRST_MARGIN_NS;

  if (!open_segment (self, index, error))
    return FALSE;

  for (;;)
    {
      gint64 target = MAX (t - margin, segment->start);

      if (target <= segment->start)
        {
          /* From the very start: reopening is cheaper and surer than a seek to zero. */
          if (self->pristine && self->index == index)
            return TRUE;
          close_segment (self);
          return open_segment (self, index, error);
        }

      if (!seek_segment (self, target, error) || !fill_head (self, TRUE, error))
        return FALSE;

      /* tsdemux landed early enough when the first video frame is not past t. */
      if (self->video_head == NULL || self->video_head->pts <= t)
        return fill_head (self, FALSE, error);

      g_debug ("seek to %" G_GINT64_FORMAT " landed at %" G_GINT64_FORMAT "; going back further",
               t, self->video_head->pts);
      margin *= 4;
    }
}

gboolean
tribuna_clip_reader_sync_before (TribunaClipReader  *self,
                                 gint64              t,
                                 gint64             *sync,
                                 GError            **error)
{
  guint index = segment_for (self, t);
  TribunaClipSegment *segment = segment_at (self, index);
  gint64 margin = 2 * GST_SECOND;

  for (;;)
    {
      gint64 from = MAX (t - margin, segment->start);
      gint64 found = -1;

      if (!tribuna_clip_reader_seek (self, from, error))
        return FALSE;

      for (;;)
        {
          g_autoptr(TribunaClipUnit) unit = tribuna_clip_reader_next (self, error);

          if (unit == NULL)
            {
              if (error != NULL && *error != NULL)
                return FALSE;
              break;
            }
          if (!unit->is_video)
            continue;
          if (unit->pts > t || unit->segment != index)
            break;
          if (unit->sync)
            found = unit->pts;
        }

      if (found >= 0 || from <= segment->start)
        {
          /* A segment that starts on no keyframe at all: decode from its start anyway. */
          *sync = found >= 0 ? found : segment->start;
          return TRUE;
        }
      margin *= 4;
    }
}

gboolean
tribuna_clip_reader_sync_after (TribunaClipReader  *self,
                                gint64              t,
                                gint64              limit,
                                gint64             *sync,
                                gint64             *first,
                                GError            **error)
{
  gint64 first_frame = -1;

  if (!tribuna_clip_reader_seek (self, t, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(TribunaClipUnit) unit = tribuna_clip_reader_next (self, error);

      if (unit == NULL)
        {
          if (error != NULL && *error != NULL)
            return FALSE;
          break;
        }
      if (!unit->is_video || unit->pts < t)
        continue;
      if (unit->pts >= limit)
        break;
      if (first_frame < 0)
        first_frame = unit->pts;
      if (unit->sync)
        {
          *sync = unit->pts;
          if (first != NULL)
            *first = first_frame;
          return TRUE;
        }
    }

  *sync = limit;
  if (first != NULL)
    *first = first_frame >= 0 ? first_frame : limit;
  return TRUE;
}
