/* tribuna-session-panel.c: the session on program: agenda, current item, speaker, break
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The agenda list shows when each item began (from its marker in the archive), and the
 * current item is highlighted from the engine's item-number: what is on the lower third,
 * not what was last clicked.
 */
#define G_LOG_DOMAIN "tribuna-session-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tribuna-format.h"
#include "tribuna-session-panel.h"

struct _TribunaSessionPanel
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkWidget       *box;
  GtkWidget       *new_session_box;
  GtkDropDown     *type_dropdown;
  GtkEntry        *title_entry;
  GtkWidget       *session_box;
  GtkLabel        *title_label;
  GtkLabel        *type_label;
  GtkListBox      *agenda_list;
  GtkLabel        *speaker_label;
  GtkFlowBox      *speaker_picks;
  GtkEntry        *speaker_entry;
  GtkEntry        *role_entry;
  GtkButton       *speaker_button;
  GtkWidget       *resume_box;
  GtkDropDown     *resume_dropdown;
  GtkButton       *resume_button;

  /* Owned references */
  TribunaEngine   *engine;
  GtkFileChooserNative *chooser;
  GArray          *resumable;       /* gint64 ids, in the order of resume_dropdown */
};

G_DEFINE_FINAL_TYPE (TribunaSessionPanel, tribuna_session_panel, GTK_TYPE_WIDGET)

#define N_SESSION_TYPES (TRIBUNA_SESSION_TYPE_OTHER + 1)

/* Item start times: the first time each item went on, by item id. */
static GHashTable *
item_start_times (TribunaSessionPanel *self,
                  gint64               session_id)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  g_autoptr(GPtrArray) markers = tribuna_archive_list_markers (archive, session_id, NULL);
  GHashTable *starts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint i = 0; markers != NULL && i < markers->len; i++)
    {
      const TribunaMarker *marker = g_ptr_array_index (markers, i);

      if (marker->kind == TRIBUNA_MARKER_ITEM_START
          && !g_hash_table_contains (starts, &marker->item_id))
        g_hash_table_insert (starts, g_memdup2 (&marker->item_id, sizeof (gint64)),
                             g_memdup2 (&marker->wall_us, sizeof (gint64)));
    }

  return starts;
}

static GtkWidget *
make_item_row (const TribunaAgendaItem *item,
               gint64                   start_us)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *number = gtk_label_new (item->number ? item->number : "");
  GtkWidget *title = gtk_label_new (item->title);
  g_autofree char *time = tribuna_format_time_of_day (start_us);
  GtkWidget *start = gtk_label_new (time);

  gtk_widget_set_margin_start (box, 8 + 16 * (int) item->depth);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_add_css_class (number, "heading");
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (start, "dim-label");
  gtk_widget_add_css_class (start, "numeric");
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), start);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* Enter or a double click on an item puts it on. */
  if (item->number != NULL)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.jump-item");
  if (item->number != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", item->number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  item->title, -1);
  return row;
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
    }
}

static void
add_speaker_pick (TribunaSessionPanel *self,
                  GHashTable          *seen,
                  const char          *presenter)
{
  GtkWidget *button;

  if (presenter == NULL || *presenter == '\0' || g_hash_table_contains (seen, presenter))
    return;

  g_hash_table_add (seen, (gpointer) presenter);
  button = gtk_button_new_with_label (presenter);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.speaker");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", presenter, "");
  gtk_flow_box_append (self->speaker_picks, button);
}

/* The current item: highlighted, selected and scrolled to. */
static void
highlight_current (TribunaSessionPanel *self)
{
  g_autofree char *current = NULL;
  GPtrArray *items = tribuna_engine_get_agenda (self->engine);
  int index = 0;

  g_object_get (self->engine, "item-number", &current, NULL);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->agenda_list));
       row != NULL; row = gtk_widget_get_next_sibling (row), index++)
    {
      const TribunaAgendaItem *item = items && (guint) index < items->len
                                      ? g_ptr_array_index (items, index) : NULL;
      gboolean is_current = item != NULL && current != NULL
                            && g_strcmp0 (item->number, current) == 0;

      if (is_current)
        {
          gtk_widget_add_css_class (row, "current-item");
          gtk_list_box_select_row (self->agenda_list, GTK_LIST_BOX_ROW (row));
        }
      else
        gtk_widget_remove_css_class (row, "current-item");
    }
}

