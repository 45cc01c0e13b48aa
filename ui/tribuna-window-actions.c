/* tribuna-window-actions.c: what the operator can do from the control room, as GActions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every button, key and test goes through these actions. Starting is one step; anything
 * that takes the hall off air or stops the recording asks first. The recording always
 * starts before a stream and stops after it: a stream never runs without the recording
 * behind it.
 */
#define G_LOG_DOMAIN "tribuna-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tribuna-session-panel.h"
#include "tribuna-window-private.h"

#define OPERATOR "console"

void
_tribuna_window_toast_error (TribunaWindow *self,
                             const GError  *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toasts, toast);
  g_message ("%s", error->message);
}

static gboolean
any_wanted (TribunaWindow *self)
{
  GListModel *model = tribuna_engine_get_destinations (self->engine);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TribunaDestination) destination = g_list_model_get_item (model, i);

      if (tribuna_destination_get_wanted (destination))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_recording (TribunaWindow *self)
{
  TribunaRecorderState state = tribuna_engine_get_recorder_state (self->engine);

  return state == TRIBUNA_RECORDER_STARTING || state == TRIBUNA_RECORDER_RECORDING;
}

/* Anything a careless click would cut short: a recording, or a stream someone wants. */
gboolean
_tribuna_window_is_live (TribunaWindow *self)
{
  return is_recording (self) || any_wanted (self);
}

/* Questions */

static void
on_question_response (AdwMessageDialog *dialog,
                      const char       *response,
                      TribunaWindow    *self)
{
  TribunaWindowConfirmed confirmed = g_object_get_data (G_OBJECT (dialog), "confirmed");

  if (g_strcmp0 (response, "confirm") == 0)
    confirmed (self);
}

void
_tribuna_window_ask (TribunaWindow          *self,
                     const char             *heading,
                     const char             *body,
                     const char             *verb,
                     TribunaWindowConfirmed  confirmed)
{
  AdwMessageDialog *dialog;

  if (self->question != NULL)
    gtk_window_destroy (GTK_WINDOW (self->question));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Keep Going"), "confirm", verb, NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter and Escape both keep the hall live: stopping takes a deliberate choice. */
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "confirmed", confirmed);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_question_response), self, 0);

  self->question = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->question);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Recording */

static gboolean
start_recording (TribunaWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_start_recording (self->engine, &error))
    {
      _tribuna_window_toast_error (self, error);
      return FALSE;
    }
  return TRUE;
}

static void
on_recording_stopped (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TribunaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_stop_recording_finish (TRIBUNA_ENGINE (object), result, &error))
    _tribuna_window_toast_error (self, error);
}

/* The streams go first: they never run without the recording behind them. */
static void
confirmed_stop_recording (TribunaWindow *self)
{
  tribuna_engine_go_off_air (self->engine);
  tribuna_engine_stop_recording_async (self->engine, NULL, on_recording_stopped,
                                       g_object_ref (self));
}

static void
record_change_state (GSimpleAction *action,
                     GVariant      *value,
                     gpointer       user_data)
{
  TribunaWindow *self = user_data;

  if (g_variant_get_boolean (value))
    start_recording (self);
  else if (any_wanted (self))
    _tribuna_window_ask (self, _("Stop Recording and Streaming?"),
                         _("The hall is on air. Stopping the recording takes every stream off "
                           "air too, and finalises the recording."),
                         _("_Stop Both"), confirmed_stop_recording);
  else
    _tribuna_window_ask (self, _("Stop Recording?"),
                         _("The recording is finalised and added to the archive."),
                         _("_Stop Recording"), confirmed_stop_recording);

  _tribuna_window_update_actions (self);
}

/* On air */

static gboolean
any_enabled (TribunaWindow *self)
{
  GListModel *model = tribuna_engine_get_destinations (self->engine);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TribunaDestination) destination = g_list_model_get_item (model, i);

      if (tribuna_engine_get_destination_enabled (self->engine, destination))
        return TRUE;
    }
  return FALSE;
}

