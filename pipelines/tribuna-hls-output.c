/* tribuna-hls-output.c: the appliance's own live stream (HLS), for its public page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   appsrc video ─► h264parse ─► queue ─┐
 *                                       ├─► hlssink2 ─► DIR/index.m3u8, DIR/RUN-00000.ts …
 *   appsrc audio ─► aacparse ──► queue ─┘
 *
 * Like a destination, a pipeline of its own fed by a lossy TribunaFeed: it costs no
 * encode, and whatever happens to it (a full disk, a deleted folder) stays here. It is
 * simpler than a destination because its "server" is a folder: an error or a stall
 * throws the pipeline away, empties the folder and builds a new one after a short wait.
 *
 * Every build is a new run with its own segment names (RUN is a millisecond stamp), in
 * an emptied folder: a player or a cache can never mix segments of two runs, and what a
 * stop removed can never come back under an old name. The playlist is replaced by a
 * rename, so it is only ever read whole; a segment is written under its final name, so
 * is_servable_segment() keeps to the segments the playlist has listed.
 *
 *   idle ─► starting ─► live ─► restarting ─► starting ─► live … ─► stopped
 *              └──────────┴──────► failed (hlssink2 missing: no retry)
 */
#define G_LOG_DOMAIN "tribuna-hls"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tribuna-backoff.h"
#include "tribuna-elements.h"
#include "tribuna-hls-output.h"

#define DEFAULT_TARGET_DURATION 2
#define DEFAULT_PLAYLIST_LENGTH 6

/* Segments stay on disk for as long again as the playlist lists them: a slow phone that
 * read the playlist just before it moved on can still fetch the oldest one. */
#define KEPT_PLAYLISTS          2

/* A folder that cannot be written, or a muxer that fails, is tried again soon: the live
 * page is down while this waits. */
#define BACKOFF_INITIAL_MS      1000
#define BACKOFF_FACTOR          2.0
#define BACKOFF_MAX_MS          8000
#define BACKOFF_JITTER          0.2

/* No new segment for this many target durations (and at least STALL_MIN_SECONDS) while
 * the program runs means the output is stuck: rebuilt, never left serving a dead playlist. */
#define STALL_DURATIONS         4
#define STALL_MIN_SECONDS       10
#define WATCH_INTERVAL_MS       1000

struct _TribunaHlsOutput
{
  GObject           parent_instance;

  /* Settings */
  char             *directory;
  char             *playlist_file;
  TribunaFeed      *feed;
  TribunaBackoff   *backoff;
  guint             target_duration;
  guint             playlist_length;
  GstClockTime      not_before;

  /* The current run */
  GstElement       *pipeline;
  guint             bus_watch;
  guint             watch_timer;
  guint             retry_timer;
  gint64            run;
  char             *run_prefix;         /* "RUN-" */
  gint64            last_progress_us;

  /* State, as properties */
  TribunaHlsState   state;
  gboolean          wanted;
  guint             segments;           /* closed in this run */
  guint             restarts;
  char             *last_error;
};

