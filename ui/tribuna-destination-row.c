/* tribuna-destination-row.c: one destination in the control room: state, bitrate, errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bitrate shown is the one the server acknowledged, not the one written into the
 * socket: a server that stopped reading shows it at once.
 */
#define G_LOG_DOMAIN "tribuna-destination-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tribuna-destination-row.h"
#include "tribuna-format.h"

struct _TribunaDestinationRow
{
  GtkListBoxRow        parent_instance;

  /* Template widgets */
  GtkLabel            *name_label;
  GtkLabel            *state_label;
  GtkLabel            *url_label;
  GtkLabel            *stats_label;
  GtkLabel            *error_label;
  GtkCheckButton      *enabled_check;
  GtkButton           *start_button;
  GtkButton           *stop_button;

  /* Owned references */
  TribunaEngine       *engine;
  TribunaDestination  *destination;
};

G_DEFINE_FINAL_TYPE (TribunaDestinationRow, tribuna_destination_row, GTK_TYPE_LIST_BOX_ROW)

static const char * const state_classes[] = {
  "state-idle", "state-connecting", "state-live", "state-reconnecting", "state-stopped",
  "state-failed", "state-rejected", NULL
};

static void
update_state (TribunaDestinationRow *self)
{
  TribunaDestinationState state = tribuna_destination_get_state (self->destination);

  for (guint i = 0; state_classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), state_classes[i]);
  if ((guint) state < G_N_ELEMENTS (state_classes) - 1)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state_classes[state]);
  gtk_label_set_label (self->state_label, tribuna_format_destination_state (state));
}

static void
update_stats (TribunaDestinationRow *self)
{
  g_autofree char *live = tribuna_format_elapsed (
    tribuna_destination_get_live_seconds (self->destination));
  g_autofree char *text = NULL;
  guint reconnects = tribuna_destination_get_reconnects (self->destination);

  /* TRANSLATORS: "3980 kbit/s acknowledged · 2 reconnects · on air 00:12:03" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u kbit/s acknowledged · %u reconnect · on air %s",
                                       "%u kbit/s acknowledged · %u reconnects · on air %s",
                                       reconnects),
                          tribuna_destination_get_acked_kbps (self->destination), reconnects,
                          live);
  gtk_label_set_label (self->stats_label, text);
}

static void
update_error (TribunaDestinationRow *self)
{
  const char *error = tribuna_destination_get_last_error (self->destination);

  gtk_label_set_label (self->error_label, error ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL && *error != '\0');
}

static void
update_buttons (TribunaDestinationRow *self)
{
  gboolean wanted = tribuna_destination_get_wanted (self->destination);

  gtk_widget_set_visible (GTK_WIDGET (self->start_button), !wanted);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), wanted);
  gtk_check_button_set_active (self->enabled_check,
                               tribuna_engine_get_destination_enabled (self->engine,
                                                                       self->destination));
}

static void
on_destination_notify (TribunaDestination    *destination,
                       GParamSpec            *pspec,
                       TribunaDestinationRow *self)
{
  update_state (self);
  update_stats (self);
  update_error (self);
  update_buttons (self);
}

static void
on_enabled_toggled (GtkCheckButton        *check,
                    TribunaDestinationRow *self)
{
  g_autoptr(GError) error = NULL;
  gboolean active = gtk_check_button_get_active (check);

  if (active == tribuna_engine_get_destination_enabled (self->engine, self->destination))
    return;
  if (!tribuna_engine_set_destination_enabled (self->engine,
                                               tribuna_destination_get_name (self->destination),
                                               active, &error))
    g_warning ("%s", error->message);
}

static void
tribuna_destination_row_dispose (GObject *object)
{
  TribunaDestinationRow *self = TRIBUNA_DESTINATION_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_DESTINATION_ROW);
  g_clear_object (&self->destination);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (tribuna_destination_row_parent_class)->dispose (object);
}

static void
tribuna_destination_row_class_init (TribunaDestinationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tribuna_destination_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-destination-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TribunaDestinationRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaDestinationRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaDestinationRow, url_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaDestinationRow, stats_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaDestinationRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaDestinationRow, enabled_check);
  gtk_widget_class_bind_template_child (widget_class, TribunaDestinationRow, start_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaDestinationRow, stop_button);
}

static void
tribuna_destination_row_init (TribunaDestinationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->enabled_check, "toggled", G_CALLBACK (on_enabled_toggled), self);
}

GtkWidget *
tribuna_destination_row_new (TribunaEngine      *engine,
                             TribunaDestination *destination)
{
  TribunaDestinationRow *self;
  const char *name = tribuna_destination_get_name (destination);
  g_autofree char *accessible = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (destination), NULL);

  self = g_object_new (TRIBUNA_TYPE_DESTINATION_ROW, NULL);
  self->engine = g_object_ref (engine);
  self->destination = g_object_ref (destination);

  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->url_label, tribuna_destination_get_masked_url (destination));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->start_button), "s", name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->stop_button), "s", name);
  accessible = g_strdup_printf (_("Destination %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);

  g_signal_connect_object (destination, "notify", G_CALLBACK (on_destination_notify), self, 0);
  on_destination_notify (destination, NULL, self);
  return GTK_WIDGET (self);
}

TribunaDestination *
tribuna_destination_row_get_destination (TribunaDestinationRow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION_ROW (self), NULL);

  return self->destination;
}
