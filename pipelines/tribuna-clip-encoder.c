/* tribuna-clip-encoder.c: re-encoding a stretch of recorded H.264, with the clip's looks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   appsrc (AVC) ─► avdec_h264 ─► videoconvert ─► [videocrop] ─► videoscale ─► I420 WxH
 *     ─► [textoverlay] ─► x264enc ─► AVC ─► appsink
 *
 * Timestamps inside run OFFSET ahead of the clip's timeline, so the frames decoded only to
 * reach the first kept one (the rest of its GOP) stay positive; a probe behind the decoder
 * drops them. Fades darken the raw frames in a probe in front of x264enc.
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "tribuna-clip-encoder.h"
#include "tribuna-clip-private.h"
#include "tribuna-elements.h"

#define OFFSET ((gint64) 1000 * GST_SECOND)
#define PULL_STEP_NS (100 * GST_MSECOND)
#define STALL_TIMEOUT_US (120 * G_USEC_PER_SEC)

struct _TribunaClipEncoder
{
  TribunaClipVideoSettings  settings;   /* its strings point to the copies below */
  char                     *title;
  char                     *speed_preset;
  char                     *profile;
  GCancellable             *cancellable;
  GstElement               *pipeline;
  GstAppSrc                *source;
  GstAppSink               *sink;
  GstElement               *overlay;
  GstCaps                  *input_caps;
  GstCaps                  *output_caps;
  gint64                    keep_from;      /* internal time */
  gboolean                  title_off;      /* set from the streaming thread */
  gboolean                  done;
};

void
tribuna_clip_encoder_free (TribunaClipEncoder *self)
{
  if (self == NULL)
    return;

  if (self->pipeline != NULL
      && gst_element_set_state (self->pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the clip encoder did not stop cleanly");
  gst_clear_object (&self->pipeline);
  gst_clear_object (&self->source);
  gst_clear_object (&self->sink);
  gst_clear_object (&self->overlay);
  gst_clear_caps (&self->input_caps);
  gst_clear_caps (&self->output_caps);
  g_clear_object (&self->cancellable);
  g_free (self->title);
  g_free (self->speed_preset);
  g_free (self->profile);
  g_free (self);
}

/* Probes, in the streaming threads */

static GstPadProbeReturn
keep_probe (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         user_data)
{
  TribunaClipEncoder *self = user_data;
  GstBuffer *buffer = gst_pad_probe_info_get_buffer (info);

  if (GST_BUFFER_PTS_IS_VALID (buffer) && (gint64) GST_BUFFER_PTS (buffer) < self->keep_from)
    return GST_PAD_PROBE_DROP;

  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
title_probe (GstPad          *pad,
             GstPadProbeInfo *info,
             gpointer         user_data)
{
  TribunaClipEncoder *self = user_data;
  GstBuffer *buffer = gst_pad_probe_info_get_buffer (info);
  gint64 t = (gint64) GST_BUFFER_PTS (buffer) - OFFSET;

  if (!self->title_off && t >= self->settings.title_end)
    {
      self->title_off = TRUE;
      g_object_set (self->overlay, "silent", TRUE, NULL);
    }

  return GST_PAD_PROBE_OK;
}

static double
fade_level (TribunaClipEncoder *self,
            gint64              t)
{
  const TribunaClipVideoSettings *s = &self->settings;
  double level = 1.0;

  if (s->fade_in_end > 0 && t < s->fade_in_end)
    level = MIN (level, MAX (t, 0) / (double) s->fade_in_end);
  if (s->fade_out_end > s->fade_out_start && t >= s->fade_out_start)
    level = MIN (level, MAX (s->fade_out_end - t, 0)
                        / (double) (s->fade_out_end - s->fade_out_start));

  return CLAMP (level, 0.0, 1.0);
}

/* Towards black in limited-range YUV: luma to 16, chroma to 128. */
static void
darken_plane (GstVideoFrame *frame,
              guint          plane,
              int            level_256,
              int            target)
{
  guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, plane);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, plane);
  int width = GST_VIDEO_FRAME_COMP_WIDTH (frame, plane);
  int height = GST_VIDEO_FRAME_COMP_HEIGHT (frame, plane);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = data + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        row[x] = (guint8) CLAMP (target + (((int) row[x] - target) * level_256) / 256, 0, 255);
    }
}

