/* cli-test.c: the built tribuna-cli ($TRIBUNA_CLI) run as a subprocess on a temporary archive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-cli-test"

#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tribuna-archive-check.h"
#include "tribuna-archive-private.h"
#include "test-utils.h"

#define SEC(n) ((gint64) (n) * G_GINT64_CONSTANT (1000000000))
#define EPOCH  G_GINT64_CONSTANT (1711612800000000)

typedef struct
{
  char *dir;
  char *out;
  char *err;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = tribuna_test_make_tmpdir ("tribuna-cli-test-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  tribuna_test_rm_rf (fixture->dir, &error);
  g_assert_no_error (error);
  g_free (fixture->dir);
  g_free (fixture->out);
  g_free (fixture->err);
}

/* Runs tribuna-cli with @first and what follows (NULL-terminated), in the C locale, so
 * Albanian letters must come out as UTF-8 whatever the locale. "%DIR" is the data dir. */
static int
cli (Fixture    *fixture,
     const char *first,
     ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *binary = g_getenv ("TRIBUNA_CLI");
  va_list args;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, g_strdup (binary));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, strcmp (arg, "%DIR") == 0 ? g_strdup (fixture->dir) : g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->dir, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_clear_pointer (&fixture->out, g_free);
  g_clear_pointer (&fixture->err, g_free);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &fixture->out, &fixture->err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", fixture->out, fixture->err);

  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

#define assert_contains(haystack, needle) \
  G_STMT_START { \
    if (strstr ((haystack), (needle)) == NULL) \
      g_error ("“%s” is not in:\n%s", (needle), (haystack)); \
  } G_STMT_END

static char *
fixture_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "agendas", name, NULL);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* Usage ********************************************************************************/

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  static const struct {
    const char *args[6];
    const char *says;
  } bad[] = {
    { { NULL }, "which command?" },
    { { "frobnicate", NULL }, "“frobnicate” is not a command" },
    { { "archive", NULL }, "after “archive” comes one of: check, rebuild" },
    { { "archive", "fix", NULL }, "“archive fix” is not a command" },
    { { "--bogus", "sessions", NULL }, "unknown option “--bogus”" },
    { { "--data-dir", NULL }, "--data-dir needs a folder" },
    { { "sessions", "--nope", NULL }, "Unknown option --nope" },
    { { "sessions", "--from", "2024-13-01", NULL }, "“2024-13-01” is not a date" },
    { { "sessions", "--type", "wedding", NULL }, "use one of: assembly, kpf, communities" },
    { { "show", NULL }, "which session?" },
    { { "show", "abc", NULL }, "“abc” is not a session id" },
    { { "show", "1", "2", NULL }, "unexpected “2”" },
    { { "session", "create", "--title", "x", NULL }, "--type is required" },
    { { "session", "create", "--type", "kpf", NULL }, "--title is required" },
    { { "session", "create", "--type", "kpf", "--title", "x" }, NULL },
    { { "agenda", "import", "1", NULL }, "which file?" },
    { { "agenda", "import", "1", "x.txt", "--format", "docx" }, "“docx” is not an agenda format" },
    { { "chapters", "1", "--format", "pdf", NULL }, "“pdf” is not a chapter format" },
  };

  g_assert_cmpint (cli (fixture, "--version", NULL), ==, 0);
  g_assert_cmpstr (fixture->out, ==, "tribuna-cli " PACKAGE_VERSION "\n");

  g_assert_cmpint (cli (fixture, "--help", NULL), ==, 0);
  assert_contains (fixture->out, "agenda import SESSION FILE");
  assert_contains (fixture->out, "archive rebuild");
  assert_contains (fixture->out, "--data-dir DIR");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char * const *a = bad[i].args;
      int status;

      /* "%DIR" first: every case runs on the temporary archive. */
      status = cli (fixture, "--data-dir", "%DIR", a[0], a[1], a[2], a[3], a[4], a[5], NULL);
      if (bad[i].says == NULL)
        {
          g_assert_cmpint (status, ==, 0);   /* the one that was right: it made session 1 */
          continue;
        }
      g_assert_cmpint (status, ==, 2);
      assert_contains (fixture->err, bad[i].says);
      assert_contains (fixture->err, "See “tribuna-cli ");
    }

  /* Every command explains itself. */
  g_assert_cmpint (cli (fixture, "chapters", "--help", NULL), ==, 0);
  assert_contains (fixture->out, "tribuna-cli chapters [OPTION…] SESSION");
  assert_contains (fixture->out, "youtube");
  g_assert_cmpint (cli (fixture, "agenda", "import", "--help", NULL), ==, 0);
  assert_contains (fixture->out, "--dry-run");
  g_assert_cmpint (cli (fixture, "archive", "check", "--help", NULL), ==, 0);
  assert_contains (fixture->out, "--quick");
}

