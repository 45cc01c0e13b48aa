/* tribuna-source-tile.h: one source in the multiview: live preview, name, tally, key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tribuna-engine.h"
#include "tribuna-preview-paintable.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_SOURCE_TILE (tribuna_source_tile_get_type ())
G_DECLARE_FINAL_TYPE (TribunaSourceTile, tribuna_source_tile, TRIBUNA, SOURCE_TILE, GtkButton)

/* @number: the key that selects it (1–9), 0 for none. */
GtkWidget               *tribuna_source_tile_new           (TribunaSourcePipeline *source,
                                                            guint                  number);
TribunaSourcePipeline   *tribuna_source_tile_get_source    (TribunaSourceTile     *self);
TribunaPreviewPaintable *tribuna_source_tile_get_paintable (TribunaSourceTile     *self);
/* Red border on program, green on preview (both: program wins). */
void                     tribuna_source_tile_set_tally     (TribunaSourceTile     *self,
                                                            gboolean               program,
                                                            gboolean               preview);
gboolean                 tribuna_source_tile_get_on_program (TribunaSourceTile    *self);
gboolean                 tribuna_source_tile_get_on_preview (TribunaSourceTile    *self);
/* Whether the tile says NO SIGNAL (or STARTING) instead of showing pictures. */
gboolean                 tribuna_source_tile_get_no_signal  (TribunaSourceTile    *self);

G_END_DECLS