static void
go_on_air (TribunaWindow *self)
{
  g_autoptr(GError) error = NULL;

  /* Said in the console's words (the engine's speaks of config groups and --stream). */
  if (!any_enabled (self))
    {
      error = g_error_new_literal (TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_NO_DESTINATION,
                                   _("No destination is included in “Go on Air”: add one in "
                                     "the settings, or tick one in the list"));
      _tribuna_window_toast_error (self, error);
      return;
    }
  if (!start_recording (self))
    return;
  if (!tribuna_engine_go_on_air (self->engine, &error))
    _tribuna_window_toast_error (self, error);
}

static void
confirmed_off_air (TribunaWindow *self)
{
  tribuna_engine_go_off_air (self->engine);
}

static void
on_air_change_state (GSimpleAction *action,
                     GVariant      *value,
                     gpointer       user_data)
{
  TribunaWindow *self = user_data;

  if (g_variant_get_boolean (value))
    go_on_air (self);
  else
    _tribuna_window_ask (self, _("Stop the Live Stream?"),
                         _("Viewers lose the picture on every destination. The recording goes "
                           "on."),
                         _("_Stop Stream"), confirmed_off_air);

  _tribuna_window_update_actions (self);
}

static void
start_all_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  go_on_air (user_data);
}

/* One destination */

static void
destination_start_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!start_recording (self))
    return;
  if (!tribuna_engine_start_destination (self->engine, g_variant_get_string (parameter, NULL),
                                         &error))
    _tribuna_window_toast_error (self, error);
}

static void
confirmed_stop_destination (TribunaWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *name = g_object_get_data (G_OBJECT (self), "stopping-destination");

  if (!tribuna_engine_stop_destination (self->engine, name, &error))
    _tribuna_window_toast_error (self, error);
}

static void
destination_stop_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  TribunaWindow *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_("Stop Streaming to “%s”?"), name);

  g_object_set_data_full (G_OBJECT (self), "stopping-destination", g_strdup (name), g_free);
  _tribuna_window_ask (self, heading,
                       _("Viewers on this destination lose the picture. The other destinations "
                         "and the recording go on."),
                       _("_Stop Stream"), confirmed_stop_destination);
}

/* The session */

static void
next_item_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_next_item (self->engine, OPERATOR, &error))
    _tribuna_window_toast_error (self, error);
}

static void
previous_item_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_previous_item (self->engine, OPERATOR, &error))
    _tribuna_window_toast_error (self, error);
}

static void
jump_item_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_jump_to_item (self->engine, g_variant_get_string (parameter, NULL),
                                    OPERATOR, &error))
    _tribuna_window_toast_error (self, error);
}

static void
speaker_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  const char *name, *role;

  g_variant_get (parameter, "(&s&s)", &name, &role);
  if (!tribuna_engine_set_speaker (self->engine, name, *role ? role : NULL, OPERATOR, &error))
    _tribuna_window_toast_error (self, error);
}

static void
toggle_marker (TribunaWindow *self,
               GVariant      *value,
               gboolean     (*set) (TribunaEngine *, gboolean, const char *, GError **))
{
  g_autoptr(GError) error = NULL;

  if (!set (self->engine, g_variant_get_boolean (value), OPERATOR, &error))
    _tribuna_window_toast_error (self, error);
  _tribuna_window_update_actions (self);
}

static void
break_change_state (GSimpleAction *action,
                    GVariant      *value,
                    gpointer       user_data)
{
  toggle_marker (user_data, value, tribuna_engine_set_break);
}

static void
private_change_state (GSimpleAction *action,
                      GVariant      *value,
                      gpointer       user_data)
{
  toggle_marker (user_data, value, tribuna_engine_set_private);
}

static void
import_agenda_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TribunaWindow *self = user_data;

  tribuna_session_panel_choose_agenda (TRIBUNA_SESSION_PANEL (self->session_panel));
}

static void
open_session_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_session_panel_open_new_session (TRIBUNA_SESSION_PANEL (self->session_panel),
                                               &error))
    _tribuna_window_toast_error (self, error);
}

static void
resume_session_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_open_session (self->engine, g_variant_get_int64 (parameter), &error))
    _tribuna_window_toast_error (self, error);
}