static void
test_no_archive (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *db = g_build_filename (fixture->dir, "elsewhere", "tribuna.db", NULL);
  g_autofree char *default_db = g_build_filename (fixture->dir, "tribuna", "tribuna.db", NULL);
  g_autofree char *elsewhere = g_build_filename (fixture->dir, "elsewhere", NULL);

  g_assert_cmpint (cli (fixture, "-d", elsewhere, "sessions", NULL), ==, 1);
  assert_contains (fixture->err, "there is no archive in");
  assert_contains (fixture->err, "check --data-dir");
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));

  /* Without --data-dir: $XDG_DATA_HOME/tribuna */
  g_assert_cmpint (cli (fixture, "session", "create", "--type", "press", "--title", "Konferenca",
                        NULL), ==, 0);
  g_assert_true (g_file_test (default_db, G_FILE_TEST_EXISTS));
}

/* Sessions and agendas *****************************************************************/

static void
test_sessions_and_agenda (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *kuvendi = fixture_file ("kuvendi-2024-03-28.txt");
  g_autofree char *kpf = fixture_file ("kpf-2024-06-13.csv");
  g_autofree char *mixed = fixture_file ("mixed-encoding.txt");
  g_autofree char *cp1250 = fixture_file ("kksb-windows-1250.txt");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "session", "create", "--type", "assembly",
                        "--title", "Seanca e rregullt e Kuvendit", "--date", "2024-03-28",
                        "--place", "Salla e Kuvendit", NULL), ==, 0);
  g_assert_cmpstr (fixture->out, ==,
                   "1\t2024-03-28\tassembly\tplanned\tSeanca e rregullt e Kuvendit\n");
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "session", "create", "--type", "kpf", "--title",
                        "Mbledhja e KPF", "--date", "2024-06-13", NULL), ==, 0);
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "session", "create", "--type", "kksb", "--title",
                        "Mbledhja e KKSB", "--date", "2024-09-12", "--private", NULL), ==, 0);
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "session", "create", "--type", "kpf", "--title",
                        "x", "--date", "2024-02-30", NULL), ==, 2);
  assert_contains (fixture->err, "“2024-02-30” is not a date");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "sessions", NULL), ==, 0);
  g_assert_cmpuint (count_lines (fixture->out), ==, 3);
  g_assert_true (g_str_has_prefix (fixture->out, "1\t2024-03-28\t"));
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "sessions", "--type", "kpf", NULL), ==, 0);
  g_assert_cmpstr (fixture->out, ==, "2\t2024-06-13\tkpf\tplanned\tMbledhja e KPF\n");
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "sessions", "--from", "2024-04-01", "--to",
                        "2024-12-31", NULL), ==, 0);
  g_assert_cmpuint (count_lines (fixture->out), ==, 2);
  g_assert_true (g_str_has_prefix (fixture->out, "2\t"));

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "agenda", "import", "1", kuvendi, NULL), ==, 0);
  g_assert_cmpstr (fixture->out, ==, "Imported 8 item(s) into session 1 (text, UTF-8)\n");
  assert_contains (fixture->err, "note: ");
  assert_contains (fixture->err, "4 header line(s)");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "agenda", "import", "--dry-run", "2", kpf, NULL),
                   ==, 0);
  assert_contains (fixture->out, "4. Raporti tremujor i shpenzimeve, prill – qershor "
                   "(Drejtoria për Buxhet dhe Financa)\n");
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "agenda", "import", "3", cp1250, NULL), ==, 0);
  assert_contains (fixture->out, "(text, WINDOWS-1250)");
  assert_contains (fixture->err, "read as Windows-1250");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "agenda", "import", "2", mixed, NULL), ==, 1);
  assert_contains (fixture->err, "mixed-encoding.txt:3: the file mixes UTF-8");
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "agenda", "import", "99", kpf, NULL), ==, 1);
  assert_contains (fixture->err, "no session 99");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "show", "1", NULL), ==, 0);
  assert_contains (fixture->out, "Session 1: Seanca e rregullt e Kuvendit\n");
  assert_contains (fixture->out, "Place:     Salla e Kuvendit\n");
  assert_contains (fixture->out, "Recorded:  nothing yet\n");
  assert_contains (fixture->out, "  -:--:--  1. Konstatimi i prezencës së anëtarëve të Kuvendit\n");
  assert_contains (fixture->out, "  -:--:--  8. Të ndryshme\n");
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "show", "42", NULL), ==, 1);
  assert_contains (fixture->err, "there is no session 42");
}

