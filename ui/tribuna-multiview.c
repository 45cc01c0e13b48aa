/* tribuna-multiview.c: the program monitor and every source's preview, with tally
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine hands preview frames (RGB, at most 10 a second each) on the main context; each
 * goes to its tile's TribunaPreviewPaintable, the program's to the monitor. Previews are on
 * only while the multiview is mapped: they cost the engine a scale per frame.
 */
#define G_LOG_DOMAIN "tribuna-multiview"

#include "config.h"

#include <glib/gi18n.h>

#include "tribuna-multiview.h"

struct _TribunaMultiview
{
  GtkWidget                 parent_instance;

  /* Template widgets */
  GtkWidget                *box;
  GtkPicture               *program_picture;
  GtkFlowBox               *source_box;

  /* Owned references */
  TribunaEngine            *engine;
  TribunaPreviewPaintable  *program;
  GPtrArray                *tiles;    /* TribunaSourceTile, in the engine's source order */
};

G_DEFINE_FINAL_TYPE (TribunaMultiview, tribuna_multiview, GTK_TYPE_WIDGET)

static void
update_tally (TribunaMultiview *self)
{
  const char *program = tribuna_engine_get_program_source (self->engine);
  const char *preview = tribuna_engine_get_preview_source (self->engine);

  for (guint i = 0; i < self->tiles->len; i++)
    {
      TribunaSourceTile *tile = g_ptr_array_index (self->tiles, i);
      const char *name = tribuna_source_pipeline_get_name (tribuna_source_tile_get_source (tile));

      tribuna_source_tile_set_tally (tile, g_strcmp0 (name, program) == 0,
                                     g_strcmp0 (name, preview) == 0);
    }
}

static void
rebuild_tiles (TribunaMultiview *self)
{
  GListModel *sources = tribuna_engine_get_sources (self->engine);
  guint key = 1;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->source_box))) != NULL)
    gtk_flow_box_remove (self->source_box, child);
  g_ptr_array_set_size (self->tiles, 0);

  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (sources, i);
      GtkWidget *tile;

      /* A microphone has no picture: it lives on the audio strip only. */
      if (!tribuna_source_pipeline_has_picture (source))
        continue;
      tile = tribuna_source_tile_new (source, key <= 9 ? key : 0);
      key++;
      gtk_flow_box_append (self->source_box, tile);
      g_ptr_array_add (self->tiles, tile);
    }
  update_tally (self);
}

static void
on_sources_changed (GListModel       *model,
                    guint             position,
                    guint             removed,
                    guint             added,
                    TribunaMultiview *self)
{
  rebuild_tiles (self);
}

static void
on_tally_notify (TribunaEngine    *engine,
                 GParamSpec       *pspec,
                 TribunaMultiview *self)
{
  update_tally (self);
}

static TribunaPreviewPaintable *
paintable_for (TribunaMultiview *self,
               const char       *source)
{
  if (source == NULL)
    return self->program;

  for (guint i = 0; i < self->tiles->len; i++)
    {
      TribunaSourceTile *tile = g_ptr_array_index (self->tiles, i);

      if (g_strcmp0 (tribuna_source_pipeline_get_name (tribuna_source_tile_get_source (tile)),
                     source) == 0)
        return tribuna_source_tile_get_paintable (tile);
    }
  return NULL;
}

static void
on_preview_frame (TribunaEngine       *engine,
                  const char          *source,
                  TribunaPreviewFrame *frame,
                  TribunaMultiview    *self)
{
  TribunaPreviewPaintable *paintable = paintable_for (self, source);

  if (paintable == NULL)
    return;
  tribuna_preview_paintable_set_frame (paintable, tribuna_preview_frame_get_pixels (frame),
                                       GDK_MEMORY_R8G8B8,
                                       (int) tribuna_preview_frame_get_width (frame),
                                       (int) tribuna_preview_frame_get_height (frame),
                                       tribuna_preview_frame_get_stride (frame));
}

static void
tribuna_multiview_map (GtkWidget *widget)
{
  TribunaMultiview *self = TRIBUNA_MULTIVIEW (widget);

  GTK_WIDGET_CLASS (tribuna_multiview_parent_class)->map (widget);
  if (self->engine != NULL)
    tribuna_engine_set_previews_enabled (self->engine, TRUE);
}

static void
tribuna_multiview_unmap (GtkWidget *widget)
{
  TribunaMultiview *self = TRIBUNA_MULTIVIEW (widget);

  if (self->engine != NULL)
    tribuna_engine_set_previews_enabled (self->engine, FALSE);
  GTK_WIDGET_CLASS (tribuna_multiview_parent_class)->unmap (widget);
}

void
tribuna_multiview_set_engine (TribunaMultiview *self,
                              TribunaEngine    *engine)
{
  static const char * const tally_props[] = {
    "notify::program-source", "notify::preview-source", "notify::layout"
  };

  g_return_if_fail (TRIBUNA_IS_MULTIVIEW (self));
  g_return_if_fail (self->engine == NULL);

  self->engine = g_object_ref (engine);
  g_signal_connect_object (tribuna_engine_get_sources (engine), "items-changed",
                           G_CALLBACK (on_sources_changed), self, 0);
  for (guint i = 0; i < G_N_ELEMENTS (tally_props); i++)
    g_signal_connect_object (engine, tally_props[i], G_CALLBACK (on_tally_notify), self, 0);
  g_signal_connect_object (engine, "preview-frame", G_CALLBACK (on_preview_frame), self, 0);
  rebuild_tiles (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    tribuna_engine_set_previews_enabled (engine, TRUE);
}

guint
tribuna_multiview_get_n_tiles (TribunaMultiview *self)
{
  g_return_val_if_fail (TRIBUNA_IS_MULTIVIEW (self), 0);

  return self->tiles->len;
}

TribunaSourceTile *
tribuna_multiview_get_tile (TribunaMultiview *self,
                            guint             index)
{
  g_return_val_if_fail (TRIBUNA_IS_MULTIVIEW (self), NULL);

  return index < self->tiles->len ? g_ptr_array_index (self->tiles, index) : NULL;
}

TribunaPreviewPaintable *
tribuna_multiview_get_program_paintable (TribunaMultiview *self)
{
  g_return_val_if_fail (TRIBUNA_IS_MULTIVIEW (self), NULL);

  return self->program;
}

static void
tribuna_multiview_dispose (GObject *object)
{
  TribunaMultiview *self = TRIBUNA_MULTIVIEW (object);

  g_clear_pointer (&self->tiles, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_MULTIVIEW);
  g_clear_object (&self->program);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (tribuna_multiview_parent_class)->dispose (object);
}

static void
tribuna_multiview_class_init (TribunaMultiviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tribuna_multiview_dispose;
  widget_class->map = tribuna_multiview_map;
  widget_class->unmap = tribuna_multiview_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-multiview.ui");
  /* Bound so that dispose_template() unparents it. */
  gtk_widget_class_bind_template_child (widget_class, TribunaMultiview, box);
  gtk_widget_class_bind_template_child (widget_class, TribunaMultiview, program_picture);
  gtk_widget_class_bind_template_child (widget_class, TribunaMultiview, source_box);
}

static void
tribuna_multiview_init (TribunaMultiview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->tiles = g_ptr_array_new ();
  self->program = tribuna_preview_paintable_new ();
  gtk_picture_set_paintable (self->program_picture, GDK_PAINTABLE (self->program));
}
