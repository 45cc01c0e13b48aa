/* tribuna-engine.c: the one API the console, the HTTP API, the daemon and the CLI call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine owns the program (sources and the one encode), the recorder and
 * the destinations, each output fed through a TribunaFeed of its own. Its
 * state is properties; its callers never see a GstMessage.
 */
#define G_LOG_DOMAIN "tribuna-engine"

#include "config.h"

#include "tribuna-archive-check.h"
#include "tribuna-archive-layout.h"
#include "tribuna-engine-private.h"
#include "tribuna-video-devices.h"

#define MB (1024 * 1024)

G_DEFINE_FINAL_TYPE (TribunaEngine, tribuna_engine, G_TYPE_OBJECT)
G_DEFINE_QUARK (tribuna-engine-error-quark, tribuna_engine_error)

GParamSpec *_tribuna_engine_properties[ENGINE_N_PROPS];


void
_tribuna_engine_notify (TribunaEngine *self,
                        guint          prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), _tribuna_engine_properties[prop_id]);
}

void
_tribuna_engine_set_last_error (TribunaEngine *self,
                                const char    *message)
{
  if (message == NULL || g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  _tribuna_engine_notify (self, ENGINE_PROP_LAST_ERROR);
}

static void
update_on_air (TribunaEngine *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->destinations));
  gboolean on_air = FALSE;

  for (guint i = 0; i < n && !on_air; i++)
    {
      g_autoptr(TribunaDestination) destination =
        g_list_model_get_item (G_LIST_MODEL (self->destinations), i);

      on_air = tribuna_destination_get_state (destination) == TRIBUNA_DESTINATION_LIVE;
    }

  if (self->on_air == on_air)
    return;

  self->on_air = on_air;
  _tribuna_engine_notify (self, ENGINE_PROP_ON_AIR);
}

static void
on_destination_state (TribunaDestination *destination,
                      GParamSpec         *pspec,
                      TribunaEngine      *self)
{
  TribunaDestinationState state = tribuna_destination_get_state (destination);
  const char *name = tribuna_destination_get_name (destination);
  const char *error = tribuna_destination_get_last_error (destination);
  g_autofree char *text = NULL;

  if (state == TRIBUNA_DESTINATION_FAILED || state == TRIBUNA_DESTINATION_REJECTED)
    {
      g_autofree char *message = g_strdup_printf ("destination %s: %s", name, error);

      _tribuna_engine_set_last_error (self, message);
    }

  /* The audit trail: when each stream went out, came back, or was refused. */
  text = g_strdup_printf ("%s (%s)%s%s", name, tribuna_destination_get_masked_url (destination),
                          error ? ": " : "", error ? error : "");
  if (state == TRIBUNA_DESTINATION_LIVE && tribuna_destination_get_reconnects (destination) > 0)
    _tribuna_engine_log_event (self, TRIBUNA_EVENT_STREAM_RECONNECTED, text);
  else if (state == TRIBUNA_DESTINATION_LIVE)
    _tribuna_engine_log_event (self, TRIBUNA_EVENT_STREAM_STARTED, text);
  else if (state == TRIBUNA_DESTINATION_STOPPED)
    _tribuna_engine_log_event (self, TRIBUNA_EVENT_STREAM_STOPPED, text);
  else if (state == TRIBUNA_DESTINATION_FAILED)
    _tribuna_engine_log_event (self, TRIBUNA_EVENT_STREAM_FAILED, text);
  else if (state == TRIBUNA_DESTINATION_REJECTED)
    _tribuna_engine_log_event (self, TRIBUNA_EVENT_STREAM_REJECTED, text);

  update_on_air (self);
}

static void
on_program_state (TribunaProgram *program,
                  GParamSpec     *pspec,
                  TribunaEngine  *self)
{
  TribunaProgramState state = tribuna_program_get_state (program);

  if (state == TRIBUNA_PROGRAM_FAILED)
    {
      g_autofree char *message = g_strdup_printf ("program: %s",
                                                  tribuna_program_get_last_error (program));

      _tribuna_engine_set_last_error (self, message);
      /* No more pictures: close the files we have and take the streams off air
       * rather than let them retry against a silent encoder. */
      tribuna_engine_go_off_air (self);
      if (self->recorder != NULL)
        tribuna_recorder_stop_async (self->recorder, NULL, NULL, NULL);
    }

  _tribuna_engine_notify (self, ENGINE_PROP_PROGRAM_STATE);
}

