/* live-page-test.c: the public live page in a real browser, against a real tribunad
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As an appliance is set up: an administrator and a token made with tribunad itself on a
 * new data directory, then tribunad streaming test sources in a public assembly session
 * with the agenda of 28 March 2024, serving HTTP on a free loopback port. An item is
 * marked through the API; then tests/web/live-page.mjs drives Debian's chromium
 * (playwright-core from npm, data/web/node_modules) through the page: the item shows, the
 * video plays, and once private is turned on through the API the stream stops. Here the
 * server side is checked after it: the stream refused, its folder empty.
 *
 * /live/browser/archive records a public session the same way (an item, a private part,
 * another item), ends it, serves it from a second tribunad, and tests/web/archive-page.mjs
 * opens the shared link /archive/1#item=4: the video seeks to the item and plays.
 *
 * The screenshots go to the build directory, or with TRIBUNA_UPDATE_SCREENSHOTS=1 to
 * docs/screenshots/live-page.png and archive-page.png. Without chromium, node or `npm ci` the test is skipped,
 * except in CI (CI set), where that is a failure: ./dev.sh deps installs all three.
 */
#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "test-utils.h"

#define PASSWORD      "kuvendi-2024-podujeve"
#define ITEM_NUMBER   "4"
#define ITEM_TITLE    "Raporti financiar i Komunës për periudhën janar – dhjetor 2023"
#define TIMEOUT_S     60
#define BROWSER_S     300

typedef struct {
  char        *chromium;
  char        *node;
  char        *node_modules;
  char        *script;
} Tools;

static void
tools_clear (Tools *tools)
{
  g_free (tools->chromium);
  g_free (tools->node);
  g_free (tools->node_modules);
  g_free (tools->script);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Tools, tools_clear)

/* FALSE (and the test skipped, or failed in CI) when something the browser needs is not
 * installed. */
static gboolean
find_tools (Tools *tools)
{
  g_autofree char *playwright = NULL;
  g_autofree char *message = NULL;
  const char *chromium = g_getenv ("TRIBUNA_CHROMIUM");
  const char *missing = NULL;

  tools->chromium = g_strdup (chromium ? chromium : "/usr/bin/chromium");
  tools->node = g_find_program_in_path ("node");
  tools->node_modules = g_build_filename (TRIBUNA_SOURCE_DIR, "data", "web", "node_modules",
                                          NULL);
  tools->script = g_test_build_filename (G_TEST_DIST, "web", "live-page.mjs", NULL);
  playwright = g_build_filename (tools->node_modules, "playwright-core", "package.json", NULL);

  if (!g_file_test (tools->chromium, G_FILE_TEST_IS_EXECUTABLE))
    missing = "chromium (Debian package chromium)";
  else if (tools->node == NULL)
    missing = "node (Debian package nodejs)";
  else if (!g_file_test (playwright, G_FILE_TEST_EXISTS))
    missing = "playwright-core (npm ci in data/web)";

  if (missing == NULL)
    return TRUE;

  message = g_strdup_printf ("%s is not installed; ./dev.sh deps installs it", missing);
  if (g_getenv ("CI") != NULL)
    g_error ("%s", message);
  g_test_skip (message);
  return FALSE;
}

static int
run_tribunad (const char * const *args,
              const char         *input,
              char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("TRIBUNAD"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, out, &err, &error));
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_test_message ("tribunad: %s", err);
  return g_subprocess_get_exit_status (process);
}

/* One request to the daemon; the body as text. */
static guint
call (SoupSession *session,
      const char  *method,
      const char  *url,
      const char  *token,
      const char  *body,
      char       **reply)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (reply != NULL)
    *reply = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}

typedef struct {
  char     *output;
  GError   *error;
  gboolean  done;
} Browser;

static void
on_browser_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Browser *browser = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &browser->output, NULL,
                                        &browser->error);
  browser->done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static char *
screenshot_path (void)
{
  if (g_getenv ("TRIBUNA_UPDATE_SCREENSHOTS") != NULL)
    return g_build_filename (TRIBUNA_SOURCE_DIR, "docs", "screenshots", "live-page.png", NULL);

  return g_test_build_filename (G_TEST_BUILT, "live-page.png", NULL);
}

