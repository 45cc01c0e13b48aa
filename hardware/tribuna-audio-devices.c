/* tribuna-audio-devices.c: the microphones this machine has
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-devices"

#include "config.h"

#include <gst/gst.h>

#include "tribuna-audio-devices.h"

void
tribuna_audio_device_free (TribunaAudioDevice *self)
{
  if (self == NULL)
    return;

  g_free (self->display_name);
  g_free (self->uri);
  g_free (self);
}

/* PulseAudio lists what each output plays as a source too ("Monitor of …"). */
static gboolean
is_monitor (GstDevice *device)
{
  g_autoptr(GstStructure) properties = gst_device_get_properties (device);
  const char *device_class = properties ? gst_structure_get_string (properties, "device.class")
                                        : NULL;

  return g_strcmp0 (device_class, "monitor") == 0;
}

/* The element the provider makes for @device knows the name a [source] needs;
 * asking it works the same for every provider. */
static char *
uri_of (GstDevice *device)
{
  g_autoptr(GstElement) element = gst_device_create_element (device, NULL);
  g_autofree char *name = NULL;
  const char *scheme;

  if (element == NULL
      || g_object_class_find_property (G_OBJECT_GET_CLASS (element), "device") == NULL)
    return NULL;

  if (g_str_equal (GST_OBJECT_NAME (gst_element_get_factory (element)), "pulsesrc"))
    scheme = "pulse:";
  else if (g_str_equal (GST_OBJECT_NAME (gst_element_get_factory (element)), "alsasrc"))
    scheme = "alsa:";
  else
    return NULL;

  g_object_get (element, "device", &name, NULL);
  return name != NULL ? g_strconcat (scheme, name, NULL) : NULL;
}

GPtrArray *
tribuna_audio_devices_list (void)
{
  g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_audio_device_free);
  GList *devices;

  gst_device_monitor_add_filter (monitor, "Audio/Source", NULL);
  if (!gst_device_monitor_start (monitor))
    return found;

  devices = gst_device_monitor_get_devices (monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      g_autofree char *uri = is_monitor (l->data) ? NULL : uri_of (l->data);
      TribunaAudioDevice *device;

      if (uri == NULL)
        continue;
      device = g_new0 (TribunaAudioDevice, 1);
      device->display_name = gst_device_get_display_name (l->data);
      device->uri = g_steal_pointer (&uri);
      g_ptr_array_add (found, device);
    }
  g_list_free_full (devices, gst_object_unref);
  gst_device_monitor_stop (monitor);

  return found;
}
