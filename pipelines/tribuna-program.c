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

#include "tribuna-card.h"
#include "tribuna-elements.h"
#include "tribuna-main-context.h"
#include "tribuna-private-encode.h"
#include "tribuna-program.h"
#include "tribuna-video-util.h"

/* How long to wait for a file or camera to say what streams it has. */
#define DISCOVER_TIMEOUT (5 * GST_SECOND)

struct _TribunaProgram
{
  GObject               parent_instance;

  TribunaProgramFormat  format;
  GListStore           *sources;          /* TribunaSourcePipeline, in config order */
  TribunaVideoMixer    *video_mixer;
  TribunaAudioMixer    *audio_mixer;
  GstBuffer            *slate_card;
  GstElement           *preview_valve;
  gboolean              previews_enabled;
  TribunaLowerThird    *lower_third;      /* NULL: no overlays */
  gboolean              with_clock;

  GstElement           *pipeline;
  GstElement           *video_sink;
  GstElement           *audio_sink;
  GstElement           *audio_branch;   /* where the mixed sound links into its encode */
  guint                 bus_watch;

  TribunaProgramState   state;
  char                 *last_error;

  /* Shared with the appsink streaming threads */
  GMutex                feeds_lock;
  gint64                feeds_epoch_us;   /* 0 until the first encoded buffer */
  GPtrArray            *feeds;
  GstCaps              *video_caps;
  GstCaps              *audio_caps;
  GstClockTime          audio_priming;    /* set before the pipeline starts */
  GstBuffer            *last_frame;       /* the latest mixed frame, for snapshots */
  GstCaps              *mixer_caps;

  /* The private part: public outputs take the slate's own encode (under feeds_lock) */
  GPtrArray            *public_feeds;     /* feeds of outputs the public sees */
  GPtrArray            *private_feeds;    /* those of them on the slate encode now */
  int                   switching;        /* Switching, read atomically by the probe */
  GstClockTime          switch_pts;
  GstCaps              *private_video_caps;
  GstCaps              *private_audio_caps;
  gboolean              is_private;       /* main context only */
  TribunaPrivateEncode *private_encode;   /* while private */
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

typedef enum {
  SWITCH_NONE,
  SWITCH_TO_SLATE,     /* at the slate encode's first keyframe */
  SWITCH_TO_PROGRAM,   /* at the program encode's next keyframe */
} Switching;

enum {
  SIGNAL_LEVELS,
  SIGNAL_PREVIEW_FRAME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define PROGRAM_PREVIEW_WIDTH 640
#define PROGRAM_PREVIEW_HEIGHT 360
#define DEFAULT_SLATE_TITLE "Pushim"
#define DEFAULT_SLATE_SUBTITLE "Seanca vazhdon së shpejti"

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
  g_clear_pointer (&self->public_feeds, g_ptr_array_unref);
  g_clear_pointer (&self->private_feeds, g_ptr_array_unref);
  gst_clear_caps (&self->private_video_caps);
  gst_clear_caps (&self->private_audio_caps);
  g_clear_object (&self->private_encode);
  gst_clear_caps (&self->video_caps);
  gst_clear_caps (&self->audio_caps);
  g_mutex_clear (&self->feeds_lock);
  g_clear_object (&self->sources);
  g_clear_object (&self->video_mixer);
  g_clear_object (&self->audio_mixer);
  g_clear_object (&self->lower_third);
  g_clear_pointer (&self->slate_card, gst_buffer_unref);
  gst_clear_buffer (&self->last_frame);
  gst_clear_caps (&self->mixer_caps);
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

