/* tribuna-audio-mixer.h: the program's sound: per-source gain and mute, the mix, the meters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "tribuna-audio-levels.h"

G_BEGIN_DECLS

/* Meters read this often: 20 a second. */
#define TRIBUNA_AUDIO_METER_INTERVAL (50 * GST_MSECOND)

#define TRIBUNA_TYPE_AUDIO_MIXER (tribuna_audio_mixer_get_type ())
G_DECLARE_FINAL_TYPE (TribunaAudioMixer, tribuna_audio_mixer, TRIBUNA, AUDIO_MIXER, GObject)

TribunaAudioMixer *tribuna_audio_mixer_new            (void);
/* Adds the mixer to @bin; returns the element to link the program's sound from
 * (F32LE, 48 kHz, stereo). */
GstElement        *tribuna_audio_mixer_build          (TribunaAudioMixer  *self,
                                                       GstBin             *bin,
                                                       GError            **error);
/* An appsrc for F32LE 48 kHz stereo; its gain and mute follow @source's "gain-db"
 * and "muted" properties. */
GstElement        *tribuna_audio_mixer_add_input      (TribunaAudioMixer  *self,
                                                       const char         *name,
                                                       GObject            *source);
void               tribuna_audio_mixer_remove_input   (TribunaAudioMixer  *self,
                                                       const char         *name);
void               tribuna_audio_mixer_clear          (TribunaAudioMixer  *self);
/* The hall's sound off the program (the break slate), whatever each source says. */
void               tribuna_audio_mixer_set_hall_muted (TribunaAudioMixer  *self,
                                                       gboolean            muted);
/* The sources' meters (20 readings a second each) and the program's at 20 a
 * second, when enabled; otherwise only the program's, 10 a second. */
void               tribuna_audio_mixer_set_meters_enabled (TribunaAudioMixer *self,
                                                           gboolean           enabled);
/* Turns the meters' bus messages into "levels" signals; FALSE for any other message. */
gboolean           tribuna_audio_mixer_handle_message (TribunaAudioMixer  *self,
                                                       GstMessage         *message);

G_END_DECLS
