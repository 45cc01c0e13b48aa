/* tribuna-source-pipeline.c: one source in a pipeline of its own, handing frames to the program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   source ─► decode ─► convert/scale/rate to the program's size ─► tee ─► appsink ─► program appsrc
 *                                                                    └──► preview branch
 *          ─► sound ─► convert/resample to F32 48 kHz stereo ───────────► appsink ─► program appsrc
 *
 * Decoding and scaling run in this pipeline's threads, so a camera that hangs,
 * errors or vanishes is torn down and rebuilt here while the program keeps
 * mixing: it only sees frames stop, and this object puts a "no signal" card in
 * their place. Frames are restamped onto the program's running time as they are
 * handed over (both pipelines run on the system clock).
 */
#define G_LOG_DOMAIN "tribuna-source-pipeline"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "tribuna-backoff.h"
#include "tribuna-card.h"
#include "tribuna-elements.h"
#include "tribuna-main-context.h"
#include "tribuna-source-pipeline.h"
#include "tribuna-video-util.h"

#define WATCHDOG_MS 250
/* An RTSP camera may take a while to answer; a file or a test pattern does not. */
#define CONNECT_TIMEOUT_MS 10000
/* A handed-over frame later than this on the program's clock resets the mapping. */
#define RESYNC_NS (150 * GST_MSECOND)
#define PREVIEW_WIDTH 320
#define PREVIEW_HEIGHT 180

struct _TribunaSourcePipeline
{
  GObject               parent_instance;

  TribunaSourceConfig  *config;
  guint                 width;
  guint                 height;
  guint                 framerate;
  GMainContext         *context;

  /* Owned references */
  GstElement           *pipeline;
  GstElement           *video_entry;     /* where a decoded video pad links */
  GstElement           *audio_entry;     /* where a decoded audio pad links */
  GstElement           *preview_valve;
  GstBuffer            *card;            /* the "no signal" card, I420, while needed */
  TribunaBackoff       *backoff;
  guint                 bus_watch;
  guint                 watchdog_id;
  guint                 retry_id;
  gint64                built_us;        /* monotonic time of the last build */
  gint64                card_pushed_us;

  TribunaSourceState    state;
  char                 *last_error;
  double                gain_db;
  gboolean              muted;
  gboolean              preview_enabled;

  /* Shared with the streaming threads, under lock */
  GMutex                lock;
  GstElement           *program;
  GstElement           *video_target;
  GstElement           *audio_target;
  GstClockTimeDiff      delta;           /* program time − source time, for the handover */
  gboolean              have_delta;
  GstSample            *last_sample;     /* for snapshots */
  /* Monotonic time of the last frame (of the last sound, for a source of sound
   * only), 0 before the first: what the watchdog goes by. */
  gint64                last_signal_us;
  int                   av_offset_ms;
};

G_DEFINE_FINAL_TYPE (TribunaSourcePipeline, tribuna_source_pipeline, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_STATE,
  PROP_LAST_ERROR,
  PROP_GAIN_DB,
  PROP_MUTED,
  PROP_AV_OFFSET_MS,
  N_PROPS
};

