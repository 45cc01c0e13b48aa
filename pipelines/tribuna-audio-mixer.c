/* tribuna-audio-mixer.c: the program's sound: per-source gain and mute, the mix, the meters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   appsrc (source 1) ─► level ─► volume ─┐
 *   appsrc (source 2) ─► level ─► volume ─┼─► audiomixer (live) ─► capsfilter ─► level ─► …
 *   audiotestsrc (silence, live) ─────────┘
 *
 * A source's meter reads what it delivers (before its fader: a muted microphone
 * still shows it is alive); the program's meter reads the mix. The silent input
 * keeps the mix running when every source is gone.
 */
#define G_LOG_DOMAIN "tribuna-audio-mixer"

#include "config.h"

#include <math.h>
#include <gst/app/gstappsrc.h>

#include "tribuna-audio-mixer.h"
#include "tribuna-elements.h"

#define MIXER_LATENCY (100 * GST_MSECOND)
/* 40 ms of sound per buffer, not audiomixer's 10 ms: a quarter of the buffers,
 * wake-ups and thread hops down to the encoder, for 40 ms more latency. */
#define MIX_BUFFER_DURATION (40 * GST_MSECOND)
#define SILENCE_SAMPLES_PER_BUFFER 1920

typedef struct {
  TribunaAudioMixer *mixer;
  char              *name;
  GObject           *source;
  GstElement        *appsrc;
  GstElement        *level;
  GstElement        *volume;
  GstPad            *pad;
} Input;

struct _TribunaAudioMixer
{
  GObject     parent_instance;

  GstBin     *bin;           /* not owned: the program's pipeline */
  GstElement *mixer;
  GstElement *program_level;
  GPtrArray  *inputs;        /* Input; main context only */
  gboolean    hall_muted;
  gboolean    meters;        /* the sources' meters, and the program's at full rate */
};

G_DEFINE_FINAL_TYPE (TribunaAudioMixer, tribuna_audio_mixer, G_TYPE_OBJECT)

enum {
  SIGNAL_LEVELS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GstCaps *
mix_caps (void)
{
  return gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, 48000, "channels", G_TYPE_INT, 2, NULL);
}

static GstElement *
make_level (const char *name)
{
  GstElement *level = gst_element_factory_make ("level", name);

  g_object_set (level, "interval", (guint64) TRIBUNA_AUDIO_METER_INTERVAL, NULL);
  return level;
}

/* Nobody watching: the sources' meters stay quiet and the program's reads 10
 * times a second, enough for the silence alarm; each reading is a bus message
 * and a wake-up of the main context. */
static void
apply_meters (TribunaAudioMixer *self)
{
  if (self->program_level != NULL)
    g_object_set (self->program_level, "interval",
                  (guint64) (self->meters ? TRIBUNA_AUDIO_METER_INTERVAL
                                          : 2 * TRIBUNA_AUDIO_METER_INTERVAL), NULL);
  for (guint i = 0; i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);

      g_object_set (input->level, "post-messages", self->meters, NULL);
    }
}

void
tribuna_audio_mixer_set_meters_enabled (TribunaAudioMixer *self,
                                        gboolean           enabled)
{
  g_return_if_fail (TRIBUNA_IS_AUDIO_MIXER (self));

  self->meters = !!enabled;
  apply_meters (self);
}

static void
update_volume (Input *input)
{
  double gain_db = 0.0;
  gboolean muted = FALSE;

  g_object_get (input->source, "gain-db", &gain_db, "muted", &muted, NULL);
  g_object_set (input->volume, "volume", pow (10.0, gain_db / 20.0),
                "mute", muted || input->mixer->hall_muted, NULL);
}

static void
on_source_notify (GObject    *source,
                  GParamSpec *pspec,
                  Input      *input)
{
  update_volume (input);
}

static void
input_free (Input *input)
{
  g_signal_handlers_disconnect_by_data (input->source, input);
  g_object_unref (input->source);
  gst_clear_object (&input->pad);
  g_free (input->name);
  g_free (input);
}

