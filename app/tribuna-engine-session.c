/* tribuna-engine-session.c: sessions, agendas and markers, on the engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every recording belongs to a session. The operator opens one (or the engine
 * makes an ad-hoc one for a recording started without), and every agenda item,
 * speaker, break and private part is a marker committed to the archive the
 * moment it is set, stamped with the wall clock and the program's running
 * time: the time axis the recorder's segments are logged on too.
 */
#define G_LOG_DOMAIN "tribuna-engine"

#include "config.h"

#include "tribuna-agenda.h"
#include "tribuna-engine-private.h"

/* Session state */

void
_tribuna_engine_session_init (TribunaEngine *self)
{
  self->item_index = -1;
  self->segment_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
set_string (TribunaEngine  *self,
            char          **field,
            const char     *value,
            guint           prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  _tribuna_engine_notify (self, prop_id);
}

static void
set_boolean (TribunaEngine *self,
             gboolean      *field,
             gboolean       value,
             guint          prop_id)
{
  if (*field == value)
    return;

  *field = value;
  _tribuna_engine_notify (self, prop_id);
}

static void
set_item_index (TribunaEngine *self,
                int            index)
{
  if (self->item_index == index)
    return;

  self->item_index = index;
  _tribuna_engine_notify (self, ENGINE_PROP_ITEM_NUMBER);
  _tribuna_engine_notify (self, ENGINE_PROP_ITEM_TITLE);
}

/* No session on program any more; what was set stays in the archive. */
static void
reset_session (TribunaEngine *self)
{
  gboolean had_session = self->session != NULL;

  g_clear_pointer (&self->session, tribuna_session_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->session_is_ad_hoc = FALSE;
  self->item_index = -1;
  _tribuna_engine_notify (self, ENGINE_PROP_ITEM_NUMBER);
  set_string (self, &self->speaker_name, NULL, ENGINE_PROP_SPEAKER_NAME);
  set_string (self, &self->speaker_role, NULL, ENGINE_PROP_SPEAKER_ROLE);
  set_boolean (self, &self->on_break, FALSE, ENGINE_PROP_ON_BREAK);
  set_boolean (self, &self->is_private, FALSE, ENGINE_PROP_PRIVATE);
  if (had_session)
    {
      _tribuna_engine_notify (self, ENGINE_PROP_SESSION_ID);
      _tribuna_engine_notify (self, ENGINE_PROP_SESSION_TITLE);
    }
}

void
_tribuna_engine_session_clear (TribunaEngine *self)
{
  g_clear_pointer (&self->session, tribuna_session_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->speaker_name, g_free);
  g_clear_pointer (&self->speaker_role, g_free);
  g_clear_pointer (&self->segment_ids, g_hash_table_unref);
}

static const TribunaAgendaItem *
current_item (TribunaEngine *self)
{
  if (self->items == NULL || self->item_index < 0 || (guint) self->item_index >= self->items->len)
    return NULL;

  return g_ptr_array_index (self->items, self->item_index);
}

/* Properties */

void
_tribuna_engine_install_session_properties (GParamSpec **properties)
{
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  properties[ENGINE_PROP_SESSION_ID] =
    g_param_spec_int64 ("session-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[ENGINE_PROP_SESSION_TITLE] =
    g_param_spec_string ("session-title", NULL, NULL, NULL, flags);
  properties[ENGINE_PROP_ITEM_NUMBER] =
    g_param_spec_string ("item-number", NULL, NULL, NULL, flags);
  properties[ENGINE_PROP_ITEM_TITLE] = g_param_spec_string ("item-title", NULL, NULL, NULL, flags);
  properties[ENGINE_PROP_SPEAKER_NAME] =
    g_param_spec_string ("speaker-name", NULL, NULL, NULL, flags);
  properties[ENGINE_PROP_SPEAKER_ROLE] =
    g_param_spec_string ("speaker-role", NULL, NULL, NULL, flags);
  properties[ENGINE_PROP_ON_BREAK] = g_param_spec_boolean ("on-break", NULL, NULL, FALSE, flags);
  properties[ENGINE_PROP_PRIVATE] = g_param_spec_boolean ("private", NULL, NULL, FALSE, flags);
}

gboolean
_tribuna_engine_get_session_property (TribunaEngine *self,
                                      guint          prop_id,
                                      GValue        *value)
{
  const TribunaAgendaItem *item = current_item (self);

  switch (prop_id)
    {
    case ENGINE_PROP_SESSION_ID:
      g_value_set_int64 (value, self->session ? self->session->id : 0);
      return TRUE;

    case ENGINE_PROP_SESSION_TITLE:
      g_value_set_string (value, self->session ? self->session->title : NULL);
      return TRUE;

    case ENGINE_PROP_ITEM_NUMBER:
      g_value_set_string (value, item ? item->number : NULL);
      return TRUE;

    case ENGINE_PROP_ITEM_TITLE:
      g_value_set_string (value, item ? item->title : NULL);
      return TRUE;

    case ENGINE_PROP_SPEAKER_NAME:
      g_value_set_string (value, self->speaker_name);
      return TRUE;

    case ENGINE_PROP_SPEAKER_ROLE:
      g_value_set_string (value, self->speaker_role);
      return TRUE;

    case ENGINE_PROP_ON_BREAK:
      g_value_set_boolean (value, self->on_break);
      return TRUE;

    case ENGINE_PROP_PRIVATE:
      g_value_set_boolean (value, self->is_private);
      return TRUE;

    default:
      return FALSE;
    }
}

/* Opening and starting */

TribunaSession *
tribuna_engine_create_session (TribunaEngine       *self,
                               TribunaSessionType   type,
                               const char          *title,
                               const char          *date,
                               const char          *place,
                               gboolean             is_public,
                               GError             **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return tribuna_archive_create_session (self->archive, type, title, date, place, is_public,
                                         error);
}

static gboolean
load_session (TribunaEngine  *self,
              gint64          session_id,
              GError        **error)
{
  g_autoptr(TribunaSession) session = tribuna_archive_get_session (self->archive, session_id,
                                                                    error);
  g_autoptr(GPtrArray) items = NULL;

  if (session == NULL)
    return FALSE;

  items = tribuna_archive_list_items (self->archive, session_id, error);
  if (items == NULL)
    return FALSE;

  /* Reloading the session on program (a new agenda) keeps what was set. */
  if (self->session != NULL && self->session->id == session_id)
    {
      tribuna_session_free (self->session);
      g_ptr_array_unref (self->items);
      self->session = g_steal_pointer (&session);
      self->items = g_steal_pointer (&items);
      _tribuna_engine_notify (self, ENGINE_PROP_SESSION_TITLE);
      return TRUE;
    }

  reset_session (self);
  self->session = g_steal_pointer (&session);
  self->items = g_steal_pointer (&items);
  _tribuna_engine_notify (self, ENGINE_PROP_SESSION_ID);
  _tribuna_engine_notify (self, ENGINE_PROP_SESSION_TITLE);
  return TRUE;
}

/* Metadata may be corrected at any time, but whether the session on program is public
 * decides what its live page streams, so that is settled before it is opened. */
gboolean
tribuna_engine_update_session (TribunaEngine         *self,
                               const TribunaSession  *session,
                               GError               **error)
{
  gboolean on_program;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  on_program = self->session != NULL && self->session->id == session->id;
  if (on_program && !!self->session->is_public != !!session->is_public)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
                   "the session is on program: whether it is public cannot change now "
                   "(use a private part instead)");
      return FALSE;
    }

  if (!tribuna_archive_update_session (self->archive, session, error))
    return FALSE;

  /* The lower third and the public page show the new title at once. */
  return !on_program || load_session (self, session->id, error);
}

static gboolean
session_is_live (TribunaEngine *self)
{
  return self->session != NULL && self->session->state == TRIBUNA_SESSION_LIVE;
}

/* The session on program: a planned one, or an interrupted one to continue. */
gboolean
tribuna_engine_open_session (TribunaEngine  *self,
                             gint64          session_id,
                             GError        **error)
{
  g_autoptr(TribunaSession) session = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (session_is_live (self) && self->session->id != session_id)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
                   "session %" G_GINT64_FORMAT " (“%s”) is live; end it before opening another",
                   self->session->id, self->session->title);
      return FALSE;
    }

  session = tribuna_archive_get_session (self->archive, session_id, error);
  if (session == NULL)
    return FALSE;
  if (session->state == TRIBUNA_SESSION_ENDED)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
                   "session %" G_GINT64_FORMAT " (“%s”) has ended; it can be watched and "
                   "clipped, not recorded again", session->id, session->title);
      return FALSE;
    }

  return load_session (self, session_id, error);
}