enum {
  SIGNAL_PREVIEW_FRAME,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void rebuild (TribunaSourcePipeline *self);

GType
tribuna_source_state_get_type (void)
{
  static gsize type_id;
  static const GEnumValue values[] = {
    { TRIBUNA_SOURCE_STOPPED, "TRIBUNA_SOURCE_STOPPED", "stopped" },
    { TRIBUNA_SOURCE_STARTING, "TRIBUNA_SOURCE_STARTING", "starting" },
    { TRIBUNA_SOURCE_LIVE, "TRIBUNA_SOURCE_LIVE", "live" },
    { TRIBUNA_SOURCE_NO_SIGNAL, "TRIBUNA_SOURCE_NO_SIGNAL", "no-signal" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaSourceState", values));

  return type_id;
}

const char *
tribuna_source_state_to_string (TribunaSourceState state)
{
  GEnumClass *klass = g_type_class_ref (TRIBUNA_TYPE_SOURCE_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value ? value->value_nick : "unknown";
}

static void
set_state (TribunaSourcePipeline *self,
           TribunaSourceState     state)
{
  if (self->state == state)
    return;

  g_debug ("source %s: %s", self->config->name, tribuna_source_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* The handover */

static GstClockTime
program_now (TribunaSourcePipeline *self)
{
  g_autoptr(GstClock) clock = gst_system_clock_obtain ();

  return gst_clock_get_time (clock) - gst_element_get_base_time (self->program);
}

/* Called with lock held. One mapping for sound and picture, so they stay in sync;
 * re-made when frames arrive late (a camera that caught up, a rebuilt pipeline). */
static GstClockTime
to_program_time (TribunaSourcePipeline *self,
                 GstElement            *appsink,
                 GstSample             *sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstSegment *segment = gst_sample_get_segment (sample);
  GstClockTime now = program_now (self);
  GstClockTime running_time;
  GstClockTimeDiff source_time;

  running_time = gst_segment_to_running_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  if (!GST_CLOCK_TIME_IS_VALID (running_time))
    return now;

  source_time = (GstClockTimeDiff) (running_time + gst_element_get_base_time (appsink))
                - (GstClockTimeDiff) gst_element_get_base_time (self->program);
  if (!self->have_delta || source_time + self->delta < (GstClockTimeDiff) (now - RESYNC_NS)
      || source_time + self->delta > (GstClockTimeDiff) (now + GST_SECOND))
    {
      self->delta = (GstClockTimeDiff) now - source_time;
      self->have_delta = TRUE;
    }

  return (GstClockTime) MAX (source_time + self->delta, 0);
}

static GstFlowReturn
on_new_sample (GstAppSink *appsink,
               gpointer    user_data)
{
  TribunaSourcePipeline *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);
  gboolean is_video;
  GstElement *target;
  GstBuffer *buffer;

  if (sample == NULL)
    return GST_FLOW_EOS;

  is_video = g_str_equal (GST_OBJECT_NAME (appsink), "video-sink");
  g_mutex_lock (&self->lock);
  if (!is_video && !tribuna_source_config_has_picture (self->config))
    self->last_signal_us = g_get_monotonic_time ();
  target = is_video ? self->video_target : self->audio_target;
  /* A pipeline being torn down may still deliver a frame or two. */
  if (target == NULL || GST_ELEMENT_PARENT (appsink) != self->pipeline)
    {
      g_mutex_unlock (&self->lock);
      return GST_FLOW_OK;
    }

  buffer = gst_buffer_copy (gst_sample_get_buffer (sample));
  GST_BUFFER_PTS (buffer) = to_program_time (self, GST_ELEMENT (appsink), sample);
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  if (is_video)
    {
      /* No duration: the mixer holds a frame until the next, so a late one never
       * leaves a hole. */
      GST_BUFFER_DURATION (buffer) = GST_CLOCK_TIME_NONE;
      self->last_signal_us = g_get_monotonic_time ();
      g_clear_pointer (&self->last_sample, gst_sample_unref);
      self->last_sample = gst_sample_ref (sample);
    }
  else
    GST_BUFFER_PTS (buffer) += (GstClockTime) self->av_offset_ms * GST_MSECOND;
  gst_object_ref (target);
  g_mutex_unlock (&self->lock);

  gst_app_src_push_buffer (GST_APP_SRC (target), buffer);
  gst_object_unref (target);
  return GST_FLOW_OK;
}

/* The "no signal" card, drawn when first needed: a source of sound only never
 * needs one, and a working camera drops it once live (drop_card()), since at
 * 1080p it is a 3 MB frame kept for nothing. */
static GstBuffer *
ensure_card (TribunaSourcePipeline *self)
{
  g_autofree char *subtitle = NULL;

  if (self->card != NULL)
    return self->card;

  /* "Pa sinjal": what the hall's operators read; the name says which camera.
   * With no image to read, drawing a card cannot fail. */
  subtitle = g_strdup_printf ("%s — no signal", self->config->name);
  self->card = tribuna_card_render_i420 (self->width, self->height, "Pa sinjal", subtitle,
                                         NULL, NULL);
  return self->card;
}

static void
drop_card (TribunaSourcePipeline *self)
{
  g_clear_pointer (&self->card, gst_buffer_unref);
}

/* The card goes through the same appsrc as the source's frames, so the mixer
 * needs no idea of what is behind a pad. */
static void
push_card (TribunaSourcePipeline *self)
{
  GstBuffer *buffer;
  GstElement *target;

  g_mutex_lock (&self->lock);
  target = self->video_target ? gst_object_ref (self->video_target) : NULL;
  g_mutex_unlock (&self->lock);
  if (target == NULL)
    return;

  buffer = gst_buffer_copy (ensure_card (self));
  GST_BUFFER_PTS (buffer) = program_now (self);
  gst_app_src_push_buffer (GST_APP_SRC (target), buffer);
  gst_object_unref (target);
  self->card_pushed_us = g_get_monotonic_time ();
}

/* Previews */

typedef struct {
  TribunaSourcePipeline *self;
  TribunaPreviewFrame   *frame;
} PreviewDelivery;

static gboolean
deliver_preview (gpointer user_data)
{
  PreviewDelivery *delivery = user_data;

  if (delivery->self->preview_enabled)
    g_signal_emit (delivery->self, signals[SIGNAL_PREVIEW_FRAME], 0, delivery->frame);
  return G_SOURCE_REMOVE;
}

static void
free_delivery (gpointer user_data)
{
  PreviewDelivery *delivery = user_data;

  g_object_unref (delivery->self);
  tribuna_preview_frame_unref (delivery->frame);
  g_free (delivery);
}

static GstFlowReturn
on_preview_sample (GstAppSink *appsink,
                   gpointer    user_data)
{
  TribunaSourcePipeline *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);
  PreviewDelivery *delivery;
  TribunaPreviewFrame *frame;

  if (sample == NULL)
    return GST_FLOW_EOS;

  frame = tribuna_preview_frame_new_from_sample (sample);
  if (frame == NULL)
    return GST_FLOW_OK;

  delivery = g_new0 (PreviewDelivery, 1);
  delivery->self = g_object_ref (self);
  delivery->frame = frame;
  tribuna_main_context_post (self->context, deliver_preview, delivery, free_delivery);
  return GST_FLOW_OK;
}

/* Building */

static GstElement *
make_appsink (TribunaSourcePipeline *self,
              const char            *name)
{
  GstElement *sink = gst_element_factory_make ("appsink", name);
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };

  /* sync: a file plays in real time; a camera's frames leave at their running
   * time, evenly, whatever bursts the network brought. */
  g_object_set (sink, "sync", TRUE, "max-buffers", 2, "drop", TRUE,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  return sink;
}

static GstCaps *
program_video_caps (TribunaSourcePipeline *self)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, self->width,
                              "height", G_TYPE_INT, self->height,
                              "framerate", GST_TYPE_FRACTION, self->framerate, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              "interlace-mode", G_TYPE_STRING, "progressive", NULL);
}

static GstElement *
make_filter (GstCaps *caps)
{
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);

  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  return filter;
}

/* A camera's decoder gets a thread of its own: a network camera's frames come
 * in bursts, and the queue rides them out while this pipeline scales at the
 * camera's pace.
 *
 * A file's does not. Its frames are held to real time by the synced appsinks,
 * the decoder's thread waiting in them; a queue in between would only fill
 * with decoded frames held for nothing (three at 1080p, ~9 MB) and cost a
 * thread hop per frame. (A clocksync after the decoder paced it for a while:
 * it also stops the allocation query, so the decoder fell back to a pool of
 * its own.) Returns the element a decoded pad links to. */
static GstElement *
decouple_decoder (TribunaSourcePipeline *self,
                  GstElement            *first)
{
  GstElement *queue;

  if (self->config->kind == TRIBUNA_SOURCE_KIND_FILE)
    return first;

  queue = gst_element_factory_make ("queue", NULL);
  gst_bin_add (GST_BIN (self->pipeline), queue);
  gst_element_link (queue, first);
  return queue;
}

/* [first…] ─► convert/scale/rate ─► program caps ─► [clock] ─► tee ─► appsink, + preview */
static GstElement *
build_video_tail (TribunaSourcePipeline *self,
                  gboolean               decoded,
                  gboolean               with_clock)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstAppSinkCallbacks preview_callbacks = { .new_sample = on_preview_sample };
  GstElement *entry = NULL, *last = NULL, *tee, *sink, *preview_sink;
  GstElement *filter = make_filter (program_video_caps (self));

