/* tribuna-status-bar.c: disk left in hours, CPU load, the engine's last error
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Free disk is shown as hours of recording at the program's bitrate: that is the question
 * the operator has ("will the session fit?"), not gigabytes. CPU is this process's share of
 * the whole machine, from getrusage(), once a second. Dropped is what the outputs lost
 * because they fell behind (the engine's feeds); the encoder's own lateness is not measured.
 */
#define G_LOG_DOMAIN "tribuna-status-bar"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/resource.h>

#include "tribuna-format.h"
#include "tribuna-status-bar.h"

struct _TribunaStatusBar
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *box;
  GtkLabel       *disk_label;
  GtkLabel       *cpu_label;
  GtkLabel       *frames_label;
  GtkLabel       *error_label;

  /* Owned references */
  TribunaEngine  *engine;

  gint64          last_wall_us;
  gint64          last_cpu_us;
  guint           tick_id;
};

G_DEFINE_FINAL_TYPE (TribunaStatusBar, tribuna_status_bar, GTK_TYPE_WIDGET)

static gint64
process_cpu_us (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC
         + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static guint64
free_bytes (TribunaStatusBar *self)
{
  TribunaRecorder *recorder = tribuna_engine_get_recorder (self->engine);
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFileInfo) info = NULL;

  /* The recorder measures its own disk every second while it runs. */
  if (recorder != NULL && tribuna_recorder_get_state (recorder) == TRIBUNA_RECORDER_RECORDING)
    return tribuna_recorder_get_free_bytes (recorder);

  dir = g_file_new_for_path (tribuna_engine_get_data_dir (self->engine));
  info = g_file_query_filesystem_info (dir, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
  return info ? g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) : 0;
}

static void
update_disk (TribunaStatusBar *self)
{
  TribunaConfig *config = tribuna_engine_get_config (self->engine);
  guint kbps = tribuna_config_get_video_bitrate (config)
               + tribuna_config_get_audio_bitrate (config);
  double hours = tribuna_format_recording_hours (free_bytes (self), kbps);
  TribunaRecorder *recorder = tribuna_engine_get_recorder (self->engine);
  g_autofree char *text = NULL;

  text = g_strdup_printf (_("Disk: %.1f h of recording left"), hours);
  gtk_label_set_label (self->disk_label, text);
  if (recorder != NULL && tribuna_recorder_get_low_disk (recorder))
    gtk_widget_add_css_class (GTK_WIDGET (self->disk_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->disk_label), "error");
}

static void
update_cpu (TribunaStatusBar *self)
{
  gint64 wall = g_get_monotonic_time ();
  gint64 cpu = process_cpu_us ();
  g_autofree char *text = NULL;
  double share;

  if (self->last_wall_us != 0 && wall > self->last_wall_us)
    {
      share = 100.0 * (double) (cpu - self->last_cpu_us)
              / ((double) (wall - self->last_wall_us) * g_get_num_processors ());
      text = g_strdup_printf (_("CPU: %.0f %%"), share);
      gtk_label_set_label (self->cpu_label, text);
    }
  self->last_wall_us = wall;
  self->last_cpu_us = cpu;
}

static void
update_dropped (TribunaStatusBar *self)
{
  guint64 dropped = tribuna_engine_get_dropped_buffers (self->engine);
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, dropped);
  g_autofree char *text = g_strdup_printf (_("Dropped: %s"), number);

  gtk_label_set_label (self->frames_label, text);
  if (dropped > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->frames_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->frames_label), "error");
}

static void
update_error (TribunaStatusBar *self)
{
  const char *error = tribuna_engine_get_last_error (self->engine);

  gtk_label_set_label (self->error_label, error ? error : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), error);
}

static gboolean
on_tick (gpointer user_data)
{
  TribunaStatusBar *self = user_data;

  update_disk (self);
  update_cpu (self);
  update_dropped (self);
  return G_SOURCE_CONTINUE;
}

static void
on_last_error (TribunaEngine    *engine,
               GParamSpec       *pspec,
               TribunaStatusBar *self)
{
  update_error (self);
}

void
tribuna_status_bar_set_engine (TribunaStatusBar *self,
                               TribunaEngine    *engine)
{
  g_return_if_fail (TRIBUNA_IS_STATUS_BAR (self));
  g_return_if_fail (self->engine == NULL);

  self->engine = g_object_ref (engine);
  g_signal_connect_object (engine, "notify::last-error", G_CALLBACK (on_last_error), self, 0);
  gtk_label_set_label (self->cpu_label, _("CPU: —"));
  update_disk (self);
  update_cpu (self);
  update_dropped (self);
  update_error (self);
  self->tick_id = g_timeout_add_seconds (1, on_tick, self);
}

const char *
tribuna_status_bar_get_disk_text (TribunaStatusBar *self)
{
  g_return_val_if_fail (TRIBUNA_IS_STATUS_BAR (self), NULL);

  return gtk_label_get_label (self->disk_label);
}

GtkWidget *
tribuna_status_bar_get_disk_label (TribunaStatusBar *self)
{
  g_return_val_if_fail (TRIBUNA_IS_STATUS_BAR (self), NULL);

  return GTK_WIDGET (self->disk_label);
}

const char *
tribuna_status_bar_get_dropped_text (TribunaStatusBar *self)
{
  g_return_val_if_fail (TRIBUNA_IS_STATUS_BAR (self), NULL);

  return gtk_label_get_label (self->frames_label);
}

const char *
tribuna_status_bar_get_cpu_text (TribunaStatusBar *self)
{
  g_return_val_if_fail (TRIBUNA_IS_STATUS_BAR (self), NULL);

  return gtk_label_get_label (self->cpu_label);
}

static void
tribuna_status_bar_dispose (GObject *object)
{
  TribunaStatusBar *self = TRIBUNA_STATUS_BAR (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_STATUS_BAR);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (tribuna_status_bar_parent_class)->dispose (object);
}

static void
tribuna_status_bar_class_init (TribunaStatusBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tribuna_status_bar_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-status-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TribunaStatusBar, box);
  gtk_widget_class_bind_template_child (widget_class, TribunaStatusBar, disk_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaStatusBar, cpu_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaStatusBar, frames_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaStatusBar, error_label);
}

static void
tribuna_status_bar_init (TribunaStatusBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
