/* tribuna-clip-audio.c: a clip's sound decoded, cut to the sample, faded and re-encoded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   AAC frames ─► appsrc ─► avdec_aac ─► F32 interleaved ─► appsink     (one per span)
 *                    samples cut to the span, faded, here
 *   F32 ─► appsrc ─► avenc_aac ─► appsink                               (one for the clip)
 *
 * Only fades need this; otherwise the recording's AAC frames are copied as they are.
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <string.h>

#include "tribuna-clip-audio.h"
#include "tribuna-clip-private.h"
#include "tribuna-elements.h"

#define STEP_NS (100 * GST_MSECOND)
#define STALL_US (60 * G_USEC_PER_SEC)
/* AAC decodes a frame with its predecessor's overlap: start decoding this much early */
#define PREROLL_NS (100 * GST_MSECOND)
#define CHUNK_FRAMES 4096
#define BITRATE 128000
/* avenc_aac, like every AAC encoder, starts with one frame of priming and does not say so:
 * the frames after it move back by that much, and it becomes the writer's pre-roll (decoded,
 * not played), or re-encoded sound would run this much behind the picture. */
#define PRIMING_FRAMES 1024

typedef struct {
  GstElement   *pipeline;
  GstAppSrc    *source;
  GstAppSink   *sink;
  GstCaps      *output_caps;
  gboolean      done;
} Pipe;

typedef struct {
  GCancellable *cancellable;
  int           rate;
  int           channels;
  gint64        fade_in;
  gint64        fade_out;
  gint64        duration;
  Pipe          encoder;
  guint64       written;        /* frames (samples per channel) sent to the encoder */
  guint         encoded;        /* AAC frames out of the encoder */
  float        *chunk;
  guint         chunk_frames;
  GQueue       *frames;
} Render;

static void
pipe_clear (Pipe *pipe)
{
  if (pipe->pipeline != NULL
      && gst_element_set_state (pipe->pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("an audio pipeline of the clip did not stop cleanly");
  gst_clear_object (&pipe->pipeline);
  gst_clear_object (&pipe->source);
  gst_clear_object (&pipe->sink);
  gst_clear_caps (&pipe->output_caps);
  pipe->done = FALSE;
}

static gboolean
pipe_error (Pipe    *pipe,
            GError **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipe->pipeline);
  GstMessage *message;
  gboolean failed = FALSE;

  while ((message = gst_bus_pop (bus)) != NULL)
    {
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR && !failed)
        {
          g_autoptr(GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                       "re-encoding the clip's sound failed: %s", gst_error->message);
          failed = TRUE;
        }
      gst_message_unref (message);
    }

  return failed;
}

static gboolean
pipe_start (Pipe        *pipe,
            GstCaps     *input_caps,
            GstElement  *middle,
            GstCaps     *output_caps,
            GError     **error)
{
  GstElement *source = gst_element_factory_make ("appsrc", NULL);
  GstElement *convert = gst_element_factory_make ("audioconvert", NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstElement *sink = gst_element_factory_make ("appsink", NULL);

  g_object_set (source, "format", GST_FORMAT_TIME, "caps", input_caps, "block", TRUE,
                "max-bytes", (guint64) 2 * 1024 * 1024, NULL);
  g_object_set (filter, "caps", output_caps, NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", 0, "enable-last-sample", FALSE, NULL);

  pipe->pipeline = gst_object_ref_sink (gst_pipeline_new ("clip-audio"));
  gst_bin_add_many (GST_BIN (pipe->pipeline), source, convert, middle, filter, sink, NULL);
  /* decoding: appsrc ! avdec_aac ! audioconvert ! F32; encoding: appsrc ! audioconvert !
   * avenc_aac ! AAC; the caps tell which way round */
  if (gst_structure_has_name (gst_caps_get_structure (input_caps, 0), "audio/x-raw")
      ? !gst_element_link_many (source, convert, middle, filter, sink, NULL)
      : !gst_element_link_many (source, middle, convert, filter, sink, NULL))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "cannot build the clip's sound pipeline");
      return FALSE;
    }

  pipe->source = GST_APP_SRC (gst_object_ref (source));
  pipe->sink = GST_APP_SINK (gst_object_ref (sink));
  if (gst_element_set_state (pipe->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!pipe_error (pipe, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                     "the clip's sound pipeline cannot start");
      return FALSE;
    }

  return TRUE;
}

static gboolean
pipe_push (Pipe       *pipe,
           GstBuffer  *buffer,
           GError    **error)
{
  GstFlowReturn ret = gst_app_src_push_buffer (pipe->source, buffer);

  if (ret == GST_FLOW_OK)
    return !pipe_error (pipe, error);

  if (!pipe_error (pipe, error))
    g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                 "re-encoding the clip's sound failed (%s)", gst_flow_get_name (ret));
  return FALSE;
}

