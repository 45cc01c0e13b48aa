/* tribuna-elements.h: making GStreamer elements, with an error that names what to install
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define TRIBUNA_ELEMENTS_ERROR (tribuna_elements_error_quark ())

typedef enum {
  TRIBUNA_ELEMENTS_ERROR_MISSING,
} TribunaElementsError;

GQuark      tribuna_elements_error_quark (void);

GstElement *tribuna_make_element         (const char  *factory,
                                          const char  *name,
                                          GError     **error);
/* The first of the candidate factories that is installed, in order of preference. */
GstElement *tribuna_make_first_element   (const char * const *factories,
                                          const char         *name,
                                          GError            **error);
gboolean    tribuna_element_available    (const char  *factory);

G_END_DECLS
