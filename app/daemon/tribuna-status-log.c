/* tribuna-status-log.c: one line per status change, for a person and for journald
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lines are the daemon's contract with operators and scripts:
 *   program: running …          recorder: recording …        destination "NAME": live
 * Under systemd (JOURNAL_STREAM set) each line carries a <priority> prefix so
 * journald files failures as errors.
 */
#define G_LOG_DOMAIN "tribuna-status"

#include "config.h"

#include <stdio.h>

#include "tribuna-status-log.h"

#define MB (1024 * 1024)

struct _TribunaStatusLog
{
  TribunaEngine   *engine;
  TribunaRecorder *recorder;
};

void
tribuna_status_log_print (gboolean    is_error,
                          const char *format,
                          ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  if (g_getenv ("JOURNAL_STREAM") != NULL)
    fprintf (stdout, "<%d>%s\n", is_error ? 3 : 6, line);
  else
    fprintf (stdout, "%s\n", line);
  fflush (stdout);
}

static void
on_program_state (TribunaEngine    *engine,
                  GParamSpec       *pspec,
                  TribunaStatusLog *self)
{
  TribunaConfig *config = tribuna_engine_get_config (engine);
  const TribunaSourceConfig *source = g_ptr_array_index (tribuna_config_get_sources (config), 0);

  switch (tribuna_engine_get_program_state (engine))
    {
    case TRIBUNA_PROGRAM_RUNNING:
      tribuna_status_log_print (FALSE,
                                "program: running %ux%u at %u fps, %u kbit/s, source \"%s\" (%s)",
                                tribuna_config_get_width (config),
                                tribuna_config_get_height (config),
                                tribuna_config_get_framerate (config),
                                tribuna_config_get_video_bitrate (config), source->name, source->uri);
      break;

    case TRIBUNA_PROGRAM_FAILED:
      tribuna_status_log_print (TRUE, "program: failed: %s", tribuna_engine_get_last_error (engine));
      break;

    case TRIBUNA_PROGRAM_STOPPED:
      tribuna_status_log_print (FALSE, "program: stopped");
      break;

    case TRIBUNA_PROGRAM_STARTING:
    default:
      break;
    }
}

static void
on_recorder_state (TribunaRecorder  *recorder,
                   GParamSpec       *pspec,
                   TribunaStatusLog *self)
{
  const char *directory = tribuna_recorder_get_directory (recorder);

  switch (tribuna_recorder_get_state (recorder))
    {
    case TRIBUNA_RECORDER_STARTING:
      tribuna_status_log_print (FALSE, "recorder: starting in %s", directory);
      break;

    case TRIBUNA_RECORDER_RECORDING:
      tribuna_status_log_print (FALSE, "recorder: recording in %s", directory);
      break;

    case TRIBUNA_RECORDER_STOPPING:
      tribuna_status_log_print (FALSE, "recorder: stopping");
      break;

    case TRIBUNA_RECORDER_STOPPED:
      tribuna_status_log_print (FALSE, "recorder: stopped, %u segment(s) in %s",
                                tribuna_recorder_get_segment_count (recorder), directory);
      break;

    case TRIBUNA_RECORDER_FAILED:
      tribuna_status_log_print (TRUE, "recorder: failed: %s",
                                tribuna_recorder_get_last_error (recorder));
      break;

    case TRIBUNA_RECORDER_IDLE:
    default:
      break;
    }
}

static void
on_recorder_segment (TribunaRecorder  *recorder,
                     GParamSpec       *pspec,
                     TribunaStatusLog *self)
{
  if (tribuna_recorder_get_current_file (recorder) != NULL)
    tribuna_status_log_print (FALSE, "recorder: segment opened %s",
                              tribuna_recorder_get_current_file (recorder));
}

static void
on_recorder_low_disk (TribunaRecorder  *recorder,
                      GParamSpec       *pspec,
                      TribunaStatusLog *self)
{
  if (tribuna_recorder_get_low_disk (recorder))
    tribuna_status_log_print (TRUE, "recorder: low disk: %" G_GUINT64_FORMAT " MB free in %s",
                              tribuna_recorder_get_free_bytes (recorder) / MB,
                              tribuna_recorder_get_directory (recorder));
  else
    tribuna_status_log_print (FALSE, "recorder: disk space back above the warning threshold");
}

