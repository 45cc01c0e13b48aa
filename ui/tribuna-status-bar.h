/* tribuna-status-bar.h: disk left in hours, CPU load, dropped buffers, the last error
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_STATUS_BAR (tribuna_status_bar_get_type ())
G_DECLARE_FINAL_TYPE (TribunaStatusBar, tribuna_status_bar, TRIBUNA, STATUS_BAR, GtkWidget)

void        tribuna_status_bar_set_engine     (TribunaStatusBar *self,
                                               TribunaEngine    *engine);
/* As shown, for tests. */
const char *tribuna_status_bar_get_disk_text  (TribunaStatusBar *self);
GtkWidget  *tribuna_status_bar_get_disk_label (TribunaStatusBar *self);
const char *tribuna_status_bar_get_cpu_text   (TribunaStatusBar *self);
const char *tribuna_status_bar_get_dropped_text (TribunaStatusBar *self);

G_END_DECLS
