/* stream-test.c: the on-air core against a real nginx-rtmp on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test runs the engine in this process on test sources, streams to an
 * nginx that the fixture starts on a free loopback port, and checks what nginx
 * and the recorder wrote with ffprobe/ffmpeg. Durations are compared with the
 * wall time the test measured, ±1 s as the issue asks.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <signal.h>
#include <string.h>

#include "test-utils.h"
#include "tribuna-archive-layout.h"
#include "tribuna-engine.h"

#define TOLERANCE_S 1.0

typedef struct {
  TribunaTestNginx *nginx;
  char             *data_dir;
  TribunaEngine    *engine;
  gint64            recording_since_us;
} Fixture;

typedef struct {
  gboolean with_tls;
  const char *extra_config;
} FixtureOptions;

/* Helpers */

static double
seconds_since (gint64 since_us)
{
  return (g_get_monotonic_time () - since_us) / (double) G_USEC_PER_SEC;
}

static void
on_recorder_state (TribunaEngine *engine,
                   GParamSpec    *pspec,
                   Fixture       *fixture)
{
  if (tribuna_engine_get_recorder_state (engine) == TRIBUNA_RECORDER_RECORDING
      && fixture->recording_since_us == 0)
    fixture->recording_since_us = g_get_monotonic_time ();
}

static TribunaEngine *
make_engine (Fixture    *fixture,
             const char *extra_config)
{
  g_autofree char *text = g_strdup_printf ("[program]\nwidth=1280\nheight=720\nframerate=30\n"
                                           "[source Salla]\nuri=test:smpte\n%s",
                                           extra_config ? extra_config : "");
  TribunaEngine *engine = tribuna_test_engine_new (fixture->data_dir, text);

  g_signal_connect (engine, "notify::recorder-state", G_CALLBACK (on_recorder_state), fixture);
  return engine;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  const FixtureOptions *options = user_data;
  g_autoptr(GError) error = NULL;

  fixture->nginx = tribuna_test_nginx_start (options && options->with_tls, &error);
  g_assert_no_error (error);
  fixture->data_dir = tribuna_test_make_tmpdir ("tribuna-stream-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->engine = make_engine (fixture, options ? options->extra_config : NULL);
}

static void
on_shutdown (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (tribuna_engine_shutdown_finish (TRIBUNA_ENGINE (object), result, NULL));
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
shutdown_engine (Fixture *fixture)
{
  gboolean done = FALSE;

  tribuna_engine_shutdown_async (fixture->engine, NULL, on_shutdown, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  if (fixture->engine != NULL)
    shutdown_engine (fixture);
  g_clear_object (&fixture->engine);
  /* Let the destinations' teardown threads finish before nginx goes. */
  tribuna_test_iterate_for (0.5);
  g_clear_pointer (&fixture->nginx, tribuna_test_nginx_free);
  tribuna_test_rm_rf (fixture->data_dir, NULL);
  g_clear_pointer (&fixture->data_dir, g_free);
}

static TribunaDestination *
add_destination (Fixture    *fixture,
                 const char *name,
                 const char *url,
                 gboolean    tls_verify)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaRtmpUrl) parsed = tribuna_rtmp_url_parse (url, NULL, &error);
  g_autoptr(TribunaDestinationConfig) config = NULL;
  TribunaDestination *destination;

  g_assert_no_error (error);
  config = tribuna_destination_config_new (name, parsed, TRUE, tls_verify);
  destination = tribuna_engine_add_destination (fixture->engine, config, &error);
  g_assert_no_error (error);
  return destination;
}

typedef struct {
  TribunaDestination      *destination;
  TribunaDestinationState  state;
} StateWait;

static gboolean
destination_in_state (gpointer data)
{
  StateWait *wait = data;

  return tribuna_destination_get_state (wait->destination) == wait->state;
}

static gboolean
wait_for_state (TribunaDestination      *destination,
                TribunaDestinationState  state,
                double                   timeout_s)
{
  StateWait wait = { destination, state };

  return tribuna_test_wait_until (destination_in_state, &wait, timeout_s);
}

static gboolean
recorder_recording (gpointer data)
{
  Fixture *fixture = data;

  return fixture->recording_since_us != 0;
}

static void
start_program_and_recording (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tribuna_engine_start (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_start_recording (fixture->engine, &error));
  g_assert_no_error (error);
}

static char *
recording_input (Fixture *fixture)
{
  g_autoptr(GPtrArray) segments = tribuna_test_find_files (fixture->data_dir, ".ts");

  g_assert_cmpuint (segments->len, >, 0);
  return tribuna_test_concat_input (segments);
}

/* Probes and fully decodes input; checks codecs, size and duration. */
static void
assert_media (const char *input,
              double      expected_s,
              gboolean    decodes_cleanly)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTestMedia) media = tribuna_test_probe (input, &error);
  g_autoptr(TribunaTestDecode) decode = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (media->video_codec, ==, "h264");
  g_assert_cmpstr (media->audio_codec, ==, "aac");
  g_assert_cmpuint (media->width, ==, 1280);
  g_assert_cmpuint (media->height, ==, 720);

  decode = tribuna_test_decode (input, &error);
  g_assert_no_error (error);
  g_test_message ("%s: decoded %.2f s of video (expected %.2f s), timeline %.2f s",
                  input, decode->video_duration, expected_s, decode->timeline);
  g_assert_cmpfloat_with_epsilon (decode->video_duration, expected_s, TOLERANCE_S);
  /* No gap: the timeline is no longer than what was decoded. */
  g_assert_cmpfloat_with_epsilon (decode->timeline, decode->video_duration, TOLERANCE_S);
  if (decodes_cleanly)
    g_assert_null (decode->errors);
}