  /**
   * TribunaProgram::levels:
   * @source: the source's name, or %NULL for the program's mix
   * @levels: a #TribunaAudioLevels
   *
   * A meter reading, 20 a second for each source and for the mix, on the main context.
   */
  signals[SIGNAL_LEVELS] =
    g_signal_new ("levels", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, TRIBUNA_TYPE_AUDIO_LEVELS);
  /**
   * TribunaProgram::preview-frame:
   * @source: the source's name, or %NULL for the program (640x360; sources 320x180)
   * @frame: a #TribunaPreviewFrame
   *
   * A preview picture, at most 10 a second each, on the main context, while
   * previews are enabled.
   */
  signals[SIGNAL_PREVIEW_FRAME] =
    g_signal_new ("preview-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, TRIBUNA_TYPE_PREVIEW_FRAME);
}

static void
tribuna_program_init (TribunaProgram *self)
{
  g_mutex_init (&self->feeds_lock);
  self->feeds = g_ptr_array_new_with_free_func (g_object_unref);
  self->sources = g_list_store_new (TRIBUNA_TYPE_SOURCE_PIPELINE);
  self->public_feeds = g_ptr_array_new_with_free_func (g_object_unref);
  self->private_feeds = g_ptr_array_new_with_free_func (g_object_unref);
  self->switch_pts = GST_CLOCK_TIME_NONE;
}

static void
on_levels (TribunaAudioMixer  *mixer,
           const char         *source,
           TribunaAudioLevels *levels,
           TribunaProgram     *self)
{
  g_signal_emit (self, signals[SIGNAL_LEVELS], 0, source, levels);
}

static void
on_source_preview (TribunaSourcePipeline *source,
                   TribunaPreviewFrame   *frame,
                   TribunaProgram        *self)
{
  g_signal_emit (self, signals[SIGNAL_PREVIEW_FRAME], 0,
                 tribuna_source_pipeline_get_name (source), frame);
}

static gboolean
tone_in_use (TribunaProgram *self,
             int             hertz)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      const TribunaSourceConfig *config = g_object_get_data (G_OBJECT (source), "tribuna-config");

      if (config->tone_hz == hertz)
        return TRUE;
    }
  return FALSE;
}

/* Each test source its own pitch: two on one pitch add up to anything between twice the
 * level and silence, by the chance of their phases (and a test source is told apart by ear). */
static int
choose_test_tone (TribunaProgram *self)
{
  static const int pitches[] = { TRIBUNA_SOURCE_TONE_DEFAULT_HZ, 500, 1500, 750, 1250, 2000,
                                 625, 875, 1125, 1375, 1750, 2500 };

  for (guint i = 0; i < G_N_ELEMENTS (pitches); i++)
    if (!tone_in_use (self, pitches[i]))
      return pitches[i];
  return TRIBUNA_SOURCE_TONE_DEFAULT_HZ;   /* a thirteenth test source: beyond any hall */
}

static TribunaSourcePipeline *
make_source (TribunaProgram            *self,
             const TribunaSourceConfig *config)
{
  TribunaSourceConfig *own = tribuna_source_config_copy (config);
  TribunaSourcePipeline *source;

  if (own->tone_hz == TRIBUNA_SOURCE_TONE_AUTO)
    own->tone_hz = choose_test_tone (self);
  source = tribuna_source_pipeline_new (own, self->format.width, self->format.height,
                                        self->format.framerate);
  g_object_set_data_full (G_OBJECT (source), "tribuna-config", own,
                          (GDestroyNotify) tribuna_source_config_free);
  g_signal_connect_object (source, "preview-frame", G_CALLBACK (on_source_preview), self, 0);
  tribuna_source_pipeline_set_preview_enabled (source, self->previews_enabled);
  return source;
}

TribunaProgram *
tribuna_program_new_with_sources (const TribunaProgramFormat *format,
                                  GPtrArray                  *sources)
{
  TribunaProgram *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (sources != NULL && sources->len > 0, NULL);

  self = g_object_new (TRIBUNA_TYPE_PROGRAM, NULL);
  self->format = *format;
  self->format.encoder_preset = g_strdup (format->encoder_preset);
  self->video_mixer = tribuna_video_mixer_new (format->width, format->height, format->framerate);
  self->audio_mixer = tribuna_audio_mixer_new ();
  g_signal_connect_object (self->audio_mixer, "levels", G_CALLBACK (on_levels), self, 0);
  self->slate_card = tribuna_card_render_i420 (format->width, format->height, DEFAULT_SLATE_TITLE,
                                               DEFAULT_SLATE_SUBTITLE, NULL, &error);

  for (guint i = 0; i < sources->len; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = make_source (self, g_ptr_array_index (sources, i));

      g_list_store_append (self->sources, source);
    }

  return self;
}