static void
on_recorder_state (TribunaRecorder *recorder,
                   GParamSpec      *pspec,
                   TribunaEngine   *self)
{
  TribunaRecorderState state = tribuna_recorder_get_state (recorder);

  if (recorder != self->recorder)
    return;

  if (state == TRIBUNA_RECORDER_FAILED)
    {
      g_autofree char *message = g_strdup_printf ("recorder: %s",
                                                  tribuna_recorder_get_last_error (recorder));

      _tribuna_engine_set_last_error (self, message);
      _tribuna_engine_log_event (self, TRIBUNA_EVENT_RECORDER_FAILED,
                                 tribuna_recorder_get_last_error (recorder));
    }
  else if (state == TRIBUNA_RECORDER_RECORDING)
    _tribuna_engine_log_event (self, TRIBUNA_EVENT_RECORDER_STARTED,
                               tribuna_recorder_get_directory (recorder));
  else if (state == TRIBUNA_RECORDER_STOPPED)
    _tribuna_engine_log_event (self, TRIBUNA_EVENT_RECORDER_STOPPED,
                               tribuna_recorder_get_directory (recorder));

  _tribuna_engine_notify (self, ENGINE_PROP_RECORDER_STATE);

  if (state == TRIBUNA_RECORDER_STOPPED || state == TRIBUNA_RECORDER_FAILED)
    _tribuna_engine_recording_stopped (self);
}

/* GObject */

static void
tribuna_engine_dispose (GObject *object)
{
  TribunaEngine *self = (TribunaEngine *)object;

  if (self->destinations != NULL)
    g_list_store_remove_all (self->destinations);
  g_clear_pointer (&self->destination_feeds, g_hash_table_unref);
  _tribuna_engine_live_clear (self);
  g_clear_pointer (&self->disabled, g_hash_table_unref);
  g_clear_object (&self->recorder);
  if (self->program != NULL)
    tribuna_program_stop (self->program);
  g_clear_object (&self->program);
  _tribuna_engine_vision_clear (self);
  g_clear_object (&self->recorder_feed);
  g_clear_object (&self->destinations);
  _tribuna_engine_session_clear (self);
  g_clear_object (&self->clip_export);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_object (&self->archive);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (tribuna_engine_parent_class)->dispose (object);
}

static void
tribuna_engine_finalize (GObject *object)
{
  TribunaEngine *self = (TribunaEngine *)object;

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (tribuna_engine_parent_class)->finalize (object);
}