/* *buffer NULL: nothing ready (without @wait) or the end. */
static gboolean
pipe_pop (Pipe          *pipe,
          gboolean       wait,
          GstBuffer    **buffer,
          GCancellable  *cancellable,
          GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + STALL_US;

  *buffer = NULL;
  while (!pipe->done)
    {
      g_autoptr(GstSample) sample = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) || pipe_error (pipe, error))
        return FALSE;

      sample = gst_app_sink_try_pull_sample (pipe->sink, wait ? STEP_NS : 0);
      if (sample != NULL)
        {
          if (pipe->output_caps == NULL && gst_sample_get_caps (sample) != NULL)
            pipe->output_caps = gst_caps_ref (gst_sample_get_caps (sample));
          *buffer = gst_buffer_ref (gst_sample_get_buffer (sample));
          return TRUE;
        }
      if (gst_app_sink_is_eos (pipe->sink))
        pipe->done = TRUE;
      else if (!wait)
        return TRUE;
      else if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                       "re-encoding the clip's sound stalled");
          return FALSE;
        }
    }

  return TRUE;
}

/* @ns as a whole number of frames at @rate, rounded to the nearest (libm-free) */
static gint64
to_frames (gint64 ns,
           int    rate)
{
  guint64 frames = gst_util_uint64_scale_int_round ((guint64) ABS (ns), rate, GST_SECOND);

  return ns < 0 ? -(gint64) frames : (gint64) frames;
}

/* Encoding side */

static gboolean
collect_encoded (Render    *render,
                 gboolean   wait,
                 GError   **error)
{
  for (;;)
    {
      GstBuffer *frame = NULL;

      if (!pipe_pop (&render->encoder, wait, &frame, render->cancellable, error))
        return FALSE;
      if (frame == NULL)
        return TRUE;

      frame = gst_buffer_make_writable (frame);
      if (render->encoded++ == 0)
        {
          /* the priming frame: kept to be decoded, not played (the writer's pre-roll) */
          GST_BUFFER_FLAG_SET (frame, GST_BUFFER_FLAG_DECODE_ONLY);
          GST_BUFFER_PTS (frame) = 0;
        }
      else
        GST_BUFFER_PTS (frame) -= gst_util_uint64_scale_int (PRIMING_FRAMES, GST_SECOND,
                                                             render->rate);
      GST_BUFFER_DTS (frame) = GST_BUFFER_PTS (frame);
      g_queue_push_tail (render->frames, frame);
    }
}

static double
gain_at (Render *render,
         gint64  t)
{
  double gain = 1.0;

  if (render->fade_in > 0 && t < render->fade_in)
    gain = MIN (gain, MAX (t, 0) / (double) render->fade_in);
  if (render->fade_out > 0 && t > render->duration - render->fade_out)
    gain = MIN (gain, MAX (render->duration - t, 0) / (double) render->fade_out);
  return CLAMP (gain, 0.0, 1.0);
}

static gboolean
flush_chunk (Render  *render,
             GError **error)
{
  gsize bytes = (gsize) render->chunk_frames * render->channels * sizeof (float);
  guint64 first = render->written - render->chunk_frames;
  GstBuffer *buffer;

  if (render->chunk_frames == 0)
    return TRUE;

  for (guint i = 0; i < render->chunk_frames; i++)
    {
      double gain = gain_at (render, gst_util_uint64_scale_int (first + i, GST_SECOND,
                                                                render->rate));

      if (gain < 1.0)
        for (int c = 0; c < render->channels; c++)
          render->chunk[i * render->channels + c] *= (float) gain;
    }

  buffer = gst_buffer_new_memdup (render->chunk, bytes);
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale_int (first, GST_SECOND, render->rate);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale_int (render->chunk_frames, GST_SECOND,
                                                            render->rate);
  render->chunk_frames = 0;

  return pipe_push (&render->encoder, buffer, error) && collect_encoded (render, FALSE, error);
}

