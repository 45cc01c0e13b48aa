/* tribuna-audio-devices.h: the microphones this machine has
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *display_name;   /* what the sound server calls it, e.g. "Shure MV7 Mono" */
  char *uri;            /* the [source] address that opens it: pulse:NAME or alsa:NAME */
} TribunaAudioDevice;

void       tribuna_audio_device_free  (TribunaAudioDevice *self);

/* Sound inputs GStreamer can open now (through PulseAudio/PipeWire when it runs,
 * ALSA otherwise), without the monitors of outputs: those are not microphones. */
GPtrArray *tribuna_audio_devices_list (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaAudioDevice, tribuna_audio_device_free)

G_END_DECLS
