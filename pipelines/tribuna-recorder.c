/* tribuna-recorder.c: the crash-safe local recording, in MPEG-TS segments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   appsrc video ─► h264parse (SPS/PPS at every IDR) ─┐
 *                                                    ├─► mpegtsmux ─► appsink ─► TribunaSegmentWriter
 *   appsrc audio ─► aacparse ────────────────────────┘                          (N-minute files)
 *
 * MPEG-TS because every 188-byte packet stands alone: after kill -9, a power
 * cut or a full disk the file plays up to its last packet, where an MP4 would
 * be lost without its moov. The recorder runs in its own pipeline, fed by a
 * lossless TribunaFeed, so no destination can stop it.
 */
#define G_LOG_DOMAIN "tribuna-recorder"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <glib/gstdio.h>

#include "tribuna-archive-layout.h"
#include "tribuna-elements.h"
#include "tribuna-main-context.h"
#include <gst/app/gstappsink.h>
#include "tribuna-recorder.h"
#include "tribuna-segment-writer.h"

#define DISK_CHECK_SECONDS 1
#define VIDEO_PID 65
#define AUDIO_PID 66
#define STOP_TIMEOUT_SECONDS 5
/* 12 KB: 25 ms of a 4 Mbit/s program, 0.2 s at 500 kbit/s; a kill -9 loses it. */
#define MUXER_PACKETS_PER_BUFFER 64
#define MB (1024 * 1024)

struct _TribunaRecorder
{
  GObject               parent_instance;

  /* Settings */
  char                 *directory;
  TribunaFeed          *feed;
  GstClockTime          segment_time;
  guint64               warn_bytes;
  guint64               stop_bytes;

  /* The output pipeline */
  GstElement           *pipeline;
  GstAppSrc            *video_src;
  GstAppSrc            *audio_src;
  guint                 bus_watch;
  guint                 disk_timer;
  guint                 stop_timeout;
  GTask                *stop_task;
  char                 *stop_error;   /* why we stop on our own, NULL for a requested stop */
  guint                 pending_closes;   /* segments still being hashed */
  TribunaSegmentWriter *writer;
  GMainContext         *context;          /* where the writer's events are handled */
  gint                  events_in_flight; /* posted by the writer, not yet handled */

  /* State, as properties */
  TribunaRecorderState  state;
  char                 *current_file;
  guint                 segment_count;
  guint64               free_bytes;
  gboolean              low_disk;
  char                 *last_error;
};

