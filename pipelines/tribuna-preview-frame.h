/* tribuna-preview-frame.h: a low-rate preview picture, plain pixels with no GStreamer types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Pixels are 8-bit R, G, B (3 bytes a pixel, GDK_MEMORY_R8G8B8), rows @stride bytes apart. */
typedef struct _TribunaPreviewFrame TribunaPreviewFrame;

#define TRIBUNA_TYPE_PREVIEW_FRAME (tribuna_preview_frame_get_type ())
GType                tribuna_preview_frame_get_type   (void);

TribunaPreviewFrame *tribuna_preview_frame_new        (guint                width,
                                                       guint                height,
                                                       guint                stride,
                                                       GBytes              *pixels);
TribunaPreviewFrame *tribuna_preview_frame_ref        (TribunaPreviewFrame *self);
void                 tribuna_preview_frame_unref      (TribunaPreviewFrame *self);
guint                tribuna_preview_frame_get_width  (const TribunaPreviewFrame *self);
guint                tribuna_preview_frame_get_height (const TribunaPreviewFrame *self);
guint                tribuna_preview_frame_get_stride (const TribunaPreviewFrame *self);
GBytes              *tribuna_preview_frame_get_pixels (const TribunaPreviewFrame *self);
/* The pixel at (@x, @y), for tests and colour checks. */
void                 tribuna_preview_frame_get_rgb    (const TribunaPreviewFrame *self,
                                                       guint                      x,
                                                       guint                      y,
                                                       guint8                    *r,
                                                       guint8                    *g,
                                                       guint8                    *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaPreviewFrame, tribuna_preview_frame_unref)

G_END_DECLS
