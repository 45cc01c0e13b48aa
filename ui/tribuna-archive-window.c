/* tribuna-archive-window.c: past sessions, their agenda items, clips for news posts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Office staff pick a session, an agenda item (its in and out fill in) or their own in/out,
 * and export a clip through the engine's queue, with its progress and a cancel. Times are on
 * the session's recorded time, as the timeline counts it: 0 is the first recorded frame.
 */
#define G_LOG_DOMAIN "tribuna-archive-window"

#include "config.h"

#include "tribuna-archive-window-private.h"
#include "tribuna-format.h"

G_DEFINE_FINAL_TYPE (TribunaArchiveWindow, tribuna_archive_window, ADW_TYPE_APPLICATION_WINDOW)

#define N_SESSION_TYPES (TRIBUNA_SESSION_TYPE_OTHER + 1)

/* Messages */

static void
show_message (TribunaArchiveWindow *self,
              GtkLabel             *label,
              const char           *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_label (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

/* Sessions */

static gboolean
read_date (TribunaArchiveWindow  *self,
           GtkEntry              *entry,
           const char           **out)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *iso = NULL;

  *out = NULL;
  if (*text == '\0')
    return TRUE;

  iso = g_strdup_printf ("%sT00:00:00Z", text);
  date = g_date_time_new_from_iso8601 (iso, NULL);
  if (date == NULL || strlen (text) != 10)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("“%s” is not a date like 2024-03-28"), text);

      show_message (self, self->filter_error, message);
      return FALSE;
    }
  *out = text;
  return TRUE;
}

static GtkWidget *
make_session_row (const TribunaSession *session)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (session->title);
  g_autofree char *detail_text = g_strdup_printf ("%s · %s · %s", session->date,
                                                  tribuna_format_session_type (session->type),
                                                  tribuna_format_session_state (session->state));
  GtkWidget *detail = gtk_label_new (detail_text);

  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "session-id", GINT_TO_POINTER ((int) session->id));
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
reload_sessions (TribunaArchiveWindow *self)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  guint type = gtk_drop_down_get_selected (self->type_filter);
  TribunaSessionFilter filter = { .by_type = type > 0, .type = type > 0 ? type - 1 : 0 };
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;

  show_message (self, self->filter_error, NULL);
  clear_list (self->session_list);
  if (!read_date (self, self->from_entry, &filter.from_date)
      || !read_date (self, self->to_entry, &filter.to_date))
    return;

  sessions = tribuna_archive_list_sessions (archive, &filter, &error);
  if (sessions == NULL)
    {
      show_message (self, self->filter_error, error->message);
      return;
    }
  /* Newest first: staff look for last week's meeting, not 2019's. */
  for (guint i = sessions->len; i > 0; i--)
    gtk_list_box_append (self->session_list,
                         make_session_row (g_ptr_array_index (sessions, i - 1)));
}

static void
on_filter_changed (TribunaArchiveWindow *self)
{
  reload_sessions (self);
}

/* One session */

/* Staff see private time in the recording; the row says the item has some. */
static gboolean
has_private_time (const TribunaItemRange *range)
{
  gint64 total_ns = 0;

  for (guint i = 0; i < range->ranges->len; i++)
    {
      const TribunaTimeRange *stretch = &g_array_index (range->ranges, TribunaTimeRange, i);

      total_ns += stretch->end_ns - stretch->start_ns;
    }
  return range->public_ns < total_ns;
}

static GtkWidget *
make_item_row (TribunaArchiveWindow   *self,
               const TribunaItemRange *range)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autofree char *label = tribuna_agenda_item_label (range->item);
  GtkWidget *title = gtk_label_new (label);
  g_autofree char *start = range->start_ns >= 0
                           ? tribuna_format_elapsed (range->start_ns / GST_SECOND) : NULL;
  gint64 length_s = (range->end_ns - range->start_ns) / GST_SECOND;
  g_autofree char *length = range->start_ns >= 0 ? tribuna_format_elapsed (length_s) : NULL;
  g_autofree char *times = start ? g_strdup_printf (_("at %s, %s long"), start, length)
                                 : g_strdup (_("not taken up"));
  GtkWidget *when = gtk_label_new (times);

  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (when, "dim-label");
  gtk_widget_add_css_class (when, "numeric");
  gtk_box_append (GTK_BOX (box), _tribuna_archive_window_make_item_picture (self));
  gtk_box_append (GTK_BOX (box), title);
  if (range->start_ns >= 0 && has_private_time (range))
    {
      GtkWidget *private_label = gtk_label_new (_("Private part"));

      gtk_widget_add_css_class (private_label, "private-part");
      gtk_box_append (GTK_BOX (box), private_label);
    }
  gtk_box_append (GTK_BOX (box), when);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_sensitive (row, range->start_ns >= 0);
  return row;
}

