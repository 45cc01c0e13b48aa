/* tribuna-preview-paintable.c: a GdkPaintable showing the engine's preview frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A frame becomes a GdkMemoryTexture that references the frame's bytes (no copy). Frames
 * queued from a streaming thread wait in one slot: a newer frame replaces an older one that
 * was not shown yet, so previews never build a backlog that costs memory or the encoder's
 * time. The picture keeps its aspect ratio, letterboxed in black.
 */
#define G_LOG_DOMAIN "tribuna-preview"

#include "config.h"

#include "tribuna-main-context.h"
#include "tribuna-preview-paintable.h"

typedef struct {
  GBytes          *pixels;
  GdkMemoryFormat  format;
  int              width;
  int              height;
  gsize            stride;
} Frame;

struct _TribunaPreviewPaintable
{
  GObject        parent_instance;

  GdkTexture    *texture;
  GMainContext  *context;      /* where queued frames are shown */

  /* Shared with streaming threads, under lock */
  GMutex         lock;
  Frame          pending;
  gboolean       scheduled;

  guint64        n_shown;
  guint64        n_dropped;
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TribunaPreviewPaintable, tribuna_preview_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

static void
tribuna_preview_paintable_snapshot (GdkPaintable *paintable,
                                    GdkSnapshot  *snapshot,
                                    double        width,
                                    double        height)
{
  TribunaPreviewPaintable *self = TRIBUNA_PREVIEW_PAINTABLE (paintable);
  GdkRGBA black = { 0, 0, 0, 1 };
  double frame_w, frame_h, scale;

  gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &black,
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->texture == NULL)
    return;

  frame_w = gdk_texture_get_width (self->texture);
  frame_h = gdk_texture_get_height (self->texture);
  scale = MIN (width / frame_w, height / frame_h);
  gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), self->texture,
                               &GRAPHENE_RECT_INIT ((width - frame_w * scale) / 2,
                                                    (height - frame_h * scale) / 2,
                                                    frame_w * scale, frame_h * scale));
}

static int
tribuna_preview_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  TribunaPreviewPaintable *self = TRIBUNA_PREVIEW_PAINTABLE (paintable);

  return self->texture ? gdk_texture_get_width (self->texture) : 0;
}

static int
tribuna_preview_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  TribunaPreviewPaintable *self = TRIBUNA_PREVIEW_PAINTABLE (paintable);

  return self->texture ? gdk_texture_get_height (self->texture) : 0;
}

static double
tribuna_preview_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  TribunaPreviewPaintable *self = TRIBUNA_PREVIEW_PAINTABLE (paintable);

  if (self->texture == NULL)
    return 16.0 / 9.0;
  return (double) gdk_texture_get_width (self->texture) / gdk_texture_get_height (self->texture);
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = tribuna_preview_paintable_snapshot;
  iface->get_intrinsic_width = tribuna_preview_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = tribuna_preview_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = tribuna_preview_paintable_get_intrinsic_aspect_ratio;
}

static void
replace_texture (TribunaPreviewPaintable *self,
                 GdkTexture              *texture)
{
  gboolean resized = (self->texture == NULL) != (texture == NULL);

  if (texture != NULL && self->texture != NULL)
    resized = gdk_texture_get_width (texture) != gdk_texture_get_width (self->texture)
              || gdk_texture_get_height (texture) != gdk_texture_get_height (self->texture);

  g_set_object (&self->texture, texture);
  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

void
tribuna_preview_paintable_set_frame (TribunaPreviewPaintable *self,
                                     GBytes                  *pixels,
                                     GdkMemoryFormat          format,
                                     int                      width,
                                     int                      height,
                                     gsize                    stride)
{
  g_autoptr(GdkTexture) texture = NULL;

  g_return_if_fail (TRIBUNA_IS_PREVIEW_PAINTABLE (self));
  g_return_if_fail (pixels != NULL);
  g_return_if_fail (width > 0 && height > 0);
  g_return_if_fail (g_bytes_get_size (pixels) >= stride * (gsize) (height - 1));

  texture = gdk_memory_texture_new (width, height, format, pixels, stride);
  self->n_shown++;
  replace_texture (self, texture);
}

void
tribuna_preview_paintable_clear (TribunaPreviewPaintable *self)
{
  g_return_if_fail (TRIBUNA_IS_PREVIEW_PAINTABLE (self));

  replace_texture (self, NULL);
}

static gboolean
show_pending (gpointer user_data)
{
  TribunaPreviewPaintable *self = user_data;
  Frame frame;

  g_mutex_lock (&self->lock);
  frame = self->pending;
  self->pending.pixels = NULL;
  self->scheduled = FALSE;
  g_mutex_unlock (&self->lock);

  if (frame.pixels != NULL)
    {
      tribuna_preview_paintable_set_frame (self, frame.pixels, frame.format, frame.width,
                                           frame.height, frame.stride);
      g_bytes_unref (frame.pixels);
    }
  return G_SOURCE_REMOVE;
}

void
tribuna_preview_paintable_queue_frame (TribunaPreviewPaintable *self,
                                       GBytes                  *pixels,
                                       GdkMemoryFormat          format,
                                       int                      width,
                                       int                      height,
                                       gsize                    stride)
{
  gboolean schedule;

  g_return_if_fail (TRIBUNA_IS_PREVIEW_PAINTABLE (self));
  g_return_if_fail (pixels != NULL);

  g_mutex_lock (&self->lock);
  if (self->pending.pixels != NULL)
    {
      g_bytes_unref (self->pending.pixels);
      self->n_dropped++;
    }
  self->pending = (Frame) { g_bytes_ref (pixels), format, width, height, stride };
  schedule = !self->scheduled;
  self->scheduled = TRUE;
  g_mutex_unlock (&self->lock);

  if (schedule)
    tribuna_main_context_post (self->context, show_pending, g_object_ref (self), g_object_unref);
}

GdkTexture *
tribuna_preview_paintable_get_texture (TribunaPreviewPaintable *self)
{
  g_return_val_if_fail (TRIBUNA_IS_PREVIEW_PAINTABLE (self), NULL);

  return self->texture;
}

guint64
tribuna_preview_paintable_get_n_shown (TribunaPreviewPaintable *self)
{
  g_return_val_if_fail (TRIBUNA_IS_PREVIEW_PAINTABLE (self), 0);

  return self->n_shown;
}

guint64
tribuna_preview_paintable_get_n_dropped (TribunaPreviewPaintable *self)
{
  guint64 n;

  g_return_val_if_fail (TRIBUNA_IS_PREVIEW_PAINTABLE (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_dropped;
  g_mutex_unlock (&self->lock);
  return n;
}

static void
tribuna_preview_paintable_finalize (GObject *object)
{
  TribunaPreviewPaintable *self = TRIBUNA_PREVIEW_PAINTABLE (object);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->pending.pixels, g_bytes_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tribuna_preview_paintable_parent_class)->finalize (object);
}

static void
tribuna_preview_paintable_class_init (TribunaPreviewPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tribuna_preview_paintable_finalize;
}

static void
tribuna_preview_paintable_init (TribunaPreviewPaintable *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
}

TribunaPreviewPaintable *
tribuna_preview_paintable_new (void)
{
  return g_object_new (TRIBUNA_TYPE_PREVIEW_PAINTABLE, NULL);
}
