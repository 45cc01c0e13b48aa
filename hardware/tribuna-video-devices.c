/* tribuna-video-devices.c: the cameras this machine has
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-devices"

#include "config.h"

#include <gst/gst.h>
#include <sys/stat.h>

#include "tribuna-video-devices.h"

void
tribuna_video_device_free (TribunaVideoDevice *self)
{
  if (self == NULL)
    return;

  g_free (self->display_name);
  g_free (self->device_path);
  g_free (self);
}

static char *
device_path_of (GstDevice *device)
{
  g_autoptr(GstStructure) properties = gst_device_get_properties (device);
  const char *path = properties ? gst_structure_get_string (properties, "device.path") : NULL;

  if (path == NULL && properties != NULL)
    path = gst_structure_get_string (properties, "api.v4l2.path");

  return g_strdup (path);
}

GPtrArray *
tribuna_video_devices_list (void)
{
  g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_video_device_free);
  GList *devices;

  gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
  if (!gst_device_monitor_start (monitor))
    return found;

  devices = gst_device_monitor_get_devices (monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      TribunaVideoDevice *device = g_new0 (TribunaVideoDevice, 1);

      device->display_name = gst_device_get_display_name (l->data);
      device->device_path = device_path_of (l->data);
      g_ptr_array_add (found, device);
    }
  g_list_free_full (devices, gst_object_unref);
  gst_device_monitor_stop (monitor);

  return found;
}

gboolean
tribuna_video_device_exists (const char *path)
{
  struct stat info;

  g_return_val_if_fail (path != NULL, FALSE);

  return stat (path, &info) == 0 && S_ISCHR (info.st_mode);
}