static void
test_live_page (void)
{
  g_auto(Tools) tools = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTestDaemon) daemon = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) node = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *agenda = NULL;
  g_autofree char *token = NULL;
  g_autofree char *out = NULL;
  g_autofree char *http = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *screenshot = screenshot_path ();
  g_autofree char *hls_dir = NULL;
  g_autofree char *png = NULL;
  g_autoptr(GPtrArray) hls_files = NULL;
  g_auto(GStrv) lines = NULL;
  Browser browser = { 0 };
  gsize png_length = 0;
  guint port;

  if (g_getenv ("TRIBUNAD") == NULL)
    {
      g_test_skip ("TRIBUNAD is not set (run through meson test)");
      return;
    }
  if (!find_tools (&tools))
    return;

  dir = tribuna_test_make_tmpdir ("tribuna-live-page-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (dir, "tribuna.conf", NULL);
  g_assert_true (g_file_set_contents (config,
                                      "[program]\nwidth=640\nheight=360\nframerate=15\n"
                                      "video-bitrate=600\nencoder-preset=ultrafast\n"
                                      "[recording]\nsegment-seconds=10\n", -1, NULL));
  agenda = g_test_build_filename (G_TEST_DIST, "fixtures", "agendas", "kuvendi-2024-03-28.txt",
                                  NULL);

  /* The first administrator and a token, as the operator's guide says. */
  {
    const char *create[] = { "--data-dir", dir, "--create-admin", "drita", NULL };
    const char *create_token[] = { "--data-dir", dir, "--create-token", "drita", NULL };

    g_assert_cmpint (run_tribunad (create, PASSWORD "\n", &out), ==, 0);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_tribunad (create_token, NULL, &token), ==, 0);
    g_strstrip (token);
    g_assert_true (g_str_has_prefix (token, "trb_"));
  }

  port = tribuna_test_free_port (&error);
  g_assert_no_error (error);
  http = g_strdup_printf ("127.0.0.1:%u", port);
  base = g_strdup_printf ("http://127.0.0.1:%u", port);
  {
    const char *args[] = {
      "--config", config, "--data-dir", dir, "--session-type", "assembly",
      "--title", "Seanca e rregullt e Kuvendit Komunal", "--agenda", agenda, "--http", http, NULL
    };

    daemon = tribuna_test_daemon_spawn (args, &error);
    g_assert_no_error (error);
  }
  g_assert_true (tribuna_test_daemon_wait_line (daemon, "live page: live", TIMEOUT_S));

  /* The operator marks item 4 through the API. */
  session = soup_session_new_with_options ("timeout", 30, NULL);
  url = g_strconcat (base, "/api/v1/markers/jump", NULL);
  g_assert_cmpuint (call (session, "POST", url, token, "{\"number\": \"" ITEM_NUMBER "\"}",
                          &reply), ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (reply, ITEM_TITLE));
  g_clear_pointer (&reply, g_free);

  /* The browser, through the page. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "TRIBUNA_TEST_TOKEN", token, TRUE);
  g_subprocess_launcher_setenv (launcher, "TRIBUNA_WEB_NODE_MODULES", tools.node_modules, TRUE);
  g_subprocess_launcher_setenv (launcher, "TRIBUNA_CHROMIUM", tools.chromium, TRUE);
  node = g_subprocess_launcher_spawn (launcher, &error, tools.node, tools.script, base,
                                      ITEM_TITLE, screenshot, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (node, NULL, NULL, on_browser_done, &browser);
  if (!tribuna_test_wait_until (is_true, &browser.done, BROWSER_S))
    {
      g_subprocess_force_exit (node);
      g_error ("the browser test did not end within %d s", BROWSER_S);
    }
  g_assert_no_error (browser.error);
  lines = g_strsplit (browser.output ? browser.output : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_test_message ("browser| %s", lines[i]);
  g_assert_true (g_subprocess_get_if_exited (node));
  g_assert_cmpint (g_subprocess_get_exit_status (node), ==, 0);
  g_assert_nonnull (strstr (browser.output, "PASSED"));

  /* The server's side of the private part: refused, and nothing left to refuse. */
  g_clear_pointer (&url, g_free);
  url = g_strconcat (base, "/live/index.m3u8", NULL);
  g_assert_cmpuint (call (session, "GET", url, NULL, NULL, &reply), ==, SOUP_STATUS_FORBIDDEN);
  g_clear_pointer (&reply, g_free);
  hls_dir = g_build_filename (dir, "hls", "live", NULL);
  hls_files = tribuna_test_find_files (hls_dir, "");
  g_assert_cmpuint (hls_files->len, ==, 0);
  g_clear_pointer (&url, g_free);
  url = g_strconcat (base, "/api/v1/public/status", NULL);
  g_assert_cmpuint (call (session, "GET", url, NULL, NULL, &reply), ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (reply, "\"live\" : false"));
  g_assert_nonnull (strstr (reply, "\"private\" : true"));
  g_assert_null (strstr (reply, ITEM_TITLE));

  g_assert_true (g_file_get_contents (screenshot, &png, &png_length, NULL));
  g_assert_cmpuint (png_length, >, 10000);
  g_assert_cmpmem (png, 4, "\x89PNG", 4);
  g_test_message ("screenshot: %s", screenshot);

  tribuna_test_daemon_signal (daemon, SIGTERM);
  g_assert_cmpint (tribuna_test_daemon_wait_exit (daemon, TIMEOUT_S), ==, 0);
  g_assert_true (tribuna_test_daemon_wait_line (daemon, "private: on", 1));

  g_free (browser.output);
  tribuna_test_rm_rf (dir, NULL);
}