TribunaProgram *
tribuna_program_new (const TribunaProgramFormat *format,
                     const TribunaSourceConfig  *source)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();

  g_return_val_if_fail (source != NULL, NULL);

  g_ptr_array_add (sources, (gpointer) source);
  return tribuna_program_new_with_sources (format, sources);
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

  /* Never synced here: the program is live, paced by its mixer. */
  g_object_set (sink, "sync", FALSE, "emit-signals", FALSE, "max-buffers", 0,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  return sink;
}

static GstPadProbeReturn on_program_frame (GstPad *pad, GstPadProbeInfo *info, gpointer user_data);

static void
watch_program_frames (TribunaProgram *self)
{
  g_autoptr(GstPad) pad = gst_element_get_static_pad (self->video_sink, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_program_frame, self, NULL);
}

/* tee ─► queue ─► x264enc ─► h264parse ─► appsink
 *
 * The mixer's capsfilter has already made the frames the program's format, size
 * and rate: nothing to convert. One queue, so the encoder has a thread of its own
 * and the mixer never waits on it; three frames, not queue's default 10 MB. */
static gboolean
build_video_encode (TribunaProgram  *self,
                    GstElement      *tee,
                    GError         **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  GstElement *encoder;

  encoder = make_video_encoder (self, error);
  if (encoder == NULL)
    return FALSE;

  g_ptr_array_add (chain, tee);
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
  watch_program_frames (self);

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

  if (encoder == NULL)
    return FALSE;

  if (first != NULL)
    chain[n++] = first;
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

/* The mixed program: every source in a pipeline of its own, handing frames over */

static GstFlowReturn
on_preview_sample (GstAppSink *appsink,
                   gpointer    user_data);

static void
add_source_inputs (TribunaProgram        *self,
                   TribunaSourcePipeline *source)
{
  const char *name = tribuna_source_pipeline_get_name (source);
  GstElement *audio = tribuna_audio_mixer_add_input (self->audio_mixer, name, G_OBJECT (source));

  /* A microphone has no compositor pad: nothing to cut to, nothing to blend. */
  if (tribuna_source_pipeline_has_picture (source))
    {
      GstElement *video = tribuna_video_mixer_add_input (self->video_mixer, name);

      g_object_set_data_full (G_OBJECT (source), "tribuna-video-input", gst_object_ref (video),
                              gst_object_unref);
    }
  g_object_set_data_full (G_OBJECT (source), "tribuna-audio-input", gst_object_ref (audio),
                          gst_object_unref);
}

static void
start_source (TribunaProgram        *self,
              TribunaSourcePipeline *source)
{
  tribuna_source_pipeline_start (source, self->pipeline,
                                 g_object_get_data (G_OBJECT (source), "tribuna-video-input"),
                                 g_object_get_data (G_OBJECT (source), "tribuna-audio-input"));
}

static void
start_sources (TribunaProgram *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      start_source (self, source);
    }
}

/* A file that is not there fails the start with a message naming it; whatever
 * else goes wrong with a source later shows as its "no signal" card. */
static gboolean
check_sources (TribunaProgram  *self,
               GError         **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      const TribunaSourceConfig *config = g_object_get_data (G_OBJECT (source), "tribuna-config");

      if (config->kind == TRIBUNA_SOURCE_KIND_FILE
          && !g_file_test (config->location, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_SOURCE,
                       "source %s: cannot play %s: no such file", config->name, config->uri);
          return FALSE;
        }
    }

  return TRUE;
}

static GstPadProbeReturn
on_mixed_frame (GstPad          *pad,
                GstPadProbeInfo *info,
                gpointer         user_data)
{
  TribunaProgram *self = user_data;

  /* A reference, not a copy: a snapshot costs nothing until one is asked for. */
  g_mutex_lock (&self->feeds_lock);
  gst_buffer_replace (&self->last_frame, GST_PAD_PROBE_INFO_BUFFER (info));
  g_mutex_unlock (&self->feeds_lock);
  return GST_PAD_PROBE_OK;
}