static GstPadProbeReturn
fade_probe (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         user_data)
{
  TribunaClipEncoder *self = user_data;
  GstBuffer *buffer = gst_pad_probe_info_get_buffer (info);
  double level = fade_level (self, (gint64) GST_BUFFER_PTS (buffer) - OFFSET);
  g_autoptr(GstCaps) caps = NULL;
  GstVideoInfo video_info;
  GstVideoFrame frame;

  if (level >= 1.0)
    return GST_PAD_PROBE_OK;

  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL || !gst_video_info_from_caps (&video_info, caps))
    return GST_PAD_PROBE_OK;

  buffer = gst_buffer_make_writable (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  if (!gst_video_frame_map (&frame, &video_info, buffer, GST_MAP_READWRITE))
    return GST_PAD_PROBE_OK;

  darken_plane (&frame, 0, (int) (level * 256), 16);
  darken_plane (&frame, 1, (int) (level * 256), 128);
  darken_plane (&frame, 2, (int) (level * 256), 128);
  gst_video_frame_unmap (&frame);

  return GST_PAD_PROBE_OK;
}

/* Building */

static GstElement *
make_x264 (const TribunaClipVideoSettings  *settings,
           GError                         **error)
{
  GstElement *encoder = tribuna_make_element ("x264enc", NULL, error);
  g_autoptr(GString) options = g_string_new (NULL);

  if (encoder == NULL)
    return NULL;

  gst_util_set_object_arg (G_OBJECT (encoder), "speed-preset",
                           settings->speed_preset != NULL ? settings->speed_preset : "veryfast");
  gst_util_set_object_arg (G_OBJECT (encoder), "pass", "qual");
  /* No B-frames: decode order is display order, like the recording's, so re-encoded and
   * copied frames follow each other without reordering delays changing mid-stream. */
  g_object_set (encoder, "quantizer", settings->quantizer, "bframes", 0,
                "key-int-max", MAX (settings->keyint, 1), NULL);

  if (settings->sps_id > 0)
    g_string_append_printf (options, "sps-id=%d", settings->sps_id);
  if (settings->level_idc > 0)
    g_string_append_printf (options, "%slevel=%u.%u", options->len > 0 ? ":" : "",
                            settings->level_idc / 10, settings->level_idc % 10);
  if (options->len > 0)
    g_object_set (encoder, "option-string", options->str, NULL);

  return encoder;
}

static GstElement *
make_filter (GstCaps *caps)
{
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);

  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  return filter;
}

static GstElement *
make_overlay (TribunaClipEncoder *self)
{
  GstElement *overlay = gst_element_factory_make ("textoverlay", NULL);
  g_autofree char *font = NULL;
  /* textoverlay reads Pango markup: "Buxheti & KAB" would show nothing at all */
  g_autofree char *text = g_markup_escape_text (self->title, -1);

  if (overlay == NULL)
    return NULL;

  /* Pango points at 96 dpi: lines about a twentieth of the picture's height, legible on a
   * phone without covering the speaker. */
  font = g_strdup_printf ("Sans Bold %u", MAX (self->settings.height / 30, 10));
  g_object_set (overlay, "text", text, "font-desc", font, "shaded-background", TRUE,
                "wrap-mode", 2 /* word-char */, NULL);
  gst_util_set_object_arg (G_OBJECT (overlay), "valignment", "bottom");
  gst_util_set_object_arg (G_OBJECT (overlay), "halignment", "center");
  gst_util_set_object_arg (G_OBJECT (overlay), "line-alignment", "center");
  g_object_set (overlay, "ypad", (int) self->settings.height / 12, NULL);
  return overlay;
}