/* A session recorded in two 60 s segments, items marked at known times. */
static gint64
prepare_recorded_session (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = tribuna_archive_open (fixture->dir, &error);
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               tribuna_agenda_item_free);
  g_autoptr(GPtrArray) stored = NULL;
  const gint64 starts[] = { SEC (4), SEC (30), SEC (75) };
  const guint marked[] = { 0, 1, 3 };   /* 2.1 is never reached */
  gint64 segment;

  g_assert_no_error (error);
  session = tribuna_archive_create_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY,
                                            "Seanca e Kuvendit", "2024-03-28", NULL, TRUE, &error);
  g_ptr_array_add (items, tribuna_agenda_item_new ("1", "Hapja", NULL, 0));
  g_ptr_array_add (items, tribuna_agenda_item_new ("2", "Buxheti", "Kryetari", 0));
  g_ptr_array_add (items, tribuna_agenda_item_new ("2.1", "Diskutimi", NULL, 1));
  g_ptr_array_add (items, tribuna_agenda_item_new ("3", "Të ndryshme", NULL, 0));
  g_assert_true (tribuna_archive_set_agenda (archive, session->id, items, &error));
  g_assert_true (tribuna_archive_set_session_state (archive, session->id, TRIBUNA_SESSION_LIVE,
                                                    &error));
  g_assert_no_error (error);

  segment = tribuna_archive_add_segment (archive, session->id, "recordings/x/a.ts", EPOCH, 0,
                                         &error);
  tribuna_archive_close_segment (archive, segment, SEC (60), 100, NULL, &error);
  segment = tribuna_archive_add_segment (archive, session->id, "recordings/x/b.ts",
                                         EPOCH + 60 * G_USEC_PER_SEC, SEC (60), &error);
  tribuna_archive_close_segment (archive, segment, SEC (60), 100, NULL, &error);
  g_assert_no_error (error);

  stored = tribuna_archive_list_items (archive, session->id, &error);
  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      g_autoptr(TribunaMarker) marker = tribuna_marker_new (TRIBUNA_MARKER_ITEM_START);

      marker->session_id = session->id;
      marker->item_id = ((TribunaAgendaItem *) g_ptr_array_index (stored, marked[i]))->id;
      marker->wall_us = EPOCH + starts[i] / 1000;
      marker->running_time_ns = starts[i];
      g_assert_cmpint (tribuna_archive_add_marker (archive, marker, &error), >, 0);
    }
  g_assert_true (tribuna_archive_set_session_state (archive, session->id, TRIBUNA_SESSION_ENDED,
                                                    &error));
  g_assert_no_error (error);
  return session->id;
}

