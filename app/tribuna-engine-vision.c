/* tribuna-engine-vision.c: sources, the vision mixer, sound, meters and previews of the engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine keeps the operator's choices (program, preview, layout) and hands
 * them to the program's mixers; the break slate and the hall's mute follow the
 * session's on-break property, whoever set it (console, API, CLI).
 */
#define G_LOG_DOMAIN "tribuna-engine"

#include "config.h"

#include "tribuna-engine-private.h"

/* The program is "silent" below this level (RMS of its loudest channel). */
#define SILENCE_DB (-50.0)
/* The slate fades in and out over this long. */
#define SLATE_FADE_MS 300

enum {
  SIGNAL_LEVELS,
  SIGNAL_PREVIEW_FRAME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static TribunaSourcePipeline *
lookup_source (TribunaEngine  *self,
               const char     *name,
               GError        **error)
{
  TribunaSourcePipeline *source = name ? tribuna_program_find_source (self->program, name) : NULL;

  if (source == NULL)
    g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_UNKNOWN_SOURCE,
                 "there is no source named “%s”", name ? name : "(none)");
  return source;
}

GListModel *
tribuna_engine_get_sources (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return tribuna_program_get_sources (self->program);
}

TribunaSourcePipeline *
tribuna_engine_find_source (TribunaEngine *self,
                            const char    *name)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return tribuna_program_find_source (self->program, name);
}

const char *
tribuna_engine_get_program_source (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->program_source;
}

const char *
tribuna_engine_get_preview_source (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->preview_source;
}

gboolean
tribuna_engine_set_preview_source (TribunaEngine  *self,
                                   const char     *name,
                                   GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (lookup_source (self, name, error) == NULL)
    return FALSE;

  if (g_strcmp0 (self->preview_source, name) != 0)
    {
      g_free (self->preview_source);
      self->preview_source = g_strdup (name);
      _tribuna_engine_notify (self, ENGINE_PROP_PREVIEW_SOURCE);
    }
  return TRUE;
}

/* Program and preview swap, as on a vision mixer: the next cut goes back. */
static gboolean
take (TribunaEngine  *self,
      gboolean        fade,
      GError        **error)
{
  TribunaVideoMixer *mixer = tribuna_program_get_video_mixer (self->program);
  char *old_program;

  if (!_tribuna_engine_check_program (self, error))
    return FALSE;

  if (fade)
    tribuna_video_mixer_fade (mixer, self->preview_source,
                              tribuna_config_get_fade_ms (self->config));
  else
    tribuna_video_mixer_cut (mixer, self->preview_source);

  old_program = self->program_source;
  self->program_source = self->preview_source;
  self->preview_source = old_program;
  _tribuna_engine_notify (self, ENGINE_PROP_PROGRAM_SOURCE);
  _tribuna_engine_notify (self, ENGINE_PROP_PREVIEW_SOURCE);
  return TRUE;
}

gboolean
tribuna_engine_cut (TribunaEngine  *self,
                    GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return take (self, FALSE, error);
}

gboolean
tribuna_engine_fade (TribunaEngine  *self,
                     GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return take (self, TRUE, error);
}

gboolean
tribuna_engine_set_layout (TribunaEngine  *self,
                           TribunaLayout   layout,
                           const char     *inset,
                           GError        **error)
{
  TribunaVideoMixer *mixer = tribuna_program_get_video_mixer (self->program);

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (layout == TRIBUNA_LAYOUT_PIP && inset == NULL)
    inset = self->preview_source;
  if (layout == TRIBUNA_LAYOUT_PIP && lookup_source (self, inset, error) == NULL)
    return FALSE;

  tribuna_video_mixer_set_layout (mixer, layout, inset);
  _tribuna_engine_notify (self, ENGINE_PROP_LAYOUT);
  return TRUE;
}

TribunaLayout
tribuna_engine_get_layout (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), TRIBUNA_LAYOUT_FULL);

  return tribuna_video_mixer_get_layout (tribuna_program_get_video_mixer (self->program));
}

const char *
tribuna_engine_get_pip_source (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return tribuna_video_mixer_get_inset (tribuna_program_get_video_mixer (self->program));
}

/* Sound */

gboolean
tribuna_engine_set_source_gain (TribunaEngine  *self,
                                const char     *name,
                                double          gain_db,
                                GError        **error)
{
  TribunaSourcePipeline *source;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  source = lookup_source (self, name, error);
  if (source == NULL)
    return FALSE;
  if (gain_db < -60.0 || gain_db > 20.0)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE,
                   "gain %.1f dB is outside -60 to +20 dB", gain_db);
      return FALSE;
    }

  tribuna_source_pipeline_set_gain_db (source, gain_db);
  return TRUE;
}

