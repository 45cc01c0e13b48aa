/* ui-test.c: the console's real window under Xvfb, driven through its GActions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One TribunaApplication runs for the whole program (GTK can be initialised once), on a
 * test pattern, with a destination on a real nginx-rtmp on loopback and a temporary data
 * folder. The /ui/console/ tests run in order and build on each other, as an operator's
 * session does: open a session, import its agenda, record, go on air, mark items, stop the
 * stream (asked), add a destination in the settings, quit while recording (asked) and find
 * the recording finalised; then export a clip of an item in the archive window.
 * Run under tests/ui-xvfb.sh (meson test does).
 */
#define G_LOG_DOMAIN "tribuna-ui-test"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "test-utils.h"
#include "tribuna-application.h"
#include "tribuna-archive-window.h"
#include "tribuna-audio-strip.h"
#include "tribuna-format.h"
#include "tribuna-level-meter.h"
#include "tribuna-multiview.h"
#include "tribuna-preview-paintable.h"
#include "tribuna-session-panel.h"
#include "tribuna-settings-dialog.h"
#include "tribuna-status-bar.h"
#include "tribuna-timeline.h"
#include "tribuna-window.h"

#define STREAM_KEY "console"

/* The words the window shows, in the language the test runs in (meson runs it in English
 * and again in Albanian). */
#define T(text) g_dgettext (GETTEXT_PACKAGE, text)

typedef struct {
  char               *data_dir;
  char               *config_path;
  TribunaTestNginx   *nginx;
  TribunaApplication *app;
  TribunaWindow      *window;
  gint64              session_id;
} Console;

static Console console;

/* Helpers */

static TribunaEngine *
engine (void)
{
  return tribuna_application_get_engine (console.app);
}

static void
activate (const char *name,
          GVariant   *parameter)
{
  GActionGroup *group = g_str_has_prefix (name, "app.") ? G_ACTION_GROUP (console.app)
                                                         : G_ACTION_GROUP (console.window);

  g_assert_true (g_action_group_get_action_enabled (group, name + 4));
  g_action_group_activate_action (group, name + 4, parameter);
}

/* A stateful toggle, as its button does it: activation flips the state. */
static void
toggle (const char *name)
{
  activate (name, NULL);
}

static gboolean
is_recording (gpointer data)
{
  return tribuna_engine_get_recorder_state (engine ()) == TRIBUNA_RECORDER_RECORDING;
}

static gboolean
is_on_air (gpointer data)
{
  return tribuna_engine_get_on_air (engine ());
}

static gboolean
has_question (gpointer data)
{
  return tribuna_window_get_question (console.window) != NULL;
}

static gboolean
destination_in_state (gpointer data)
{
  TribunaDestination *destination = tribuna_engine_find_destination (engine (), "Nginx");

  return (int) tribuna_destination_get_state (destination) == GPOINTER_TO_INT (data);
}

static gboolean
program_running (gpointer data)
{
  return tribuna_application_get_ready_us (console.app) > 0;
}

/* Answers the open question as the operator would click it. */
static void
answer (const char *response)
{
  AdwMessageDialog *question;

  g_assert_true (tribuna_test_wait_until (has_question, NULL, 5));
  question = tribuna_window_get_question (console.window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (question)));
  adw_message_dialog_response (question, response);
  tribuna_test_iterate_for (0.1);
}

static void
write_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = g_strdup_printf ("[program]\nwidth=640\nheight=360\nvideo-bitrate=800\n"
                          "keyframe-interval=1\nencoder-preset=ultrafast\n"
                          "[recording]\nsegment-seconds=3\nmin-free-mb=1048576\n"
                          "[mixer]\nfade-ms=500\nsilence-seconds=2\n"
                          "[source Salla]\nuri=test:smpte\n"
                          "[source Foltorja]\nuri=test:ball\n"
                          "[destination Nginx]\nurl=rtmp://127.0.0.1:%u/live\nkey=%s\n",
                          tribuna_test_nginx_get_rtmp_port (console.nginx), STREAM_KEY);
  console.config_path = g_build_filename (console.data_dir, "tribuna.conf", NULL);
  g_file_set_contents_full (console.config_path, text, -1, G_FILE_SET_CONTENTS_NONE, 0600,
                            &error);
  g_assert_no_error (error);
}

/* Pure helpers */

static void
test_format (void)
{
  g_autofree char *short_time = tribuna_format_elapsed (125);
  g_autofree char *long_time = tribuna_format_elapsed (3723);
  gint64 ns = 0;

  g_assert_cmpstr (short_time, ==, "02:05");
  g_assert_cmpstr (long_time, ==, "1:02:03");
  g_assert_true (tribuna_format_parse_elapsed ("1:02:03", &ns));
  g_assert_cmpint (ns, ==, 3723 * GST_SECOND);
  g_assert_true (tribuna_format_parse_elapsed ("12:30.5", &ns));
  g_assert_cmpint (ns, ==, 750 * GST_SECOND + GST_SECOND / 2);
  g_assert_false (tribuna_format_parse_elapsed ("1:75", &ns));
  g_assert_false (tribuna_format_parse_elapsed ("abc", &ns));
  g_assert_false (tribuna_format_parse_elapsed ("", &ns));
  /* 100 GB at 4128 kbit/s: 53.8 hours */
  g_assert_cmpfloat_with_epsilon (tribuna_format_recording_hours (100000000000, 4128), 53.83,
                                  0.01);
  g_assert_cmpfloat (tribuna_format_recording_hours (1, 0), <, 0);
}

/* The preview paintable */

static GBytes *
solid_rgb (int    width,
           int    height,
           guint8 r,
           guint8 g,
           guint8 b)
{
  guint8 *data = g_malloc ((gsize) width * height * 3);

  for (int i = 0; i < width * height; i++)
    {
      data[i * 3] = r;
      data[i * 3 + 1] = g;
      data[i * 3 + 2] = b;
    }
  return g_bytes_new_take (data, (gsize) width * height * 3);
}

/* Renders @paintable at @width x @height with the cairo renderer and reads one pixel. */
static guint32
render_pixel (GdkPaintable *paintable,
              int           width,
              int           height,
              int           x,
              int           y)
{
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);
  g_autoptr(GError) error = NULL;

  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  /* Downloaded as B8G8R8A8 premultiplied: 0xAARRGGBB on little endian. */
  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);
  return pixels[y * width + x];
}

static int invalidations;

static void
on_invalidate (GdkPaintable *paintable,
               gpointer      user_data)
{
  invalidations++;
}

static gpointer
queue_frames (gpointer data)
{
  TribunaPreviewPaintable *paintable = data;

  /* Ten frames from a "streaming thread" while the main loop is not looking. */
  for (guint8 i = 0; i < 10; i++)
    {
      g_autoptr(GBytes) frame = solid_rgb (32, 18, i * 20, 0, 0);

      tribuna_preview_paintable_queue_frame (paintable, frame, GDK_MEMORY_R8G8B8, 32, 18, 32 * 3);
    }
  return NULL;
}