static void
tribuna_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TribunaEngine *self = TRIBUNA_ENGINE (object);

  switch (prop_id)
    {
    case ENGINE_PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;

    case ENGINE_PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    case ENGINE_PROP_PROGRAM_STATE:
      g_value_set_enum (value, tribuna_engine_get_program_state (self));
      break;

    case ENGINE_PROP_RECORDER:
      g_value_set_object (value, self->recorder);
      break;

    case ENGINE_PROP_RECORDER_STATE:
      g_value_set_enum (value, tribuna_engine_get_recorder_state (self));
      break;

    case ENGINE_PROP_DESTINATIONS:
      g_value_set_object (value, self->destinations);
      break;

    case ENGINE_PROP_ON_AIR:
      g_value_set_boolean (value, self->on_air);
      break;

    case ENGINE_PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case ENGINE_PROP_ARCHIVE:
      g_value_set_object (value, self->archive);
      break;

    default:
      if (!_tribuna_engine_get_session_property (self, prop_id, value)
          && !_tribuna_engine_get_vision_property (self, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_engine_class_init (TribunaEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamSpec **properties = _tribuna_engine_properties;
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tribuna_engine_dispose;
  object_class->finalize = tribuna_engine_finalize;
  object_class->get_property = tribuna_engine_get_property;

  properties[ENGINE_PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, TRIBUNA_TYPE_CONFIG, flags);
  properties[ENGINE_PROP_DATA_DIR] = g_param_spec_string ("data-dir", NULL, NULL, NULL, flags);
  properties[ENGINE_PROP_ARCHIVE] =
    g_param_spec_object ("archive", NULL, NULL, TRIBUNA_TYPE_ARCHIVE, flags);
  properties[ENGINE_PROP_PROGRAM_STATE] =
    g_param_spec_enum ("program-state", NULL, NULL, TRIBUNA_TYPE_PROGRAM_STATE,
                       TRIBUNA_PROGRAM_STOPPED, flags);
  properties[ENGINE_PROP_RECORDER] =
    g_param_spec_object ("recorder", NULL, NULL, TRIBUNA_TYPE_RECORDER, flags);
  properties[ENGINE_PROP_RECORDER_STATE] =
    g_param_spec_enum ("recorder-state", NULL, NULL, TRIBUNA_TYPE_RECORDER_STATE,
                       TRIBUNA_RECORDER_IDLE, flags);
  properties[ENGINE_PROP_DESTINATIONS] =
    g_param_spec_object ("destinations", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[ENGINE_PROP_ON_AIR] = g_param_spec_boolean ("on-air", NULL, NULL, FALSE, flags);
  properties[ENGINE_PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, flags);
  _tribuna_engine_install_session_properties (properties);
  _tribuna_engine_install_vision_properties (object_class, properties);

  g_object_class_install_properties (object_class, ENGINE_N_PROPS, properties);
}

static void
tribuna_engine_init (TribunaEngine *self)
{
  self->destinations = g_list_store_new (TRIBUNA_TYPE_DESTINATION);
  self->destination_feeds = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->disabled = g_hash_table_new (NULL, NULL);
  _tribuna_engine_session_init (self);
}

/* A v4l2 source whose device is not there plays a test card instead, so the
 * appliance still records the hall's sound and shows that the camera is missing. */
static TribunaSourceConfig *
choose_source (const TribunaSourceConfig *config)
{
  TribunaSourceConfig *source;

  if (config->kind != TRIBUNA_SOURCE_KIND_V4L2 || tribuna_video_device_exists (config->location))
    return tribuna_source_config_copy (config);

  g_warning ("source %s: no camera at %s; showing a test pattern instead",
             config->name, config->location);
  source = tribuna_source_config_parse (config->name, "test:snow", NULL);
  source->tone_hz = 0;   /* the hall's microphones go on; no test tone over them */
  source->gain_db = config->gain_db;
  source->muted = config->muted;
  source->av_offset_ms = config->av_offset_ms;
  return source;
}

static GPtrArray *
choose_program_sources (TribunaEngine *self)
{
  GPtrArray *configs = tribuna_config_get_sources (self->config);
  GPtrArray *sources = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_source_config_free);

  for (guint i = 0; i < configs->len; i++)
    g_ptr_array_add (sources, choose_source (g_ptr_array_index (configs, i)));

  return sources;
}

/* The segments a crash left open get their real duration, size and checksum
 * from the files and the sidecar logs, so the time axis needs no estimate. */
static void
close_cut_segments (TribunaEngine *self)
{
  g_autoptr(GError) error = NULL;
  TribunaRebuildReport report = { 0 };

  if (!tribuna_archive_rebuild (self->archive, &report, NULL, &error))
    g_warning ("the segments cut by the crash are still open in the index: %s", error->message);
  else if (report.segments_completed > 0 || report.segments_added > 0)
    g_message ("after the crash: %u segment(s) closed, %u found on disk and indexed",
               report.segments_completed, report.segments_added);
  tribuna_rebuild_report_clear (&report);
}

/* Opens the archive of data_dir (the appliance's own: any session it left
 * live was cut short by a crash, and becomes interrupted). */
TribunaEngine *
tribuna_engine_new (TribunaConfig  *config,
                    const char     *data_dir,
                    GError        **error)
{
  g_autoptr(TribunaEngine) self = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  guint n_interrupted = 0;
  GPtrArray *destinations;
  TribunaProgramFormat format;

  g_return_val_if_fail (TRIBUNA_IS_CONFIG (config), NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (TRIBUNA_TYPE_ENGINE, NULL);
  self->config = g_object_ref (config);
  self->data_dir = g_strdup (data_dir);

  self->archive = tribuna_archive_open (data_dir, error);
  if (self->archive == NULL
      || !tribuna_archive_interrupt_live_sessions (self->archive, &n_interrupted, error))
    return NULL;
  if (n_interrupted > 0)
    {
      g_message ("%u session(s) were cut short by a crash and are now interrupted; "
                 "starting one again continues it", n_interrupted);
      close_cut_segments (self);
    }

  format = (TribunaProgramFormat) {
    .width = tribuna_config_get_width (config),
    .height = tribuna_config_get_height (config),
    .framerate = tribuna_config_get_framerate (config),
    .video_kbps = tribuna_config_get_video_bitrate (config),
    .audio_kbps = tribuna_config_get_audio_bitrate (config),
    .keyframe_seconds = tribuna_config_get_keyframe_interval (config),
    .encoder_preset = (char *) tribuna_config_get_encoder_preset (config),
  };
  sources = choose_program_sources (self);
  self->program = tribuna_program_new_with_sources (&format, sources);
  g_signal_connect_object (self->program, "notify::state", G_CALLBACK (on_program_state), self, 0);
  if (!_tribuna_engine_vision_init (self, error))
    return NULL;

  self->recorder_feed = tribuna_feed_new (TRIBUNA_FEED_LOSSLESS);
  tribuna_program_add_feed (self->program, self->recorder_feed);
  _tribuna_engine_live_init (self);

  destinations = tribuna_config_get_destinations (config);
  for (guint i = 0; i < destinations->len; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (tribuna_engine_add_destination (self, g_ptr_array_index (destinations, i),
                                          &local_error) == NULL)
        g_warning ("%s", local_error->message);
    }

  return g_steal_pointer (&self);
}

TribunaArchive *
tribuna_engine_get_archive (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->archive;
}

TribunaConfig *
tribuna_engine_get_config (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->config;
}

const char *
tribuna_engine_get_data_dir (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->data_dir;
}

/* Program */

gboolean
tribuna_engine_start (TribunaEngine  *self,
                      GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (tribuna_program_get_state (self->program) == TRIBUNA_PROGRAM_RUNNING
      || tribuna_program_get_state (self->program) == TRIBUNA_PROGRAM_STARTING)
    return TRUE;

  return tribuna_program_start (self->program, error);
}

TribunaProgramState
tribuna_engine_get_program_state (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), TRIBUNA_PROGRAM_FAILED);

  return tribuna_program_get_state (self->program);
}

gboolean
_tribuna_engine_check_program (TribunaEngine  *self,
                               GError        **error)
{
  TribunaProgramState state = tribuna_program_get_state (self->program);

  if (state == TRIBUNA_PROGRAM_RUNNING || state == TRIBUNA_PROGRAM_STARTING)
    return TRUE;

  g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_NOT_RUNNING,
               "the program is %s%s%s", tribuna_program_state_to_string (state),
               tribuna_program_get_last_error (self->program) ? ": " : "",
               tribuna_program_get_last_error (self->program) ?: "");
  return FALSE;
}

/* Recording */

static TribunaRecorder *
make_recorder (TribunaEngine  *self,
               GError        **error)
{
  g_autofree char *directory = _tribuna_engine_recording_dir (self, error);
  TribunaRecorder *recorder;

  if (directory == NULL)
    return NULL;

  recorder = tribuna_recorder_new (directory, self->recorder_feed);

  tribuna_recorder_set_segment_time (recorder,
                                     tribuna_config_get_segment_seconds (self->config)
                                     * GST_SECOND);
  tribuna_recorder_set_free_space (recorder,
                                   (guint64) tribuna_config_get_min_free_mb (self->config) * MB,
                                   (guint64) tribuna_config_get_stop_free_mb (self->config) * MB);
  g_signal_connect_object (recorder, "notify::state", G_CALLBACK (on_recorder_state), self, 0);
  _tribuna_engine_watch_recorder (self, recorder);

  return recorder;
}

gboolean
tribuna_engine_start_recording (TribunaEngine  *self,
                                GError        **error)
{
  TribunaRecorderState state;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (!_tribuna_engine_check_program (self, error))
    return FALSE;

  state = self->recorder ? tribuna_recorder_get_state (self->recorder) : TRIBUNA_RECORDER_IDLE;
  if (state == TRIBUNA_RECORDER_STARTING || state == TRIBUNA_RECORDER_RECORDING)
    return TRUE;

  /* Each start is a new recorder; its segments go to the session's folder. */
  g_clear_object (&self->recorder);
  self->recorder = make_recorder (self, error);
  _tribuna_engine_notify (self, ENGINE_PROP_RECORDER);
  if (self->recorder == NULL)
    return FALSE;

  if (!tribuna_recorder_start (self->recorder, error))
    {
      _tribuna_engine_set_last_error (self, tribuna_recorder_get_last_error (self->recorder));
      return FALSE;
    }

  return TRUE;
}

static void
on_recorder_stopped (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!tribuna_recorder_stop_finish (TRIBUNA_RECORDER (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
tribuna_engine_stop_recording_async (TribunaEngine       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRIBUNA_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tribuna_engine_stop_recording_async);

  if (self->recorder == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  tribuna_recorder_stop_async (self->recorder, cancellable, on_recorder_stopped,
                               g_steal_pointer (&task));
}

gboolean
tribuna_engine_stop_recording_finish (TribunaEngine  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

TribunaRecorder *
tribuna_engine_get_recorder (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->recorder;
}

TribunaRecorderState
tribuna_engine_get_recorder_state (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), TRIBUNA_RECORDER_FAILED);

  return self->recorder ? tribuna_recorder_get_state (self->recorder) : TRIBUNA_RECORDER_IDLE;
}

/* Destinations */

GListModel *
tribuna_engine_get_destinations (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return G_LIST_MODEL (self->destinations);
}

TribunaDestination *
tribuna_engine_find_destination (TribunaEngine *self,
                                 const char    *name)
{
  guint n;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->destinations));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaDestination) destination =
        g_list_model_get_item (G_LIST_MODEL (self->destinations), i);

      if (g_str_equal (tribuna_destination_get_name (destination), name))
        return destination;   /* the store keeps it alive */
    }

  return NULL;
}

