/* tribuna-audio-levels.c: one meter reading of a source or the program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-audio-levels"

#include "config.h"

#include "tribuna-audio-levels.h"

G_DEFINE_BOXED_TYPE (TribunaAudioLevels, tribuna_audio_levels,
                     tribuna_audio_levels_copy, tribuna_audio_levels_free)

TribunaAudioLevels *
tribuna_audio_levels_copy (const TribunaAudioLevels *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

void
tribuna_audio_levels_free (TribunaAudioLevels *self)
{
  g_free (self);
}

double
tribuna_audio_levels_max_rms_db (const TribunaAudioLevels *self)
{
  double max = TRIBUNA_AUDIO_LEVELS_FLOOR_DB;

  g_return_val_if_fail (self != NULL, max);

  for (guint i = 0; i < self->n_channels; i++)
    max = MAX (max, self->rms_db[i]);

  return max;
}