/* The archive: a public session recorded by one tribunad (item 2, a private part, item 4),
 * ended by SIGTERM; then a second tribunad serves it, as the appliance does the next day,
 * and tests/web/archive-page.mjs opens the shared link /archive/ID#item=4. */

static char *
archive_screenshot_path (void)
{
  if (g_getenv ("TRIBUNA_UPDATE_SCREENSHOTS") != NULL)
    return g_build_filename (TRIBUNA_SOURCE_DIR, "docs", "screenshots", "archive-page.png",
                             NULL);

  return g_test_build_filename (G_TEST_BUILT, "archive-page.png", NULL);
}

static void
mark (SoupSession *session,
      const char  *base,
      const char  *token,
      const char  *what,
      const char  *body)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/markers/%s", base, what);
  g_autofree char *reply = NULL;

  g_assert_cmpuint (call (session, "POST", url, token, body, &reply), ==, SOUP_STATUS_OK);
}

/* Records the session and returns the data directory; *token gets an operator's token. */
static char *
record_session (const char *config,
                char      **token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTestDaemon) daemon = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *dir = tribuna_test_make_tmpdir ("tribuna-archive-page-XXXXXX", &error);
  g_autofree char *agenda = g_test_build_filename (G_TEST_DIST, "fixtures", "agendas",
                                                   "kuvendi-2024-03-28.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *http = NULL;
  g_autofree char *base = NULL;
  guint port;

  g_assert_no_error (error);
  {
    const char *create[] = { "--data-dir", dir, "--create-admin", "drita", NULL };
    const char *create_token[] = { "--data-dir", dir, "--create-token", "drita", NULL };

    g_assert_cmpint (run_tribunad (create, PASSWORD "\n", &out), ==, 0);
    g_assert_cmpint (run_tribunad (create_token, NULL, token), ==, 0);
    g_strstrip (*token);
  }

  port = tribuna_test_free_port (&error);
  g_assert_no_error (error);
  http = g_strdup_printf ("127.0.0.1:%u", port);
  base = g_strdup_printf ("http://127.0.0.1:%u", port);
  {
    const char *args[] = {
      "--config", config, "--data-dir", dir, "--session-type", "assembly",
      "--title", "Seanca e rregullt e Kuvendit Komunal", "--agenda", agenda, "--http", http, NULL
    };

    daemon = tribuna_test_daemon_spawn (args, &error);
    g_assert_no_error (error);
  }
  g_assert_true (tribuna_test_daemon_wait_line (daemon, "live page: live", TIMEOUT_S));

  tribuna_test_iterate_for (3.0);
  mark (session, base, *token, "jump", "{\"number\": \"2\"}");
  tribuna_test_iterate_for (6.0);
  mark (session, base, *token, "private", "{\"on\": true}");
  tribuna_test_iterate_for (3.0);
  mark (session, base, *token, "private", "{\"on\": false}");
  tribuna_test_iterate_for (1.0);
  mark (session, base, *token, "jump", "{\"number\": \"" ITEM_NUMBER "\"}");
  tribuna_test_iterate_for (12.0);

  tribuna_test_daemon_signal (daemon, SIGTERM);
  g_assert_cmpint (tribuna_test_daemon_wait_exit (daemon, TIMEOUT_S), ==, 0);
  return g_steal_pointer (&dir);
}