static void
test_preview_paintable (void)
{
  g_autoptr(TribunaPreviewPaintable) paintable = tribuna_preview_paintable_new ();
  g_autoptr(GBytes) green = solid_rgb (160, 90, 0, 255, 0);
  GThread *thread;
  guint32 pixel;

  /* No frame yet: black, 16:9. */
  g_assert_cmpint (render_pixel (GDK_PAINTABLE (paintable), 64, 36, 32, 18), ==, 0xff000000);
  g_assert_cmpfloat (gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (paintable)), >, 1.7);

  g_signal_connect (paintable, "invalidate-contents", G_CALLBACK (on_invalidate), NULL);
  tribuna_preview_paintable_set_frame (paintable, green, GDK_MEMORY_R8G8B8, 160, 90, 160 * 3);
  g_assert_cmpint (invalidations, ==, 1);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, 160);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (paintable)), ==, 90);

  /* Scaled into a square, the picture keeps 16:9: black bars above and below. */
  pixel = render_pixel (GDK_PAINTABLE (paintable), 90, 90, 45, 45);
  g_assert_cmphex (pixel, ==, 0xff00ff00);
  g_assert_cmphex (render_pixel (GDK_PAINTABLE (paintable), 90, 90, 45, 2), ==, 0xff000000);

  /* From another thread: the newest frame wins, older ones waiting are dropped. */
  thread = g_thread_new ("frames", queue_frames, paintable);
  g_thread_join (thread);
  tribuna_test_iterate_for (0.1);
  g_assert_cmpuint (tribuna_preview_paintable_get_n_dropped (paintable), ==, 9);
  g_assert_cmpuint (tribuna_preview_paintable_get_n_shown (paintable), ==, 2);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, 32);
  g_assert_cmphex (render_pixel (GDK_PAINTABLE (paintable), 32, 18, 16, 9), ==, 0xffb40000);

  tribuna_preview_paintable_clear (paintable);
  g_assert_null (tribuna_preview_paintable_get_texture (paintable));
}

/* What the console's previews cost: four 320x180 sources and the 640x360 program at 10 fps,
 * shown at multiview sizes in a real window (cairo, no GPU). The budget is 10 % of
 * one core for all previews; measured here for the console's side (textures and drawing). */

typedef struct {
  TribunaPreviewPaintable *paintables[5];
  GBytes                  *frames[2][2];   /* [small, program][even, odd] */
  guint                    n;
} PreviewLoad;

static gboolean
push_previews (gpointer data)
{
  PreviewLoad *load = data;

  for (guint i = 0; i < 5; i++)
    {
      gboolean program = i == 4;

      tribuna_preview_paintable_set_frame (load->paintables[i],
                                           load->frames[program][(load->n + i) % 2],
                                           GDK_MEMORY_R8G8B8, program ? 640 : 320,
                                           program ? 360 : 180, program ? 640 * 3 : 320 * 3);
    }
  load->n++;
  return G_SOURCE_CONTINUE;
}

static gint64
cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC
         + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static void
test_preview_cost (void)
{
  PreviewLoad load = { 0 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *grid = gtk_grid_new ();
  gint64 cpu_start, wall_start;
  double share;
  guint timer;

  for (guint p = 0; p < 2; p++)
    for (guint k = 0; k < 2; k++)
      load.frames[p][k] = solid_rgb (p ? 640 : 320, p ? 360 : 180, k ? 200 : 20, 90, k ? 20 : 200);
  for (guint i = 0; i < 5; i++)
    {
      GtkWidget *picture;

      load.paintables[i] = tribuna_preview_paintable_new ();
      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (load.paintables[i]));
      gtk_widget_set_size_request (picture, i == 4 ? 384 : 192, i == 4 ? 216 : 108);
      gtk_grid_attach (GTK_GRID (grid), picture, i == 4 ? 0 : 1 + i % 2, i == 4 ? 0 : i / 2,
                       1, i == 4 ? 2 : 1);
    }
  gtk_window_set_child (GTK_WINDOW (window), grid);
  gtk_window_present (GTK_WINDOW (window));
  tribuna_test_iterate_for (0.5);

  timer = g_timeout_add (100, push_previews, &load);
  cpu_start = cpu_us ();
  wall_start = g_get_monotonic_time ();
  tribuna_test_iterate_for (5.0);
  share = 100.0 * (cpu_us () - cpu_start) / (double) (g_get_monotonic_time () - wall_start);
  g_source_remove (timer);

  g_test_message ("previews (4 x 320x180 + 640x360 at 10 fps): %.1f %% of one core, %u rounds",
                  share, load.n);
  g_assert_cmpuint (load.n, >=, 40);
  /* The budget is 10 %; the bound leaves room for a machine shared with other builds. */
  g_assert_cmpfloat (share, <, 25.0);

  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < 5; i++)
    g_object_unref (load.paintables[i]);
  for (guint p = 0; p < 2; p++)
    for (guint k = 0; k < 2; k++)
      g_bytes_unref (load.frames[p][k]);
}

/* The audio meter's peak hold */

static void
test_level_meter (void)
{
  g_autoptr(GtkWidget) meter = g_object_ref_sink (tribuna_level_meter_new ());
  TribunaLevelMeter *self = TRIBUNA_LEVEL_METER (meter);
  gint64 t = 1000 * G_USEC_PER_SEC;

  g_assert_cmpfloat (tribuna_level_meter_get_peak_hold_db (self, t), ==,
                     TRIBUNA_LEVEL_METER_FLOOR_DB);

  /* A peak is held, then falls at 20 dB/s; a quieter reading meanwhile does not lower it. */
  tribuna_level_meter_set_levels_at (self, -20, -3, t);
  tribuna_level_meter_set_levels_at (self, -30, -25, t + G_USEC_PER_SEC);
  g_assert_cmpfloat (tribuna_level_meter_get_rms_db (self), ==, -30);
  g_assert_cmpfloat (tribuna_level_meter_get_peak_hold_db (self, t + G_USEC_PER_SEC), ==, -3);
  g_assert_cmpfloat_with_epsilon (tribuna_level_meter_get_peak_hold_db (self, t + 2500000), -23,
                                  1e-9);
  /* Once it has fallen below a new peak, the new one is held. */
  tribuna_level_meter_set_levels_at (self, -30, -12, t + 2500000);
  g_assert_cmpfloat (tribuna_level_meter_get_peak_hold_db (self, t + 3000000), ==, -12);
  /* Never below the floor, never above full scale. */
  g_assert_cmpfloat (tribuna_level_meter_get_peak_hold_db (self, t + 60 * G_USEC_PER_SEC), ==,
                     TRIBUNA_LEVEL_METER_FLOOR_DB);
  tribuna_level_meter_set_levels_at (self, 6, 12, t + 61 * G_USEC_PER_SEC);
  g_assert_cmpfloat (tribuna_level_meter_get_peak_hold_db (self, t + 61 * G_USEC_PER_SEC), ==, 0);
}

/* The console, in the order an operator works */