G_DEFINE_FINAL_TYPE (TribunaRecorder, tribuna_recorder, G_TYPE_OBJECT)
G_DEFINE_QUARK (tribuna-recorder-error-quark, tribuna_recorder_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_CURRENT_FILE,
  PROP_SEGMENT_COUNT,
  PROP_FREE_BYTES,
  PROP_LOW_DISK,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SEGMENT_OPENED,
  SEGMENT_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void finish_stop (TribunaRecorder *self);
static void maybe_complete_stop (TribunaRecorder *self);

GType
tribuna_recorder_state_get_type (void)
{
  static gsize type_id;
  static const GEnumValue values[] = {
    { TRIBUNA_RECORDER_IDLE, "TRIBUNA_RECORDER_IDLE", "idle" },
    { TRIBUNA_RECORDER_STARTING, "TRIBUNA_RECORDER_STARTING", "starting" },
    { TRIBUNA_RECORDER_RECORDING, "TRIBUNA_RECORDER_RECORDING", "recording" },
    { TRIBUNA_RECORDER_STOPPING, "TRIBUNA_RECORDER_STOPPING", "stopping" },
    { TRIBUNA_RECORDER_STOPPED, "TRIBUNA_RECORDER_STOPPED", "stopped" },
    { TRIBUNA_RECORDER_FAILED, "TRIBUNA_RECORDER_FAILED", "failed" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaRecorderState", values));

  return type_id;
}

const char *
tribuna_recorder_state_to_string (TribunaRecorderState state)
{
  GEnumClass *klass = g_type_class_ref (TRIBUNA_TYPE_RECORDER_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value ? value->value_nick : "unknown";
}

static void
set_state (TribunaRecorder      *self,
           TribunaRecorderState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (TribunaRecorder *self,
                const char      *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static gboolean
is_running (TribunaRecorder *self)
{
  return self->state == TRIBUNA_RECORDER_STARTING
         || self->state == TRIBUNA_RECORDER_RECORDING
         || self->state == TRIBUNA_RECORDER_STOPPING;
}

static void
tribuna_recorder_dispose (GObject *object)
{
  TribunaRecorder *self = (TribunaRecorder *)object;

  if (self->pipeline != NULL)
    {
      tribuna_feed_detach (self->feed);
      finish_stop (self);
    }

  G_OBJECT_CLASS (tribuna_recorder_parent_class)->dispose (object);
}

static void
tribuna_recorder_finalize (GObject *object)
{
  TribunaRecorder *self = (TribunaRecorder *)object;

  g_clear_object (&self->feed);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->current_file, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->stop_error, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (tribuna_recorder_parent_class)->finalize (object);
}

static void
tribuna_recorder_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TribunaRecorder *self = TRIBUNA_RECORDER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_CURRENT_FILE:
      g_value_set_string (value, self->current_file);
      break;

    case PROP_SEGMENT_COUNT:
      g_value_set_uint (value, self->segment_count);
      break;

    case PROP_FREE_BYTES:
      g_value_set_uint64 (value, self->free_bytes);
      break;

    case PROP_LOW_DISK:
      g_value_set_boolean (value, self->low_disk);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_recorder_class_init (TribunaRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tribuna_recorder_dispose;
  object_class->finalize = tribuna_recorder_finalize;
  object_class->get_property = tribuna_recorder_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TRIBUNA_TYPE_RECORDER_STATE, TRIBUNA_RECORDER_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CURRENT_FILE] =
    g_param_spec_string ("current-file", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SEGMENT_COUNT] =
    g_param_spec_uint ("segment-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FREE_BYTES] =
    g_param_spec_uint64 ("free-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOW_DISK] =
    g_param_spec_boolean ("low-disk", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TribunaRecorder::segment-opened:
   * @path: the new segment file
   * @running_time: program running time (ns) of its first frame
   * @wall_us: wall-clock UTC (µs) of its first frame
   */
  signals[SEGMENT_OPENED] =
    g_signal_new ("segment-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_INT64);

  /**
   * TribunaRecorder::segment-closed:
   * @path: the finished segment file
   * @running_time: program running time (ns) of its first frame
   * @duration: its duration (ns)
   * @bytes: its size on disk
   * @sha256: hex SHA-256 of its content, or %NULL if it could not be read
   *
   * Emitted once the file is complete and hashed, so an index can record it
   * as closed with a checksum to verify it against later.
   */
  signals[SEGMENT_CLOSED] =
    g_signal_new ("segment-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64, G_TYPE_UINT64,
                  G_TYPE_STRING);
}

static void
tribuna_recorder_init (TribunaRecorder *self)
{
  self->segment_time = 10 * 60 * GST_SECOND;
  self->warn_bytes = 2048ull * MB;
  self->stop_bytes = 256ull * MB;
}

TribunaRecorder *
tribuna_recorder_new (const char  *directory,
                      TribunaFeed *feed)
{
  TribunaRecorder *self;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (TRIBUNA_IS_FEED (feed), NULL);

  self = g_object_new (TRIBUNA_TYPE_RECORDER, NULL);
  self->directory = g_strdup (directory);
  self->feed = g_object_ref (feed);

  return self;
}

void
tribuna_recorder_set_segment_time (TribunaRecorder *self,
                                   GstClockTime     duration)
{
  g_return_if_fail (TRIBUNA_IS_RECORDER (self));
  g_return_if_fail (GST_CLOCK_TIME_IS_VALID (duration) && duration > 0);

  self->segment_time = duration;
}

void
tribuna_recorder_set_free_space (TribunaRecorder *self,
                                 guint64          warn_bytes,
                                 guint64          stop_bytes)
{
  g_return_if_fail (TRIBUNA_IS_RECORDER (self));

  self->warn_bytes = warn_bytes;
  self->stop_bytes = stop_bytes;
}

/* Free space */

static void
set_free_bytes (TribunaRecorder *self,
                guint64          free_bytes)
{
  gboolean low_disk = free_bytes < self->warn_bytes;

  if (self->free_bytes != free_bytes)
    {
      self->free_bytes = free_bytes;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FREE_BYTES]);
    }
  if (self->low_disk != low_disk)
    {
      self->low_disk = low_disk;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOW_DISK]);
    }
}

static char *
describe_low_space (TribunaRecorder *self,
                    guint64          free_bytes)
{
  return g_strdup_printf ("only %" G_GUINT64_FORMAT " MB free in %s; the recording stops below "
                          "%" G_GUINT64_FORMAT " MB (stop-free-mb) so the disk never fills up",
                          free_bytes / MB, self->directory, self->stop_bytes / MB);
}

static void begin_stop (TribunaRecorder *self,
                        const char      *error_message);

static gboolean
on_disk_check (gpointer user_data)
{
  TribunaRecorder *self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 free_bytes;

  if (!tribuna_archive_query_free_space (self->directory, &free_bytes, &error))
    {
      g_warning ("%s", error->message);
      return G_SOURCE_CONTINUE;
    }

  set_free_bytes (self, free_bytes);

  if (free_bytes < self->stop_bytes && self->state == TRIBUNA_RECORDER_RECORDING)
    {
      g_autofree char *message = describe_low_space (self, free_bytes);

      begin_stop (self, message);
    }

  return G_SOURCE_CONTINUE;
}

/* Segments */

/* The program running time of a time on this recorder's own timeline. */
static GstClockTime
to_program_time (TribunaRecorder *self,
                 GstClockTime     running_time)
{
  GstClockTime base_time = tribuna_feed_get_base_time (self->feed);

  return running_time + (GST_CLOCK_TIME_IS_VALID (base_time) ? base_time : 0);
}

static gint64
to_wall_us (TribunaRecorder *self,
            GstClockTime     program_time)
{
  return tribuna_feed_get_epoch_us (self->feed) + (gint64) (program_time / GST_USECOND);
}

/* The program's running time and the wall clock, side by side: the one time
 * axis markers and segments share, kept next to the files. */
static void
log_segment (TribunaRecorder *self,
             const char      *event,
             const char      *location,
             GstClockTime     program_time,
             const char      *extra_fields)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = g_path_get_basename (location);
  g_autofree char *escaped = g_strescape (basename, NULL);
  g_autofree char *line = NULL;

  line = g_strdup_printf ("{\"event\":\"%s\",\"file\":\"%s\",\"running_time_ns\":%" G_GUINT64_FORMAT
                          ",\"wall_us\":%" G_GINT64_FORMAT "%s}",
                          event, escaped, program_time, to_wall_us (self, program_time),
                          extra_fields ? extra_fields : "");
  if (!tribuna_archive_append_log (self->directory, line, &error))
    g_warning ("%s", error->message);
}

static void
on_segment_opened (TribunaRecorder     *self,
                   TribunaSegmentEvent *event)
{
  GstClockTime opened_at = to_program_time (self, event->start);

  self->segment_count++;
  g_free (self->current_file);
  self->current_file = g_strdup (event->path);
  log_segment (self, "opened", event->path, opened_at, NULL);

  g_signal_emit (self, signals[SEGMENT_OPENED], 0, event->path, (guint64) opened_at,
                 to_wall_us (self, opened_at));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEGMENT_COUNT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_FILE]);
  if (self->state == TRIBUNA_RECORDER_STARTING)
    set_state (self, TRIBUNA_RECORDER_RECORDING);
}

typedef struct {
  char         *path;
  GstClockTime  opened_at;
  GstClockTime  duration;
  guint64       bytes;
  char         *sha256;
} ClosedSegment;

static void
closed_segment_free (ClosedSegment *closed)
{
  g_free (closed->path);
  g_free (closed->sha256);
  g_free (closed);
}

/* In a worker thread: a 10-minute segment is a few hundred MB. */
static void
hash_segment_in_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  ClosedSegment *closed = task_data;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *chunk = g_malloc (1024 * 1024);
  FILE *file = fopen (closed->path, "rb");
  size_t n;

  if (file == NULL)
    {
      g_warning ("cannot read the closed segment %s to checksum it: %s", closed->path,
                 g_strerror (errno));
      g_task_return_boolean (task, TRUE);
      return;
    }

  while ((n = fread (chunk, 1, 1024 * 1024, file)) > 0)
    {
      g_checksum_update (checksum, chunk, n);
      closed->bytes += n;
    }
  if (!ferror (file))
    closed->sha256 = g_strdup (g_checksum_get_string (checksum));
  fclose (file);

  g_task_return_boolean (task, TRUE);
}

static void
on_segment_hashed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TribunaRecorder *self = TRIBUNA_RECORDER (object);
  ClosedSegment *closed = g_task_get_task_data (G_TASK (result));
  g_autofree char *extra = NULL;

  extra = g_strdup_printf (",\"duration_ns\":%" G_GUINT64_FORMAT ",\"bytes\":%" G_GUINT64_FORMAT
                           ",\"sha256\":\"%s\"", closed->duration, closed->bytes,
                           closed->sha256 ? closed->sha256 : "");
  log_segment (self, "closed", closed->path, closed->opened_at, extra);
  g_signal_emit (self, signals[SEGMENT_CLOSED], 0, closed->path, (guint64) closed->opened_at,
                 (guint64) closed->duration, closed->bytes, closed->sha256);

  self->pending_closes--;
  maybe_complete_stop (self);
}