static void
reload_agenda (TribunaSessionPanel *self)
{
  const TribunaSession *session = tribuna_engine_get_session (self->engine);
  GPtrArray *items = tribuna_engine_get_agenda (self->engine);
  g_autoptr(GHashTable) starts = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  clear_box (GTK_WIDGET (self->agenda_list));
  clear_box (GTK_WIDGET (self->speaker_picks));
  if (session == NULL || items == NULL)
    return;

  starts = item_start_times (self, session->id);
  for (guint i = 0; i < items->len; i++)
    {
      const TribunaAgendaItem *item = g_ptr_array_index (items, i);
      gint64 *start = g_hash_table_lookup (starts, &item->id);

      gtk_list_box_append (self->agenda_list, make_item_row (item, start ? *start : 0));
      add_speaker_pick (self, seen, item->presenter);
    }
  highlight_current (self);
}

/* Planned sessions and those a crash interrupted, newest first, to put back on program. */
static void
reload_resumable (TribunaSessionPanel *self)
{
  TribunaArchive *archive = tribuna_engine_get_archive (self->engine);
  g_autoptr(GPtrArray) sessions = tribuna_archive_list_sessions (archive, NULL, NULL);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_array_set_size (self->resumable, 0);
  for (guint i = sessions ? sessions->len : 0; i > 0; i--)
    {
      const TribunaSession *session = g_ptr_array_index (sessions, i - 1);
      g_autofree char *label = NULL;

      if (session->state != TRIBUNA_SESSION_PLANNED
          && session->state != TRIBUNA_SESSION_INTERRUPTED)
        continue;
      label = g_strdup_printf ("%s · %s (%s)", session->date, session->title,
                               tribuna_format_session_state (session->state));
      gtk_string_list_append (labels, label);
      g_array_append_val (self->resumable, session->id);
    }

  gtk_drop_down_set_model (self->resume_dropdown, G_LIST_MODEL (labels));
  gtk_widget_set_visible (self->resume_box, self->resumable->len > 0);
}

static void
on_resume_clicked (GtkButton           *button,
                   TribunaSessionPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->resume_dropdown);

  if (selected >= self->resumable->len)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.resume-session", "x",
                              g_array_index (self->resumable, gint64, selected));
}

static void
update_session (TribunaSessionPanel *self)
{
  const TribunaSession *session = tribuna_engine_get_session (self->engine);

  gtk_widget_set_visible (self->new_session_box, session == NULL);
  gtk_widget_set_visible (self->session_box, session != NULL);
  if (session != NULL)
    {
      gtk_label_set_label (self->title_label, session->title);
      gtk_label_set_label (self->type_label, tribuna_format_session_type (session->type));
    }
  else
    reload_resumable (self);
  reload_agenda (self);
}

static void
update_speaker (TribunaSessionPanel *self)
{
  g_autofree char *name = NULL;
  g_autofree char *role = NULL;
  g_autofree char *text = NULL;

  g_object_get (self->engine, "speaker-name", &name, "speaker-role", &role, NULL);
  if (name == NULL)
    text = g_strdup (_("Speaker: none shown"));
  else if (role != NULL)
    text = g_strdup_printf (_("Speaker: %s, %s"), name, role);
  else
    text = g_strdup_printf (_("Speaker: %s"), name);
  gtk_label_set_label (self->speaker_label, text);
}

static void
on_session_changed (TribunaEngine       *engine,
                    GParamSpec          *pspec,
                    TribunaSessionPanel *self)
{
  update_session (self);
}

/* A new item went on: its start time is in the archive now. */
static void
on_item_changed (TribunaEngine       *engine,
                 GParamSpec          *pspec,
                 TribunaSessionPanel *self)
{
  reload_agenda (self);
}

static void
on_speaker_changed (TribunaEngine       *engine,
                    GParamSpec          *pspec,
                    TribunaSessionPanel *self)
{
  update_speaker (self);
}

static void
on_speaker_clicked (GtkButton           *button,
                    TribunaSessionPanel *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->speaker_entry));
  const char *role = gtk_editable_get_text (GTK_EDITABLE (self->role_entry));

  gtk_widget_activate_action (GTK_WIDGET (self), "win.speaker", "(ss)", name, role);
}

