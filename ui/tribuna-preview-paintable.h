/* tribuna-preview-paintable.h: a GdkPaintable showing the engine's preview frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Debian 12 has no gtk4paintablesink: the engine hands out raw RGB frames and this
 * paintable wraps each one in a GdkMemoryTexture.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TRIBUNA_TYPE_PREVIEW_PAINTABLE (tribuna_preview_paintable_get_type ())
G_DECLARE_FINAL_TYPE (TribunaPreviewPaintable, tribuna_preview_paintable, TRIBUNA,
                      PREVIEW_PAINTABLE, GObject)

TribunaPreviewPaintable *tribuna_preview_paintable_new          (void);
/* Shows @pixels (@format, @stride bytes a row) from now on. Main thread only. */
void                     tribuna_preview_paintable_set_frame    (TribunaPreviewPaintable *self,
                                                                 GBytes                  *pixels,
                                                                 GdkMemoryFormat          format,
                                                                 int                      width,
                                                                 int                      height,
                                                                 gsize                    stride);
/* The same from any thread (a streaming thread): only the newest frame waiting is shown,
 * on @self's main context, so a busy interface drops frames instead of queueing them. */
void                     tribuna_preview_paintable_queue_frame  (TribunaPreviewPaintable *self,
                                                                 GBytes                  *pixels,
                                                                 GdkMemoryFormat          format,
                                                                 int                      width,
                                                                 int                      height,
                                                                 gsize                    stride);
/* No picture: drawn as black until the next frame. */
void                     tribuna_preview_paintable_clear        (TribunaPreviewPaintable *self);
GdkTexture              *tribuna_preview_paintable_get_texture  (TribunaPreviewPaintable *self);
/* Frames shown, and frames that a newer one replaced before they could be shown. */
guint64                  tribuna_preview_paintable_get_n_shown   (TribunaPreviewPaintable *self);
guint64                  tribuna_preview_paintable_get_n_dropped (TribunaPreviewPaintable *self);

G_END_DECLS