static void
on_session_ended (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TribunaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_end_session_finish (TRIBUNA_ENGINE (object), result, &error))
    _tribuna_window_toast_error (self, error);
}

static void
confirmed_end_session (TribunaWindow *self)
{
  tribuna_engine_end_session_async (self->engine, NULL, on_session_ended, g_object_ref (self));
}

static void
end_session_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TribunaWindow *self = user_data;

  if (_tribuna_window_is_live (self))
    _tribuna_window_ask (self, _("End the Session?"),
                         _("Every stream goes off air, the recording is finalised and the session "
                           "is closed in the archive. It cannot be recorded again."),
                         _("_End Session"), confirmed_end_session);
  else
    confirmed_end_session (self);
}

/* Vision: preview selection, cut, fade, picture-in-picture (issue #4's engine API). */

static void
preview_source_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_set_preview_source (self->engine, g_variant_get_string (parameter, NULL),
                                          &error))
    _tribuna_window_toast_error (self, error);
}

/* Keys 1–9: the sources with a picture, in the multiview's order. */
static void
select_source_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TribunaWindow *self = user_data;
  GListModel *sources = tribuna_engine_get_sources (self->engine);
  int key = g_variant_get_int32 (parameter);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (sources, i);

      if (!tribuna_source_pipeline_has_picture (source) || --key > 0)
        continue;
      if (!tribuna_engine_set_preview_source (self->engine,
                                              tribuna_source_pipeline_get_name (source), &error))
        _tribuna_window_toast_error (self, error);
      return;
    }
}

static void
cut_activated (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_cut (self->engine, &error))
    _tribuna_window_toast_error (self, error);
}

static void
fade_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_fade (self->engine, &error))
    _tribuna_window_toast_error (self, error);
}

static void
pip_change_state (GSimpleAction *action,
                  GVariant      *value,
                  gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  TribunaLayout layout = g_variant_get_boolean (value) ? TRIBUNA_LAYOUT_PIP : TRIBUNA_LAYOUT_FULL;

  if (!tribuna_engine_set_layout (self->engine, layout, NULL, &error))
    _tribuna_window_toast_error (self, error);
  _tribuna_window_update_actions (self);
}

static void
lower_third_change_state (GSimpleAction *action,
                          GVariant      *value,
                          gpointer       user_data)
{
  TribunaWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_set_lower_third_visible (self->engine, g_variant_get_boolean (value),
                                               &error))
    _tribuna_window_toast_error (self, error);
  _tribuna_window_update_actions (self);
}

static const GActionEntry win_actions[] = {
  { "record", NULL, NULL, "false", record_change_state },
  { "on-air", NULL, NULL, "false", on_air_change_state },
  { "start-all", start_all_activated },
  { "destination-start", destination_start_activated, "s" },
  { "destination-stop", destination_stop_activated, "s" },
  { "next-item", next_item_activated },
  { "previous-item", previous_item_activated },
  { "jump-item", jump_item_activated, "s" },
  { "speaker", speaker_activated, "(ss)" },
  { "break", NULL, NULL, "false", break_change_state },
  { "private", NULL, NULL, "false", private_change_state },
  { "import-agenda", import_agenda_activated },
  { "open-session", open_session_activated },
  { "end-session", end_session_activated },
  { "resume-session", resume_session_activated, "x" },
  { "preview-source", preview_source_activated, "s" },
  { "select-source", select_source_activated, "i" },
  { "cut", cut_activated },
  { "fade", fade_activated },
  { "pip", NULL, NULL, "false", pip_change_state },
  { "lower-third", NULL, NULL, "false", lower_third_change_state },
};

static void
set_state (TribunaWindow *self,
           const char    *name,
           gboolean       value)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (value));
}