G_DEFINE_FINAL_TYPE (TribunaHlsOutput, tribuna_hls_output, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_STATE,
  PROP_WANTED,
  PROP_PLAYLIST_PATH,
  PROP_LAST_ERROR,
  PROP_TARGET_DURATION,
  PROP_SEGMENTS,
  PROP_RESTARTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void build_and_play (TribunaHlsOutput *self);

GType
tribuna_hls_state_get_type (void)
{
  static gsize type_id;
  static const GEnumValue values[] = {
    { TRIBUNA_HLS_IDLE, "TRIBUNA_HLS_IDLE", "idle" },
    { TRIBUNA_HLS_STARTING, "TRIBUNA_HLS_STARTING", "starting" },
    { TRIBUNA_HLS_LIVE, "TRIBUNA_HLS_LIVE", "live" },
    { TRIBUNA_HLS_RESTARTING, "TRIBUNA_HLS_RESTARTING", "restarting" },
    { TRIBUNA_HLS_STOPPED, "TRIBUNA_HLS_STOPPED", "stopped" },
    { TRIBUNA_HLS_FAILED, "TRIBUNA_HLS_FAILED", "failed" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaHlsState", values));

  return type_id;
}

const char *
tribuna_hls_state_to_string (TribunaHlsState state)
{
  GEnumClass *klass = g_type_class_ref (TRIBUNA_TYPE_HLS_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value ? value->value_nick : "unknown";
}

static void
notify (TribunaHlsOutput *self,
        guint             prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_last_error (TribunaHlsOutput *self,
                const char       *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  notify (self, PROP_LAST_ERROR);
}

static void
set_state (TribunaHlsOutput *self,
           TribunaHlsState   state)
{
  gboolean was_live = self->state == TRIBUNA_HLS_LIVE;

  if (self->state == state)
    return;

  g_debug ("hls: %s → %s", tribuna_hls_state_to_string (self->state),
           tribuna_hls_state_to_string (state));
  self->state = state;
  notify (self, PROP_STATE);
  if (was_live || state == TRIBUNA_HLS_LIVE)
    notify (self, PROP_PLAYLIST_PATH);
}

static void
set_segments (TribunaHlsOutput *self,
              guint             segments)
{
  if (self->segments == segments)
    return;

  self->segments = segments;
  notify (self, PROP_SEGMENTS);
}

static guint
max_files (TribunaHlsOutput *self)
{
  return self->playlist_length * KEPT_PLAYLISTS;
}

/* The folder */

/* Everything in the folder goes (it is ours alone), but nothing below it: a stray
 * sub-folder or a symbolic link to one is not ours to follow. */
static void
clear_directory (TribunaHlsOutput *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->directory, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      GStatBuf info;

      if (g_lstat (path, &info) != 0 || S_ISDIR (info.st_mode))
        continue;
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("hls: cannot remove %s: %s", path, g_strerror (errno));
    }
}

/* Tearing a run down */

static void
release_pipeline (TribunaHlsOutput *self)
{
  g_autoptr(GstElement) pipeline = g_steal_pointer (&self->pipeline);
  g_autoptr(GstBus) bus = NULL;

  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_handle_id (&self->watch_timer, g_source_remove);
  /* First: from here on the program hands this output nothing more. */
  tribuna_feed_detach (self->feed);

  if (pipeline == NULL)
    return;

  /* Files only, no sockets: stopping is quick, so it is done here and now, and the
   * caller can empty the folder knowing nothing writes to it any more. */
  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("hls: the pipeline did not stop cleanly");
  gst_bus_set_flushing (bus, TRUE);
}

static void
end_run (TribunaHlsOutput *self)
{
  release_pipeline (self);
  clear_directory (self);
  set_segments (self, 0);
  g_clear_pointer (&self->run_prefix, g_free);
}

/* Failures */

static gboolean
on_retry (gpointer user_data)
{
  TribunaHlsOutput *self = user_data;

  self->retry_timer = 0;
  build_and_play (self);
  return G_SOURCE_REMOVE;
}

static void
restart_later (TribunaHlsOutput *self,
               const char       *message)
{
  g_message ("hls: %s; starting again", message);
  end_run (self);
  set_last_error (self, message);
  self->restarts++;
  notify (self, PROP_RESTARTS);
  set_state (self, TRIBUNA_HLS_RESTARTING);
  g_clear_handle_id (&self->retry_timer, g_source_remove);
  self->retry_timer = g_timeout_add (tribuna_backoff_next_ms (self->backoff), on_retry, self);
}

static void
give_up (TribunaHlsOutput *self,
         const char       *message)
{
  g_warning ("hls: %s", message);
  end_run (self);
  self->wanted = FALSE;
  notify (self, PROP_WANTED);
  set_last_error (self, message);
  set_state (self, TRIBUNA_HLS_FAILED);
}

/* The bus and the watchdog, on the main context */

static void
segment_closed (TribunaHlsOutput *self)
{
  /* hlssink2 has rewritten the playlist before this message reaches us, so the segment
   * is listed by the time it counts as servable. */
  self->last_progress_us = g_get_monotonic_time ();
  set_segments (self, self->segments + 1);
  if (self->state != TRIBUNA_HLS_LIVE)
    {
      tribuna_backoff_reset (self->backoff);
      set_last_error (self, NULL);
      set_state (self, TRIBUNA_HLS_LIVE);
    }
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TribunaHlsOutput *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (message, "splitmuxsink-fragment-closed"))
        segment_closed (self);
      break;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;
        g_autofree char *text = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("hls error from %s: %s", GST_OBJECT_NAME (message->src), debug);
        text = g_strdup_printf ("the live stream failed: %s", error->message);
        self->bus_watch = 0;
        restart_later (self, text);
        return G_SOURCE_REMOVE;
      }

    case GST_MESSAGE_EOS:
      /* The program ended its feed (it stopped or restarts): whoever stopped it decides
       * whether the live stream goes on. */
      self->bus_watch = 0;
      restart_later (self, "the program ended");
      return G_SOURCE_REMOVE;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_watch (gpointer user_data)
{
  TribunaHlsOutput *self = user_data;
  gint64 limit_s = MAX (STALL_DURATIONS * (gint64) self->target_duration, STALL_MIN_SECONDS);
  g_autofree char *message = NULL;

  if (g_get_monotonic_time () - self->last_progress_us < limit_s * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  message = g_strdup_printf ("no new segment for %" G_GINT64_FORMAT " s", limit_s);
  self->watch_timer = 0;
  restart_later (self, message);
  return G_SOURCE_REMOVE;
}

/* Building a run */

/* hlssink2 asks for each file it writes, from its streaming thread: nothing here touches
 * what the main context owns. A folder that vanished (someone cleaned the data directory)
 * is made again, so the stream goes on without a restart; a segment that is already gone
 * when hlssink2 retires it is no error either. Once the pipeline is stopped nothing calls
 * these, so nothing can appear in the folder after a stop emptied it. */
static GOutputStream *
open_file (GstElement *sink,
           const char *location,
           gpointer    user_data)
{
  g_autoptr(GFile) file = g_file_new_for_path (location);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;
  GFileOutputStream *stream;

  if (!g_file_make_directory_with_parents (parent, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_debug ("hls: cannot make %s again: %s", g_file_peek_path (parent), error->message);

  /* An existing file (the playlist) is replaced by a rename: a reader sees one whole. */
  g_clear_error (&error);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, &error);
  if (stream == NULL)
    g_debug ("hls: cannot write %s: %s", location, error->message);   /* hlssink2 posts it */

  return (GOutputStream *) stream;
}

static void
delete_file (GstElement *sink,
             const char *location,
             gpointer    user_data)
{
  if (g_unlink (location) != 0 && errno != ENOENT)
    g_debug ("hls: cannot remove %s: %s", location, g_strerror (errno));
}

static gboolean
link_to_sink (GstElement *from,
              GstElement *sink,
              const char *pad_name)
{
  g_autoptr(GstPad) src = gst_element_get_static_pad (from, "src");
  g_autoptr(GstPad) pad = gst_element_request_pad_simple (sink, pad_name);

  return pad != NULL && gst_pad_link (src, pad) == GST_PAD_LINK_OK;
}

static void
new_run (TribunaHlsOutput *self)
{
  gint64 now_ms = g_get_real_time () / 1000;

  /* Never the same name twice, even for two runs in one millisecond. */
  self->run = MAX (now_ms, self->run + 1);
  g_free (self->run_prefix);
  self->run_prefix = g_strdup_printf ("%" G_GINT64_FORMAT "-", self->run);
}

static gboolean
build_pipeline (TribunaHlsOutput  *self,
                GstAppSrc        **video_src,
                GstAppSrc        **audio_src,
                GError           **error)
{
  GstElement *sink, *video, *audio, *h264parse, *aacparse, *vqueue, *aqueue;
  g_autofree char *location = NULL;

  sink = tribuna_make_element ("hlssink2", "hls", error);
  if (sink == NULL)
    return FALSE;

  new_run (self);
  location = g_strdup_printf ("%s/%s%%05d.ts", self->directory, self->run_prefix);
  g_object_set (sink,
                "location", location,
                "playlist-location", self->playlist_file,
                "target-duration", self->target_duration,
                "playlist-length", self->playlist_length,
                "max-files", max_files (self),
                /* Keyframe requests would stop at our appsrc; the program makes one every
                 * keyframe-interval seconds, and the target duration follows it. */
                "send-keyframe-requests", FALSE,
                NULL);
  g_signal_connect (sink, "get-playlist-stream", G_CALLBACK (open_file), NULL);
  g_signal_connect (sink, "get-fragment-stream", G_CALLBACK (open_file), NULL);
  g_signal_connect (sink, "delete-fragment", G_CALLBACK (delete_file), NULL);

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("hls"));
  video = gst_element_factory_make ("appsrc", "video");
  audio = gst_element_factory_make ("appsrc", "audio");
  h264parse = gst_element_factory_make ("h264parse", NULL);
  aacparse = gst_element_factory_make ("aacparse", NULL);
  vqueue = gst_element_factory_make ("queue", NULL);
  aqueue = gst_element_factory_make ("queue", NULL);

  /* Parameter sets at every keyframe: a player may start at any segment. */
  g_object_set (h264parse, "config-interval", -1, NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), video, h264parse, vqueue, audio, aacparse, aqueue,
                    sink, NULL);
  if (!gst_element_link_many (video, h264parse, vqueue, NULL)
      || !gst_element_link_many (audio, aacparse, aqueue, NULL)
      || !link_to_sink (vqueue, sink, "video")
      || !link_to_sink (aqueue, sink, "audio"))
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                   "cannot build the live stream pipeline");
      return FALSE;
    }

  *video_src = GST_APP_SRC (video);
  *audio_src = GST_APP_SRC (audio);
  return TRUE;
}

static void
build_and_play (TribunaHlsOutput *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstAppSrc *video_src = NULL, *audio_src = NULL;

  g_assert (self->pipeline == NULL);

  end_run (self);
  if (g_mkdir_with_parents (self->directory, 0755) != 0)
    {
      g_autofree char *message = g_strdup_printf ("cannot create %s: %s", self->directory,
                                                  g_strerror (errno));

      restart_later (self, message);
      return;
    }

  if (!build_pipeline (self, &video_src, &audio_src, &error))
    {
      gst_clear_object (&self->pipeline);
      if (g_error_matches (error, TRIBUNA_ELEMENTS_ERROR, TRIBUNA_ELEMENTS_ERROR_MISSING))
        give_up (self, error->message);
      else
        restart_later (self, error->message);
      return;
    }

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  self->last_progress_us = g_get_monotonic_time ();
  self->watch_timer = g_timeout_add (WATCH_INTERVAL_MS, on_watch, self);
  set_state (self, TRIBUNA_HLS_STARTING);

  tribuna_feed_prepare (self->feed, video_src, audio_src);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autofree char *text = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &error, NULL);
      text = g_strdup_printf ("the live stream cannot start%s%s", error ? ": " : "",
                              error ? error->message : "");
      restart_later (self, text);
      return;
    }

  tribuna_feed_set_not_before (self->feed, self->not_before);
  tribuna_feed_attach (self->feed, video_src, audio_src);
}