gboolean
tribuna_engine_set_source_muted (TribunaEngine  *self,
                                 const char     *name,
                                 gboolean        muted,
                                 GError        **error)
{
  TribunaSourcePipeline *source;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  source = lookup_source (self, name, error);
  if (source == NULL)
    return FALSE;

  tribuna_source_pipeline_set_muted (source, muted);
  return TRUE;
}

gboolean
tribuna_engine_set_source_av_offset (TribunaEngine  *self,
                                     const char     *name,
                                     int             offset_ms,
                                     GError        **error)
{
  TribunaSourcePipeline *source;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  source = lookup_source (self, name, error);
  if (source == NULL)
    return FALSE;
  if (offset_ms < 0 || offset_ms > 1000)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE,
                   "A/V offset %d ms is outside 0 to 1000 ms (sound later than picture)",
                   offset_ms);
      return FALSE;
    }

  tribuna_source_pipeline_set_av_offset_ms (source, offset_ms);
  return TRUE;
}

gboolean
tribuna_engine_get_silence_alarm (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return self->silence_alarm;
}

const TribunaAudioLevels *
tribuna_engine_get_program_levels (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->program_levels.n_channels > 0 ? &self->program_levels : NULL;
}

/* The alarm counts only on air: silence off air is nobody's problem. */
static void
check_silence (TribunaEngine            *self,
               const TribunaAudioLevels *levels)
{
  gint64 now = g_get_monotonic_time ();
  gboolean alarm;

  if (tribuna_audio_levels_max_rms_db (levels) > SILENCE_DB || !self->on_air)
    self->sound_seen_us = now;

  alarm = now - self->sound_seen_us
          >= (gint64) tribuna_config_get_silence_seconds (self->config) * G_USEC_PER_SEC;
  if (alarm != self->silence_alarm)
    {
      self->silence_alarm = alarm;
      if (alarm)
        g_message ("the program has been silent for %u s while on air",
                   tribuna_config_get_silence_seconds (self->config));
      _tribuna_engine_notify (self, ENGINE_PROP_SILENCE_ALARM);
    }
}

static void
on_levels (TribunaProgram     *program,
           const char         *source,
           TribunaAudioLevels *levels,
           TribunaEngine      *self)
{
  if (source == NULL)
    {
      self->program_levels = *levels;
      check_silence (self, levels);
    }
  g_signal_emit (self, signals[SIGNAL_LEVELS], 0, source, levels);
}

/* Previews */

static void
on_preview_frame (TribunaProgram      *program,
                  const char          *source,
                  TribunaPreviewFrame *frame,
                  TribunaEngine       *self)
{
  g_hash_table_replace (self->preview_frames, g_strdup (source ? source : ""),
                        tribuna_preview_frame_ref (frame));
  g_signal_emit (self, signals[SIGNAL_PREVIEW_FRAME], 0, source, frame);
}

void
tribuna_engine_set_previews_enabled (TribunaEngine *self,
                                     gboolean       enabled)
{
  g_return_if_fail (TRIBUNA_IS_ENGINE (self));

  tribuna_program_set_previews_enabled (self->program, enabled);
  if (!enabled)
    g_hash_table_remove_all (self->preview_frames);
}

TribunaPreviewFrame *
tribuna_engine_get_preview_frame (TribunaEngine *self,
                                  const char    *source)
{
  TribunaPreviewFrame *frame;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  frame = g_hash_table_lookup (self->preview_frames, source ? source : "");
  return frame ? tribuna_preview_frame_ref (frame) : NULL;
}

GBytes *
tribuna_engine_snapshot_jpeg (TribunaEngine  *self,
                              const char     *source,
                              GError        **error)
{
  TribunaSourcePipeline *pipeline;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  if (!_tribuna_engine_check_program (self, error))
    return NULL;
  if (source == NULL)
    return tribuna_program_snapshot_jpeg (self->program, error);

  pipeline = lookup_source (self, source, error);
  return pipeline ? tribuna_source_pipeline_snapshot_jpeg (pipeline, error) : NULL;
}

/* The break slate */

static void
on_break_changed (TribunaEngine *self)
{
  TribunaVideoMixer *video = tribuna_program_get_video_mixer (self->program);
  TribunaAudioMixer *audio = tribuna_program_get_audio_mixer (self->program);

  tribuna_video_mixer_set_slate (video, self->on_break, SLATE_FADE_MS);
  tribuna_audio_mixer_set_hall_muted (audio, self->on_break);
}

