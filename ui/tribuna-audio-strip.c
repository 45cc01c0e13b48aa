/* tribuna-audio-strip.c: a meter, mute and gain per source, the program's meter, the
 * silence alarm
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readings come from the engine's "levels" signal (20 a second a source, on the main
 * context, while the strip is shown: it enables the engine's meters when mapped); mute and
 * gain go back through the engine, and follow its sources' properties, so the HTTP API
 * changing a gain moves the slider here too.
 */
#define G_LOG_DOMAIN "tribuna-audio-strip"

#include "config.h"

#include <glib/gi18n.h>

#include "tribuna-audio-strip.h"

#define PROGRAM_KEY ""   /* the program's channel, among the sources' names */

typedef struct {
  TribunaLevelMeter *meter;
  GtkToggleButton   *mute;     /* NULL for the program */
  GtkRange          *gain;     /* NULL for the program */
} Channel;

struct _TribunaAudioStrip
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *box;
  GtkRevealer    *alarm_revealer;
  GtkBox         *channels;

  /* Owned references */
  TribunaEngine  *engine;
  GHashTable     *by_name;    /* source name (PROGRAM_KEY for the program) → Channel */
};

G_DEFINE_FINAL_TYPE (TribunaAudioStrip, tribuna_audio_strip, GTK_TYPE_WIDGET)

static void
on_mute_toggled (GtkToggleButton   *button,
                 TribunaAudioStrip *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "source");
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_set_source_muted (self->engine, name, gtk_toggle_button_get_active (button),
                                        &error))
    g_warning ("%s", error->message);
}

static void
on_gain_changed (GtkRange          *range,
                 TribunaAudioStrip *self)
{
  const char *name = g_object_get_data (G_OBJECT (range), "source");
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_set_source_gain (self->engine, name, gtk_range_get_value (range), &error))
    g_warning ("%s", error->message);
}

/* The engine (or the API) changed it: the controls follow without echoing back. */
static void
on_source_notify (TribunaSourcePipeline *source,
                  GParamSpec            *pspec,
                  TribunaAudioStrip     *self)
{
  Channel *channel = g_hash_table_lookup (self->by_name, tribuna_source_pipeline_get_name (source));

  if (channel == NULL)
    return;
  g_signal_handlers_block_by_func (channel->mute, on_mute_toggled, self);
  g_signal_handlers_block_by_func (channel->gain, on_gain_changed, self);
  gtk_toggle_button_set_active (channel->mute, tribuna_source_pipeline_get_muted (source));
  gtk_range_set_value (channel->gain, tribuna_source_pipeline_get_gain_db (source));
  g_signal_handlers_unblock_by_func (channel->gain, on_gain_changed, self);
  g_signal_handlers_unblock_by_func (channel->mute, on_mute_toggled, self);
}

static GtkWidget *
make_controls (TribunaAudioStrip     *self,
               TribunaSourcePipeline *source,
               Channel               *channel)
{
  const char *name = tribuna_source_pipeline_get_name (source);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *gain = gtk_scale_new_with_range (GTK_ORIENTATION_VERTICAL, -60, 20, 1);
  GtkWidget *mute = gtk_toggle_button_new_with_label (_("Mute"));
  g_autofree char *mute_label = g_strdup_printf (_("Mute %s"), name);
  g_autofree char *gain_label = g_strdup_printf (_("Gain of %s, in dB"), name);

  gtk_range_set_inverted (GTK_RANGE (gain), TRUE);
  gtk_scale_add_mark (GTK_SCALE (gain), 0, GTK_POS_RIGHT, "0");
  gtk_widget_set_vexpand (gain, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gain), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gain_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (mute), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  mute_label, -1);
  g_object_set_data_full (G_OBJECT (gain), "source", g_strdup (name), g_free);
  g_object_set_data_full (G_OBJECT (mute), "source", g_strdup (name), g_free);
  gtk_box_append (GTK_BOX (box), gain);
  gtk_box_append (GTK_BOX (box), mute);

  channel->gain = GTK_RANGE (gain);
  channel->mute = GTK_TOGGLE_BUTTON (mute);
  g_signal_connect (gain, "value-changed", G_CALLBACK (on_gain_changed), self);
  g_signal_connect (mute, "toggled", G_CALLBACK (on_mute_toggled), self);
  return box;
}

/* One column: name, meter (and, for a source, gain and mute). */
static void
add_channel (TribunaAudioStrip     *self,
             TribunaSourcePipeline *source)
{
  Channel *channel = g_new0 (Channel, 1);
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  const char *name = source ? tribuna_source_pipeline_get_name (source) : _("Program");
  GtkWidget *label = gtk_label_new (name);
  g_autofree char *meter_label = g_strdup_printf (_("Level of %s"), name);

  channel->meter = TRIBUNA_LEVEL_METER (tribuna_level_meter_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (channel->meter), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (channel->meter), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  meter_label, -1);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 10);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (channel->meter));
  if (source != NULL)
    gtk_box_append (GTK_BOX (row), make_controls (self, source, channel));
  gtk_widget_set_vexpand (row, TRUE);
  gtk_box_append (GTK_BOX (column), label);
  gtk_box_append (GTK_BOX (column), row);
  gtk_box_append (self->channels, column);

  g_hash_table_insert (self->by_name, g_strdup (source ? name : PROGRAM_KEY), channel);
  if (source != NULL)
    {
      g_signal_connect_object (source, "notify::muted", G_CALLBACK (on_source_notify), self, 0);
      g_signal_connect_object (source, "notify::gain-db", G_CALLBACK (on_source_notify), self, 0);
      on_source_notify (source, NULL, self);
    }
}