static void
test_startup (void)
{
  static const struct { const char *action; const char *accel; } keys[] = {
    { "win.on-air", "<Control>l" }, { "win.record", "<Control>r" },
    { "win.next-item", "Page_Down" }, { "win.previous-item", "Page_Up" },
    { "win.break", "<Control>b" }, { "win.private", "<Control>p" },
    { "win.import-agenda", "<Control>i" }, { "app.archive", "<Control>o" },
    { "app.settings", "<Control>comma" }, { "app.quit", "<Control>q" },
    { "win.lower-third", "<Control>t" }, { "win.pip", "<Shift><Control>p" },
    { "win.show-help-overlay", "<Control>question" },
  };
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  g_autoptr(GVariant) on_air_state = NULL;
  double ms;

  console.app = tribuna_application_new ();
  g_object_set (console.app, "config-path", console.config_path, "data-dir", console.data_dir,
                "http", "off", NULL);
  g_assert_true (g_application_register (G_APPLICATION (console.app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (console.app));

  window = gtk_application_get_active_window (GTK_APPLICATION (console.app));
  g_assert_true (TRIBUNA_IS_WINDOW (window));
  console.window = TRIBUNA_WINDOW (window);
  g_assert_true (tribuna_test_wait_until (program_running, NULL, 20));
  ms = tribuna_application_get_ready_us (console.app) / 1000.0;
  g_test_message ("control room usable %.0f ms after the application was created", ms);

  g_assert_cmpstr (tribuna_window_get_on_air_text (console.window), ==, T ("OFF AIR"));
  g_assert_cmpstr (tribuna_window_get_rec_text (console.window), ==, T ("NOT RECORDING"));
  g_assert_nonnull (tribuna_engine_find_destination (engine (), "Nginx"));

  /* Go on Air with no destination included does nothing, not even the recording, and
   * says why. */
  g_assert_true (tribuna_engine_set_destination_enabled (engine (), "Nginx", FALSE, NULL));
  toggle ("win.on-air");
  tribuna_test_iterate_for (0.2);
  g_assert_cmpint (tribuna_engine_get_recorder_state (engine ()), !=, TRIBUNA_RECORDER_RECORDING);
  g_assert_cmpint (tribuna_engine_get_recorder_state (engine ()), !=, TRIBUNA_RECORDER_STARTING);
  g_assert_false (tribuna_destination_get_wanted (tribuna_engine_find_destination (engine (),
                                                                                  "Nginx")));
  on_air_state = g_action_group_get_action_state (G_ACTION_GROUP (console.window), "on-air");
  g_assert_false (g_variant_get_boolean (on_air_state));
  g_assert_true (tribuna_engine_set_destination_enabled (engine (), "Nginx", TRUE, NULL));

  /* The interface follows the locale: under LANGUAGE=sq the tiles are in Albanian. */
  if (g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "sq"))
    g_assert_cmpstr (tribuna_window_get_on_air_text (console.window), ==, "PA TRANSMETIM");

  /* The keyboard shortcuts window lists them (Ctrl+?). */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  /* Every key the README promises is bound to its action. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (console.app),
                                                                   keys[i].action);

      g_assert_true (g_strv_contains ((const char * const *) accels, keys[i].accel));
    }
}

static gboolean
no_session (gpointer data)
{
  return tribuna_engine_get_session (engine ()) == NULL;
}

static void
test_open_session_and_agenda (void)
{
  TribunaSessionPanel *panel =
    TRIBUNA_SESSION_PANEL (tribuna_window_get_session_panel (console.window));
  g_autofree char *agenda = g_test_build_filename (G_TEST_DIST, "fixtures", "agendas",
                                                   "kpf-2024-06-13.csv", NULL);
  g_autoptr(GError) error = NULL;
  GtkListBox *list = tribuna_session_panel_get_agenda_list (panel);
  g_autoptr(TribunaSession) planned = NULL;
  guint n_rows = 0;

  /* No title: refused, nothing created. */
  tribuna_session_panel_fill_new_session (panel, TRIBUNA_SESSION_TYPE_KPF, "  ");
  g_assert_false (tribuna_session_panel_open_new_session (panel, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (tribuna_engine_get_session (engine ()));

  /* A planned session (as the API or the CLI would make one) is put on program by its
   * id; the panel offers the same from its "Continue Session" list. */
  planned = tribuna_engine_create_session (engine (), TRIBUNA_SESSION_TYPE_PRESS,
                                           "Konferencë për media", NULL, NULL, TRUE, &error);
  g_assert_no_error (error);
  activate ("win.resume-session", g_variant_new_int64 (planned->id));
  g_assert_cmpint (tribuna_engine_get_session (engine ())->id, ==, planned->id);
  activate ("win.end-session", NULL);
  g_assert_true (tribuna_test_wait_until (no_session, NULL, 10));

  tribuna_session_panel_fill_new_session (panel, TRIBUNA_SESSION_TYPE_KPF,
                                          "Mbledhja e KPF-së, qershor 2024");
  activate ("win.open-session", NULL);
  g_assert_nonnull (tribuna_engine_get_session (engine ()));
  g_assert_cmpint (tribuna_engine_get_session (engine ())->type, ==, TRIBUNA_SESSION_TYPE_KPF);
  console.session_id = tribuna_engine_get_session (engine ())->id;

  /* What the file chooser hands over on "Import". */
  g_assert_true (tribuna_session_panel_import_agenda (panel, agenda, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_engine_get_agenda (engine ())->len, >=, 4);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row;
       row = gtk_widget_get_next_sibling (row))
    n_rows++;
  g_assert_cmpuint (n_rows, ==, tribuna_engine_get_agenda (engine ())->len);
}

static void
test_record_and_on_air (void)
{
  TribunaStatusBar *status_bar;
  g_autofree char *dropped = NULL;
  g_autofree char *disk_prefix = NULL;

  toggle ("win.record");
  g_assert_true (tribuna_test_wait_until (is_recording, NULL, 20));
  g_assert_cmpstr (tribuna_window_get_rec_text (console.window), ==, T ("REC"));

  toggle ("win.on-air");
  /* Connecting is never shown as on air. */
  if (!tribuna_engine_get_on_air (engine ()))
    g_assert_cmpstr (tribuna_window_get_on_air_text (console.window), !=, T ("ON AIR"));
  g_assert_true (tribuna_test_wait_until (is_on_air, NULL, 30));
  g_assert_cmpstr (tribuna_window_get_on_air_text (console.window), ==, T ("ON AIR"));
  g_assert_true (tribuna_test_nginx_wait_recording_grows (console.nginx, STREAM_KEY, 0, 20));

  /* The status bar: a healthy loopback run drops nothing; the disk is counted in hours. */
  tribuna_test_iterate_for (1.2);
  status_bar = TRIBUNA_STATUS_BAR (tribuna_window_get_status_bar (console.window));
  g_assert_cmpuint (tribuna_engine_get_dropped_buffers (engine ()), ==, 0);
  dropped = g_strdup_printf (T ("Dropped: %s"), "0");
  g_assert_cmpstr (tribuna_status_bar_get_dropped_text (status_bar), ==, dropped);
  disk_prefix = g_strndup (T ("Disk: %.1f h of recording left"),
                           strcspn (T ("Disk: %.1f h of recording left"), "%"));
  g_assert_true (g_str_has_prefix (tribuna_status_bar_get_disk_text (status_bar), disk_prefix));
  /* min-free-mb is 1 TB in this config: the recorder warns of a low disk (it goes on
   * recording) and the disk figure turns red; it is red exactly when the engine says so. */
  if (tribuna_recorder_get_free_bytes (tribuna_engine_get_recorder (engine ()))
      < (guint64) 1048576 * 1024 * 1024)
    g_assert_true (tribuna_recorder_get_low_disk (tribuna_engine_get_recorder (engine ())));
  g_assert_cmpint (gtk_widget_has_css_class (tribuna_status_bar_get_disk_label (status_bar),
                                             "error"), ==,
                   tribuna_recorder_get_low_disk (tribuna_engine_get_recorder (engine ())));
  g_assert_nonnull (strstr (tribuna_status_bar_get_cpu_text (status_bar), "%"));
}

/* Vision (issue #4's API): previews, tally, cut, fade, picture-in-picture, meters, mute */

static gboolean
program_previewed (gpointer data)
{
  TribunaMultiview *multiview = TRIBUNA_MULTIVIEW (tribuna_window_get_multiview (console.window));
  TribunaSourceTile *tile = tribuna_multiview_get_tile (multiview, 1);
  TribunaPreviewPaintable *program = tribuna_multiview_get_program_paintable (multiview);

  return tribuna_preview_paintable_get_texture (program) != NULL
         && tribuna_preview_paintable_get_texture (tribuna_source_tile_get_paintable (tile)) != NULL;
}

static gboolean
program_has_sound (gpointer data)
{
  TribunaAudioStrip *strip = TRIBUNA_AUDIO_STRIP (tribuna_window_get_audio_strip (console.window));

  return tribuna_level_meter_get_rms_db (tribuna_audio_strip_get_meter (strip, NULL)) > -50;
}

static gboolean
alarm_shown (gpointer data)
{
  return tribuna_audio_strip_get_alarm_shown (data);
}

static gboolean
alarm_gone (gpointer data)
{
  return !tribuna_audio_strip_get_alarm_shown (data);
}

static gboolean
source_has_sound (gpointer data)
{
  TribunaAudioStrip *strip = TRIBUNA_AUDIO_STRIP (tribuna_window_get_audio_strip (console.window));
  TribunaLevelMeter *meter = tribuna_audio_strip_get_meter (strip, data);

  /* NULL until the strip has a channel for a source just added. */
  return meter != NULL && tribuna_level_meter_get_rms_db (meter) > -50;
}

static gboolean
fade_done (gpointer data)
{
  return g_strcmp0 (tribuna_engine_get_program_source (engine ()), data) == 0;
}

/* The window's own shortcut for @key runs @action (1–9, Space, Enter live there, not in
 * the application's accelerators). */
static gboolean
window_has_shortcut (const char *key,
                     const char *action)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (console.window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (
                                       gtk_shortcut_get_trigger (shortcut));
          GtkShortcutAction *named = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_NAMED_ACTION (named) && strstr (trigger, key) != NULL
              && g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (named)), action))
            return TRUE;
        }
    }
  return FALSE;
}