static void
test_show_and_chapters (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gint64 id = prepare_recorded_session (fixture);
  g_autofree char *session = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  JsonObject *root;

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "show", session, NULL), ==, 0);
  assert_contains (fixture->out, "State:     ended\n");
  assert_contains (fixture->out, "Recorded:  0:02:00 in 2 segment(s)\n");
  assert_contains (fixture->out, "  0:00:04  1. Hapja\n");
  assert_contains (fixture->out, "  0:00:30  2. Buxheti  (Kryetari)\n");
  assert_contains (fixture->out, "  -:--:--    2.1 Diskutimi\n");
  assert_contains (fixture->out, "  0:01:15  3. Të ndryshme\n");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "chapters", session, "--format", "youtube", NULL),
                   ==, 0);
  g_assert_cmpstr (fixture->out, ==, "00:00 1. Hapja\n00:30 2. Buxheti\n01:15 3. Të ndryshme\n");
  assert_contains (fixture->err, "warning: “Hapja e seancës” lasted 4 s");

  /* The default is YouTube, and the opening can be named. */
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "chapters", session, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (fixture->out, "00:00 1. Hapja\n"));

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "chapters", session, "--format", "webvtt",
                        "--opening", "Para fillimit", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (fixture->out, "WEBVTT\n\n1\n00:00:00.000 --> 00:00:04.000\n"
                                                 "Para fillimit\n"));
  g_assert_cmpstr (fixture->err, ==, "");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "chapters", session, "--format", "json", NULL),
                   ==, 0);
  json_parser_load_from_data (parser, fixture->out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "session"),
                                               "id"), ==, id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "chapters")), ==, 4);
  {
    JsonObject *last = json_array_get_object_element (json_object_get_array_member (root,
                                                                                     "chapters"),
                                                      3);

    g_assert_cmpstr (json_object_get_string_member (last, "file"), ==, "recordings/x/b.ts");
    g_assert_cmpint (json_object_get_int_member (last, "offset_ns"), ==, SEC (15));
  }

  /* A session with nothing marked has no chapters, and says so. */
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "session", "create", "--type", "press", "--title",
                        "Konferenca", NULL), ==, 0);
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "chapters", "2", NULL), ==, 1);
  assert_contains (fixture->err, "session 2 has no recording");
}

/* The daemon holds the write lock: reading goes on (WAL). */
static void
test_while_daemon_writes (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = prepare_recorded_session (fixture);
  g_autoptr(TribunaArchive) daemon = tribuna_archive_open (fixture->dir, &error);
  g_autofree char *session = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  gint64 started = g_get_monotonic_time ();

  g_assert_no_error (error);
  g_assert_true (_tribuna_archive_begin (daemon, &error));

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "sessions", NULL), ==, 0);
  g_assert_cmpuint (count_lines (fixture->out), ==, 1);
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "show", session, NULL), ==, 0);
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "chapters", session, NULL), ==, 0);
  /* Well under the busy timeout: nothing waited for the lock. */
  g_assert_cmpint (g_get_monotonic_time () - started, <,
                   TRIBUNA_ARCHIVE_BUSY_TIMEOUT_MS * 1000);

  g_assert_true (_tribuna_archive_commit (daemon, &error));
}

/* archive check / rebuild **************************************************************/

static gboolean
have_ffmpeg (void)
{
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");

  if (ffmpeg == NULL)
    g_test_skip ("ffmpeg is not installed");
  return ffmpeg != NULL;
}