  gst_bin_add (bin, filter);
  if (decoded)
    {
      GstElement *convert = gst_element_factory_make ("videoconvert", NULL);
      GstElement *scale = gst_element_factory_make ("videoscale", NULL);
      GstElement *rate = gst_element_factory_make ("videorate", NULL);

      /* Letterbox, never stretch, a camera of another shape. */
      g_object_set (scale, "add-borders", TRUE, NULL);
      gst_bin_add_many (bin, convert, scale, rate, NULL);
      gst_element_link_many (convert, scale, rate, filter, NULL);
      entry = decouple_decoder (self, convert);
    }
  last = filter;

  if (with_clock && tribuna_element_available ("clockoverlay"))
    {
      /* A burnt-in wall clock: frozen video is visible at a glance. */
      GstElement *clock = gst_element_factory_make ("clockoverlay", NULL);

      g_object_set (clock, "time-format", "%H:%M:%S", "halignment", 2 /* right */,
                    "valignment", 2 /* top */, "shaded-background", TRUE,
                    "font-desc", "Sans Bold 28", NULL);
      gst_bin_add (bin, clock);
      gst_element_link (last, clock);
      last = clock;
    }
  else if (with_clock)
    g_warning ("clockoverlay is not installed (Debian package gstreamer1.0-x): "
               "the test pattern has no burnt-in clock");