/* GObject */

static void
tribuna_hls_output_dispose (GObject *object)
{
  TribunaHlsOutput *self = (TribunaHlsOutput *)object;

  g_clear_handle_id (&self->retry_timer, g_source_remove);
  if (self->feed != NULL)
    end_run (self);

  G_OBJECT_CLASS (tribuna_hls_output_parent_class)->dispose (object);
}

static void
tribuna_hls_output_finalize (GObject *object)
{
  TribunaHlsOutput *self = (TribunaHlsOutput *)object;

  g_clear_object (&self->feed);
  g_clear_pointer (&self->backoff, tribuna_backoff_free);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->playlist_file, g_free);
  g_clear_pointer (&self->run_prefix, g_free);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (tribuna_hls_output_parent_class)->finalize (object);
}

static void
tribuna_hls_output_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TribunaHlsOutput *self = TRIBUNA_HLS_OUTPUT (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_WANTED:
      g_value_set_boolean (value, self->wanted);
      break;

    case PROP_PLAYLIST_PATH:
      g_value_set_string (value, tribuna_hls_output_get_playlist_path (self));
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_TARGET_DURATION:
      g_value_set_uint (value, self->target_duration);
      break;

    case PROP_SEGMENTS:
      g_value_set_uint (value, self->segments);
      break;

    case PROP_RESTARTS:
      g_value_set_uint (value, self->restarts);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_hls_output_class_init (TribunaHlsOutputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tribuna_hls_output_dispose;
  object_class->finalize = tribuna_hls_output_finalize;
  object_class->get_property = tribuna_hls_output_get_property;

  properties[PROP_DIRECTORY] = g_param_spec_string ("directory", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, TRIBUNA_TYPE_HLS_STATE,
                                              TRIBUNA_HLS_IDLE, flags);
  properties[PROP_WANTED] = g_param_spec_boolean ("wanted", NULL, NULL, FALSE, flags);
  properties[PROP_PLAYLIST_PATH] = g_param_spec_string ("playlist-path", NULL, NULL, NULL,
                                                        flags);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, flags);
  properties[PROP_TARGET_DURATION] = g_param_spec_uint ("target-duration", NULL, NULL, 1,
                                                        G_MAXUINT, DEFAULT_TARGET_DURATION,
                                                        flags);
  properties[PROP_SEGMENTS] = g_param_spec_uint ("segments", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_RESTARTS] = g_param_spec_uint ("restarts", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tribuna_hls_output_init (TribunaHlsOutput *self)
{
  self->target_duration = DEFAULT_TARGET_DURATION;
  self->playlist_length = DEFAULT_PLAYLIST_LENGTH;
  self->backoff = tribuna_backoff_new (BACKOFF_INITIAL_MS, BACKOFF_FACTOR, BACKOFF_MAX_MS,
                                       BACKOFF_JITTER);
}

TribunaHlsOutput *
tribuna_hls_output_new (const char  *directory,
                        TribunaFeed *feed)
{
  TribunaHlsOutput *self;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (TRIBUNA_IS_FEED (feed), NULL);

  self = g_object_new (TRIBUNA_TYPE_HLS_OUTPUT, NULL);
  self->directory = g_strdup (directory);
  self->playlist_file = g_build_filename (directory, TRIBUNA_HLS_PLAYLIST_NAME, NULL);
  self->feed = g_object_ref (feed);

  return self;
}

void
tribuna_hls_output_set_target_duration (TribunaHlsOutput *self,
                                        guint             seconds)
{
  g_return_if_fail (TRIBUNA_IS_HLS_OUTPUT (self));
  g_return_if_fail (seconds > 0);

  if (self->target_duration == seconds)
    return;

  self->target_duration = seconds;
  notify (self, PROP_TARGET_DURATION);
}

void
tribuna_hls_output_set_playlist_length (TribunaHlsOutput *self,
                                        guint             n_segments)
{
  g_return_if_fail (TRIBUNA_IS_HLS_OUTPUT (self));
  g_return_if_fail (n_segments >= 3);   /* fewer and players stall (RFC 8216, 6.3.3) */

  self->playlist_length = n_segments;
}

void
tribuna_hls_output_start (TribunaHlsOutput *self,
                          GstClockTime      not_before)
{
  g_return_if_fail (TRIBUNA_IS_HLS_OUTPUT (self));

  g_clear_handle_id (&self->retry_timer, g_source_remove);
  release_pipeline (self);

  self->not_before = GST_CLOCK_TIME_IS_VALID (not_before) ? not_before : 0;
  tribuna_backoff_reset (self->backoff);
  if (!self->wanted)
    {
      self->wanted = TRUE;
      notify (self, PROP_WANTED);
    }
  set_last_error (self, NULL);
  build_and_play (self);
}

void
tribuna_hls_output_stop (TribunaHlsOutput *self)
{
  g_return_if_fail (TRIBUNA_IS_HLS_OUTPUT (self));

  g_clear_handle_id (&self->retry_timer, g_source_remove);
  end_run (self);

  if (self->wanted)
    {
      self->wanted = FALSE;
      notify (self, PROP_WANTED);
    }
  if (self->state != TRIBUNA_HLS_IDLE && self->state != TRIBUNA_HLS_FAILED)
    set_state (self, TRIBUNA_HLS_STOPPED);
}

TribunaHlsState
tribuna_hls_output_get_state (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), TRIBUNA_HLS_FAILED);

  return self->state;
}

