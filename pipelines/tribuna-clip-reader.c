/* tribuna-clip-reader.c: a session's recorded segments as one stream of coded frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One small pipeline per open segment, nothing decoded and nothing parsed by GStreamer:
 *
 *   filesrc ─► tsdemux ─┬─► (probe) fakesink      H.264 PES: Annex B -> AVC, here
 *                       └─► (probe) fakesink      AAC PES: ADTS -> raw frames, here
 *
 * The probes run in tsdemux's one streaming thread, so frames arrive in file order; they
 * are handed to the export's worker in batches, which keeps the two threads from waking
 * each other for every frame (h264parse and queues cost as much as the rest of a ten-minute
 * copy). What h264parse and aacparse tell about the streams (size, frame rate, codec_data)
 * comes from a probe with them, once.
 *
 * tsdemux seeks by bisecting on PCR, which lands somewhere before the target but not always
 * far enough: every seek is checked against the first video frame it yields and redone from
 * further back when it overshot.
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <string.h>

#include "tribuna-clip-private.h"
#include "tribuna-clip-reader.h"
#include "tribuna-elements.h"

#define WAIT_STEP_US (100 * 1000)
#define STALL_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define FIRST_MARGIN_NS (GST_SECOND)
#define BATCH_UNITS 64
#define MAX_QUEUED_UNITS 1024

static const int adts_rates[] = {
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
};

typedef struct {
  GstElement   *pipeline;
  GstElement   *demux;
  GstPad       *video_pad;       /* the fakesinks' sink pads, where the probes sit */
  GstPad       *audio_pad;
  GstElement   *video_sink;
  GstElement   *audio_sink;

  /* Shared with tsdemux's streaming thread */
  GMutex        lock;
  GCond         cond;
  GQueue        batches;         /* GPtrArray of TribunaClipUnit, local time */
  guint         queued;
  gboolean      flushing;
  gboolean      video_linked;
  gboolean      audio_linked;
  gboolean      pads_done;
  gboolean      video_eos;
  gboolean      audio_eos;
  gboolean      consumer_waiting;
  gboolean      producer_waiting;

  /* Only tsdemux's streaming thread touches these */
  GPtrArray    *batch;
  gboolean      seen_video;

  /* Read-only once the reader is made */
  GPtrArray    *reference;       /* GBytes: the recording's own SPS and PPS NALs */
  gint64        frame_duration;
} OpenSegment;

struct _TribunaClipReader
{
  GArray          *segments;
  GCancellable    *cancellable;
  GPtrArray       *reference;
  gint64           frame_duration;

  guint            index;        /* of the open segment; segments->len when none */
  OpenSegment     *open;
  GQueue           ready;        /* TribunaClipUnit, local time, taken from the batches */
  GstClockTime     base;         /* demuxer time of the segment's first video frame */
  gboolean         video_done;
  gboolean         audio_done;
  gboolean         pristine;     /* nothing taken since the segment was opened */
};

void
tribuna_clip_unit_free (TribunaClipUnit *unit)
{
  if (unit == NULL)
    return;

  gst_clear_buffer (&unit->buffer);
  g_free (unit);
}

static TribunaClipSegment *
segment_at (TribunaClipReader *self,
            guint              index)
{
  return &g_array_index (self->segments, TribunaClipSegment, index);
}

/* Annex B to AVC, in the streaming thread */

typedef struct {
  gsize offset;
  gsize size;
} Nal;

/* Where the start code (00 00 01) at or after @from is, or @size. */
static gsize
find_start_code (const guint8 *data,
                 gsize         size,
                 gsize         from)
{
  const guint8 *p = data + from + 2;
  const guint8 *end = data + size;

  while (p < end)
    {
      const guint8 *one = memchr (p, 1, end - p);

      if (one == NULL)
        break;
      if (one[-1] == 0 && one[-2] == 0)
        return one - 2 - data;
      p = one + 1;
    }

  return size;
}