static void
test_archive_page (void)
{
  g_auto(Tools) tools = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTestDaemon) daemon = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) node = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_dir = NULL;
  g_autofree char *token = NULL;
  g_autofree char *http = NULL;
  g_autofree char *base = NULL;
  g_autofree char *script = NULL;
  g_autofree char *screenshot = archive_screenshot_path ();
  g_autofree char *png = NULL;
  g_auto(GStrv) lines = NULL;
  Browser browser = { 0 };
  gsize png_length = 0;
  guint port;

  if (g_getenv ("TRIBUNAD") == NULL)
    {
      g_test_skip ("TRIBUNAD is not set (run through meson test)");
      return;
    }
  if (!find_tools (&tools))
    return;

  config_dir = tribuna_test_make_tmpdir ("tribuna-archive-conf-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (config_dir, "tribuna.conf", NULL);
  g_assert_true (g_file_set_contents (config,
                                      "[program]\nwidth=640\nheight=360\nframerate=15\n"
                                      "video-bitrate=600\nencoder-preset=ultrafast\n"
                                      "[recording]\nsegment-seconds=6\n", -1, NULL));
  dir = record_session (config, &token);

  port = tribuna_test_free_port (&error);
  g_assert_no_error (error);
  http = g_strdup_printf ("127.0.0.1:%u", port);
  base = g_strdup_printf ("http://127.0.0.1:%u", port);
  {
    const char *args[] = { "--config", config, "--data-dir", dir, "--http", http, NULL };

    daemon = tribuna_test_daemon_spawn (args, &error);
    g_assert_no_error (error);
  }
  g_assert_true (tribuna_test_daemon_wait_line (daemon, "http: API on", TIMEOUT_S));

  script = g_test_build_filename (G_TEST_DIST, "web", "archive-page.mjs", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "TRIBUNA_WEB_NODE_MODULES", tools.node_modules, TRUE);
  g_subprocess_launcher_setenv (launcher, "TRIBUNA_CHROMIUM", tools.chromium, TRUE);
  /* The first session of a new archive is number 1. */
  node = g_subprocess_launcher_spawn (launcher, &error, tools.node, script, base, "1",
                                      ITEM_NUMBER, screenshot, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (node, NULL, NULL, on_browser_done, &browser);
  if (!tribuna_test_wait_until (is_true, &browser.done, BROWSER_S))
    {
      g_subprocess_force_exit (node);
      g_error ("the browser test did not end within %d s", BROWSER_S);
    }
  g_assert_no_error (browser.error);
  lines = g_strsplit (browser.output ? browser.output : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_test_message ("browser| %s", lines[i]);
  g_assert_true (g_subprocess_get_if_exited (node));
  g_assert_cmpint (g_subprocess_get_exit_status (node), ==, 0);
  g_assert_nonnull (strstr (browser.output, "PASSED"));

  g_assert_true (g_file_get_contents (screenshot, &png, &png_length, NULL));
  g_assert_cmpuint (png_length, >, 10000);
  g_assert_cmpmem (png, 4, "\x89PNG", 4);
  g_test_message ("screenshot: %s", screenshot);

  tribuna_test_daemon_signal (daemon, SIGTERM);
  g_assert_cmpint (tribuna_test_daemon_wait_exit (daemon, TIMEOUT_S), ==, 0);
  g_free (browser.output);
  tribuna_test_rm_rf (dir, NULL);
  tribuna_test_rm_rf (config_dir, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/live/browser/page", test_live_page);
  g_test_add_func ("/live/browser/archive", test_archive_page);

  return g_test_run ();
}
