/* archive-media-test.c: item thumbnails and the staff playlist of a recorded session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine records two solid test sources, red and blue, and the test cuts between them
 * at known moments around the agenda items and a private part, so what a picture shows says
 * where in the recording it came from:
 *
 *   red: item 1 … private starts, item 2 starts (private) … cut to blue … private ends …
 *   … cut to red, item 3 and back to 2 at once … cut to blue, item 3 again … private,
 *   item 4 (private to the end); item 5 never taken up.
 *
 * Item 1's thumbnail must be red; item 2's blue (its first public picture, not the private
 * red it started with); item 3's blue (its first stretch, red, is too short to hold a
 * keyframe; a keyframe falling in that millisecond would make this fail, about one run in
 * a thousand); items 4 and 5 have none. The playlist is played
 * with playbin, seeking to positions on the session axis, and the pictures there must be
 * the colours the program had then.
 */
#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string.h>

#include "test-utils.h"
#include "tribuna-engine.h"
#include "tribuna-timeline.h"

#define THUMB_WIDTH 160

typedef struct {
  double red, green, blue;
} Colour;

static TribunaEngine *
make_engine (const char *data_dir)
{
  return tribuna_test_engine_new (data_dir,
                                  "[program]\nwidth=640\nheight=360\nvideo-bitrate=800\n"
                                  "keyframe-interval=1\nencoder-preset=ultrafast\n"
                                  "[recording]\nsegment-seconds=3\n"
                                  "[source Rot]\nuri=test:red\n"
                                  "[source Blu]\nuri=test:blue\n");
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_ended (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tribuna_engine_end_session_finish (TRIBUNA_ENGINE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
on_shutdown (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_assert_true (tribuna_engine_shutdown_finish (TRIBUNA_ENGINE (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
cut_to (TribunaEngine *engine,
        const char    *source)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tribuna_engine_set_preview_source (engine, source, &error));
  g_assert_true (tribuna_engine_cut (engine, &error));
  g_assert_no_error (error);
}

static void
mark (gboolean (*call) (TribunaEngine *, const char *, GError **),
      TribunaEngine *engine)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (call (engine, "test", &error));
  g_assert_no_error (error);
}

static void
set_private (TribunaEngine *engine,
             gboolean       on)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tribuna_engine_set_private (engine, on, "test", &error));
  g_assert_no_error (error);
}

static gint64
record_session (TribunaEngine *engine)
{
  g_autofree char *agenda = g_test_build_filename (G_TEST_DIST, "fixtures", "agendas",
                                                   "kpf-2024-06-13.csv", NULL);
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_assert_true (tribuna_engine_start (engine, &error));
  session = tribuna_engine_create_session (engine, TRIBUNA_SESSION_TYPE_KPF, "Mbledhja",
                                           NULL, "Salla", TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_open_session (engine, session->id, &error));
  g_assert_true (tribuna_engine_import_agenda (engine, agenda, &error));
  g_assert_true (tribuna_engine_start_session (engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (tribuna_test_engine_is_recording, engine, 10));

  tribuna_test_iterate_for (1.0);
  mark (tribuna_engine_next_item, engine);          /* 1: red */
  tribuna_test_iterate_for (2.5);
  set_private (engine, TRUE);
  tribuna_test_iterate_for (0.5);
  mark (tribuna_engine_next_item, engine);          /* 2: starts private, red */
  tribuna_test_iterate_for (1.5);
  cut_to (engine, "Blu");
  tribuna_test_iterate_for (1.0);
  set_private (engine, FALSE);                      /* its public part is blue */
  tribuna_test_iterate_for (2.5);
  cut_to (engine, "Rot");
  tribuna_test_iterate_for (1.0);
  /* 3, taken up by mistake and left at once: a stretch too short to hold a keyframe. */
  mark (tribuna_engine_next_item, engine);
  mark (tribuna_engine_previous_item, engine);
  tribuna_test_iterate_for (1.5);
  cut_to (engine, "Blu");
  tribuna_test_iterate_for (0.5);
  mark (tribuna_engine_next_item, engine);          /* 3 again: its picture is blue */
  tribuna_test_iterate_for (2.5);
  set_private (engine, TRUE);
  tribuna_test_iterate_for (0.5);
  mark (tribuna_engine_next_item, engine);          /* 4: private to the end */
  tribuna_test_iterate_for (2.0);

  tribuna_engine_end_session_async (engine, NULL, on_ended, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
  return session->id;
}

/* Pictures, decoded here without the code under test */

static Colour
mean_colour (GstSample *sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  Colour colour = { 0 };
  gsize pixels;

  g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
  pixels = map.size / 3;
  for (gsize i = 0; i < pixels; i++)
    {
      colour.red += map.data[3 * i];
      colour.green += map.data[3 * i + 1];
      colour.blue += map.data[3 * i + 2];
    }
  gst_buffer_unmap (buffer, &map);
  colour.red /= pixels;
  colour.green /= pixels;
  colour.blue /= pixels;
  return colour;
}

static GstSample *
decode_jpeg (GBytes *jpeg,
             int    *width,
             int    *height)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) source = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBuffer) buffer = gst_buffer_new_wrapped_bytes (jpeg);
  GstSample *sample;
  GstFlowReturn ret;
  GstStructure *s;

  pipeline = gst_parse_launch ("appsrc name=source caps=image/jpeg ! jpegdec ! videoconvert ! "
                               "video/x-raw,format=RGB ! appsink name=sink sync=false", NULL);
  g_assert_nonnull (pipeline);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_signal_emit_by_name (source, "push-buffer", buffer, &ret);
  g_signal_emit_by_name (source, "end-of-stream", &ret);
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND);
  g_assert_nonnull (sample);
  s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  g_assert_true (gst_structure_get_int (s, "width", width));
  g_assert_true (gst_structure_get_int (s, "height", height));
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return sample;
}

