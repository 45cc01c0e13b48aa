/* ui-screenshots.c: renders the console's main views to PNG files, for docs/screenshots/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by tools/screenshots-console.sh (which sets up Xvfb and the language). The views are
 * real: a session with the Kuvendi agenda on a test pattern, on air to nginx-rtmp on
 * loopback, a second destination that cannot connect, the settings refusing a bad URL, and
 * the archive with an item chosen for a clip and playing.
 *
 *   ui-screenshots OUTPUT_DIR SUFFIX     (writes console-on-air-SUFFIX.png, …)
 */
#define G_LOG_DOMAIN "tribuna-screenshots"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gst/gst.h>
#include <locale.h>

#include "test-utils.h"
#include "tribuna-application.h"
#include "tribuna-archive-window.h"
#include "tribuna-session-panel.h"
#include "tribuna-settings-dialog.h"
#include "tribuna-window.h"

static TribunaApplication *app;
static TribunaWindow *window;

static TribunaEngine *
engine (void)
{
  return tribuna_application_get_engine (app);
}

static void
save (GtkWidget  *widget,
      const char *dir,
      const char *name,
      const char *suffix)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, suffix);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int width, height;

  /* Laid out and drawn at least once. */
  tribuna_test_iterate_for (0.5);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("cannot write %s", path);
  g_print ("%s\n", path);
}

static gboolean
is_on_air (gpointer data)
{
  return tribuna_engine_get_on_air (engine ());
}

static gboolean
is_ready (gpointer data)
{
  return tribuna_application_get_ready_us (app) > 0;
}

static void
act (const char *name,
     GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), name, parameter);
}

static char *
write_config (const char       *dir,
              TribunaTestNginx *nginx)
{
  g_autofree char *text = NULL;
  char *path = g_build_filename (dir, "tribuna.conf", NULL);
  guint closed = tribuna_test_free_port (NULL);

  text = g_strdup_printf ("[program]\nencoder-preset=ultrafast\n"
                          "[source Salla]\nuri=test:smpte\n"
                          "[source Foltorja]\nuri=test:ball\n"
                          "[source Kryesuesi]\nuri=test:pinwheel\n"
                          "[destination YouTube]\nurl=rtmp://127.0.0.1:%u/live\nkey=youtube-key\n"
                          "[destination Facebook]\nurl=rtmp://127.0.0.1:%u/rtmp\nkey=fb-key\n",
                          tribuna_test_nginx_get_rtmp_port (nginx), closed);
  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL);
  return path;
}

static void
control_room (const char *out,
              const char *suffix)
{
  TribunaSessionPanel *panel = TRIBUNA_SESSION_PANEL (tribuna_window_get_session_panel (window));
  g_autofree char *agenda = g_build_filename (TRIBUNA_SOURCE_DIR, "tests", "fixtures", "agendas",
                                              "kuvendi-2024-03-28.txt", NULL);
  g_autoptr(GError) error = NULL;

  tribuna_session_panel_fill_new_session (panel, TRIBUNA_SESSION_TYPE_ASSEMBLY,
                                          "Seanca e rregullt e Kuvendit Komunal");
  act ("open-session", NULL);
  if (!tribuna_session_panel_import_agenda (panel, agenda, &error))
    g_error ("%s", error->message);
  act ("on-air", NULL);
  tribuna_test_wait_until (is_on_air, NULL, 30);
  act ("next-item", NULL);
  tribuna_test_iterate_for (2);
  act ("next-item", NULL);
  tribuna_test_iterate_for (2);
  act ("next-item", NULL);
  act ("speaker", g_variant_new ("(ss)", "Agim Veliu", "Kryetar i Komunës"));
  act ("select-source", g_variant_new_int32 (2));
  act ("lower-third", NULL);
  tribuna_test_iterate_for (4);
  save (GTK_WIDGET (window), out, "console-on-air", suffix);
}

static void
settings (const char *out,
          const char *suffix)
{
  GtkWidget *dialog = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "settings", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (TRIBUNA_IS_SETTINGS_DIALOG (l->data))
      dialog = l->data;
  tribuna_settings_dialog_fill_destination (TRIBUNA_SETTINGS_DIALOG (dialog), "Faqja e Komunës",
                                            "http://podujeva.example/live", "key");
  tribuna_settings_dialog_add_destination (TRIBUNA_SETTINGS_DIALOG (dialog));
  save (dialog, out, "console-settings", suffix);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
session_ended (gpointer data)
{
  return tribuna_engine_get_session (engine ()) == NULL;
}

static gboolean
export_done (gpointer data)
{
  return !tribuna_archive_window_get_exporting (data);
}

static void
archive (const char *out,
         const char *suffix)
{
  gint64 session_id = tribuna_engine_get_session (engine ())->id;
  GtkWidget *archive_window;

  /* End the session (the question answered yes): its recording is complete. */
  act ("end-session", NULL);
  adw_message_dialog_response (tribuna_window_get_question (window), "confirm");
  tribuna_test_wait_until (session_ended, NULL, 30);

  archive_window = tribuna_archive_window_new (app, engine ());
  gtk_window_present (GTK_WINDOW (archive_window));
  tribuna_test_iterate_for (0.5);
  tribuna_archive_window_select_session (TRIBUNA_ARCHIVE_WINDOW (archive_window), session_id);
  tribuna_archive_window_select_item (TRIBUNA_ARCHIVE_WINDOW (archive_window), 1);
  tribuna_archive_window_export (TRIBUNA_ARCHIVE_WINDOW (archive_window));
  tribuna_test_wait_until (export_done, archive_window, 60);
  /* The recording playing from that item, with the items' pictures in their rows. */
  tribuna_archive_window_play_item (TRIBUNA_ARCHIVE_WINDOW (archive_window), 1);
  tribuna_test_iterate_for (2.0);
  save (archive_window, out, "console-archive", suffix);
  gtk_window_destroy (GTK_WINDOW (archive_window));
}

static gboolean
windows_gone (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTestNginx) nginx = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *config = NULL;
  const char *localedir = g_getenv ("TRIBUNA_LOCALEDIR");

  if (argc != 3)
    g_error ("usage: ui-screenshots OUTPUT_DIR SUFFIX");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gst_init (&argc, &argv);

  dir = tribuna_test_make_tmpdir ("tribuna-shots-XXXXXX", &error);
  nginx = tribuna_test_nginx_start (FALSE, &error);
  if (nginx == NULL)
    g_error ("%s", error->message);
  config = write_config (dir, nginx);

  app = tribuna_application_new ();
  g_object_set (app, "config-path", config, "data-dir", dir, "http", "off", NULL);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  g_application_activate (G_APPLICATION (app));
  window = TRIBUNA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  tribuna_test_wait_until (is_ready, NULL, 20);

  control_room (argv[1], argv[2]);
  settings (argv[1], argv[2]);
  archive (argv[1], argv[2]);

  tribuna_application_stop_and_quit (app);
  tribuna_test_wait_until (windows_gone, NULL, 30);
  g_clear_object (&app);
  tribuna_test_rm_rf (dir, NULL);
  return 0;
}
