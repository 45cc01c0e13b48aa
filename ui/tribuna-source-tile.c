/* tribuna-source-tile.c: one source in the multiview: live preview, name, tally, key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A button (click or its number key puts the source on preview) showing the source's preview
 * frames, its name and key, and "NO SIGNAL" when the engine shows the card for it. The tally
 * is a thick border: red on program, green on preview, as on every vision mixer.
 */
#define G_LOG_DOMAIN "tribuna-source-tile"

#include "config.h"

#include <glib/gi18n.h>

#include "tribuna-source-tile.h"

struct _TribunaSourceTile
{
  GtkButton                 parent_instance;

  /* Template widgets */
  GtkPicture               *picture;
  GtkLabel                 *name_label;
  GtkLabel                 *number_label;
  GtkLabel                 *signal_label;

  /* Owned references */
  TribunaSourcePipeline    *source;
  TribunaPreviewPaintable  *paintable;

  gboolean                  on_program;
  gboolean                  on_preview;
};

G_DEFINE_FINAL_TYPE (TribunaSourceTile, tribuna_source_tile, GTK_TYPE_BUTTON)

static void
update_state (TribunaSourceTile *self)
{
  TribunaSourceState state = tribuna_source_pipeline_get_state (self->source);

  gtk_widget_set_visible (GTK_WIDGET (self->signal_label), state != TRIBUNA_SOURCE_LIVE);
  gtk_label_set_label (self->signal_label, state == TRIBUNA_SOURCE_STARTING ? _("STARTING")
                                                                            : _("NO SIGNAL"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               tribuna_source_pipeline_get_last_error (self->source));
  if (state != TRIBUNA_SOURCE_LIVE)
    tribuna_preview_paintable_clear (self->paintable);
}

static void
on_source_notify (TribunaSourcePipeline *source,
                  GParamSpec            *pspec,
                  TribunaSourceTile     *self)
{
  update_state (self);
}

static void
update_accessible (TribunaSourceTile *self)
{
  const char *name = tribuna_source_pipeline_get_name (self->source);
  g_autofree char *label = NULL;

  if (self->on_program)
    label = g_strdup_printf (_("%s, on program"), name);
  else if (self->on_preview)
    label = g_strdup_printf (_("%s, on preview"), name);
  else
    label = g_strdup (name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

void
tribuna_source_tile_set_tally (TribunaSourceTile *self,
                               gboolean           program,
                               gboolean           preview)
{
  g_return_if_fail (TRIBUNA_IS_SOURCE_TILE (self));

  self->on_program = program;
  self->on_preview = preview && !program;
  if (self->on_program)
    gtk_widget_add_css_class (GTK_WIDGET (self), "tally-program");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "tally-program");
  if (self->on_preview)
    gtk_widget_add_css_class (GTK_WIDGET (self), "tally-preview");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "tally-preview");
  update_accessible (self);
}

gboolean
tribuna_source_tile_get_on_program (TribunaSourceTile *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_TILE (self), FALSE);

  return self->on_program;
}

gboolean
tribuna_source_tile_get_on_preview (TribunaSourceTile *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_TILE (self), FALSE);

  return self->on_preview;
}

gboolean
tribuna_source_tile_get_no_signal (TribunaSourceTile *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_TILE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->signal_label));
}

TribunaSourcePipeline *
tribuna_source_tile_get_source (TribunaSourceTile *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_TILE (self), NULL);

  return self->source;
}

TribunaPreviewPaintable *
tribuna_source_tile_get_paintable (TribunaSourceTile *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SOURCE_TILE (self), NULL);

  return self->paintable;
}

static void
tribuna_source_tile_dispose (GObject *object)
{
  TribunaSourceTile *self = TRIBUNA_SOURCE_TILE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_SOURCE_TILE);
  g_clear_object (&self->paintable);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (tribuna_source_tile_parent_class)->dispose (object);
}

static void
tribuna_source_tile_class_init (TribunaSourceTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tribuna_source_tile_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-source-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, TribunaSourceTile, picture);
  gtk_widget_class_bind_template_child (widget_class, TribunaSourceTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaSourceTile, number_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaSourceTile, signal_label);
}

static void
tribuna_source_tile_init (TribunaSourceTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->paintable = tribuna_preview_paintable_new ();
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->paintable));
}

GtkWidget *
tribuna_source_tile_new (TribunaSourcePipeline *source,
                         guint                  number)
{
  TribunaSourceTile *self;
  const char *name = tribuna_source_pipeline_get_name (source);
  g_autofree char *key = number > 0 ? g_strdup_printf ("%u", number) : NULL;

  self = g_object_new (TRIBUNA_TYPE_SOURCE_TILE, NULL);
  self->source = g_object_ref (source);
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->number_label, key ? key : "");
  gtk_widget_set_visible (GTK_WIDGET (self->number_label), key != NULL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "win.preview-source");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self), "s", name);
  g_signal_connect_object (source, "notify::state", G_CALLBACK (on_source_notify), self, 0);
  g_signal_connect_object (source, "notify::last-error", G_CALLBACK (on_source_notify), self, 0);
  update_state (self);
  update_accessible (self);
  return GTK_WIDGET (self);
}