static gboolean
is_reference (OpenSegment  *open,
              const guint8 *nal,
              gsize         size)
{
  for (guint i = 0; open->reference != NULL && i < open->reference->len; i++)
    {
      gsize ref_size;
      const guint8 *ref = g_bytes_get_data (g_ptr_array_index (open->reference, i), &ref_size);

      if (ref_size == size && memcmp (ref, nal, size) == 0)
        return TRUE;
    }

  return FALSE;
}

static TribunaClipUnit *
video_unit (OpenSegment *open,
            GstBuffer   *input)
{
  GstMapInfo in, out;
  Nal nals[64];
  guint n_nals = 0;
  gsize total = 0, at;
  gboolean idr = FALSE, sps = FALSE, foreign = FALSE;
  TribunaClipUnit *unit;
  GstBuffer *output;

  if (!gst_buffer_map (input, &in, GST_MAP_READ))
    return NULL;

  at = find_start_code (in.data, in.size, 0);
  while (at < in.size && n_nals < G_N_ELEMENTS (nals))
    {
      gsize start = at + 3;
      gsize next = find_start_code (in.data, in.size, start);
      gsize end = next;
      guint8 type;

      /* a four-byte start code leaves its first zero behind */
      while (end > start && in.data[end - 1] == 0)
        end--;
      at = next;
      if (end <= start)
        continue;

      type = in.data[start] & 0x1f;
      if (type == 9)
        continue;   /* access unit delimiters mean nothing in MP4 */
      if (type == 5)
        idr = TRUE;
      if (type == 7 || type == 8)
        {
          sps |= type == 7;
          foreign |= open->reference != NULL && !is_reference (open, in.data + start,
                                                               end - start);
        }

      nals[n_nals].offset = start;
      nals[n_nals].size = end - start;
      total += 4 + (end - start);
      n_nals++;
    }

  if (n_nals == 0)
    {
      gst_buffer_unmap (input, &in);
      return NULL;
    }

  output = gst_buffer_new_allocate (NULL, total, NULL);
  gst_buffer_map (output, &out, GST_MAP_WRITE);
  at = 0;
  for (guint i = 0; i < n_nals; i++)
    {
      GST_WRITE_UINT32_BE (out.data + at, nals[i].size);
      memcpy (out.data + at + 4, in.data + nals[i].offset, nals[i].size);
      at += 4 + nals[i].size;
    }
  gst_buffer_unmap (output, &out);
  gst_buffer_unmap (input, &in);

  unit = g_new0 (TribunaClipUnit, 1);
  unit->is_video = TRUE;
  /* A segment opens on a keyframe: where the recorder cut, with its parameter sets. */
  unit->sync = idr || (!open->seen_video && sps);
  unit->new_format = foreign;
  open->seen_video = TRUE;
  unit->buffer = output;
  if (!unit->sync)
    GST_BUFFER_FLAG_SET (output, GST_BUFFER_FLAG_DELTA_UNIT);
  unit->pts = GST_BUFFER_PTS_IS_VALID (input) ? (gint64) GST_BUFFER_PTS (input)
              : (gint64) GST_BUFFER_DTS (input);
  unit->dts = GST_BUFFER_DTS_IS_VALID (input) ? (gint64) GST_BUFFER_DTS (input) : unit->pts;
  unit->duration = open->frame_duration;

  return unit;
}

