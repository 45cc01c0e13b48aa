/* tribuna-lower-third.h: the lower third (speaker, role, agenda item) and the logo bug
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Where the lower third may sit, as fractions of the frame: inside the title-safe
 * area (the middle 90 %), its bottom at 95 % of the height, as tall as its text. */
#define TRIBUNA_LOWER_THIRD_LEFT   0.05
#define TRIBUNA_LOWER_THIRD_RIGHT  0.95
#define TRIBUNA_LOWER_THIRD_TOP    0.62
#define TRIBUNA_LOWER_THIRD_BOTTOM 0.95

typedef struct {
  char    *font;         /* Pango family, e.g. "DejaVu Sans" */
  guint32  background;   /* 0xAARRGGBB */
  guint32  foreground;   /* 0xAARRGGBB */
  guint32  accent;       /* 0xAARRGGBB: the bar beside the name */
} TribunaLowerThirdTheme;

#define TRIBUNA_TYPE_LOWER_THIRD (tribuna_lower_third_get_type ())
G_DECLARE_FINAL_TYPE (TribunaLowerThird, tribuna_lower_third, TRIBUNA, LOWER_THIRD, GObject)

TribunaLowerThird *tribuna_lower_third_new          (guint                         width,
                                                     guint                         height,
                                                     const TribunaLowerThirdTheme *theme);
/* A PNG in the top-left corner of the title-safe area, always shown; NULL for none. */
gboolean           tribuna_lower_third_set_logo     (TribunaLowerThird            *self,
                                                     const char                   *png_path,
                                                     GError                      **error);
/* Redraws it (any may be NULL or empty): @name large, @role under it, @item
 * (the agenda item) under that, wrapped to two lines and ellipsized. */
void               tribuna_lower_third_set_text     (TribunaLowerThird            *self,
                                                     const char                   *name,
                                                     const char                   *role,
                                                     const char                   *item);
void               tribuna_lower_third_set_visible  (TribunaLowerThird            *self,
                                                     gboolean                      visible,
                                                     guint                         fade_ms);
gboolean           tribuna_lower_third_get_visible  (TribunaLowerThird            *self);
/* Characters of the last text drawn that no installed font has (drawn as boxes). */
guint              tribuna_lower_third_get_unknown_glyphs (TribunaLowerThird      *self);
/* Adds an overlaycomposition to @bin and returns it, to link in the program's video. */
GstElement        *tribuna_lower_third_build        (TribunaLowerThird            *self,
                                                     GstBin                       *bin,
                                                     GError                      **error);
void               tribuna_lower_third_clear        (TribunaLowerThird            *self);

G_END_DECLS