gboolean
tribuna_engine_import_agenda (TribunaEngine  *self,
                              const char     *path,
                              GError        **error)
{
  g_autoptr(TribunaAgenda) agenda = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->session == NULL)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
                   "open a session before importing its agenda");
      return FALSE;
    }

  agenda = tribuna_agenda_load (path, TRIBUNA_AGENDA_FORMAT_AUTO, error);
  if (agenda == NULL)
    return FALSE;
  for (guint i = 0; i < agenda->notes->len; i++)
    g_message ("agenda %s: %s", path, (const char *) g_ptr_array_index (agenda->notes, i));

  if (!tribuna_archive_set_agenda (self->archive, self->session->id, agenda->items, error))
    return FALSE;

  return load_session (self, self->session->id, error);
}

static gboolean
set_session_state (TribunaEngine        *self,
                   TribunaSessionState   state,
                   GError              **error)
{
  if (!tribuna_archive_set_session_state (self->archive, self->session->id, state, error))
    return FALSE;

  self->session->state = state;
  return TRUE;
}

/* Recording first, then the configured destinations: a stream never runs
 * without the recording behind it. */
gboolean
tribuna_engine_start_session (TribunaEngine  *self,
                              GError        **error)
{
  g_autoptr(GError) on_air_error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (self->session == NULL)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
                   "there is no session to start; create or open one first");
      return FALSE;
    }

  if (!tribuna_engine_start_recording (self, error))
    return FALSE;

  if (!tribuna_engine_go_on_air (self, &on_air_error)
      && !g_error_matches (on_air_error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_NO_DESTINATION))
    {
      g_propagate_error (error, g_steal_pointer (&on_air_error));
      return FALSE;
    }

  return TRUE;
}

