/* tribuna-video-devices.h: the cameras this machine has
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *display_name;   /* what the driver calls it, e.g. "HD Pro Webcam C920" */
  char *device_path;    /* /dev/videoN, or NULL when the device has no node */
} TribunaVideoDevice;

void       tribuna_video_device_free    (TribunaVideoDevice *self);

/* Capture devices GStreamer can open now, in the order the system lists them. */
GPtrArray *tribuna_video_devices_list   (void);

/* Whether path is a character device that exists now (unplugged cameras vanish). */
gboolean   tribuna_video_device_exists  (const char         *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaVideoDevice, tribuna_video_device_free)

G_END_DECLS