static double
process_cpu_share (double seconds)
{
  gint64 cpu = cpu_us ();
  gint64 wall = g_get_monotonic_time ();

  tribuna_test_iterate_for (seconds);
  return 100.0 * (cpu_us () - cpu) / (double) (g_get_monotonic_time () - wall);
}

/* The whole process (program, recording, stream, window) with previews on and off: the
 * difference is what the previews cost, engine and console together. Printed; the bound
 * only catches a preview path gone wrong on a machine shared with other builds. */
static void
measure_previews (void)
{
  double with, without;

  with = process_cpu_share (4.0);
  tribuna_engine_set_previews_enabled (engine (), FALSE);
  without = process_cpu_share (4.0);
  tribuna_engine_set_previews_enabled (engine (), TRUE);
  g_test_message ("whole process: %.1f %% of one core with previews, %.1f %% without: previews "
                  "%.1f %%", with, without, with - without);
  g_assert_cmpfloat (with - without, <, 50.0);
}

static void
test_vision (void)
{
  TribunaMultiview *multiview = TRIBUNA_MULTIVIEW (tribuna_window_get_multiview (console.window));
  TribunaAudioStrip *strip = TRIBUNA_AUDIO_STRIP (tribuna_window_get_audio_strip (console.window));
  TribunaSourceTile *first, *second;
  GtkToggleButton *mute;
  TribunaSourcePipeline *hall;

  g_assert_cmpuint (tribuna_multiview_get_n_tiles (multiview), ==, 2);
  first = tribuna_multiview_get_tile (multiview, 0);
  second = tribuna_multiview_get_tile (multiview, 1);

  /* Live previews reach the monitor and the tiles while the window shows them. */
  g_assert_true (tribuna_test_wait_until (program_previewed, NULL, 20));

  /* Tally: the first source is on program (red). Key 2 puts the second on preview (green). */
  g_assert_true (tribuna_source_tile_get_on_program (first));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (first), "tally-program"));
  activate ("win.select-source", g_variant_new_int32 (2));
  g_assert_cmpstr (tribuna_engine_get_preview_source (engine ()), ==, "Foltorja");
  g_assert_true (tribuna_source_tile_get_on_preview (second));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (second), "tally-preview"));

  /* Cut (Space): swapped, and the tally follows. */
  activate ("win.cut", NULL);
  g_assert_cmpstr (tribuna_engine_get_program_source (engine ()), ==, "Foltorja");
  g_assert_true (tribuna_source_tile_get_on_program (second));
  g_assert_true (tribuna_source_tile_get_on_preview (first));

  /* Fade (Enter): back to the hall once the crossfade is over. */
  activate ("win.fade", NULL);
  g_assert_true (tribuna_test_wait_until (fade_done, (gpointer) "Salla", 10));
  g_assert_true (tribuna_source_tile_get_on_program (first));

  /* Picture-in-picture, and back. */
  toggle ("win.pip");
  g_assert_cmpint (tribuna_engine_get_layout (engine ()), ==, TRIBUNA_LAYOUT_PIP);
  toggle ("win.pip");
  g_assert_cmpint (tribuna_engine_get_layout (engine ()), ==, TRIBUNA_LAYOUT_FULL);

  /* The test tone moves the program's meter and a source's (the strip turned the engine's
   * per-source meters on); the mute button mutes the source. */
  g_assert_true (tribuna_test_wait_until (program_has_sound, NULL, 10));
  g_assert_true (tribuna_test_wait_until (source_has_sound, (gpointer) "Salla", 10));
  hall = tribuna_engine_find_source (engine (), "Salla");
  mute = tribuna_audio_strip_get_mute_button (strip, "Salla");
  gtk_toggle_button_set_active (mute, TRUE);
  g_assert_true (tribuna_source_pipeline_get_muted (hall));
  gtk_toggle_button_set_active (mute, FALSE);
  g_assert_false (tribuna_source_pipeline_get_muted (hall));
  /* The engine's gain shows on the slider (the HTTP API could have set it). */
  g_assert_true (tribuna_engine_set_source_gain (engine (), "Salla", -6, NULL));
  g_assert_cmpfloat (gtk_range_get_value (tribuna_audio_strip_get_gain (strip, "Salla")), ==, -6);

  /* Both sources muted while on air: the silence alarm shows in the strip, and goes. */
  gtk_toggle_button_set_active (tribuna_audio_strip_get_mute_button (strip, "Salla"), TRUE);
  gtk_toggle_button_set_active (tribuna_audio_strip_get_mute_button (strip, "Foltorja"), TRUE);
  g_assert_true (tribuna_test_wait_until (alarm_shown, strip, 15));
  gtk_toggle_button_set_active (tribuna_audio_strip_get_mute_button (strip, "Salla"), FALSE);
  gtk_toggle_button_set_active (tribuna_audio_strip_get_mute_button (strip, "Foltorja"), FALSE);
  g_assert_true (tribuna_test_wait_until (alarm_gone, strip, 15));

  g_assert_true (window_has_shortcut ("space", "win.cut"));
  g_assert_true (window_has_shortcut ("Return", "win.fade"));
  g_assert_true (window_has_shortcut ("2", "win.select-source"));
  measure_previews ();
}

static const char *
item_number (void)
{
  static char *number;

  g_clear_pointer (&number, g_free);
  g_object_get (engine (), "item-number", &number, NULL);
  return number;
}

static GtkWidget *
current_row (void)
{
  GtkWidget *panel = tribuna_window_get_session_panel (console.window);
  GtkListBox *list = tribuna_session_panel_get_agenda_list (TRIBUNA_SESSION_PANEL (panel));
  GtkListBoxRow *row = gtk_list_box_get_selected_row (list);

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "current-item"));
  return GTK_WIDGET (row);
}

