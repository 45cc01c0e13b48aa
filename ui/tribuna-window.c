/* tribuna-window.c: the control room
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two big tiles say whether the hall is ON AIR and whether it is recorded. Only a
 * destination the server acknowledges as carrying media makes the tile red; connecting and
 * reconnecting are amber and say so in words, so a stream that is not reaching viewers never
 * looks like one that is. Everything here follows the engine's properties; nothing polls
 * the pipeline.
 */
#define G_LOG_DOMAIN "tribuna-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tribuna-audio-strip.h"
#include "tribuna-destination-row.h"
#include "tribuna-multiview.h"
#include "tribuna-format.h"
#include "tribuna-session-panel.h"
#include "tribuna-status-bar.h"
#include "tribuna-window-private.h"

G_DEFINE_FINAL_TYPE (TribunaWindow, tribuna_window, ADW_TYPE_APPLICATION_WINDOW)

static const char * const tile_classes[] = {
  "on-air", "pending", "off-air", "recording", "failed", NULL
};

static void
set_tile_class (GtkWidget  *tile,
                const char *name)
{
  for (guint i = 0; tile_classes[i] != NULL; i++)
    gtk_widget_remove_css_class (tile, tile_classes[i]);
  gtk_widget_add_css_class (tile, name);
}

typedef struct {
  guint n_enabled;
  guint n_live;
  guint n_connecting;
  guint n_reconnecting;
  guint n_wanted;
  TribunaDestination *failed;   /* one that gave up (refused, failed), or NULL */
} DestinationCounts;

static void
count_destinations (TribunaWindow     *self,
                    DestinationCounts *counts)
{
  GListModel *model = tribuna_engine_get_destinations (self->engine);
  guint n = g_list_model_get_n_items (model);

  memset (counts, 0, sizeof *counts);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaDestination) destination = g_list_model_get_item (model, i);
      TribunaDestinationState state = tribuna_destination_get_state (destination);

      counts->n_enabled += tribuna_engine_get_destination_enabled (self->engine, destination);
      counts->n_wanted += tribuna_destination_get_wanted (destination);
      counts->n_live += state == TRIBUNA_DESTINATION_LIVE;
      counts->n_connecting += state == TRIBUNA_DESTINATION_CONNECTING;
      counts->n_reconnecting += state == TRIBUNA_DESTINATION_RECONNECTING;
      if ((state == TRIBUNA_DESTINATION_FAILED || state == TRIBUNA_DESTINATION_REJECTED)
          && counts->failed == NULL)
        counts->failed = destination;
    }
}