/* On the tee, after every overlay drew in place: a reference taken before them
 * would make each frame read-only and cost a copy. */
static void
keep_last_frame (TribunaProgram *self,
                 GstElement     *filter,
                 GstElement     *tee)
{
  g_autoptr(GstPad) pad = gst_element_get_static_pad (tee, "sink");
  GstCaps *caps = NULL;

  g_object_get (filter, "caps", &caps, NULL);
  gst_caps_take (&self->mixer_caps, caps);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_mixed_frame, self, NULL);
}

/* compositor ─► caps ─► [lower third and logo] ─► [clock] ─► tee. The overlays are
 * optional elements: a program without them still runs, and says so. */
static gboolean
link_overlays (TribunaProgram  *self,
               GstElement      *compositor,
               GstElement      *filter,
               GstElement      *tee,
               GError         **error)
{
  GstElement *last = filter;
  g_autoptr(GError) local_error = NULL;

  if (!gst_element_link (compositor, filter))
    {
      g_set_error (error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_PIPELINE,
                   "cannot link the mixer to its format");
      return FALSE;
    }

  if (self->lower_third != NULL)
    {
      GstElement *overlay = tribuna_lower_third_build (self->lower_third,
                                                       GST_BIN (self->pipeline), &local_error);

      if (overlay != NULL && gst_element_link (last, overlay))
        last = overlay;
      else if (overlay == NULL)
        g_warning ("no lower third or logo on the program: %s", local_error->message);
    }

  if (self->with_clock && tribuna_element_available ("clockoverlay"))
    {
      GstElement *clock = gst_element_factory_make ("clockoverlay", "program-clock");

      g_object_set (clock, "time-format", "%H:%M", "halignment", 2 /* right */,
                    "valignment", 2 /* top */, "shaded-background", TRUE,
                    "font-desc", "DejaVu Sans Bold 20", NULL);
      gst_bin_add (GST_BIN (self->pipeline), clock);
      gst_element_link (last, clock);
      last = clock;
    }
  else if (self->with_clock)
    g_warning ("clockoverlay is not installed (Debian package gstreamer1.0-x): "
               "the program has no clock");

  return gst_element_link (last, tee);
}