static char *
only_recording_on_server (Fixture    *fixture,
                          const char *key)
{
  g_autoptr(GPtrArray) files = tribuna_test_nginx_recordings (fixture->nginx, key);

  g_assert_cmpuint (files->len, ==, 1);
  return g_strdup (g_ptr_array_index (files, 0));
}

/* 1. Stream 10 s to nginx and record */

static void
test_record_and_stream (Fixture       *fixture,
                        gconstpointer  user_data)
{
  TribunaDestination *destination;
  g_autofree char *url = tribuna_test_nginx_url (fixture->nginx, "live", "ten-seconds");
  g_autofree char *server_copy = NULL;
  g_autofree char *recording = NULL;
  gint64 started;

  start_program_and_recording (fixture);
  destination = add_destination (fixture, "nginx", url, TRUE);
  g_assert_true (tribuna_engine_start_destination (fixture->engine, "nginx", NULL));
  started = g_get_monotonic_time ();

  g_assert_true (wait_for_state (destination, TRIBUNA_DESTINATION_LIVE, 10));
  g_assert_true (tribuna_engine_get_on_air (fixture->engine));
  g_assert_true (tribuna_test_wait_until (recorder_recording, fixture, 10));
  tribuna_test_iterate_for (10 - seconds_since (started));
  g_assert_cmpuint (tribuna_destination_get_reconnects (destination), ==, 0);
  g_assert_cmpuint (tribuna_destination_get_sent_kbps (destination), >, 1000);
  shutdown_engine (fixture);

  g_assert_cmpint (tribuna_destination_get_state (destination), ==, TRIBUNA_DESTINATION_STOPPED);
  g_assert_false (tribuna_engine_get_on_air (fixture->engine));
  server_copy = only_recording_on_server (fixture, "ten-seconds");
  assert_media (server_copy, 10, TRUE);
  recording = recording_input (fixture);
  assert_media (recording, 10, TRUE);
}

/* 2. Kill nginx mid-stream and restart it 5 s later */

