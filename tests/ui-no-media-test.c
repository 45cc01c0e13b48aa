/* ui-no-media-test.c: the archive window on a GTK without its media backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK_MEDIA=none makes GTK hand out the stream it gives when libgtk-4-media-gstreamer is
 * not installed (GTK picks its media backend once per process, hence a program of its
 * own). The window must say which package to install instead of failing in GTK's words,
 * and the item thumbnails, which come from the engine, must still appear.
 * Run under tests/ui-xvfb.sh (meson test does).
 */
#define G_LOG_DOMAIN "tribuna-ui-test"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gst/gst.h>
#include <locale.h>
#include <string.h>

#include "test-utils.h"
#include "tribuna-archive-window.h"

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
  g_assert_true (tribuna_engine_end_session_finish (TRIBUNA_ENGINE (object), result, NULL));
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

static TribunaEngine *
make_engine (const char *data_dir)
{
  return tribuna_test_engine_new (data_dir,
                                  "[program]\nwidth=640\nheight=360\nvideo-bitrate=800\n"
                                  "keyframe-interval=1\nencoder-preset=ultrafast\n"
                                  "[recording]\nsegment-seconds=3\n"
                                  "[source Salla]\nuri=test:smpte\n");
}

/* A short session with its first item taken up, ended. */
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
  g_assert_true (tribuna_engine_next_item (engine, "test", &error));
  tribuna_test_iterate_for (3.0);
  tribuna_engine_end_session_async (engine, NULL, on_ended, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
  return session->id;
}

static gboolean
thumbnail_shown (gpointer data)
{
  return tribuna_archive_window_get_item_thumbnail (data, 0) != NULL;
}

static void
test_no_media_backend (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = tribuna_test_make_tmpdir ("tribuna-ui-no-media-XXXXXX", &error);
  TribunaEngine *engine = make_engine (data_dir);
  TribunaArchiveWindow *archive;
  GtkWidget *window;
  gboolean done = FALSE;
  gint64 session_id;

  session_id = record_session (engine);
  window = tribuna_archive_window_new (NULL, engine);
  archive = TRIBUNA_ARCHIVE_WINDOW (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tribuna_archive_window_select_session (archive, session_id));

  g_assert_true (tribuna_test_wait_until (thumbnail_shown, archive, 30));
  g_assert_false (tribuna_archive_window_activate_item (archive, 0));
  g_assert_null (tribuna_archive_window_get_media_stream (archive));
  g_test_message ("%s", tribuna_archive_window_get_playback_message (archive));
  g_assert_nonnull (strstr (tribuna_archive_window_get_playback_message (archive),
                            "libgtk-4-media-gstreamer"));

  gtk_window_destroy (GTK_WINDOW (window));
  tribuna_engine_shutdown_async (engine, NULL, on_shutdown, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, 15));
  g_assert_finalize_object (engine);
  tribuna_test_rm_rf (data_dir, NULL);
}

int
main (int   argc,
      char *argv[])
{
  /* Before GTK looks for its media backend. */
  g_setenv ("GTK_MEDIA", "none", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/ui/archive/no-media-backend", test_no_media_backend);
  return g_test_run ();
}