static void
test_agenda_items (void)
{
  GPtrArray *items = tribuna_engine_get_agenda (engine ());
  const TribunaAgendaItem *first = g_ptr_array_index (items, 0);
  const TribunaAgendaItem *second = g_ptr_array_index (items, 1);
  GtkWidget *time_label;
  gboolean on_break = FALSE;
  g_autofree char *speaker = NULL;

  activate ("win.next-item", NULL);
  g_assert_cmpstr (item_number (), ==, first->number);
  g_assert_cmpint (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (current_row ())), ==, 0);
  /* The item's start time (from its marker) is shown in its row. */
  time_label = gtk_widget_get_last_child (gtk_list_box_row_get_child (
                                            GTK_LIST_BOX_ROW (current_row ())));
  g_assert_cmpuint (strlen (gtk_label_get_label (GTK_LABEL (time_label))), ==, 8);

  tribuna_test_iterate_for (2.0);
  activate ("win.next-item", NULL);
  g_assert_cmpstr (item_number (), ==, second->number);
  activate ("win.previous-item", NULL);
  g_assert_cmpstr (item_number (), ==, first->number);
  tribuna_test_iterate_for (2.0);
  activate ("win.next-item", NULL);
  g_assert_cmpint (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (current_row ())), ==, 1);

  activate ("win.speaker", g_variant_new ("(ss)", "Arbër Krasniqi", "Kryesues"));
  g_object_get (engine (), "speaker-name", &speaker, NULL);
  g_assert_cmpstr (speaker, ==, "Arbër Krasniqi");

  /* The lower third carries that speaker; Ctrl+T's action shows and hides it. */
  toggle ("win.lower-third");
  g_assert_true (tribuna_engine_get_lower_third_visible (engine ()));
  toggle ("win.lower-third");
  g_assert_false (tribuna_engine_get_lower_third_visible (engine ()));

  toggle ("win.break");
  g_object_get (engine (), "on-break", &on_break, NULL);
  g_assert_true (on_break);
  toggle ("win.break");
  g_object_get (engine (), "on-break", &on_break, NULL);
  g_assert_false (on_break);
}

/* The server goes away while on air: the tile must stop saying ON AIR at once and say
 * RECONNECTING (amber), then ON AIR again when the server is back. */