static void
test_server_restart (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TribunaDestination *destination;
  g_autofree char *url = tribuna_test_nginx_url (fixture->nginx, "live", "restart");
  g_autofree char *recording = NULL;
  gint64 back;
  double total_s;

  start_program_and_recording (fixture);
  destination = add_destination (fixture, "nginx", url, TRUE);
  tribuna_engine_start_destination (fixture->engine, "nginx", NULL);
  g_assert_true (wait_for_state (destination, TRIBUNA_DESTINATION_LIVE, 10));
  g_assert_true (tribuna_test_wait_until (recorder_recording, fixture, 10));
  tribuna_test_iterate_for (3);

  g_assert_true (tribuna_test_nginx_kill (fixture->nginx, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_state (destination, TRIBUNA_DESTINATION_RECONNECTING, 5));
  g_assert_false (tribuna_engine_get_on_air (fixture->engine));
  tribuna_test_iterate_for (5);

  g_assert_true (tribuna_test_nginx_restart (fixture->nginx, &error));
  g_assert_no_error (error);
  back = g_get_monotonic_time ();
  /* Media on the server within 5 s of its return; the state follows once the
   * new connection has carried media for two statistics ticks. */
  g_assert_true (tribuna_test_nginx_wait_recording_grows (fixture->nginx, "restart", 1, 5));
  g_test_message ("back on the server %.2f s after it returned", seconds_since (back));
  g_assert_true (wait_for_state (destination, TRIBUNA_DESTINATION_LIVE, 5));
  g_assert_cmpuint (tribuna_destination_get_reconnects (destination), ==, 1);
  tribuna_test_iterate_for (3);

  total_s = seconds_since (fixture->recording_since_us);
  shutdown_engine (fixture);

  /* The recording never noticed: no gap, as long as the wall time. */
  g_assert_cmpint (tribuna_engine_get_recorder_state (fixture->engine), ==,
                   TRIBUNA_RECORDER_STOPPED);
  recording = recording_input (fixture);
  assert_media (recording, total_s, TRUE);
}

/* 3. Two destinations, one a closed port */

static void
test_closed_port (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TribunaDestination *good, *closed;
  g_autofree char *good_url = tribuna_test_nginx_url (fixture->nginx, "live", "good");
  g_autofree char *closed_url = NULL;
  g_autofree char *server_copy = NULL;
  g_autofree char *recording = NULL;
  gint64 started;
  double total_s;
  guint port = tribuna_test_free_port (&error);

  g_assert_no_error (error);
  closed_url = g_strdup_printf ("rtmp://127.0.0.1:%u/live/closed", port);
  start_program_and_recording (fixture);
  good = add_destination (fixture, "good", good_url, TRUE);
  closed = add_destination (fixture, "closed", closed_url, TRUE);
  g_assert_true (tribuna_engine_go_on_air (fixture->engine, &error));
  g_assert_no_error (error);
  started = g_get_monotonic_time ();

  g_assert_true (wait_for_state (good, TRIBUNA_DESTINATION_LIVE, 10));
  tribuna_test_iterate_for (8 - seconds_since (started));

  /* The closed port keeps trying, and nothing else noticed. */
  g_assert_cmpint (tribuna_destination_get_state (closed), ==, TRIBUNA_DESTINATION_CONNECTING);
  g_assert_cmpuint (tribuna_destination_get_attempts (closed), >=, 3);
  g_assert_nonnull (strstr (tribuna_destination_get_last_error (closed), "refused"));
  g_assert_cmpint (tribuna_destination_get_state (good), ==, TRIBUNA_DESTINATION_LIVE);
  g_assert_cmpuint (tribuna_destination_get_reconnects (good), ==, 0);
  g_assert_cmpuint (tribuna_destination_get_attempts (good), ==, 1);

  total_s = seconds_since (fixture->recording_since_us);
  shutdown_engine (fixture);
  server_copy = only_recording_on_server (fixture, "good");
  assert_media (server_copy, 8, TRUE);
  recording = recording_input (fixture);
  assert_media (recording, total_s, TRUE);
}

/* 4. A publish the server denies */

static void
test_rejected (Fixture       *fixture,
               gconstpointer  user_data)
{
  TribunaDestination *destination;
  g_autofree char *url = tribuna_test_nginx_url (fixture->nginx, "deny", "wrong-key-0123456789");
  gint64 started;
  guint attempts;

  start_program_and_recording (fixture);
  destination = add_destination (fixture, "denied", url, TRUE);
  tribuna_engine_start_destination (fixture->engine, "denied", NULL);
  started = g_get_monotonic_time ();

  g_assert_true (wait_for_state (destination, TRIBUNA_DESTINATION_REJECTED, 5));
  g_test_message ("rejected after %.2f s and %u attempts", seconds_since (started),
                  tribuna_destination_get_attempts (destination));
  attempts = tribuna_destination_get_attempts (destination);
  g_assert_cmpuint (attempts, <=, 3);
  g_assert_nonnull (strstr (tribuna_destination_get_last_error (destination), "refused"));
  g_assert_null (strstr (tribuna_destination_get_last_error (destination), "0123456789"));
  g_assert_false (tribuna_destination_get_wanted (destination));
  g_assert_nonnull (strstr (tribuna_engine_get_last_error (fixture->engine), "denied"));

  /* No retry storm, and the recording is unaffected. */
  tribuna_test_iterate_for (5);
  g_assert_cmpuint (tribuna_destination_get_attempts (destination), ==, attempts);
  g_assert_cmpint (tribuna_destination_get_state (destination), ==, TRIBUNA_DESTINATION_REJECTED);
  g_assert_cmpint (tribuna_engine_get_recorder_state (fixture->engine), ==,
                   TRIBUNA_RECORDER_RECORDING);
}

/* 5. Freeze nginx with SIGSTOP */

static guint64
current_segment_size (Fixture *fixture)
{
  TribunaRecorder *recorder = tribuna_engine_get_recorder (fixture->engine);
  GStatBuf info;

  if (g_stat (tribuna_recorder_get_current_file (recorder), &info) != 0)
    return 0;
  return info.st_size;
}

static void
test_wedge (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TribunaDestination *destination;
  g_autofree char *url = tribuna_test_nginx_url (fixture->nginx, "live", "wedge");
  gint64 frozen;
  guint64 size_at_freeze;
  double detected_s;

  start_program_and_recording (fixture);
  destination = add_destination (fixture, "nginx", url, TRUE);
  tribuna_engine_start_destination (fixture->engine, "nginx", NULL);
  g_assert_true (wait_for_state (destination, TRIBUNA_DESTINATION_LIVE, 10));
  g_assert_true (tribuna_test_wait_until (recorder_recording, fixture, 10));
  tribuna_test_iterate_for (2);

  g_assert_true (tribuna_test_nginx_freeze (fixture->nginx, &error));
  g_assert_no_error (error);
  frozen = g_get_monotonic_time ();
  size_at_freeze = current_segment_size (fixture);

  /* No error comes from GStreamer: the engine has to notice by itself. */
  g_assert_true (wait_for_state (destination, TRIBUNA_DESTINATION_RECONNECTING, 20));
  detected_s = seconds_since (frozen);
  g_test_message ("wedge detected after %.2f s: %s", detected_s,
                  tribuna_destination_get_last_error (destination));
  g_assert_cmpfloat (detected_s, <=, 15);
  g_assert_nonnull (tribuna_destination_get_last_error (destination));

  g_assert_cmpint (tribuna_engine_get_recorder_state (fixture->engine), ==,
                   TRIBUNA_RECORDER_RECORDING);
  g_assert_cmpuint (current_segment_size (fixture), >, size_at_freeze + 1024 * 1024);

  g_assert_true (tribuna_test_nginx_thaw (fixture->nginx, &error));
  g_assert_no_error (error);
}

/* 8. A recording folder on a tiny filesystem */

static void
fill_to (const char *dir,
         guint64     leave_free)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *filler = g_build_filename (dir, "filler", NULL);
  g_autofree char *zeros = g_malloc0 (1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (filler);
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                                     &error);
  guint64 free_bytes = 0;

  g_assert_no_error (error);
  for (;;)
    {
      g_assert_true (tribuna_archive_query_free_space (dir, &free_bytes, NULL));
      if (free_bytes <= leave_free + 1024 * 1024)
        break;
      g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), zeros, 1024 * 1024, NULL,
                                                NULL, &error));
      g_assert_no_error (error);
    }
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
}