static void
on_recorder_changed (TribunaEngine    *engine,
                     GParamSpec       *pspec,
                     TribunaStatusLog *self)
{
  TribunaRecorder *recorder = tribuna_engine_get_recorder (engine);

  if (recorder == self->recorder)
    return;

  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_set_object (&self->recorder, recorder);
  if (recorder == NULL)
    return;

  g_signal_connect (recorder, "notify::state", G_CALLBACK (on_recorder_state), self);
  g_signal_connect (recorder, "notify::current-file", G_CALLBACK (on_recorder_segment), self);
  g_signal_connect (recorder, "notify::low-disk", G_CALLBACK (on_recorder_low_disk), self);
}

static void
on_destination_state (TribunaDestination *destination,
                      GParamSpec         *pspec,
                      TribunaStatusLog   *self)
{
  TribunaDestinationState state = tribuna_destination_get_state (destination);
  const char *name = tribuna_destination_get_name (destination);
  const char *error = tribuna_destination_get_last_error (destination);
  gboolean is_error = state == TRIBUNA_DESTINATION_FAILED || state == TRIBUNA_DESTINATION_REJECTED;

  if (state == TRIBUNA_DESTINATION_CONNECTING && tribuna_destination_get_attempts (destination) <= 1)
    tribuna_status_log_print (FALSE, "destination \"%s\": connecting to %s", name,
                              tribuna_destination_get_masked_url (destination));
  else if (state == TRIBUNA_DESTINATION_LIVE && tribuna_destination_get_reconnects (destination) > 0)
    tribuna_status_log_print (FALSE, "destination \"%s\": live (reconnect %u)", name,
                              tribuna_destination_get_reconnects (destination));
  else if (error != NULL && is_error)
    tribuna_status_log_print (is_error, "destination \"%s\": %s: %s", name,
                              tribuna_destination_state_to_string (state), error);
  else
    tribuna_status_log_print (FALSE, "destination \"%s\": %s", name,
                              tribuna_destination_state_to_string (state));
}

/* A retry changes no state, only the error: still worth a line, or a closed
 * port would retry in silence. */
static void
on_destination_error (TribunaDestination *destination,
                      GParamSpec         *pspec,
                      TribunaStatusLog   *self)
{
  TribunaDestinationState state = tribuna_destination_get_state (destination);
  const char *error = tribuna_destination_get_last_error (destination);

  if (error != NULL && (state == TRIBUNA_DESTINATION_CONNECTING
                        || state == TRIBUNA_DESTINATION_RECONNECTING))
    tribuna_status_log_print (FALSE, "destination \"%s\": %s (attempt %u): %s",
                              tribuna_destination_get_name (destination),
                              tribuna_destination_state_to_string (state),
                              tribuna_destination_get_attempts (destination), error);
}

static void
watch_destinations (TribunaStatusLog *self,
                    GListModel       *destinations,
                    guint             from)
{
  guint n = g_list_model_get_n_items (destinations);

  for (guint i = from; i < n; i++)
    {
      g_autoptr(TribunaDestination) destination = g_list_model_get_item (destinations, i);

      g_signal_connect (destination, "notify::state", G_CALLBACK (on_destination_state), self);
      g_signal_connect (destination, "notify::last-error", G_CALLBACK (on_destination_error),
                        self);
    }
}

static void
on_destinations_changed (GListModel       *destinations,
                         guint             position,
                         guint             removed,
                         guint             added,
                         TribunaStatusLog *self)
{
  /* Destinations are only ever appended while the daemon runs. */
  if (added > 0)
    watch_destinations (self, destinations, position);
}

static void
on_session (TribunaEngine    *engine,
            GParamSpec       *pspec,
            TribunaStatusLog *self)
{
  const TribunaSession *session = tribuna_engine_get_session (engine);

  if (session == NULL)
    tribuna_status_log_print (FALSE, "session: closed");
  else
    tribuna_status_log_print (FALSE, "session: %" G_GINT64_FORMAT " \"%s\" (%s, %s) opened",
                              session->id, session->title,
                              tribuna_session_type_to_code (session->type), session->date);
}

