/* tribuna-lower-third.c: the lower third (speaker, role, agenda item) and the logo bug
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn with Pango on cairo once per change of text, on the main context, into a
 * BGRA overlay rectangle; overlaycomposition blends it on each program frame
 * (the same blending textoverlay does). Nothing shown: its "draw" returns NULL
 * and the element passes frames through untouched, so a program without
 * overlays pays nothing. Fades set the rectangle's global alpha from each
 * frame's running time.
 */
#define G_LOG_DOMAIN "tribuna-lower-third"

#include "config.h"

#include <pango/pangocairo.h>
#include <gst/video/video.h>

#include "tribuna-card.h"
#include "tribuna-elements.h"
#include "tribuna-lower-third.h"

struct _TribunaLowerThird
{
  GObject                  parent_instance;

  guint                    width;
  guint                    height;
  TribunaLowerThirdTheme   theme;
  guint                    unknown_glyphs;

  /* Shared with the streaming thread, under lock */
  GMutex                   lock;
  GstVideoOverlayRectangle *text;      /* NULL when there is nothing to say */
  GstVideoOverlayRectangle *logo;
  gboolean                 visible;
  double                   from_alpha;
  double                   alpha;
  gboolean                 fade_pending;
  GstClockTime             fade_start;
  GstClockTime             fade_duration;
};

G_DEFINE_FINAL_TYPE (TribunaLowerThird, tribuna_lower_third, G_TYPE_OBJECT)

static void
set_source_argb (cairo_t *cr,
                 guint32  argb)
{
  cairo_set_source_rgba (cr, ((argb >> 16) & 0xff) / 255.0, ((argb >> 8) & 0xff) / 255.0,
                         (argb & 0xff) / 255.0, (argb >> 24) / 255.0);
}

static GstVideoOverlayRectangle *
rectangle_from_surface (cairo_surface_t *surface,
                        int              x,
                        int              y)
{
  g_autoptr(GstBuffer) buffer = tribuna_card_surface_to_buffer (surface);

  return gst_video_overlay_rectangle_new_raw (buffer, x, y,
                                              cairo_image_surface_get_width (surface),
                                              cairo_image_surface_get_height (surface),
                                              GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
}

/* One block of text at (x, y), at most @max_lines lines of @width; returns its height. */
static int
draw_block (TribunaLowerThird *self,
            cairo_t           *cr,
            const char        *text,
            int                x,
            int                y,
            int                width,
            double             size,
            gboolean           bold,
            int                max_lines)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (self->theme.font);
  int text_width, text_height;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -max_lines);
  pango_layout_set_text (layout, text, -1);
  self->unknown_glyphs += pango_layout_get_unknown_glyphs_count (layout);

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  set_source_argb (cr, self->theme.foreground);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  return text_height;
}

static GstVideoOverlayRectangle *
render_text (TribunaLowerThird *self,
             const char        *name,
             const char        *role,
             const char        *item)
{
  int left = self->width * TRIBUNA_LOWER_THIRD_LEFT;
  int top = self->height * TRIBUNA_LOWER_THIRD_TOP;
  int box_width = self->width * (TRIBUNA_LOWER_THIRD_RIGHT - TRIBUNA_LOWER_THIRD_LEFT);
  int box_height = self->height * (TRIBUNA_LOWER_THIRD_BOTTOM - TRIBUNA_LOWER_THIRD_TOP);
  int pad = self->height / 45, bar = MAX (self->height / 120, 2);
  int text_width = box_width - 2 * pad - bar, y = pad, used;
  cairo_surface_t *text, *surface;
  cairo_t *cr;
  GstVideoOverlayRectangle *rectangle;

  /* The text first, on the whole area, to learn how much of it the box needs. */
  text = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, box_width, box_height);
  cr = cairo_create (text);
  self->unknown_glyphs = 0;
  if (name != NULL && *name != '\0')
    y += draw_block (self, cr, name, bar + pad, y, text_width, self->height / 16.0, TRUE, 1);
  if (role != NULL && *role != '\0')
    y += draw_block (self, cr, role, bar + pad, y, text_width, self->height / 26.0, FALSE, 1);
  if (item != NULL && *item != '\0')
    y += pad / 2 + draw_block (self, cr, item, bar + pad, y + pad / 2, text_width,
                               self->height / 30.0, FALSE, 2);
  cairo_destroy (cr);

  /* Then the box, just that tall, standing on the title-safe bottom. */
  used = MIN (y + pad, box_height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, box_width, used);
  cr = cairo_create (surface);
  set_source_argb (cr, self->theme.background);
  cairo_paint (cr);
  set_source_argb (cr, self->theme.accent);
  cairo_rectangle (cr, 0, 0, bar, used);
  cairo_fill (cr);
  cairo_set_source_surface (cr, text, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (text);

  rectangle = rectangle_from_surface (surface, left, top + box_height - used);
  cairo_surface_destroy (surface);
  return rectangle;
}