static gboolean
recorder_failed (gpointer data)
{
  Fixture *fixture = data;

  return tribuna_engine_get_recorder_state (fixture->engine) == TRIBUNA_RECORDER_FAILED;
}

static void
test_disk_full (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TribunaDestination *destination;
  TribunaRecorder *recorder;
  g_autofree char *url = tribuna_test_nginx_url (fixture->nginx, "live", "disk-full");
  g_autofree char *recording = NULL;
  g_autoptr(TribunaTestDecode) decode = NULL;
  guint64 free_bytes = 0;

  if (!tribuna_test_mount_tmpfs (fixture->data_dir, 48, &error))
    {
      g_test_skip_printf ("cannot mount a small tmpfs here: %s", error->message);
      return;
    }

  /* min-free-mb=16 warns, stop-free-mb=8 stops; 12 MB left: a few seconds at 4 Mbit/s. */
  g_clear_object (&fixture->engine);
  fixture->engine = make_engine (fixture, "[recording]\nmin-free-mb=16\nstop-free-mb=8\n");
  fill_to (fixture->data_dir, 12 * 1024 * 1024);

  start_program_and_recording (fixture);
  destination = add_destination (fixture, "nginx", url, TRUE);
  tribuna_engine_start_destination (fixture->engine, "nginx", NULL);
  recorder = tribuna_engine_get_recorder (fixture->engine);
  g_assert_true (tribuna_recorder_get_low_disk (recorder));

  g_assert_true (tribuna_test_wait_until (recorder_failed, fixture, 60));
  g_test_message ("recorder: %s", tribuna_recorder_get_last_error (recorder));
  g_assert_nonnull (strstr (tribuna_recorder_get_last_error (recorder), "stop-free-mb"));
  g_assert_nonnull (strstr (tribuna_engine_get_last_error (fixture->engine), "recorder"));

  /* It stopped before the disk filled, and what it wrote plays to the end. */
  g_assert_true (tribuna_archive_query_free_space (fixture->data_dir, &free_bytes, NULL));
  g_assert_cmpuint (free_bytes, >, 4 * 1024 * 1024);
  recording = recording_input (fixture);
  decode = tribuna_test_decode (recording, &error);
  g_assert_no_error (error);
  g_assert_null (decode->errors);
  g_assert_cmpfloat (decode->video_duration, >, 1);

  /* The stream goes on. */
  g_assert_true (wait_for_state (destination, TRIBUNA_DESTINATION_LIVE, 10));
  tribuna_test_iterate_for (2);
  g_assert_cmpint (tribuna_destination_get_state (destination), ==, TRIBUNA_DESTINATION_LIVE);

  /* And a new recording refuses to start, saying why. */
  g_assert_false (tribuna_engine_start_recording (fixture->engine, &error));
  g_assert_error (error, TRIBUNA_RECORDER_ERROR, TRIBUNA_RECORDER_ERROR_DISK_FULL);
  g_test_message ("start refused: %s", error->message);

  shutdown_engine (fixture);
  g_clear_object (&fixture->engine);
  tribuna_test_iterate_for (0.5);
  g_assert_true (tribuna_test_umount (fixture->data_dir, NULL));
}

