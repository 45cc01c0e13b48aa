/* tribuna-card.c: full-frame cards (no signal, break slate) drawn with Pango and cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cards are drawn once, when their text changes, and converted to the program's
 * I420 here: the mixer then only copies them, it never draws text per frame.
 */
#define G_LOG_DOMAIN "tribuna-card"

#include "config.h"

#include <sys/mman.h>

#include <pango/pangocairo.h>
#include <gst/video/video.h>

#include "tribuna-card.h"

G_DEFINE_QUARK (tribuna-card-error-quark, tribuna_card_error)

GstBuffer *
tribuna_card_surface_to_buffer (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, (gsize) stride * height, NULL);
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  int strides[GST_VIDEO_MAX_PLANES] = { stride };

  cairo_surface_flush (surface);
  gst_buffer_fill (buffer, 0, cairo_image_surface_get_data (surface), (gsize) stride * height);
  /* cairo's ARGB32 is BGRA in memory on little-endian machines. */
  gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE,
                                  G_BYTE_ORDER == G_LITTLE_ENDIAN ? GST_VIDEO_FORMAT_BGRA
                                                                  : GST_VIDEO_FORMAT_ARGB,
                                  width, height, 1, offset, strides);
  return buffer;
}

static void
draw_text (cairo_t    *cr,
           guint       width,
           double      y,
           const char *text,
           const char *font)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);
  int text_width, text_height;

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int) (width * 0.8) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  cairo_move_to (cr, width * 0.1, y - text_height / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static gboolean
draw_image (cairo_t     *cr,
            guint        width,
            guint        height,
            const char  *path,
            GError     **error)
{
  cairo_surface_t *image = cairo_image_surface_create_from_png (path);
  double scale;
  int image_width, image_height;

  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, TRIBUNA_CARD_ERROR, TRIBUNA_CARD_ERROR_IMAGE,
                   "cannot read the image %s: %s", path,
                   cairo_status_to_string (cairo_surface_status (image)));
      cairo_surface_destroy (image);
      return FALSE;
    }

  image_width = cairo_image_surface_get_width (image);
  image_height = cairo_image_surface_get_height (image);
  scale = MIN ((double) width / image_width, (double) height / image_height);
  cairo_save (cr);
  cairo_translate (cr, (width - image_width * scale) / 2, (height - image_height * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
  return TRUE;
}

typedef struct {
  void  *data;
  gsize  size;
} MappedPixels;

static void
unmap_pixels (gpointer user_data)
{
  MappedPixels *pixels = user_data;

  munmap (pixels->data, pixels->size);
  g_free (pixels);
}

/* The surface's pixels, converted where they are: no copy of an 8 MB frame. */
static GstBuffer *
convert_to_i420 (cairo_surface_t *surface,
                 guint            width,
                 guint            height)
{
  gsize size = (gsize) cairo_image_surface_get_stride (surface) * height;
  g_autoptr(GstBuffer) bgra = NULL;
  GstVideoInfo in_info, out_info;
  GstVideoFrame in_frame, out_frame;
  GstVideoConverter *converter;
  GstBuffer *out;

  cairo_surface_flush (surface);
  bgra = gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY,
                                      cairo_image_surface_get_data (surface), size,
                                      0, size, NULL, NULL);
  /* cairo's ARGB32 is BGRA in memory on little-endian machines. */
  gst_video_info_set_format (&in_info, G_BYTE_ORDER == G_LITTLE_ENDIAN ? GST_VIDEO_FORMAT_BGRA
                                                                       : GST_VIDEO_FORMAT_ARGB,
                             width, height);
  in_info.stride[0] = cairo_image_surface_get_stride (surface);
  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_I420, width, height);
  out = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&out_info), NULL);

  converter = gst_video_converter_new (&in_info, &out_info, NULL);
  gst_video_frame_map (&in_frame, &in_info, bgra, GST_MAP_READ);
  gst_video_frame_map (&out_frame, &out_info, out, GST_MAP_WRITE);
  gst_video_converter_frame (converter, &in_frame, &out_frame);
  gst_video_frame_unmap (&out_frame);
  gst_video_frame_unmap (&in_frame);
  gst_video_converter_free (converter);

  return out;
}

/* An ARGB surface over pages mapped for it alone, unmapped with it. A 1080p
 * card is 8 MB that lives for a few milliseconds. From malloc, the first such
 * block raises glibc's mmap threshold, so the next ones come from the main heap,
 * which keeps them resident once freed whenever anything lies above them: that
 * was up to 16 MB of tribunad's peak RSS at 1080p (docs/benchmarks.md). */
static cairo_surface_t *
create_card_surface (guint width,
                     guint height)
{
  int stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, (int) width);
  gsize size = (gsize) stride * height;
  static const cairo_user_data_key_t pixels_key;
  cairo_surface_t *surface;
  MappedPixels *pixels;
  void *data;

  data = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED)
    return cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) width, (int) height);

  pixels = g_new (MappedPixels, 1);
  pixels->data = data;
  pixels->size = size;
  surface = cairo_image_surface_create_for_data (data, CAIRO_FORMAT_ARGB32, (int) width,
                                                 (int) height, stride);
  /* An error surface (out of memory) neither uses the pages nor keeps user data. */
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    unmap_pixels (pixels);
  else
    cairo_surface_set_user_data (surface, &pixels_key, pixels, unmap_pixels);
  return surface;
}

GstBuffer *
tribuna_card_render_i420 (guint        width,
                          guint        height,
                          const char  *title,
                          const char  *subtitle,
                          const char  *image_path,
                          GError     **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  GstBuffer *card = NULL;
  g_autofree char *title_font = g_strdup_printf ("DejaVu Sans Bold %u", MAX (height / 14, 8));
  g_autofree char *subtitle_font = g_strdup_printf ("DejaVu Sans %u", MAX (height / 28, 6));
  gboolean ok = TRUE;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  /* An empty line in the config means none. */
  if (title != NULL && *title == '\0')
    title = NULL;
  if (subtitle != NULL && *subtitle == '\0')
    subtitle = NULL;

  surface = create_card_surface (width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0.08, 0.12, 0.20);
  cairo_paint (cr);
  if (image_path != NULL)
    ok = draw_image (cr, width, height, image_path, error);

  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  if (ok && title != NULL)
    draw_text (cr, width, height * (subtitle ? 0.44 : 0.5), title, title_font);
  if (ok && subtitle != NULL)
    draw_text (cr, width, height * 0.60, subtitle, subtitle_font);
  cairo_destroy (cr);

  if (ok)
    card = convert_to_i420 (surface, width, height);
  cairo_surface_destroy (surface);

  return card;
}