static gboolean
is_red (Colour c)
{
  return c.red > 150 && c.blue < 80;
}

static gboolean
is_blue (Colour c)
{
  return c.blue > 150 && c.red < 80;
}

/* Thumbnails */

typedef struct {
  gboolean  done;
  GBytes   *jpeg;
  GError   *error;
} Wait;

static void
on_thumbnail (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->jpeg = tribuna_engine_item_thumbnail_finish (TRIBUNA_ENGINE (object), result,
                                                     &wait->error);
  wait->done = TRUE;
}

static GBytes *
thumbnail (TribunaEngine *engine,
           gint64         session_id,
           guint          item_index,
           GError       **error)
{
  Wait wait = { 0 };
  gint64 start = g_get_monotonic_time ();

  tribuna_engine_item_thumbnail_async (engine, session_id, item_index, THUMB_WIDTH, NULL,
                                       on_thumbnail, &wait);
  g_assert_true (tribuna_test_wait_until (is_true, &wait.done, 30));
  g_test_message ("item %u: thumbnail in %.0f ms", item_index + 1,
                  (g_get_monotonic_time () - start) / 1000.0);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.jpeg;
}

static Colour
thumbnail_colour (TribunaEngine *engine,
                  gint64         session_id,
                  guint          item_index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = thumbnail (engine, session_id, item_index, &error);
  g_autoptr(GstSample) sample = NULL;
  int width = 0, height = 0;
  Colour colour;

  g_assert_no_error (error);
  sample = decode_jpeg (jpeg, &width, &height);
  g_assert_cmpint (width, ==, THUMB_WIDTH);
  g_assert_cmpint (height, ==, THUMB_WIDTH * 9 / 16);
  colour = mean_colour (sample);
  g_test_message ("item %u: mean colour %.0f %.0f %.0f", item_index + 1, colour.red,
                  colour.green, colour.blue);
  return colour;
}