/* 9. RTMPS through a TLS proxy with a self-signed certificate */

static void
test_rtmps (Fixture       *fixture,
            gconstpointer  user_data)
{
  TribunaDestination *checked, *lab;
  g_autofree char *checked_url = tribuna_test_nginx_rtmps_url (fixture->nginx, "live", "checked");
  g_autofree char *lab_url = tribuna_test_nginx_rtmps_url (fixture->nginx, "live", "lab");
  g_autofree char *server_copy = NULL;

  start_program_and_recording (fixture);
  checked = add_destination (fixture, "checked", checked_url, TRUE);
  lab = add_destination (fixture, "lab", lab_url, FALSE);

  tribuna_engine_start_destination (fixture->engine, "checked", NULL);
  g_assert_true (wait_for_state (checked, TRIBUNA_DESTINATION_FAILED, 10));
  g_test_message ("with checks: %s", tribuna_destination_get_last_error (checked));
  g_assert_nonnull (strstr (tribuna_destination_get_last_error (checked), "TLS"));
  g_assert_cmpuint (tribuna_destination_get_attempts (checked), ==, 1);
  {
    g_autoptr(GPtrArray) refused = tribuna_test_nginx_recordings (fixture->nginx, "checked");

    g_assert_cmpuint (refused->len, ==, 0);
  }

  /* Turning the checks off is allowed, and said out loud. */
  g_test_expect_message ("tribuna-destination", G_LOG_LEVEL_WARNING,
                         "*lab*TLS certificate checks are off*");
  tribuna_engine_start_destination (fixture->engine, "lab", NULL);
  g_test_assert_expected_messages ();
  g_assert_true (wait_for_state (lab, TRIBUNA_DESTINATION_LIVE, 10));
  g_assert_true (tribuna_test_nginx_wait_recording_grows (fixture->nginx, "lab", 0, 5));
  tribuna_test_iterate_for (3);
  shutdown_engine (fixture);
  server_copy = only_recording_on_server (fixture, "lab");
  assert_media (server_copy, tribuna_test_decode_duration (server_copy, NULL), TRUE);
}