static gboolean
build (TribunaClipEncoder  *self,
       GError             **error)
{
  const TribunaClipVideoSettings *s = &self->settings;
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  g_autoptr(GstPad) decoded = NULL;
  g_autoptr(GstPad) to_encoder = NULL;
  GstElement *decoder, *encoder, *source, *sink;
  GstCaps *output_caps;

  decoder = tribuna_make_element ("avdec_h264", NULL, error);
  if (decoder == NULL)
    return FALSE;
  encoder = make_x264 (s, error);
  if (encoder == NULL)
    {
      gst_object_unref (gst_object_ref_sink (decoder));
      return FALSE;
    }

  source = gst_element_factory_make ("appsrc", NULL);
  g_object_set (source, "format", GST_FORMAT_TIME, "caps", self->input_caps, "block", TRUE,
                "max-bytes", (guint64) 4 * 1024 * 1024, NULL);
  g_ptr_array_add (chain, source);
  g_ptr_array_add (chain, decoder);
  g_ptr_array_add (chain, gst_element_factory_make ("videoconvert", NULL));
  if (s->crop_width > 0)
    {
      GstElement *crop = gst_element_factory_make ("videocrop", NULL);
      int full_width = 0, full_height = 0;
      GstStructure *structure = gst_caps_get_structure (self->input_caps, 0);

      gst_structure_get_int (structure, "width", &full_width);
      gst_structure_get_int (structure, "height", &full_height);
      g_object_set (crop, "left", (int) s->crop_x, "top", (int) s->crop_y,
                    "right", MAX (full_width - (int) (s->crop_x + s->crop_width), 0),
                    "bottom", MAX (full_height - (int) (s->crop_y + s->crop_height), 0), NULL);
      g_ptr_array_add (chain, crop);
    }
  g_ptr_array_add (chain, gst_element_factory_make ("videoscale", NULL));
  g_ptr_array_add (chain, make_filter (gst_caps_new_simple ("video/x-raw",
                                                            "format", G_TYPE_STRING, "I420",
                                                            "width", G_TYPE_INT, (int) s->width,
                                                            "height", G_TYPE_INT, (int) s->height,
                                                            "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                                            NULL)));
  if (self->title != NULL)
    {
      self->overlay = make_overlay (self);
      if (self->overlay == NULL)
        g_warning ("textoverlay is not installed (gstreamer1.0-plugins-base): no title card");
      else
        g_ptr_array_add (chain, gst_object_ref (self->overlay));
    }
  g_ptr_array_add (chain, encoder);
  output_caps = gst_caps_new_simple ("video/x-h264", "stream-format", G_TYPE_STRING, "avc",
                                     "alignment", G_TYPE_STRING, "au", NULL);
  if (s->profile != NULL)
    gst_caps_set_simple (output_caps, "profile", G_TYPE_STRING, s->profile, NULL);
  g_ptr_array_add (chain, make_filter (output_caps));
  sink = gst_element_factory_make ("appsink", NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", 0, "enable-last-sample", FALSE, NULL);
  g_ptr_array_add (chain, sink);

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("clip-encoder"));
  for (guint i = 0; i < chain->len; i++)
    gst_bin_add (GST_BIN (self->pipeline), g_ptr_array_index (chain, i));
  for (guint i = 0; i + 1 < chain->len; i++)
    if (!gst_element_link (g_ptr_array_index (chain, i), g_ptr_array_index (chain, i + 1)))
      {
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                     "cannot build the re-encoder (%s to %s)",
                     GST_OBJECT_NAME (g_ptr_array_index (chain, i)),
                     GST_OBJECT_NAME (g_ptr_array_index (chain, i + 1)));
        return FALSE;
      }

  self->source = GST_APP_SRC (gst_object_ref (source));
  self->sink = GST_APP_SINK (gst_object_ref (sink));

  decoded = gst_element_get_static_pad (decoder, "src");
  gst_pad_add_probe (decoded, GST_PAD_PROBE_TYPE_BUFFER, keep_probe, self, NULL);
  to_encoder = gst_element_get_static_pad (encoder, "sink");
  gst_pad_add_probe (to_encoder, GST_PAD_PROBE_TYPE_BUFFER, fade_probe, self, NULL);
  if (self->overlay != NULL)
    {
      g_autoptr(GstPad) overlay_sink = gst_element_get_static_pad (self->overlay, "video_sink");

      gst_pad_add_probe (overlay_sink, GST_PAD_PROBE_TYPE_BUFFER, title_probe, self, NULL);
    }

  return TRUE;
}

static gboolean
bus_error (TribunaClipEncoder  *self,
           GError             **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);
  GstMessage *message;
  gboolean failed = FALSE;

  while ((message = gst_bus_pop (bus)) != NULL)
    {
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR && !failed)
        {
          g_autoptr(GError) gst_error = NULL;
          g_autofree char *debug = NULL;

          gst_message_parse_error (message, &gst_error, &debug);
          g_debug ("re-encoding: %s", debug);
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                       "re-encoding the clip failed: %s", gst_error->message);
          failed = TRUE;
        }
      gst_message_unref (message);
    }

  return failed;
}