static void
check_thumbnails (TribunaEngine *engine,
                  gint64         session_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) first = NULL;
  gint64 start;

  g_assert_true (is_red (thumbnail_colour (engine, session_id, 0)));
  /* Started in private time: the picture is from its public part, never the private red. */
  g_assert_true (is_blue (thumbnail_colour (engine, session_id, 1)));
  g_assert_true (is_blue (thumbnail_colour (engine, session_id, 2)));

  g_assert_null (thumbnail (engine, session_id, 3, &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_RECORDING);
  g_test_message ("item 4: %s", error->message);
  g_clear_error (&error);
  g_assert_null (thumbnail (engine, session_id, 4, &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_RECORDING);
  g_clear_error (&error);
  g_assert_null (thumbnail (engine, session_id, 99, &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_AGENDA);
  g_clear_error (&error);

  /* Kept: the same bytes, with no decoding the second time. */
  first = thumbnail (engine, session_id, 0, &error);
  start = g_get_monotonic_time ();
  again = thumbnail (engine, session_id, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, again));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 50 * 1000);
}

/* The playlist */

static GstSample *
picture_at (GstElement *playbin,
            GstElement *sink,
            gint64      position_ns)
{
  g_assert_true (gst_element_seek_simple (playbin, GST_FORMAT_TIME,
                                          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                                          position_ns));
  g_assert_cmpint (gst_element_get_state (playbin, NULL, NULL, 20 * GST_SECOND), ==,
                   GST_STATE_CHANGE_SUCCESS);
  return gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), 10 * GST_SECOND);
}

static void
check_colour_at (GstElement *playbin,
                 GstElement *sink,
                 gint64      position_ns,
                 gboolean  (*expected) (Colour))
{
  g_autoptr(GstSample) sample = picture_at (playbin, sink, position_ns);
  Colour colour;

  g_assert_nonnull (sample);
  colour = mean_colour (sample);
  g_test_message ("playlist at %.2f s: %.0f %.0f %.0f (picture at %.2f s)", position_ns / 1e9,
                  colour.red, colour.green, colour.blue,
                  GST_BUFFER_PTS (gst_sample_get_buffer (sample)) / 1e9);
  g_assert_true (expected (colour));
}

static void
check_playlist (TribunaEngine *engine,
                gint64         session_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(GstElement) playbin = NULL;
  g_autoptr(GstElement) sink = NULL;
  GstElement *video;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *uri = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 duration_ns = 0;
  guint n_files = 0;
  GPtrArray *ranges;
  const TribunaItemRange *second, *third;

  path = tribuna_engine_write_session_playlist (engine, session_id, &duration_ns, &error);
  g_assert_no_error (error);
  timeline = tribuna_timeline_new_for_session (tribuna_engine_get_archive (engine), session_id,
                                               &error);
  g_assert_no_error (error);
  /* Ended: every segment is closed and listed, so it covers the whole axis. */
  g_assert_cmpint (duration_ns, ==, tribuna_timeline_get_duration (timeline));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "file://"))
      {
        g_autofree char *file = g_filename_from_uri (lines[i], NULL, NULL);

        g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
        n_files++;
      }
  g_assert_cmpuint (n_files, ==, tribuna_timeline_get_n_segments (timeline));
  g_assert_nonnull (strstr (text, "#EXT-X-ENDLIST"));
  /* One run of the program: no discontinuity to announce. */
  g_assert_null (strstr (text, "#EXT-X-DISCONTINUITY"));

  /* Played as a player plays it: the colours where the timeline puts the items. */
  playbin = gst_element_factory_make ("playbin", NULL);
  video = gst_parse_bin_from_description ("videoconvert ! videoscale ! "
                                          "video/x-raw,format=RGB,width=160,height=90 ! "
                                          "appsink name=sink sync=false", TRUE, &error);
  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (video), "sink");
  uri = g_filename_to_uri (path, NULL, NULL);
  g_object_set (playbin, "uri", uri, "video-sink", video,
                "audio-sink", gst_element_factory_make ("fakesink", NULL), NULL);
  g_assert_cmpint (gst_element_set_state (playbin, GST_STATE_PAUSED), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_assert_cmpint (gst_element_get_state (playbin, NULL, NULL, 20 * GST_SECOND), ==,
                   GST_STATE_CHANGE_SUCCESS);

  ranges = tribuna_timeline_get_item_ranges (timeline);
  second = g_ptr_array_index (ranges, 1);
  third = g_ptr_array_index (ranges, 2);
  /* Staff see private time: item 2 opens on the red the public never got. */
  check_colour_at (playbin, sink, second->start_ns + GST_SECOND / 2, is_red);
  check_colour_at (playbin, sink, second->start_ns + 2 * GST_SECOND + GST_SECOND / 2, is_blue);
  /* Item 3's first stretch was left at once: half a second on, still the red of item 2. */
  check_colour_at (playbin, sink, third->start_ns + GST_SECOND / 2, is_red);
  check_colour_at (playbin, sink, third->end_ns - GST_SECOND, is_blue);
  gst_element_set_state (playbin, GST_STATE_NULL);

  g_assert_null (tribuna_engine_write_session_playlist (engine, 12345, NULL, &error));
  g_assert_nonnull (error);
}