static void
show_items (TribunaArchiveWindow *self)
{
  GPtrArray *ranges = tribuna_timeline_get_item_ranges (self->timeline);

  for (guint i = 0; i < ranges->len; i++)
    gtk_list_box_append (self->item_list,
                         make_item_row (self, g_ptr_array_index (ranges, i)));
}

static void
show_session (TribunaArchiveWindow *self,
              gint64                session_id)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  g_autoptr(TribunaSession) session = tribuna_archive_get_session (archive, session_id, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *detail = NULL;

  clear_list (self->item_list);
  g_ptr_array_set_size (self->item_pictures, 0);
  g_clear_object (&self->timeline);
  self->session_id = session_id;
  self->item_index = -1;
  if (session == NULL)
    {
      _tribuna_archive_window_media_reset (self);
      return;
    }

  gtk_label_set_label (self->session_title, session->title);
  self->timeline = tribuna_timeline_new_for_session (archive, session_id, &error);
  if (self->timeline == NULL)
    {
      gtk_label_set_label (self->session_detail, error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
      _tribuna_archive_window_media_reset (self);
      return;
    }

  duration = tribuna_format_elapsed (tribuna_timeline_get_duration (self->timeline) / GST_SECOND);
  detail = g_strdup_printf (_("%s · %s · %s recorded"), session->date,
                            tribuna_format_session_type (session->type), duration);
  gtk_label_set_label (self->session_detail, detail);
  show_items (self);
  _tribuna_archive_window_media_reset (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), self->cancellable == NULL);
}

static void
on_session_selected (GtkListBox           *list,
                     GtkListBoxRow        *row,
                     TribunaArchiveWindow *self)
{
  if (row != NULL)
    show_session (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "session-id")));
}

static void
fill_range (TribunaArchiveWindow *self,
            gint64                in_ns,
            gint64                out_ns)
{
  g_autofree char *in_text = tribuna_format_elapsed (in_ns / GST_SECOND);
  g_autofree char *out_text = tribuna_format_elapsed ((out_ns + GST_SECOND - 1) / GST_SECOND);

  gtk_editable_set_text (GTK_EDITABLE (self->in_entry), in_text);
  gtk_editable_set_text (GTK_EDITABLE (self->out_entry), out_text);
}

static void
on_item_selected (GtkListBox           *list,
                  GtkListBoxRow        *row,
                  TribunaArchiveWindow *self)
{
  GPtrArray *ranges;
  const TribunaItemRange *range;

  if (row == NULL || self->timeline == NULL)
    return;
  ranges = tribuna_timeline_get_item_ranges (self->timeline);
  range = g_ptr_array_index (ranges, gtk_list_box_row_get_index (row));
  fill_range (self, range->start_ns, range->end_ns);
  /* Set after the fields: typing in them makes it a range of one's own. */
  self->item_index = gtk_list_box_row_get_index (row);
}

static void
on_range_edited (TribunaArchiveWindow *self)
{
  self->item_index = -1;
}

/* Exporting */

static void
set_exporting (TribunaArchiveWindow *self,
               gboolean              exporting)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), exporting);
  if (exporting)
    gtk_progress_bar_set_show_text (self->progress_bar, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button),
                            !exporting && self->timeline != NULL);
}

static void
on_progress (TribunaClipExport    *export,
             GParamSpec           *pspec,
             TribunaArchiveWindow *self)
{
  double remaining = tribuna_clip_export_get_remaining_seconds (export);
  g_autofree char *text = NULL;
  double percent;

  if (self->cancellable == NULL)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, tribuna_clip_export_get_progress (export));
  percent = 100 * tribuna_clip_export_get_progress (export);
  text = remaining >= 0 ? g_strdup_printf (_("%.0f %% — about %.0f s left"), percent, remaining)
                        : g_strdup_printf ("%.0f %%", percent);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* The JPEG the export made (none for sound only), as it will appear in the news post. */