GstElement *
tribuna_audio_mixer_build (TribunaAudioMixer  *self,
                           GstBin             *bin,
                           GError            **error)
{
  GstElement *silence, *filter;
  g_autoptr(GstCaps) caps = mix_caps ();

  g_return_val_if_fail (TRIBUNA_IS_AUDIO_MIXER (self), NULL);

  self->mixer = tribuna_make_element ("audiomixer", "audio-mixer", error);
  if (self->mixer == NULL || !tribuna_element_available ("level"))
    {
      g_clear_object (&self->mixer);
      return tribuna_make_element ("level", NULL, error);   /* sets the error; NULL */
    }

  self->bin = bin;
  g_object_set (self->mixer, "latency", MIXER_LATENCY, "output-buffer-duration",
                (guint64) MIX_BUFFER_DURATION, NULL);
  silence = gst_element_factory_make ("audiotestsrc", "silence");
  g_object_set (silence, "wave", 4 /* silence */, "is-live", TRUE,
                "samplesperbuffer", SILENCE_SAMPLES_PER_BUFFER, NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (filter, "caps", caps, NULL);
  self->program_level = make_level ("program-level");

  gst_bin_add_many (bin, silence, self->mixer, filter, self->program_level, NULL);
  gst_element_link_filtered (silence, self->mixer, caps);
  gst_element_link_many (self->mixer, filter, self->program_level, NULL);
  apply_meters (self);
  return self->program_level;
}

GstElement *
tribuna_audio_mixer_add_input (TribunaAudioMixer *self,
                               const char        *name,
                               GObject           *source)
{
  Input *input;
  g_autoptr(GstCaps) caps = mix_caps ();
  g_autoptr(GstPad) src_pad = NULL;

  g_return_val_if_fail (TRIBUNA_IS_AUDIO_MIXER (self), NULL);
  g_return_val_if_fail (self->mixer != NULL, NULL);

  input = g_new0 (Input, 1);
  input->mixer = self;
  input->name = g_strdup (name);
  input->source = g_object_ref (source);
  input->appsrc = gst_element_factory_make ("appsrc", NULL);
  input->level = make_level (NULL);
  input->volume = gst_element_factory_make ("volume", NULL);
  g_object_set (input->appsrc, "caps", caps, "format", GST_FORMAT_TIME, "is-live", TRUE,
                "block", FALSE, "max-bytes", (guint64) 48000 * 2 * 4, /* 1 s */
                "leaky-type", 2 /* downstream */, "min-latency", (gint64) 0, NULL);

  gst_bin_add_many (self->bin, input->appsrc, input->level, input->volume, NULL);
  gst_element_link_many (input->appsrc, input->level, input->volume, NULL);
  input->pad = gst_element_request_pad_simple (self->mixer, "sink_%u");
  src_pad = gst_element_get_static_pad (input->volume, "src");
  if (gst_pad_link (src_pad, input->pad) != GST_PAD_LINK_OK)
    g_warning ("cannot link the sound of %s into the mix", name);

  update_volume (input);
  g_object_set (input->level, "post-messages", self->meters, NULL);
  g_signal_connect (source, "notify::gain-db", G_CALLBACK (on_source_notify), input);
  g_signal_connect (source, "notify::muted", G_CALLBACK (on_source_notify), input);
  gst_element_sync_state_with_parent (input->volume);
  gst_element_sync_state_with_parent (input->level);
  gst_element_sync_state_with_parent (input->appsrc);

  g_ptr_array_add (self->inputs, input);
  return input->appsrc;
}

void
tribuna_audio_mixer_remove_input (TribunaAudioMixer *self,
                                  const char        *name)
{
  g_return_if_fail (TRIBUNA_IS_AUDIO_MIXER (self));

  for (guint i = 0; i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);

      if (!g_str_equal (input->name, name))
        continue;

      gst_element_set_locked_state (input->appsrc, TRUE);
      gst_element_set_state (input->appsrc, GST_STATE_NULL);
      gst_element_release_request_pad (self->mixer, input->pad);
      gst_element_set_state (input->volume, GST_STATE_NULL);
      gst_element_set_state (input->level, GST_STATE_NULL);
      gst_bin_remove_many (self->bin, input->appsrc, input->level, input->volume, NULL);
      g_ptr_array_remove_index (self->inputs, i);
      return;
    }
}