static void
test_thumbnails_and_playlist (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-archive-media-XXXXXX", &error);
  TribunaEngine *engine = make_engine (data_dir);
  gboolean done = FALSE;
  gint64 session_id;

  session_id = record_session (engine);
  check_thumbnails (engine, session_id);
  check_playlist (engine, session_id);

  tribuna_engine_shutdown_async (engine, NULL, on_shutdown, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
  g_assert_finalize_object (engine);
  tribuna_test_rm_rf (data_dir, NULL);
}

/* Two runs of the program (the second after a crash) and a segment still being written:
 * the player must be told where timestamps restart, and must not get a guessed length. */
static void
test_playlist_runs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-archive-media-XXXXXX", &error);
  g_autoptr(TribunaSession) session = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *first = NULL;
  TribunaEngine *engine;
  const gint64 wall = 1711612800000000, second = GST_SECOND;
  const struct { const char *name; gint64 wall_us, running_ns; gboolean closed; } rows[] = {
    { "a1.ts", wall, 5 * second, TRUE },
    { "a2.ts", wall + 3 * G_USEC_PER_SEC, 8 * second, TRUE },
    { "b1.ts", wall + 100 * G_USEC_PER_SEC, 2 * second, TRUE },
    { "b2.ts", wall + 103 * G_USEC_PER_SEC, 5 * second, FALSE },
  };
  gint64 duration_ns = 0;

  {
    g_autoptr(TribunaArchive) archive = tribuna_archive_open (data_dir, &error);

    g_assert_no_error (error);
    session = tribuna_archive_create_session (archive, TRIBUNA_SESSION_TYPE_KPF, "Mbledhja",
                                              "2024-03-28", NULL, TRUE, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        g_autofree char *relative = g_build_filename ("recordings", "2024", "03", "28", "x",
                                                      rows[i].name, NULL);
        gint64 id = tribuna_archive_add_segment (archive, session->id, relative,
                                                 rows[i].wall_us, rows[i].running_ns, &error);

        g_assert_no_error (error);
        if (rows[i].closed)
          g_assert_true (tribuna_archive_close_segment (archive, id, 3 * second, 1000, NULL,
                                                        &error));
        g_assert_no_error (error);
      }
  }

  engine = make_engine (data_dir);
  path = tribuna_engine_write_session_playlist (engine, session->id, &duration_ns, &error);
  g_assert_no_error (error);
  g_assert_cmpint (duration_ns, ==, 9 * second);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_test_message ("%s", text);

  first = g_filename_to_uri (data_dir, NULL, NULL);
  expected = g_strdup_printf ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n"
                              "#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:0\n"
                              "#EXTINF:3.000000,\n%s/recordings/2024/03/28/x/a1.ts\n"
                              "#EXTINF:3.000000,\n%s/recordings/2024/03/28/x/a2.ts\n"
                              "#EXT-X-DISCONTINUITY\n"
                              "#EXTINF:3.000000,\n%s/recordings/2024/03/28/x/b1.ts\n"
                              "#EXT-X-ENDLIST\n", first, first, first);
  g_assert_cmpstr (text, ==, expected);

  g_assert_finalize_object (engine);
  tribuna_test_rm_rf (data_dir, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add_func ("/integration/archive-media/thumbnails-and-playlist",
                   test_thumbnails_and_playlist);
  g_test_add_func ("/integration/archive-media/playlist-runs", test_playlist_runs);
  return g_test_run ();
}