/* ADTS to raw AAC frames; a PES may hold several. */
static void
audio_units (OpenSegment *open,
             GstBuffer   *input,
             GPtrArray   *into)
{
  GstMapInfo in;
  gsize at = 0;
  gint64 pts = GST_BUFFER_PTS_IS_VALID (input) ? (gint64) GST_BUFFER_PTS (input) : -1;

  if (pts < 0 || !gst_buffer_map (input, &in, GST_MAP_READ))
    return;

  while (at + 7 <= in.size)
    {
      const guint8 *h = in.data + at;
      gsize header, length;
      guint rate_index, blocks;
      TribunaClipUnit *unit;
      int rate;

      if (h[0] != 0xff || (h[1] & 0xf0) != 0xf0)
        break;   /* lost sync: the rest of this PES is not ours to guess at */

      header = (h[1] & 0x01) ? 7 : 9;
      length = ((gsize) (h[3] & 0x03) << 11) | ((gsize) h[4] << 3) | (h[5] >> 5);
      rate_index = (h[2] >> 2) & 0x0f;
      blocks = (h[6] & 0x03) + 1;
      if (length < header || at + length > in.size || rate_index >= G_N_ELEMENTS (adts_rates))
        break;
      rate = adts_rates[rate_index];

      unit = g_new0 (TribunaClipUnit, 1);
      unit->buffer = gst_buffer_copy_region (input, GST_BUFFER_COPY_MEMORY, at + header,
                                             length - header);
      unit->pts = pts;
      unit->dts = pts;
      unit->duration = (gint64) gst_util_uint64_scale_int (1024 * blocks, GST_SECOND, rate);
      g_ptr_array_add (into, unit);

      pts += unit->duration;
      at += length;
    }

  gst_buffer_unmap (input, &in);
}

/* Handing batches over */

static void
free_batch (gpointer data)
{
  g_ptr_array_unref (data);
}

static GPtrArray *
new_batch (void)
{
  return g_ptr_array_new_full (BATCH_UNITS, (GDestroyNotify) tribuna_clip_unit_free);
}

/* In the streaming thread; waits while the worker is far behind. */
static void
hand_over (OpenSegment *open)
{
  GPtrArray *batch = open->batch;

  if (batch->len == 0)
    return;
  open->batch = new_batch ();

  g_mutex_lock (&open->lock);
  while (!open->flushing && open->queued >= MAX_QUEUED_UNITS)
    {
      open->producer_waiting = TRUE;
      g_cond_wait (&open->cond, &open->lock);
    }
  open->producer_waiting = FALSE;

  if (open->flushing)
    g_ptr_array_unref (batch);
  else
    {
      open->queued += batch->len;
      g_queue_push_tail (&open->batches, batch);
      if (open->consumer_waiting)
        g_cond_broadcast (&open->cond);
    }
  g_mutex_unlock (&open->lock);
}