static void
on_segment_closed (TribunaRecorder     *self,
                   TribunaSegmentEvent *event)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_segment_hashed, NULL);
  ClosedSegment *closed = g_new0 (ClosedSegment, 1);

  closed->path = g_strdup (event->path);
  closed->opened_at = to_program_time (self, event->start);
  closed->duration = event->duration;

  self->pending_closes++;
  g_task_set_source_tag (task, on_segment_closed);
  g_task_set_task_data (task, closed, (GDestroyNotify) closed_segment_free);
  g_task_run_in_thread (task, hash_segment_in_thread);
}

static void fail (TribunaRecorder *self,
                  const char      *message);

typedef struct {
  TribunaRecorder     *self;
  TribunaSegmentEvent *event;
} PostedEvent;

static gboolean
handle_writer_event (gpointer data)
{
  PostedEvent *posted = data;
  TribunaRecorder *self = posted->self;
  TribunaSegmentEvent *event = posted->event;

  switch (event->kind)
    {
    case TRIBUNA_SEGMENT_OPENED:
      on_segment_opened (self, event);
      break;

    case TRIBUNA_SEGMENT_CLOSED:
      on_segment_closed (self, event);
      break;

    case TRIBUNA_SEGMENT_FAILED:
      {
        g_autofree char *message = g_strdup_printf ("the recording stopped: %s", event->error);

        if (self->pipeline != NULL)
          fail (self, message);
        else
          set_last_error (self, message);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_atomic_int_dec_and_test (&self->events_in_flight);
  maybe_complete_stop (self);
  return G_SOURCE_REMOVE;
}

static void
posted_event_free (gpointer data)
{
  PostedEvent *posted = data;

  tribuna_segment_event_free (posted->event);
  g_object_unref (posted->self);
  g_free (posted);
}

/* From the streaming thread (or the main one, on close): state the console
 * observes only changes on the recorder's main context. */
static void
on_writer_event (TribunaSegmentEvent *event,
                 gpointer             user_data)
{
  TribunaRecorder *self = user_data;
  PostedEvent *posted = g_new0 (PostedEvent, 1);

  posted->self = g_object_ref (self);
  posted->event = event;
  g_atomic_int_inc (&self->events_in_flight);
  tribuna_main_context_post (self->context, handle_writer_event, posted, posted_event_free);
}

static GstFlowReturn
on_muxed_sample (GstAppSink *appsink,
                 gpointer    user_data)
{
  TribunaRecorder *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  if (gst_sample_get_caps (sample) != NULL)
    tribuna_segment_writer_set_caps (self->writer, gst_sample_get_caps (sample));

  /* After a write error the writer has reported it, in words; stop quietly
   * rather than let a generic flow error race that message to the bus. */
  return tribuna_segment_writer_write (self->writer, gst_sample_get_buffer (sample))
         ? GST_FLOW_OK : GST_FLOW_EOS;
}

static GstPadProbeReturn
on_video_into_muxer (GstPad          *pad,
                     GstPadProbeInfo *info,
                     gpointer         user_data)
{
  TribunaRecorder *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  if (!GST_BUFFER_PTS_IS_VALID (buffer))
    return GST_PAD_PROBE_OK;

  if (!GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
    tribuna_segment_writer_note_keyframe (self->writer, GST_BUFFER_PTS (buffer));
  tribuna_segment_writer_note_video_end (self->writer,
                                         GST_BUFFER_PTS (buffer)
                                         + (GST_BUFFER_DURATION_IS_VALID (buffer)
                                            ? GST_BUFFER_DURATION (buffer) : 0));
  return GST_PAD_PROBE_OK;
}

/* Stopping */

static void
finish_stop (TribunaRecorder *self)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);

  if (gst_element_set_state (self->pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the recorder pipeline did not stop cleanly");
  gst_bus_set_flushing (bus, TRUE);
  /* The streaming threads are gone: the last segment can be closed. */
  g_clear_pointer (&self->writer, tribuna_segment_writer_free);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_handle_id (&self->disk_timer, g_source_remove);
  g_clear_handle_id (&self->stop_timeout, g_source_remove);
  g_clear_object (&self->video_src);
  g_clear_object (&self->audio_src);
  gst_clear_object (&self->pipeline);

  if (self->stop_error != NULL)
    {
      set_last_error (self, self->stop_error);
      g_clear_pointer (&self->stop_error, g_free);
      set_state (self, TRIBUNA_RECORDER_FAILED);
    }
  else
    set_state (self, TRIBUNA_RECORDER_STOPPED);

  maybe_complete_stop (self);
}

/* A stop is complete once the pipeline is down and every segment is hashed
 * and logged: an index updated from the signals is then final. */
static void
maybe_complete_stop (TribunaRecorder *self)
{
  GTask *task;

  if (self->stop_task == NULL || self->pipeline != NULL || self->pending_closes > 0
      || g_atomic_int_get (&self->events_in_flight) > 0)
    return;

  task = g_steal_pointer (&self->stop_task);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
on_stop_timeout (gpointer user_data)
{
  TribunaRecorder *self = user_data;

  /* MPEG-TS needs no trailer: a segment cut here still plays to its end. */
  g_warning ("the recorder took more than %d s to finish its last segment; closing it",
             STOP_TIMEOUT_SECONDS);
  self->stop_timeout = 0;
  finish_stop (self);
  return G_SOURCE_REMOVE;
}

static void
begin_stop (TribunaRecorder *self,
            const char      *error_message)
{
  if (self->state == TRIBUNA_RECORDER_STOPPING)
    return;

  g_free (self->stop_error);
  self->stop_error = g_strdup (error_message);
  set_state (self, TRIBUNA_RECORDER_STOPPING);

  /* No new data; what is queued drains into the last segment, then EOS. */
  tribuna_feed_detach (self->feed);
  gst_app_src_end_of_stream (self->video_src);
  gst_app_src_end_of_stream (self->audio_src);
  self->stop_timeout = g_timeout_add_seconds (STOP_TIMEOUT_SECONDS, on_stop_timeout, self);
}

static void
fail (TribunaRecorder *self,
      const char      *message)
{
  g_free (self->stop_error);
  self->stop_error = g_strdup (message);
  tribuna_feed_detach (self->feed);
  finish_stop (self);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TribunaRecorder *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      finish_stop (self);   /* removes this watch */
      break;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;
        g_autofree char *text = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("recorder error from %s: %s", GST_OBJECT_NAME (message->src), debug);
        text = g_strdup_printf ("the recording stopped: %s", error->message);
        fail (self, text);   /* removes this watch */
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* Starting */

static gboolean
check_free_space (TribunaRecorder  *self,
                  GError          **error)
{
  guint64 free_bytes;

  if (!tribuna_archive_query_free_space (self->directory, &free_bytes, error))
    return FALSE;

  set_free_bytes (self, free_bytes);
  if (free_bytes < self->stop_bytes)
    {
      g_autofree char *message = describe_low_space (self, free_bytes);

      g_set_error (error, TRIBUNA_RECORDER_ERROR, TRIBUNA_RECORDER_ERROR_DISK_FULL,
                   "cannot start recording: %s", message);
      return FALSE;
    }

  return TRUE;
}

static GstAppSrc *
make_appsrc (const char *name)
{
  return GST_APP_SRC (gst_element_factory_make ("appsrc", name));
}

static gboolean
link_to_muxer (GstElement *from,
               GstElement *muxer,
               guint       pid)
{
  g_autofree char *pad_name = g_strdup_printf ("sink_%u", pid);
  g_autoptr(GstPad) src = gst_element_get_static_pad (from, "src");
  g_autoptr(GstPad) sink = gst_element_request_pad_simple (muxer, pad_name);

  return sink != NULL && gst_pad_link (src, sink) == GST_PAD_LINK_OK;
}

static gboolean
build_pipeline (TribunaRecorder  *self,
                GError          **error)
{
  GstElement *muxer, *h264parse, *h264caps, *aacparse, *sink;
  g_autoptr(GstCaps) byte_stream = NULL;
  g_autoptr(GstPad) video_in = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = on_muxed_sample };

  muxer = tribuna_make_element ("mpegtsmux", "muxer", error);
  if (muxer == NULL)
    return FALSE;

  self->pipeline = gst_pipeline_new ("recorder");
  self->video_src = g_object_ref (make_appsrc ("video"));
  self->audio_src = g_object_ref (make_appsrc ("audio"));
  h264parse = gst_element_factory_make ("h264parse", NULL);
  h264caps = gst_element_factory_make ("capsfilter", NULL);
  aacparse = gst_element_factory_make ("aacparse", NULL);
  sink = gst_element_factory_make ("appsink", "writer");

  /* Parameter sets at every keyframe, so any segment decodes on its own. */
  g_object_set (h264parse, "config-interval", -1, NULL);
  byte_stream = gst_caps_from_string ("video/x-h264,stream-format=byte-stream,alignment=au");
  g_object_set (h264caps, "caps", byte_stream, NULL);
  /* mpegtsmux pushes each 188-byte packet on its own by default: at 4 Mbit/s,
   * 2700 buffers, appsink callbacks and write()s a second. */
  g_object_set (muxer, "alignment", MUXER_PACKETS_PER_BUFFER, NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, "max-buffers", 0,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);

  self->writer = tribuna_segment_writer_new (self->directory, self->segment_time, VIDEO_PID,
                                             on_writer_event, self);

  /* No queues: each appsrc already pushes from a thread of its own, and its
   * internal queue is where a slow disk is ridden out. */
  gst_bin_add_many (GST_BIN (self->pipeline), GST_ELEMENT (self->video_src), h264parse, h264caps,
                    GST_ELEMENT (self->audio_src), aacparse, muxer, sink, NULL);
  if (!gst_element_link_many (GST_ELEMENT (self->video_src), h264parse, h264caps, NULL)
      || !gst_element_link (GST_ELEMENT (self->audio_src), aacparse)
      || !link_to_muxer (h264caps, muxer, VIDEO_PID)
      || !link_to_muxer (aacparse, muxer, AUDIO_PID)
      || !gst_element_link (muxer, sink))
    {
      g_set_error (error, TRIBUNA_RECORDER_ERROR, TRIBUNA_RECORDER_ERROR_PIPELINE,
                   "cannot build the recorder pipeline");
      return FALSE;
    }

  video_in = gst_element_get_static_pad (h264caps, "src");
  gst_pad_add_probe (video_in, GST_PAD_PROBE_TYPE_BUFFER, on_video_into_muxer, self, NULL);
  return TRUE;
}

gboolean
tribuna_recorder_start (TribunaRecorder  *self,
                        GError          **error)
{
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (!is_running (self), FALSE);

  if (g_mkdir_with_parents (self->directory, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (&local_error, TRIBUNA_RECORDER_ERROR, TRIBUNA_RECORDER_ERROR_DIRECTORY,
                   "cannot create the recording folder %s: %s", self->directory,
                   g_strerror (saved_errno));
      goto failed;
    }

  if (!check_free_space (self, &local_error) || !build_pipeline (self, &local_error))
    goto failed;

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  self->disk_timer = g_timeout_add_seconds (DISK_CHECK_SECONDS, on_disk_check, self);

  set_last_error (self, NULL);
  set_state (self, TRIBUNA_RECORDER_STARTING);
  tribuna_feed_prepare (self->feed, self->video_src, self->audio_src);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (&local_error, TRIBUNA_RECORDER_ERROR, TRIBUNA_RECORDER_ERROR_PIPELINE,
                   "the recorder pipeline cannot start");
      goto failed;
    }
  tribuna_feed_attach (self->feed, self->video_src, self->audio_src);

  return TRUE;

failed:
  if (self->pipeline != NULL)
    finish_stop (self);
  set_last_error (self, local_error->message);
  set_state (self, TRIBUNA_RECORDER_FAILED);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

void
tribuna_recorder_stop_async (TribunaRecorder     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRIBUNA_IS_RECORDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tribuna_recorder_stop_async);

  if (self->pipeline == NULL || self->stop_task != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->stop_task = g_steal_pointer (&task);
  begin_stop (self, NULL);
}

gboolean
tribuna_recorder_stop_finish (TribunaRecorder  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

TribunaRecorderState
tribuna_recorder_get_state (TribunaRecorder *self)
{
  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), TRIBUNA_RECORDER_FAILED);

  return self->state;
}

const char *
tribuna_recorder_get_directory (TribunaRecorder *self)
{
  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), NULL);

  return self->directory;
}

const char *
tribuna_recorder_get_current_file (TribunaRecorder *self)
{
  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), NULL);

  return self->current_file;
}

guint
tribuna_recorder_get_segment_count (TribunaRecorder *self)
{
  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), 0);

  return self->segment_count;
}

guint64
tribuna_recorder_get_free_bytes (TribunaRecorder *self)
{
  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), 0);

  return self->free_bytes;
}

gboolean
tribuna_recorder_get_low_disk (TribunaRecorder *self)
{
  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), FALSE);

  return self->low_disk;
}

const char *
tribuna_recorder_get_last_error (TribunaRecorder *self)
{
  g_return_val_if_fail (TRIBUNA_IS_RECORDER (self), NULL);

  return self->last_error;
}