  /* No queue before the handover: the frame goes to the program in the thread
   * that made it (a thread hop per frame is CPU the encoder wants); only the
   * preview branch, which must never hold it up, has a (leaky) queue of its own. */
  tee = gst_element_factory_make ("tee", NULL);
  g_object_set (tee, "allow-not-linked", TRUE, NULL);
  sink = make_appsink (self, "video-sink");
  gst_bin_add_many (bin, tee, sink, NULL);
  gst_element_link_many (last, tee, sink, NULL);

  self->preview_valve = tribuna_preview_branch_new (bin, PREVIEW_WIDTH, PREVIEW_HEIGHT,
                                                    &preview_callbacks, self, &preview_sink);
  g_object_set (self->preview_valve, "drop", !self->preview_enabled, NULL);
  gst_element_link (tee, self->preview_valve);

  return entry != NULL ? entry : filter;
}

static GstElement *
build_audio_tail (TribunaSourcePipeline *self)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstElement *convert = gst_element_factory_make ("audioconvert", NULL);
  GstElement *resample = gst_element_factory_make ("audioresample", NULL);
  GstElement *filter = make_filter (gst_caps_new_simple ("audio/x-raw",
                                                         "format", G_TYPE_STRING, "F32LE",
                                                         "layout", G_TYPE_STRING, "interleaved",
                                                         "rate", G_TYPE_INT, 48000,
                                                         "channels", G_TYPE_INT, 2, NULL));
  GstElement *sink = make_appsink (self, "audio-sink");

  gst_bin_add_many (bin, convert, resample, filter, sink, NULL);
  gst_element_link_many (convert, resample, filter, sink, NULL);
  return convert;
}

/* -20 dBFS: audible on the meters, not painful in the hall. */
static GstElement *
make_tone (int hertz)
{
  GstElement *tone = gst_element_factory_make ("audiotestsrc", NULL);

  g_object_set (tone, "is-live", TRUE, "volume", 0.1, "freq", (double) hertz,
                "samplesperbuffer", 1920 /* 40 ms, as the mixer's buffers */, NULL);
  return tone;
}

/* The pattern, and its tone unless the source has none (a stand-in for a missing camera
 * must not beep into the hall's sound). */
static void
build_test (TribunaSourcePipeline *self)
{
  GstElement *video = gst_element_factory_make ("videotestsrc", NULL);
  int hertz = self->config->tone_hz;

  gst_util_set_object_arg (G_OBJECT (video), "pattern", self->config->location);
  /* A moving pattern, so a frozen picture cannot pass for a live one. */
  g_object_set (video, "is-live", TRUE, "horizontal-speed", 4, NULL);
  gst_bin_add (GST_BIN (self->pipeline), video);
  gst_element_link (video, build_video_tail (self, FALSE, TRUE));

  if (hertz != 0)
    {
      GstElement *tone = make_tone (hertz > 0 ? hertz : TRIBUNA_SOURCE_TONE_DEFAULT_HZ);

      gst_bin_add (GST_BIN (self->pipeline), tone);
      gst_element_link (tone, build_audio_tail (self));
    }
}

/* The element a microphone is read with, and the Debian package that has it. */
static const char *
capture_element (TribunaSourceKind  kind,
                 const char       **package)
{
  if (kind == TRIBUNA_SOURCE_KIND_ALSA)
    {
      *package = "gstreamer1.0-alsa";
      return "alsasrc";
    }

  *package = "gstreamer1.0-plugins-good";
  return "pulsesrc";
}

/* A tone or a microphone: sound only, no picture and no card. */
static gboolean
build_sound_only (TribunaSourcePipeline  *self,
                  GError                **error)
{
  GstElement *source;

  if (self->config->kind == TRIBUNA_SOURCE_KIND_TONE)
    source = make_tone (self->config->tone_hz);
  else
    {
      const char *package;
      const char *factory = capture_element (self->config->kind, &package);

      source = gst_element_factory_make (factory, NULL);
      if (source == NULL)
        {
          g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_MISSING,
                       "%s is not installed (Debian package %s)", factory, package);
          return FALSE;
        }
      if (*self->config->location != '\0')
        g_object_set (source, "device", self->config->location, NULL);
      /* 20 ms reads: half the wake-ups of the default, still far below a frame. */
      g_object_set (source, "latency-time", (gint64) 20000, NULL);
      if (self->config->kind == TRIBUNA_SOURCE_KIND_PULSE)
        g_object_set (source, "client-name", "Tribuna", NULL);
    }

  gst_bin_add (GST_BIN (self->pipeline), source);
  return gst_element_link (source, build_audio_tail (self));
}