void
tribuna_lower_third_set_text (TribunaLowerThird *self,
                              const char        *name,
                              const char        *role,
                              const char        *item)
{
  GstVideoOverlayRectangle *rectangle = NULL;

  g_return_if_fail (TRIBUNA_IS_LOWER_THIRD (self));

  if ((name && *name) || (role && *role) || (item && *item))
    rectangle = render_text (self, name, role, item);

  g_mutex_lock (&self->lock);
  if (self->text != NULL)
    gst_video_overlay_rectangle_unref (self->text);
  self->text = rectangle;
  g_mutex_unlock (&self->lock);
}

gboolean
tribuna_lower_third_set_logo (TribunaLowerThird  *self,
                              const char         *png_path,
                              GError            **error)
{
  cairo_surface_t *image, *surface;
  GstVideoOverlayRectangle *rectangle = NULL;
  cairo_t *cr;
  double scale;

  g_return_val_if_fail (TRIBUNA_IS_LOWER_THIRD (self), FALSE);

  if (png_path != NULL)
    {
      image = cairo_image_surface_create_from_png (png_path);
      if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
        {
          g_set_error (error, TRIBUNA_CARD_ERROR, TRIBUNA_CARD_ERROR_IMAGE,
                       "cannot read the logo %s: %s", png_path,
                       cairo_status_to_string (cairo_surface_status (image)));
          cairo_surface_destroy (image);
          return FALSE;
        }

      /* At most an eighth of the frame's height: a bug, not a banner. */
      scale = MIN (1.0, (self->height / 8.0) / cairo_image_surface_get_height (image));
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                            MAX (1, cairo_image_surface_get_width (image) * scale),
                                            MAX (1, cairo_image_surface_get_height (image) * scale));
      cr = cairo_create (surface);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
      rectangle = rectangle_from_surface (surface, self->width * 0.05, self->height * 0.05);
      cairo_surface_destroy (surface);
      cairo_surface_destroy (image);
    }

  g_mutex_lock (&self->lock);
  if (self->logo != NULL)
    gst_video_overlay_rectangle_unref (self->logo);
  self->logo = rectangle;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
tribuna_lower_third_set_visible (TribunaLowerThird *self,
                                 gboolean           visible,
                                 guint              fade_ms)
{
  g_return_if_fail (TRIBUNA_IS_LOWER_THIRD (self));

  g_mutex_lock (&self->lock);
  if (self->visible != !!visible)
    {
      self->visible = !!visible;
      self->from_alpha = self->alpha;
      self->fade_pending = TRUE;
      self->fade_duration = (GstClockTime) fade_ms * GST_MSECOND;
    }
  g_mutex_unlock (&self->lock);
}

gboolean
tribuna_lower_third_get_visible (TribunaLowerThird *self)
{
  g_return_val_if_fail (TRIBUNA_IS_LOWER_THIRD (self), FALSE);
  return self->visible;
}

guint
tribuna_lower_third_get_unknown_glyphs (TribunaLowerThird *self)
{
  g_return_val_if_fail (TRIBUNA_IS_LOWER_THIRD (self), 0);
  return self->unknown_glyphs;
}

