/* tribuna-private-encode.c: the slate's own cheap encode, for the public outputs while private
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   appsrc (slate) ─► imagefreeze (live) ─► queue ─► x264enc ─► h264parse ─► appsink ─┐
 *   audiotestsrc (silence, live) ─► convert ─► AAC ─────────────► aacparse ─► appsink ─┴─► func
 *
 * A bin added to the program's pipeline only while a private part lasts, so it
 * runs on the program's clock and running time, and costs nothing otherwise: a
 * still picture encodes to almost nothing, and only for that time.
 */
#define G_LOG_DOMAIN "tribuna-private-encode"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "tribuna-private-encode.h"

struct _TribunaPrivateEncode
{
  GObject                   parent_instance;

  GstElement               *bin;
  GstElement               *pipeline;    /* not owned; set while added */
  GstElement               *slate_src;
  GstBuffer                *slate;
  TribunaPrivateEncodeFunc  func;
  gpointer                  user_data;
};

G_DEFINE_FINAL_TYPE (TribunaPrivateEncode, tribuna_private_encode, G_TYPE_OBJECT)

static GstFlowReturn
on_new_sample (GstAppSink *appsink,
               gpointer    user_data)
{
  TribunaPrivateEncode *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  self->func (sample, g_str_equal (GST_OBJECT_NAME (appsink), "private-video-sink"),
              self->user_data);
  return GST_FLOW_OK;
}

static GstElement *
make_sink (TribunaPrivateEncode *self,
           const char           *name)
{
  GstElement *sink = gst_element_factory_make ("appsink", name);
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };

  g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  return sink;
}

static GstElement *
make_filter (GstCaps *caps)
{
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);

  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  return filter;
}

static void
build_video (TribunaPrivateEncode *self,
             GstCaps              *video_caps,
             GstElement           *encoder)
{
  GstBin *bin = GST_BIN (self->bin);
  GstElement *freeze = gst_element_factory_make ("imagefreeze", NULL);
  GstElement *queue = gst_element_factory_make ("queue", NULL);
  /* imagefreeze would choose 25 fps; the stream keeps the program's rate, and so
   * its keyframe interval in seconds. */
  GstElement *rate = make_filter (gst_caps_ref (video_caps));
  GstElement *parse = gst_element_factory_make ("h264parse", NULL);
  GstElement *filter = make_filter (gst_caps_new_simple ("video/x-h264",
                                                         "stream-format", G_TYPE_STRING, "avc",
                                                         "alignment", G_TYPE_STRING, "au", NULL));
  GstElement *sink = make_sink (self, "private-video-sink");

  self->slate_src = gst_element_factory_make ("appsrc", NULL);
  g_object_set (self->slate_src, "caps", video_caps, "format", GST_FORMAT_TIME, "is-live", TRUE,
                NULL);
  g_object_set (freeze, "is-live", TRUE, NULL);
  gst_bin_add_many (bin, self->slate_src, freeze, rate, queue, encoder, parse, filter, sink,
                    NULL);
  gst_element_link_many (self->slate_src, freeze, rate, queue, encoder, parse, filter, sink, NULL);
}

static void
build_audio (TribunaPrivateEncode *self,
             GstElement           *encoder)
{
  GstBin *bin = GST_BIN (self->bin);
  GstElement *silence = gst_element_factory_make ("audiotestsrc", NULL);
  GstElement *convert = gst_element_factory_make ("audioconvert", NULL);
  GstElement *filter = make_filter (gst_caps_new_simple ("audio/x-raw",
                                                         "rate", G_TYPE_INT, 48000,
                                                         "channels", G_TYPE_INT, 2, NULL));
  GstElement *parse = gst_element_factory_make ("aacparse", NULL);
  GstElement *sink = make_sink (self, "private-audio-sink");

  g_object_set (silence, "wave", 4 /* silence */, "is-live", TRUE, "samplesperbuffer", 1024,
                NULL);
  gst_bin_add_many (bin, silence, convert, filter, encoder, parse, sink, NULL);
  gst_element_link_many (silence, convert, filter, encoder, parse, sink, NULL);
}

void
tribuna_private_encode_add (TribunaPrivateEncode *self,
                            GstElement           *pipeline)
{
  g_autoptr(GstClock) clock = NULL;
  GstBuffer *slate;

  g_return_if_fail (TRIBUNA_IS_PRIVATE_ENCODE (self));
  g_return_if_fail (self->pipeline == NULL);

  self->pipeline = pipeline;
  gst_bin_add (GST_BIN (pipeline), gst_object_ref (self->bin));
  gst_element_sync_state_with_parent (self->bin);

  /* One frame, stamped now: imagefreeze repeats it live. */
  clock = gst_element_get_clock (pipeline);
  slate = gst_buffer_copy (self->slate);
  if (clock != NULL)
    GST_BUFFER_PTS (slate) = gst_clock_get_time (clock) - gst_element_get_base_time (pipeline);
  gst_app_src_push_buffer (GST_APP_SRC (self->slate_src), slate);
}

void
tribuna_private_encode_remove (TribunaPrivateEncode *self)
{
  g_return_if_fail (TRIBUNA_IS_PRIVATE_ENCODE (self));

  if (self->pipeline == NULL)
    return;

  gst_element_set_locked_state (self->bin, TRUE);
  gst_element_set_state (self->bin, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (self->pipeline), self->bin);
  self->pipeline = NULL;
}

static void
tribuna_private_encode_finalize (GObject *object)
{
  TribunaPrivateEncode *self = (TribunaPrivateEncode *) object;

  tribuna_private_encode_remove (self);
  gst_clear_object (&self->bin);
  gst_clear_buffer (&self->slate);

  G_OBJECT_CLASS (tribuna_private_encode_parent_class)->finalize (object);
}

static void
tribuna_private_encode_class_init (TribunaPrivateEncodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tribuna_private_encode_finalize;
}

static void
tribuna_private_encode_init (TribunaPrivateEncode *self)
{
}

TribunaPrivateEncode *
tribuna_private_encode_new (GstBuffer                *slate,
                            GstCaps                  *video_caps,
                            GstElement               *video_encoder,
                            GstElement               *audio_encoder,
                            TribunaPrivateEncodeFunc  func,
                            gpointer                  user_data)
{
  TribunaPrivateEncode *self = g_object_new (TRIBUNA_TYPE_PRIVATE_ENCODE, NULL);

  self->slate = gst_buffer_ref (slate);
  self->func = func;
  self->user_data = user_data;
  self->bin = gst_object_ref_sink (gst_bin_new ("private-encode"));
  build_video (self, video_caps, video_encoder);
  build_audio (self, audio_encoder);
  return self;
}
