/* tribuna-destination.c: one RTMP/RTMPS output that fails alone and comes back by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   appsrc video ─► h264parse ─┐
 *                              ├─► flvmux ─► rtmp2sink
 *   appsrc audio ─► aacparse ──┘
 *
 * Each destination owns a pipeline of its own, fed by a lossy TribunaFeed. When
 * the connection fails the whole pipeline is thrown away (in a worker thread:
 * a wedged socket may take time to let go) and a new one is built after a
 * backoff delay; the feed restarts it at a fresh keyframe, and flvmux sends
 * the sequence headers from the caps, so the server sees a clean new publish.
 *
 *            ┌──────────── dropped / wedged / unreachable ────────────┐
 *            ▼                                                        │
 *   idle ─► connecting ─► live ─► reconnecting ─► live ─► … ─► stopped
 *               │                      │
 *               └─► rejected / failed ◄┘   (publish refused, TLS, no retry)
 */
#define G_LOG_DOMAIN "tribuna-destination"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tribuna-backoff.h"
#include "tribuna-destination.h"
#include "tribuna-elements.h"

/* Retry schedule: 2 s, ×1.5, never more than 4 s apart, so a server that comes
 * back is streamed to again within 5 s; jitter only ever shortens a delay. A
 * refused connection costs the server one SYN, so a short cap is cheap. */
#define BACKOFF_INITIAL_MS 2000
#define BACKOFF_FACTOR     1.5
#define BACKOFF_MAX_MS     4000
#define BACKOFF_JITTER     0.2

/* How long flvmux waits for the other stream before it writes a tag (see build_pipeline):
 * more than sound and picture can be apart on their way from the program. */
#define MUX_LATENCY        (G_GUINT64_CONSTANT (300) * GST_MSECOND)
#define RTMP_CHUNK_SIZE    4096

/* A publish the server closes before any media flowed, twice in a row, is a
 * refusal (wrong key, name in use): nginx-rtmp just hangs up, others send an
 * error status first. Retrying harder would not help. */
#define REJECTIONS_BEFORE_GIVING_UP 2
#define REJECTION_RETRY_MS          1000

/* Media reaches the server once this much beyond the handshake was sent, and
 * kept flowing over this many statistics ticks: a keyframe can be written into
 * the socket before a refusing server hangs up, so one tick proves nothing. */
#define PROVEN_BYTES       (32 * 1024)
#define PROVEN_TICKS       2

/* Wedge detection (see check_wedge ()). */
#define STALL_SECONDS       5
#define ACK_GRACE_SECONDS   3

#define STATS_INTERVAL_MS 1000
#define STOP_TIMEOUT      (2 * GST_SECOND)

struct _TribunaDestination
{
  GObject                  parent_instance;

  /* Settings */
  char                    *name;
  TribunaRtmpUrl          *url;
  char                    *masked_url;
  gboolean                 tls_verify;
  TribunaFeed             *feed;
  TribunaBackoff          *backoff;

  /* The current connection */
  GstElement              *pipeline;
  GstElement              *sink;
  guint                    bus_watch;
  guint                    stats_timer;
  guint                    retry_timer;
  gboolean                 proven;
  guint                    flowing_ticks;
  guint64                  last_total;
  guint64                  last_acked;
  gint64                   last_total_change_us;
  gint64                   last_ack_change_us;
  gint64                   ack_due_since_us;
  gint64                   live_since_us;

  /* State, as properties */
  TribunaDestinationState  state;
  gboolean                 wanted;
  gboolean                 ever_live;
  guint                    early_rejections;
  guint                    attempts;
  guint                    reconnects;
  guint                    sent_kbps;
  guint                    acked_kbps;
  char                    *last_error;
};

