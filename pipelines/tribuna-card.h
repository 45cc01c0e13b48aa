/* tribuna-card.h: full-frame cards (no signal, break slate) drawn with Pango and cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define TRIBUNA_CARD_ERROR (tribuna_card_error_quark ())

typedef enum {
  TRIBUNA_CARD_ERROR_IMAGE,   /* the card's image cannot be read as PNG */
} TribunaCardError;

GQuark     tribuna_card_error_quark  (void);

/* An I420 frame of @width × @height: @title large and centred, @subtitle under it
 * (either may be NULL), over @image_path (a PNG scaled to fit, or NULL) on a dark
 * background. Timestamps are left unset. Fails (NULL, @error set) only when
 * @image_path cannot be read. */
GstBuffer *tribuna_card_render_i420  (guint         width,
                                      guint         height,
                                      const char   *title,
                                      const char   *subtitle,
                                      const char   *image_path,
                                      GError      **error);

/* A cairo surface's pixels as a BGRA (premultiplied, as cairo keeps them) buffer. */
GstBuffer *tribuna_card_surface_to_buffer (cairo_surface_t *surface);

G_END_DECLS