static void
on_notify (TribunaEngine *self,
           GParamSpec    *pspec)
{
  if (pspec == _tribuna_engine_properties[ENGINE_PROP_ON_BREAK])
    on_break_changed (self);
}

/* Engine plumbing */

gboolean
_tribuna_engine_vision_init (TribunaEngine  *self,
                             GError        **error)
{
  TribunaSourcePipeline *first, *second;
  GListModel *sources = tribuna_program_get_sources (self->program);

  if (!tribuna_program_set_slate_card (self->program, tribuna_config_get_slate_title (self->config),
                                       tribuna_config_get_slate_subtitle (self->config),
                                       tribuna_config_get_slate_image (self->config), error))
    return FALSE;

  first = g_list_model_get_item (sources, 0);
  second = g_list_model_get_item (sources, MIN (1, g_list_model_get_n_items (sources) - 1));
  self->program_source = g_strdup (tribuna_source_pipeline_get_name (first));
  self->preview_source = g_strdup (tribuna_source_pipeline_get_name (second));
  g_object_unref (first);
  g_object_unref (second);

  self->preview_frames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) tribuna_preview_frame_unref);
  self->sound_seen_us = g_get_monotonic_time ();
  g_signal_connect_object (self->program, "levels", G_CALLBACK (on_levels), self, 0);
  g_signal_connect_object (self->program, "preview-frame", G_CALLBACK (on_preview_frame), self, 0);
  g_signal_connect (self, "notify", G_CALLBACK (on_notify), NULL);
  return TRUE;
}

void
_tribuna_engine_vision_clear (TribunaEngine *self)
{
  g_clear_pointer (&self->program_source, g_free);
  g_clear_pointer (&self->preview_source, g_free);
  g_clear_pointer (&self->preview_frames, g_hash_table_unref);
}

void
_tribuna_engine_install_vision_properties (GObjectClass *klass,
                                           GParamSpec  **properties)
{
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  properties[ENGINE_PROP_SOURCES] =
    g_param_spec_object ("sources", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[ENGINE_PROP_PROGRAM_SOURCE] =
    g_param_spec_string ("program-source", NULL, NULL, NULL, flags);
  properties[ENGINE_PROP_PREVIEW_SOURCE] =
    g_param_spec_string ("preview-source", NULL, NULL, NULL, flags);
  properties[ENGINE_PROP_LAYOUT] =
    g_param_spec_enum ("layout", NULL, NULL, TRIBUNA_TYPE_LAYOUT, TRIBUNA_LAYOUT_FULL, flags);
  properties[ENGINE_PROP_SILENCE_ALARM] =
    g_param_spec_boolean ("silence-alarm", NULL, NULL, FALSE, flags);

  /**
   * TribunaEngine::levels:
   * @source: the source's name, or %NULL for the program
   * @levels: a #TribunaAudioLevels (peak and RMS per channel, dBFS)
   *
   * A meter reading, 20 a second for each source and the program, on the main context.
   */
  signals[SIGNAL_LEVELS] =
    g_signal_new ("levels", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, TRIBUNA_TYPE_AUDIO_LEVELS);
  /**
   * TribunaEngine::preview-frame:
   * @source: the source's name, or %NULL for the program
   * @frame: a #TribunaPreviewFrame: RGB, 320x180 for a source, 640x360 for the program
   *
   * A preview picture, at most 10 a second each, on the main context, while
   * previews are enabled (tribuna_engine_set_previews_enabled()).
   */
  signals[SIGNAL_PREVIEW_FRAME] =
    g_signal_new ("preview-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, TRIBUNA_TYPE_PREVIEW_FRAME);
}

gboolean
_tribuna_engine_get_vision_property (TribunaEngine *self,
                                     guint          prop_id,
                                     GValue        *value)
{
  switch (prop_id)
    {
    case ENGINE_PROP_SOURCES:
      g_value_set_object (value, tribuna_engine_get_sources (self));
      return TRUE;

    case ENGINE_PROP_PROGRAM_SOURCE:
      g_value_set_string (value, self->program_source);
      return TRUE;

    case ENGINE_PROP_PREVIEW_SOURCE:
      g_value_set_string (value, self->preview_source);
      return TRUE;

    case ENGINE_PROP_LAYOUT:
      g_value_set_enum (value, tribuna_engine_get_layout (self));
      return TRUE;

    case ENGINE_PROP_SILENCE_ALARM:
      g_value_set_boolean (value, self->silence_alarm);
      return TRUE;

    default:
      return FALSE;
    }
}