void
tribuna_audio_mixer_clear (TribunaAudioMixer *self)
{
  g_return_if_fail (TRIBUNA_IS_AUDIO_MIXER (self));

  g_ptr_array_set_size (self->inputs, 0);
  self->mixer = NULL;
  self->program_level = NULL;
  self->bin = NULL;
}

void
tribuna_audio_mixer_set_hall_muted (TribunaAudioMixer *self,
                                    gboolean           muted)
{
  g_return_if_fail (TRIBUNA_IS_AUDIO_MIXER (self));

  self->hall_muted = !!muted;
  for (guint i = 0; i < self->inputs->len; i++)
    update_volume (g_ptr_array_index (self->inputs, i));
}

static void
read_db_array (const GstStructure *structure,
               const char         *field,
               double             *out,
               guint              *n_channels)
{
  const GValue *value = gst_structure_get_value (structure, field);
  GValueArray *array;

  if (value == NULL)
    return;

  /* level still posts GValueArray, deprecated in GLib but its only form in 1.22. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  array = g_value_get_boxed (value);
  *n_channels = MIN (array->n_values, TRIBUNA_AUDIO_LEVELS_MAX_CHANNELS);
  for (guint i = 0; i < *n_channels; i++)
    out[i] = MAX (g_value_get_double (&array->values[i]), TRIBUNA_AUDIO_LEVELS_FLOOR_DB);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

gboolean
tribuna_audio_mixer_handle_message (TribunaAudioMixer *self,
                                    GstMessage        *message)
{
  const GstStructure *structure = gst_message_get_structure (message);
  TribunaAudioLevels levels = { 0 };
  const char *name = NULL;

  g_return_val_if_fail (TRIBUNA_IS_AUDIO_MIXER (self), FALSE);

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT || structure == NULL
      || !gst_structure_has_name (structure, "level"))
    return FALSE;

  if (message->src != GST_OBJECT (self->program_level))
    {
      for (guint i = 0; i < self->inputs->len && name == NULL; i++)
        {
          Input *input = g_ptr_array_index (self->inputs, i);

          if (message->src == GST_OBJECT (input->level))
            name = input->name;
        }
      if (name == NULL)
        return TRUE;   /* an input removed since */
    }

  read_db_array (structure, "peak", levels.peak_db, &levels.n_channels);
  read_db_array (structure, "rms", levels.rms_db, &levels.n_channels);
  gst_structure_get_uint64 (structure, "running-time", &levels.running_time);
  g_signal_emit (self, signals[SIGNAL_LEVELS], 0, name, &levels);
  return TRUE;
}

static void
tribuna_audio_mixer_finalize (GObject *object)
{
  TribunaAudioMixer *self = (TribunaAudioMixer *) object;

  g_clear_pointer (&self->inputs, g_ptr_array_unref);

  G_OBJECT_CLASS (tribuna_audio_mixer_parent_class)->finalize (object);
}

static void
tribuna_audio_mixer_class_init (TribunaAudioMixerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tribuna_audio_mixer_finalize;

  /**
   * TribunaAudioMixer::levels:
   * @source: the source's name, or %NULL for the program
   * @levels: a #TribunaAudioLevels
   *
   * A meter reading, 20 a second for each source and the program, on the
   * context the program's bus is watched on.
   */
  signals[SIGNAL_LEVELS] =
    g_signal_new ("levels", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, TRIBUNA_TYPE_AUDIO_LEVELS);
}

static void
tribuna_audio_mixer_init (TribunaAudioMixer *self)
{
  self->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) input_free);
}

TribunaAudioMixer *
tribuna_audio_mixer_new (void)
{
  return g_object_new (TRIBUNA_TYPE_AUDIO_MIXER, NULL);
}