static gboolean
build_mixed_video (TribunaProgram  *self,
                   GError         **error)
{
  GstAppSinkCallbacks preview_callbacks = { .new_sample = on_preview_sample };
  GstElement *compositor, *filter, *tee, *preview_sink;

  compositor = tribuna_video_mixer_build (self->video_mixer, GST_BIN (self->pipeline),
                                          self->slate_card, error);
  if (compositor == NULL)
    return FALSE;

  filter = make_caps_filter ("mixer-format",
                             gst_caps_new_simple ("video/x-raw",
                                                  "format", G_TYPE_STRING, "I420",
                                                  "width", G_TYPE_INT, self->format.width,
                                                  "height", G_TYPE_INT, self->format.height,
                                                  "framerate", GST_TYPE_FRACTION, self->format.framerate, 1,
                                                  "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                                  NULL));
  tee = gst_element_factory_make ("tee", "program-tee");
  keep_last_frame (self, filter, tee);
  gst_bin_add (GST_BIN (self->pipeline), filter);
  if (!build_video_encode (self, tee, error))
    return FALSE;
  if (!link_overlays (self, compositor, filter, tee, error))
    return FALSE;

  self->preview_valve = tribuna_preview_branch_new (GST_BIN (self->pipeline), PROGRAM_PREVIEW_WIDTH,
                                                    PROGRAM_PREVIEW_HEIGHT, &preview_callbacks,
                                                    self, &preview_sink);
  g_object_set (self->preview_valve, "drop", !self->previews_enabled, NULL);
  gst_element_link (tee, self->preview_valve);
  return TRUE;
}

static gboolean
build_mixed_audio (TribunaProgram  *self,
                   GError         **error)
{
  GstElement *mix = tribuna_audio_mixer_build (self->audio_mixer, GST_BIN (self->pipeline), error);

  if (mix == NULL || !build_audio_encode (self, NULL, error))
    return FALSE;

  return gst_element_link (mix, self->audio_branch);
}

static gboolean
build_mixed (TribunaProgram  *self,
             GError         **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  if (!check_sources (self, error) || !build_mixed_video (self, error)
      || !build_mixed_audio (self, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      add_source_inputs (self, source);
    }

  return TRUE;
}

/* Running */

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

    case GST_MESSAGE_ELEMENT:
      tribuna_audio_mixer_handle_message (self->audio_mixer, message);
      break;

    case GST_MESSAGE_STATE_CHANGED:
      if (message->src == GST_OBJECT (self->pipeline))
        {
          GstState new_state;

          gst_message_parse_state_changed (message, NULL, &new_state, NULL);
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
  g_autoptr(GstClock) clock = gst_system_clock_obtain ();

  self->pipeline = gst_pipeline_new ("program");
  /* The sources' pipelines run on the same clock: their frames are restamped
   * onto this pipeline's running time by plain arithmetic. */
  gst_pipeline_use_clock (GST_PIPELINE (self->pipeline), clock);

  return build_mixed (self, error);
}

/* The private part.
 *
 * While private, the feeds marked public (the RTMP destinations) leave the
 * program's encode and take the slate's own, cheap one (a still picture and
 * silence, encoded by an encoder set up as the program's, so the stream's
 * parameters stay the same), while the recorder keeps the hall. Each switch
 * happens at a keyframe of the encode switched to: the slate encode's first
 * frame, the program encode's next one (asked for), so a viewer's decoder
 * never gets a frame it cannot decode. */

/* Called with feeds_lock held. */
static void
move_public_feeds (TribunaProgram *self,
                   GPtrArray      *from,
                   GPtrArray      *to,
                   GstCaps        *video_caps,
                   GstCaps        *audio_caps)
{
  for (guint i = 0; i < self->public_feeds->len; i++)
    {
      TribunaFeed *feed = g_ptr_array_index (self->public_feeds, i);
      guint index;

      if (!g_ptr_array_find (from, feed, &index))
        continue;
      g_ptr_array_add (to, g_ptr_array_steal_index (from, index));
      tribuna_feed_set_caps (feed, video_caps, audio_caps);
    }
}

static GstBuffer *
running_time_copy (GstSample *sample)
{
  GstSegment *segment = gst_sample_get_segment (sample);
  GstBuffer *buffer = gst_buffer_copy (gst_sample_get_buffer (sample));

  if (GST_BUFFER_PTS_IS_VALID (buffer))
    GST_BUFFER_PTS (buffer) = gst_segment_to_running_time (segment, GST_FORMAT_TIME,
                                                           GST_BUFFER_PTS (buffer));
  if (GST_BUFFER_DTS_IS_VALID (buffer))
    GST_BUFFER_DTS (buffer) = gst_segment_to_running_time (segment, GST_FORMAT_TIME,
                                                           GST_BUFFER_DTS (buffer));
  return buffer;
}

/* The slate encode's output, on its streaming threads: what on_new_sample does
 * for the program's encode, for the feeds moved here. */
static void
on_private_sample (GstSample *sample,
                   gboolean   is_video,
                   gpointer   user_data)
{
  TribunaProgram *self = user_data;
  GstBuffer *buffer = running_time_copy (sample);
  gboolean caps_changed;

  g_mutex_lock (&self->feeds_lock);
  caps_changed = gst_caps_replace (is_video ? &self->private_video_caps
                                            : &self->private_audio_caps,
                                   gst_sample_get_caps (sample));
  if (is_video && self->switching == SWITCH_TO_SLATE
      && !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
    {
      move_public_feeds (self, self->feeds, self->private_feeds, self->private_video_caps,
                         self->private_audio_caps);
      self->switch_pts = GST_BUFFER_PTS (buffer);
      g_atomic_int_set (&self->switching, SWITCH_NONE);
      caps_changed = FALSE;
    }

  /* Sound from before the switch would step back in time on the outputs. */
  if (self->switching != SWITCH_TO_SLATE
      && (is_video || !GST_CLOCK_TIME_IS_VALID (self->switch_pts)
          || GST_BUFFER_PTS (buffer) >= self->switch_pts))
    for (guint i = 0; i < self->private_feeds->len; i++)
      {
        TribunaFeed *feed = g_ptr_array_index (self->private_feeds, i);

        if (caps_changed)
          tribuna_feed_set_caps (feed, is_video ? self->private_video_caps : NULL,
                                 is_video ? NULL : self->private_audio_caps);
        if (is_video)
          tribuna_feed_push_video (feed, buffer);
        else
          tribuna_feed_push_audio (feed, buffer);
      }
  g_mutex_unlock (&self->feeds_lock);
  gst_buffer_unref (buffer);
}

static gboolean
remove_private_encode (gpointer user_data)
{
  TribunaProgram *self = user_data;

  /* Private again by now: the encode is still wanted. */
  if (!self->is_private && self->private_encode != NULL)
    tribuna_private_encode_remove (self->private_encode);
  return G_SOURCE_REMOVE;
}

/* Before the program's encoded frame reaches on_new_sample: at the keyframe
 * asked for, the public feeds come back to the program. */
static GstPadProbeReturn
on_program_frame (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  TribunaProgram *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  if (g_atomic_int_get (&self->switching) != SWITCH_TO_PROGRAM
      || GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
    return GST_PAD_PROBE_OK;

  g_mutex_lock (&self->feeds_lock);
  move_public_feeds (self, self->private_feeds, self->feeds, self->video_caps, self->audio_caps);
  self->switch_pts = GST_CLOCK_TIME_NONE;
  g_atomic_int_set (&self->switching, SWITCH_NONE);
  g_mutex_unlock (&self->feeds_lock);

  tribuna_main_context_post (NULL, remove_private_encode, g_object_ref (self), g_object_unref);
  return GST_PAD_PROBE_OK;
}

static void
begin_private_encode (TribunaProgram *self)
{
  g_autoptr(GError) error = NULL;

  if (self->private_encode == NULL)
    {
      GstElement *video = make_video_encoder (self, &error);
      GstElement *audio = video ? make_audio_encoder (self, &error) : NULL;

      if (audio == NULL)
        {
          g_warning ("no slate encode for the private part: %s", error->message);
          gst_clear_object (&video);
          return;
        }
      self->private_encode = tribuna_private_encode_new (self->slate_card, self->mixer_caps,
                                                         video, audio, on_private_sample, self);
    }

  g_mutex_lock (&self->feeds_lock);
  g_atomic_int_set (&self->switching, SWITCH_TO_SLATE);
  g_mutex_unlock (&self->feeds_lock);
  tribuna_private_encode_remove (self->private_encode);
  tribuna_private_encode_add (self->private_encode, self->pipeline);
}

static void
leave_private_encode (TribunaProgram *self)
{
  gboolean switched;

  g_mutex_lock (&self->feeds_lock);
  switched = self->switching != SWITCH_TO_SLATE;
  g_atomic_int_set (&self->switching, switched ? SWITCH_TO_PROGRAM : SWITCH_NONE);
  g_mutex_unlock (&self->feeds_lock);

  if (switched)
    on_keyframe_needed (NULL, self);
  else if (self->private_encode != NULL)
    tribuna_private_encode_remove (self->private_encode);
}

/* With the pipeline going: everything back where it was. */
static void
end_private_encode (TribunaProgram *self)
{
  if (self->private_encode != NULL)
    tribuna_private_encode_remove (self->private_encode);

  g_mutex_lock (&self->feeds_lock);
  move_public_feeds (self, self->private_feeds, self->feeds, NULL, NULL);
  g_atomic_int_set (&self->switching, SWITCH_NONE);
  self->switch_pts = GST_CLOCK_TIME_NONE;
  g_mutex_unlock (&self->feeds_lock);
}

void
tribuna_program_set_private (TribunaProgram *self,
                             gboolean        is_private)
{
  g_return_if_fail (TRIBUNA_IS_PROGRAM (self));

  if (self->is_private == !!is_private)
    return;

  self->is_private = !!is_private;
  if (self->pipeline == NULL)
    return;   /* start() begins with the slate encode if still private */

  if (is_private)
    begin_private_encode (self);
  else
    leave_private_encode (self);
}

void
tribuna_program_set_feed_public (TribunaProgram *self,
                                 TribunaFeed    *feed,
                                 gboolean        is_public)
{
  g_return_if_fail (TRIBUNA_IS_PROGRAM (self));
  g_return_if_fail (TRIBUNA_IS_FEED (feed));

  g_mutex_lock (&self->feeds_lock);
  if (is_public && !g_ptr_array_find (self->public_feeds, feed, NULL))
    g_ptr_array_add (self->public_feeds, g_object_ref (feed));
  else if (!is_public)
    g_ptr_array_remove (self->public_feeds, feed);
  g_mutex_unlock (&self->feeds_lock);
}

static void
stop_sources (TribunaProgram *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      tribuna_source_pipeline_stop (source);
    }
}

/* The base time is set before the pipeline starts, and kept.
 *
 * Left to the pipeline, it is computed at PAUSED to PLAYING and handed to each
 * child as the bin reaches it; the clock is handed out first. A live mixer
 * (audiomixer, compositor) woken in between by an input's first events reads the
 * clock against a base time of 0, finds itself hours late and aggregates a burst
 * of silence up to a second ahead of real time: then no sound for that second,
 * and the program's first sound stamped early. Given before NULL to READY, every
 * child has the right base time from the start. */
static void
fix_base_time (TribunaProgram *self)
{
  g_autoptr(GstClock) clock = gst_pipeline_get_pipeline_clock (GST_PIPELINE (self->pipeline));

  gst_element_set_start_time (self->pipeline, GST_CLOCK_TIME_NONE);
  gst_element_set_base_time (self->pipeline, gst_clock_get_time (clock));
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

  fix_base_time (self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    goto state_failed;
  /* Live, so the pipeline is playing now and its base time is known: frames
   * can be stamped on it. The mixers wait for their inputs' first frames. */
  start_sources (self);
  if (self->is_private)
    begin_private_encode (self);

  return TRUE;

state_failed:
  g_set_error (&local_error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_PIPELINE,
               "the program cannot start%s%s",
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

  stop_sources (self);
  end_private_encode (self);
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
  self->audio_branch = NULL;
  self->preview_valve = NULL;
  tribuna_video_mixer_clear (self->video_mixer);
  tribuna_audio_mixer_clear (self->audio_mixer);
  if (self->lower_third != NULL)
    tribuna_lower_third_clear (self->lower_third);
  gst_clear_object (&self->pipeline);
  g_mutex_lock (&self->feeds_lock);
  gst_clear_buffer (&self->last_frame);
  g_mutex_unlock (&self->feeds_lock);

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
  g_ptr_array_remove (self->private_feeds, feed);
  g_ptr_array_remove (self->public_feeds, feed);
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

/* Vision and sound */

typedef struct {
  TribunaProgram      *self;
  TribunaPreviewFrame *frame;
} PreviewDelivery;

static gboolean
deliver_preview (gpointer user_data)
{
  PreviewDelivery *delivery = user_data;

  if (delivery->self->previews_enabled)
    g_signal_emit (delivery->self, signals[SIGNAL_PREVIEW_FRAME], 0, NULL, delivery->frame);
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
  TribunaProgram *self = user_data;
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
  tribuna_main_context_post (NULL, deliver_preview, delivery, free_delivery);
  return GST_FLOW_OK;
}

GListModel *
tribuna_program_get_sources (TribunaProgram *self)
{
  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), NULL);

  return G_LIST_MODEL (self->sources);
}

TribunaSourcePipeline *
tribuna_program_find_source (TribunaProgram *self,
                             const char     *name)
{
  guint n;

  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      if (g_str_equal (tribuna_source_pipeline_get_name (source), name))
        return source;   /* the store keeps its reference */
    }

  return NULL;
}

TribunaVideoMixer *
tribuna_program_get_video_mixer (TribunaProgram *self)
{
  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), NULL);
  return self->video_mixer;
}

TribunaAudioMixer *
tribuna_program_get_audio_mixer (TribunaProgram *self)
{
  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), NULL);
  return self->audio_mixer;
}