static char *
session_folder (TribunaEngine *self)
{
  g_auto(GStrv) date = g_strsplit (self->session->date, "-", 3);

  if (g_strv_length (date) != 3)
    return NULL;

  return g_strdup_printf ("%s/recordings/%s/%s/%s/%" G_GINT64_FORMAT "-%s", self->data_dir,
                          date[0], date[1], date[2], self->session->id,
                          tribuna_session_type_to_code (self->session->type));
}

/* A recording started without a session still belongs to one: an ad-hoc
 * session, ended when the recording stops. */
static gboolean
open_ad_hoc_session (TribunaEngine  *self,
                     GError        **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *title = g_date_time_format (now, "Regjistrim %Y-%m-%d %H:%M");
  g_autoptr(TribunaSession) session = NULL;

  session = tribuna_archive_create_session (self->archive, TRIBUNA_SESSION_TYPE_OTHER, title,
                                            NULL, NULL, FALSE, error);
  if (session == NULL || !load_session (self, session->id, error))
    return FALSE;

  self->session_is_ad_hoc = TRUE;
  return TRUE;
}

char *
_tribuna_engine_recording_dir (TribunaEngine  *self,
                               GError        **error)
{
  char *folder;

  if (self->session == NULL && !open_ad_hoc_session (self, error))
    return NULL;

  /* Recording is what makes a session live (again, after a crash). */
  if (!set_session_state (self, TRIBUNA_SESSION_LIVE, error))
    return NULL;

  folder = session_folder (self);
  if (folder == NULL)
    g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
                 "session %" G_GINT64_FORMAT " has no valid date (“%s”)", self->session->id,
                 self->session->date);
  return folder;
}

/* Ending */

/* The session is over: ended in the archive, no longer on program. */
void
_tribuna_engine_end_current_session (TribunaEngine *self)
{
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)
    return;

  if (session_is_live (self) && !set_session_state (self, TRIBUNA_SESSION_ENDED, &error))
    g_warning ("session %" G_GINT64_FORMAT ": %s", self->session->id, error->message);

  reset_session (self);
}