TribunaDestination *
tribuna_engine_add_destination (TribunaEngine                  *self,
                                const TribunaDestinationConfig *config,
                                GError                        **error)
{
  g_autoptr(TribunaFeed) feed = NULL;
  g_autoptr(TribunaDestination) destination = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  if (tribuna_engine_find_destination (self, config->name) != NULL)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_DUPLICATE_DESTINATION,
                   "there is already a destination named “%s”", config->name);
      return NULL;
    }

  feed = tribuna_feed_new (TRIBUNA_FEED_LOSSY);
  destination = tribuna_destination_new (config->name, config->url, config->tls_verify, feed);
  g_signal_connect_object (destination, "notify::state", G_CALLBACK (on_destination_state),
                           self, 0);
  tribuna_program_add_feed (self->program, feed);
  /* While private, the public sees the slate: see tribuna_program_set_private(). */
  tribuna_program_set_feed_public (self->program, feed, TRUE);
  g_hash_table_insert (self->destination_feeds, destination, g_steal_pointer (&feed));
  if (!config->enabled)
    g_hash_table_add (self->disabled, destination);
  g_list_store_append (self->destinations, destination);

  return destination;
}

static gboolean
find_position (TribunaEngine *self,
               const char    *name,
               guint         *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->destinations));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaDestination) destination =
        g_list_model_get_item (G_LIST_MODEL (self->destinations), i);

      if (g_str_equal (tribuna_destination_get_name (destination), name))
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Takes it off air (a clean unpublish) and out of the engine: its feed stops
 * receiving, so it costs nothing any more. */
