/* session-test.c: a live session on the real pipeline, its markers mapped onto the recording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine records test sources in 3-second segments while the test marks
 * agenda items, a speaker and a private part at known moments. Then every
 * marker is mapped to (segment file, offset) and checked against the files
 * with ffprobe: the segment timestamps in the archive must agree with the
 * timestamps inside the files to within one frame. A second test kills a
 * process that runs a session with SIGKILL, and continues the session.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "test-utils.h"
#include "tribuna-engine.h"
#include "tribuna-timeline.h"

#define FRAME_NS (GST_SECOND / 30 + 1)
#define CHILD_ENV "TRIBUNA_SESSION_TEST_CHILD"

static char *
agenda_fixture (void)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "agendas", "kpf-2024-06-13.csv", NULL);
}

static TribunaEngine *
make_engine (const char *data_dir)
{
  return tribuna_test_engine_new (data_dir,
                                  "[program]\nwidth=640\nheight=360\nvideo-bitrate=1000\n"
                                  "encoder-preset=ultrafast\n"
                                  "[recording]\nsegment-seconds=3\n");
}

static gint64
start_kpf_session (TribunaEngine *engine)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaSession) session = NULL;
  g_autofree char *agenda = agenda_fixture ();

  g_assert_true (tribuna_engine_start (engine, &error));
  g_assert_no_error (error);
  session = tribuna_engine_create_session (engine, TRIBUNA_SESSION_TYPE_KPF,
                                           "Mbledhja e KPF-së", NULL, "Salla e Kuvendit", TRUE,
                                           &error);
  g_assert_no_error (error);
  tribuna_engine_open_session (engine, session->id, &error);
  g_assert_no_error (error);
  tribuna_engine_import_agenda (engine, agenda, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_engine_get_agenda (engine)->len, ==, 5);
  g_assert_true (tribuna_engine_start_session (engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (tribuna_test_engine_is_recording, engine, 10));
  return session->id;
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

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
end_session (TribunaEngine *engine)
{
  gboolean done = FALSE;

  tribuna_engine_end_session_async (engine, NULL, on_ended, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
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
shutdown_engine (TribunaEngine *engine)
{
  gboolean done = FALSE;

  tribuna_engine_shutdown_async (engine, NULL, on_shutdown, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
}

/* The first video timestamp inside a segment file, in ns. */
static gint64
file_start_ns (const char *data_dir,
               const TribunaSegment *segment)
{
  g_autofree char *path = g_build_filename (data_dir, segment->path, NULL);
  g_autofree char *out = NULL;
  const char *argv[] = { "ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                         "stream=start_time", "-of", "default=nw=1:nk=1", path, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &status, &error));
  g_assert_no_error (error);
  return (gint64) (g_ascii_strtod (out, NULL) * GST_SECOND);
}

static double
file_duration_s (const char *data_dir,
                 const TribunaSegment *segment)
{
  g_autofree char *path = g_build_filename (data_dir, segment->path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTestMedia) media = tribuna_test_probe (path, &error);

  g_assert_no_error (error);
  return media->duration;
}

/* tribuna-cli clip, run as staff run it, on the session just recorded */

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TRIBUNA_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL) ? 0 : WEXITSTATUS (status);
}

/* The top-level MP4 boxes, in file order: "moov" must come before "mdat". */
static char *
mp4_box_order (const char *path)
{
  g_autofree char *data = NULL;
  gsize length = 0, offset = 0;
  GString *order = g_string_new (NULL);

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  while (offset + 8 <= length)
    {
      guint32 size = GUINT32_FROM_BE (*(guint32 *) (data + offset));

      g_string_append_printf (order, "%s%.4s", order->len ? " " : "", data + offset + 4);
      if (size < 8)
        break;
      offset += size;
    }
  return g_string_free (order, FALSE);
}