static void
test_reconnecting (void)
{
  g_autoptr(GError) error = NULL;
  TribunaWindow *window = console.window;

  g_assert_true (tribuna_engine_get_on_air (engine ()));
  g_assert_true (tribuna_test_nginx_kill (console.nginx, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (destination_in_state,
                                          GINT_TO_POINTER (TRIBUNA_DESTINATION_RECONNECTING), 30));
  g_assert_cmpstr (tribuna_window_get_on_air_text (window), ==, T ("RECONNECTING"));
  g_assert_false (tribuna_engine_get_on_air (engine ()));

  g_assert_true (tribuna_test_nginx_restart (console.nginx, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (is_on_air, NULL, 30));
  g_assert_cmpstr (tribuna_window_get_on_air_text (window), ==, T ("ON AIR"));
}

static void
test_stop_stream_asks (void)
{
  /* "Keep going" leaves the hall on air. */
  toggle ("win.on-air");
  answer ("cancel");
  g_assert_true (tribuna_destination_get_wanted (tribuna_engine_find_destination (engine (),
                                                                                  "Nginx")));
  g_assert_true (tribuna_engine_get_on_air (engine ()));

  toggle ("win.on-air");
  answer ("confirm");
  g_assert_true (tribuna_test_wait_until (destination_in_state,
                                          GINT_TO_POINTER (TRIBUNA_DESTINATION_STOPPED), 10));
  g_assert_false (tribuna_engine_get_on_air (engine ()));
  g_assert_cmpstr (tribuna_window_get_on_air_text (console.window), ==, T ("OFF AIR"));
  /* The recording goes on. */
  g_assert_true (is_recording (NULL));
}

static TribunaSettingsDialog *
find_settings (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (console.app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (TRIBUNA_IS_SETTINGS_DIALOG (l->data))
      return l->data;
  return NULL;
}

/* Quality and data folder: refused next to the field, or written to tribuna.conf in a form
 * the engine's config parser reads back. */
static void
test_settings_program (TribunaSettingsDialog *dialog)
{
  g_autofree char *other = g_build_filename (console.data_dir, "elsewhere", NULL);
  g_autoptr(TribunaConfig) saved = NULL;
  g_autoptr(GError) error = NULL;

  /* 640x360 matches no preset: row 0 is "as in the file", row 1 the 720p preset. */
  tribuna_settings_dialog_fill_program (dialog, 1, "recordings-here");
  g_assert_false (tribuna_settings_dialog_save_program (dialog));
  g_assert_nonnull (tribuna_settings_dialog_get_field_error (dialog, "data-dir"));

  tribuna_settings_dialog_fill_program (dialog, 1, other);
  g_assert_true (tribuna_settings_dialog_save_program (dialog));
  g_assert_null (tribuna_settings_dialog_get_field_error (dialog, "data-dir"));
  saved = tribuna_config_new_from_file (console.config_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_config_get_width (saved), ==, 1280);
  g_assert_cmpuint (tribuna_config_get_video_bitrate (saved), ==, 4000);
  g_assert_cmpstr (tribuna_config_get_data_dir (saved), ==, other);
  /* The destination and its key survive the rewrite. */
  g_assert_cmpuint (tribuna_config_get_destinations (saved)->len, ==, 1);
}

static gboolean
tile_without_signal (gpointer data)
{
  TribunaSourceTile *tile = data;

  return tribuna_source_pipeline_get_state (tribuna_source_tile_get_source (tile))
           == TRIBUNA_SOURCE_NO_SIGNAL
         && tribuna_source_tile_get_no_signal (tile);
}

static void
test_settings_sources (TribunaSettingsDialog *dialog)
{
  TribunaMultiview *multiview = TRIBUNA_MULTIVIEW (tribuna_window_get_multiview (console.window));
  g_autofree char *unreachable = g_strdup_printf ("rtsp://127.0.0.1:%u/camera",
                                                  tribuna_test_free_port (NULL));
  g_autofree char *missing_logo = g_build_filename (console.data_dir, "no-logo.png", NULL);
  GdkRGBA background = { 0.1, 0.2, 0.3, 0.5 };
  g_autoptr(TribunaConfig) saved = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *sources;

  /* An address the config parser refuses: its reason under the field, nothing written. */
  tribuna_settings_dialog_fill_source (dialog, "Kamera", "ftp://example.org/camera");
  g_assert_false (tribuna_settings_dialog_add_source (dialog));
  g_assert_nonnull (tribuna_settings_dialog_get_field_error (dialog, "source-uri"));
  tribuna_settings_dialog_fill_source (dialog, "Salla", "test:ball");
  g_assert_false (tribuna_settings_dialog_add_source (dialog));
  g_assert_nonnull (tribuna_settings_dialog_get_field_error (dialog, "source-name"));

  /* Added: on the program at once (a third tile), and in the file for the next start. */
  tribuna_settings_dialog_fill_source (dialog, "Kryesuesi", "test:pinwheel");
  g_assert_true (tribuna_settings_dialog_add_source (dialog));
  g_assert_nonnull (tribuna_engine_find_source (engine (), "Kryesuesi"));
  g_assert_cmpuint (tribuna_multiview_get_n_tiles (multiview), ==, 3);
  /* The source on program cannot be removed (the engine says why): it stays everywhere. */
  g_assert_false (tribuna_settings_dialog_remove_source (dialog, "Salla"));
  g_assert_nonnull (tribuna_engine_find_source (engine (), "Salla"));
  tribuna_settings_dialog_fill_slate (dialog, "Pushim", "Seanca vazhdon së shpejti");
  g_assert_true (tribuna_settings_dialog_save_slate (dialog));

  saved = tribuna_config_new_from_file (console.config_path, &error);
  g_assert_no_error (error);
  sources = tribuna_config_get_sources (saved);
  g_assert_cmpuint (sources->len, ==, 3);
  g_assert_cmpstr (((TribunaSourceConfig *) g_ptr_array_index (sources, 2))->name, ==,
                   "Kryesuesi");
  g_assert_cmpstr (tribuna_config_get_slate_title (saved), ==, "Pushim");

  /* The lower third: a logo that is not there is refused under the field; the font,
   * colour (with its alpha) and clock are written as the engine reads them back. */
  tribuna_settings_dialog_fill_overlays (dialog, "DejaVu Serif", &background, missing_logo, TRUE);
  g_assert_false (tribuna_settings_dialog_save_overlays (dialog));
  g_assert_nonnull (tribuna_settings_dialog_get_field_error (dialog, "overlays"));
  tribuna_settings_dialog_fill_overlays (dialog, "DejaVu Serif", &background, "", TRUE);
  g_assert_true (tribuna_settings_dialog_save_overlays (dialog));
  g_clear_object (&saved);
  saved = tribuna_config_new_from_file (console.config_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tribuna_config_get_overlay_theme (saved)->font, ==, "DejaVu Serif");
  g_assert_cmphex (tribuna_config_get_overlay_theme (saved)->background, ==, 0x801A334D);
  g_assert_true (tribuna_config_get_overlay_clock (saved));

  g_assert_true (tribuna_settings_dialog_remove_source (dialog, "Kryesuesi"));
  g_assert_null (tribuna_engine_find_source (engine (), "Kryesuesi"));
  g_assert_cmpuint (tribuna_multiview_get_n_tiles (multiview), ==, 2);

  /* A microphone: no tile (no picture), a meter on the sound strip that reads it. */
  tribuna_settings_dialog_fill_source (dialog, "Mikrofoni", "tone:440");
  g_assert_true (tribuna_settings_dialog_add_source (dialog));
  g_assert_cmpuint (tribuna_multiview_get_n_tiles (multiview), ==, 2);
  g_assert_true (tribuna_test_wait_until (source_has_sound, (gpointer) "Mikrofoni", 10));
  g_assert_true (tribuna_settings_dialog_remove_source (dialog, "Mikrofoni"));

  /* A camera that does not answer: its tile says NO SIGNAL; the others keep their pictures. */
  g_assert_true (tribuna_engine_add_source (engine (), "Mungon", unreachable, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_multiview_get_n_tiles (multiview), ==, 3);
  g_assert_true (tribuna_test_wait_until (tile_without_signal,
                                          tribuna_multiview_get_tile (multiview, 2), 30));
  g_assert_false (tribuna_source_tile_get_no_signal (tribuna_multiview_get_tile (multiview, 0)));
  g_assert_true (tribuna_engine_remove_source (engine (), "Mungon", NULL));
  g_clear_object (&saved);
  saved = tribuna_config_new_from_file (console.config_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_config_get_sources (saved)->len, ==, 2);
}

static gboolean
refused (gpointer data)
{
  TribunaDestination *destination = tribuna_engine_find_destination (engine (), "Refused");

  return tribuna_destination_get_state (destination) == TRIBUNA_DESTINATION_REJECTED;
}

static void
test_settings (void)
{
  TribunaSettingsDialog *dialog;
  g_autofree char *url = NULL;
  g_autofree char *deny_url = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  GListModel *destinations = tribuna_engine_get_destinations (engine ());
  guint n_before = g_list_model_get_n_items (destinations);
  TribunaDestination *added;

  activate ("app.settings", NULL);
  dialog = find_settings ();
  g_assert_nonnull (dialog);

  /* Refused with the URL parser's reason next to the field; nothing stored. */
  tribuna_settings_dialog_fill_destination (dialog, "YouTube", "http://example.org/live", "abc");
  g_assert_false (tribuna_settings_dialog_add_destination (dialog));
  g_assert_nonnull (tribuna_settings_dialog_get_field_error (dialog, "url"));
  g_assert_cmpuint (g_list_model_get_n_items (destinations), ==, n_before);

  tribuna_settings_dialog_fill_destination (dialog, "Nginx", "rtmp://127.0.0.1/live", "abc");
  g_assert_false (tribuna_settings_dialog_add_destination (dialog));
  g_assert_nonnull (tribuna_settings_dialog_get_field_error (dialog, "name"));

  tribuna_settings_dialog_fill_destination (dialog, "a/b", "rtmp://127.0.0.1/live", "abc");
  g_assert_false (tribuna_settings_dialog_add_destination (dialog));
  g_assert_nonnull (tribuna_settings_dialog_get_field_error (dialog, "name"));

  url = g_strdup_printf ("rtmp://127.0.0.1:%u/live",
                         tribuna_test_nginx_get_rtmp_port (console.nginx));
  tribuna_settings_dialog_fill_destination (dialog, "Second", url, "second-key");
  g_assert_true (tribuna_settings_dialog_add_destination (dialog));
  g_assert_null (tribuna_settings_dialog_get_field_error (dialog, "url"));
  /* Saved: gone from the screen, kept in the secrets file, masked in the engine. */
  g_assert_cmpstr (tribuna_settings_dialog_get_key_text (dialog), ==, "");
  added = tribuna_engine_find_destination (engine (), "Second");
  g_assert_nonnull (added);
  g_assert_null (strstr (tribuna_destination_get_masked_url (added), "second-key"));
  stored = tribuna_accounts_list_destinations (tribuna_application_get_accounts (console.app),
                                               NULL);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (((TribunaStoredDestination *) g_ptr_array_index (stored, 0))->key, ==,
                   "second-key");

  /* A destination the server refuses: wanted, given up, and the ON AIR tile says so in
   * black and red, naming it, instead of the calm grey of never having started. */
  deny_url = g_strdup_printf ("rtmp://127.0.0.1:%u/deny",
                              tribuna_test_nginx_get_rtmp_port (console.nginx));
  tribuna_settings_dialog_fill_destination (dialog, "Refused", deny_url, "refused-key");
  g_assert_true (tribuna_settings_dialog_add_destination (dialog));
  activate ("win.destination-start", g_variant_new_string ("Refused"));
  g_assert_true (tribuna_test_wait_until (refused, NULL, 30));
  g_assert_cmpstr (tribuna_window_get_on_air_text (console.window), ==, T ("NOT ON AIR"));
  g_assert_true (tribuna_settings_dialog_remove_destination (dialog, "Refused"));
  g_assert_cmpstr (tribuna_window_get_on_air_text (console.window), ==, T ("OFF AIR"));

  /* Removed again: off the engine and out of the secrets file. The config's stays. */
  g_assert_true (tribuna_settings_dialog_remove_destination (dialog, "Second"));
  g_assert_null (tribuna_engine_find_destination (engine (), "Second"));
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = tribuna_accounts_list_destinations (tribuna_application_get_accounts (console.app),
                                               NULL);
  g_assert_cmpuint (stored->len, ==, 0);
  g_assert_false (tribuna_settings_dialog_remove_destination (dialog, "Nginx"));

  test_settings_program (dialog);
  test_settings_sources (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
windows_gone (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (console.app)) == NULL;
}

static void
test_quit_while_recording (void)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaSession) session = NULL;
  GtkWidget *archive;
  double decoded;

  g_assert_true (is_recording (NULL));

  /* Keep going: nothing stops. Asked from the archive window too, not only the control
   * room. */
  archive = tribuna_archive_window_new (console.app, engine ());
  gtk_window_present (GTK_WINDOW (archive));
  tribuna_test_iterate_for (0.2);
  activate ("app.quit", NULL);
  answer ("cancel");
  g_assert_false (tribuna_application_get_stopping (console.app));
  gtk_window_destroy (GTK_WINDOW (archive));

  activate ("app.quit", NULL);
  answer ("cancel");
  g_assert_false (tribuna_application_get_stopping (console.app));
  g_assert_true (is_recording (NULL));

  activate ("app.quit", NULL);
  answer ("confirm");
  g_assert_true (tribuna_application_get_stopping (console.app));
  g_assert_true (tribuna_test_wait_until (windows_gone, NULL, 30));
  g_assert_cmpint (tribuna_engine_get_recorder_state (engine ()), ==, TRIBUNA_RECORDER_STOPPED);

  /* Finalised: every segment decodes, the session is ended in the archive. */
  files = tribuna_test_find_files (console.data_dir, ".ts");
  g_assert_cmpuint (files->len, >, 0);
  decoded = tribuna_test_decode_duration (tribuna_test_concat_input (files), &error);
  g_assert_no_error (error);
  g_test_message ("recording: %u segment(s), %.1f s decoded", files->len, decoded);
  g_assert_cmpfloat (decoded, >, 4.0);
  session = tribuna_archive_get_session (tribuna_engine_get_archive (engine ()),
                                         console.session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, TRIBUNA_SESSION_ENDED);
}

static gboolean
export_done (gpointer data)
{
  return !tribuna_archive_window_get_exporting (data);
}

static void
test_archive_clip (void)
{
  g_autoptr(GtkWidget) window = NULL;
  TribunaArchiveWindow *archive;
  GdkPaintable *thumbnail;
  g_autoptr(TribunaTestMedia) media = NULL;
  g_autoptr(GError) error = NULL;

  window = g_object_ref_sink (tribuna_archive_window_new (console.app, engine ()));
  archive = TRIBUNA_ARCHIVE_WINDOW (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpuint (tribuna_archive_window_get_n_sessions (archive), ==, 2);
  tribuna_archive_window_set_filter (archive, TRIBUNA_SESSION_TYPE_KPF, NULL, NULL);
  g_assert_cmpuint (tribuna_archive_window_get_n_sessions (archive), ==, 1);
  tribuna_archive_window_set_filter (archive, TRIBUNA_SESSION_TYPE_BUDGET_HEARING, NULL, NULL);
  g_assert_cmpuint (tribuna_archive_window_get_n_sessions (archive), ==, 0);
  tribuna_archive_window_set_filter (archive, -1, "2024-13-45", NULL);
  g_assert_cmpuint (tribuna_archive_window_get_n_sessions (archive), ==, 0);
  g_assert_nonnull (tribuna_archive_window_get_message (archive));
  tribuna_archive_window_set_filter (archive, -1, "2000-01-01", NULL);
  g_assert_cmpuint (tribuna_archive_window_get_n_sessions (archive), ==, 2);
  g_assert_true (tribuna_archive_window_select_session (archive, console.session_id));
  g_assert_cmpuint (tribuna_archive_window_get_n_items (archive), >=, 4);

  /* A bad range is refused with its reason. */
  tribuna_archive_window_set_range (archive, "0:05", "0:02");
  g_assert_false (tribuna_archive_window_export (archive));
  g_assert_nonnull (tribuna_archive_window_get_message (archive));

  /* Item 1 (about 2 s long, marked above), with progress, then on disk. */
  g_assert_true (tribuna_archive_window_select_item (archive, 0));
  g_assert_true (tribuna_archive_window_export (archive));
  g_assert_true (tribuna_test_wait_until (export_done, archive, 60));
  g_assert_nonnull (tribuna_archive_window_get_clip_path (archive));
  g_assert_cmpfloat (tribuna_archive_window_get_progress (archive), ==, 1.0);
  media = tribuna_test_probe (tribuna_archive_window_get_clip_path (archive), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (media->n_video, ==, 1);
  g_assert_cmpfloat (media->duration, >, 0.5);
  /* The export's thumbnail is shown, at the clip's size. */
  g_assert_nonnull (tribuna_archive_window_get_thumbnail (archive));
  thumbnail = tribuna_archive_window_get_thumbnail (archive);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (thumbnail), ==, (int) media->width);

  /* Cancelled at once: said so, nothing new written. */
  tribuna_archive_window_set_range (archive, "0:00", "0:04");
  g_assert_true (tribuna_archive_window_export (archive));
  tribuna_archive_window_cancel_export (archive);
  g_assert_true (tribuna_test_wait_until (export_done, archive, 30));
  g_assert_nonnull (tribuna_archive_window_get_message (archive));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
thumbnails_shown (gpointer data)
{
  return tribuna_archive_window_get_item_thumbnail (data, 0) != NULL
         && tribuna_archive_window_get_item_thumbnail (data, 1) != NULL;
}

static guchar *
download (GdkPaintable *paintable,
          gsize        *size)
{
  GdkTexture *texture = GDK_TEXTURE (paintable);
  gsize stride = 4 * gdk_texture_get_width (texture);
  guchar *pixels;

  *size = stride * gdk_texture_get_height (texture);
  pixels = g_malloc (*size);
  gdk_texture_download (texture, pixels, stride);
  return pixels;
}

/* How many of the bytes differ by more than JPEG noise. */
static double
pixels_apart (GdkPaintable *a,
              GdkPaintable *b)
{
  gsize size_a = 0, size_b = 0, differ = 0;
  g_autofree guchar *pixels_a = download (a, &size_a);
  g_autofree guchar *pixels_b = download (b, &size_b);

  g_assert_cmpuint (size_a, ==, size_b);
  for (gsize i = 0; i < size_a; i++)
    if (ABS (pixels_a[i] - pixels_b[i]) > 24)
      differ++;
  return differ / (double) size_a;
}

static gboolean
playing_past (gpointer data)
{
  GtkMediaStream *media = tribuna_archive_window_get_media_stream (data);

  return media != NULL && (gtk_media_stream_get_error (media) != NULL
                           || (gtk_media_stream_get_playing (media)
                               && gtk_media_stream_get_timestamp (media) > 0));
}

/* The items' first pictures appear in their rows, each from its own moment (the test
 * pattern scrolls); playing item 2 starts the recording there and it runs on. */
static void
test_archive_media (void)
{
  g_autoptr(GtkWidget) window = NULL;
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(GError) error = NULL;
  TribunaArchiveWindow *archive;
  GdkPaintable *first, *second;
  const TribunaItemRange *range;
  GtkMediaStream *media;
  gint64 start_us, at_us, later_us;

  window = g_object_ref_sink (tribuna_archive_window_new (console.app, engine ()));
  archive = TRIBUNA_ARCHIVE_WINDOW (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tribuna_archive_window_select_session (archive, console.session_id));
  g_assert_true (tribuna_test_wait_until (thumbnails_shown, archive, 30));

  first = tribuna_archive_window_get_item_thumbnail (archive, 0);
  second = tribuna_archive_window_get_item_thumbnail (archive, 1);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (first), >, 0);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (first), >, 0);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (first), ==,
                   gdk_paintable_get_intrinsic_width (second));
  g_test_message ("thumbnails %dx%d, items 1 and 2 differ in %.1f %% of bytes",
                  gdk_paintable_get_intrinsic_width (first),
                  gdk_paintable_get_intrinsic_height (first), 100 * pixels_apart (first, second));
  g_assert_cmpfloat (pixels_apart (first, second), >, 0.01);
  /* Items never taken up have none. */
  g_assert_null (tribuna_archive_window_get_item_thumbnail (archive, 3));

  timeline = tribuna_timeline_new_for_session (tribuna_engine_get_archive (engine ()),
                                               console.session_id, &error);
  g_assert_no_error (error);
  range = g_ptr_array_index (tribuna_timeline_get_item_ranges (timeline), 1);
  start_us = range->start_ns / 1000;
  /* As the operator does it: Enter or a double-click on the row. */
  g_assert_false (tribuna_archive_window_activate_item (archive, 3));
  g_assert_null (tribuna_archive_window_get_media_stream (archive));

  g_assert_true (tribuna_archive_window_activate_item (archive, 1));
  g_assert_true (tribuna_test_wait_until (playing_past, archive, 30));
  media = tribuna_archive_window_get_media_stream (archive);
  g_assert_no_error (gtk_media_stream_get_error (media));
  at_us = gtk_media_stream_get_timestamp (media);
  g_test_message ("item 2 starts at %.2f s; playback at %.2f s", start_us / 1e6, at_us / 1e6);
  /* Within a keyframe interval (1 s here) and a second of the item's start. */
  g_assert_cmpint (ABS (at_us - start_us), <=, 2 * G_USEC_PER_SEC);
  tribuna_test_iterate_for (1.5);
  later_us = gtk_media_stream_get_timestamp (media);
  g_test_message ("1.5 s later: %.2f s", later_us / 1e6);
  g_assert_cmpint (later_us - at_us, >=, G_USEC_PER_SEC / 2);
  g_assert_true (gtk_media_stream_get_playing (media));

  gtk_window_destroy (GTK_WINDOW (window));
}

static guint
http_get_status (guint       port,
                 const char *path)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);

  return soup_message_get_status (message);
}