G_DEFINE_FINAL_TYPE (TribunaDestination, tribuna_destination, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_MASKED_URL,
  PROP_STATE,
  PROP_WANTED,
  PROP_ATTEMPTS,
  PROP_RECONNECTS,
  PROP_SENT_KBPS,
  PROP_ACKED_KBPS,
  PROP_LIVE_SECONDS,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_now (TribunaDestination *self);

GType
tribuna_destination_state_get_type (void)
{
  static gsize type_id;
  static const GEnumValue values[] = {
    { TRIBUNA_DESTINATION_IDLE, "TRIBUNA_DESTINATION_IDLE", "idle" },
    { TRIBUNA_DESTINATION_CONNECTING, "TRIBUNA_DESTINATION_CONNECTING", "connecting" },
    { TRIBUNA_DESTINATION_LIVE, "TRIBUNA_DESTINATION_LIVE", "live" },
    { TRIBUNA_DESTINATION_RECONNECTING, "TRIBUNA_DESTINATION_RECONNECTING", "reconnecting" },
    { TRIBUNA_DESTINATION_STOPPED, "TRIBUNA_DESTINATION_STOPPED", "stopped" },
    { TRIBUNA_DESTINATION_FAILED, "TRIBUNA_DESTINATION_FAILED", "failed" },
    { TRIBUNA_DESTINATION_REJECTED, "TRIBUNA_DESTINATION_REJECTED", "rejected" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaDestinationState", values));

  return type_id;
}

const char *
tribuna_destination_state_to_string (TribunaDestinationState state)
{
  GEnumClass *klass = g_type_class_ref (TRIBUNA_TYPE_DESTINATION_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value ? value->value_nick : "unknown";
}

static void
notify (TribunaDestination *self,
        guint               prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint (TribunaDestination *self,
          guint              *field,
          guint               value,
          guint               prop_id)
{
  if (*field == value)
    return;

  *field = value;
  notify (self, prop_id);
}

/* The error goes out before the state, so whoever reacts to the new state can
 * already say why. Nothing the server or GStreamer wrote reaches it unredacted. */
static void
set_last_error (TribunaDestination *self,
                const char         *message)
{
  g_autofree char *redacted = message ? tribuna_redact (message, self->url->key) : NULL;

  if (g_strcmp0 (self->last_error, redacted) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_steal_pointer (&redacted);
  notify (self, PROP_LAST_ERROR);
}

static void
set_state (TribunaDestination      *self,
           TribunaDestinationState  state)
{
  if (self->state == state)
    return;

  g_debug ("destination %s: %s → %s", self->name, tribuna_destination_state_to_string (self->state),
           tribuna_destination_state_to_string (state));
  self->state = state;
  notify (self, PROP_STATE);
}

/* Tearing a connection down */

static void
release_pipeline_in_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  GstElement *pipeline = task_data;
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = NULL;

  /* A clean unpublish when the server still listens; a bounded wait when not. */
  message = gst_bus_timed_pop_filtered (bus, STOP_TIMEOUT, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("a destination pipeline did not stop cleanly");
  gst_bus_set_flushing (bus, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
release_pipeline (TribunaDestination *self,
                  gboolean            graceful)
{
  g_autoptr(GTask) task = NULL;
  GstElement *pipeline = g_steal_pointer (&self->pipeline);

  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_handle_id (&self->stats_timer, g_source_remove);
  g_clear_object (&self->sink);
  tribuna_feed_detach (self->feed);

  if (pipeline == NULL)
    return;

  if (graceful)
    gst_element_send_event (pipeline, gst_event_new_eos ());

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, release_pipeline);
  g_task_set_task_data (task, pipeline, gst_object_unref);
  if (!graceful)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);

      gst_bus_set_flushing (bus, TRUE);
    }
  g_task_run_in_thread (task, release_pipeline_in_thread);
}

/* Failures */

typedef enum {
  FAILURE_UNREACHABLE,   /* retry with backoff for as long as wanted */
  FAILURE_REFUSED,       /* the publish itself was refused */
  FAILURE_TLS,           /* certificate not accepted: retrying cannot help */
} FailureKind;

static gboolean
contains_word (const char *text,
               const char *word)
{
  g_autofree char *lower = text ? g_ascii_strdown (text, -1) : NULL;

  return lower != NULL && strstr (lower, word) != NULL;
}

/* Whether a GStreamer error's debug text names this GIO error, as rtmp2sink
 * reports the GError it got: "domain g-io-error-quark, code N". */
static gboolean
names_io_error (const char   *debug,
                GIOErrorEnum  code)
{
  g_autofree char *needle = g_strdup_printf ("domain g-io-error-quark, code %d", code);

  return debug != NULL && strstr (debug, needle) != NULL;
}

static FailureKind
classify_failure (TribunaDestination *self,
                  const GError       *error,
                  const char         *debug)
{
  if (contains_word (debug, "g-tls-error") || contains_word (error->message, "tls")
      || contains_word (error->message, "certificate"))
    return FAILURE_TLS;

  /* Hung up on before any media flowed, or an explicit refusal from the server. */
  if (contains_word (error->message, "publish") || contains_word (error->message, "rejected")
      || contains_word (error->message, "netstream") || contains_word (error->message, "auth"))
    return FAILURE_REFUSED;
  /* rtmp2sink words a hang-up differently depending on whether it was reading
   * ("closed remotely") or writing ("broken pipe") when it came; GIO gives both
   * the same code, which the debug text carries. */
  if (!self->proven && (contains_word (error->message, "closed remotely")
                        || contains_word (error->message, "broken pipe")
                        || names_io_error (debug, G_IO_ERROR_CONNECTION_CLOSED)))
    return FAILURE_REFUSED;

  return FAILURE_UNREACHABLE;
}

static gboolean
on_retry (gpointer user_data)
{
  TribunaDestination *self = user_data;

  self->retry_timer = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (TribunaDestination *self,
                guint               delay_ms)
{
  g_clear_handle_id (&self->retry_timer, g_source_remove);
  self->retry_timer = g_timeout_add (delay_ms, on_retry, self);
}

static void
give_up (TribunaDestination      *self,
         TribunaDestinationState  state,
         const char              *message)
{
  self->wanted = FALSE;
  notify (self, PROP_WANTED);
  set_last_error (self, message);
  set_state (self, state);
}

static void
handle_failure (TribunaDestination *self,
                const GError       *error,
                const char         *debug)
{
  FailureKind kind = classify_failure (self, error, debug);
  gboolean was_live = self->state == TRIBUNA_DESTINATION_LIVE;
  g_autofree char *message = NULL;

  release_pipeline (self, FALSE);
  set_uint (self, &self->sent_kbps, 0, PROP_SENT_KBPS);
  set_uint (self, &self->acked_kbps, 0, PROP_ACKED_KBPS);

  switch (kind)
    {
    case FAILURE_TLS:
      message = g_strdup_printf ("the TLS certificate of %s was not accepted (%s); "
                                 "tls-verify=false is only for lab servers",
                                 self->url->host, error->message);
      give_up (self, TRIBUNA_DESTINATION_FAILED, message);
      return;

    case FAILURE_REFUSED:
      if (++self->early_rejections >= REJECTIONS_BEFORE_GIVING_UP)
        {
          message = g_strdup_printf ("the server refused the stream: check the stream key, and "
                                     "that nothing else is streaming with it (%s)", error->message);
          give_up (self, TRIBUNA_DESTINATION_REJECTED, message);
          return;
        }
      set_last_error (self, error->message);
      set_state (self, self->ever_live ? TRIBUNA_DESTINATION_RECONNECTING
                                       : TRIBUNA_DESTINATION_CONNECTING);
      schedule_retry (self, REJECTION_RETRY_MS);
      return;

    case FAILURE_UNREACHABLE:
    default:
      message = g_strdup_printf ("%s%s", was_live ? "lost the server: " : "", error->message);
      set_last_error (self, message);
      set_state (self, self->ever_live ? TRIBUNA_DESTINATION_RECONNECTING
                                       : TRIBUNA_DESTINATION_CONNECTING);
      schedule_retry (self, tribuna_backoff_next_ms (self->backoff));
      return;
    }
}

static void
handle_failure_message (TribunaDestination *self,
                        const char         *message)
{
  g_autoptr(GError) error = g_error_new_literal (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
                                                 message);

  handle_failure (self, error, NULL);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TribunaDestination *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("destination %s: %s", self->name, debug);
        handle_failure (self, error, debug);   /* removes this watch */
      }
      break;

    case GST_MESSAGE_EOS:
      handle_failure_message (self, "the stream ended");
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* Health, from rtmp2sink's statistics, once a second */

static void
go_live (TribunaDestination *self,
         gint64              now)
{
  self->proven = TRUE;
  self->live_since_us = now;
  self->early_rejections = 0;
  tribuna_backoff_reset (self->backoff);
  if (self->ever_live)
    set_uint (self, &self->reconnects, self->reconnects + 1, PROP_RECONNECTS);
  self->ever_live = TRUE;
  set_last_error (self, NULL);
  set_state (self, TRIBUNA_DESTINATION_LIVE);
}

/* A server that stops reading raises no error: TCP just stops moving. Two signs:
 * nothing more could be written for STALL_SECONDS (the socket is full), or the
 * server owes us an acknowledgement (it acks every window-size bytes it reads)
 * and ACK_GRACE_SECONDS have passed. With nginx's 5 MB window at 4 Mbit/s that
 * is ~13 s from the freeze at worst; at lower bitrates the stall rule decides. */
static const char *
check_wedge (TribunaDestination *self,
             guint64             total,
             guint64             acked,
             guint64             window,
             gint64              now)
{
  if (now - self->last_total_change_us >= STALL_SECONDS * G_USEC_PER_SEC)
    return "the server stopped reading (nothing could be sent for 5 s)";

  if (window > 0 && total - acked > window)
    {
      if (self->ack_due_since_us == 0)
        self->ack_due_since_us = now;
      else if (now - self->ack_due_since_us >= ACK_GRACE_SECONDS * G_USEC_PER_SEC)
        return "the server stopped acknowledging what it received";
    }
  else
    self->ack_due_since_us = 0;

  return NULL;
}

static void
update_rates (TribunaDestination *self,
              guint64             total,
              guint64             acked,
              gint64              now)
{
  if (total != self->last_total)
    {
      guint64 delta = total > self->last_total ? total - self->last_total : 0;
      guint64 elapsed_us = MAX (now - self->last_total_change_us, 1);

      set_uint (self, &self->sent_kbps, (guint) (delta * 8 * 1000 / elapsed_us), PROP_SENT_KBPS);
      self->last_total = total;
      self->last_total_change_us = now;
    }

  if (acked != self->last_acked)
    {
      guint64 delta = acked > self->last_acked ? acked - self->last_acked : 0;
      guint64 elapsed_us = MAX (now - self->last_ack_change_us, 1);

      /* Acks come once per window, so this rate is an average over the window. */
      if (self->last_acked > 0)
        set_uint (self, &self->acked_kbps, (guint) (delta * 8 * 1000 / elapsed_us),
                  PROP_ACKED_KBPS);
      self->last_acked = acked;
      self->last_ack_change_us = now;
      self->ack_due_since_us = 0;
    }
}

static gboolean
on_stats (gpointer user_data)
{
  TribunaDestination *self = user_data;
  g_autoptr(GstStructure) stats = NULL;
  guint64 total = 0, acked = 0;
  guint window = 0;
  gint64 now = g_get_monotonic_time ();
  const char *wedge;

  g_object_get (self->sink, "stats", &stats, NULL);
  if (stats == NULL)
    return G_SOURCE_CONTINUE;

  gst_structure_get_uint64 (stats, "out-bytes-total", &total);
  gst_structure_get_uint64 (stats, "out-bytes-acked", &acked);
  gst_structure_get_uint (stats, "out-window-ack-size", &window);

  if (self->state != TRIBUNA_DESTINATION_LIVE)
    {
      self->flowing_ticks = total > self->last_total ? self->flowing_ticks + 1 : 0;
      update_rates (self, total, acked, now);
      if (self->flowing_ticks >= PROVEN_TICKS && total >= PROVEN_BYTES)
        go_live (self, now);
      return G_SOURCE_CONTINUE;
    }

  update_rates (self, total, acked, now);
  notify (self, PROP_LIVE_SECONDS);

  wedge = check_wedge (self, total, acked, window, now);
  if (wedge != NULL)
    {
      self->stats_timer = 0;
      handle_failure_message (self, wedge);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* Connecting */

static gboolean
build_pipeline (TribunaDestination  *self,
                GstAppSrc          **video_src,
                GstAppSrc          **audio_src,
                GError             **error)
{
  GstElement *video, *audio, *h264parse, *aacparse, *mux, *sink;
  g_autofree char *location = NULL;

  sink = tribuna_make_element ("rtmp2sink", "sink", error);
  if (sink == NULL)
    return FALSE;
  mux = tribuna_make_element ("flvmux", "mux", error);
  if (mux == NULL)
    {
      gst_object_unref (gst_object_ref_sink (sink));
      return FALSE;
    }

  self->pipeline = gst_pipeline_new (self->name);
  video = gst_element_factory_make ("appsrc", "video");
  audio = gst_element_factory_make ("appsrc", "audio");
  h264parse = gst_element_factory_make ("h264parse", NULL);
  aacparse = gst_element_factory_make ("aacparse", NULL);

  location = tribuna_rtmp_url_to_location (self->url);
  /* flvmux is a live aggregator: with no latency of its own it writes whatever has
   * arrived when its deadline passes, and sound (a short path) arrives before the picture
   * of the same instant (through the mixer and x264). A video tag older than the sound
   * already written is then stamped forward to keep the FLV in order: the server saw
   * frames 33 +/- 10-15 ms apart. Waiting this long lets it interleave by timestamp. */
  g_object_set (mux, "streamable", TRUE, "latency", MUX_LATENCY, NULL);
  /* The feed's timestamps are already real time; the sink must not wait on a
   * clock that started with this pipeline. RTMP's default 128-byte chunks cut a
   * 4 Mbit/s stream into ~4000 chunks a second, each with a header to write and
   * for the server to parse; 4096 (what OBS asks for, and YouTube, Facebook and
   * nginx-rtmp accept) cut tribunad's CPU with three destinations at 1080p by
   * 2.5 % (median of five interleaved runs each). */
  g_object_set (sink, "location", location, "async-connect", TRUE, "sync", FALSE,
                "chunk-size", RTMP_CHUNK_SIZE,
                "tls-validation-flags",
                self->tls_verify ? G_TLS_CERTIFICATE_VALIDATE_ALL : G_TLS_CERTIFICATE_NO_FLAGS,
                NULL);

  /* No queues: each appsrc already pushes from a thread of its own, and its
   * leaky internal queue is the only buffer an output needs. */
  gst_bin_add_many (GST_BIN (self->pipeline), video, h264parse, audio, aacparse, mux, sink, NULL);
  if (!gst_element_link_many (video, h264parse, mux, NULL)
      || !gst_element_link_many (audio, aacparse, mux, NULL)
      || !gst_element_link (mux, sink))
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                   "cannot build the pipeline for destination %s", self->name);
      return FALSE;
    }

  self->sink = g_object_ref (sink);
  *video_src = GST_APP_SRC (video);
  *audio_src = GST_APP_SRC (audio);
  return TRUE;
}

static void
connect_now (TribunaDestination *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstAppSrc *video_src = NULL, *audio_src = NULL;
  gint64 now = g_get_monotonic_time ();

  g_assert (self->pipeline == NULL);

  set_uint (self, &self->attempts, self->attempts + 1, PROP_ATTEMPTS);
  self->proven = FALSE;
  self->flowing_ticks = 0;
  self->last_total = 0;
  self->last_acked = 0;
  self->last_total_change_us = now;
  self->last_ack_change_us = now;
  self->ack_due_since_us = 0;

  if (!build_pipeline (self, &video_src, &audio_src, &error))
    {
      g_clear_object (&self->sink);
      gst_clear_object (&self->pipeline);
      give_up (self, TRIBUNA_DESTINATION_FAILED, error->message);
      return;
    }

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  self->stats_timer = g_timeout_add (STATS_INTERVAL_MS, on_stats, self);

  tribuna_feed_prepare (self->feed, video_src, audio_src);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        {
          g_autofree char *debug = NULL;

          gst_message_parse_error (message, &error, &debug);
          handle_failure (self, error, debug);
        }
      else
        handle_failure_message (self, "the stream pipeline cannot start");
      return;
    }

  tribuna_feed_attach (self->feed, video_src, audio_src);
}

/* GObject */

static void
tribuna_destination_dispose (GObject *object)
{
  TribunaDestination *self = (TribunaDestination *)object;

  g_clear_handle_id (&self->retry_timer, g_source_remove);
  release_pipeline (self, FALSE);

  G_OBJECT_CLASS (tribuna_destination_parent_class)->dispose (object);
}

static void
tribuna_destination_finalize (GObject *object)
{
  TribunaDestination *self = (TribunaDestination *)object;

  g_clear_object (&self->feed);
  g_clear_pointer (&self->backoff, tribuna_backoff_free);
  g_clear_pointer (&self->url, tribuna_rtmp_url_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->masked_url, g_free);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (tribuna_destination_parent_class)->finalize (object);
}

static void
tribuna_destination_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TribunaDestination *self = TRIBUNA_DESTINATION (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_MASKED_URL:
      g_value_set_string (value, self->masked_url);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_WANTED:
      g_value_set_boolean (value, self->wanted);
      break;

    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->attempts);
      break;

    case PROP_RECONNECTS:
      g_value_set_uint (value, self->reconnects);
      break;

    case PROP_SENT_KBPS:
      g_value_set_uint (value, self->sent_kbps);
      break;

    case PROP_ACKED_KBPS:
      g_value_set_uint (value, self->acked_kbps);
      break;

    case PROP_LIVE_SECONDS:
      g_value_set_int64 (value, tribuna_destination_get_live_seconds (self));
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_destination_class_init (TribunaDestinationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tribuna_destination_dispose;
  object_class->finalize = tribuna_destination_finalize;
  object_class->get_property = tribuna_destination_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_MASKED_URL] = g_param_spec_string ("masked-url", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, TRIBUNA_TYPE_DESTINATION_STATE,
                                              TRIBUNA_DESTINATION_IDLE, flags);
  properties[PROP_WANTED] = g_param_spec_boolean ("wanted", NULL, NULL, FALSE, flags);
  properties[PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_RECONNECTS] = g_param_spec_uint ("reconnects", NULL, NULL, 0, G_MAXUINT, 0,
                                                   flags);
  properties[PROP_SENT_KBPS] = g_param_spec_uint ("sent-kbps", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ACKED_KBPS] = g_param_spec_uint ("acked-kbps", NULL, NULL, 0, G_MAXUINT, 0,
                                                   flags);
  properties[PROP_LIVE_SECONDS] = g_param_spec_int64 ("live-seconds", NULL, NULL, 0, G_MAXINT64, 0,
                                                      flags);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tribuna_destination_init (TribunaDestination *self)
{
  self->backoff = tribuna_backoff_new (BACKOFF_INITIAL_MS, BACKOFF_FACTOR, BACKOFF_MAX_MS,
                                       BACKOFF_JITTER);
}

TribunaDestination *
tribuna_destination_new (const char           *name,
                         const TribunaRtmpUrl *url,
                         gboolean              tls_verify,
                         TribunaFeed          *feed)
{
  TribunaDestination *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (TRIBUNA_IS_FEED (feed), NULL);

  self = g_object_new (TRIBUNA_TYPE_DESTINATION, NULL);
  self->name = g_strdup (name);
  self->url = tribuna_rtmp_url_copy (url);
  self->masked_url = tribuna_rtmp_url_to_masked (url);
  self->tls_verify = tls_verify;
  self->feed = g_object_ref (feed);

  return self;
}

void
tribuna_destination_start (TribunaDestination *self)
{
  g_return_if_fail (TRIBUNA_IS_DESTINATION (self));

  if (self->wanted)
    return;

  if (!self->tls_verify && tribuna_rtmp_url_is_tls (self->url))
    g_warning ("destination %s: TLS certificate checks are off (tls-verify=false); "
               "use this only with a lab server", self->name);

  self->wanted = TRUE;
  self->ever_live = FALSE;
  self->early_rejections = 0;
  tribuna_backoff_reset (self->backoff);
  notify (self, PROP_WANTED);
  set_last_error (self, NULL);
  set_state (self, TRIBUNA_DESTINATION_CONNECTING);
  connect_now (self);
}

void
tribuna_destination_stop (TribunaDestination *self)
{
  g_return_if_fail (TRIBUNA_IS_DESTINATION (self));

  g_clear_handle_id (&self->retry_timer, g_source_remove);
  release_pipeline (self, TRUE);
  set_uint (self, &self->sent_kbps, 0, PROP_SENT_KBPS);
  set_uint (self, &self->acked_kbps, 0, PROP_ACKED_KBPS);

  if (self->wanted)
    {
      self->wanted = FALSE;
      notify (self, PROP_WANTED);
    }
  if (self->state != TRIBUNA_DESTINATION_IDLE && self->state != TRIBUNA_DESTINATION_FAILED
      && self->state != TRIBUNA_DESTINATION_REJECTED)
    set_state (self, TRIBUNA_DESTINATION_STOPPED);
}

const char *
tribuna_destination_get_name (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), NULL);

  return self->name;
}

const char *
tribuna_destination_get_masked_url (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), NULL);

  return self->masked_url;
}

TribunaDestinationState
tribuna_destination_get_state (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), TRIBUNA_DESTINATION_FAILED);

  return self->state;
}

gboolean
tribuna_destination_get_wanted (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), FALSE);

  return self->wanted;
}

guint
tribuna_destination_get_reconnects (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), 0);

  return self->reconnects;
}

guint
tribuna_destination_get_attempts (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), 0);

  return self->attempts;
}

guint
tribuna_destination_get_sent_kbps (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), 0);

  return self->sent_kbps;
}

guint
tribuna_destination_get_acked_kbps (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), 0);

  return self->acked_kbps;
}

gint64
tribuna_destination_get_live_seconds (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), 0);

  if (self->state != TRIBUNA_DESTINATION_LIVE)
    return 0;

  return (g_get_monotonic_time () - self->live_since_us) / G_USEC_PER_SEC;
}

const char *
tribuna_destination_get_last_error (TribunaDestination *self)
{
  g_return_val_if_fail (TRIBUNA_IS_DESTINATION (self), NULL);

  return self->last_error;
}