/* From @first down to its sink, as the pipeline is; called from a streaming thread. */
static void
sync_tail_state (TribunaSourcePipeline *self,
                 GstElement            *first)
{
  GstElement *element = first;

  while (element != NULL)
    {
      g_autoptr(GstPad) src = gst_element_get_static_pad (element, "src");
      g_autoptr(GstPad) peer = src ? gst_pad_get_peer (src) : NULL;

      gst_element_sync_state_with_parent (element);
      element = peer ? GST_PAD_PARENT (peer) : NULL;
    }
}

static void
on_decoded_pad (GstElement            *decodebin,
                GstPad                *pad,
                TribunaSourcePipeline *self)
{
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  const char *media = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  GstElement *target = NULL;
  g_autoptr(GstPad) sink_pad = NULL;

  if (g_str_has_prefix (media, "video/"))
    target = self->video_entry;
  else if (g_str_has_prefix (media, "audio/") && self->audio_entry == NULL)
    {
      /* Built only for a source that has sound: a sink that never gets data
       * would never preroll, and hold the whole pipeline back. */
      target = self->audio_entry = build_audio_tail (self);
      sync_tail_state (self, target);
    }

  sink_pad = target ? gst_element_get_static_pad (target, "sink") : NULL;
  if (sink_pad == NULL || gst_pad_is_linked (sink_pad))
    {
      /* A stream we do not use: sink it, or its not-linked flow stops the decoder. */
      GstElement *fakesink = gst_element_factory_make ("fakesink", NULL);

      g_object_set (fakesink, "sync", FALSE, "async", FALSE, NULL);
      gst_bin_add (GST_BIN (self->pipeline), fakesink);
      gst_element_sync_state_with_parent (fakesink);
      g_clear_object (&sink_pad);
      sink_pad = gst_element_get_static_pad (fakesink, "sink");
    }

  if (gst_pad_link (pad, sink_pad) != GST_PAD_LINK_OK)
    g_warning ("source %s: cannot link its %s stream", self->config->name, media);
}

static void
on_source_setup (GstElement            *decodebin,
                 GstElement            *source,
                 TribunaSourcePipeline *self)
{
  /* rtspsrc waits 2 s by default; a camera on the hall's LAN needs far less. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (source), "latency") != NULL)
    g_object_set (source, "latency", 200, NULL);
}

/* libav decoders start a frame thread per core; one camera decodes on one. */
static void
on_deep_element_added (GstBin     *bin,
                       GstBin     *sub_bin,
                       GstElement *element,
                       gpointer    user_data)
{
  GstElementFactory *factory = gst_element_get_factory (element);

  if (factory != NULL && g_str_has_prefix (GST_OBJECT_NAME (factory), "avdec_")
      && g_object_class_find_property (G_OBJECT_GET_CLASS (element), "max-threads") != NULL)
    g_object_set (element, "max-threads", 1, NULL);
}

static void
build_decoded (TribunaSourcePipeline *self)
{
  GstElement *decodebin = gst_element_factory_make ("uridecodebin", NULL);
  g_autofree char *uri = NULL;

  if (self->config->kind == TRIBUNA_SOURCE_KIND_V4L2)
    uri = g_strconcat ("v4l2://", self->config->location, NULL);
  else
    uri = g_strdup (self->config->uri);

  g_object_set (decodebin, "uri", uri, NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decoded_pad), self);
  g_signal_connect (decodebin, "source-setup", G_CALLBACK (on_source_setup), self);
  g_signal_connect (decodebin, "deep-element-added", G_CALLBACK (on_deep_element_added), NULL);
  gst_bin_add (GST_BIN (self->pipeline), decodebin);

  self->video_entry = build_video_tail (self, TRUE, FALSE);
}

/* Failure and retry */

static guint
add_timeout (TribunaSourcePipeline *self,
             guint                  interval_ms,
             GSourceFunc            func)
{
  g_autoptr(GSource) source = g_timeout_source_new (interval_ms);

  g_source_set_callback (source, func, self, NULL);
  return g_source_attach (source, self->context);
}

static gpointer
teardown_thread (gpointer data)
{
  GstElement *pipeline = data;

  /* A wedged RTSP socket can take seconds to let go: never on the main context. */
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return NULL;
}