static GstPadProbeReturn
on_probe (GstPad          *pad,
          GstPadProbeInfo *info,
          gpointer         user_data)
{
  OpenSegment *open = user_data;
  gboolean is_video = pad == open->video_pad;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = gst_pad_probe_info_get_buffer (info);
      gboolean flushing;

      g_mutex_lock (&open->lock);
      flushing = open->flushing;
      g_mutex_unlock (&open->lock);

      if (!flushing)
        {
          if (is_video)
            {
              TribunaClipUnit *unit = video_unit (open, buffer);

              if (unit != NULL)
                g_ptr_array_add (open->batch, unit);
            }
          else
            audio_units (open, buffer, open->batch);

          if (open->batch->len >= BATCH_UNITS)
            hand_over (open);
        }
      return GST_PAD_PROBE_DROP;
    }

  if (GST_PAD_PROBE_INFO_TYPE (info) & (GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM
                                        | GST_PAD_PROBE_TYPE_EVENT_FLUSH))
    {
      GstEvent *event = gst_pad_probe_info_get_event (info);

      switch (GST_EVENT_TYPE (event))
        {
        case GST_EVENT_FLUSH_START:
          /* from the seeking thread: frees the streaming thread if it waits on us */
          g_mutex_lock (&open->lock);
          open->flushing = TRUE;
          g_cond_broadcast (&open->cond);
          g_mutex_unlock (&open->lock);
          break;

        case GST_EVENT_FLUSH_STOP:
          /* still the seeking thread, before tsdemux streams again from the new place */
          g_mutex_lock (&open->lock);
          g_queue_clear_full (&open->batches, free_batch);
          open->queued = 0;
          g_ptr_array_set_size (open->batch, 0);
          open->video_eos = !open->video_linked && open->pads_done;
          open->audio_eos = !open->audio_linked && open->pads_done;
          open->flushing = FALSE;
          g_mutex_unlock (&open->lock);
          break;

        case GST_EVENT_EOS:
          hand_over (open);
          g_mutex_lock (&open->lock);
          if (is_video)
            open->video_eos = TRUE;
          else
            open->audio_eos = TRUE;
          g_cond_broadcast (&open->cond);
          g_mutex_unlock (&open->lock);
          break;

        default:
          break;
        }
    }

  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement  *demux,
              GstPad      *pad,
              OpenSegment *open)
{
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  GstPad *sinkpad = NULL;

  g_mutex_lock (&open->lock);
  if (g_str_equal (name, "video/x-h264") && !open->video_linked)
    {
      sinkpad = open->video_pad;
      open->video_linked = TRUE;
    }
  else if (g_str_equal (name, "audio/mpeg") && !open->audio_linked)
    {
      sinkpad = open->audio_pad;
      open->audio_linked = TRUE;
    }
  g_mutex_unlock (&open->lock);

  /* anything else (a second programme, teletext) stays unlinked: tsdemux drops it */
  if (sinkpad != NULL && gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_warning ("cannot link the demuxer's %s stream", name);
}

static void
on_no_more_pads (GstElement  *demux,
                 OpenSegment *open)
{
  g_mutex_lock (&open->lock);
  open->pads_done = TRUE;
  open->video_eos |= !open->video_linked;
  open->audio_eos |= !open->audio_linked;
  g_cond_broadcast (&open->cond);
  g_mutex_unlock (&open->lock);
}

/* Errors */

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

/* Opening and closing a segment */

static void
close_segment (TribunaClipReader *self)
{
  OpenSegment *open = g_steal_pointer (&self->open);

  g_queue_clear_full (&self->ready, (GDestroyNotify) tribuna_clip_unit_free);
  self->index = self->segments->len;

  if (open == NULL)
    return;

  /* a streaming thread waiting for room must let go before the state change */
  g_mutex_lock (&open->lock);
  open->flushing = TRUE;
  g_cond_broadcast (&open->cond);
  g_mutex_unlock (&open->lock);

  if (gst_element_set_state (open->pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("a segment reader did not stop cleanly");
  gst_clear_object (&open->video_pad);
  gst_clear_object (&open->audio_pad);
  gst_clear_object (&open->pipeline);
  g_queue_clear_full (&open->batches, free_batch);
  g_ptr_array_unref (open->batch);
  g_mutex_clear (&open->lock);
  g_cond_clear (&open->cond);
  g_free (open);
}

static GstPad *
add_sink (OpenSegment *open)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *pad;

  g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
  gst_bin_add (GST_BIN (open->pipeline), sink);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM
                          | GST_PAD_PROBE_TYPE_EVENT_FLUSH, on_probe, open, NULL);
  return pad;
}

/* Takes what the streaming thread has handed over into self->ready; waits when there is
 * nothing yet. FALSE on error; TRUE with nothing new at the end of the segment. */
static gboolean
take_batches (TribunaClipReader  *self,
              gboolean           *ended,
              GError            **error)
{
  OpenSegment *open = self->open;
  const char *path = segment_at (self, self->index)->path;
  gint64 deadline = g_get_monotonic_time () + STALL_TIMEOUT_US;
  GQueue taken = G_QUEUE_INIT;

  *ended = FALSE;
  g_mutex_lock (&open->lock);
  while (g_queue_is_empty (&open->batches) && !(open->video_eos && open->audio_eos))
    {
      g_mutex_unlock (&open->lock);
      if (g_cancellable_set_error_if_cancelled (self->cancellable, error)
          || bus_error (open->pipeline, path, error))
        return FALSE;
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                       "reading the recording segment %s stalled", path);
          return FALSE;
        }
      g_mutex_lock (&open->lock);
      if (!g_queue_is_empty (&open->batches) || (open->video_eos && open->audio_eos))
        break;
      open->consumer_waiting = TRUE;
      g_cond_wait_until (&open->cond, &open->lock, g_get_monotonic_time () + WAIT_STEP_US);
      open->consumer_waiting = FALSE;
    }

  taken = open->batches;
  g_queue_init (&open->batches);
  open->queued = 0;
  if (open->producer_waiting)
    g_cond_broadcast (&open->cond);
  *ended = g_queue_is_empty (&taken);
  g_mutex_unlock (&open->lock);

  while (!g_queue_is_empty (&taken))
    {
      GPtrArray *batch = g_queue_pop_head (&taken);

      for (guint i = 0; i < batch->len; i++)
        g_queue_push_tail (&self->ready, g_steal_pointer (&batch->pdata[i]));
      g_ptr_array_unref (batch);
    }

  return !bus_error (open->pipeline, path, error);
}

