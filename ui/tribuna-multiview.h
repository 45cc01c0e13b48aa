/* tribuna-multiview.h: the program monitor and every source's preview, with tally
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tribuna-engine.h"
#include "tribuna-preview-paintable.h"
#include "tribuna-source-tile.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_MULTIVIEW (tribuna_multiview_get_type ())
G_DECLARE_FINAL_TYPE (TribunaMultiview, tribuna_multiview, TRIBUNA, MULTIVIEW, GtkWidget)

void                     tribuna_multiview_set_engine           (TribunaMultiview *self,
                                                                 TribunaEngine    *engine);
guint                    tribuna_multiview_get_n_tiles          (TribunaMultiview *self);
TribunaSourceTile       *tribuna_multiview_get_tile             (TribunaMultiview *self,
                                                                 guint             index);
TribunaPreviewPaintable *tribuna_multiview_get_program_paintable (TribunaMultiview *self);

G_END_DECLS