void
_tribuna_engine_recording_stopped (TribunaEngine *self)
{
  if (self->session_is_ad_hoc)
    _tribuna_engine_end_current_session (self);
}

static void
on_session_recording_stopped (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TribunaEngine *self = TRIBUNA_ENGINE (object);
  GError *error = NULL;

  if (!tribuna_engine_stop_recording_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  _tribuna_engine_end_current_session (self);
  g_task_return_boolean (task, TRUE);
}

void
tribuna_engine_end_session_async (TribunaEngine       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRIBUNA_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tribuna_engine_end_session_async);

  if (self->session == NULL)
    {
      g_task_return_new_error (task, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
                               "there is no session to end");
      return;
    }

  tribuna_engine_go_off_air (self);
  tribuna_engine_stop_recording_async (self, cancellable, on_session_recording_stopped,
                                       g_steal_pointer (&task));
}

gboolean
tribuna_engine_end_session_finish (TribunaEngine  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Markers */

static gboolean
check_live (TribunaEngine  *self,
            GError        **error)
{
  if (session_is_live (self))
    return TRUE;

  g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION,
               "no session is live; markers are set while a session records");
  return FALSE;
}

/* Committed before it returns: a marker survives a crash the instant after. */
static gboolean
add_marker (TribunaEngine      *self,
            TribunaMarker      *marker,
            const char         *set_by,
            GError            **error)
{
  GstClockTime running_time = tribuna_program_get_running_time (self->program);

  if (!check_live (self, error))
    return FALSE;

  marker->session_id = self->session->id;
  marker->wall_us = g_get_real_time ();
  marker->running_time_ns = GST_CLOCK_TIME_IS_VALID (running_time) ? (gint64) running_time : -1;
  marker->set_by = (char *) set_by;

  return tribuna_archive_add_marker (self->archive, marker, error) > 0;
}

static gboolean
start_item (TribunaEngine  *self,
            int             index,
            const char     *set_by,
            GError        **error)
{
  const TribunaAgendaItem *item = g_ptr_array_index (self->items, index);
  TribunaMarker marker = { .kind = TRIBUNA_MARKER_ITEM_START, .item_id = item->id };

  if (!add_marker (self, &marker, set_by, error))
    return FALSE;

  set_item_index (self, index);
  return TRUE;
}

static gboolean
check_agenda (TribunaEngine  *self,
              GError        **error)
{
  if (!check_live (self, error))
    return FALSE;

  if (self->items == NULL || self->items->len == 0)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_AGENDA,
                   "session %" G_GINT64_FORMAT " has no agenda; import one first",
                   self->session->id);
      return FALSE;
    }

  return TRUE;
}

gboolean
tribuna_engine_next_item (TribunaEngine  *self,
                          const char     *set_by,
                          GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (!check_agenda (self, error))
    return FALSE;

  if ((guint) (self->item_index + 1) >= self->items->len)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_AGENDA,
                   "the last agenda item is already on");
      return FALSE;
    }

  return start_item (self, self->item_index + 1, set_by, error);
}

gboolean
tribuna_engine_previous_item (TribunaEngine  *self,
                              const char     *set_by,
                              GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (!check_agenda (self, error))
    return FALSE;

  if (self->item_index <= 0)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_AGENDA,
                   "there is no agenda item before the current one");
      return FALSE;
    }

  return start_item (self, self->item_index - 1, set_by, error);
}

/* By the number as printed ("5.1"). */
gboolean
tribuna_engine_jump_to_item (TribunaEngine  *self,
                             const char     *number,
                             const char     *set_by,
                             GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (number != NULL, FALSE);

  if (!check_agenda (self, error))
    return FALSE;

  for (guint i = 0; i < self->items->len; i++)
    {
      const TribunaAgendaItem *item = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (item->number, number) == 0)
        return start_item (self, i, set_by, error);
    }

  g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_AGENDA,
               "the agenda has no item numbered “%s”", number);
  return FALSE;
}

