/* tribuna-program.c: the program pipeline: sources, the one encode, and its feeds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   video source ─► convert/scale/rate ─► [clock] ─► x264enc ─► h264parse ─► appsink ─┐
 *   audio source ─► convert/resample ───────────────► AAC ─────► aacparse ──► appsink ─┴─► feeds
 *
 * The appsinks hand every encoded buffer to each registered TribunaFeed; the
 * outputs run in pipelines of their own (see tribuna-feed.c), so nothing an
 * output does can stop this pipeline.
 */
#define G_LOG_DOMAIN "tribuna-program"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "tribuna-elements.h"
#include "tribuna-program.h"

/* How long to wait for a file or camera to say what streams it has. */
#define DISCOVER_TIMEOUT (5 * GST_SECOND)

struct _TribunaProgram
{
  GObject               parent_instance;

  TribunaProgramFormat  format;
  TribunaSourceConfig  *source;

  GstElement           *pipeline;
  GstElement           *video_sink;
  GstElement           *audio_sink;
  GstElement           *video_branch;   /* where a decoded video pad links */
  GstElement           *audio_branch;   /* where a decoded audio pad links, or NULL */
  guint                 bus_watch;
  gboolean              live;

  TribunaProgramState   state;
  char                 *last_error;

  /* Shared with the appsink streaming threads */
  GMutex                feeds_lock;
  gint64                feeds_epoch_us;   /* 0 until the first encoded buffer */
  GPtrArray            *feeds;
  GstCaps              *video_caps;
  GstCaps              *audio_caps;
  GstClockTime          audio_priming;    /* set before the pipeline starts */
};