gboolean
tribuna_engine_remove_destination (TribunaEngine  *self,
                                   const char     *name,
                                   GError        **error)
{
  g_autoptr(TribunaDestination) destination = NULL;
  TribunaFeed *feed;
  guint position;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!find_position (self, name, &position))
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_UNKNOWN_DESTINATION,
                   "there is no destination named “%s”", name);
      return FALSE;
    }

  destination = g_list_model_get_item (G_LIST_MODEL (self->destinations), position);
  tribuna_destination_stop (destination);
  g_signal_handlers_disconnect_by_data (destination, self);
  feed = g_hash_table_lookup (self->destination_feeds, destination);
  if (feed != NULL)
    tribuna_program_remove_feed (self->program, feed);
  g_hash_table_remove (self->destination_feeds, destination);
  g_hash_table_remove (self->disabled, destination);
  g_list_store_remove (self->destinations, position);
  update_on_air (self);

  return TRUE;
}

/* Whether "on air" starts it; a disabled destination can still be started by name. */
gboolean
tribuna_engine_set_destination_enabled (TribunaEngine  *self,
                                        const char     *name,
                                        gboolean        enabled,
                                        GError        **error)
{
  TribunaDestination *destination;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  destination = tribuna_engine_find_destination (self, name);
  if (destination == NULL)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_UNKNOWN_DESTINATION,
                   "there is no destination named “%s”", name);
      return FALSE;
    }

  if (enabled)
    g_hash_table_remove (self->disabled, destination);
  else
    g_hash_table_add (self->disabled, destination);
  return TRUE;
}