static gboolean
emit_frames (Render       *render,
             const float  *samples,
             guint         n_frames,
             GError      **error)
{
  while (n_frames > 0)
    {
      guint take = MIN (n_frames, CHUNK_FRAMES - render->chunk_frames);

      if (samples != NULL)
        memcpy (render->chunk + (gsize) render->chunk_frames * render->channels, samples,
                (gsize) take * render->channels * sizeof (float));
      else
        memset (render->chunk + (gsize) render->chunk_frames * render->channels, 0,
                (gsize) take * render->channels * sizeof (float));
      render->chunk_frames += take;
      render->written += take;
      n_frames -= take;
      if (samples != NULL)
        samples += (gsize) take * render->channels;
      if (render->chunk_frames == CHUNK_FRAMES && !flush_chunk (render, error))
        return FALSE;
    }

  return TRUE;
}

/* Decoding side: keeps the samples of [span start, span end), each exactly once */

typedef struct {
  guint64 wanted;    /* frames in the span */
  guint64 taken;     /* frames of it emitted */
} SpanCut;

/* @buffer: decoded samples; the decoder's time is span time + PREROLL_NS. */
static gboolean
take_decoded (Render     *render,
              SpanCut    *cut,
              GstBuffer  *buffer,
              GError    **error)
{
  GstMapInfo map;
  guint n = 0;
  gint64 first;
  gboolean ok = TRUE;

  if (!GST_BUFFER_PTS_IS_VALID (buffer) || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return TRUE;

  n = map.size / (sizeof (float) * render->channels);
  /* the buffer's first sample, counted from the span's start */
  first = to_frames ((gint64) GST_BUFFER_PTS (buffer) - PREROLL_NS, render->rate);

  if (first > (gint64) cut->taken && cut->taken < cut->wanted)
    {
      /* a hole in the recording's sound: silence, so picture and sound stay together */
      guint64 gap = MIN ((guint64) first, cut->wanted) - cut->taken;

      ok = emit_frames (render, NULL, gap, error);
      cut->taken += gap;
    }

  if (ok)
    {
      gint64 skip = MAX ((gint64) cut->taken - first, 0);
      gint64 available = MAX ((gint64) n - skip, 0);
      gint64 take = MIN (available, (gint64) (cut->wanted - cut->taken));

      if (take > 0)
        {
          ok = emit_frames (render, (const float *) map.data + skip * render->channels,
                            (guint) take, error);
          cut->taken += take;
        }
    }

  gst_buffer_unmap (buffer, &map);
  return ok;
}

static gboolean
decode_span (Render                     *render,
             TribunaClipReader          *reader,
             GstCaps                    *aac_caps,
             const TribunaClipAudioSpan *span,
             GError                    **error)
{
  g_autoptr(GstCaps) raw = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
                                                "layout", G_TYPE_STRING, "interleaved",
                                                "rate", G_TYPE_INT, render->rate,
                                                "channels", G_TYPE_INT, render->channels, NULL);
  Pipe decoder = { 0, };
  SpanCut cut = { 0, 0 };
  GstElement *avdec;
  gboolean ok = FALSE;

  cut.wanted = (guint64) MAX (to_frames (span->end - span->start, render->rate), 0);

  avdec = tribuna_make_element ("avdec_aac", NULL, error);
  if (avdec == NULL || !pipe_start (&decoder, aac_caps, avdec, raw, error))
    goto out;
  if (!tribuna_clip_reader_seek (reader, span->start - PREROLL_NS, error))
    goto out;

  for (;;)
    {
      g_autoptr(TribunaClipUnit) unit = tribuna_clip_reader_next (reader, error);
      GstBuffer *input, *decoded = NULL;

      if (unit == NULL)
        {
          if (error != NULL && *error != NULL)
            goto out;
          break;
        }
      if (unit->is_video || unit->pts < span->start - PREROLL_NS)
        continue;
      if (unit->pts >= span->end)
        break;

      input = gst_buffer_copy (unit->buffer);
      GST_BUFFER_PTS (input) = (GstClockTime) (unit->pts - span->start + PREROLL_NS);
      GST_BUFFER_DTS (input) = GST_BUFFER_PTS (input);
      if (!pipe_push (&decoder, input, error))
        goto out;

      do
        {
          if (!pipe_pop (&decoder, FALSE, &decoded, render->cancellable, error))
            goto out;
          if (decoded != NULL)
            {
              ok = take_decoded (render, &cut, decoded, error);
              gst_buffer_unref (decoded);
              if (!ok)
                goto out;
            }
        }
      while (decoded != NULL);
    }

  gst_app_src_end_of_stream (decoder.source);
  for (;;)
    {
      GstBuffer *decoded = NULL;

      if (!pipe_pop (&decoder, TRUE, &decoded, render->cancellable, error))
        goto out;
      if (decoded == NULL)
        break;
      ok = take_decoded (render, &cut, decoded, error);
      gst_buffer_unref (decoded);
      if (!ok)
        goto out;
    }

  /* the recording's sound ended early: silence to the end of the picture */
  ok = cut.taken >= cut.wanted || emit_frames (render, NULL, cut.wanted - cut.taken, error);

out:
  pipe_clear (&decoder);
  return ok;
}