G_DEFINE_FINAL_TYPE (TribunaProgram, tribuna_program, G_TYPE_OBJECT)
G_DEFINE_QUARK (tribuna-program-error-quark, tribuna_program_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
tribuna_program_state_get_type (void)
{
  static gsize type_id;
  static const GEnumValue values[] = {
    { TRIBUNA_PROGRAM_STOPPED, "TRIBUNA_PROGRAM_STOPPED", "stopped" },
    { TRIBUNA_PROGRAM_STARTING, "TRIBUNA_PROGRAM_STARTING", "starting" },
    { TRIBUNA_PROGRAM_RUNNING, "TRIBUNA_PROGRAM_RUNNING", "running" },
    { TRIBUNA_PROGRAM_FAILED, "TRIBUNA_PROGRAM_FAILED", "failed" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaProgramState", values));

  return type_id;
}

const char *
tribuna_program_state_to_string (TribunaProgramState state)
{
  GEnumClass *klass = g_type_class_peek (TRIBUNA_TYPE_PROGRAM_STATE);
  GEnumValue *value = klass ? g_enum_get_value (klass, state) : NULL;

  return value ? value->value_nick : "unknown";
}

static void
set_state (TribunaProgram      *self,
           TribunaProgramState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error (TribunaProgram *self,
           const char     *message)
{
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
  set_state (self, TRIBUNA_PROGRAM_FAILED);
}

/* The wall-clock instant of running time zero, settled once, before the
 * first buffer goes out: every output dates what it writes with it. Called
 * with feeds_lock held. */
static void
stamp_epoch (TribunaProgram *self)
{
  g_autoptr(GstClock) clock = gst_element_get_clock (self->pipeline);
  GstClockTime running_time;

  if (clock == NULL)
    return;

  running_time = gst_clock_get_time (clock) - gst_element_get_base_time (self->pipeline);
  self->feeds_epoch_us = g_get_real_time () - (gint64) (running_time / GST_USECOND);
  for (guint i = 0; i < self->feeds->len; i++)
    tribuna_feed_set_epoch_us (g_ptr_array_index (self->feeds, i), self->feeds_epoch_us);
}

/* The AAC encoder's output starts with priming samples, and its timestamps do
 * not say so: played as stamped, the sound comes one priming late (21.3 ms at
 * 48 kHz, measured against a flash and beep). Moving every packet back by the
 * priming puts the sound where it was captured, as ffmpeg does with its
 * negative first timestamp; the one packet that would land before zero is all
 * priming and is dropped. FALSE for that packet. */
static gboolean
remove_audio_priming (TribunaProgram *self,
                      GstBuffer      *buffer)
{
  if (self->audio_priming == 0 || !GST_BUFFER_PTS_IS_VALID (buffer))
    return TRUE;
  if (GST_BUFFER_PTS (buffer) < self->audio_priming)
    return FALSE;

  GST_BUFFER_PTS (buffer) -= self->audio_priming;
  if (GST_BUFFER_DTS_IS_VALID (buffer))
    GST_BUFFER_DTS (buffer) = GST_BUFFER_DTS (buffer) > self->audio_priming
                              ? GST_BUFFER_DTS (buffer) - self->audio_priming : 0;
  return TRUE;
}

/* Encoded data reaches the feeds from here, on the appsink's streaming thread. */
static GstFlowReturn
on_new_sample (GstAppSink *appsink,
               gpointer    user_data)
{
  TribunaProgram *self = user_data;
  gboolean is_video = (GstElement *) appsink == self->video_sink;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);
  GstSegment *segment;
  GstBuffer *buffer;
  GstCaps *caps;
  gboolean caps_changed;

  if (sample == NULL)
    return GST_FLOW_EOS;

  buffer = gst_sample_get_buffer (sample);
  segment = gst_sample_get_segment (sample);
  caps = gst_sample_get_caps (sample);

  /* Feeds work in running time, the one clock every marker uses too; a looping
   * file restarts its timestamps but not its running time. */
  buffer = gst_buffer_copy (buffer);
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    GST_BUFFER_PTS (buffer) = gst_segment_to_running_time (segment, GST_FORMAT_TIME,
                                                           GST_BUFFER_PTS (buffer));
  if (GST_BUFFER_DTS_IS_VALID (buffer))
    GST_BUFFER_DTS (buffer) = gst_segment_to_running_time (segment, GST_FORMAT_TIME,
                                                           GST_BUFFER_DTS (buffer));
  if (!is_video && !remove_audio_priming (self, buffer))
    {
      gst_buffer_unref (buffer);
      return GST_FLOW_OK;
    }

  g_mutex_lock (&self->feeds_lock);
  if (self->feeds_epoch_us == 0)
    stamp_epoch (self);
  caps_changed = gst_caps_replace (is_video ? &self->video_caps : &self->audio_caps, caps);
  for (guint i = 0; i < self->feeds->len; i++)
    {
      TribunaFeed *feed = g_ptr_array_index (self->feeds, i);

      if (caps_changed)
        tribuna_feed_set_caps (feed, is_video ? caps : NULL, is_video ? NULL : caps);
      if (is_video)
        tribuna_feed_push_video (feed, buffer);
      else
        tribuna_feed_push_audio (feed, buffer);
    }
  g_mutex_unlock (&self->feeds_lock);

  gst_buffer_unref (buffer);
  return GST_FLOW_OK;
}

static void
on_keyframe_needed (TribunaFeed    *feed,
                    TribunaProgram *self)
{
  if (self->video_sink == NULL)
    return;

  /* From a sink, an upstream event travels to the encoder. */
  gst_element_send_event (self->video_sink,
                          gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
                                                                       TRUE, 0));
}

static void
tribuna_program_dispose (GObject *object)
{
  TribunaProgram *self = (TribunaProgram *)object;

  tribuna_program_stop (self);

  G_OBJECT_CLASS (tribuna_program_parent_class)->dispose (object);
}

static void
tribuna_program_finalize (GObject *object)
{
  TribunaProgram *self = (TribunaProgram *)object;

  g_clear_pointer (&self->feeds, g_ptr_array_unref);
  gst_clear_caps (&self->video_caps);
  gst_clear_caps (&self->audio_caps);
  g_mutex_clear (&self->feeds_lock);
  g_clear_pointer (&self->source, tribuna_source_config_free);
  g_clear_pointer (&self->format.encoder_preset, g_free);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (tribuna_program_parent_class)->finalize (object);
}

static void
tribuna_program_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TribunaProgram *self = TRIBUNA_PROGRAM (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_program_class_init (TribunaProgramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tribuna_program_dispose;
  object_class->finalize = tribuna_program_finalize;
  object_class->get_property = tribuna_program_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TRIBUNA_TYPE_PROGRAM_STATE, TRIBUNA_PROGRAM_STOPPED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tribuna_program_init (TribunaProgram *self)
{
  g_mutex_init (&self->feeds_lock);
  self->feeds = g_ptr_array_new_with_free_func (g_object_unref);
}

TribunaProgram *
tribuna_program_new (const TribunaProgramFormat *format,
                     const TribunaSourceConfig  *source)
{
  TribunaProgram *self;

  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  self = g_object_new (TRIBUNA_TYPE_PROGRAM, NULL);
  self->format = *format;
  self->format.encoder_preset = g_strdup (format->encoder_preset);
  self->source = tribuna_source_config_copy (source);

  return self;
}

/* Building the graph */

static gboolean
add_chain (GstBin      *bin,
           GstElement **elements,
           guint        n_elements,
           GError     **error)
{
  for (guint i = 0; i < n_elements; i++)
    gst_bin_add (bin, elements[i]);

  for (guint i = 0; i + 1 < n_elements; i++)
    if (!gst_element_link (elements[i], elements[i + 1]))
      {
        g_set_error (error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_PIPELINE,
                     "cannot link %s to %s", GST_ELEMENT_NAME (elements[i]),
                     GST_ELEMENT_NAME (elements[i + 1]));
        return FALSE;
      }

  return TRUE;
}

static GstElement *
make_caps_filter (const char *name,
                  GstCaps    *caps)
{
  GstElement *filter = gst_element_factory_make ("capsfilter", name);

  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  return filter;
}

/* A thread boundary for raw video that holds a few frames, not queue's default
 * 10 MB (three 1080p frames each, twice over): memory the encoder never needs,
 * since a live program is paced by its source. */
static GstElement *
make_raw_video_queue (const char *name)
{
  GstElement *queue = gst_element_factory_make ("queue", name);

  g_object_set (queue, "max-size-buffers", 3, "max-size-bytes", 0, "max-size-time",
                (guint64) 0, NULL);
  return queue;
}

/* A file is not live: it plays in real time by waiting on the clock as it comes
 * out of the decoder. Paced at the sinks instead, the decoder would run ahead
 * until every queue before the encoder was full (six 1080p frames, ~19 MB held
 * for nothing). NULL for a live source, which paces itself.
 *
 * It starts without syncing: a syncing clocksync answers the pipeline's move to
 * PAUSED like a live source (no preroll), and the file's first segment seek
 * needs a prerolled pipeline; switched on while still PAUSED, it would wait on
 * a clock that has not started and hold the preroll forever. start_pacing()
 * turns it on once the pipeline plays. */
static GstElement *
make_pacer (TribunaProgram *self,
            const char     *name)
{
  GstElement *pacer;

  if (self->live)
    return NULL;

  pacer = gst_element_factory_make ("clocksync", name);
  g_object_set (pacer, "sync", FALSE, NULL);
  return pacer;
}

static void
start_pacing (TribunaProgram *self)
{
  static const char * const names[] = { "video-pacer", "audio-pacer" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GstElement) pacer = gst_bin_get_by_name (GST_BIN (self->pipeline), names[i]);

      if (pacer != NULL)
        g_object_set (pacer, "sync", TRUE, NULL);
    }
}

static GstElement *
make_video_encoder (TribunaProgram  *self,
                    GError         **error)
{
  GstElement *encoder = tribuna_make_element ("x264enc", "video-encoder", error);

  if (encoder == NULL)
    return NULL;

  /* Constant bitrate, no B-frames (zerolatency), a keyframe at least every
   * keyframe-interval seconds: what YouTube and Facebook ask for. */
  gst_util_set_object_arg (G_OBJECT (encoder), "tune", "zerolatency");
  gst_util_set_object_arg (G_OBJECT (encoder), "speed-preset", self->format.encoder_preset);
  gst_util_set_object_arg (G_OBJECT (encoder), "pass", "cbr");
  g_object_set (encoder,
                "bitrate", self->format.video_kbps,
                "key-int-max", self->format.framerate * self->format.keyframe_seconds,
                "vbv-buf-capacity", 1000,
                NULL);
  return encoder;
}

static GstElement *
make_audio_encoder (TribunaProgram  *self,
                    GError         **error)
{
  static const char * const aac_encoders[] = { "avenc_aac", "voaacenc", "fdkaacenc", NULL };
  GstElement *encoder = tribuna_make_first_element (aac_encoders, "audio-encoder", error);

  if (encoder == NULL)
    return NULL;

  g_object_set (encoder, "bitrate", self->format.audio_kbps * 1000, NULL);

  /* libav's AAC encoder primes with one frame (1024 samples) and does not
   * move its timestamps for it; the program's sound is always 48 kHz. */
  if (g_str_equal (GST_OBJECT_NAME (gst_element_get_factory (encoder)), "avenc_aac"))
    self->audio_priming = gst_util_uint64_scale_int (1024, GST_SECOND, 48000);
  else
    self->audio_priming = 0;
  return encoder;
}

static GstElement *
make_appsink (TribunaProgram *self,
              const char     *name)
{
  GstElement *sink = gst_element_factory_make ("appsink", name);
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };

  /* Never synced here: a file is paced at its head (make_pacer), so the raw
   * queues between it and the encoder stay empty. */
  g_object_set (sink, "sync", FALSE, "emit-signals", FALSE, "max-buffers", 0,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  return sink;
}

static gboolean
build_video_encode (TribunaProgram  *self,
                    GstElement      *first,
                    gboolean         with_clock,
                    GError         **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  GstElement *encoder;
  GstElement *pacer;

  encoder = make_video_encoder (self, error);
  if (encoder == NULL)
    return FALSE;

  if (first != NULL)
    g_ptr_array_add (chain, first);
  if ((pacer = make_pacer (self, "video-pacer")) != NULL)
    g_ptr_array_add (chain, pacer);
  g_ptr_array_add (chain, make_raw_video_queue ("video-queue"));
  g_ptr_array_add (chain, gst_element_factory_make ("videoconvert", NULL));
  g_ptr_array_add (chain, gst_element_factory_make ("videoscale", NULL));
  g_ptr_array_add (chain, gst_element_factory_make ("videorate", NULL));
  g_ptr_array_add (chain, make_caps_filter ("video-format",
                                            gst_caps_new_simple ("video/x-raw",
                                                                 "format", G_TYPE_STRING, "I420",
                                                                 "width", G_TYPE_INT, self->format.width,
                                                                 "height", G_TYPE_INT, self->format.height,
                                                                 "framerate", GST_TYPE_FRACTION, self->format.framerate, 1,
                                                                 "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                                                 NULL)));
  if (with_clock && tribuna_element_available ("clockoverlay"))
    {
      /* A burnt-in wall clock: frozen video is visible at a glance. */
      GstElement *clock = gst_element_factory_make ("clockoverlay", "clock");

      g_object_set (clock, "time-format", "%H:%M:%S", "halignment", 2 /* right */,
                    "valignment", 2 /* top */, "shaded-background", TRUE,
                    "font-desc", "Sans Bold 28", NULL);
      g_ptr_array_add (chain, clock);
    }
  else if (with_clock)
    g_warning ("clockoverlay is not installed (Debian package gstreamer1.0-x): "
               "the test pattern has no burnt-in clock");
  g_ptr_array_add (chain, make_raw_video_queue ("encoder-queue"));
  g_ptr_array_add (chain, encoder);
  g_ptr_array_add (chain, gst_element_factory_make ("h264parse", NULL));
  g_ptr_array_add (chain, make_caps_filter ("h264-format",
                                            gst_caps_new_simple ("video/x-h264",
                                                                 "stream-format", G_TYPE_STRING, "avc",
                                                                 "alignment", G_TYPE_STRING, "au",
                                                                 NULL)));
  self->video_sink = make_appsink (self, "video-sink");
  g_ptr_array_add (chain, self->video_sink);

  self->video_branch = first != NULL ? first : g_ptr_array_index (chain, 0);
  return add_chain (bin, (GstElement **) chain->pdata, chain->len, error);
}

static gboolean
build_audio_encode (TribunaProgram  *self,
                    GstElement      *first,
                    GError         **error)
{
  GstElement *chain[8];
  guint n = 0;
  GstElement *encoder = make_audio_encoder (self, error);
  GstElement *pacer;

  if (encoder == NULL)
    return FALSE;

  if (first != NULL)
    chain[n++] = first;
  if ((pacer = make_pacer (self, "audio-pacer")) != NULL)
    chain[n++] = pacer;
  chain[n++] = gst_element_factory_make ("queue", "audio-queue");
  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = gst_element_factory_make ("audioresample", NULL);
  chain[n++] = make_caps_filter ("audio-format",
                                 gst_caps_new_simple ("audio/x-raw",
                                                      "rate", G_TYPE_INT, 48000,
                                                      "channels", G_TYPE_INT, 2, NULL));
  chain[n++] = encoder;
  chain[n++] = gst_element_factory_make ("aacparse", NULL);

  self->audio_sink = make_appsink (self, "audio-sink");
  self->audio_branch = chain[0];
  if (!add_chain (GST_BIN (self->pipeline), chain, n, error))
    return FALSE;

  gst_bin_add (GST_BIN (self->pipeline), self->audio_sink);
  return gst_element_link (chain[n - 1], self->audio_sink);
}

static GstElement *
make_test_tone (TribunaProgram *self)
{
  GstElement *tone = gst_element_factory_make ("audiotestsrc", "test-tone");

  /* -20 dBFS, 1 kHz: audible on the meters, not painful in the hall. */
  g_object_set (tone, "is-live", self->live, "freq", 1000.0, "volume", 0.1, NULL);
  return tone;
}

static gboolean
build_test_source (TribunaProgram  *self,
                   GError         **error)
{
  GstElement *video = gst_element_factory_make ("videotestsrc", "test-pattern");

  self->live = TRUE;
  gst_util_set_object_arg (G_OBJECT (video), "pattern", self->source->location);
  /* A moving pattern, so a frozen picture cannot pass for a live one. */
  g_object_set (video, "is-live", TRUE, "horizontal-speed", 4, NULL);

  return build_video_encode (self, video, TRUE, error)
         && build_audio_encode (self, make_test_tone (self), error);
}

static void
on_decoded_pad (GstElement     *decodebin,
                GstPad         *pad,
                TribunaProgram *self)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  GstStructure *structure = caps ? gst_caps_get_structure (caps, 0) : NULL;
  const char *media = structure ? gst_structure_get_name (structure) : "";
  GstElement *target = NULL;
  g_autoptr(GstPad) sink_pad = NULL;

  if (g_str_has_prefix (media, "video/"))
    target = self->video_branch;
  else if (g_str_has_prefix (media, "audio/"))
    target = self->audio_branch;

  sink_pad = target ? gst_element_get_static_pad (target, "sink") : NULL;
  if (sink_pad == NULL || gst_pad_is_linked (sink_pad))
    {
      /* A stream we do not use (a second video, or the file's sound while the
       * tone plays): sink it, or its not-linked flow would stop the decoder. */
      GstElement *fakesink = gst_element_factory_make ("fakesink", NULL);

      g_object_set (fakesink, "sync", FALSE, "async", FALSE, NULL);
      gst_bin_add (GST_BIN (self->pipeline), fakesink);
      gst_element_sync_state_with_parent (fakesink);
      g_clear_object (&sink_pad);
      sink_pad = gst_element_get_static_pad (fakesink, "sink");
    }

  if (gst_pad_link (pad, sink_pad) != GST_PAD_LINK_OK)
    g_warning ("source %s: cannot link its %s stream", self->source->name, media);
}

/* Whether the file or camera brings sound; also the first, clear check that it plays. */
static gboolean
discover_audio (TribunaProgram  *self,
                const char      *uri,
                gboolean        *has_audio,
                GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GstDiscoverer) discoverer = gst_discoverer_new (DISCOVER_TIMEOUT, &local_error);
  g_autoptr(GstDiscovererInfo) info = NULL;
  GList *audio;

  if (discoverer != NULL)
    info = gst_discoverer_discover_uri (discoverer, uri, &local_error);
  if (info == NULL || gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK)
    {
      g_set_error (error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_SOURCE,
                   "source %s: cannot play %s: %s", self->source->name, self->source->uri,
                   local_error ? local_error->message : "no playable streams");
      return FALSE;
    }

  audio = gst_discoverer_info_get_audio_streams (info);
  *has_audio = audio != NULL;
  gst_discoverer_stream_info_list_free (audio);
  return TRUE;
}

/* libav decoders start a frame thread per core, each with frames of its own;
 * one camera's stream decodes in real time on one thread, and the other core
 * is the encoder's. */
static void
on_decoder_added (GstBin     *bin,
                  GstBin     *sub_bin,
                  GstElement *element,
                  gpointer    user_data)
{
  GstElementFactory *factory = gst_element_get_factory (element);

  if (factory != NULL && g_str_has_prefix (GST_OBJECT_NAME (factory), "avdec_")
      && g_object_class_find_property (G_OBJECT_GET_CLASS (element), "max-threads") != NULL)
    g_object_set (element, "max-threads", 1, NULL);
}

static gboolean
build_decoded_source (TribunaProgram  *self,
                      GError         **error)
{
  g_autofree char *uri = NULL;
  gboolean has_audio = FALSE;
  GstElement *decodebin;

  if (self->source->kind == TRIBUNA_SOURCE_KIND_V4L2)
    uri = g_strconcat ("v4l2://", self->source->location, NULL);
  else
    uri = g_strdup (self->source->uri);

  if (self->source->kind != TRIBUNA_SOURCE_KIND_V4L2 && !discover_audio (self, uri, &has_audio, error))
    return FALSE;

  self->live = self->source->kind != TRIBUNA_SOURCE_KIND_FILE;
  decodebin = gst_element_factory_make ("uridecodebin", "source");
  g_object_set (decodebin, "uri", uri, NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decoded_pad), self);
  g_signal_connect (decodebin, "deep-element-added", G_CALLBACK (on_decoder_added), self);
  gst_bin_add (GST_BIN (self->pipeline), decodebin);

  if (!build_video_encode (self, NULL, FALSE, error))
    return FALSE;
  if (has_audio)
    return build_audio_encode (self, NULL, error);

  if (!build_audio_encode (self, make_test_tone (self), error))
    return FALSE;
  self->audio_branch = NULL;   /* the tone took it; the source's sound is not used */
  return TRUE;
}

/* Running */

static void
loop_file (TribunaProgram *self,
           GstSeekFlags    flags)
{
  /* A file stands in for a camera: it plays again from the start, on the
   * same running time, so the outputs never see the seam. */
  if (!gst_element_seek (self->pipeline, 1.0, GST_FORMAT_TIME, flags | GST_SEEK_FLAG_SEGMENT,
                         GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE))
    g_warning ("source %s: cannot loop the file", self->source->name);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TribunaProgram *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;
        g_autofree char *text = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("program error from %s: %s", GST_OBJECT_NAME (message->src), debug);
        text = g_strdup_printf ("%s (%s)", error->message, GST_OBJECT_NAME (message->src));
        set_error (self, text);
        gst_element_set_state (self->pipeline, GST_STATE_NULL);
      }
      break;

    case GST_MESSAGE_EOS:
      set_error (self, "the source ended");
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      break;

    case GST_MESSAGE_SEGMENT_DONE:
      loop_file (self, GST_SEEK_FLAG_NONE);
      break;

    case GST_MESSAGE_STATE_CHANGED:
      if (message->src == GST_OBJECT (self->pipeline))
        {
          GstState new_state;

          gst_message_parse_state_changed (message, NULL, &new_state, NULL);
          if (new_state == GST_STATE_PLAYING && !self->live)
            start_pacing (self);
          if (new_state == GST_STATE_PLAYING && self->state == TRIBUNA_PROGRAM_STARTING)
            set_state (self, TRIBUNA_PROGRAM_RUNNING);
        }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
build_pipeline (TribunaProgram  *self,
                GError         **error)
{
  self->pipeline = gst_pipeline_new ("program");

  if (self->source->kind == TRIBUNA_SOURCE_KIND_TEST)
    return build_test_source (self, error);

  return build_decoded_source (self, error);
}

gboolean
tribuna_program_start (TribunaProgram  *self,
                       GError         **error)
{
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), FALSE);
  g_return_val_if_fail (self->pipeline == NULL, FALSE);

  set_state (self, TRIBUNA_PROGRAM_STARTING);
  if (!build_pipeline (self, &local_error))
    goto failed;

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);

  if (!self->live)
    {
      if (gst_element_set_state (self->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE
          || gst_element_get_state (self->pipeline, NULL, NULL, 10 * GST_SECOND) == GST_STATE_CHANGE_FAILURE)
        goto state_failed;
      loop_file (self, GST_SEEK_FLAG_FLUSH);
    }

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    goto state_failed;

  return TRUE;

state_failed:
  g_set_error (&local_error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_PIPELINE,
               "source %s (%s) cannot start%s%s", self->source->name, self->source->uri,
               self->last_error ? ": " : "", self->last_error ? self->last_error : "");

failed:
  set_error (self, local_error->message);
  tribuna_program_stop (self);
  self->state = TRIBUNA_PROGRAM_FAILED;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

void
tribuna_program_stop (TribunaProgram *self)
{
  g_autoptr(GstBus) bus = NULL;

  g_return_if_fail (TRIBUNA_IS_PROGRAM (self));

  if (self->pipeline == NULL)
    return;

  g_mutex_lock (&self->feeds_lock);
  for (guint i = 0; i < self->feeds->len; i++)
    tribuna_feed_end (g_ptr_array_index (self->feeds, i));
  self->feeds_epoch_us = 0;   /* a new start has a new base time */
  g_mutex_unlock (&self->feeds_lock);

  if (gst_element_set_state (self->pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the program pipeline did not stop cleanly");
  bus = gst_element_get_bus (self->pipeline);
  gst_bus_set_flushing (bus, TRUE);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  self->video_sink = NULL;
  self->audio_sink = NULL;
  self->video_branch = NULL;
  self->audio_branch = NULL;
  gst_clear_object (&self->pipeline);

  if (self->state != TRIBUNA_PROGRAM_FAILED)
    set_state (self, TRIBUNA_PROGRAM_STOPPED);
}

void
tribuna_program_add_feed (TribunaProgram *self,
                          TribunaFeed    *feed)
{
  g_return_if_fail (TRIBUNA_IS_PROGRAM (self));
  g_return_if_fail (TRIBUNA_IS_FEED (feed));

  g_signal_connect_object (feed, "keyframe-needed", G_CALLBACK (on_keyframe_needed), self, 0);

  g_mutex_lock (&self->feeds_lock);
  tribuna_feed_set_caps (feed, self->video_caps, self->audio_caps);
  tribuna_feed_set_epoch_us (feed, self->feeds_epoch_us);
  g_ptr_array_add (self->feeds, g_object_ref (feed));
  g_mutex_unlock (&self->feeds_lock);
}

void
tribuna_program_remove_feed (TribunaProgram *self,
                             TribunaFeed    *feed)
{
  g_return_if_fail (TRIBUNA_IS_PROGRAM (self));
  g_return_if_fail (TRIBUNA_IS_FEED (feed));

  g_signal_handlers_disconnect_by_data (feed, self);

  g_mutex_lock (&self->feeds_lock);
  g_ptr_array_remove (self->feeds, feed);
  g_mutex_unlock (&self->feeds_lock);
}

TribunaProgramState
tribuna_program_get_state (TribunaProgram *self)
{
  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), TRIBUNA_PROGRAM_FAILED);

  return self->state;
}

const char *
tribuna_program_get_last_error (TribunaProgram *self)
{
  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), NULL);

  return self->last_error;
}

/* Now, on the program's clock: the time axis markers are stamped with. */
GstClockTime
tribuna_program_get_running_time (TribunaProgram *self)
{
  g_autoptr(GstClock) clock = NULL;

  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), GST_CLOCK_TIME_NONE);

  if (self->pipeline == NULL || self->state != TRIBUNA_PROGRAM_RUNNING)
    return GST_CLOCK_TIME_NONE;

  clock = gst_element_get_clock (self->pipeline);
  if (clock == NULL)
    return GST_CLOCK_TIME_NONE;

  return gst_clock_get_time (clock) - gst_element_get_base_time (self->pipeline);
}

gint64
tribuna_program_get_epoch_us (TribunaProgram *self)
{
  gint64 epoch_us;

  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), 0);

  g_mutex_lock (&self->feeds_lock);
  epoch_us = self->feeds_epoch_us;
  g_mutex_unlock (&self->feeds_lock);

  return epoch_us;
}