static char *
on_air_detail (TribunaWindow           *self,
               const DestinationCounts *counts)
{
  g_autofree char *elapsed = NULL;

  if (counts->n_live == 0)
    {
      if (counts->n_reconnecting > 0)
        return g_strdup (_("Not reaching viewers: the connection was lost and is being retried"));
      if (counts->n_connecting > 0)
        return g_strdup (_("Not on air yet: connecting to the streaming service"));
      if (counts->failed != NULL)
        return g_strdup_printf (_("“%s” could not go on air: %s"),
                                tribuna_destination_get_name (counts->failed),
                                tribuna_destination_get_last_error (counts->failed));
      if (g_list_model_get_n_items (tribuna_engine_get_destinations (self->engine)) == 0)
        return g_strdup (_("No destination: add one in the settings"));
      return g_strdup (_("Nothing is streamed"));
    }

  elapsed = tribuna_format_elapsed ((g_get_monotonic_time () - self->on_air_since_us)
                                    / G_USEC_PER_SEC);
  /* TRANSLATORS: "01:02:03 — 2 of 3 destinations live" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s — %u of %u destination live",
                                       "%s — %u of %u destinations live", counts->n_wanted),
                          elapsed, counts->n_live, MAX (counts->n_wanted, counts->n_live));
}

static void
update_on_air (TribunaWindow *self)
{
  DestinationCounts counts;
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;

  count_destinations (self, &counts);
  if (counts.n_live > 0 && self->on_air_since_us == 0)
    self->on_air_since_us = g_get_monotonic_time ();
  else if (counts.n_live == 0)
    self->on_air_since_us = 0;

  if (counts.n_live > 0)
    {
      gtk_label_set_label (self->on_air_label, _("ON AIR"));
      set_tile_class (self->on_air_tile, "on-air");
    }
  else if (counts.n_reconnecting > 0)
    {
      gtk_label_set_label (self->on_air_label, _("RECONNECTING"));
      set_tile_class (self->on_air_tile, "pending");
    }
  else if (counts.n_connecting > 0)
    {
      gtk_label_set_label (self->on_air_label, _("CONNECTING"));
      set_tile_class (self->on_air_tile, "pending");
    }
  else if (counts.failed != NULL)
    {
      /* It was wanted and gave up: not the calm grey of never having started. */
      gtk_label_set_label (self->on_air_label, _("NOT ON AIR"));
      set_tile_class (self->on_air_tile, "failed");
    }
  else
    {
      gtk_label_set_label (self->on_air_label, _("OFF AIR"));
      set_tile_class (self->on_air_tile, "off-air");
    }

  detail = on_air_detail (self, &counts);
  gtk_label_set_label (self->on_air_detail, detail);
  accessible = g_strdup_printf ("%s: %s", gtk_label_get_label (self->on_air_label), detail);
  gtk_button_set_label (GTK_BUTTON (self->on_air_button),
                        counts.n_wanted > 0 ? _("Stop _Stream…") : _("Go on _Air"));
  /* A screen reader hears the state word first, as the room sees it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->on_air_tile),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  _tribuna_window_update_actions (self);
}

static void
update_rec (TribunaWindow *self)
{
  TribunaRecorderState state = tribuna_engine_get_recorder_state (self->engine);
  TribunaRecorder *recorder = tribuna_engine_get_recorder (self->engine);
  g_autofree char *elapsed = NULL;
  g_autofree char *rec_accessible = NULL;
  gboolean recording = state == TRIBUNA_RECORDER_RECORDING;

  if (recording && self->rec_since_us == 0)
    self->rec_since_us = g_get_monotonic_time ();
  else if (!recording)
    self->rec_since_us = 0;

  switch (state)
    {
    case TRIBUNA_RECORDER_RECORDING:
      elapsed = tribuna_format_elapsed ((g_get_monotonic_time () - self->rec_since_us)
                                        / G_USEC_PER_SEC);
      gtk_label_set_label (self->rec_label, _("REC"));
      gtk_label_set_label (self->rec_detail, elapsed);
      set_tile_class (self->rec_tile, "recording");
      break;
    case TRIBUNA_RECORDER_STARTING:
      gtk_label_set_label (self->rec_label, _("STARTING"));
      gtk_label_set_label (self->rec_detail, _("Waiting for the first picture"));
      set_tile_class (self->rec_tile, "pending");
      break;
    case TRIBUNA_RECORDER_STOPPING:
      gtk_label_set_label (self->rec_label, _("FINALISING"));
      gtk_label_set_label (self->rec_detail, _("Closing the last file"));
      set_tile_class (self->rec_tile, "pending");
      break;
    case TRIBUNA_RECORDER_FAILED:
      gtk_label_set_label (self->rec_label, _("NOT RECORDING"));
      gtk_label_set_label (self->rec_detail, recorder ? tribuna_recorder_get_last_error (recorder)
                                                      : "");
      set_tile_class (self->rec_tile, "failed");
      break;
    case TRIBUNA_RECORDER_IDLE:
    case TRIBUNA_RECORDER_STOPPED:
    default:
      gtk_label_set_label (self->rec_label, _("NOT RECORDING"));
      gtk_label_set_label (self->rec_detail, _("Nothing is recorded"));
      set_tile_class (self->rec_tile, "off-air");
      break;
    }

  rec_accessible = g_strdup_printf ("%s: %s", gtk_label_get_label (self->rec_label),
                                    gtk_label_get_label (self->rec_detail));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->rec_tile), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  rec_accessible, -1);
  gtk_button_set_label (GTK_BUTTON (self->rec_button),
                        state == TRIBUNA_RECORDER_RECORDING || state == TRIBUNA_RECORDER_STARTING
                        ? _("Stop _Recording…") : _("_Record"));
  _tribuna_window_update_actions (self);
}

static void
on_destination_notify (TribunaDestination *destination,
                       GParamSpec         *pspec,
                       TribunaWindow      *self)
{
  update_on_air (self);
}

/* Follows every destination's state, whichever way the list changed (settings, API). */
static void
watch_destinations (TribunaWindow *self)
{
  GListModel *model = tribuna_engine_get_destinations (self->engine);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched, i),
                                          on_destination_notify, self);
  g_ptr_array_set_size (self->watched, 0);

  for (guint i = 0; i < n; i++)
    {
      TribunaDestination *destination = g_list_model_get_item (model, i);

      g_signal_connect_object (destination, "notify::state", G_CALLBACK (on_destination_notify),
                               self, 0);
      g_signal_connect_object (destination, "notify::wanted", G_CALLBACK (on_destination_notify),
                               self, 0);
      g_ptr_array_add (self->watched, destination);
    }
}