gboolean
tribuna_program_add_source (TribunaProgram             *self,
                            const TribunaSourceConfig  *config,
                            GError                    **error)
{
  g_autoptr(TribunaSourcePipeline) source = NULL;

  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  if (tribuna_program_find_source (self, config->name) != NULL)
    {
      g_set_error (error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_SOURCE,
                   "a source named “%s” is already there", config->name);
      return FALSE;
    }

  source = make_source (self, config);
  g_list_store_append (self->sources, source);
  /* start() starts the sources as soon as the pipeline plays, before the state says
   * running: a source added in between starts now too. */
  if (self->pipeline != NULL)
    {
      add_source_inputs (self, source);
      start_source (self, source);
    }
  return TRUE;
}

gboolean
tribuna_program_remove_source (TribunaProgram  *self,
                               const char      *name,
                               GError         **error)
{
  TribunaSourcePipeline *source;
  guint position;

  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), FALSE);

  source = tribuna_program_find_source (self, name);
  if (source == NULL || !g_list_store_find (self->sources, source, &position))
    {
      g_set_error (error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_SOURCE,
                   "there is no source named “%s”", name);
      return FALSE;
    }

  tribuna_source_pipeline_stop (source);
  if (self->pipeline != NULL)
    {
      if (tribuna_source_pipeline_has_picture (source))
        tribuna_video_mixer_remove_input (self->video_mixer, name);
      tribuna_audio_mixer_remove_input (self->audio_mixer, name);
    }
  g_list_store_remove (self->sources, position);
  return TRUE;
}

