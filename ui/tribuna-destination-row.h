/* tribuna-destination-row.h: one destination in the control room: state, bitrate, errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_DESTINATION_ROW (tribuna_destination_row_get_type ())
G_DECLARE_FINAL_TYPE (TribunaDestinationRow, tribuna_destination_row, TRIBUNA, DESTINATION_ROW,
                      GtkListBoxRow)

GtkWidget          *tribuna_destination_row_new             (TribunaEngine         *engine,
                                                             TribunaDestination    *destination);
TribunaDestination *tribuna_destination_row_get_destination (TribunaDestinationRow *self);

G_END_DECLS