gboolean
tribuna_clip_render_audio (TribunaClipReader  *reader,
                           GstCaps            *aac_caps,
                           GArray             *spans,
                           gint64              fade_in,
                           gint64              fade_out,
                           gint64              duration,
                           GQueue             *frames,
                           GstCaps           **frames_caps,
                           GCancellable       *cancellable,
                           GError            **error)
{
  GstStructure *structure = gst_caps_get_structure (aac_caps, 0);
  g_autoptr(GstCaps) raw = NULL;
  g_autoptr(GstCaps) aac = NULL;
  Render render = { 0, };
  GstElement *avenc;
  gboolean ok = FALSE;

  render.cancellable = cancellable;
  render.fade_in = fade_in;
  render.fade_out = fade_out;
  render.duration = duration;
  render.frames = frames;
  if (!gst_structure_get_int (structure, "rate", &render.rate) || render.rate <= 0)
    render.rate = 48000;
  if (!gst_structure_get_int (structure, "channels", &render.channels) || render.channels <= 0)
    render.channels = 2;
  render.chunk = g_new (float, (gsize) CHUNK_FRAMES * render.channels);

  raw = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
                             "layout", G_TYPE_STRING, "interleaved",
                             "rate", G_TYPE_INT, render.rate,
                             "channels", G_TYPE_INT, render.channels, NULL);
  aac = gst_caps_new_simple ("audio/mpeg", "mpegversion", G_TYPE_INT, 4,
                             "stream-format", G_TYPE_STRING, "raw", NULL);

  {
    static const char * const encoders[] = { "avenc_aac", "voaacenc", NULL };

    avenc = tribuna_make_first_element (encoders, NULL, error);
  }
  if (avenc == NULL)
    goto out;
  g_object_set (avenc, "bitrate", BITRATE, NULL);
  if (!pipe_start (&render.encoder, raw, avenc, aac, error))
    goto out;

  for (guint i = 0; i < spans->len; i++)
    if (!decode_span (&render, reader, aac_caps,
                      &g_array_index (spans, TribunaClipAudioSpan, i), error))
      goto out;

  if (!flush_chunk (&render, error))
    goto out;
  gst_app_src_end_of_stream (render.encoder.source);
  if (!collect_encoded (&render, TRUE, error))
    goto out;

  if (render.encoder.output_caps == NULL || g_queue_is_empty (frames))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "re-encoding the clip's sound gave nothing");
      goto out;
    }
  *frames_caps = gst_caps_ref (render.encoder.output_caps);
  ok = TRUE;

out:
  pipe_clear (&render.encoder);
  g_free (render.chunk);
  if (!ok)
    g_queue_clear_full (frames, (GDestroyNotify) gst_buffer_unref);
  return ok;
}