static void
teardown (TribunaSourcePipeline *self,
          gboolean               wait)
{
  g_autoptr(GstBus) bus = NULL;
  GstElement *pipeline;

  if (self->pipeline == NULL)
    return;

  bus = gst_element_get_bus (self->pipeline);
  gst_bus_set_flushing (bus, TRUE);
  g_clear_handle_id (&self->bus_watch, g_source_remove);

  g_mutex_lock (&self->lock);
  pipeline = g_steal_pointer (&self->pipeline);
  self->have_delta = FALSE;
  g_mutex_unlock (&self->lock);
  self->video_entry = self->audio_entry = self->preview_valve = NULL;

  if (wait)
    teardown_thread (pipeline);
  else
    g_thread_unref (g_thread_new ("source-teardown", teardown_thread, pipeline));
}

static gboolean
on_retry (gpointer user_data)
{
  TribunaSourcePipeline *self = user_data;

  self->retry_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
fail (TribunaSourcePipeline *self,
      const char            *message)
{
  guint delay_ms = tribuna_backoff_next_ms (self->backoff);

  g_message ("source %s: %s; retrying in %.1f s", self->config->name, message, delay_ms / 1000.0);
  if (g_strcmp0 (self->last_error, message) != 0)
    {
      g_free (self->last_error);
      self->last_error = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
    }

  teardown (self, FALSE);
  set_state (self, TRIBUNA_SOURCE_NO_SIGNAL);
  push_card (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = add_timeout (self, delay_ms, on_retry);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TribunaSourcePipeline *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("source %s: error from %s: %s", self->config->name,
                 GST_OBJECT_NAME (message->src), debug);
        fail (self, error->message);
        return G_SOURCE_REMOVE;   /* fail() removed this watch with the pipeline */
      }

    case GST_MESSAGE_EOS:
      fail (self, "the source ended");
      return G_SOURCE_REMOVE;

    case GST_MESSAGE_SEGMENT_DONE:
      /* A file stands in for a camera: it plays again, on the same running time. */
      if (!gst_element_seek (self->pipeline, 1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_SEGMENT,
                             GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE))
        g_warning ("source %s: cannot loop the file", self->config->name);
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* Turns "frames arrive" and "frames stopped" into states; runs on the main context. */
static gboolean
on_watchdog (gpointer user_data)
{
  TribunaSourcePipeline *self = user_data;
  gboolean has_picture = tribuna_source_config_has_picture (self->config);
  gint64 now = g_get_monotonic_time ();
  gint64 last;

  g_mutex_lock (&self->lock);
  last = self->last_signal_us;
  g_mutex_unlock (&self->lock);

  if (self->pipeline == NULL)
    {
      /* No signal: the mixer keeps the card up, but refresh it now and then. */
      if (self->state == TRIBUNA_SOURCE_NO_SIGNAL && now - self->card_pushed_us > G_USEC_PER_SEC)
        push_card (self);
      return G_SOURCE_CONTINUE;
    }

  if (last > self->built_us)
    {
      if (now - last > TRIBUNA_SOURCE_STALL_MS * 1000)
        fail (self, has_picture ? "no picture for 2 s" : "no sound from the device for 2 s");
      else if (self->state != TRIBUNA_SOURCE_LIVE)
        {
          tribuna_backoff_reset (self->backoff);
          drop_card (self);
          set_state (self, TRIBUNA_SOURCE_LIVE);
        }
    }
  else if (now - self->built_us > CONNECT_TIMEOUT_MS * 1000)
    fail (self, has_picture ? "no picture 10 s after connecting"
                            : "no sound 10 s after opening the device");

  return G_SOURCE_CONTINUE;
}

/* A device that will not open fails the state change at once, with the reason
 * waiting on the bus: say it ("Could not open audio device…"), not just "cannot start". */
static void
fail_to_start (TribunaSourcePipeline *self,
               GstBus                *bus)
{
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_autoptr(GError) error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *reason = NULL;

  if (message == NULL)
    {
      fail (self, "cannot start");
      return;
    }

  gst_message_parse_error (message, &error, &debug);
  g_debug ("source %s: cannot start: %s", self->config->name, debug);
  reason = g_strdup_printf ("cannot start: %s", error->message);
  fail (self, reason);
}

static gboolean
start_file (TribunaSourcePipeline *self)
{
  /* Paused first, so the looping segment seek has something to act on. */
  if (gst_element_set_state (self->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE
      || gst_element_get_state (self->pipeline, NULL, NULL, 10 * GST_SECOND)
         == GST_STATE_CHANGE_FAILURE)
    return FALSE;

  return gst_element_seek (self->pipeline, 1.0, GST_FORMAT_TIME,
                           GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_SEGMENT,
                           GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);
}

static void
rebuild (TribunaSourcePipeline *self)
{
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstClock) clock = gst_system_clock_obtain ();
  g_autoptr(GError) error = NULL;
  GstElement *pipeline = gst_pipeline_new (self->config->name);

  gst_pipeline_use_clock (GST_PIPELINE (pipeline), clock);
  g_mutex_lock (&self->lock);
  self->pipeline = pipeline;
  self->have_delta = FALSE;
  g_mutex_unlock (&self->lock);

  if (self->config->kind == TRIBUNA_SOURCE_KIND_TEST)
    build_test (self);
  else if (!tribuna_source_config_has_picture (self->config))
    {
      if (!build_sound_only (self, &error))
        {
          fail (self, error->message);
          return;
        }
    }
  else
    build_decoded (self);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  self->built_us = g_get_monotonic_time ();
  if (self->state != TRIBUNA_SOURCE_NO_SIGNAL)
    set_state (self, TRIBUNA_SOURCE_STARTING);

  if ((self->config->kind == TRIBUNA_SOURCE_KIND_FILE && !start_file (self))
      || gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    fail_to_start (self, bus);
}

void
tribuna_source_pipeline_start (TribunaSourcePipeline *self,
                               GstElement            *program,
                               GstElement            *video_target,
                               GstElement            *audio_target)
{
  g_return_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self));
  g_return_if_fail (GST_IS_ELEMENT (program));

  tribuna_source_pipeline_stop (self);

  g_mutex_lock (&self->lock);
  self->program = gst_object_ref (program);
  self->video_target = video_target ? gst_object_ref (video_target) : NULL;
  self->audio_target = audio_target ? gst_object_ref (audio_target) : NULL;
  self->last_signal_us = 0;
  g_mutex_unlock (&self->lock);

  /* Until the first frame, the card: the mixer has a picture from the start. */
  push_card (self);
  tribuna_backoff_reset (self->backoff);
  rebuild (self);
  self->watchdog_id = add_timeout (self, WATCHDOG_MS, on_watchdog);
}

void
tribuna_source_pipeline_stop (TribunaSourcePipeline *self)
{
  g_return_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self));

  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  teardown (self, TRUE);

  g_mutex_lock (&self->lock);
  gst_clear_object (&self->program);
  gst_clear_object (&self->video_target);
  gst_clear_object (&self->audio_target);
  g_clear_pointer (&self->last_sample, gst_sample_unref);
  g_mutex_unlock (&self->lock);

  set_state (self, TRIBUNA_SOURCE_STOPPED);
}