void
tribuna_session_panel_set_engine (TribunaSessionPanel *self,
                                  TribunaEngine       *engine)
{
  static const char * const session_props[] = { "notify::session-id", "notify::session-title" };

  g_return_if_fail (TRIBUNA_IS_SESSION_PANEL (self));
  g_return_if_fail (self->engine == NULL);

  self->engine = g_object_ref (engine);
  for (guint i = 0; i < G_N_ELEMENTS (session_props); i++)
    g_signal_connect_object (engine, session_props[i], G_CALLBACK (on_session_changed), self, 0);
  g_signal_connect_object (engine, "notify::item-number", G_CALLBACK (on_item_changed), self, 0);
  g_signal_connect_object (engine, "notify::speaker-name", G_CALLBACK (on_speaker_changed),
                           self, 0);
  g_signal_connect_object (engine, "notify::speaker-role", G_CALLBACK (on_speaker_changed),
                           self, 0);
  update_session (self);
  update_speaker (self);
}

void
tribuna_session_panel_fill_new_session (TribunaSessionPanel *self,
                                        TribunaSessionType   type,
                                        const char          *title)
{
  g_return_if_fail (TRIBUNA_IS_SESSION_PANEL (self));

  gtk_drop_down_set_selected (self->type_dropdown, type);
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), title);
}

gboolean
tribuna_session_panel_open_new_session (TribunaSessionPanel  *self,
                                        GError              **error)
{
  g_autoptr(TribunaSession) session = NULL;
  g_autofree char *title = NULL;
  TribunaSessionType type;

  g_return_val_if_fail (TRIBUNA_IS_SESSION_PANEL (self), FALSE);

  type = (TribunaSessionType) gtk_drop_down_get_selected (self->type_dropdown);
  title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_entry))));
  if (*title == '\0')
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
                   _("Give the session a title first"));
      gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
      return FALSE;
    }

  session = tribuna_engine_create_session (self->engine, MIN (type, TRIBUNA_SESSION_TYPE_OTHER),
                                           title, NULL, NULL, TRUE, error);
  return session != NULL && tribuna_engine_open_session (self->engine, session->id, error);
}

gboolean
tribuna_session_panel_import_agenda (TribunaSessionPanel  *self,
                                     const char           *path,
                                     GError              **error)
{
  g_return_val_if_fail (TRIBUNA_IS_SESSION_PANEL (self), FALSE);

  if (tribuna_engine_get_session (self->engine) == NULL
      && !tribuna_session_panel_open_new_session (self, error))
    return FALSE;

  return tribuna_engine_import_agenda (self->engine, path, error);
}

static void
on_chooser_response (GtkNativeDialog     *chooser,
                     int                  response,
                     TribunaSessionPanel *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file ? g_file_get_path (file) : NULL;
    }
  g_clear_object (&self->chooser);
  if (path == NULL)
    return;

  if (!tribuna_session_panel_import_agenda (self, path, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The agenda was not imported: %s"),
                                                  error->message);
      AdwToast *toast = adw_toast_new (message);
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

      adw_toast_set_timeout (toast, 10);
      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    }
}

void
tribuna_session_panel_choose_agenda (TribunaSessionPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_return_if_fail (TRIBUNA_IS_SESSION_PANEL (self));

  if (self->chooser != NULL)
    return;

  gtk_file_filter_set_name (filter, _("Agendas (text, Markdown, CSV, JSON)"));
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_filter_add_suffix (filter, "md");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "json");
  self->chooser = gtk_file_chooser_native_new (_("Import Agenda"), GTK_WINDOW (root),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

GtkListBox *
tribuna_session_panel_get_agenda_list (TribunaSessionPanel *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SESSION_PANEL (self), NULL);

  return self->agenda_list;
}

static void
tribuna_session_panel_dispose (GObject *object)
{
  TribunaSessionPanel *self = TRIBUNA_SESSION_PANEL (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->resumable, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_SESSION_PANEL);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (tribuna_session_panel_parent_class)->dispose (object);
}

static void
tribuna_session_panel_class_init (TribunaSessionPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tribuna_session_panel_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-session-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, box);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, new_session_box);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, title_entry);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, session_box);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, type_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, agenda_list);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, speaker_label);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, speaker_picks);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, speaker_entry);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, role_entry);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, speaker_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, resume_box);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, resume_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TribunaSessionPanel, resume_button);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tribuna_session_panel_init (TribunaSessionPanel *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (int type = 0; type < N_SESSION_TYPES; type++)
    gtk_string_list_append (types, tribuna_format_session_type (type));
  gtk_drop_down_set_model (self->type_dropdown, G_LIST_MODEL (types));
  self->resumable = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (self->speaker_button, "clicked", G_CALLBACK (on_speaker_clicked), self);
  g_signal_connect (self->resume_button, "clicked", G_CALLBACK (on_resume_clicked), self);
}