TribunaClipEncoder *
tribuna_clip_encoder_new (GstCaps                         *input_caps,
                          const TribunaClipVideoSettings  *settings,
                          gint64                           keep_from,
                          GCancellable                    *cancellable,
                          GError                         **error)
{
  g_autoptr(TribunaClipEncoder) self = g_new0 (TribunaClipEncoder, 1);

  self->settings = *settings;
  self->title = g_strdup (settings->title);
  self->speed_preset = g_strdup (settings->speed_preset);
  self->profile = g_strdup (settings->profile);
  self->settings.title = self->title;
  self->settings.speed_preset = self->speed_preset;
  self->settings.profile = self->profile;
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->input_caps = gst_caps_ref (input_caps);
  self->keep_from = keep_from + OFFSET;

  if (!build (self, error))
    return NULL;

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!bus_error (self, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                     "the re-encoder cannot start");
      return NULL;
    }

  return g_steal_pointer (&self);
}

gboolean
tribuna_clip_encoder_push (TribunaClipEncoder  *self,
                           GstBuffer           *au,
                           GstCaps             *caps,
                           gint64               pts,
                           gint64               duration,
                           GError             **error)
{
  GstBuffer *input;
  GstFlowReturn ret;

  if (bus_error (self, error))
    return FALSE;

  /* a segment from another recording run may bring new parameter sets */
  if (caps != NULL && !gst_caps_is_equal (caps, self->input_caps))
    {
      gst_caps_replace (&self->input_caps, caps);
      gst_app_src_set_caps (self->source, caps);
    }

  input = gst_buffer_copy (au);
  GST_BUFFER_PTS (input) = (GstClockTime) (pts + OFFSET);
  GST_BUFFER_DTS (input) = (GstClockTime) (pts + OFFSET);
  GST_BUFFER_DURATION (input) = duration > 0 ? (GstClockTime) duration : GST_CLOCK_TIME_NONE;

  ret = gst_app_src_push_buffer (self->source, input);
  if (ret != GST_FLOW_OK)
    {
      if (!bus_error (self, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                     "re-encoding the clip failed (%s)", gst_flow_get_name (ret));
      return FALSE;
    }

  return TRUE;
}

gboolean
tribuna_clip_encoder_finish (TribunaClipEncoder  *self,
                             GError             **error)
{
  if (bus_error (self, error))
    return FALSE;

  gst_app_src_end_of_stream (self->source);
  return TRUE;
}

gboolean
tribuna_clip_encoder_pop (TribunaClipEncoder  *self,
                          gboolean             wait,
                          GstBuffer          **au,
                          GError             **error)
{
  gint64 deadline = g_get_monotonic_time () + STALL_TIMEOUT_US;
  g_autoptr(GstSample) sample = NULL;
  GstBuffer *buffer;

  *au = NULL;
  while (sample == NULL && !self->done)
    {
      if (g_cancellable_set_error_if_cancelled (self->cancellable, error)
          || bus_error (self, error))
        return FALSE;

      sample = gst_app_sink_try_pull_sample (self->sink, wait ? PULL_STEP_NS : 0);
      if (sample != NULL)
        break;
      if (gst_app_sink_is_eos (self->sink))
        self->done = TRUE;
      else if (!wait)
        return TRUE;
      else if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                       "re-encoding the clip stalled");
          return FALSE;
        }
    }

  if (sample == NULL)
    return TRUE;

  if (self->output_caps == NULL && gst_sample_get_caps (sample) != NULL)
    self->output_caps = gst_caps_ref (gst_sample_get_caps (sample));

  buffer = gst_buffer_copy (gst_sample_get_buffer (sample));
  /* x264enc asks its base class for PTS above 1000 hours (room for B-frames' DTS) and the
   * base class shifts the stream there, with a segment that says so: running time is what
   * went in. */
  GST_BUFFER_PTS (buffer) = gst_segment_to_running_time (gst_sample_get_segment (sample),
                                                         GST_FORMAT_TIME, GST_BUFFER_PTS (buffer))
                            - OFFSET;
  /* Without B-frames decode order is display order. x264enc still puts DTS a few frames
   * early (its own delay), which would run back into the frames copied before. */
  GST_BUFFER_DTS (buffer) = GST_BUFFER_PTS (buffer);
  *au = buffer;
  return TRUE;
}

GstCaps *
tribuna_clip_encoder_get_caps (TribunaClipEncoder *self)
{
  return self->output_caps;
}

gboolean
tribuna_clip_encoder_is_done (TribunaClipEncoder *self)
{
  return self->done;
}