/* Destinations come and go while on air; "on air" leaves disabled ones alone. */

static void
test_add_remove (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kept_url = tribuna_test_nginx_url (fixture->nginx, "live", "kept");
  g_autofree char *removed_url = tribuna_test_nginx_url (fixture->nginx, "live", "removed");
  g_autofree char *spare_url = tribuna_test_nginx_url (fixture->nginx, "live", "spare");
  TribunaDestination *kept, *removed, *spare;

  start_program_and_recording (fixture);
  kept = add_destination (fixture, "kept", kept_url, TRUE);
  removed = add_destination (fixture, "removed", removed_url, TRUE);
  g_object_ref (removed);
  spare = add_destination (fixture, "spare", spare_url, TRUE);
  g_assert_true (tribuna_engine_set_destination_enabled (fixture->engine, "spare", FALSE, &error));
  g_assert_false (tribuna_engine_get_destination_enabled (fixture->engine, spare));

  g_assert_true (tribuna_engine_go_on_air (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_state (kept, TRIBUNA_DESTINATION_LIVE, 10));
  g_assert_true (wait_for_state (removed, TRIBUNA_DESTINATION_LIVE, 10));
  g_assert_cmpint (tribuna_destination_get_state (spare), ==, TRIBUNA_DESTINATION_IDLE);

  g_assert_true (tribuna_engine_remove_destination (fixture->engine, "removed", &error));
  g_assert_no_error (error);
  g_assert_cmpint (tribuna_destination_get_state (removed), ==, TRIBUNA_DESTINATION_STOPPED);
  g_assert_null (tribuna_engine_find_destination (fixture->engine, "removed"));
  g_assert_cmpuint (g_list_model_get_n_items (tribuna_engine_get_destinations (fixture->engine)),
                    ==, 2);
  g_assert_false (tribuna_engine_remove_destination (fixture->engine, "removed", &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_UNKNOWN_DESTINATION);
  g_object_unref (removed);

  /* The other one never noticed. */
  tribuna_test_iterate_for (2);
  g_assert_cmpint (tribuna_destination_get_state (kept), ==, TRIBUNA_DESTINATION_LIVE);
  g_assert_cmpuint (tribuna_destination_get_attempts (kept), ==, 1);
  g_assert_true (tribuna_engine_get_on_air (fixture->engine));
}

int
main (int   argc,
      char *argv[])
{
  static const FixtureOptions tls = { TRUE, NULL };

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  signal (SIGPIPE, SIG_IGN);

#define ADD(path, func, options) \
  g_test_add ("/integration/stream/" path, Fixture, options, fixture_setup, func, fixture_teardown)

  ADD ("record-and-stream", test_record_and_stream, NULL);
  ADD ("server-restart", test_server_restart, NULL);
  ADD ("closed-port", test_closed_port, NULL);
  ADD ("rejected", test_rejected, NULL);
  ADD ("wedge", test_wedge, NULL);
  ADD ("disk-full", test_disk_full, NULL);
  ADD ("rtmps", test_rtmps, &tls);
  ADD ("add-remove", test_add_remove, NULL);

  return g_test_run ();
}