gboolean
tribuna_engine_get_destination_enabled (TribunaEngine      *self,
                                        TribunaDestination *destination)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return !g_hash_table_contains (self->disabled, destination);
}

gboolean
tribuna_engine_start_destination (TribunaEngine  *self,
                                  const char     *name,
                                  GError        **error)
{
  TribunaDestination *destination;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!_tribuna_engine_check_program (self, error))
    return FALSE;

  destination = tribuna_engine_find_destination (self, name);
  if (destination == NULL)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_UNKNOWN_DESTINATION,
                   "there is no destination named “%s”", name);
      return FALSE;
    }

  tribuna_destination_start (destination);
  return TRUE;
}

gboolean
tribuna_engine_stop_destination (TribunaEngine  *self,
                                 const char     *name,
                                 GError        **error)
{
  TribunaDestination *destination;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  destination = tribuna_engine_find_destination (self, name);
  if (destination == NULL)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_UNKNOWN_DESTINATION,
                   "there is no destination named “%s”", name);
      return FALSE;
    }

  tribuna_destination_stop (destination);
  return TRUE;
}

/* Every enabled destination of the config, and every one added at run time. */
gboolean
tribuna_engine_go_on_air (TribunaEngine  *self,
                          GError        **error)
{
  guint n, started = 0;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  if (!_tribuna_engine_check_program (self, error))
    return FALSE;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->destinations));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaDestination) destination =
        g_list_model_get_item (G_LIST_MODEL (self->destinations), i);

      if (g_hash_table_contains (self->disabled, destination))
        continue;

      tribuna_destination_start (destination);
      started++;
    }

  if (started == 0)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_NO_DESTINATION,
                   "there is no enabled destination to go on air with; add a [destination NAME] "
                   "group to the config or use --stream URL");
      return FALSE;
    }

  return TRUE;
}

void
tribuna_engine_go_off_air (TribunaEngine *self)
{
  guint n;

  g_return_if_fail (TRIBUNA_IS_ENGINE (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->destinations));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaDestination) destination =
        g_list_model_get_item (G_LIST_MODEL (self->destinations), i);

      tribuna_destination_stop (destination);
    }
}

gboolean
tribuna_engine_get_on_air (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return self->on_air;
}

const char *
tribuna_engine_get_last_error (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->last_error;
}

/* Shutdown: streams first (they may lose data), then the recording is
 * finalised, and the program stops last so the recorder gets every frame. */

static void
on_shutdown_recording_stopped (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TribunaEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_stop_recording_finish (self, result, &error))
    g_warning ("the recording did not stop cleanly: %s", error->message);

  _tribuna_engine_end_current_session (self);
  tribuna_program_stop (self->program);
  g_task_return_boolean (task, TRUE);
}

void
tribuna_engine_shutdown_async (TribunaEngine       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRIBUNA_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tribuna_engine_shutdown_async);

  _tribuna_engine_live_stop (self);
  tribuna_engine_go_off_air (self);
  tribuna_engine_stop_recording_async (self, cancellable, on_shutdown_recording_stopped,
                                       g_steal_pointer (&task));
}

gboolean
tribuna_engine_shutdown_finish (TribunaEngine  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
