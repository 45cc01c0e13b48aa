/* vision-test.c: sources, the vision mixer, the slate, the meters and previews on real pipelines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sources are solid test colours (red, blue, green), so what the program shows
 * can be read off its preview frames: the preview branch is an appsink on the
 * mixed program, after the compositor, at 10 frames a second. An RTSP camera
 * is served in this process by gst-rtsp-server on loopback, stopped (its
 * clients cut off and its socket closed) and started again on the same port.
 * A microphone is a private PulseAudio server's source that hears a tone the
 * test plays into its null sink; the server is killed and started again too.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

#include "fixtures/clip-media.h"
#include "test-utils.h"
#include "tribuna-audio-devices.h"
#include "tribuna-engine.h"

typedef struct {
  char          *data_dir;
  TribunaEngine *engine;
} Fixture;

/* Colours as they come back through I420 and the RGB preview */
typedef struct {
  guint8 r, g, b;
} Rgb;

static const Rgb RED = { 255, 0, 0 };
static const Rgb BLUE = { 0, 0, 255 };
static const Rgb GREEN = { 0, 255, 0 };
/* The cards' background: 0.08, 0.12, 0.20 */
static const Rgb CARD = { 20, 31, 51 };
static const Rgb YELLOW = { 255, 255, 0 };

static TribunaEngine *
make_engine (const char *data_dir,
             const char *extra)
{
  g_autofree char *text = g_strconcat ("[program]\nwidth=640\nheight=360\nvideo-bitrate=800\n"
                                       "encoder-preset=ultrafast\n"
                                       "[recording]\nsegment-seconds=2\n", extra, NULL);

  return tribuna_test_engine_new (data_dir, text);
}

static const char three_colours[] =
  "[source Kryesuesi]\nuri=test:red\n"
  "[source Foltorja]\nuri=test:blue\n"
  "[source Salla]\nuri=test:green\n"
  "[mixer]\nfade-ms=2000\n";

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = tribuna_test_make_tmpdir ("tribuna-vision-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->engine = make_engine (fixture->data_dir, data ? data : three_colours);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_finalize_object (g_steal_pointer (&fixture->engine));
  tribuna_test_rm_rf (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_free (fixture->data_dir);
}

static gboolean
close_to (const Rgb *a,
          const Rgb *b,
          int        tolerance)
{
  return ABS ((int) a->r - b->r) <= tolerance && ABS ((int) a->g - b->g) <= tolerance
         && ABS ((int) a->b - b->b) <= tolerance;
}

static Rgb
pixel_at (TribunaPreviewFrame *frame,
          double               x,
          double               y)
{
  Rgb rgb;

  tribuna_preview_frame_get_rgb (frame, (guint) (x * tribuna_preview_frame_get_width (frame)),
                                 (guint) (y * tribuna_preview_frame_get_height (frame)),
                                 &rgb.r, &rgb.g, &rgb.b);
  return rgb;
}

/* The program's centre pixel, from the newest program preview. */
static gboolean
program_centre (TribunaEngine *engine,
                Rgb           *rgb)
{
  g_autoptr(TribunaPreviewFrame) frame = tribuna_engine_get_preview_frame (engine, NULL);

  if (frame == NULL)
    return FALSE;
  *rgb = pixel_at (frame, 0.5, 0.5);
  return TRUE;
}

typedef struct {
  TribunaEngine *engine;
  const Rgb     *colour;
} ColourWait;

static gboolean
centre_is (gpointer user_data)
{
  ColourWait *wait = user_data;
  Rgb rgb;

  return program_centre (wait->engine, &rgb) && close_to (&rgb, wait->colour, 40);
}

static gboolean
wait_for_colour (TribunaEngine *engine,
                 const Rgb     *colour,
                 double         timeout_s)
{
  ColourWait wait = { engine, colour };

  return tribuna_test_wait_until (centre_is, &wait, timeout_s);
}

static void
start_with_previews (TribunaEngine *engine)
{
  g_autoptr(GError) error = NULL;

  tribuna_engine_set_previews_enabled (engine, TRUE);
  tribuna_engine_set_meters_enabled (engine, TRUE);
  g_assert_true (tribuna_engine_start (engine, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_colour (engine, &RED, 10));
}

static gboolean
source_is_live (gpointer user_data)
{
  return tribuna_source_pipeline_get_state (user_data) == TRIBUNA_SOURCE_LIVE;
}

static void
test_sources (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *sources = tribuna_engine_get_sources (fixture->engine);
  g_autoptr(TribunaSourcePipeline) second = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (sources), ==, 3);
  second = g_list_model_get_item (sources, 1);
  g_assert_cmpstr (tribuna_source_pipeline_get_name (second), ==, "Foltorja");
  g_assert_cmpstr (tribuna_engine_get_program_source (fixture->engine), ==, "Kryesuesi");
  g_assert_cmpstr (tribuna_engine_get_preview_source (fixture->engine), ==, "Foltorja");

  start_with_previews (fixture->engine);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TribunaSourcePipeline) source = g_list_model_get_item (sources, i);

      g_assert_true (tribuna_test_wait_until (source_is_live, source, 2));
    }
}

/* A cut shows the new source within a few frames: 0.3 s is three frames of the
 * 10 fps preview, nine of the program. */
