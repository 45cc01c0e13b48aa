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
/* The slate and the lower third fade in and out over this long. */
#define SLATE_FADE_MS 300
#define LOWER_THIRD_FADE_MS 400

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

/* Preview, program and the inset show pictures: a microphone cannot be any of them. */
static TribunaSourcePipeline *
lookup_picture_source (TribunaEngine  *self,
                       const char     *name,
                       GError        **error)
{
  TribunaSourcePipeline *source = lookup_source (self, name, error);

  if (source != NULL && !tribuna_source_pipeline_has_picture (source))
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE,
                   "source “%s” is sound only: it has no picture to show", name);
      return NULL;
    }
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

/* A new source joins live: its pipeline starts (if the program runs) and its card
 * shows until its first frame; nothing on program changes. */
gboolean
tribuna_engine_add_source (TribunaEngine  *self,
                           const char     *name,
                           const char     *uri,
                           GError        **error)
{
  g_autoptr(TribunaSourceConfig) config = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (name != NULL && uri != NULL, FALSE);

  config = tribuna_source_config_parse (name, uri, error);
  if (config == NULL)
    return FALSE;
  if (tribuna_program_find_source (self->program, name) != NULL)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_DUPLICATE_SOURCE,
                   "a source named “%s” is already there", name);
      return FALSE;
    }

  return tribuna_program_add_source (self->program, config, error);
}

/* The source on program cannot go: cut away from it first. */
gboolean
tribuna_engine_remove_source (TribunaEngine  *self,
                              const char     *name,
                              GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (lookup_source (self, name, error) == NULL)
    return FALSE;
  if (g_strcmp0 (name, self->program_source) == 0)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE,
                   "source “%s” is on program; cut to another one before removing it", name);
      return FALSE;
    }
  if (g_strcmp0 (name, tribuna_engine_get_pip_source (self)) == 0)
    tribuna_engine_set_layout (self, TRIBUNA_LAYOUT_FULL, NULL, NULL);

  if (!tribuna_program_remove_source (self->program, name, error))
    return FALSE;

  if (g_strcmp0 (name, self->preview_source) == 0)
    {
      g_free (self->preview_source);
      self->preview_source = g_strdup (self->program_source);
      _tribuna_engine_notify (self, ENGINE_PROP_PREVIEW_SOURCE);
    }
  return TRUE;
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

  if (lookup_picture_source (self, name, error) == NULL)
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
  if (layout == TRIBUNA_LAYOUT_PIP && lookup_picture_source (self, inset, error) == NULL)
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

void
tribuna_engine_set_meters_enabled (TribunaEngine *self,
                                   gboolean       enabled)
{
  g_return_if_fail (TRIBUNA_IS_ENGINE (self));

  tribuna_audio_mixer_set_meters_enabled (tribuna_program_get_audio_mixer (self->program), enabled);
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

  pipeline = lookup_picture_source (self, source, error);
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
  /* The slate stands alone; the lower third comes back with the hall. */
  tribuna_lower_third_set_visible (self->lower_third,
                                   self->lower_third_wanted && !self->on_break,
                                   LOWER_THIRD_FADE_MS);
}

/* The lower third */

static void
update_lower_third (TribunaEngine *self)
{
  g_autofree char *item = NULL;
  g_autofree char *number = NULL;
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  g_autofree char *role = NULL;

  g_object_get (self, "item-number", &number, "item-title", &title, "speaker-name", &name,
                "speaker-role", &role, NULL);
  if (title != NULL)
    item = number ? g_strdup_printf ("%s. %s", number, title) : g_strdup (title);
  tribuna_lower_third_set_text (self->lower_third, name, role, item);
}

gboolean
tribuna_engine_set_lower_third_visible (TribunaEngine  *self,
                                        gboolean        visible,
                                        GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (!_tribuna_engine_check_program (self, error))
    return FALSE;

  if (self->lower_third_wanted != !!visible)
    {
      self->lower_third_wanted = !!visible;
      tribuna_lower_third_set_visible (self->lower_third, visible && !self->on_break,
                                       LOWER_THIRD_FADE_MS);
      _tribuna_engine_notify (self, ENGINE_PROP_LOWER_THIRD_VISIBLE);
    }
  return TRUE;
}

gboolean
tribuna_engine_get_lower_third_visible (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return self->lower_third_wanted;
}

static void
on_notify (TribunaEngine *self,
           GParamSpec    *pspec)
{
  /* Notifications while the engine is being disposed find nothing to drive. */
  if (self->program == NULL || self->lower_third == NULL)
    return;

  if (pspec == _tribuna_engine_properties[ENGINE_PROP_ON_BREAK])
    on_break_changed (self);
  else if (pspec == _tribuna_engine_properties[ENGINE_PROP_PRIVATE])
    tribuna_program_set_private (self->program, self->is_private);
  else if (pspec == _tribuna_engine_properties[ENGINE_PROP_SPEAKER_NAME]
           || pspec == _tribuna_engine_properties[ENGINE_PROP_SPEAKER_ROLE]
           || pspec == _tribuna_engine_properties[ENGINE_PROP_ITEM_NUMBER]
           || pspec == _tribuna_engine_properties[ENGINE_PROP_ITEM_TITLE])
    update_lower_third (self);
}

/* Engine plumbing */

gboolean
_tribuna_engine_vision_init (TribunaEngine  *self,
                             GError        **error)
{
  GListModel *sources = tribuna_program_get_sources (self->program);
  const char *first = NULL, *second = NULL;

  if (!tribuna_program_set_slate_card (self->program, tribuna_config_get_slate_title (self->config),
                                       tribuna_config_get_slate_subtitle (self->config),
                                       tribuna_config_get_slate_image (self->config), error))
    return FALSE;

  self->lower_third = tribuna_lower_third_new (tribuna_config_get_width (self->config),
                                               tribuna_config_get_height (self->config),
                                               tribuna_config_get_overlay_theme (self->config));
  if (!tribuna_lower_third_set_logo (self->lower_third,
                                     tribuna_config_get_overlay_logo (self->config), error))
    return FALSE;
  tribuna_program_set_overlays (self->program, self->lower_third,
                                tribuna_config_get_overlay_clock (self->config));

  /* On program the first source with a picture, on preview the next one (the
   * config makes sure there is at least one). */
  for (guint i = 0; i < g_list_model_get_n_items (sources) && second == NULL; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (sources, i);

      if (!tribuna_source_pipeline_has_picture (source))
        continue;
      if (first == NULL)
        first = tribuna_source_pipeline_get_name (source);
      else
        second = tribuna_source_pipeline_get_name (source);
    }
  g_return_val_if_fail (first != NULL, FALSE);
  self->program_source = g_strdup (first);
  self->preview_source = g_strdup (second != NULL ? second : first);

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
  g_clear_object (&self->lower_third);
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
  properties[ENGINE_PROP_LOWER_THIRD_VISIBLE] =
    g_param_spec_boolean ("lower-third-visible", NULL, NULL, FALSE, flags);

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

    case ENGINE_PROP_LOWER_THIRD_VISIBLE:
      g_value_set_boolean (value, tribuna_engine_get_lower_third_visible (self));
      return TRUE;

    default:
      return FALSE;
    }
}