static void
on_destinations_changed (GListModel    *model,
                         guint          position,
                         guint          removed,
                         guint          added,
                         TribunaWindow *self)
{
  watch_destinations (self);
  update_on_air (self);
}

static GtkWidget *
create_destination_row (gpointer item,
                        gpointer user_data)
{
  TribunaWindow *self = user_data;

  return tribuna_destination_row_new (self->engine, TRIBUNA_DESTINATION (item));
}

static void
on_engine_notify (TribunaEngine *engine,
                  GParamSpec    *pspec,
                  TribunaWindow *self)
{
  update_rec (self);
  update_on_air (self);
}

/* The program failing is said at once, in the engine's words, not only in the status bar. */
static void
on_program_state (TribunaEngine *engine,
                  GParamSpec    *pspec,
                  TribunaWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *reason;

  if (tribuna_engine_get_program_state (engine) != TRIBUNA_PROGRAM_FAILED)
    return;
  reason = tribuna_engine_get_last_error (engine);
  error = g_error_new (TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_NOT_RUNNING,
                       _("The program stopped: %s"), reason ? reason : _("no reason given"));
  _tribuna_window_toast_error (self, error);
}

/* Once a second: the elapsed times. */
static gboolean
on_tick (gpointer user_data)
{
  TribunaWindow *self = user_data;

  if (self->on_air_since_us != 0)
    update_on_air (self);
  if (self->rec_since_us != 0)
    update_rec (self);
  return G_SOURCE_CONTINUE;
}

static void
on_stopping (TribunaApplication *app,
             GParamSpec         *pspec,
             TribunaWindow      *self)
{
  gtk_revealer_set_reveal_child (self->stopping_revealer,
                                 tribuna_application_get_stopping (app));
  _tribuna_window_update_actions (self);
}

/* Closing the control room ends the process: never silently while the hall is live. */
static void
confirmed_quit (TribunaWindow *self)
{
  tribuna_application_stop_and_quit (TRIBUNA_APPLICATION (gtk_window_get_application (
                                                            GTK_WINDOW (self))));
}

static gboolean
tribuna_window_close_request (GtkWindow *window)
{
  TribunaWindow *self = TRIBUNA_WINDOW (window);
  TribunaApplication *app = TRIBUNA_APPLICATION (gtk_window_get_application (window));

  if (app == NULL)
    return FALSE;
  if (tribuna_application_get_stopping (app))
    return TRUE;

  if (_tribuna_window_is_live (self))
    _tribuna_window_ask (self, _("Stop and Quit?"),
                         _("The hall is on air or being recorded. Quitting takes every stream "
                           "off air and finalises the recording first."),
                         _("_Stop and Quit"), confirmed_quit);
  else
    confirmed_quit (self);

  /* The window goes when the engine has stopped (the application destroys it). */
  return TRUE;
}

static void
tribuna_window_dispose (GObject *object)
{
  TribunaWindow *self = TRIBUNA_WINDOW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (tribuna_engine_get_destinations (self->engine), self);
  for (guint i = 0; self->watched && i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched, i),
                                          on_destination_notify, self);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_WINDOW);

  G_OBJECT_CLASS (tribuna_window_parent_class)->dispose (object);
}

static void
tribuna_window_finalize (GObject *object)
{
  TribunaWindow *self = TRIBUNA_WINDOW (object);

  g_clear_object (&self->engine);

  G_OBJECT_CLASS (tribuna_window_parent_class)->finalize (object);
}

