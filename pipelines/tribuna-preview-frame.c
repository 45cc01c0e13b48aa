/* tribuna-preview-frame.c: a low-rate preview picture
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-preview-frame"

#include "config.h"

#include "tribuna-preview-frame.h"

struct _TribunaPreviewFrame
{
  gatomicrefcount  ref_count;
  guint            width;
  guint            height;
  guint            stride;
  GBytes          *pixels;
};

G_DEFINE_BOXED_TYPE (TribunaPreviewFrame, tribuna_preview_frame,
                     tribuna_preview_frame_ref, tribuna_preview_frame_unref)

TribunaPreviewFrame *
tribuna_preview_frame_new (guint   width,
                           guint   height,
                           guint   stride,
                           GBytes *pixels)
{
  TribunaPreviewFrame *self;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (stride >= width * 3, NULL);
  g_return_val_if_fail (g_bytes_get_size (pixels) >= (gsize) stride * height, NULL);

  self = g_new0 (TribunaPreviewFrame, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->pixels = g_bytes_ref (pixels);

  return self;
}

TribunaPreviewFrame *
tribuna_preview_frame_ref (TribunaPreviewFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tribuna_preview_frame_unref (TribunaPreviewFrame *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_bytes_unref (self->pixels);
  g_free (self);
}

guint
tribuna_preview_frame_get_width (const TribunaPreviewFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->width;
}

guint
tribuna_preview_frame_get_height (const TribunaPreviewFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->height;
}

guint
tribuna_preview_frame_get_stride (const TribunaPreviewFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->stride;
}

GBytes *
tribuna_preview_frame_get_pixels (const TribunaPreviewFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->pixels;
}

void
tribuna_preview_frame_get_rgb (const TribunaPreviewFrame *self,
                               guint                      x,
                               guint                      y,
                               guint8                    *r,
                               guint8                    *g,
                               guint8                    *b)
{
  const guint8 *data;

  g_return_if_fail (self != NULL);
  g_return_if_fail (x < self->width && y < self->height);

  data = (const guint8 *) g_bytes_get_data (self->pixels, NULL) + (gsize) y * self->stride + x * 3;
  *r = data[0];
  *g = data[1];
  *b = data[2];
}