/* Called with lock held */
static void
update_alpha (TribunaLowerThird *self,
              GstClockTime       now)
{
  double target = self->visible ? 1.0 : 0.0;
  double t;

  if (self->fade_pending)
    {
      self->fade_start = now;
      self->fade_pending = FALSE;
    }
  if (self->fade_duration == 0 || now >= self->fade_start + self->fade_duration)
    t = 1.0;
  else
    t = now <= self->fade_start ? 0.0 : (double) (now - self->fade_start) / self->fade_duration;
  self->alpha = self->from_alpha + (target - self->from_alpha) * t;
}

static GstVideoOverlayComposition *
on_draw (GstElement *overlay,
         GstSample  *sample,
         gpointer    user_data)
{
  TribunaLowerThird *self = user_data;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstVideoOverlayComposition *composition = NULL;
  GstClockTime now;

  now = gst_segment_to_running_time (gst_sample_get_segment (sample), GST_FORMAT_TIME,
                                     GST_BUFFER_PTS (buffer));
  g_mutex_lock (&self->lock);
  update_alpha (self, now);
  if (self->logo != NULL)
    composition = gst_video_overlay_composition_new (self->logo);
  if (self->text != NULL && self->alpha > 0.0)
    {
      /* A copy shares the pixels; only its alpha is its own. */
      GstVideoOverlayRectangle *text = gst_video_overlay_rectangle_copy (self->text);

      gst_video_overlay_rectangle_set_global_alpha (text, self->alpha);
      if (composition == NULL)
        composition = gst_video_overlay_composition_new (text);
      else
        gst_video_overlay_composition_add_rectangle (composition, text);
      gst_video_overlay_rectangle_unref (text);
    }
  g_mutex_unlock (&self->lock);

  return composition;
}

GstElement *
tribuna_lower_third_build (TribunaLowerThird  *self,
                           GstBin             *bin,
                           GError            **error)
{
  GstElement *overlay;

  g_return_val_if_fail (TRIBUNA_IS_LOWER_THIRD (self), NULL);

  overlay = tribuna_make_element ("overlaycomposition", "overlays", error);
  if (overlay == NULL)
    return NULL;

  g_signal_connect (overlay, "draw", G_CALLBACK (on_draw), self);
  gst_bin_add (bin, overlay);
  return overlay;
}

void
tribuna_lower_third_clear (TribunaLowerThird *self)
{
  g_return_if_fail (TRIBUNA_IS_LOWER_THIRD (self));

  /* A new program starts the fade from where it is, not mid-way. */
  g_mutex_lock (&self->lock);
  self->alpha = self->from_alpha = self->visible ? 1.0 : 0.0;
  self->fade_pending = FALSE;
  g_mutex_unlock (&self->lock);
}

static void
tribuna_lower_third_finalize (GObject *object)
{
  TribunaLowerThird *self = (TribunaLowerThird *) object;

  if (self->text != NULL)
    gst_video_overlay_rectangle_unref (self->text);
  if (self->logo != NULL)
    gst_video_overlay_rectangle_unref (self->logo);
  g_free (self->theme.font);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tribuna_lower_third_parent_class)->finalize (object);
}

static void
tribuna_lower_third_class_init (TribunaLowerThirdClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tribuna_lower_third_finalize;
}

static void
tribuna_lower_third_init (TribunaLowerThird *self)
{
  g_mutex_init (&self->lock);
}

TribunaLowerThird *
tribuna_lower_third_new (guint                         width,
                         guint                         height,
                         const TribunaLowerThirdTheme *theme)
{
  TribunaLowerThird *self;

  g_return_val_if_fail (theme != NULL && theme->font != NULL, NULL);

  self = g_object_new (TRIBUNA_TYPE_LOWER_THIRD, NULL);
  self->width = width;
  self->height = height;
  self->theme = *theme;
  self->theme.font = g_strdup (theme->font);
  return self;
}