static void
set_enabled (TribunaWindow *self,
             const char    *name,
             gboolean       enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* Toggle states always say what the engine does, not what was last clicked. */
void
_tribuna_window_update_actions (TribunaWindow *self)
{
  TribunaApplication *app = TRIBUNA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gboolean running = tribuna_engine_get_program_state (self->engine) == TRIBUNA_PROGRAM_RUNNING;
  gboolean stopping = app != NULL && tribuna_application_get_stopping (app);
  gboolean on_break = FALSE, is_private = FALSE;

  if (g_action_map_lookup_action (G_ACTION_MAP (self), "record") == NULL)
    return;

  g_object_get (self->engine, "on-break", &on_break, "private", &is_private, NULL);
  set_state (self, "record", is_recording (self));
  set_state (self, "on-air", any_wanted (self));
  set_state (self, "break", on_break);
  set_state (self, "private", is_private);
  set_state (self, "pip", tribuna_engine_get_layout (self->engine) == TRIBUNA_LAYOUT_PIP);
  set_state (self, "lower-third", tribuna_engine_get_lower_third_visible (self->engine));

  for (guint i = 0; i < G_N_ELEMENTS (win_actions); i++)
    set_enabled (self, win_actions[i].name, !stopping);
  set_enabled (self, "record", running && !stopping);
  set_enabled (self, "on-air", running && !stopping);
  set_enabled (self, "start-all", running && !stopping);
  set_enabled (self, "destination-start", running && !stopping);
  set_enabled (self, "cut", running && !stopping);
  set_enabled (self, "fade", running && !stopping);
  set_enabled (self, "lower-third", running && !stopping);
  set_enabled (self, "end-session", tribuna_engine_get_session (self->engine) != NULL && !stopping);
}

static void
on_session_notify (TribunaEngine *engine,
                   GParamSpec    *pspec,
                   TribunaWindow *self)
{
  _tribuna_window_update_actions (self);
}

/* Space, Enter and 1–9 are the vision mixer's keys, but also what text fields and buttons
 * use: an application accelerator would take them first (typing a space in the speaker's
 * name would cut). A window controller in the bubble phase only sees them when the focused
 * widget did not use them. */
static void
add_vision_keys (TribunaWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_BUBBLE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_space, 0),
                      gtk_named_action_new ("win.cut")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, 0),
                                                   gtk_keyval_trigger_new (GDK_KEY_KP_Enter, 0)),
                      gtk_named_action_new ("win.fade")));
  for (int n = 1; n <= 9; n++)
    {
      GtkShortcutTrigger *keys = gtk_alternative_trigger_new (
                                   gtk_keyval_trigger_new (GDK_KEY_0 + n, 0),
                                   gtk_keyval_trigger_new (GDK_KEY_KP_0 + n, 0));
      GtkShortcut *shortcut = gtk_shortcut_new (keys, gtk_named_action_new ("win.select-source"));

      gtk_shortcut_set_arguments (shortcut, g_variant_new_int32 (n));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

void
_tribuna_window_install_actions (TribunaWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  static const struct { const char *action; const char *accels[3]; } keys[] = {
    { "win.record", { "<Ctrl>r", NULL } },
    { "win.on-air", { "<Ctrl>l", NULL } },
    { "win.next-item", { "Page_Down", NULL } },
    { "win.previous-item", { "Page_Up", NULL } },
    { "win.break", { "<Ctrl>b", NULL } },
    { "win.private", { "<Ctrl>p", NULL } },
    { "win.import-agenda", { "<Ctrl>i", NULL } },
    { "win.pip", { "<Ctrl><Shift>p", NULL } },
    { "win.lower-third", { "<Ctrl>t", NULL } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  for (guint i = 0; app != NULL && i < G_N_ELEMENTS (keys); i++)
    gtk_application_set_accels_for_action (app, keys[i].action, keys[i].accels);

  g_signal_connect_object (self->engine, "notify::on-break", G_CALLBACK (on_session_notify),
                           self, 0);
  g_signal_connect_object (self->engine, "notify::private", G_CALLBACK (on_session_notify),
                           self, 0);
  g_signal_connect_object (self->engine, "notify::session-id", G_CALLBACK (on_session_notify),
                           self, 0);
  g_signal_connect_object (self->engine, "notify::layout", G_CALLBACK (on_session_notify),
                           self, 0);
  g_signal_connect_object (self->engine, "notify::lower-third-visible",
                           G_CALLBACK (on_session_notify), self, 0);
  add_vision_keys (self);
  _tribuna_window_update_actions (self);
}