static void
make_ts (const char *path,
         double      seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *duration = g_strdup_printf ("%.2f", seconds);
  g_autofree char *dir = g_path_get_dirname (path);
  const char *argv[] = {
    "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
    "testsrc=size=160x120:rate=25", "-t", duration, "-c:v", "mpeg2video", "-f", "mpegts", path,
    NULL
  };
  int status;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static void
test_archive_check (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(TribunaSession) session = NULL;
  const char *files[] = {
    "recordings/2024/03/28/1/20240328T080000Z-00001.ts",
    "recordings/2024/03/28/1/20240328T080002Z-00002.ts",
  };

  if (!have_ffmpeg ())
    return;

  archive = tribuna_archive_open (fixture->dir, &error);
  session = tribuna_archive_create_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "Seanca",
                                            "2024-03-28", NULL, TRUE, &error);
  g_assert_true (tribuna_archive_set_session_state (archive, session->id, TRIBUNA_SESSION_LIVE,
                                                    &error));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, files[i], NULL);
      g_autofree char *sha256 = NULL;
      gint64 bytes, segment;

      make_ts (path, 2.0);
      g_assert_true (tribuna_archive_hash_file (path, &bytes, &sha256, NULL, &error));
      segment = tribuna_archive_add_segment (archive, session->id, files[i],
                                             EPOCH + i * 2 * G_USEC_PER_SEC, SEC (2 * i), &error);
      g_assert_true (tribuna_archive_close_segment (archive, segment, SEC (2), bytes, sha256,
                                                    &error));
    }
  g_assert_no_error (error);

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "archive", "check", NULL), ==, 0);
  g_assert_cmpstr (fixture->out, ==, "");
  assert_contains (fixture->err, "2 segment(s) checked: no damage");

  /* One truncated, one gone. */
  {
    g_autofree char *first = g_build_filename (fixture->dir, files[0], NULL);
    g_autofree char *second = g_build_filename (fixture->dir, files[1], NULL);

    g_assert_cmpint (truncate (first, 4096), ==, 0);
    g_assert_cmpint (g_unlink (second), ==, 0);
  }

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "archive", "check", NULL), ==, 1);
  assert_contains (fixture->out, "size\trecordings/2024/03/28/1/20240328T080000Z-00001.ts\t");
  assert_contains (fixture->out, "is 4096 bytes");
  assert_contains (fixture->out, "truncated");
  assert_contains (fixture->out, "missing\trecordings/2024/03/28/1/20240328T080002Z-00002.ts\t");
  assert_contains (fixture->err, "2 problem(s)");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "archive", "check", "--quick", NULL), ==, 1);
  g_assert_cmpuint (count_lines (fixture->out), ==, 2);
}

static void
test_archive_rebuild (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--data-dir", fixture->dir, "--record", "--for", "2", NULL };
  const char *names[] = { "tribuna.db", "tribuna.db-wal", "tribuna.db-shm" };
  int status;

  if (g_getenv ("TRIBUNAD") == NULL)
    {
      g_test_skip ("TRIBUNAD is not set (run the tests with meson test)");
      return;
    }

  g_assert_true (tribuna_test_daemon_run (args, 60, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  /* The index is lost; the recordings and their sidecar are not. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);

      g_unlink (path);
    }

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "archive", "rebuild", NULL), ==, 0);
  assert_contains (fixture->out, "1 folder(s): 1 segment(s) added, 0 completed, "
                   "1 session(s) recovered");
  g_assert_cmpint (cli (fixture, "-d", "%DIR", "sessions", NULL), ==, 0);
  g_assert_cmpuint (count_lines (fixture->out), ==, 1);
  assert_contains (fixture->out, "\tother\tended\tRegjistrim i rikuperuar (");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "archive", "check", NULL), ==, 0);
  assert_contains (fixture->err, "1 segment(s) checked: no damage");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "archive", "rebuild", NULL), ==, 0);
  assert_contains (fixture->out, "0 segment(s) added, 0 completed, 0 session(s) recovered");

  g_assert_cmpint (cli (fixture, "-d", "%DIR", "show", "1", NULL), ==, 0);
  assert_contains (fixture->out, "Public:    no\n");
  assert_contains (fixture->out, "in 1 segment(s)\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/app/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("usage", test_usage);
  ADD ("no-archive", test_no_archive);
  ADD ("sessions-and-agenda", test_sessions_and_agenda);
  ADD ("show-and-chapters", test_show_and_chapters);
  ADD ("while-daemon-writes", test_while_daemon_writes);
  ADD ("archive-check", test_archive_check);
  ADD ("archive-rebuild", test_archive_rebuild);

#undef ADD

  return g_test_run ();
}