/* Properties and accessors */

const char *
tribuna_source_pipeline_get_name (TribunaSourcePipeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), NULL);
  return self->config->name;
}

gboolean
tribuna_source_pipeline_has_picture (TribunaSourcePipeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), FALSE);

  return tribuna_source_config_has_picture (self->config);
}

const char *
tribuna_source_pipeline_get_uri (TribunaSourcePipeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), NULL);
  return self->config->uri;
}

TribunaSourceState
tribuna_source_pipeline_get_state (TribunaSourcePipeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), TRIBUNA_SOURCE_STOPPED);
  return self->state;
}

const char *
tribuna_source_pipeline_get_last_error (TribunaSourcePipeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), NULL);
  return self->last_error;
}

double
tribuna_source_pipeline_get_gain_db (TribunaSourcePipeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), 0.0);
  return self->gain_db;
}

void
tribuna_source_pipeline_set_gain_db (TribunaSourcePipeline *self,
                                     double                 gain_db)
{
  g_return_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self));

  gain_db = CLAMP (gain_db, -60.0, 20.0);
  if (self->gain_db == gain_db)
    return;
  self->gain_db = gain_db;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GAIN_DB]);
}

gboolean
tribuna_source_pipeline_get_muted (TribunaSourcePipeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), FALSE);
  return self->muted;
}

void
tribuna_source_pipeline_set_muted (TribunaSourcePipeline *self,
                                   gboolean               muted)
{
  g_return_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self));

  muted = !!muted;
  if (self->muted == muted)
    return;
  self->muted = muted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

int
tribuna_source_pipeline_get_av_offset_ms (TribunaSourcePipeline *self)
{
  int offset_ms;

  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), 0);

  g_mutex_lock (&self->lock);
  offset_ms = self->av_offset_ms;
  g_mutex_unlock (&self->lock);
  return offset_ms;
}

void
tribuna_source_pipeline_set_av_offset_ms (TribunaSourcePipeline *self,
                                          int                    offset_ms)
{
  gboolean changed;

  g_return_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self));

  offset_ms = CLAMP (offset_ms, 0, 1000);
  g_mutex_lock (&self->lock);
  changed = self->av_offset_ms != offset_ms;
  self->av_offset_ms = offset_ms;
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AV_OFFSET_MS]);
}