static void
tribuna_window_class_init (TribunaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tribuna_window_dispose;
  object_class->finalize = tribuna_window_finalize;
  window_class->close_request = tribuna_window_close_request;

  g_type_ensure (TRIBUNA_TYPE_SESSION_PANEL);
  g_type_ensure (TRIBUNA_TYPE_MULTIVIEW);
  g_type_ensure (TRIBUNA_TYPE_AUDIO_STRIP);
  g_type_ensure (TRIBUNA_TYPE_STATUS_BAR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, on_air_tile);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, on_air_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, on_air_detail);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, on_air_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, rec_tile);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, rec_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, rec_detail);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, rec_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, destination_list);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, session_panel);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, multiview);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, audio_strip);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, stopping_revealer);
  gtk_widget_class_bind_template_child (widget_class, TribunaWindow, toasts);
}

static void
tribuna_window_init (TribunaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->watched = g_ptr_array_new ();
}

/* Everything that needs the engine, once it is known. */
static void
bind_engine (TribunaWindow *self)
{
  GListModel *destinations = tribuna_engine_get_destinations (self->engine);

  gtk_list_box_bind_model (self->destination_list, destinations, create_destination_row, self,
                           NULL);
  g_signal_connect_object (destinations, "items-changed", G_CALLBACK (on_destinations_changed),
                           self, 0);
  g_signal_connect_object (self->engine, "notify::recorder-state", G_CALLBACK (on_engine_notify),
                           self, 0);
  g_signal_connect_object (self->engine, "notify::on-air", G_CALLBACK (on_engine_notify),
                           self, 0);
  g_signal_connect_object (self->engine, "notify::program-state",
                           G_CALLBACK (on_engine_notify), self, 0);
  g_signal_connect_object (self->engine, "notify::program-state",
                           G_CALLBACK (on_program_state), self, 0);
  tribuna_session_panel_set_engine (TRIBUNA_SESSION_PANEL (self->session_panel), self->engine);
  tribuna_status_bar_set_engine (TRIBUNA_STATUS_BAR (self->status_bar), self->engine);
  tribuna_multiview_set_engine (TRIBUNA_MULTIVIEW (self->multiview), self->engine);
  tribuna_audio_strip_set_engine (TRIBUNA_AUDIO_STRIP (self->audio_strip), self->engine);

  watch_destinations (self);
  _tribuna_window_install_actions (self);
  update_rec (self);
  update_on_air (self);
  self->tick_id = g_timeout_add_seconds (1, on_tick, self);
}

GtkWidget *
tribuna_window_new (TribunaApplication *application,
                    TribunaEngine      *engine)
{
  TribunaWindow *self;

  g_return_val_if_fail (TRIBUNA_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (engine), NULL);

  self = g_object_new (TRIBUNA_TYPE_WINDOW, "application", application, NULL);
  self->engine = g_object_ref (engine);
  bind_engine (self);
  g_signal_connect_object (application, "notify::stopping", G_CALLBACK (on_stopping), self, 0);
  return GTK_WIDGET (self);
}

TribunaEngine *
tribuna_window_get_engine (TribunaWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_WINDOW (self), NULL);

  return self->engine;
}

AdwMessageDialog *
tribuna_window_get_question (TribunaWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_WINDOW (self), NULL);

  return self->question;
}

const char *
tribuna_window_get_on_air_text (TribunaWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_WINDOW (self), NULL);

  return gtk_label_get_label (self->on_air_label);
}

const char *
tribuna_window_get_rec_text (TribunaWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_WINDOW (self), NULL);

  return gtk_label_get_label (self->rec_label);
}

GtkWidget *
tribuna_window_get_session_panel (TribunaWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_WINDOW (self), NULL);

  return self->session_panel;
}

GtkWidget *
tribuna_window_get_status_bar (TribunaWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_WINDOW (self), NULL);

  return self->status_bar;
}

GtkWidget *
tribuna_window_get_multiview (TribunaWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_WINDOW (self), NULL);

  return self->multiview;
}

GtkWidget *
tribuna_window_get_audio_strip (TribunaWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_WINDOW (self), NULL);

  return self->audio_strip;
}
