/* tribuna-audio-strip.h: a meter, mute and gain per source, the program's meter, the
 * silence alarm
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tribuna-engine.h"
#include "tribuna-level-meter.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_AUDIO_STRIP (tribuna_audio_strip_get_type ())
G_DECLARE_FINAL_TYPE (TribunaAudioStrip, tribuna_audio_strip, TRIBUNA, AUDIO_STRIP, GtkWidget)

void               tribuna_audio_strip_set_engine      (TribunaAudioStrip *self,
                                                        TribunaEngine     *engine);
/* @source: a source's name, or NULL for the program. */
TribunaLevelMeter *tribuna_audio_strip_get_meter       (TribunaAudioStrip *self,
                                                        const char        *source);
GtkToggleButton   *tribuna_audio_strip_get_mute_button (TribunaAudioStrip *self,
                                                        const char        *source);
GtkRange          *tribuna_audio_strip_get_gain        (TribunaAudioStrip *self,
                                                        const char        *source);
gboolean           tribuna_audio_strip_get_alarm_shown (TribunaAudioStrip *self);

G_END_DECLS
