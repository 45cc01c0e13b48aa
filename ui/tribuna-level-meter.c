/* tribuna-level-meter.c: one audio meter: RMS bar and a peak-hold line, in dBFS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bar is the RMS (what loudness looks like), the line the peak held for 1.5 s and then
 * falling, so a clip that lasted one reading is still seen. Green up to -18 dBFS, amber to
 * -6, red above: the usual broadcast zones. Drawn with snapshot colour nodes only, which
 * costs nothing next to the previews.
 */
#define G_LOG_DOMAIN "tribuna-level-meter"

#include "config.h"

#include "tribuna-level-meter.h"

struct _TribunaLevelMeter
{
  GtkWidget  parent_instance;

  double     rms_db;
  double     held_db;       /* the peak being held */
  gint64     held_at_us;    /* when it was set */
  gint64     told_at_us;    /* when screen readers last heard the level */
};

G_DEFINE_FINAL_TYPE (TribunaLevelMeter, tribuna_level_meter, GTK_TYPE_WIDGET)

#define AMBER_DB (-18.0)
#define RED_DB   (-6.0)

static double
clamp_db (double db)
{
  return CLAMP (db, TRIBUNA_LEVEL_METER_FLOOR_DB, 0.0);
}

/* 0 at the floor, 1 at full scale. */
static double
fraction (double db)
{
  return (clamp_db (db) - TRIBUNA_LEVEL_METER_FLOOR_DB) / -TRIBUNA_LEVEL_METER_FLOOR_DB;
}

double
tribuna_level_meter_get_peak_hold_db (TribunaLevelMeter *self,
                                      gint64             now_us)
{
  gint64 falling_us;

  g_return_val_if_fail (TRIBUNA_IS_LEVEL_METER (self), TRIBUNA_LEVEL_METER_FLOOR_DB);

  falling_us = now_us - self->held_at_us - TRIBUNA_LEVEL_METER_HOLD_US;
  if (falling_us <= 0)
    return self->held_db;
  return clamp_db (self->held_db
                   - TRIBUNA_LEVEL_METER_FALL_DB_PER_S * falling_us / (double) G_USEC_PER_SEC);
}

double
tribuna_level_meter_get_rms_db (TribunaLevelMeter *self)
{
  g_return_val_if_fail (TRIBUNA_IS_LEVEL_METER (self), TRIBUNA_LEVEL_METER_FLOOR_DB);

  return self->rms_db;
}

void
tribuna_level_meter_set_levels_at (TribunaLevelMeter *self,
                                   double             rms_db,
                                   double             peak_db,
                                   gint64             now_us)
{
  g_return_if_fail (TRIBUNA_IS_LEVEL_METER (self));

  self->rms_db = clamp_db (rms_db);
  /* A new peak above what the line shows now replaces it and is held afresh. */
  if (clamp_db (peak_db) >= tribuna_level_meter_get_peak_hold_db (self, now_us))
    {
      self->held_db = clamp_db (peak_db);
      self->held_at_us = now_us;
    }
  /* Redrawn at each reading (the line falls in steps of 50-100 ms); screen readers hear the
   * level once a second, not 20 times. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (now_us - self->told_at_us >= G_USEC_PER_SEC)
    {
      self->told_at_us = now_us;
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_VALUE_NOW,
                                      self->rms_db, -1);
    }
}

void
tribuna_level_meter_set_levels (TribunaLevelMeter *self,
                                double             rms_db,
                                double             peak_db)
{
  tribuna_level_meter_set_levels_at (self, rms_db, peak_db, g_get_monotonic_time ());
}

/* The bar from @from_db to @to_db, bottom up. */
static void
append_zone (GtkSnapshot   *snapshot,
             double         width,
             double         height,
             double         from_db,
             double         to_db,
             const GdkRGBA *colour)
{
  double bottom = height * (1 - fraction (from_db));
  double top = height * (1 - fraction (to_db));

  if (bottom > top)
    gtk_snapshot_append_color (snapshot, colour, &GRAPHENE_RECT_INIT (0, top, width, bottom - top));
}

static void
tribuna_level_meter_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  TribunaLevelMeter *self = TRIBUNA_LEVEL_METER (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double rms = self->rms_db;
  double peak = tribuna_level_meter_get_peak_hold_db (self, g_get_monotonic_time ());
  GdkRGBA back = { 0.1, 0.1, 0.1, 1 }, green = { 0.18, 0.76, 0.49, 1 };
  GdkRGBA amber = { 0.96, 0.76, 0.07, 1 }, red = { 0.88, 0.11, 0.14, 1 };
  GdkRGBA line = { 1, 1, 1, 1 };
  double y;

  gtk_snapshot_append_color (snapshot, &back, &GRAPHENE_RECT_INIT (0, 0, width, height));
  append_zone (snapshot, width, height, TRIBUNA_LEVEL_METER_FLOOR_DB, MIN (rms, AMBER_DB), &green);
  append_zone (snapshot, width, height, AMBER_DB, MIN (rms, RED_DB), &amber);
  append_zone (snapshot, width, height, RED_DB, rms, &red);

  y = height * (1 - fraction (peak));
  if (peak > TRIBUNA_LEVEL_METER_FLOOR_DB)
    gtk_snapshot_append_color (snapshot, peak > RED_DB ? &red : &line,
                               &GRAPHENE_RECT_INIT (0, MAX (0, y - 1), width, 2));
}

static void
tribuna_level_meter_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 10 : 80;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 14 : 160;
}

static void
tribuna_level_meter_class_init (TribunaLevelMeterClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = tribuna_level_meter_snapshot;
  widget_class->measure = tribuna_level_meter_measure;
  gtk_widget_class_set_css_name (widget_class, "levelmeter");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_METER);
}

static void
tribuna_level_meter_init (TribunaLevelMeter *self)
{
  self->rms_db = TRIBUNA_LEVEL_METER_FLOOR_DB;
  self->held_db = TRIBUNA_LEVEL_METER_FLOOR_DB;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, TRIBUNA_LEVEL_METER_FLOOR_DB,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, TRIBUNA_LEVEL_METER_FLOOR_DB,
                                  -1);
}

GtkWidget *
tribuna_level_meter_new (void)
{
  return g_object_new (TRIBUNA_TYPE_LEVEL_METER, NULL);
}