static gboolean
open_segment (TribunaClipReader  *self,
              guint               index,
              GError            **error)
{
  TribunaClipSegment *segment = segment_at (self, index);
  g_autoptr(GError) local_error = NULL;
  GstElement *source;
  OpenSegment *open;

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
  g_queue_init (&open->batches);
  open->batch = new_batch ();
  open->reference = self->reference;
  open->frame_duration = self->frame_duration;
  self->open = open;
  self->index = index;
  self->pristine = TRUE;
  self->video_done = self->audio_done = FALSE;
  self->base = GST_CLOCK_TIME_NONE;

  open->pipeline = gst_object_ref_sink (gst_pipeline_new ("clip-reader"));
  source = gst_element_factory_make ("filesrc", NULL);
  open->demux = tribuna_make_element ("tsdemux", NULL, &local_error);
  if (open->demux == NULL)
    {
      gst_object_unref (gst_object_ref_sink (source));
      g_propagate_error (error, g_steal_pointer (&local_error));
      close_segment (self);
      return FALSE;
    }
  g_object_set (source, "location", segment->path, NULL);
  gst_bin_add_many (GST_BIN (open->pipeline), source, open->demux, NULL);
  gst_element_link (source, open->demux);
  open->video_pad = add_sink (open);
  open->audio_pad = add_sink (open);
  g_signal_connect (open->demux, "pad-added", G_CALLBACK (on_pad_added), open);
  g_signal_connect (open->demux, "no-more-pads", G_CALLBACK (on_no_more_pads), open);

  if (gst_element_set_state (open->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!bus_error (open->pipeline, segment->path, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                     "cannot open the recording segment %s", segment->path);
      close_segment (self);
      return FALSE;
    }

  /* The segment's time starts at its first video frame, the keyframe it was opened with. */
  while (!GST_CLOCK_TIME_IS_VALID (self->base))
    {
      gboolean ended;

      for (GList *link = self->ready.head; link != NULL; link = link->next)
        {
          TribunaClipUnit *unit = link->data;

          if (unit->is_video)
            {
              self->base = (GstClockTime) unit->pts;
              break;
            }
        }
      if (GST_CLOCK_TIME_IS_VALID (self->base))
        break;

      if (!take_batches (self, &ended, error))
        {
          close_segment (self);
          return FALSE;
        }
      if (ended)
        {
          /* sound only: its first frame starts the segment */
          TribunaClipUnit *first = g_queue_peek_head (&self->ready);

          if (first == NULL)
            {
              g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                           "the recording segment %s holds no H.264 video or AAC sound",
                           segment->path);
              close_segment (self);
              return FALSE;
            }
          self->base = (GstClockTime) first->pts;
        }
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
  g_queue_init (&self->ready);

  return self;
}

void
tribuna_clip_reader_free (TribunaClipReader *self)
{
  if (self == NULL)
    return;

  close_segment (self);
  g_clear_pointer (&self->reference, g_ptr_array_unref);
  g_array_unref (self->segments);
  g_clear_object (&self->cancellable);
  g_free (self);
}

/* Probing, with the parsers */

static GstElement *
add_probe_branch (GstBin      *bin,
                  const char  *parser_name,
                  const char  *caps_text,
                  GstElement **out_queue)
{
  GstElement *queue = gst_element_factory_make ("queue", NULL);
  GstElement *parser = gst_element_factory_make (parser_name, NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  g_autoptr(GstCaps) caps = gst_caps_from_string (caps_text);

  if (parser == NULL)
    {
      gst_object_unref (gst_object_ref_sink (queue));
      gst_object_unref (gst_object_ref_sink (filter));
      gst_object_unref (gst_object_ref_sink (sink));
      return NULL;
    }

  g_object_set (filter, "caps", caps, NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", 1, "enable-last-sample", FALSE, NULL);
  gst_bin_add_many (bin, queue, parser, filter, sink, NULL);
  gst_element_link_many (queue, parser, filter, sink, NULL);
  *out_queue = queue;
  return sink;
}

typedef struct {
  GstElement *video_queue;
  GstElement *audio_queue;
  GMutex      lock;
  gboolean    video_linked;
  gboolean    audio_linked;
} ProbeLinks;

static void
on_probe_pad_added (GstElement *demux,
                    GstPad     *pad,
                    ProbeLinks *links)
{
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  GstElement *queue = NULL;

  g_mutex_lock (&links->lock);
  if (g_str_equal (name, "video/x-h264") && !links->video_linked)
    {
      queue = links->video_queue;
      links->video_linked = TRUE;
    }
  else if (g_str_equal (name, "audio/mpeg") && !links->audio_linked)
    {
      queue = links->audio_queue;
      links->audio_linked = TRUE;
    }
  g_mutex_unlock (&links->lock);

  if (queue != NULL)
    {
      g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (queue, "sink");

      gst_pad_link (pad, sinkpad);
    }
}

static void
on_probe_no_more_pads (GstElement *demux,
                       ProbeLinks *links)
{
  gboolean video_linked, audio_linked;

  g_mutex_lock (&links->lock);
  video_linked = links->video_linked;
  audio_linked = links->audio_linked;
  g_mutex_unlock (&links->lock);

  /* a branch with no stream ends at once, so it does not hold up the preroll */
  if (!video_linked)
    gst_element_send_event (links->video_queue, gst_event_new_eos ());
  if (!audio_linked)
    gst_element_send_event (links->audio_queue, gst_event_new_eos ());
}

static GstCaps *
preroll_caps (GstElement *sink)
{
  g_autoptr(GstSample) sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), 0);

  if (sample == NULL || gst_sample_get_caps (sample) == NULL)
    return NULL;
  return gst_caps_ref (gst_sample_get_caps (sample));
}

static GPtrArray *
parameter_sets (GstCaps *caps)
{
  const GValue *value = gst_structure_get_value (gst_caps_get_structure (caps, 0), "codec_data");
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GstMapInfo map;
  GstBuffer *avcc;
  gsize at = 6;

  if (value == NULL || !G_VALUE_HOLDS (value, GST_TYPE_BUFFER))
    return sets;
  avcc = gst_value_get_buffer (value);
  if (!gst_buffer_map (avcc, &map, GST_MAP_READ))
    return sets;

  /* avcC: n SPS after byte 5, then a count of PPS; each with a 16-bit length */
  for (guint kind = 0; kind < 2 && map.size > 6; kind++)
    {
      guint count = kind == 0 ? (map.data[5] & 0x1f) : (at < map.size ? map.data[at++] : 0);

      for (guint i = 0; i < count && at + 2 <= map.size; i++)
        {
          gsize length = GST_READ_UINT16_BE (map.data + at);

          if (at + 2 + length > map.size)
            break;
          g_ptr_array_add (sets, g_bytes_new (map.data + at + 2, length));
          at += 2 + length;
        }
    }

  gst_buffer_unmap (avcc, &map);
  return sets;
}

gboolean
tribuna_clip_reader_probe (TribunaClipReader  *self,
                           guint               index,
                           GstCaps           **video_caps,
                           GstCaps           **audio_caps,
                           GError            **error)
{
  TribunaClipSegment *segment;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GstCaps) video = NULL;
  g_autoptr(GstCaps) audio = NULL;
  GstElement *source, *demux, *video_sink, *audio_sink;
  ProbeLinks links = { 0, };
  GstStateChangeReturn ret;
  gint64 deadline = g_get_monotonic_time () + STALL_TIMEOUT_US;
  gboolean ok = FALSE;

  g_return_val_if_fail (index < self->segments->len, FALSE);
  segment = segment_at (self, index);

  if (!g_file_test (segment->path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                   "the recording segment %s is missing", segment->path);
      return FALSE;
    }

  demux = tribuna_make_element ("tsdemux", NULL, &local_error);
  if (demux == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_mutex_init (&links.lock);
  pipeline = gst_object_ref_sink (gst_pipeline_new ("clip-probe"));
  source = gst_element_factory_make ("filesrc", NULL);
  g_object_set (source, "location", segment->path, NULL);
  gst_bin_add_many (GST_BIN (pipeline), source, demux, NULL);
  gst_element_link (source, demux);
  video_sink = add_probe_branch (GST_BIN (pipeline), "h264parse",
                                 "video/x-h264,stream-format=avc,alignment=au",
                                 &links.video_queue);
  audio_sink = add_probe_branch (GST_BIN (pipeline), "aacparse",
                                 "audio/mpeg,mpegversion=4,stream-format=raw",
                                 &links.audio_queue);
  if (video_sink == NULL || audio_sink == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "h264parse and aacparse are needed (gstreamer1.0-plugins-bad and -good)");
      goto out;
    }
  g_signal_connect (demux, "pad-added", G_CALLBACK (on_probe_pad_added), &links);
  g_signal_connect (demux, "no-more-pads", G_CALLBACK (on_probe_no_more_pads), &links);

  ret = gst_element_set_state (pipeline, GST_STATE_PAUSED);
  while (ret == GST_STATE_CHANGE_ASYNC && g_get_monotonic_time () < deadline
         && !g_cancellable_is_cancelled (self->cancellable))
    ret = gst_element_get_state (pipeline, NULL, NULL, 100 * GST_MSECOND);

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    goto out;
  if (ret == GST_STATE_CHANGE_FAILURE || ret == GST_STATE_CHANGE_ASYNC)
    {
      if (!bus_error (pipeline, segment->path, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                     "cannot read the recording segment %s: it is not an MPEG-TS file with "
                     "H.264 or AAC", segment->path);
      goto out;
    }

  video = preroll_caps (video_sink);
  audio = preroll_caps (audio_sink);
  if (video == NULL && audio == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SOURCE,
                   "the recording segment %s holds no H.264 video or AAC sound", segment->path);
      goto out;
    }

  if (video != NULL && self->reference == NULL)
    {
      int fps_n = 0, fps_d = 1;
      GstStructure *structure = gst_caps_get_structure (video, 0);

      self->reference = parameter_sets (video);
      if (gst_structure_get_fraction (structure, "framerate", &fps_n, &fps_d) && fps_n > 0
          && fps_d > 0)
        self->frame_duration = (gint64) gst_util_uint64_scale_int (GST_SECOND, fps_d, fps_n);
    }

  if (video_caps != NULL)
    *video_caps = g_steal_pointer (&video);
  if (audio_caps != NULL)
    *audio_caps = g_steal_pointer (&audio);
  ok = TRUE;

out:
  if (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the probe of %s did not stop cleanly", segment->path);
  g_mutex_clear (&links.lock);
  return ok;
}

/* Pulling */

/* The next unit of the open segment on the session axis, NULL at its end. */
static TribunaClipUnit *
pull_unit (TribunaClipReader  *self,
           GError            **error)
{
  TribunaClipSegment *segment = segment_at (self, self->index);
  TribunaClipUnit *unit;

  while (g_queue_is_empty (&self->ready))
    {
      gboolean ended;

      if (!take_batches (self, &ended, error) || ended)
        return NULL;
    }

  self->pristine = FALSE;
  unit = g_queue_pop_head (&self->ready);
  unit->pts = segment->start + (unit->pts - (gint64) self->base);
  unit->dts = segment->start + (unit->dts - (gint64) self->base);
  unit->segment = self->index;
  return unit;
}

TribunaClipUnit *
tribuna_clip_reader_next (TribunaClipReader  *self,
                          GError            **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (;;)
    {
      TribunaClipSegment *segment;
      g_autoptr(TribunaClipUnit) unit = NULL;
      gboolean *done;
      guint finished;

      /* nothing open: the end was reached, or no seek came first */
      if (self->open == NULL)
        return NULL;

      segment = segment_at (self, self->index);
      if (!self->video_done || !self->audio_done)
        {
          unit = pull_unit (self, error);
          if (unit == NULL && error != NULL && *error != NULL)
            return NULL;
        }

      if (unit != NULL)
        {
          done = unit->is_video ? &self->video_done : &self->audio_done;
          if (*done)
            continue;
          if (unit->pts >= segment->start + segment->duration - TRIBUNA_CLIP_SLACK)
            {
              *done = TRUE;   /* past what this segment holds: the next one has it */
              continue;
            }
          if (unit->pts + MAX (unit->duration, 1) <= segment->start)
            continue;
          return g_steal_pointer (&unit);
        }

      /* this segment is done: on to the next one, from its start */
      finished = self->index;
      close_segment (self);
      if (finished + 1 >= self->segments->len)
        return NULL;
      if (!open_segment (self, finished + 1, error))
        return NULL;
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
  gint64 local = (gint64) self->base + (t - segment->start);
  GstEvent *seek;

  g_queue_clear_full (&self->ready, (GDestroyNotify) tribuna_clip_unit_free);
  self->video_done = self->audio_done = FALSE;
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

/* The first video unit after a seek, left at the head of the ready queue. */
static TribunaClipUnit *
peek_video (TribunaClipReader  *self,
            GError            **error)
{
  for (;;)
    {
      gboolean ended;

      for (GList *link = self->ready.head; link != NULL; link = link->next)
        {
          TribunaClipUnit *unit = link->data;

          if (unit->is_video)
            return unit;
        }
      if (!take_batches (self, &ended, error) || ended)
        return NULL;
    }
}

gboolean
tribuna_clip_reader_seek (TribunaClipReader  *self,
                          gint64              t,
                          GError            **error)
{
  guint index = segment_for (self, t);
  TribunaClipSegment *segment = segment_at (self, index);
  gint64 margin = FIRST_MARGIN_NS;

  for (;;)
    {
      gint64 target = MAX (t - margin, segment->start);
      TribunaClipUnit *first;

      if (target <= segment->start)
        {
          /* From the very start: reopening is cheaper and surer than a seek to zero. */
          if (self->open != NULL && self->pristine && self->index == index)
            return TRUE;
          close_segment (self);
          return open_segment (self, index, error);
        }

      if (!open_segment (self, index, error) || !seek_segment (self, target, error))
        return FALSE;

      first = peek_video (self, error);
      if (first == NULL && error != NULL && *error != NULL)
        return FALSE;

      /* tsdemux landed early enough when the first video frame is not past t */
      if (first == NULL
          || segment->start + (first->pts - (gint64) self->base) <= t + TRIBUNA_CLIP_SLACK)
        return TRUE;

      g_debug ("seek to %" G_GINT64_FORMAT " landed past it; going back further", t);
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
          if (unit->pts > t + TRIBUNA_CLIP_SLACK || unit->segment != index)
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
      if (!unit->is_video || unit->pts < t - TRIBUNA_CLIP_SLACK)
        continue;
      if (unit->pts >= limit - TRIBUNA_CLIP_SLACK)
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

gboolean
tribuna_clip_reader_frame_before (TribunaClipReader  *self,
                                  gint64              b,
                                  gint64             *last,
                                  GError            **error)
{
  gint64 found = -1;

  /* a frame or two back is enough; a second covers any frame rate we record */
  if (!tribuna_clip_reader_seek (self, b - GST_SECOND, error))
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
      if (unit->pts >= b - TRIBUNA_CLIP_SLACK)
        break;
      found = unit->pts;
    }

  *last = found;
  return TRUE;
}