static void
test_cut (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start;
  double seconds;

  start_with_previews (fixture->engine);
  tribuna_engine_set_preview_source (fixture->engine, "Salla", &error);
  g_assert_no_error (error);
  g_assert_false (tribuna_engine_set_preview_source (fixture->engine, "Tavani", &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_UNKNOWN_SOURCE);
  g_clear_error (&error);

  start = g_get_monotonic_time ();
  g_assert_true (tribuna_engine_cut (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_colour (fixture->engine, &GREEN, 2));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("the cut showed on the program preview after %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, 0.35);

  g_assert_cmpstr (tribuna_engine_get_program_source (fixture->engine), ==, "Salla");
  g_assert_cmpstr (tribuna_engine_get_preview_source (fixture->engine), ==, "Kryesuesi");
  g_assert_true (tribuna_engine_cut (fixture->engine, &error));
  g_assert_true (wait_for_colour (fixture->engine, &RED, 2));
}

typedef struct {
  TribunaEngine *engine;
  guint          n_frames;
  guint          n_blends;
  Rgb            blend;
} FadeWatch;

/* During a red→blue fade every frame is red·(1−t) + blue·t: red and blue add up
 * to full scale, green stays off; mid-way both are well inside (0, 255). */
static void
on_fade_frame (TribunaEngine       *engine,
               const char          *source,
               TribunaPreviewFrame *frame,
               FadeWatch           *watch)
{
  Rgb rgb;

  if (source != NULL)
    return;

  rgb = pixel_at (frame, 0.5, 0.5);
  watch->n_frames++;
  if (rgb.r > 70 && rgb.r < 185 && rgb.b > 70 && rgb.b < 185)
    {
      g_assert_cmpint (rgb.g, <, 40);
      g_assert_cmpint (ABS ((int) rgb.r + rgb.b - 255), <, 40);
      watch->n_blends++;
      watch->blend = rgb;
    }
}

static void
test_fade (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FadeWatch watch = { fixture->engine };
  gulong handler;

  start_with_previews (fixture->engine);
  handler = g_signal_connect (fixture->engine, "preview-frame", G_CALLBACK (on_fade_frame), &watch);
  g_assert_true (tribuna_engine_fade (fixture->engine, &error));
  g_assert_no_error (error);
  tribuna_test_iterate_for (1.2);
  /* Mid-fade (2 s): neither colour alone. */
  {
    Rgb rgb = { 0 };

    g_assert_true (program_centre (fixture->engine, &rgb));
    g_assert_false (close_to (&rgb, &RED, 40));
    g_assert_false (close_to (&rgb, &BLUE, 40));
  }
  g_assert_true (wait_for_colour (fixture->engine, &BLUE, 3));
  g_signal_handler_disconnect (fixture->engine, handler);

  g_test_message ("%u of %u preview frames were blends, e.g. %u,%u,%u", watch.n_blends,
                  watch.n_frames, watch.blend.r, watch.blend.g, watch.blend.b);
  g_assert_cmpuint (watch.n_blends, >=, 5);
}

static void
test_pip (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaPreviewFrame) frame = NULL;
  Rgb inset, main;

  start_with_previews (fixture->engine);
  g_assert_true (tribuna_engine_set_layout (fixture->engine, TRIBUNA_LAYOUT_PIP, "Salla", &error));
  g_assert_no_error (error);
  tribuna_test_iterate_for (0.5);

  frame = tribuna_engine_get_preview_frame (fixture->engine, NULL);
  /* The inset: a third of the frame, top right, 1/32 of the width from the edges. */
  inset = pixel_at (frame, 1.0 - 1.0 / 32 - 1.0 / 6, 1.0 / 18 + 1.0 / 6);
  main = pixel_at (frame, 0.3, 0.6);
  g_assert_true (close_to (&inset, &GREEN, 40));
  g_assert_true (close_to (&main, &RED, 40));
  g_assert_cmpint (tribuna_engine_get_layout (fixture->engine), ==, TRIBUNA_LAYOUT_PIP);

  g_assert_true (tribuna_engine_set_layout (fixture->engine, TRIBUNA_LAYOUT_FULL, NULL, &error));
  tribuna_test_iterate_for (0.5);
  g_clear_pointer (&frame, tribuna_preview_frame_unref);
  frame = tribuna_engine_get_preview_frame (fixture->engine, NULL);
  inset = pixel_at (frame, 1.0 - 1.0 / 32 - 1.0 / 6, 1.0 / 18 + 1.0 / 6);
  g_assert_true (close_to (&inset, &RED, 40));
}

static void
test_source_previews_and_snapshot (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaPreviewFrame) blue = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  const guint8 *bytes;
  gsize size;
  Rgb rgb;

  start_with_previews (fixture->engine);
  tribuna_test_iterate_for (0.5);
  blue = tribuna_engine_get_preview_frame (fixture->engine, "Foltorja");
  g_assert_nonnull (blue);
  g_assert_cmpuint (tribuna_preview_frame_get_width (blue), ==, 320);
  g_assert_cmpuint (tribuna_preview_frame_get_height (blue), ==, 180);
  rgb = pixel_at (blue, 0.5, 0.5);
  g_assert_true (close_to (&rgb, &BLUE, 40));

  jpeg = tribuna_engine_snapshot_jpeg (fixture->engine, NULL, &error);
  g_assert_no_error (error);
  bytes = g_bytes_get_data (jpeg, &size);
  g_assert_cmpuint (size, >, 1000);
  g_assert_cmpuint (bytes[0], ==, 0xff);
  g_assert_cmpuint (bytes[1], ==, 0xd8);
  g_clear_pointer (&jpeg, g_bytes_unref);
  jpeg = tribuna_engine_snapshot_jpeg (fixture->engine, "Salla", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (jpeg), >, 1000);
}

/* Sources come and go while the program runs: frames keep coming, the recording
 * keeps growing, and the new source can be cut to. */
typedef struct {
  TribunaEngine *engine;
  guint          n_frames;
} FrameCount;

static void
on_program_frame (TribunaEngine       *engine,
                  const char          *source,
                  TribunaPreviewFrame *frame,
                  FrameCount          *count)
{
  if (source == NULL)
    count->n_frames++;
}

static void
test_add_remove (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FrameCount count = { fixture->engine };
  gulong handler;

  start_with_previews (fixture->engine);
  handler = g_signal_connect (fixture->engine, "preview-frame", G_CALLBACK (on_program_frame),
                              &count);

  g_assert_true (tribuna_engine_add_source (fixture->engine, "Tavani", "test:white", &error));
  g_assert_no_error (error);
  g_assert_false (tribuna_engine_add_source (fixture->engine, "Tavani", "test:black", &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_DUPLICATE_SOURCE);
  g_clear_error (&error);
  g_assert_false (tribuna_engine_add_source (fixture->engine, "Dritarja", "test:nope", &error));
  g_assert_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_URI);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (tribuna_engine_get_sources (fixture->engine)), ==, 4);
  g_assert_true (tribuna_test_wait_until (source_is_live,
                                          tribuna_engine_find_source (fixture->engine, "Tavani"),
                                          10));

  g_assert_true (tribuna_engine_set_preview_source (fixture->engine, "Tavani", &error));
  g_assert_true (tribuna_engine_cut (fixture->engine, &error));
  g_assert_no_error (error);
  {
    static const Rgb white = { 255, 255, 255 };

    g_assert_true (wait_for_colour (fixture->engine, &white, 2));
  }

  /* Not the one on program; the others can go. */
  g_assert_false (tribuna_engine_remove_source (fixture->engine, "Tavani", &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_true (tribuna_engine_remove_source (fixture->engine, "Foltorja", &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_remove_source (fixture->engine, "Kryesuesi", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tribuna_engine_get_preview_source (fixture->engine), ==, "Tavani");
  g_assert_cmpuint (g_list_model_get_n_items (tribuna_engine_get_sources (fixture->engine)), ==, 2);

  /* The program never paused: ten previews a second throughout. */
  count.n_frames = 0;
  tribuna_test_iterate_for (1.0);
  g_assert_cmpuint (count.n_frames, >=, 8);
  g_assert_cmpuint (count.n_frames, <=, 12);
  g_assert_cmpint (tribuna_engine_get_program_state (fixture->engine), ==, TRIBUNA_PROGRAM_RUNNING);
  g_signal_handler_disconnect (fixture->engine, handler);
}

/* Meters */

typedef struct {
  const char         *source;   /* NULL: the program */
  guint               n;
  TribunaAudioLevels  last;
} LevelWatch;

static void
on_levels (TribunaEngine      *engine,
           const char         *source,
           TribunaAudioLevels *levels,
           LevelWatch         *watch)
{
  if (g_strcmp0 (source, watch->source) != 0)
    return;

  watch->n++;
  watch->last = *levels;
}

static LevelWatch
read_levels (TribunaEngine *engine,
             const char    *source,
             double         seconds)
{
  LevelWatch watch = { source };
  gulong handler = g_signal_connect (engine, "levels", G_CALLBACK (on_levels), &watch);

  tribuna_test_iterate_for (seconds);
  g_signal_handler_disconnect (engine, handler);
  return watch;
}

/* The test tone is a 1 kHz sine at amplitude 0.1: peak -20 dBFS, RMS -23.0 dBFS. */
static void
assert_tone (const TribunaAudioLevels *levels)
{
  g_assert_cmpuint (levels->n_channels, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpfloat_with_epsilon (levels->peak_db[i], -20.0, 1.0);
      g_assert_cmpfloat_with_epsilon (levels->rms_db[i], -20.0 - 10 * log10 (2), 1.0);
    }
}

static void
test_levels (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  LevelWatch watch;

  start_with_previews (fixture->engine);
  watch = read_levels (fixture->engine, "Foltorja", 1.0);
  g_test_message ("%u readings a second; Foltorja: peak %.2f, RMS %.2f dBFS", watch.n,
                  watch.last.peak_db[0], watch.last.rms_db[0]);
  g_assert_cmpuint (watch.n, >=, 15);
  g_assert_cmpuint (watch.n, <=, 25);
  assert_tone (&watch.last);

  /* One source in the mix: the program reads its tone. */
  tribuna_engine_set_source_muted (fixture->engine, "Foltorja", TRUE, &error);
  tribuna_engine_set_source_muted (fixture->engine, "Salla", TRUE, &error);
  g_assert_no_error (error);
  watch = read_levels (fixture->engine, NULL, 1.0);
  assert_tone (&watch.last);
  g_assert_nonnull (tribuna_engine_get_program_levels (fixture->engine));

  /* +6 dB of gain reads 6 dB louder. */
  tribuna_engine_set_source_gain (fixture->engine, "Kryesuesi", 6.0, &error);
  g_assert_no_error (error);
  watch = read_levels (fixture->engine, NULL, 0.6);
  g_assert_cmpfloat_with_epsilon (watch.last.peak_db[0], -14.0, 1.0);
  g_assert_false (tribuna_engine_set_source_gain (fixture->engine, "Kryesuesi", 40.0, &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE);

  /* Meters off: no source readings, the program's at 10 a second. */
  tribuna_engine_set_meters_enabled (fixture->engine, FALSE);
  tribuna_test_iterate_for (0.3);
  watch = read_levels (fixture->engine, "Kryesuesi", 1.0);
  g_assert_cmpuint (watch.n, ==, 0);
  watch = read_levels (fixture->engine, NULL, 1.0);
  g_assert_cmpuint (watch.n, >=, 8);
  g_assert_cmpuint (watch.n, <=, 12);
}

/* Three test sources, each on a pitch of its own: the mix reads the sum of their powers,
 * -23.0 + 10 log10 3 = -18.2 dBFS RMS, whatever their phases. On one pitch it would read
 * anything from -13.5 dBFS down to silence, by the chance of when each started. */
static void
test_test_tones (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *names[] = { "Kryesuesi", "Foltorja", "Salla" };
  LevelWatch watch;

  start_with_previews (fixture->engine);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (tribuna_test_wait_until (source_is_live,
                                            tribuna_engine_find_source (fixture->engine, names[i]),
                                            10));
  tribuna_test_iterate_for (0.5);
  watch = read_levels (fixture->engine, NULL, 1.0);
  g_test_message ("three test sources: program RMS %.2f dBFS", watch.last.rms_db[0]);
  g_assert_cmpuint (watch.last.n_channels, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpfloat_with_epsilon (watch.last.rms_db[i], -20.0 - 10 * log10 (2) + 10 * log10 (3),
                                    1.0);
}

/* A camera that is not there stands in as a test pattern, with no test tone over the
 * hall's sound: nothing of it reaches the mix. */
static void
test_missing_camera_is_silent (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-vision-XXXXXX", &error);
  g_autoptr(TribunaEngine) engine = NULL;
  TribunaSourcePipeline *camera;
  LevelWatch watch;

  g_assert_no_error (error);
  g_test_expect_message ("tribuna-engine", G_LOG_LEVEL_WARNING,
                         "*Kamera: no camera at*test pattern instead*");
  engine = make_engine (data_dir, "[source Kamera]\nuri=v4l2:///dev/tribuna-no-such-camera\n"
                                  "[source Salla]\nuri=test:green\n");
  g_test_assert_expected_messages ();
  tribuna_engine_set_meters_enabled (engine, TRUE);
  g_assert_true (tribuna_engine_start (engine, &error));
  g_assert_no_error (error);
  camera = tribuna_engine_find_source (engine, "Kamera");
  g_assert_true (tribuna_test_wait_until (source_is_live, camera, 10));
  g_assert_true (tribuna_test_wait_until (source_is_live,
                                          tribuna_engine_find_source (engine, "Salla"), 10));

  watch = read_levels (engine, "Kamera", 1.0);
  g_assert_cmpuint (watch.n, ==, 0);
  watch = read_levels (engine, "Salla", 1.0);
  assert_tone (&watch.last);
  watch = read_levels (engine, NULL, 1.0);
  assert_tone (&watch.last);

  g_assert_finalize_object (g_steal_pointer (&engine));
  tribuna_test_rm_rf (data_dir, &error);
  g_assert_no_error (error);
}

/* The break */

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_recording_stopped (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tribuna_engine_stop_recording_finish (TRIBUNA_ENGINE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
stop_recording (TribunaEngine *engine)
{
  gboolean done = FALSE;

  tribuna_engine_stop_recording_async (engine, NULL, on_recording_stopped, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
}

static void
start_session (TribunaEngine *engine)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaSession) session = NULL;

  session = tribuna_engine_create_session (engine, TRIBUNA_SESSION_TYPE_ASSEMBLY,
                                           "Seanca e Kuvendit", NULL, NULL, TRUE, &error);
  g_assert_no_error (error);
  tribuna_engine_open_session (engine, session->id, &error);
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_start_session (engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (tribuna_test_engine_is_recording, engine, 10));
}

static void
on_session_ended (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tribuna_engine_end_session_finish (TRIBUNA_ENGINE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
end_session (TribunaEngine *engine)
{
  gboolean done = FALSE;

  tribuna_engine_end_session_async (engine, NULL, on_session_ended, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
}

/* The slate's corner: its background, away from the text. */
static gboolean
corner_is (gpointer user_data)
{
  ColourWait *wait = user_data;
  g_autoptr(TribunaPreviewFrame) frame = tribuna_engine_get_preview_frame (wait->engine, NULL);
  Rgb rgb;

  if (frame == NULL)
    return FALSE;
  rgb = pixel_at (frame, 0.05, 0.9);
  return close_to (&rgb, wait->colour, 12);
}

static void
test_slate (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ColourWait card = { fixture->engine, &CARD };
  LevelWatch watch;

  start_with_previews (fixture->engine);
  start_session (fixture->engine);
  tribuna_engine_set_source_muted (fixture->engine, "Foltorja", TRUE, &error);
  tribuna_engine_set_source_muted (fixture->engine, "Salla", TRUE, &error);

  g_assert_true (tribuna_engine_set_break (fixture->engine, TRUE, "test", &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (corner_is, &card, 2));
  /* The hall is off the program; its microphones still read on their meters. */
  tribuna_test_iterate_for (0.3);
  watch = read_levels (fixture->engine, NULL, 0.5);
  g_assert_cmpfloat (watch.last.peak_db[0], <, -90.0);
  watch = read_levels (fixture->engine, "Kryesuesi", 0.5);
  assert_tone (&watch.last);

  g_assert_true (tribuna_engine_set_break (fixture->engine, FALSE, "test", &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_colour (fixture->engine, &RED, 2));
  tribuna_test_iterate_for (0.3);
  watch = read_levels (fixture->engine, NULL, 0.5);
  assert_tone (&watch.last);
  end_session (fixture->engine);
}

/* The loudest sample of a recording's sound, in dBFS, as ffmpeg measures it. */
static double
recorded_max_volume (const char *data_dir)
{
  g_autofree char *dir = g_build_filename (data_dir, "recordings", NULL);
  g_autoptr(GPtrArray) files = tribuna_test_find_files (dir, ".ts");
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *input = NULL;
  const char *found;
  int status;

  g_assert_cmpuint (files->len, >, 0);
  input = files->len == 1 ? g_strdup (g_ptr_array_index (files, 0))
                          : tribuna_test_concat_input (files);
  {
    const char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-i", input, "-vn",
                           "-af", "volumedetect", "-f", "null", "-", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                  NULL, NULL, NULL, &output, &status, &error);
  }
  g_assert_no_error (error);
  found = strstr (output, "max_volume: ");
  g_assert_nonnull (found);
  return g_ascii_strtod (found + strlen ("max_volume: "), NULL);
}

static void
test_mute_records_silence (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  LevelWatch watch;
  double max_db;

  start_with_previews (fixture->engine);
  for (guint i = 0; i < 3; i++)
    {
      const char *names[] = { "Kryesuesi", "Foltorja", "Salla" };

      g_assert_true (tribuna_engine_set_source_muted (fixture->engine, names[i], TRUE, &error));
      g_assert_no_error (error);
    }

  tribuna_test_iterate_for (0.3);
  watch = read_levels (fixture->engine, NULL, 0.5);
  g_test_message ("program peak %.1f dBFS", watch.last.peak_db[0]);
  g_assert_cmpfloat (watch.last.peak_db[0], <, -90.0);

  g_assert_true (tribuna_engine_start_recording (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (tribuna_test_engine_is_recording, fixture->engine, 10));
  tribuna_test_iterate_for (3);
  stop_recording (fixture->engine);

  max_db = recorded_max_volume (fixture->data_dir);
  g_test_message ("all sources muted: the recording's loudest sample is %.1f dBFS", max_db);
  g_assert_cmpfloat (max_db, <, -80.0);
}

/* The lower third */

/* Albanian letters in a font that has them: Pango reports no unknown glyphs
 * (boxes). A character no installed font has shows the check can fail. */
static void
test_lower_third_glyphs (void)
{
  TribunaLowerThirdTheme theme = { (char *) "DejaVu Sans", 0xd8102a4c, 0xffffffff, 0xffd4a017 };
  g_autoptr(TribunaLowerThird) lower_third = tribuna_lower_third_new (1280, 720, &theme);

  tribuna_lower_third_set_text (lower_third, "Çlirim Ëndërr Bërisha", "Kryesues i Kuvendit",
                                "3. Shqyrtimi i projektbuxhetit për vitin 2025: çështje, "
                                "ndryshime dhe plotësime të propozuara nga komitetet, "
                                "që zgjat shumë më tepër se dy rreshta në ekran");
  g_assert_cmpuint (tribuna_lower_third_get_unknown_glyphs (lower_third), ==, 0);

  /* U+10FFFD (plane 16, private use): no font draws it. */
  tribuna_lower_third_set_text (lower_third, "Ç ë \xf4\x8f\xbf\xbd", NULL, NULL);
  g_assert_cmpuint (tribuna_lower_third_get_unknown_glyphs (lower_third), >, 0);
}

static void
count_changes (TribunaPreviewFrame *before,
               TribunaPreviewFrame *after,
               guint               *inside,
               guint               *outside)
{
  guint width = tribuna_preview_frame_get_width (after);
  guint height = tribuna_preview_frame_get_height (after);

  *inside = *outside = 0;
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        double fx = (double) x / width, fy = (double) y / height;
        Rgb a, b;

        /* The test pattern's own clock, top right, ticks by itself. */
        if (fx > 0.6 && fy < 0.2)
          continue;
        tribuna_preview_frame_get_rgb (before, x, y, &a.r, &a.g, &a.b);
        tribuna_preview_frame_get_rgb (after, x, y, &b.r, &b.g, &b.b);
        if (close_to (&a, &b, 24))
          continue;
        /* One preview pixel of slack for the scaling's blur at the edges. */
        if (fx >= TRIBUNA_LOWER_THIRD_LEFT - 2.0 / width
            && fx <= TRIBUNA_LOWER_THIRD_RIGHT + 2.0 / width
            && fy >= TRIBUNA_LOWER_THIRD_TOP - 2.0 / height
            && fy <= TRIBUNA_LOWER_THIRD_BOTTOM + 2.0 / height)
          (*inside)++;
        else
          (*outside)++;
      }
}

static void
test_lower_third (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaPreviewFrame) before = NULL;
  g_autoptr(TribunaPreviewFrame) after = NULL;
  guint inside, outside, area;

  start_with_previews (fixture->engine);
  start_session (fixture->engine);
  tribuna_test_iterate_for (0.3);
  before = tribuna_engine_get_preview_frame (fixture->engine, NULL);

  g_assert_true (tribuna_engine_set_speaker (fixture->engine, "Çlirim Ëndërr Bërisha",
                                             "Kryesues i Kuvendit", "test", &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_set_lower_third_visible (fixture->engine, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_get_lower_third_visible (fixture->engine));
  tribuna_test_iterate_for (0.8);   /* past the 0.4 s fade */
  after = tribuna_engine_get_preview_frame (fixture->engine, NULL);

  count_changes (before, after, &inside, &outside);
  area = 640 * 360 * (TRIBUNA_LOWER_THIRD_RIGHT - TRIBUNA_LOWER_THIRD_LEFT)
         * (TRIBUNA_LOWER_THIRD_BOTTOM - TRIBUNA_LOWER_THIRD_TOP);
  g_test_message ("lower third: %u pixels changed inside its area (%u), %u outside",
                  inside, area, outside);
  g_assert_cmpuint (outside, ==, 0);
  g_assert_cmpuint (inside, >, area / 5);

  g_assert_true (tribuna_engine_set_lower_third_visible (fixture->engine, FALSE, &error));
  tribuna_test_iterate_for (0.8);
  g_clear_pointer (&after, tribuna_preview_frame_unref);
  after = tribuna_engine_get_preview_frame (fixture->engine, NULL);
  count_changes (before, after, &inside, &outside);
  g_assert_cmpuint (inside + outside, ==, 0);
  end_session (fixture->engine);
}

/* An A/V offset: a file with a flash and a beep together every second is
 * recorded without, then with 300 ms; in the second recording each beep comes
 * 300 ms later after its flash than in the first. */
static double
beep_after_flash (const char *data_dir,
                  guint       run)
{
  g_autofree char *root = g_build_filename (data_dir, "recordings", NULL);
  g_autoptr(GPtrArray) files = tribuna_test_find_files (root, ".ts");
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ClipMediaTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  double sum = 0;
  guint n = 0;

  /* One folder per recording, in the order they were made (their names sort by time). */
  for (guint i = 0; i < files->len; i++)
    {
      char *folder = g_path_get_dirname (g_ptr_array_index (files, i));

      if (!g_ptr_array_find_with_equal_func (folders, folder, g_str_equal, NULL))
        g_ptr_array_add (folders, folder);
      else
        g_free (folder);
    }
  g_assert_cmpuint (folders->len, >, run);
  for (guint i = 0; i < files->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (files, i), g_ptr_array_index (folders, run)))
      g_ptr_array_add (mine, g_strdup (g_ptr_array_index (files, i)));

  /* MPEG-TS segments join by plain concatenation (the trace takes one plain path). */
  input = g_strdup_printf ("%s/run-%u.ts", data_dir, run);
  {
    g_autoptr(GString) joined = g_string_new (NULL);

    for (guint i = 0; i < mine->len; i++)
      {
        g_autofree char *contents = NULL;
        gsize length;

        g_assert_true (g_file_get_contents (g_ptr_array_index (mine, i), &contents, &length,
                                            NULL));
        g_string_append_len (joined, contents, length);
      }
    g_assert_true (g_file_set_contents (input, joined->str, joined->len, NULL));
  }
  trace = clip_media_trace (input, TRUE, &error);
  g_assert_no_error (error);

  /* Each beep against the flash before it, less than a second back. */
  for (guint b = 0; b < trace->beeps->len; b++)
    {
      double beep = g_array_index (trace->beeps, double, b);

      for (guint f = trace->flashes->len; f-- > 0;)
        {
          double flash = g_array_index (trace->flashes, double, f);

          if (flash <= beep + 0.2 && beep - flash < 0.8)
            {
              sum += beep - flash;
              n++;
              break;
            }
        }
    }

  g_assert_cmpuint (n, >=, 2);
  return sum / n;
}

static void
record_for (TribunaEngine *engine,
            double         seconds)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tribuna_engine_start_recording (engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (tribuna_test_engine_is_recording, engine, 10));
  tribuna_test_iterate_for (seconds);
  stop_recording (engine);
}

static void
test_av_offset (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-vision-XXXXXX", &error);
  g_autofree char *media = g_build_filename (data_dir, "flash-beep.mp4", NULL);
  g_autofree char *config = g_strdup_printf ("[source Foltorja]\nuri=file://%s\n", media);
  TribunaEngine *engine;
  double without, with;

  g_assert_no_error (error);
  g_assert_true (clip_media_make_source (media, 6, &error));
  g_assert_no_error (error);
  engine = make_engine (data_dir, config);
  g_assert_true (tribuna_engine_start (engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (source_is_live,
                                          tribuna_engine_find_source (engine, "Foltorja"), 10));

  record_for (engine, 4.5);
  g_assert_true (tribuna_engine_set_source_av_offset (engine, "Foltorja", 300, &error));
  g_assert_no_error (error);
  g_assert_false (tribuna_engine_set_source_av_offset (engine, "Foltorja", 5000, &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE);
  g_clear_error (&error);
  /* audiomixer takes a jump in a stream's timestamps after its discont-wait (1 s). */
  tribuna_test_iterate_for (1.5);
  record_for (engine, 4.5);
  g_assert_finalize_object (engine);

  without = beep_after_flash (data_dir, 0);
  with = beep_after_flash (data_dir, 1);
  g_test_message ("beep after flash: %.3f s without the offset, %.3f s with 300 ms", without,
                  with);
  g_assert_cmpfloat_with_epsilon (with - without, 0.300, 0.040);

  tribuna_test_rm_rf (data_dir, &error);
  g_assert_no_error (error);
}

/* The private part */

/* Decodes @input with ffmpeg into what the test needs: per video frame (2 a second)
 * the colour near the bottom-left corner, per half second of sound its peak. */
typedef struct {
  GArray *colours;   /* Rgb */
  GArray *peaks;     /* double, dBFS */
} Decoded;

static Decoded
decode_media (const char *input)
{
  Decoded decoded = { g_array_new (FALSE, FALSE, sizeof (Rgb)),
                      g_array_new (FALSE, FALSE, sizeof (double)) };
  const char *video_argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-i", input, "-an",
                               "-vf", "fps=2,scale=16:9", "-f", "rawvideo", "-pix_fmt", "rgb24",
                               "-", NULL };
  const char *audio_argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-i", input, "-vn",
                               "-ac", "1", "-ar", "8000", "-f", "s16le", "-", NULL };
  g_autoptr(GSubprocess) video = NULL;
  g_autoptr(GSubprocess) audio = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GBytes) samples = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size;

  video = g_subprocess_newv (video_argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (video, NULL, NULL, &pixels, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (pixels, &size);
  for (gsize offset = 0; offset + 16 * 9 * 3 <= size; offset += 16 * 9 * 3)
    {
      const guint8 *pixel = data + offset + (7 * 16 + 1) * 3;
      Rgb rgb = { pixel[0], pixel[1], pixel[2] };

      g_array_append_val (decoded.colours, rgb);
    }

  audio = g_subprocess_newv (audio_argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (audio, NULL, NULL, &samples, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (samples, &size);
  for (gsize offset = 0; offset + 8000 <= size; offset += 8000)
    {
      int peak = 0;
      double db;

      for (gsize i = offset; i < offset + 8000; i += 2)
        peak = MAX (peak, ABS ((int) (gint16) (data[i] | data[i + 1] << 8)));
      db = peak > 0 ? 20 * log10 (peak / 32768.0) : -120.0;
      g_array_append_val (decoded.peaks, db);
    }

  return decoded;
}

static gboolean
is_red (const Rgb *rgb)
{
  return rgb->r > 180 && rgb->g < 70 && rgb->b < 70;
}

/* The longest run of slate frames, and whether red frames come before and after it. */
static guint
slate_run (GArray   *colours,
           gboolean *red_around)
{
  guint best = 0, best_end = 0, run = 0;
  gboolean red_before = FALSE, red_after = FALSE;

  for (guint i = 0; i < colours->len; i++)
    {
      run = close_to (&g_array_index (colours, Rgb, i), &CARD, 25) ? run + 1 : 0;
      if (run > best)
        best = run, best_end = i;
    }
  for (guint i = 0; i < colours->len; i++)
    {
      if (i + best <= best_end && is_red (&g_array_index (colours, Rgb, i)))
        red_before = TRUE;
      if (i > best_end && is_red (&g_array_index (colours, Rgb, i)))
        red_after = TRUE;
    }
  *red_around = red_before && red_after;
  return best;
}

static guint
count_silent (GArray *peaks)
{
  guint n = 0;

  for (guint i = 0; i < peaks->len; i++)
    n += g_array_index (peaks, double, i) < -60.0;
  return n;
}

static gboolean
silence_alarm_is (gpointer user_data)
{
  return tribuna_engine_get_silence_alarm (user_data);
}

static gboolean
silence_alarm_is_off (gpointer user_data)
{
  return !tribuna_engine_get_silence_alarm (user_data);
}

static gboolean
destination_is_live (gpointer user_data)
{
  return tribuna_destination_get_state (user_data) == TRIBUNA_DESTINATION_LIVE;
}

/* While private, the stream shows the slate with silence and the recording the
 * hall; the stream never reconnects for it. */
static void
test_private (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-vision-XXXXXX", &error);
  TribunaTestNginx *nginx = tribuna_test_nginx_start (FALSE, &error);
  g_autofree char *url = NULL;
  g_autofree char *config = NULL;
  g_autofree char *recordings_dir = NULL;
  g_autofree char *recording = NULL;
  g_autoptr(GPtrArray) server_files = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  TribunaEngine *engine;
  TribunaDestination *destination;
  Decoded streamed, recorded;
  TribunaTestDecode *decode;
  gboolean red_around;
  guint run;

  g_assert_no_error (error);
  url = tribuna_test_nginx_url (nginx, "live", "private");
  config = g_strdup_printf ("[source Salla]\nuri=test:red\n[mixer]\nsilence-seconds=1\n"
                            "[destination Nginx]\nurl=%s\nenabled=true\n", url);
  engine = make_engine (data_dir, config);
  g_assert_true (tribuna_engine_start (engine, &error));
  g_assert_no_error (error);
  start_session (engine);
  destination = tribuna_engine_find_destination (engine, "Nginx");
  g_assert_true (tribuna_test_wait_until (destination_is_live, destination, 10));
  tribuna_test_iterate_for (3);

  g_assert_true (tribuna_engine_set_private (engine, TRUE, "test", &error));
  g_assert_no_error (error);
  tribuna_test_iterate_for (5);
  g_assert_true (tribuna_engine_set_private (engine, FALSE, "test", &error));
  g_assert_no_error (error);
  tribuna_test_iterate_for (4);
  g_assert_cmpuint (tribuna_destination_get_reconnects (destination), ==, 0);

  /* On air and silent for [mixer] silence-seconds=1: the alarm rises, and falls
   * with the sound back. */
  g_assert_false (tribuna_engine_get_silence_alarm (engine));
  tribuna_engine_set_source_muted (engine, "Salla", TRUE, &error);
  g_assert_true (tribuna_test_wait_until (silence_alarm_is, engine, 3));
  tribuna_engine_set_source_muted (engine, "Salla", FALSE, &error);
  g_assert_true (tribuna_test_wait_until (silence_alarm_is_off, engine, 2));
  end_session (engine);
  g_assert_finalize_object (engine);

  server_files = tribuna_test_nginx_recordings (nginx, "private");
  g_assert_cmpuint (server_files->len, ==, 1);
  /* Both switches at keyframes: the stream decodes without a single error. */
  decode = tribuna_test_decode (g_ptr_array_index (server_files, 0), &error);
  g_assert_no_error (error);
  g_test_message ("stream: %.2f s decoded, %u video frames, errors: %s", decode->duration,
                  decode->video_frames, decode->errors ? decode->errors : "none");
  g_assert_null (decode->errors);
  g_assert_cmpfloat (decode->timeline, <, decode->duration + 0.2);
  tribuna_test_decode_free (decode);
  streamed = decode_media (g_ptr_array_index (server_files, 0));
  run = slate_run (streamed.colours, &red_around);
  g_test_message ("stream: %u frames at 2 fps, %u of them the slate in one run; %u of %u "
                  "half-seconds silent", streamed.colours->len, run,
                  count_silent (streamed.peaks), streamed.peaks->len);
  g_assert_cmpuint (run, >=, 8);    /* about 5 s */
  g_assert_cmpuint (run, <=, 12);
  g_assert_true (red_around);
  g_assert_cmpuint (count_silent (streamed.peaks), >=, 8);

  recordings_dir = g_build_filename (data_dir, "recordings", NULL);
  segments = tribuna_test_find_files (recordings_dir, ".ts");
  recording = segments->len == 1 ? g_strdup (g_ptr_array_index (segments, 0))
                                 : tribuna_test_concat_input (segments);
  recorded = decode_media (recording);
  run = slate_run (recorded.colours, &red_around);
  g_test_message ("recording: %u frames, %u slate; %u of %u half-seconds silent",
                  recorded.colours->len, run, count_silent (recorded.peaks), recorded.peaks->len);
  g_assert_cmpuint (recorded.colours->len, >=, 20);
  g_assert_cmpuint (run, ==, 0);
  /* The hall throughout, up to the mute of the silence alarm's check at the end. */
  g_assert_cmpuint (recorded.peaks->len, >, 10);
  for (guint i = 0; i + 8 < recorded.peaks->len; i++)
    g_assert_cmpfloat (g_array_index (recorded.peaks, double, i), >, -30.0);

  g_array_unref (streamed.colours);
  g_array_unref (streamed.peaks);
  g_array_unref (recorded.colours);
  g_array_unref (recorded.peaks);
  tribuna_test_nginx_free (nginx);
  tribuna_test_rm_rf (data_dir, &error);
  g_assert_no_error (error);
}

/* An RTSP camera, served here */

typedef struct {
  GstRTSPServer *server;
  guint          source_id;
  guint          port;
  GstElement    *gate;     /* a valve in the camera's pipeline: shut, it sends nothing */
} Camera;

static void
on_media_configure (GstRTSPMediaFactory *factory,
                    GstRTSPMedia        *media,
                    Camera              *camera)
{
  g_autoptr(GstElement) element = gst_rtsp_media_get_element (media);

  gst_clear_object (&camera->gate);
  camera->gate = gst_bin_get_by_name (GST_BIN (element), "gate");
}

static Camera *
camera_start (guint port)
{
  Camera *camera = g_new0 (Camera, 1);
  g_autoptr(GstRTSPMountPoints) mounts = NULL;
  GstRTSPMediaFactory *factory = gst_rtsp_media_factory_new ();
  g_autofree char *service = g_strdup_printf ("%u", port);
  g_autoptr(GError) error = NULL;

  camera->port = port;
  camera->server = gst_rtsp_server_new ();
  g_object_set (camera->server, "address", "127.0.0.1", "service", service, NULL);
  gst_rtsp_media_factory_set_launch (factory,
                                     "( videotestsrc is-live=true pattern=solid-color "
                                     "foreground-color=0xffffff00 "
                                     "! video/x-raw,width=320,height=180,framerate=15/1 "
                                     "! valve name=gate "
                                     "! x264enc tune=zerolatency speed-preset=ultrafast "
                                     "key-int-max=15 ! rtph264pay name=pay0 pt=96 )");
  gst_rtsp_media_factory_set_shared (factory, TRUE);
  g_signal_connect (factory, "media-configure", G_CALLBACK (on_media_configure), camera);
  mounts = gst_rtsp_server_get_mount_points (camera->server);
  gst_rtsp_mount_points_add_factory (mounts, "/cam", factory);
  camera->source_id = gst_rtsp_server_attach (camera->server, NULL);
  g_assert_cmpuint (camera->source_id, !=, 0);
  return camera;
}

static GstRTSPFilterResult
remove_client (GstRTSPServer *server,
               GstRTSPClient *client,
               gpointer       user_data)
{
  return GST_RTSP_FILTER_REMOVE;
}

/* The camera dies: its clients are cut off, its socket closed. */
static void
camera_stop (Camera *camera)
{
  gst_rtsp_server_client_filter (camera->server, remove_client, NULL);
  g_source_remove (camera->source_id);
  g_object_unref (camera->server);
  gst_clear_object (&camera->gate);
  g_free (camera);
}

typedef struct {
  TribunaSourcePipeline *source;
  TribunaSourceState     state;
} StateWait;

static gboolean
state_is (gpointer user_data)
{
  StateWait *wait = user_data;

  return tribuna_source_pipeline_get_state (wait->source) == wait->state;
}

static guint64
recorded_bytes (const char *data_dir)
{
  g_autofree char *dir = g_build_filename (data_dir, "recordings", NULL);
  g_autoptr(GPtrArray) files = tribuna_test_find_files (dir, ".ts");
  guint64 total = 0;

  for (guint i = 0; i < files->len; i++)
    {
      GStatBuf st;

      if (g_stat (g_ptr_array_index (files, i), &st) == 0)
        total += st.st_size;
    }

  return total;
}

static void
test_rtsp_camera (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-vision-XXXXXX", &error);
  guint port = tribuna_test_free_port (&error);
  g_autofree char *config = g_strdup_printf ("[source Kamera]\nuri=rtsp://127.0.0.1:%u/cam\n"
                                             "[source Salla]\nuri=test:green\n", port);
  TribunaEngine *engine;
  Camera *camera;
  StateWait wait;
  ColourWait card, yellow;
  guint64 bytes;
  gint64 start;

  g_assert_no_error (error);
  camera = camera_start (port);
  engine = make_engine (data_dir, config);
  wait.source = tribuna_engine_find_source (engine, "Kamera");
  card = (ColourWait) { engine, &CARD };
  yellow = (ColourWait) { engine, &YELLOW };

  tribuna_engine_set_previews_enabled (engine, TRUE);
  g_assert_true (tribuna_engine_start (engine, &error));
  g_assert_no_error (error);
  wait.state = TRIBUNA_SOURCE_LIVE;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 15));
  g_assert_true (tribuna_test_wait_until (centre_is, &yellow, 5));
  g_assert_true (tribuna_engine_start_recording (engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (tribuna_test_engine_is_recording, engine, 10));

  /* Killed: the card, while the program and the recording go on. */
  camera_stop (camera);
  start = g_get_monotonic_time ();
  wait.state = TRIBUNA_SOURCE_NO_SIGNAL;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 6));
  g_test_message ("the dead camera was noticed after %.1f s: %s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
                  tribuna_source_pipeline_get_last_error (wait.source));
  g_assert_true (tribuna_test_wait_until (corner_is, &card, 2));
  bytes = recorded_bytes (data_dir);
  tribuna_test_iterate_for (3);
  g_assert_cmpint (tribuna_engine_get_program_state (engine), ==, TRIBUNA_PROGRAM_RUNNING);
  g_assert_cmpint (tribuna_engine_get_recorder_state (engine), ==, TRIBUNA_RECORDER_RECORDING);
  g_assert_cmpuint (recorded_bytes (data_dir), >, bytes + 50000);
  g_assert_true (corner_is (&card));

  /* Restarted: the picture comes back by itself, within the 8 s backoff and a connect. */
  camera = camera_start (port);
  start = g_get_monotonic_time ();
  wait.state = TRIBUNA_SOURCE_LIVE;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 20));
  g_assert_true (tribuna_test_wait_until (centre_is, &yellow, 5));
  g_test_message ("the camera was back on program %.1f s after it restarted",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  stop_recording (engine);
  g_assert_finalize_object (engine);
  camera_stop (camera);
  tribuna_test_rm_rf (data_dir, &error);
  g_assert_no_error (error);
}

/* A camera that stays connected but stops sending is found by its silence. */
static void
test_rtsp_stall (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-vision-XXXXXX", &error);
  guint port = tribuna_test_free_port (&error);
  g_autofree char *config = g_strdup_printf ("[source Kamera]\nuri=rtsp://127.0.0.1:%u/cam\n",
                                             port);
  TribunaEngine *engine;
  Camera *camera;
  StateWait wait;
  ColourWait card, yellow;
  gint64 start;
  double seconds;

  g_assert_no_error (error);
  camera = camera_start (port);
  engine = make_engine (data_dir, config);
  wait.source = tribuna_engine_find_source (engine, "Kamera");
  card = (ColourWait) { engine, &CARD };
  yellow = (ColourWait) { engine, &YELLOW };

  tribuna_engine_set_previews_enabled (engine, TRUE);
  g_assert_true (tribuna_engine_start (engine, &error));
  g_assert_no_error (error);
  wait.state = TRIBUNA_SOURCE_LIVE;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 15));
  g_assert_true (tribuna_test_wait_until (centre_is, &yellow, 5));
  g_assert_nonnull (camera->gate);

  g_object_set (camera->gate, "drop", TRUE, NULL);
  start = g_get_monotonic_time ();
  wait.state = TRIBUNA_SOURCE_NO_SIGNAL;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 6));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("the stalled camera was noticed after %.1f s: %s", seconds,
                  tribuna_source_pipeline_get_last_error (wait.source));
  g_assert_cmpfloat (seconds, >=, 1.5);
  g_assert_cmpfloat (seconds, <, 3.5);
  g_assert_cmpstr (tribuna_source_pipeline_get_last_error (wait.source), ==, "no picture for 2 s");
  g_assert_true (tribuna_test_wait_until (corner_is, &card, 2));
  g_assert_cmpint (tribuna_engine_get_program_state (engine), ==, TRIBUNA_PROGRAM_RUNNING);

  g_object_set (camera->gate, "drop", FALSE, NULL);
  wait.state = TRIBUNA_SOURCE_LIVE;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 20));
  g_assert_true (tribuna_test_wait_until (centre_is, &yellow, 5));

  g_assert_finalize_object (engine);
  camera_stop (camera);
  tribuna_test_rm_rf (data_dir, &error);
  g_assert_no_error (error);
}

/* Microphones: sources of sound only ****************************************************/

static const char with_microphone[] =
  "[source Kryesuesi]\nuri=test:red\n"
  "[source Mikrofoni]\nuri=tone:440\n"
  "[source Foltorja]\nuri=test:blue\n";

static void
assert_silent (const TribunaAudioLevels *levels)
{
  g_assert_cmpuint (levels->n_channels, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpfloat (levels->peak_db[i], <, -60.0);
}

/* A tone source mixes into the program, has meters, gain and mute like any
 * source, and no picture: it cannot go to preview, be an inset or give a frame. */
static void
test_microphone_tone (Fixture       *fixture,
                      gconstpointer  data)
{
  TribunaEngine *engine = fixture->engine;
  TribunaSourcePipeline *microphone = tribuna_engine_find_source (engine, "Mikrofoni");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  LevelWatch watch;

  g_assert_false (tribuna_source_pipeline_has_picture (microphone));
  /* Program and preview are the two sources with a picture. */
  g_assert_cmpstr (tribuna_engine_get_program_source (engine), ==, "Kryesuesi");
  g_assert_cmpstr (tribuna_engine_get_preview_source (engine), ==, "Foltorja");

  start_with_previews (engine);
  g_assert_true (tribuna_test_wait_until (source_is_live, microphone, 5));
  watch = read_levels (engine, "Mikrofoni", 1.0);
  g_assert_cmpuint (watch.n, >=, 15);
  assert_tone (&watch.last);

  /* The cameras muted: the program is the microphone; the microphone muted too: silence. */
  tribuna_engine_set_source_muted (engine, "Kryesuesi", TRUE, &error);
  tribuna_engine_set_source_muted (engine, "Foltorja", TRUE, &error);
  g_assert_no_error (error);
  watch = read_levels (engine, NULL, 1.0);
  assert_tone (&watch.last);
  g_assert_true (tribuna_engine_set_source_muted (engine, "Mikrofoni", TRUE, &error));
  watch = read_levels (engine, NULL, 0.6);
  assert_silent (&watch.last);

  g_assert_false (tribuna_engine_set_preview_source (engine, "Mikrofoni", &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "Mikrofoni"));
  g_clear_error (&error);
  g_assert_false (tribuna_engine_set_layout (engine, TRIBUNA_LAYOUT_PIP, "Mikrofoni", &error));
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE);
  g_clear_error (&error);
  jpeg = tribuna_engine_snapshot_jpeg (engine, "Mikrofoni", &error);
  g_assert_null (jpeg);
  g_assert_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_cmpstr (tribuna_engine_get_preview_source (engine), ==, "Foltorja");
  g_assert_cmpint (tribuna_engine_get_layout (engine), ==, TRIBUNA_LAYOUT_FULL);
  g_assert_true (wait_for_colour (engine, &RED, 2));

  /* Added and removed live, like a camera, the picture untouched. */
  g_assert_true (tribuna_engine_remove_source (engine, "Mikrofoni", &error));
  g_assert_true (tribuna_engine_add_source (engine, "Mikrofoni 2", "tone:1000", &error));
  g_assert_no_error (error);
  microphone = tribuna_engine_find_source (engine, "Mikrofoni 2");
  g_assert_true (tribuna_test_wait_until (source_is_live, microphone, 5));
  watch = read_levels (engine, NULL, 1.0);
  assert_tone (&watch.last);
  g_assert_true (wait_for_colour (engine, &RED, 2));
}

static gboolean
program_is_running (gpointer user_data)
{
  return tribuna_engine_get_program_state (user_data) == TRIBUNA_PROGRAM_RUNNING;
}

/* A microphone that is not there: its "no signal" and a retry; the rest goes on. */
static void
test_microphone_missing (Fixture       *fixture,
                         gconstpointer  data)
{
  TribunaEngine *engine = fixture->engine;
  StateWait wait = { tribuna_engine_find_source (engine, "Mikrofoni"), TRIBUNA_SOURCE_NO_SIGNAL };
  LevelWatch watch;

  start_with_previews (engine);
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 5));
  g_test_message ("alsa:hw:42,0: %s", tribuna_source_pipeline_get_last_error (wait.source));
  /* The device's own reason, not a bare "cannot start". */
  g_assert_true (g_str_has_prefix (tribuna_source_pipeline_get_last_error (wait.source),
                                   "cannot start: "));
  g_assert_true (tribuna_test_wait_until (program_is_running, engine, 10));
  /* The camera's tone is still the program's sound, its picture still on program. */
  watch = read_levels (engine, NULL, 1.0);
  assert_tone (&watch.last);
  g_assert_true (wait_for_colour (engine, &RED, 2));
}

/* A private PulseAudio server: a null sink "hall" that the test plays a -20 dBFS tone
 * into, and "mic", a source that hears it, as a USB microphone would be heard. */
typedef struct {
  char       *dir;
  GPid        pid;
  GstElement *player;
} SoundServer;

static char *sound_server_dir;

static gboolean
socket_exists (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_EXISTS);
}