void
tribuna_source_pipeline_set_preview_enabled (TribunaSourcePipeline *self,
                                             gboolean               enabled)
{
  g_return_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self));

  self->preview_enabled = !!enabled;
  if (self->preview_valve != NULL)
    g_object_set (self->preview_valve, "drop", !self->preview_enabled, NULL);
}

GBytes *
tribuna_source_pipeline_snapshot_jpeg (TribunaSourcePipeline  *self,
                                       GError                **error)
{
  g_autoptr(GstSample) sample = NULL;

  g_return_val_if_fail (TRIBUNA_IS_SOURCE_PIPELINE (self), NULL);

  g_mutex_lock (&self->lock);
  sample = self->last_sample ? gst_sample_ref (self->last_sample) : NULL;
  g_mutex_unlock (&self->lock);

  if (!tribuna_source_config_has_picture (self->config))
    {
      g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_NO_PICTURE,
                   "source %s is sound only: it has no picture", self->config->name);
      return NULL;
    }
  if (sample == NULL)
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                   "source %s has shown no picture yet", self->config->name);
      return NULL;
    }

  return tribuna_sample_to_jpeg (sample, error);
}

static void
tribuna_source_pipeline_dispose (GObject *object)
{
  TribunaSourcePipeline *self = (TribunaSourcePipeline *) object;

  tribuna_source_pipeline_stop (self);

  G_OBJECT_CLASS (tribuna_source_pipeline_parent_class)->dispose (object);
}

static void
tribuna_source_pipeline_finalize (GObject *object)
{
  TribunaSourcePipeline *self = (TribunaSourcePipeline *) object;

  g_clear_pointer (&self->config, tribuna_source_config_free);
  g_clear_pointer (&self->card, gst_buffer_unref);
  g_clear_pointer (&self->backoff, tribuna_backoff_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->last_error, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tribuna_source_pipeline_parent_class)->finalize (object);
}

static void
tribuna_source_pipeline_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  TribunaSourcePipeline *self = TRIBUNA_SOURCE_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->config->name);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_GAIN_DB:
      g_value_set_double (value, self->gain_db);
      break;

    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;

    case PROP_AV_OFFSET_MS:
      g_value_set_int (value, tribuna_source_pipeline_get_av_offset_ms (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_source_pipeline_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  TribunaSourcePipeline *self = TRIBUNA_SOURCE_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_GAIN_DB:
      tribuna_source_pipeline_set_gain_db (self, g_value_get_double (value));
      break;

    case PROP_MUTED:
      tribuna_source_pipeline_set_muted (self, g_value_get_boolean (value));
      break;

    case PROP_AV_OFFSET_MS:
      tribuna_source_pipeline_set_av_offset_ms (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_source_pipeline_class_init (TribunaSourcePipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tribuna_source_pipeline_dispose;
  object_class->finalize = tribuna_source_pipeline_finalize;
  object_class->get_property = tribuna_source_pipeline_get_property;
  object_class->set_property = tribuna_source_pipeline_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TRIBUNA_TYPE_SOURCE_STATE, TRIBUNA_SOURCE_STOPPED,
                       G_PARAM_READABLE | flags);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, G_PARAM_READABLE | flags);
  properties[PROP_GAIN_DB] =
    g_param_spec_double ("gain-db", NULL, NULL, -60.0, 20.0, 0.0, G_PARAM_READWRITE | flags);
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE, G_PARAM_READWRITE | flags);
  properties[PROP_AV_OFFSET_MS] =
    g_param_spec_int ("av-offset-ms", NULL, NULL, 0, 1000, 0, G_PARAM_READWRITE | flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TribunaSourcePipeline::preview-frame:
   * @frame: a #TribunaPreviewFrame, 320x180 RGB
   *
   * A preview picture, at most 10 a second, on the main context, while previews
   * are enabled.
   */
  signals[SIGNAL_PREVIEW_FRAME] =
    g_signal_new ("preview-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TRIBUNA_TYPE_PREVIEW_FRAME);
}

static void
tribuna_source_pipeline_init (TribunaSourcePipeline *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  /* 1 s, doubling, at most 8 s: a camera that comes back is seen within 8 s. */
  self->backoff = tribuna_backoff_new (1000, 2.0, 8000, 0.2);
}

TribunaSourcePipeline *
tribuna_source_pipeline_new (const TribunaSourceConfig *config,
                             guint                      width,
                             guint                      height,
                             guint                      framerate)
{
  TribunaSourcePipeline *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (TRIBUNA_TYPE_SOURCE_PIPELINE, NULL);
  self->config = tribuna_source_config_copy (config);
  self->width = width;
  self->height = height;
  self->framerate = framerate;
  self->gain_db = config->gain_db;
  self->muted = config->muted;
  self->av_offset_ms = config->av_offset_ms;

  return self;
}