gboolean
tribuna_engine_set_speaker (TribunaEngine  *self,
                            const char     *name,
                            const char     *role,
                            const char     *set_by,
                            GError        **error)
{
  TribunaMarker marker = { .kind = TRIBUNA_MARKER_SPEAKER };

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  marker.speaker_name = (char *) name;
  marker.speaker_role = (char *) role;
  if (!add_marker (self, &marker, set_by, error))
    return FALSE;

  set_string (self, &self->speaker_name, name, ENGINE_PROP_SPEAKER_NAME);
  set_string (self, &self->speaker_role, role, ENGINE_PROP_SPEAKER_ROLE);
  return TRUE;
}

static gboolean
toggle (TribunaEngine      *self,
        gboolean           *field,
        gboolean            on,
        TribunaMarkerKind   start_kind,
        TribunaMarkerKind   end_kind,
        guint               prop_id,
        const char         *set_by,
        GError            **error)
{
  TribunaMarker marker = { .kind = on ? start_kind : end_kind };

  if (!check_live (self, error))
    return FALSE;
  if (*field == on)
    return TRUE;

  if (!add_marker (self, &marker, set_by, error))
    return FALSE;

  set_boolean (self, field, on, prop_id);
  return TRUE;
}

gboolean
tribuna_engine_set_break (TribunaEngine  *self,
                          gboolean        on,
                          const char     *set_by,
                          GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return toggle (self, &self->on_break, on, TRIBUNA_MARKER_BREAK_START, TRIBUNA_MARKER_BREAK_END,
                 ENGINE_PROP_ON_BREAK, set_by, error);
}

/* Private: the recording keeps the hall, marked non-public in the archive. */
gboolean
tribuna_engine_set_private (TribunaEngine  *self,
                            gboolean        on,
                            const char     *set_by,
                            GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return toggle (self, &self->is_private, on, TRIBUNA_MARKER_PRIVATE_START,
                 TRIBUNA_MARKER_PRIVATE_END, ENGINE_PROP_PRIVATE, set_by, error);
}

gboolean
tribuna_engine_add_note (TribunaEngine  *self,
                         const char     *text,
                         const char     *set_by,
                         GError        **error)
{
  TribunaMarker marker = { .kind = TRIBUNA_MARKER_NOTE };

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  marker.text = (char *) text;
  return add_marker (self, &marker, set_by, error);
}

const TribunaSession *
tribuna_engine_get_session (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->session;
}

GPtrArray *
tribuna_engine_get_agenda (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->items;
}

/* The recorder's segments, into the archive as they open and close. */

static void
on_segment_opened (TribunaRecorder *recorder,
                   const char      *path,
                   guint64          running_time,
                   gint64           wall_us,
                   TribunaEngine   *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (self->session == NULL)
    return;

  id = tribuna_archive_add_segment (self->archive, self->session->id, path, wall_us,
                                    (gint64) running_time, &error);
  if (id <= 0)
    g_warning ("segment %s is not in the archive index: %s", path, error->message);
  else
    g_hash_table_insert (self->segment_ids, g_strdup (path), GSIZE_TO_POINTER ((gsize) id));
}

static void
on_segment_closed (TribunaRecorder *recorder,
                   const char      *path,
                   guint64          running_time,
                   guint64          duration,
                   guint64          bytes,
                   const char      *sha256,
                   TribunaEngine   *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id = GPOINTER_TO_SIZE (g_hash_table_lookup (self->segment_ids, path));

  if (id <= 0)
    return;

  if (!tribuna_archive_close_segment (self->archive, id, (gint64) duration, (gint64) bytes, sha256,
                                      &error))
    g_warning ("segment %s: %s", path, error->message);
  g_hash_table_remove (self->segment_ids, path);
}

void
_tribuna_engine_watch_recorder (TribunaEngine   *self,
                                TribunaRecorder *recorder)
{
  g_signal_connect_object (recorder, "segment-opened", G_CALLBACK (on_segment_opened), self, 0);
  g_signal_connect_object (recorder, "segment-closed", G_CALLBACK (on_segment_closed), self, 0);
}

void
_tribuna_engine_log_event (TribunaEngine    *self,
                           TribunaEventKind  kind,
                           const char       *text)
{
  g_autoptr(GError) error = NULL;

  if (self->archive == NULL)
    return;

  if (tribuna_archive_add_event (self->archive, self->session ? self->session->id : 0, kind, text,
                                 0, &error) <= 0)
    g_warning ("event not in the archive: %s", error->message);
}