static void
check_clip_cli (const char             *data_dir,
                gint64                  session_id,
                const TribunaItemRange *item)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, session_id);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *exact_path = g_build_filename (data_dir, "exact.mp4", NULL);
  g_auto(GStrv) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTestMedia) fast = NULL;
  g_autoptr(TribunaTestMedia) exact = NULL;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(GPtrArray) clips = NULL;
  g_autofree char *order = NULL;
  double item_public_s = item->public_ns / 1e9;
  const char *fast_args[] = { "--data-dir", data_dir, "clip", id, "--item", "2", NULL };
  const char *exact_args[] = { "--data-dir", data_dir, "clip", id, "--item", "2", "--mode",
                               "exact", "-o", exact_path, NULL };
  const char *reversed[] = { "--data-dir", data_dir, "clip", id, "--from", "00:00:05",
                             "--to", "00:00:02", NULL };
  const char *bad_time[] = { "--data-dir", data_dir, "clip", id, "--from", "5 minutes",
                             "--to", "00:00:02", NULL };
  const char *no_item[] = { "--data-dir", data_dir, "clip", id, "--item", "42", NULL };

  /* Fast: stream copy from the keyframe at or before the in-point. The item
   * holds a second of private time, which is cut out. */
  g_assert_cmpint (run_cli (fast_args, &out, &err), ==, 0);
  g_test_message ("clip (fast): %s%s", out, err);
  g_assert_nonnull (strstr (err, "private time"));
  written = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (written), ==, 3);
  g_assert_true (g_str_has_suffix (written[0], "_kpf_pika-2_shqyrtimi-i-kornizes-afatmesme-buxhetore-2025-2027.mp4"));
  g_assert_true (g_str_has_suffix (written[1], ".jpg"));
  g_assert_true (g_file_test (written[1], G_FILE_TEST_IS_REGULAR));
  fast = tribuna_test_probe (written[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fast->video_codec, ==, "h264");
  g_assert_cmpstr (fast->audio_codec, ==, "aac");
  /* Within a GOP (2 s) of the item's public time. */
  g_assert_cmpfloat (ABS (fast->duration - item_public_s), <=, 2.0);
  order = mp4_box_order (written[0]);
  g_assert_true (strstr (order, "moov") < strstr (order, "mdat"));
  g_clear_pointer (&order, g_free);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Exact: frame-accurate, so within a frame or two of the public time. */
  g_assert_cmpint (run_cli (exact_args, &out, &err), ==, 0);
  g_test_message ("clip (exact): %s%s", out, err);
  exact = tribuna_test_probe (exact_path, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ABS (exact->duration - item_public_s), <=, 0.1);
  order = mp4_box_order (exact_path);
  g_assert_true (strstr (order, "moov") < strstr (order, "mdat"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Bad requests: a clear error, and no file. */
  g_assert_cmpint (run_cli (reversed, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "end after it starts"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (bad_time, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "HH:MM:SS"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (no_item, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "42"));

  /* Both clips are counted in the archive. */
  archive = tribuna_archive_open (data_dir, &error);
  g_assert_no_error (error);
  clips = tribuna_archive_list_clips (archive, session_id, &error);
  g_assert_cmpuint (clips->len, ==, 2);
  g_assert_cmpstr (((TribunaClip *) g_ptr_array_index (clips, 0))->mode, ==, "fast");
  g_assert_cmpstr (((TribunaClip *) g_ptr_array_index (clips, 1))->mode, ==, "exact");
}

static void
on_engine_clip (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TribunaClipResult **clip = user_data;
  g_autoptr(GError) error = NULL;

  *clip = tribuna_engine_export_clip_finish (TRIBUNA_ENGINE (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* The same export through the engine, as the console and the HTTP API make it. */
static void
check_engine_clip (const char *data_dir,
                   gint64      session_id)
{
  g_autoptr(TribunaEngine) engine = make_engine (data_dir);
  g_autoptr(TribunaClipResult) clip = NULL;
  g_autoptr(GPtrArray) clips = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sidecar = NULL;

  tribuna_engine_export_clip_async (engine, session_id, "4", 0, 0, TRIBUNA_CLIP_MODE_FAST,
                                    TRIBUNA_CLIP_PRESET_WEB, NULL, "redaktori", NULL,
                                    on_engine_clip, &clip);
  g_assert_true (tribuna_test_wait_until (is_set, &clip, 60));
  g_assert_true (g_file_test (tribuna_clip_result_get_media_path (clip), G_FILE_TEST_IS_REGULAR));

  g_assert_true (g_file_get_contents (tribuna_clip_result_get_sidecar_path (clip), &sidecar,
                                      NULL, NULL));
  g_assert_nonnull (strstr (sidecar, "Raporti tremujor i shpenzimeve"));
  g_assert_nonnull (strstr (sidecar, "redaktori"));

  clips = tribuna_archive_list_clips (tribuna_engine_get_archive (engine), session_id, &error);
  g_assert_cmpuint (clips->len, ==, 3);
  g_assert_cmpstr (((TribunaClip *) g_ptr_array_index (clips, 2))->created_by, ==, "redaktori");
}

/* Markers set while recording, mapped back onto the files */

static void
test_live_markers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-session-XXXXXX", &error);
  g_autoptr(TribunaEngine) engine = make_engine (data_dir);
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(GPtrArray) markers = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(TribunaSession) ended = NULL;
  g_autofree char *number = NULL;
  g_autofree char *json = NULL;
  const TribunaSegment *first;
  gint64 session_id, first_file_ns;
  GPtrArray *ranges;
  TribunaItemRange *second_item;

  session_id = start_kpf_session (engine);

  tribuna_test_iterate_for (1.0);
  g_assert_true (tribuna_engine_next_item (engine, "test", &error));
  g_object_get (engine, "item-number", &number, NULL);
  g_assert_cmpstr (number, ==, "1");
  tribuna_test_iterate_for (1.0);
  g_assert_true (tribuna_engine_set_speaker (engine, "Filan Fisteku", "Kryesues", "test", &error));
  tribuna_test_iterate_for (2.5);   /* across the first segment boundary */
  g_assert_true (tribuna_engine_next_item (engine, "test", &error));
  tribuna_test_iterate_for (1.0);
  g_assert_true (tribuna_engine_set_private (engine, TRUE, "test", &error));
  tribuna_test_iterate_for (1.0);
  g_assert_true (tribuna_engine_set_private (engine, FALSE, "test", &error));
  tribuna_test_iterate_for (2.0);
  g_assert_true (tribuna_engine_jump_to_item (engine, "4", "test", &error));
  g_assert_no_error (error);
  tribuna_test_iterate_for (1.0);

  /* Bad requests say why and change nothing. */
  g_assert_false (tribuna_engine_jump_to_item (engine, "99", "test", &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_AGENDA);
  g_clear_error (&error);

  end_session (engine);
  g_assert_false (tribuna_engine_next_item (engine, "test", &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_SESSION);
  g_clear_error (&error);

  ended = tribuna_archive_get_session (tribuna_engine_get_archive (engine), session_id, &error);
  g_assert_cmpint (ended->state, ==, TRIBUNA_SESSION_ENDED);
  markers = tribuna_archive_list_markers (tribuna_engine_get_archive (engine), session_id, &error);
  g_assert_cmpuint (markers->len, ==, 6);
  segments = tribuna_archive_list_segments (tribuna_engine_get_archive (engine), session_id, &error);
  g_assert_cmpuint (segments->len, >=, 3);
  for (guint i = 0; i < segments->len; i++)
    {
      const TribunaSegment *segment = g_ptr_array_index (segments, i);

      g_assert_cmpint (segment->state, ==, TRIBUNA_SEGMENT_CLOSED);
      g_assert_nonnull (segment->sha256);
      /* Dated by the wall clock of the session, even the first one, which
       * opens before the program has told anyone it runs. */
      g_assert_cmpint (segment->start_wall_us, >=, ended->started_us - G_USEC_PER_SEC);
      g_assert_cmpint (segment->start_wall_us, <=, ended->ended_us);
      /* The archive's duration is the file's, to within a frame. */
      g_assert_cmpfloat_with_epsilon (segment->duration_ns / 1e9,
                                      file_duration_s (data_dir, segment), 0.05);
    }

  timeline = tribuna_timeline_new_for_session (tribuna_engine_get_archive (engine), session_id,
                                               &error);
  g_assert_no_error (error);
  first = g_ptr_array_index (segments, 0);
  first_file_ns = file_start_ns (data_dir, first);

  for (guint i = 0; i < markers->len; i++)
    {
      const TribunaMarker *marker = g_ptr_array_index (markers, i);
      TribunaTimelinePoint point;
      gint64 in_file_ns, expected_ns;

      g_assert_cmpint (marker->running_time_ns, >=, 0);
      g_assert_true (tribuna_timeline_map_marker (timeline, marker, &point, &error));
      g_assert_no_error (error);
      g_assert_true (point.exact);
      g_assert_cmpint (point.offset_ns, >=, 0);
      g_assert_cmpfloat (point.offset_ns / 1e9, <=, file_duration_s (data_dir, point.segment));

      /* Non-circular: where the file itself puts that offset, against where the
       * program's clock put the marker. */
      in_file_ns = file_start_ns (data_dir, point.segment) + point.offset_ns - first_file_ns;
      expected_ns = marker->running_time_ns - first->start_running_time_ns;
      g_test_message ("marker %s: %s +%.3f s (file time %.3f s, clock %.3f s)",
                      tribuna_marker_kind_to_code (marker->kind), point.segment->path,
                      point.offset_ns / 1e9, in_file_ns / 1e9, expected_ns / 1e9);
      g_assert_cmpint (ABS (in_file_ns - expected_ns), <=, FRAME_NS);
    }

  /* Item 2 ran ~4 s with 1 s private inside: its public part is shorter by that. */
  ranges = tribuna_timeline_get_item_ranges (timeline);
  second_item = g_ptr_array_index (ranges, 1);
  g_assert_cmpint (second_item->start_ns, >=, 0);
  g_assert_cmpint (second_item->public_ranges->len, ==, 2);
  g_assert_cmpfloat_with_epsilon ((second_item->end_ns - second_item->start_ns
                                   - second_item->public_ns) / 1e9, 1.0, 0.1);

  json = tribuna_timeline_format_chapters (timeline, TRIBUNA_CHAPTER_FORMAT_JSON, NULL, NULL,
                                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "Miratimi i rendit të ditës"));
  g_assert_nonnull (strstr (json, "Raporti tremujor i shpenzimeve"));

  shutdown_engine (engine);
  g_clear_object (&engine);
  check_clip_cli (data_dir, session_id, second_item);
  check_engine_clip (data_dir, session_id);
  tribuna_test_rm_rf (data_dir, NULL);
}

/* kill -9 in the middle of a session, then continue it */

static int
run_child (const char *data_dir)
{
  g_autoptr(TribunaEngine) engine = make_engine (data_dir);
  g_autoptr(GError) error = NULL;
  gint64 session_id = start_kpf_session (engine);

  g_assert_true (tribuna_engine_next_item (engine, "child", &error));
  g_assert_true (tribuna_engine_set_speaker (engine, "Filane Fisteku", NULL, "child", &error));
  g_print ("session %" G_GINT64_FORMAT "\n", session_id);
  fflush (stdout);

  /* Until killed. */
  for (;;)
    tribuna_test_iterate_for (1.0);
  return 0;
}

static void
test_kill_and_continue (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-session-XXXXXX", &error);
  g_autofree char *self_path = g_test_build_filename (G_TEST_BUILT, "session-test", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(TribunaEngine) engine = NULL;
  g_autoptr(GPtrArray) markers = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaTimeline) timeline = NULL;
  gint64 session_id;
  guint first_run_segments;
  g_autofree char *folder = NULL;

  g_subprocess_launcher_setenv (launcher, CHILD_ENV, data_dir, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, self_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  /* Whatever else the child prints, its session id comes on a line of its own. */
  do
    {
      g_free (line);
      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
    }
  while (!g_str_has_prefix (line, "session "));
  session_id = g_ascii_strtoll (line + strlen ("session "), NULL, 10);

  /* A segment closes, the next is being written. With 3 s segments and a keyframe every
   * 2 s the first split comes 4 s in, give or take a frame (each output that attaches asks
   * for a keyframe of its own: the public session's live page does): 5 s is safely past it
   * and well before the next split. */
  g_usleep (5 * G_USEC_PER_SEC);
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);

  /* Reopening the data directory, as tribunad does at start, finds it cut short. */
  engine = make_engine (data_dir);
  session = tribuna_archive_get_session (tribuna_engine_get_archive (engine), session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, TRIBUNA_SESSION_INTERRUPTED);
  markers = tribuna_archive_list_markers (tribuna_engine_get_archive (engine), session_id, &error);
  g_assert_cmpuint (markers->len, ==, 2);
  segments = tribuna_archive_list_segments (tribuna_engine_get_archive (engine), session_id, &error);
  first_run_segments = segments->len;
  g_assert_cmpuint (first_run_segments, >=, 2);
  /* The segment the crash cut is closed again, measured from the file (it may
   * hold no more than a frame if the kill came right after it opened). */
  for (guint i = 0; i < segments->len; i++)
    {
      const TribunaSegment *segment = g_ptr_array_index (segments, i);

      g_assert_cmpint (segment->state, ==, TRIBUNA_SEGMENT_CLOSED);
      g_assert_cmpint (segment->duration_ns, >=, 0);
      g_assert_cmpint (segment->bytes, >, 0);
    }
  g_clear_pointer (&segments, g_ptr_array_unref);
  g_clear_pointer (&markers, g_ptr_array_unref);

  /* Continue it: same session, same folder, new segments. */
  g_assert_true (tribuna_engine_start (engine, &error));
  g_assert_true (tribuna_engine_open_session (engine, session_id, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_start_session (engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (tribuna_test_engine_is_recording, engine, 10));
  tribuna_test_iterate_for (1.5);
  g_assert_true (tribuna_engine_jump_to_item (engine, "2", "test", &error));
  g_assert_no_error (error);
  tribuna_test_iterate_for (1.5);
  end_session (engine);

  markers = tribuna_archive_list_markers (tribuna_engine_get_archive (engine), session_id, &error);
  g_assert_cmpuint (markers->len, ==, 3);
  segments = tribuna_archive_list_segments (tribuna_engine_get_archive (engine), session_id, &error);
  g_assert_cmpuint (segments->len, >, first_run_segments);
  folder = g_path_get_dirname (((TribunaSegment *) g_ptr_array_index (segments, 0))->path);
  for (guint i = 0; i < segments->len; i++)
    {
      g_autofree char *dir = g_path_get_dirname (((TribunaSegment *) g_ptr_array_index (segments, i))->path);

      g_assert_cmpstr (dir, ==, folder);
    }

  /* The marker set after the crash lands in a segment of the second run. */
  timeline = tribuna_timeline_new_for_session (tribuna_engine_get_archive (engine), session_id,
                                               &error);
  g_assert_no_error (error);
  {
    TribunaTimelinePoint point;
    const TribunaMarker *after = g_ptr_array_index (markers, 2);

    g_assert_true (tribuna_timeline_map_marker (timeline, after, &point, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < first_run_segments; i++)
      g_assert_cmpint (point.segment->id, !=,
                       ((TribunaSegment *) g_ptr_array_index (segments, i))->id);
  }

  shutdown_engine (engine);
  g_clear_object (&engine);
  tribuna_test_rm_rf (data_dir, NULL);
}

int
main (int   argc,
      char *argv[])
{
  const char *child_dir = g_getenv (CHILD_ENV);

  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  if (child_dir != NULL)
    {
      /* If the test dies first, so does the child: nothing is left recording. */
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      return run_child (child_dir);
    }

  g_test_add_func ("/integration/session/live-markers", test_live_markers);
  g_test_add_func ("/integration/session/kill-and-continue", test_kill_and_continue);

  return g_test_run ();
}