/* The real program, as a user starts it: until the control room is usable. */
static void
test_time_to_window (void)
{
  const char *tribuna = g_getenv ("TRIBUNA_UI");
  g_autofree char *data_dir = g_build_filename (console.data_dir, "timing", NULL);
  guint port = tribuna_test_free_port (NULL);
  g_autofree char *http = g_strdup_printf ("127.0.0.1:%u", port);
  const char *args[] = { "--data-dir", data_dir, "--http", http, NULL };
  g_autofree char *tribunad = g_strdup (g_getenv ("TRIBUNAD"));
  g_autoptr(TribunaTestDaemon) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double seconds;

  if (tribuna == NULL)
    {
      g_test_skip ("TRIBUNA_UI is not set (meson test sets it)");
      return;
    }

  /* The test utilities' process helper runs $TRIBUNAD: here it runs the console. */
  g_setenv ("TRIBUNAD", tribuna, TRUE);
  g_setenv ("G_MESSAGES_DEBUG", "tribuna-application", TRUE);
  start = g_get_monotonic_time ();
  process = tribuna_test_daemon_spawn (args, &error);
  g_setenv ("TRIBUNAD", tribunad, TRUE);
  g_assert_no_error (error);
  g_assert_true (tribuna_test_daemon_wait_line (process, "usable after", 30));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_test_message ("time to usable window (process start to shown with the program running): "
                  "%.2f s", seconds);
  /* The target is 2 s; the bound leaves room for a machine shared with other builds. */
  g_assert_cmpfloat (seconds, <, 10.0);

  /* Like tribunad, it serves the public page and the API beside the engine. */
  g_assert_cmpuint (http_get_status (port, "/"), ==, 200);
  g_assert_cmpuint (http_get_status (port, "/api/v1/status"), ==, 401);

  /* SIGTERM is a clean stop. */
  tribuna_test_daemon_signal (process, SIGTERM);
  g_assert_cmpint (tribuna_test_daemon_wait_exit (process, 30), ==, 0);
}

