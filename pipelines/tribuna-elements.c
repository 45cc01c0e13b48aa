/* tribuna-elements.c: making GStreamer elements, with an error that names what to install
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-elements"

#include "config.h"

#include "tribuna-elements.h"

G_DEFINE_QUARK (tribuna-elements-error-quark, tribuna_elements_error)

/* Which Debian package ships each element we rely on, so the message can say
 * what to install instead of just "no such element". */
static const struct {
  const char *factory;
  const char *package;
} element_packages[] = {
  { "x264enc", "gstreamer1.0-plugins-ugly" },
  { "avenc_aac", "gstreamer1.0-libav" },
  { "voaacenc", "gstreamer1.0-plugins-bad" },
  { "rtmp2sink", "gstreamer1.0-plugins-bad" },
  { "flvmux", "gstreamer1.0-plugins-good" },
  { "splitmuxsink", "gstreamer1.0-plugins-good" },
  { "mpegtsmux", "gstreamer1.0-plugins-bad" },
  { "hlssink2", "gstreamer1.0-plugins-bad" },
  { "h264parse", "gstreamer1.0-plugins-bad" },
  { "aacparse", "gstreamer1.0-plugins-good" },
  { "clockoverlay", "gstreamer1.0-x" },
  { "v4l2src", "gstreamer1.0-plugins-good" },
  { "rtspsrc", "gstreamer1.0-plugins-good" },
};

static const char *
package_for (const char *factory)
{
  for (guint i = 0; i < G_N_ELEMENTS (element_packages); i++)
    if (g_str_equal (element_packages[i].factory, factory))
      return element_packages[i].package;

  return NULL;
}

gboolean
tribuna_element_available (const char *factory)
{
  g_autoptr(GstElementFactory) found = NULL;

  g_return_val_if_fail (factory != NULL, FALSE);

  found = gst_element_factory_find (factory);
  return found != NULL;
}

GstElement *
tribuna_make_element (const char  *factory,
                      const char  *name,
                      GError     **error)
{
  GstElement *element;
  const char *package;

  g_return_val_if_fail (factory != NULL, NULL);

  element = gst_element_factory_make (factory, name);
  if (element != NULL)
    return element;

  package = package_for (factory);
  if (package != NULL)
    g_set_error (error, TRIBUNA_ELEMENTS_ERROR, TRIBUNA_ELEMENTS_ERROR_MISSING,
                 "the GStreamer element “%s” is not installed (Debian package %s)",
                 factory, package);
  else
    g_set_error (error, TRIBUNA_ELEMENTS_ERROR, TRIBUNA_ELEMENTS_ERROR_MISSING,
                 "the GStreamer element “%s” is not installed", factory);
  return NULL;
}

GstElement *
tribuna_make_first_element (const char * const *factories,
                            const char         *name,
                            GError            **error)
{
  g_autofree char *tried = NULL;

  g_return_val_if_fail (factories != NULL && factories[0] != NULL, NULL);

  for (guint i = 0; factories[i] != NULL; i++)
    {
      GstElement *element = gst_element_factory_make (factories[i], name);

      if (element != NULL)
        {
          if (i > 0)
            g_message ("using %s: the preferred %s is not installed", factories[i], factories[0]);
          return element;
        }
    }

  tried = g_strjoinv (", ", (char **) factories);
  g_set_error (error, TRIBUNA_ELEMENTS_ERROR, TRIBUNA_ELEMENTS_ERROR_MISSING,
               "none of the GStreamer elements %s is installed (install %s)",
               tried, package_for (factories[0]) ? package_for (factories[0]) : "one of them");
  return NULL;
}