static void
on_marker_state (TribunaEngine    *engine,
                 GParamSpec       *pspec,
                 TribunaStatusLog *self)
{
  g_autofree char *number = NULL;
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  g_autofree char *role = NULL;
  gboolean on;

  if (g_str_equal (pspec->name, "item-number"))
    {
      g_object_get (engine, "item-number", &number, "item-title", &title, NULL);
      if (title != NULL)
        tribuna_status_log_print (FALSE, "agenda item: %s %s", number ? number : "-", title);
    }
  else if (g_str_equal (pspec->name, "speaker-name"))
    {
      g_object_get (engine, "speaker-name", &name, "speaker-role", &role, NULL);
      if (name != NULL)
        tribuna_status_log_print (FALSE, "speaker: %s%s%s%s", name, role ? " (" : "",
                                  role ? role : "", role ? ")" : "");
    }
  else
    {
      g_object_get (engine, pspec->name, &on, NULL);
      tribuna_status_log_print (FALSE, "%s: %s", g_str_equal (pspec->name, "on-break")
                                ? "break" : "private", on ? "on" : "off");
    }
}

/* The public page's own stream: "live page: live", "live page: stopped", … */
static void
on_live_page_state (TribunaHlsOutput *hls,
                    GParamSpec       *pspec,
                    TribunaStatusLog *self)
{
  TribunaHlsState state = tribuna_hls_output_get_state (hls);
  const char *error = tribuna_hls_output_get_last_error (hls);

  if (state == TRIBUNA_HLS_LIVE)
    tribuna_status_log_print (FALSE, "live page: live (/live/" TRIBUNA_HLS_PLAYLIST_NAME ")");
  else if (state == TRIBUNA_HLS_RESTARTING || state == TRIBUNA_HLS_FAILED)
    tribuna_status_log_print (TRUE, "live page: %s: %s", tribuna_hls_state_to_string (state),
                              error ? error : "unknown error");
  else
    tribuna_status_log_print (FALSE, "live page: %s", tribuna_hls_state_to_string (state));
}

TribunaStatusLog *
tribuna_status_log_new (TribunaEngine *engine)
{
  TribunaStatusLog *self = g_new0 (TribunaStatusLog, 1);
  GListModel *destinations = tribuna_engine_get_destinations (engine);

  self->engine = g_object_ref (engine);
  g_signal_connect (engine, "notify::program-state", G_CALLBACK (on_program_state), self);
  g_signal_connect (engine, "notify::recorder", G_CALLBACK (on_recorder_changed), self);
  g_signal_connect (engine, "notify::session-id", G_CALLBACK (on_session), self);
  g_signal_connect (engine, "notify::item-number", G_CALLBACK (on_marker_state), self);
  g_signal_connect (engine, "notify::speaker-name", G_CALLBACK (on_marker_state), self);
  g_signal_connect (engine, "notify::on-break", G_CALLBACK (on_marker_state), self);
  g_signal_connect (engine, "notify::private", G_CALLBACK (on_marker_state), self);
  g_signal_connect (destinations, "items-changed", G_CALLBACK (on_destinations_changed), self);
  g_signal_connect (tribuna_engine_get_hls_output (engine), "notify::state",
                    G_CALLBACK (on_live_page_state), self);
  watch_destinations (self, destinations, 0);

  return self;
}

void
tribuna_status_log_free (TribunaStatusLog *self)
{
  GListModel *destinations;
  guint n;

  if (self == NULL)
    return;

  destinations = tribuna_engine_get_destinations (self->engine);
  n = g_list_model_get_n_items (destinations);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) destination = g_list_model_get_item (destinations, i);

      g_signal_handlers_disconnect_by_data (destination, self);
    }
  g_signal_handlers_disconnect_by_data (destinations, self);
  if (tribuna_engine_get_hls_output (self->engine) != NULL)
    g_signal_handlers_disconnect_by_data (tribuna_engine_get_hls_output (self->engine), self);
  g_signal_handlers_disconnect_by_data (self->engine, self);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_clear_object (&self->recorder);
  g_clear_object (&self->engine);
  g_free (self);
}