/* Options are checked before any window: a bad --http is a usage error (status 2), a
 * config file that cannot be read is said on stderr, in its parser's words. */
static void
test_bad_options (void)
{
  const char *tribuna = g_getenv ("TRIBUNA_UI");
  g_autofree char *tribunad = g_strdup (g_getenv ("TRIBUNAD"));
  g_autofree char *missing = g_build_filename (console.data_dir, "no-such.conf", NULL);
  const char *bad_http[] = { "--http", "not-an-address", NULL };
  const char *bad_config[] = { "--config", missing, "--http", "off", NULL };
  g_autoptr(TribunaTestDaemon) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  if (tribuna == NULL)
    {
      g_test_skip ("TRIBUNA_UI is not set (meson test sets it)");
      return;
    }

  g_setenv ("TRIBUNAD", tribuna, TRUE);
  g_assert_true (tribuna_test_daemon_run (bad_http, 30, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "not-an-address"));

  process = tribuna_test_daemon_spawn (bad_config, &error);
  g_setenv ("TRIBUNAD", tribunad, TRUE);
  g_assert_no_error (error);
  g_assert_true (tribuna_test_daemon_wait_line (process, "no-such.conf", 30));
  tribuna_test_daemon_signal (process, SIGTERM);
  g_assert_cmpint (tribuna_test_daemon_wait_exit (process, 30), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* As main.c does: the interface follows the locale, from the build tree's catalogues. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TRIBUNA_LOCALEDIR") ? g_getenv ("TRIBUNA_LOCALEDIR")
                                                                   : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  console.data_dir = tribuna_test_make_tmpdir ("tribuna-ui-XXXXXX", &error);
  g_assert_no_error (error);
  console.nginx = tribuna_test_nginx_start (FALSE, &error);
  g_assert_no_error (error);
  write_config ();

  g_test_add_func ("/ui/format", test_format);
  g_test_add_func ("/ui/preview-paintable", test_preview_paintable);
  g_test_add_func ("/ui/level-meter", test_level_meter);
  g_test_add_func ("/ui/preview-cost", test_preview_cost);
  g_test_add_func ("/ui/console/startup", test_startup);
  g_test_add_func ("/ui/console/session-and-agenda", test_open_session_and_agenda);
  g_test_add_func ("/ui/console/record-and-on-air", test_record_and_on_air);
  g_test_add_func ("/ui/console/vision", test_vision);
  g_test_add_func ("/ui/console/agenda-items", test_agenda_items);
  g_test_add_func ("/ui/console/reconnecting", test_reconnecting);
  g_test_add_func ("/ui/console/stop-stream-asks", test_stop_stream_asks);
  g_test_add_func ("/ui/console/settings", test_settings);
  g_test_add_func ("/ui/console/quit-while-recording", test_quit_while_recording);
  g_test_add_func ("/ui/console/archive-clip", test_archive_clip);
  g_test_add_func ("/ui/console/archive-media", test_archive_media);
  g_test_add_func ("/ui/console/time-to-window", test_time_to_window);
  g_test_add_func ("/ui/console/bad-options", test_bad_options);
  status = g_test_run ();

  g_clear_object (&console.app);
  g_clear_pointer (&console.nginx, tribuna_test_nginx_free);
  tribuna_test_rm_rf (console.data_dir, NULL);
  g_free (console.data_dir);
  g_free (console.config_path);
  return status;
}