gboolean
tribuna_hls_output_get_wanted (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), FALSE);

  return self->wanted;
}

const char *
tribuna_hls_output_get_directory (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), NULL);

  return self->directory;
}

const char *
tribuna_hls_output_get_playlist_path (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), NULL);

  return self->state == TRIBUNA_HLS_LIVE ? self->playlist_file : NULL;
}

const char *
tribuna_hls_output_get_last_error (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), NULL);

  return self->last_error;
}

guint
tribuna_hls_output_get_target_duration (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), 0);

  return self->target_duration;
}

guint
tribuna_hls_output_get_segments (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), 0);

  return self->segments;
}

guint
tribuna_hls_output_get_restarts (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), 0);

  return self->restarts;
}

gint64
tribuna_hls_output_get_run (TribunaHlsOutput *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), 0);

  return self->run_prefix != NULL ? self->run : 0;
}

/* "RUN-NNNNN.ts" of the current run, closed (listed) and not yet removed by hlssink2. */
gboolean
tribuna_hls_output_is_servable_segment (TribunaHlsOutput *self,
                                        const char       *name)
{
  const char *digits;
  guint64 index;
  gsize n_digits;

  g_return_val_if_fail (TRIBUNA_IS_HLS_OUTPUT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (self->state != TRIBUNA_HLS_LIVE || self->run_prefix == NULL
      || !g_str_has_prefix (name, self->run_prefix) || !g_str_has_suffix (name, ".ts"))
    return FALSE;

  digits = name + strlen (self->run_prefix);
  n_digits = strlen (digits) - strlen (".ts");
  if (n_digits < 5 || n_digits > 9 || strspn (digits, "0123456789") != n_digits)
    return FALSE;

  index = g_ascii_strtoull (digits, NULL, 10);
  return index < self->segments && index + max_files (self) >= self->segments;
}
