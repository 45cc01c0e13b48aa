/* tribuna-level-meter.h: one audio meter: RMS bar and a peak-hold line, in dBFS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The scale: -60 dBFS at the bottom, 0 at the top. */
#define TRIBUNA_LEVEL_METER_FLOOR_DB (-60.0)
/* A peak is held this long, then falls at this rate. */
#define TRIBUNA_LEVEL_METER_HOLD_US  (1500 * G_TIME_SPAN_MILLISECOND)
#define TRIBUNA_LEVEL_METER_FALL_DB_PER_S 20.0

#define TRIBUNA_TYPE_LEVEL_METER (tribuna_level_meter_get_type ())
G_DECLARE_FINAL_TYPE (TribunaLevelMeter, tribuna_level_meter, TRIBUNA, LEVEL_METER, GtkWidget)

GtkWidget *tribuna_level_meter_new              (void);
/* A reading (10 to 20 a second), now. */
void       tribuna_level_meter_set_levels       (TribunaLevelMeter *self,
                                                 double             rms_db,
                                                 double             peak_db);
/* The same at a given monotonic time (µs), so tests need not sleep. */
void       tribuna_level_meter_set_levels_at    (TribunaLevelMeter *self,
                                                 double             rms_db,
                                                 double             peak_db,
                                                 gint64             now_us);
double     tribuna_level_meter_get_rms_db       (TribunaLevelMeter *self);
/* The held peak at @now_us: the highest recent peak, falling after the hold time. */
double     tribuna_level_meter_get_peak_hold_db (TribunaLevelMeter *self,
                                                 gint64             now_us);

G_END_DECLS