static void
rebuild (TribunaAudioStrip *self)
{
  GListModel *sources = tribuna_engine_get_sources (self->engine);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->channels))) != NULL)
    gtk_box_remove (self->channels, child);
  g_hash_table_remove_all (self->by_name);

  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (sources, i);

      /* Connected again by add_channel(): one handler a source, however many rebuilds. */
      g_signal_handlers_disconnect_by_func (source, on_source_notify, self);
      add_channel (self, source);
    }
  add_channel (self, NULL);
}

static void
on_sources_changed (GListModel        *model,
                    guint              position,
                    guint              removed,
                    guint              added,
                    TribunaAudioStrip *self)
{
  rebuild (self);
}

static void
on_levels (TribunaEngine            *engine,
           const char               *source,
           const TribunaAudioLevels *levels,
           TribunaAudioStrip        *self)
{
  Channel *channel = g_hash_table_lookup (self->by_name, source ? source : PROGRAM_KEY);
  double peak = TRIBUNA_AUDIO_LEVELS_FLOOR_DB;

  if (channel == NULL)
    return;
  for (guint i = 0; i < levels->n_channels; i++)
    peak = MAX (peak, levels->peak_db[i]);
  tribuna_level_meter_set_levels (channel->meter, tribuna_audio_levels_max_rms_db (levels), peak);
}

static void
on_silence_alarm (TribunaEngine     *engine,
                  GParamSpec        *pspec,
                  TribunaAudioStrip *self)
{
  gtk_revealer_set_reveal_child (self->alarm_revealer, tribuna_engine_get_silence_alarm (engine));
}

/* Per-source meters cost the engine a level element each: on only while they are seen. */
static void
tribuna_audio_strip_map (GtkWidget *widget)
{
  TribunaAudioStrip *self = TRIBUNA_AUDIO_STRIP (widget);

  GTK_WIDGET_CLASS (tribuna_audio_strip_parent_class)->map (widget);
  if (self->engine != NULL)
    tribuna_engine_set_meters_enabled (self->engine, TRUE);
}

static void
tribuna_audio_strip_unmap (GtkWidget *widget)
{
  TribunaAudioStrip *self = TRIBUNA_AUDIO_STRIP (widget);

  if (self->engine != NULL)
    tribuna_engine_set_meters_enabled (self->engine, FALSE);
  GTK_WIDGET_CLASS (tribuna_audio_strip_parent_class)->unmap (widget);
}

void
tribuna_audio_strip_set_engine (TribunaAudioStrip *self,
                                TribunaEngine     *engine)
{
  g_return_if_fail (TRIBUNA_IS_AUDIO_STRIP (self));
  g_return_if_fail (self->engine == NULL);

  self->engine = g_object_ref (engine);
  g_signal_connect_object (tribuna_engine_get_sources (engine), "items-changed",
                           G_CALLBACK (on_sources_changed), self, 0);
  g_signal_connect_object (engine, "levels", G_CALLBACK (on_levels), self, 0);
  g_signal_connect_object (engine, "notify::silence-alarm", G_CALLBACK (on_silence_alarm), self,
                           0);
  rebuild (self);
  on_silence_alarm (engine, NULL, self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    tribuna_engine_set_meters_enabled (engine, TRUE);
}

static Channel *
find_channel (TribunaAudioStrip *self,
              const char        *source)
{
  return g_hash_table_lookup (self->by_name, source ? source : PROGRAM_KEY);
}

TribunaLevelMeter *
tribuna_audio_strip_get_meter (TribunaAudioStrip *self,
                               const char        *source)
{
  Channel *channel;

  g_return_val_if_fail (TRIBUNA_IS_AUDIO_STRIP (self), NULL);

  channel = find_channel (self, source);
  return channel ? channel->meter : NULL;
}

GtkToggleButton *
tribuna_audio_strip_get_mute_button (TribunaAudioStrip *self,
                                     const char        *source)
{
  Channel *channel;

  g_return_val_if_fail (TRIBUNA_IS_AUDIO_STRIP (self), NULL);

  channel = find_channel (self, source);
  return channel ? channel->mute : NULL;
}

GtkRange *
tribuna_audio_strip_get_gain (TribunaAudioStrip *self,
                              const char        *source)
{
  Channel *channel;

  g_return_val_if_fail (TRIBUNA_IS_AUDIO_STRIP (self), NULL);

  channel = find_channel (self, source);
  return channel ? channel->gain : NULL;
}

gboolean
tribuna_audio_strip_get_alarm_shown (TribunaAudioStrip *self)
{
  g_return_val_if_fail (TRIBUNA_IS_AUDIO_STRIP (self), FALSE);

  return gtk_revealer_get_reveal_child (self->alarm_revealer);
}

static void
tribuna_audio_strip_dispose (GObject *object)
{
  TribunaAudioStrip *self = TRIBUNA_AUDIO_STRIP (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_AUDIO_STRIP);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (tribuna_audio_strip_parent_class)->dispose (object);
}

static void
tribuna_audio_strip_class_init (TribunaAudioStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tribuna_audio_strip_dispose;
  widget_class->map = tribuna_audio_strip_map;
  widget_class->unmap = tribuna_audio_strip_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-audio-strip.ui");
  /* Bound so that dispose_template() unparents it. */
  gtk_widget_class_bind_template_child (widget_class, TribunaAudioStrip, box);
  gtk_widget_class_bind_template_child (widget_class, TribunaAudioStrip, alarm_revealer);
  gtk_widget_class_bind_template_child (widget_class, TribunaAudioStrip, channels);
}

static void
tribuna_audio_strip_init (TribunaAudioStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
