/* tribuna-audio-levels.h: one meter reading (peak and RMS per channel) of a source or the program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TRIBUNA_AUDIO_LEVELS_MAX_CHANNELS 8

/* Levels in dBFS (0 is full scale; silence reads -G_MAXDOUBLE clipped to -120). */
typedef struct {
  guint   n_channels;
  double  peak_db[TRIBUNA_AUDIO_LEVELS_MAX_CHANNELS];
  double  rms_db[TRIBUNA_AUDIO_LEVELS_MAX_CHANNELS];
  guint64 running_time;   /* program running time (ns) the reading ends at */
} TribunaAudioLevels;

#define TRIBUNA_AUDIO_LEVELS_FLOOR_DB (-120.0)

#define TRIBUNA_TYPE_AUDIO_LEVELS (tribuna_audio_levels_get_type ())
GType               tribuna_audio_levels_get_type (void);
TribunaAudioLevels *tribuna_audio_levels_copy     (const TribunaAudioLevels *self);
void                tribuna_audio_levels_free     (TribunaAudioLevels       *self);
/* The loudest channel's RMS, what a silence check and a one-bar meter want. */
double              tribuna_audio_levels_max_rms_db (const TribunaAudioLevels *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaAudioLevels, tribuna_audio_levels_free)

G_END_DECLS