static void
sound_server_spawn (SoundServer *server)
{
  g_autofree char *socket = g_build_filename (server->dir, "native", NULL);
  g_autofree char *protocol = g_strdup_printf ("module-native-protocol-unix socket=%s "
                                               "auth-anonymous=1", socket);
  /* The socket last: once it answers, the sink and the source are there. */
  const char *argv[] = { "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                         "--use-pid-file=no", "--disable-shm=yes",
                         "-L", "module-null-sink sink_name=hall rate=48000",
                         "-L", "module-virtual-source source_name=mic master=hall.monitor",
                         "-L", protocol, NULL };
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;

  env = g_environ_setenv (env, "HOME", server->dir, TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", server->dir, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", server->dir, TRUE);
  g_unlink (socket);
  g_spawn_async (NULL, (char **) argv, env,
                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                 | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &server->pid, &error);
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (socket_exists, socket, 10));

  gst_element_set_state (server->player, GST_STATE_NULL);
  g_assert_cmpint (gst_element_set_state (server->player, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
}

static void
sound_server_kill (SoundServer *server)
{
  kill (server->pid, SIGKILL);
  waitpid (server->pid, NULL, 0);
  g_spawn_close_pid (server->pid);
  server->pid = 0;
}

/* A real capture device: found by the device list, read at its level, killed (no
 * signal, the program goes on), restarted (the sound comes back by itself). */
static void
test_microphone_pulse (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *pulseaudio = g_find_program_in_path ("pulseaudio");
  g_autoptr(GPtrArray) devices = NULL;
  SoundServer server = { sound_server_dir };
  TribunaEngine *engine;
  StateWait wait;
  LevelWatch watch;
  gboolean found = FALSE;

  if (pulseaudio == NULL)
    {
      g_test_skip ("pulseaudio is not installed (apt-get install pulseaudio)");
      return;
    }

  server.player = gst_parse_launch ("audiotestsrc is-live=true freq=440 volume=0.1 "
                                    "! audio/x-raw,rate=48000,channels=2 "
                                    "! pulsesink device=hall", &error);
  g_assert_no_error (error);
  sound_server_spawn (&server);

  devices = tribuna_audio_devices_list ();
  for (guint i = 0; i < devices->len; i++)
    {
      TribunaAudioDevice *device = g_ptr_array_index (devices, i);

      g_test_message ("found %s: %s", device->display_name, device->uri);
      found |= g_str_equal (device->uri, "pulse:mic");
      g_assert_cmpstr (device->uri, !=, "pulse:hall.monitor");
    }
  g_assert_true (found);

  data_dir = tribuna_test_make_tmpdir ("tribuna-vision-XXXXXX", &error);
  g_assert_no_error (error);
  engine = make_engine (data_dir, "[source Kryesuesi]\nuri=test:red\n"
                                  "[source Salla]\nuri=pulse:mic\n");
  wait.source = tribuna_engine_find_source (engine, "Salla");
  start_with_previews (engine);
  wait.state = TRIBUNA_SOURCE_LIVE;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 10));
  watch = read_levels (engine, "Salla", 1.0);
  g_test_message ("pulse:mic: %u readings, peak %.2f, RMS %.2f dBFS", watch.n,
                  watch.last.peak_db[0], watch.last.rms_db[0]);
  g_assert_cmpuint (watch.n, >=, 15);
  assert_tone (&watch.last);

  sound_server_kill (&server);
  wait.state = TRIBUNA_SOURCE_NO_SIGNAL;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 6));
  g_test_message ("the sound server's death: %s",
                  tribuna_source_pipeline_get_last_error (wait.source));
  tribuna_test_iterate_for (1);
  g_assert_cmpint (tribuna_engine_get_program_state (engine), ==, TRIBUNA_PROGRAM_RUNNING);
  g_assert_true (wait_for_colour (engine, &RED, 2));

  sound_server_spawn (&server);
  wait.state = TRIBUNA_SOURCE_LIVE;
  g_assert_true (tribuna_test_wait_until (state_is, &wait, 20));
  watch = read_levels (engine, "Salla", 1.0);
  assert_tone (&watch.last);

  g_assert_finalize_object (engine);
  gst_element_set_state (server.player, GST_STATE_NULL);
  gst_object_unref (server.player);
  sound_server_kill (&server);
  tribuna_test_rm_rf (data_dir, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_config = NULL;
  g_autofree char *server_address = NULL;
  int status;

  /* Pulse clients of this process (the engine's pulsesrc, the tone player) talk to the
   * private server only, and never start one of their own. Set before any thread. */
  sound_server_dir = g_dir_make_tmp ("tribuna-pulse-XXXXXX", &error);
  g_assert_no_error (error);
  client_config = g_build_filename (sound_server_dir, "client.conf", NULL);
  g_file_set_contents (client_config, "autospawn = no\n", -1, &error);
  g_assert_no_error (error);
  server_address = g_strdup_printf ("unix:%s/native", sound_server_dir);
  g_setenv ("PULSE_SERVER", server_address, TRUE);
  g_setenv ("PULSE_CLIENTCONFIG", client_config, TRUE);

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pipelines/vision/sources", Fixture, NULL, fixture_set_up, test_sources,
              fixture_tear_down);
  g_test_add ("/pipelines/vision/cut", Fixture, NULL, fixture_set_up, test_cut,
              fixture_tear_down);
  g_test_add ("/pipelines/vision/fade", Fixture, NULL, fixture_set_up, test_fade,
              fixture_tear_down);
  g_test_add ("/pipelines/vision/add-remove", Fixture, NULL, fixture_set_up, test_add_remove,
              fixture_tear_down);
  g_test_add ("/pipelines/vision/pip", Fixture, NULL, fixture_set_up, test_pip,
              fixture_tear_down);
  g_test_add ("/pipelines/vision/previews", Fixture, NULL, fixture_set_up,
              test_source_previews_and_snapshot, fixture_tear_down);
  g_test_add ("/pipelines/vision/levels", Fixture, NULL, fixture_set_up, test_levels,
              fixture_tear_down);
  g_test_add ("/pipelines/vision/test-tones", Fixture, NULL, fixture_set_up, test_test_tones,
              fixture_tear_down);
  g_test_add_func ("/pipelines/vision/missing-camera", test_missing_camera_is_silent);
  g_test_add_func ("/pipelines/vision/av-offset", test_av_offset);
  g_test_add ("/pipelines/vision/slate", Fixture, NULL, fixture_set_up, test_slate,
              fixture_tear_down);
  g_test_add ("/pipelines/vision/mute-records-silence", Fixture, NULL, fixture_set_up,
              test_mute_records_silence, fixture_tear_down);
  g_test_add_func ("/pipelines/vision/lower-third-glyphs", test_lower_third_glyphs);
  g_test_add ("/pipelines/vision/lower-third", Fixture, NULL, fixture_set_up, test_lower_third,
              fixture_tear_down);
  g_test_add_func ("/pipelines/vision/private", test_private);
  g_test_add_func ("/pipelines/vision/rtsp-camera", test_rtsp_camera);
  g_test_add_func ("/pipelines/vision/rtsp-stall", test_rtsp_stall);
  g_test_add ("/pipelines/vision/microphone/tone", Fixture, with_microphone, fixture_set_up,
              test_microphone_tone, fixture_tear_down);
  g_test_add ("/pipelines/vision/microphone/missing", Fixture,
              "[source Kryesuesi]\nuri=test:red\n[source Mikrofoni]\nuri=alsa:hw:42,0\n",
              fixture_set_up, test_microphone_missing, fixture_tear_down);
  g_test_add_func ("/pipelines/vision/microphone/pulse", test_microphone_pulse);

  status = g_test_run ();
  tribuna_test_rm_rf (sound_server_dir, &error);
  g_free (sound_server_dir);
  return status;
}