static void
show_thumbnail (TribunaArchiveWindow *self,
                const char           *path)
{
  g_autoptr(GFile) file = path ? g_file_new_for_path (path) : NULL;
  g_autoptr(GdkTexture) texture = file ? gdk_texture_new_from_file (file, NULL) : NULL;

  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), texture != NULL);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TribunaArchiveWindow) self = user_data;
  g_autoptr(TribunaClipResult) clip = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  clip = tribuna_engine_export_clip_finish (TRIBUNA_ENGINE (object), result, &error);
  g_clear_object (&self->cancellable);
  set_exporting (self, FALSE);

  if (clip == NULL)
    {
      text = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
             ? g_strdup (_("Export cancelled; nothing was written"))
             : g_strdup_printf (_("Export failed: %s"), error->message);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, NULL);
      show_message (self, self->result_label, text);
      return;
    }

  g_free (self->clip_path);
  self->clip_path = g_strdup (tribuna_clip_result_get_media_path (clip));
  gtk_progress_bar_set_fraction (self->progress_bar, 1);
  gtk_progress_bar_set_text (self->progress_bar, _("Done"));
  text = g_strdup_printf (_("Clip written: %s"), self->clip_path);
  gtk_label_set_label (self->result_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  show_thumbnail (self, tribuna_clip_result_get_thumbnail_path (clip));
}

static TribunaClipPreset
chosen_preset (TribunaArchiveWindow *self)
{
  return (TribunaClipPreset) gtk_drop_down_get_selected (self->preset_dropdown);
}

/* The fields, read and checked: FALSE with the reason shown under them. */
static gboolean
read_range (TribunaArchiveWindow *self,
            gint64               *in_ns,
            gint64               *out_ns)
{
  const char *in_text = gtk_editable_get_text (GTK_EDITABLE (self->in_entry));
  const char *out_text = gtk_editable_get_text (GTK_EDITABLE (self->out_entry));

  show_message (self, self->range_error, NULL);
  if (!tribuna_format_parse_elapsed (in_text, in_ns))
    show_message (self, self->range_error, _("In: write a time like 1:02:03 or 12:30"));
  else if (!tribuna_format_parse_elapsed (out_text, out_ns))
    show_message (self, self->range_error, _("Out: write a time like 1:02:03 or 12:30"));
  else if (*out_ns <= *in_ns)
    show_message (self, self->range_error, _("Out must come after In"));
  else if (*in_ns >= tribuna_timeline_get_duration (self->timeline))
    show_message (self, self->range_error, _("In is past the end of the recording"));
  else
    return TRUE;

  return FALSE;
}

gboolean
tribuna_archive_window_export (TribunaArchiveWindow *self)
{
  const TribunaItemRange *range = NULL;
  gint64 in_ns = -1, out_ns = -1;
  TribunaClipMode mode;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), FALSE);

  if (self->timeline == NULL || self->cancellable != NULL || !read_range (self, &in_ns, &out_ns))
    return FALSE;

  if (self->item_index >= 0)
    range = g_ptr_array_index (tribuna_timeline_get_item_ranges (self->timeline),
                               self->item_index);
  mode = gtk_check_button_get_active (self->exact_check) ? TRIBUNA_CLIP_MODE_EXACT
                                                          : TRIBUNA_CLIP_MODE_FAST;
  self->cancellable = g_cancellable_new ();
  set_exporting (self, TRUE);
  show_message (self, self->result_label, NULL);
  show_thumbnail (self, NULL);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  tribuna_engine_export_clip_async (self->engine, self->session_id,
                                    range ? range->item->number : NULL, in_ns, out_ns, mode,
                                    chosen_preset (self), NULL, "console", self->cancellable,
                                    on_exported, g_object_ref (self));
  return TRUE;
}

void
tribuna_archive_window_cancel_export (TribunaArchiveWindow *self)
{
  g_return_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
on_export_clicked (TribunaArchiveWindow *self)
{
  tribuna_archive_window_export (self);
}

static void
on_cancel_clicked (TribunaArchiveWindow *self)
{
  tribuna_archive_window_cancel_export (self);
}

/* For tests and screenshots */

void
tribuna_archive_window_set_filter (TribunaArchiveWindow *self,
                                   int                   type,
                                   const char           *from_date,
                                   const char           *to_date)
{
  g_return_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from_date ? from_date : "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to_date ? to_date : "");
  /* The type list reloads when it changes; the dates when Enter is pressed in them. */
  if (gtk_drop_down_get_selected (self->type_filter) != (guint) (type + 1))
    gtk_drop_down_set_selected (self->type_filter, (guint) (type + 1));
  else
    reload_sessions (self);
}

guint
tribuna_archive_window_get_n_sessions (TribunaArchiveWindow *self)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->session_list)); row;
       row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