gboolean
tribuna_program_set_slate_card (TribunaProgram  *self,
                                const char      *title,
                                const char      *subtitle,
                                const char      *image_path,
                                GError         **error)
{
  GstBuffer *card;

  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), FALSE);
  g_return_val_if_fail (self->pipeline == NULL, FALSE);

  card = tribuna_card_render_i420 (self->format.width, self->format.height, title, subtitle,
                                   image_path, error);
  if (card == NULL)
    return FALSE;

  g_clear_pointer (&self->slate_card, gst_buffer_unref);
  self->slate_card = card;
  return TRUE;
}

void
tribuna_program_set_previews_enabled (TribunaProgram *self,
                                      gboolean        enabled)
{
  guint n;

  g_return_if_fail (TRIBUNA_IS_PROGRAM (self));

  self->previews_enabled = !!enabled;
  if (self->preview_valve != NULL)
    g_object_set (self->preview_valve, "drop", !self->previews_enabled, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      tribuna_source_pipeline_set_preview_enabled (source, enabled);
    }
}

GBytes *
tribuna_program_snapshot_jpeg (TribunaProgram  *self,
                               GError         **error)
{
  g_autoptr(GstSample) sample = NULL;

  g_return_val_if_fail (TRIBUNA_IS_PROGRAM (self), NULL);

  g_mutex_lock (&self->feeds_lock);
  sample = self->last_frame ? gst_sample_new (self->last_frame, self->mixer_caps, NULL, NULL)
                            : NULL;
  g_mutex_unlock (&self->feeds_lock);

  if (sample == NULL)
    {
      g_set_error (error, TRIBUNA_PROGRAM_ERROR, TRIBUNA_PROGRAM_ERROR_PIPELINE,
                   "the program has no picture yet");
      return NULL;
    }

  return tribuna_sample_to_jpeg (sample, error);
}

void
tribuna_program_set_overlays (TribunaProgram    *self,
                              TribunaLowerThird *lower_third,
                              gboolean           with_clock)
{
  g_return_if_fail (TRIBUNA_IS_PROGRAM (self));
  g_return_if_fail (lower_third == NULL || TRIBUNA_IS_LOWER_THIRD (lower_third));
  g_return_if_fail (self->pipeline == NULL);

  g_set_object (&self->lower_third, lower_third);
  self->with_clock = with_clock;
}