gboolean
tribuna_archive_window_select_session (TribunaArchiveWindow *self,
                                       gint64                session_id)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), FALSE);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->session_list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "session-id")) == session_id)
      {
        gtk_list_box_select_row (self->session_list, GTK_LIST_BOX_ROW (row));
        return self->session_id == session_id;
      }
  return FALSE;
}

guint
tribuna_archive_window_get_n_items (TribunaArchiveWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), 0);

  return self->timeline ? tribuna_timeline_get_item_ranges (self->timeline)->len : 0;
}

gboolean
tribuna_archive_window_select_item (TribunaArchiveWindow *self,
                                    guint                 index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), FALSE);

  row = gtk_list_box_get_row_at_index (self->item_list, (int) index);
  if (row == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (row)))
    return FALSE;
  gtk_list_box_select_row (self->item_list, row);
  return self->item_index == (int) index;
}

void
tribuna_archive_window_set_range (TribunaArchiveWindow *self,
                                  const char           *in_text,
                                  const char           *out_text)
{
  g_return_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->in_entry), in_text);
  gtk_editable_set_text (GTK_EDITABLE (self->out_entry), out_text);
}

gboolean
tribuna_archive_window_get_exporting (TribunaArchiveWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), FALSE);

  return self->cancellable != NULL;
}

double
tribuna_archive_window_get_progress (TribunaArchiveWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), 0);

  return gtk_progress_bar_get_fraction (self->progress_bar);
}

const char *
tribuna_archive_window_get_clip_path (TribunaArchiveWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), NULL);

  return self->clip_path;
}

GdkPaintable *
tribuna_archive_window_get_thumbnail (TribunaArchiveWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), NULL);

  return gtk_picture_get_paintable (self->thumbnail);
}

const char *
tribuna_archive_window_get_message (TribunaArchiveWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), NULL);

  return self->message;
}

static void
tribuna_archive_window_dispose (GObject *object)
{
  TribunaArchiveWindow *self = TRIBUNA_ARCHIVE_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  _tribuna_archive_window_media_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_ARCHIVE_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->timeline);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->clip_path, g_free);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (tribuna_archive_window_parent_class)->dispose (object);
}

static void
tribuna_archive_window_class_init (TribunaArchiveWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tribuna_archive_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-archive-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, type_filter);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, filter_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, session_list);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, session_title);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, session_detail);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, item_list);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, in_entry);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, out_entry);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, preset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, exact_check);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, range_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, result_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, player);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, playback_message);
  gtk_widget_class_bind_template_child (widget_class, TribunaArchiveWindow, play_button);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
}

static void
fill_dropdowns (TribunaArchiveWindow *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  /* In the order of TribunaClipPreset. */
  const char * const presets[] = {
    _("Website (up to 720p)"), _("Facebook (up to 1080p)"), _("Square (1080×1080)"),
    _("Sound only (M4A)"), NULL
  };
  g_autoptr(GtkStringList) preset_list = gtk_string_list_new (presets);

  gtk_string_list_append (types, _("All types"));
  for (int type = 0; type < N_SESSION_TYPES; type++)
    gtk_string_list_append (types, tribuna_format_session_type (type));
  gtk_drop_down_set_model (self->type_filter, G_LIST_MODEL (types));
  gtk_drop_down_set_model (self->preset_dropdown, G_LIST_MODEL (preset_list));
}

static void
tribuna_archive_window_init (TribunaArchiveWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->item_index = -1;
  fill_dropdowns (self);
  _tribuna_archive_window_media_init (self);

  g_signal_connect_swapped (self->type_filter, "notify::selected",
                            G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->from_entry, "activate", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->to_entry, "activate", G_CALLBACK (on_filter_changed), self);
  g_signal_connect (self->session_list, "row-selected", G_CALLBACK (on_session_selected), self);
  g_signal_connect (self->item_list, "row-selected", G_CALLBACK (on_item_selected), self);
  g_signal_connect_swapped (self->in_entry, "changed", G_CALLBACK (on_range_edited), self);
  g_signal_connect_swapped (self->out_entry, "changed", G_CALLBACK (on_range_edited), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (on_export_clicked), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
}

GtkWidget *
tribuna_archive_window_new (TribunaApplication *application,
                            TribunaEngine      *engine)
{
  TribunaArchiveWindow *self;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (engine), NULL);

  self = g_object_new (TRIBUNA_TYPE_ARCHIVE_WINDOW, "application", application, NULL);
  self->engine = g_object_ref (engine);
  g_signal_connect_object (tribuna_engine_get_clip_export (engine), "notify::progress",
                           G_CALLBACK (on_progress), self, 0);
  reload_sessions (self);
  return GTK_WIDGET (self);
}
