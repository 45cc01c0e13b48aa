/* archive-test.c: the SQLite index: schema and migrations, every operation, check, rebuild
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-archive-test"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tribuna-archive-check.h"
#include "tribuna-archive-private.h"
#include "tribuna-mpegts.h"
#include "test-utils.h"

#define SECOND_NS G_GINT64_CONSTANT (1000000000)

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = tribuna_test_make_tmpdir ("tribuna-archive-test-XXXXXX", &error);
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
}

static void
exec_sql (TribunaArchive *archive,
          const char     *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (_tribuna_archive_get_db (archive), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_int (TribunaArchive *archive,
           const char     *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (_tribuna_archive_get_db (archive), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (TribunaArchive *archive,
            const char     *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (_tribuna_archive_get_db (archive), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static TribunaArchive *
open_archive (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  TribunaArchive *archive = tribuna_archive_open (fixture->dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (archive);
  return archive;
}

static gint64
new_session (TribunaArchive      *archive,
             TribunaSessionType   type,
             const char          *date,
             TribunaSessionState  state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaSession) session = tribuna_archive_create_session (archive, type, "Seanca",
                                                                      date, NULL, TRUE, &error);

  g_assert_no_error (error);
  if (state == TRIBUNA_SESSION_LIVE || state == TRIBUNA_SESSION_INTERRUPTED
      || state == TRIBUNA_SESSION_ENDED)
    {
      g_assert_true (tribuna_archive_set_session_state (archive, session->id,
                                                        TRIBUNA_SESSION_LIVE, &error));
      if (state != TRIBUNA_SESSION_LIVE)
        g_assert_true (tribuna_archive_set_session_state (archive, session->id, state, &error));
    }
  g_assert_no_error (error);
  return session->id;
}

/* Schema and migrations ****************************************************************/

/* What a file at each version holds, written with that version's SQL: fills[N] for
 * version N. A new migration adds its fill here, and the test below migrates every one. */
static void
fill_v1 (TribunaArchive *archive)
{
  exec_sql (archive,
            "INSERT INTO sessions (id, type, title, date, place, state, public, created_us,"
            "                      started_us, ended_us)"
            " VALUES (3, 'kpf', 'Mbledhja e KPF', '2024-06-13', 'Salla', 'ended', 1,"
            "         1718265600000000, 1718269200000000, 1718276400000000);"
            "INSERT INTO agenda_items (id, session_id, position, depth, number, title, presenter)"
            " VALUES (10, 3, 1, 0, '1', 'Miratimi i rendit të ditës', 'Kryesuesja'),"
            "        (11, 3, 2, 1, '1.1', 'Diskutimi', NULL);"
            "INSERT INTO markers (session_id, kind, item_id, wall_us, running_time_ns, set_by)"
            " VALUES (3, 'item-start', 11, 1718269260000000, 60000000000, 'operator');"
            "INSERT INTO segments (session_id, path, start_wall_us, start_running_time_ns,"
            "                      duration_ns, bytes, sha256, state)"
            " VALUES (3, 'recordings/2024/06/13/3/a.ts', 1718269200000000, 0, 600000000000,"
            "         123, NULL, 'closed');"
            "INSERT INTO events (session_id, wall_us, kind, text)"
            " VALUES (3, 1718269200000000, 'recorder-started', NULL);"
            "INSERT INTO clips (session_id, item_id, path, requested_start_ns, requested_end_ns,"
            "                   mode, preset, created_us)"
            " VALUES (3, 10, 'clips/a.mp4', 0, 1000, 'copy', 'web', 1718280000000000);");
}

typedef void (*FillFunc) (TribunaArchive *archive);

static const FillFunc fills[] = {
  NULL,      /* 0: an empty file */
  fill_v1,
};

G_STATIC_ASSERT (G_N_ELEMENTS (fills) == TRIBUNA_ARCHIVE_SCHEMA_VERSION + 1);

/* Whatever version it was filled at, the data reads back through today's API. */
static void
assert_filled (TribunaArchive *archive)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaSession) session = tribuna_archive_get_session (archive, 3, &error);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) markers = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GPtrArray) events = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (session->type, ==, TRIBUNA_SESSION_TYPE_KPF);
  g_assert_cmpstr (session->title, ==, "Mbledhja e KPF");
  g_assert_cmpint (session->state, ==, TRIBUNA_SESSION_ENDED);
  g_assert_cmpint (session->ended_us, ==, 1718276400000000);

  items = tribuna_archive_list_items (archive, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((TribunaAgendaItem *) g_ptr_array_index (items, 0))->title, ==,
                   "Miratimi i rendit të ditës");

  markers = tribuna_archive_list_markers (archive, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (markers->len, ==, 1);
  g_assert_cmpint (((TribunaMarker *) g_ptr_array_index (markers, 0))->item_id, ==, 11);

  segments = tribuna_archive_list_segments (archive, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (segments->len, ==, 1);
  g_assert_cmpint (((TribunaSegment *) g_ptr_array_index (segments, 0))->duration_ns, ==,
                   600 * SECOND_NS);

  events = tribuna_archive_list_events (archive, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (query_int (archive, "SELECT count(*) FROM clips"), ==, 1);
}

static void
test_migrate_from_every_version (Fixture       *fixture,
                                 gconstpointer  data)
{
  for (guint version = 0; version <= TRIBUNA_ARCHIVE_SCHEMA_VERSION; version++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_strdup_printf ("%s/v%u", fixture->dir, version);
      g_autoptr(TribunaArchive) old = _tribuna_archive_open_at_version (dir, version, &error);
      g_autoptr(TribunaArchive) archive = NULL;

      g_test_message ("migrating from version %u", version);
      g_assert_no_error (error);
      g_assert_cmpuint (_tribuna_archive_get_schema_version (old), ==, version);
      if (fills[version] != NULL)
        fills[version] (old);
      g_clear_object (&old);

      archive = tribuna_archive_open (dir, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (_tribuna_archive_get_schema_version (archive), ==,
                        TRIBUNA_ARCHIVE_SCHEMA_VERSION);
      if (fills[version] != NULL)
        assert_filled (archive);
      else
        g_assert_cmpint (query_int (archive, "SELECT count(*) FROM sessions"), ==, 0);
    }
}

static void
test_schema (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TribunaArchive) archive = open_archive (fixture);
  g_autofree char *mode = query_text (archive, "PRAGMA journal_mode");
  g_autofree char *tables = query_text (archive, "SELECT group_concat (name, ' ') FROM "
                                                 "(SELECT name FROM sqlite_master WHERE type = "
                                                 "'table' ORDER BY name)");
  g_autofree char *path = g_build_filename (fixture->dir, "tribuna.db", NULL);

  g_assert_cmpstr (tribuna_archive_get_path (archive), ==, path);
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (archive, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (archive, "PRAGMA synchronous"), ==, 2);   /* FULL */
  g_assert_cmpint (query_int (archive, "PRAGMA busy_timeout"), ==, TRIBUNA_ARCHIVE_BUSY_TIMEOUT_MS);
  g_assert_cmpstr (tables, ==, "agenda_items clips events markers segments sessions");

  /* The CHECKs hold even against SQL that bypasses the API. */
  g_assert_cmpint (sqlite3_exec (_tribuna_archive_get_db (archive),
                                 "INSERT INTO sessions (type, title, date, created_us)"
                                 " VALUES ('wedding', 'x', '2024-01-01', 1)", NULL, NULL, NULL),
                   ==, SQLITE_CONSTRAINT_CHECK);
}

static void
test_open_empty_file (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "tribuna.db", NULL);
  g_autoptr(TribunaArchive) archive = NULL;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);

  archive = tribuna_archive_open (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_tribuna_archive_get_schema_version (archive), ==,
                    TRIBUNA_ARCHIVE_SCHEMA_VERSION);
}

static void
test_open_creates_folders (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = g_build_filename (fixture->dir, "a", "b", "tribuna", NULL);
  g_autofree char *blocked = g_build_filename (fixture->dir, "file", "tribuna", NULL);
  g_autofree char *file = g_build_filename (fixture->dir, "file", NULL);
  g_autoptr(TribunaArchive) archive = tribuna_archive_open (deep, &error);

  g_assert_no_error (error);
  g_assert_nonnull (archive);

  g_file_set_contents (file, "x", -1, &error);
  g_assert_no_error (error);
  g_clear_object (&archive);
  archive = tribuna_archive_open (blocked, &error);
  g_assert_null (archive);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "cannot create the data folder"));
  g_assert_nonnull (strstr (error->message, blocked));
}

static void
test_refuse_newer (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = open_archive (fixture);

  exec_sql (archive, "PRAGMA user_version = 99");
  g_clear_object (&archive);

  archive = tribuna_archive_open (fixture->dir, &error);
  g_assert_null (archive);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "schema version 99"));
  g_assert_nonnull (strstr (error->message, "update Tribuna"));
  g_assert_nonnull (strstr (error->message, fixture->dir));
}

static void
test_refuse_not_a_database (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "tribuna.db", NULL);
  g_autofree char *junk = g_strnfill (8192, 'J');
  g_autoptr(TribunaArchive) archive = NULL;

  g_file_set_contents (path, junk, -1, &error);
  g_assert_no_error (error);

  archive = tribuna_archive_open (fixture->dir, &error);
  g_assert_null (archive);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_A_DATABASE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "is not a Tribuna archive"));
}

static void
test_refuse_foreign_database (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "tribuna.db", NULL);
  g_autoptr(TribunaArchive) archive = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE photos (id INTEGER)", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  archive = tribuna_archive_open (fixture->dir, &error);
  g_assert_null (archive);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_A_DATABASE);
  g_assert_nonnull (strstr (error->message, "has tables and no schema version"));
}

/* Reading never waits for a writer: the CLI beside a recording daemon. */
static void
test_read_while_writing (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) daemon = open_archive (fixture);
  g_autoptr(TribunaArchive) cli = open_archive (fixture);
  g_autoptr(GPtrArray) sessions = NULL;
  gint64 id = new_session (daemon, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                           TRIBUNA_SESSION_LIVE);

  g_assert_true (_tribuna_archive_begin (daemon, &error));
  g_assert_no_error (error);
  exec_sql (daemon, "UPDATE sessions SET title = 'uncommitted'");

  sessions = tribuna_archive_list_sessions (cli, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 1);
  g_assert_cmpstr (((TribunaSession *) g_ptr_array_index (sessions, 0))->title, ==, "Seanca");

  _tribuna_archive_rollback (daemon);
  g_assert_cmpint (id, >, 0);
}

/* Sessions *****************************************************************************/

static void
test_sessions (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = open_archive (fixture);
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  TribunaSessionFilter filter = { FALSE, 0, NULL, NULL };

  session = tribuna_archive_create_session (archive, TRIBUNA_SESSION_TYPE_BUDGET_HEARING,
                                            "  Dëgjim buxhetor — Buxheti 2025 ", NULL, "  ",
                                            FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->id, >, 0);
  g_assert_cmpstr (session->title, ==, "Dëgjim buxhetor — Buxheti 2025");
  g_assert_cmpstr (session->date, ==, today);
  g_assert_null (session->place);
  g_assert_cmpint (session->state, ==, TRIBUNA_SESSION_PLANNED);
  g_assert_false (session->is_public);
  g_assert_cmpint (session->created_us, >, 0);
  g_assert_cmpint (session->started_us, ==, 0);
  g_clear_pointer (&session, tribuna_session_free);

  new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28", TRIBUNA_SESSION_PLANNED);
  new_session (archive, TRIBUNA_SESSION_TYPE_KPF, "2024-06-13", TRIBUNA_SESSION_PLANNED);
  new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-10-31", TRIBUNA_SESSION_PLANNED);

  list = tribuna_archive_list_sessions (archive, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpstr (((TribunaSession *) g_ptr_array_index (list, 0))->date, ==, "2024-03-28");
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.by_type = TRUE;
  filter.type = TRIBUNA_SESSION_TYPE_ASSEMBLY;
  list = tribuna_archive_list_sessions (archive, &filter, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.from_date = "2024-04-01";
  list = tribuna_archive_list_sessions (archive, &filter, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((TribunaSession *) g_ptr_array_index (list, 0))->date, ==, "2024-10-31");
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.by_type = FALSE;
  filter.from_date = "2024-03-28";
  filter.to_date = "2024-06-13";
  list = tribuna_archive_list_sessions (archive, &filter, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.to_date = "2024-13-01";
  list = tribuna_archive_list_sessions (archive, &filter, &error);
  g_assert_null (list);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“2024-13-01” is not a date"));
  g_clear_error (&error);

  session = tribuna_archive_create_session (archive, TRIBUNA_SESSION_TYPE_OTHER, " \t ", NULL,
                                            NULL, TRUE, &error);
  g_assert_null (session);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "the session title is empty"));
  g_clear_error (&error);

  session = tribuna_archive_create_session (archive, TRIBUNA_SESSION_TYPE_OTHER, "x",
                                            "2024-02-30", NULL, TRUE, &error);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "YYYY-MM-DD"));
  g_clear_error (&error);

  session = tribuna_archive_get_session (archive, 999, &error);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no session 999"));
}

static TribunaSessionState
state_of (TribunaArchive *archive,
          gint64          id)
{
  g_autoptr(TribunaSession) session = tribuna_archive_get_session (archive, id, NULL);

  return session->state;
}

static void
test_session_states (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = open_archive (fixture);
  gint64 id = new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                           TRIBUNA_SESSION_PLANNED);
  g_autoptr(TribunaSession) session = NULL;
  gint64 started;
  guint n = 99;

  g_assert_true (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_LIVE, &error));
  session = tribuna_archive_get_session (archive, id, &error);
  started = session->started_us;
  g_assert_cmpint (started, >, 0);
  g_clear_pointer (&session, tribuna_session_free);

  /* Again: a no-op. Back to planned: refused, saying from what to what. */
  g_assert_true (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_LIVE, &error));
  g_assert_false (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_PLANNED,
                                                     &error));
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "is live; it cannot become planned"));
  g_clear_error (&error);

  /* A crash, then the session continues: the first start stays. */
  g_assert_true (tribuna_archive_interrupt_live_sessions (archive, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (state_of (archive, id), ==, TRIBUNA_SESSION_INTERRUPTED);
  g_usleep (2000);
  g_assert_true (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_LIVE, &error));
  session = tribuna_archive_get_session (archive, id, &error);
  g_assert_cmpint (session->started_us, ==, started);
  g_assert_cmpint (session->ended_us, ==, 0);
  g_clear_pointer (&session, tribuna_session_free);

  g_assert_true (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_ENDED, &error));
  session = tribuna_archive_get_session (archive, id, &error);
  g_assert_cmpint (session->ended_us, >, started);

  g_assert_false (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_LIVE, &error));
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (tribuna_archive_set_session_state (archive, 4242, TRIBUNA_SESSION_LIVE, &error));
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Only live sessions are interrupted. */
  new_session (archive, TRIBUNA_SESSION_TYPE_KPF, "2024-06-13", TRIBUNA_SESSION_LIVE);
  new_session (archive, TRIBUNA_SESSION_TYPE_KPF, "2024-06-14", TRIBUNA_SESSION_LIVE);
  new_session (archive, TRIBUNA_SESSION_TYPE_KPF, "2024-06-15", TRIBUNA_SESSION_PLANNED);
  g_assert_true (tribuna_archive_interrupt_live_sessions (archive, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (query_int (archive, "SELECT count(*) FROM sessions WHERE state = 'planned'"),
                   ==, 1);
  g_assert_cmpint (query_int (archive, "SELECT count(*) FROM sessions WHERE state = 'ended'"),
                   ==, 1);
}

/* Agenda and markers *******************************************************************/

static GPtrArray *
make_items (guint n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_agenda_item_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      g_autofree char *title = g_strdup_printf ("Pika e rendit %u — çështja ë", i + 1);

      g_ptr_array_add (items, tribuna_agenda_item_new (number, title, i == 0 ? "Kryetari" : NULL,
                                                       0));
    }
  return items;
}

static TribunaMarker *
make_marker (gint64             session_id,
             TribunaMarkerKind  kind,
             gint64             item_id,
             gint64             wall_us)
{
  TribunaMarker *marker = tribuna_marker_new (kind);

  marker->session_id = session_id;
  marker->item_id = item_id;
  marker->wall_us = wall_us;
  marker->running_time_ns = wall_us * 1000 % (3600 * SECOND_NS);
  marker->set_by = g_strdup ("operator");
  return marker;
}

static void
test_agenda (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = open_archive (fixture);
  gint64 id = new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                           TRIBUNA_SESSION_PLANNED);
  g_autoptr(GPtrArray) items = make_items (3);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(TribunaAgendaItem) item = NULL;
  g_autoptr(TribunaMarker) marker = NULL;
  TribunaAgendaItem *first;

  g_assert_true (tribuna_archive_set_agenda (archive, id, items, &error));
  g_assert_no_error (error);
  stored = tribuna_archive_list_items (archive, id, &error);
  g_assert_cmpuint (stored->len, ==, 3);
  first = g_ptr_array_index (stored, 0);
  g_assert_cmpuint (first->position, ==, 1);
  g_assert_cmpint (first->session_id, ==, id);
  g_assert_cmpstr (first->title, ==, "Pika e rendit 1 — çështja ë");
  g_assert_cmpstr (first->presenter, ==, "Kryetari");
  g_assert_cmpuint (((TribunaAgendaItem *) g_ptr_array_index (stored, 2))->position, ==, 3);

  item = tribuna_archive_get_item (archive, first->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->number, ==, "1");
  g_clear_pointer (&stored, g_ptr_array_unref);

  /* Replacing a planned session's agenda */
  g_ptr_array_remove_index (items, 2);
  g_assert_true (tribuna_archive_set_agenda (archive, id, items, &error));
  stored = tribuna_archive_list_items (archive, id, &error);
  g_assert_cmpuint (stored->len, ==, 2);

  /* A blank title is refused, and nothing changes. */
  g_free (((TribunaAgendaItem *) g_ptr_array_index (items, 1))->title);
  ((TribunaAgendaItem *) g_ptr_array_index (items, 1))->title = g_strdup ("   ");
  g_assert_false (tribuna_archive_set_agenda (archive, id, items, &error));
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "agenda item 2 is empty"));
  g_clear_error (&error);
  g_assert_cmpint (query_int (archive, "SELECT count(*) FROM agenda_items"), ==, 2);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Live and not yet marked: still replaceable. Once marked: no longer. */
  g_assert_true (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_LIVE, &error));
  items = make_items (4);
  g_assert_true (tribuna_archive_set_agenda (archive, id, items, &error));
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = tribuna_archive_list_items (archive, id, &error);
  marker = make_marker (id, TRIBUNA_MARKER_ITEM_START,
                        ((TribunaAgendaItem *) g_ptr_array_index (stored, 0))->id,
                        1711612800000000);
  g_assert_cmpint (tribuna_archive_add_marker (archive, marker, &error), >, 0);
  g_assert_false (tribuna_archive_set_agenda (archive, id, items, &error));
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "1 marker(s) already point at its agenda items"));
  g_clear_error (&error);

  g_assert_true (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_ENDED, &error));
  g_assert_false (tribuna_archive_set_agenda (archive, id, items, &error));
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "has ended"));
}

static void
test_markers (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = open_archive (fixture);
  g_autoptr(TribunaArchive) reader = open_archive (fixture);
  gint64 id = new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                           TRIBUNA_SESSION_PLANNED);
  gint64 other = new_session (archive, TRIBUNA_SESSION_TYPE_KPF, "2024-03-29",
                              TRIBUNA_SESSION_LIVE);
  g_autoptr(GPtrArray) items = make_items (2);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) other_items = NULL;
  g_autoptr(GPtrArray) markers = NULL;
  g_autoptr(TribunaMarker) marker = NULL;
  TribunaMarker *read;
  gint64 item_id, first, second;

  g_assert_true (tribuna_archive_set_agenda (archive, id, items, &error));
  g_assert_true (tribuna_archive_set_agenda (archive, other, items, &error));
  stored = tribuna_archive_list_items (archive, id, &error);
  other_items = tribuna_archive_list_items (archive, other, &error);
  item_id = ((TribunaAgendaItem *) g_ptr_array_index (stored, 1))->id;

  /* Nothing is recorded before the session starts. */
  marker = make_marker (id, TRIBUNA_MARKER_ITEM_START, item_id, 1711612800000000);
  g_assert_cmpint (tribuna_archive_add_marker (archive, marker, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "has not started"));
  g_clear_error (&error);
  g_assert_true (tribuna_archive_set_session_state (archive, id, TRIBUNA_SESSION_LIVE, &error));

  marker->item_id = ((TribunaAgendaItem *) g_ptr_array_index (other_items, 0))->id;
  g_assert_cmpint (tribuna_archive_add_marker (archive, marker, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "belongs to session"));
  g_clear_error (&error);

  marker->item_id = 0;
  g_assert_cmpint (tribuna_archive_add_marker (archive, marker, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "needs the agenda item"));
  g_clear_error (&error);

  marker->item_id = item_id;
  marker->wall_us = 0;
  g_assert_cmpint (tribuna_archive_add_marker (archive, marker, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_clear_error (&error);
  marker->wall_us = 1711612805000000;
  marker->running_time_ns = 42 * SECOND_NS;

  /* Set, and readable by another process the moment the call returns. */
  second = tribuna_archive_add_marker (archive, marker, &error);
  g_assert_no_error (error);
  markers = tribuna_archive_list_markers (reader, id, &error);
  g_assert_cmpuint (markers->len, ==, 1);
  g_clear_pointer (&markers, g_ptr_array_unref);
  g_clear_pointer (&marker, tribuna_marker_free);

  marker = make_marker (id, TRIBUNA_MARKER_SPEAKER, 0, 1711612801000000);
  g_assert_cmpint (tribuna_archive_add_marker (archive, marker, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "speaker's name"));
  g_clear_error (&error);
  marker->speaker_name = g_strdup ("Shpejtim Bulliqi");
  marker->speaker_role = g_strdup ("Kryetar i Komunës");
  marker->running_time_ns = -1;
  first = tribuna_archive_add_marker (archive, marker, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, >, second);
  g_clear_pointer (&marker, tribuna_marker_free);

  marker = make_marker (id, TRIBUNA_MARKER_NOTE, 0, 1711612802000000);
  g_assert_cmpint (tribuna_archive_add_marker (archive, marker, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "note marker needs its text"));
  g_clear_error (&error);

  /* In the order they were set, by the wall clock. */
  markers = tribuna_archive_list_markers (reader, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (markers->len, ==, 2);
  read = g_ptr_array_index (markers, 0);
  g_assert_cmpint (read->id, ==, first);
  g_assert_cmpint (read->kind, ==, TRIBUNA_MARKER_SPEAKER);
  g_assert_cmpstr (read->speaker_name, ==, "Shpejtim Bulliqi");
  g_assert_cmpstr (read->speaker_role, ==, "Kryetar i Komunës");
  g_assert_cmpint (read->running_time_ns, ==, -1);
  g_assert_cmpstr (read->set_by, ==, "operator");
  read = g_ptr_array_index (markers, 1);
  g_assert_cmpint (read->kind, ==, TRIBUNA_MARKER_ITEM_START);
  g_assert_cmpint (read->item_id, ==, item_id);
  g_assert_cmpint (read->running_time_ns, ==, 42 * SECOND_NS);
}

/* Segments and events ******************************************************************/

static void
test_segments (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = open_archive (fixture);
  gint64 id = new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                           TRIBUNA_SESSION_LIVE);
  g_autofree char *absolute = g_build_filename (fixture->dir, "recordings", "2024", "03", "28",
                                                "x", "b.ts", NULL);
  g_autoptr(TribunaSegment) segment = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  gint64 a, b;
  const char *sha = "0BB6AAD12E74A5490E52CBD4D4A12BD221B6AB769AA349EA96EFD61618A2E2FF";

  a = tribuna_archive_add_segment (archive, id, "recordings/2024/03/28/x/a.ts",
                                   1711612800000000, 0, &error);
  g_assert_no_error (error);
  b = tribuna_archive_add_segment (archive, id, absolute, 1711613400000000, 600 * SECOND_NS,
                                   &error);
  g_assert_no_error (error);

  segment = tribuna_archive_find_segment (archive, absolute, &error);
  g_assert_no_error (error);
  g_assert_cmpint (segment->id, ==, b);
  g_assert_cmpstr (segment->path, ==, "recordings/2024/03/28/x/b.ts");
  g_assert_cmpint (segment->state, ==, TRIBUNA_SEGMENT_OPEN);
  g_assert_cmpint (segment->duration_ns, ==, -1);
  g_assert_cmpint (segment->bytes, ==, -1);
  g_clear_pointer (&segment, tribuna_segment_free);

  g_assert_cmpint (tribuna_archive_add_segment (archive, id, "recordings/2024/03/28/x/a.ts",
                                                1711612800000000, 0, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "already in the archive"));
  g_clear_error (&error);
  g_assert_cmpint (tribuna_archive_add_segment (archive, id, "/etc/passwd", 1, 0, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not inside the data folder"));
  g_clear_error (&error);
  g_assert_cmpint (tribuna_archive_add_segment (archive, id, "recordings/../../x.ts", 1, 0,
                                                &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (tribuna_archive_add_segment (archive, 777, "recordings/c.ts", 1, 0, &error),
                   ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (tribuna_archive_close_segment (archive, a, 600 * SECOND_NS, 123456, sha,
                                                &error));
  g_assert_no_error (error);
  g_assert_false (tribuna_archive_close_segment (archive, a, 1, 1, "xyz", &error));
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "is not a SHA-256 digest"));
  g_clear_error (&error);
  g_assert_false (tribuna_archive_close_segment (archive, 4242, 1, 1, NULL, &error));
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  segments = tribuna_archive_list_segments (archive, id, &error);
  g_assert_cmpuint (segments->len, ==, 2);
  segment = tribuna_segment_copy (g_ptr_array_index (segments, 0));
  g_assert_cmpint (segment->id, ==, a);
  g_assert_cmpint (segment->state, ==, TRIBUNA_SEGMENT_CLOSED);
  g_assert_cmpint (segment->duration_ns, ==, 600 * SECOND_NS);
  g_assert_cmpint (segment->bytes, ==, 123456);
  g_assert_cmpstr (segment->sha256, ==,
                   "0bb6aad12e74a5490e52cbd4d4a12bd221b6ab769aa349ea96efd61618a2e2ff");
  g_assert_cmpint (((TribunaSegment *) g_ptr_array_index (segments, 1))->start_running_time_ns,
                   ==, 600 * SECOND_NS);
  g_clear_pointer (&segments, g_ptr_array_unref);

  segments = tribuna_archive_list_segments (archive, 0, &error);
  g_assert_cmpuint (segments->len, ==, 2);
}

static void
test_events (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = open_archive (fixture);
  gint64 id = new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                           TRIBUNA_SESSION_LIVE);
  g_autoptr(GPtrArray) events = NULL;
  TribunaEvent *event;

  g_assert_cmpint (tribuna_archive_add_event (archive, 0, TRIBUNA_EVENT_RECORDER_STARTED, NULL,
                                              1000, &error), >, 0);
  g_assert_cmpint (tribuna_archive_add_event (archive, id, TRIBUNA_EVENT_STREAM_FAILED,
                                              "cannot connect to "
                                              "rtmps://live-api-s.facebook.com:443/rtmp/"
                                              "FB-1234-Zq7xSECRETk3y (timed out)", 2000, &error),
                   >, 0);
  g_assert_cmpint (tribuna_archive_add_event (archive, id, TRIBUNA_EVENT_STREAM_RECONNECTED,
                                              "back", 0, &error), >, 0);
  g_assert_no_error (error);

  events = tribuna_archive_list_events (archive, 0, &error);
  g_assert_cmpuint (events->len, ==, 3);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpint (event->session_id, ==, 0);
  g_assert_cmpint (event->kind, ==, TRIBUNA_EVENT_RECORDER_STARTED);
  g_assert_null (event->text);
  event = g_ptr_array_index (events, 1);
  g_assert_cmpint (event->kind, ==, TRIBUNA_EVENT_STREAM_FAILED);
  g_assert_null (strstr (event->text, "Zq7xSECRET"));
  g_assert_nonnull (strstr (event->text, "live-api-s.facebook.com"));
  g_assert_nonnull (strstr (event->text, "(timed out)"));
  g_clear_pointer (&events, g_ptr_array_unref);

  /* Nothing anywhere in the file holds the key. */
  g_assert_cmpint (query_int (archive, "SELECT count(*) FROM events WHERE text LIKE '%SECRET%'"),
                   ==, 0);

  events = tribuna_archive_list_events (archive, id, &error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((TribunaEvent *) g_ptr_array_index (events, 1))->wall_us, >, 2000);
}

/* Real files: measuring, checking, rebuilding *******************************************/

static gboolean
have_ffmpeg (void)
{
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");

  if (ffmpeg == NULL)
    g_test_skip ("ffmpeg is not installed");
  return ffmpeg != NULL;
}

/* A small real MPEG-TS file: @seconds of test pattern at 25 fps. */
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

static gint64
index_file (TribunaArchive *archive,
            gint64          session_id,
            const char     *relative,
            gint64          wall_us)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tribuna_archive_get_data_dir (archive), relative,
                                            NULL);
  g_autofree char *sha256 = NULL;
  gint64 bytes, duration, id;

  g_assert_true (tribuna_archive_hash_file (path, &bytes, &sha256, NULL, &error));
  g_assert_true (tribuna_mpegts_measure (path, &duration, &error));
  g_assert_no_error (error);
  id = tribuna_archive_add_segment (archive, session_id, relative, wall_us, 0, &error);
  g_assert_no_error (error);
  g_assert_true (tribuna_archive_close_segment (archive, id, duration, bytes, sha256, &error));
  g_assert_no_error (error);
  return id;
}

static void
test_mpegts_measure (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "a.ts", NULL);
  g_autofree char *cut = g_build_filename (fixture->dir, "cut.ts", NULL);
  g_autofree char *text = g_build_filename (fixture->dir, "not.ts", NULL);
  g_autofree char *contents = NULL;
  gint64 duration, cut_duration;
  gsize length;

  if (!have_ffmpeg ())
    return;

  make_ts (path, 2.0);
  g_assert_true (tribuna_mpegts_measure (path, &duration, &error));
  g_assert_no_error (error);
  /* 50 frames of 40 ms, give or take one. */
  g_assert_cmpint (duration, >=, 1960 * G_GINT64_CONSTANT (1000000));
  g_assert_cmpint (duration, <=, 2040 * G_GINT64_CONSTANT (1000000));

  /* Cut in the middle of a packet, as kill -9 leaves a file. */
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (cut, contents, (gssize) (length / 2 + 100), &error);
  g_assert_no_error (error);
  g_assert_true (tribuna_mpegts_measure (cut, &cut_duration, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cut_duration, >, 0);
  g_assert_cmpint (cut_duration, <, duration);

  g_file_set_contents (text, "1. Hapja\n2. Të ndryshme\n", -1, &error);
  g_assert_false (tribuna_mpegts_measure (text, &duration, &error));
  g_assert_error (error, TRIBUNA_MPEGTS_ERROR, TRIBUNA_MPEGTS_ERROR_NOT_MPEGTS);
  g_clear_error (&error);
  g_assert_false (tribuna_mpegts_measure ("/nonexistent/x.ts", &duration, &error));
  g_assert_error (error, TRIBUNA_MPEGTS_ERROR, TRIBUNA_MPEGTS_ERROR_READ);
}

static TribunaArchiveProblem *
find_problem (GPtrArray  *problems,
              const char *path_suffix)
{
  for (guint i = 0; i < problems->len; i++)
    {
      TribunaArchiveProblem *problem = g_ptr_array_index (problems, i);

      if (g_str_has_suffix (problem->path, path_suffix))
        return problem;
    }
  return NULL;
}

static void
test_check (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  TribunaArchiveProblem *problem;
  const char *folder = "recordings/2024/03/28/20240328T080000Z";
  g_autofree char *one = g_strdup_printf ("%s/20240328T080000Z-00001.ts", folder);
  g_autofree char *two = g_strdup_printf ("%s/20240328T080002Z-00002.ts", folder);
  g_autofree char *three = g_strdup_printf ("%s/20240328T080004Z-00003.ts", folder);
  g_autofree char *live_file = g_strdup ("recordings/2024/03/29/live/20240329T080000Z-00001.ts");
  g_autofree char *crashed = g_strdup ("recordings/2024/03/27/old/20240327T080000Z-00001.ts");
  gint64 session, live, ended, segment;

  if (!have_ffmpeg ())
    return;

  archive = open_archive (fixture);
  session = new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                         TRIBUNA_SESSION_ENDED);
  live = new_session (archive, TRIBUNA_SESSION_TYPE_KPF, "2024-03-29", TRIBUNA_SESSION_LIVE);
  ended = new_session (archive, TRIBUNA_SESSION_TYPE_KPF, "2024-03-27",
                       TRIBUNA_SESSION_INTERRUPTED);

#define PATH_OF(relative) g_build_filename (fixture->dir, relative, NULL)
  {
    g_autofree char *p1 = PATH_OF (one), *p2 = PATH_OF (two), *p3 = PATH_OF (three);
    g_autofree char *p4 = PATH_OF (live_file), *p5 = PATH_OF (crashed);

    make_ts (p1, 2.0);
    make_ts (p2, 2.0);
    make_ts (p3, 2.0);
    make_ts (p4, 1.0);
    make_ts (p5, 1.0);
  }
  index_file (archive, session, one, 1711612800000000);
  index_file (archive, session, two, 1711612802000000);
  index_file (archive, session, three, 1711612804000000);
  /* Being written (live) and cut by a crash (the session is no longer live): open rows. */
  segment = tribuna_archive_add_segment (archive, live, live_file, 1711699200000000, 0, &error);
  g_assert_cmpint (segment, >, 0);
  segment = tribuna_archive_add_segment (archive, ended, crashed, 1711526400000000, 0, &error);
  g_assert_cmpint (segment, >, 0);

  problems = tribuna_archive_check (archive, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpint (problem->kind, ==, TRIBUNA_ARCHIVE_PROBLEM_UNCLOSED);
  g_assert_cmpstr (problem->path, ==, crashed);
  g_assert_false (tribuna_archive_problem_is_damage (problem->kind));
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Damage: one truncated, one deleted, one changed in place, one stray file. */
  {
    g_autofree char *p1 = PATH_OF (one), *p2 = PATH_OF (two), *p3 = PATH_OF (three);
    g_autofree char *stray = PATH_OF ("recordings/2024/03/28/20240328T080000Z/copy.ts");
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_cmpint (truncate (p1, 10000), ==, 0);
    g_assert_cmpint (g_unlink (p2), ==, 0);
    g_file_get_contents (p3, &contents, &length, &error);
    contents[length / 2] ^= 0x55;
    g_file_set_contents (p3, contents, (gssize) length, &error);
    g_assert_no_error (error);
    make_ts (stray, 0.5);
  }
#undef PATH_OF

  problems = tribuna_archive_check (archive, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 5);

  problem = find_problem (problems, one);
  g_assert_cmpint (problem->kind, ==, TRIBUNA_ARCHIVE_PROBLEM_SIZE);
  g_assert_cmpint (problem->session_id, ==, session);
  g_assert_nonnull (strstr (problem->message, "is 10000 bytes"));
  g_assert_nonnull (strstr (problem->message, "truncated"));
  problem = find_problem (problems, two);
  g_assert_cmpint (problem->kind, ==, TRIBUNA_ARCHIVE_PROBLEM_MISSING);
  g_assert_nonnull (strstr (problem->message, "missing"));
  problem = find_problem (problems, three);
  g_assert_cmpint (problem->kind, ==, TRIBUNA_ARCHIVE_PROBLEM_CHECKSUM);
  problem = find_problem (problems, "copy.ts");
  g_assert_cmpint (problem->kind, ==, TRIBUNA_ARCHIVE_PROBLEM_ORPHAN);
  g_assert_cmpint (problem->session_id, ==, 0);
  g_assert_nonnull (find_problem (problems, crashed));
  g_assert_null (find_problem (problems, live_file));
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Without checksums, the changed file passes: only sizes are compared. */
  problems = tribuna_archive_check (archive, FALSE, NULL, &error);
  g_assert_cmpuint (problems->len, ==, 4);
  g_assert_null (find_problem (problems, three));
}

typedef struct {
  char   *path;
  gint64  start_wall_us;
  gint64  start_running_time_ns;
  gint64  duration_ns;
  gint64  bytes;
  char   *sha256;
} Expected;

static void
expected_free (Expected *expected)
{
  g_free (expected->path);
  g_free (expected->sha256);
  g_free (expected);
}

/* Two runs of the real tribunad, recorded once for all the tests that need them. */
static char *recorded_template;

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_build_filename (from, ".", NULL);
  const char *argv[] = { "cp", "-a", source, to, NULL };
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

/* Records with the real tribunad twice (two runs, two folders) and reads what the
 * sidecars say, which is what a rebuild must reproduce. */
static GPtrArray *
record_twice (Fixture *fixture)
{
  GPtrArray *expected = g_ptr_array_new_with_free_func ((GDestroyNotify) expected_free);
  g_autofree char *recordings = g_build_filename (fixture->dir, "recordings", NULL);
  g_autoptr(GPtrArray) sidecars = NULL;

  if (recorded_template == NULL)
    {
      g_autoptr(GError) error = NULL;

      recorded_template = tribuna_test_make_tmpdir ("tribuna-archive-recorded-XXXXXX", &error);
      g_assert_no_error (error);
      for (guint run = 0; run < 2; run++)
        {
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;
          const char *args[] = { "--data-dir", recorded_template, "--record", "--for", "2", NULL };
          int status;

          g_assert_true (tribuna_test_daemon_run (args, 60, &out, &err, &status, &error));
          g_assert_no_error (error);
          if (status != 0)
            g_error ("tribunad failed (%d): %s%s", status, out, err);
        }
    }
  copy_tree (recorded_template, fixture->dir);

  sidecars = tribuna_test_find_files (recordings, "segments.jsonl");
  g_assert_cmpuint (sidecars->len, ==, 2);
  for (guint i = 0; i < sidecars->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;
      const char *sidecar = g_ptr_array_index (sidecars, i);
      g_autofree char *folder = g_path_get_dirname (sidecar);

      g_file_get_contents (sidecar, &contents, NULL, &error);
      g_assert_no_error (error);
      lines = g_strsplit (contents, "\n", -1);
      for (guint k = 0; lines[k] != NULL; k++)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonObject *object;
          Expected *segment;

          if (!g_str_has_prefix (lines[k], "{\"event\":\"closed\""))
            continue;
          json_parser_load_from_data (parser, lines[k], -1, &error);
          g_assert_no_error (error);
          object = json_node_get_object (json_parser_get_root (parser));
          segment = g_new0 (Expected, 1);
          segment->path = g_build_filename (folder + strlen (fixture->dir) + 1,
                                            json_object_get_string_member (object, "file"), NULL);
          segment->start_wall_us = json_object_get_int_member (object, "wall_us");
          segment->start_running_time_ns = json_object_get_int_member (object, "running_time_ns");
          segment->duration_ns = json_object_get_int_member (object, "duration_ns");
          segment->bytes = json_object_get_int_member (object, "bytes");
          segment->sha256 = g_strdup (json_object_get_string_member (object, "sha256"));
          g_ptr_array_add (expected, segment);
        }
    }

  g_assert_cmpuint (expected->len, >=, 2);
  return expected;
}

static void
remove_database (Fixture *fixture)
{
  const char *names[] = { "tribuna.db", "tribuna.db-wal", "tribuna.db-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);

      g_assert_true (g_unlink (path) == 0 || errno == ENOENT);
    }
}

static void
assert_rows_match (TribunaArchive *archive,
                   GPtrArray      *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) segments = tribuna_archive_list_segments (archive, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (segments->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      Expected *want = g_ptr_array_index (expected, i);
      g_autoptr(TribunaSegment) row = tribuna_archive_find_segment (archive, want->path, &error);

      g_assert_no_error (error);
      g_assert_cmpint (row->state, ==, TRIBUNA_SEGMENT_CLOSED);
      g_assert_cmpint (row->start_wall_us, ==, want->start_wall_us);
      g_assert_cmpint (row->start_running_time_ns, ==, want->start_running_time_ns);
      g_assert_cmpint (row->duration_ns, ==, want->duration_ns);
      g_assert_cmpint (row->bytes, ==, want->bytes);
      g_assert_cmpstr (row->sha256, ==, want->sha256);
    }
}

static void
test_rebuild_from_sidecars (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  TribunaRebuildReport report = { 0, };
  TribunaSession *recovered;

  if (g_getenv ("TRIBUNAD") == NULL)
    {
      g_test_skip ("TRIBUNAD is not set (run the tests with meson test)");
      return;
    }

  expected = record_twice (fixture);

  /* The database is lost: everything comes back from the folders. */
  remove_database (fixture);
  archive = open_archive (fixture);
  g_assert_true (tribuna_archive_rebuild (archive, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.folders, ==, 2);
  g_assert_cmpuint (report.segments_added, ==, expected->len);
  g_assert_cmpuint (report.segments_completed, ==, 0);
  g_assert_cmpuint (report.sessions_recovered, ==, 2);
  tribuna_rebuild_report_clear (&report);
  assert_rows_match (archive, expected);

  sessions = tribuna_archive_list_sessions (archive, NULL, &error);
  g_assert_cmpuint (sessions->len, ==, 2);
  recovered = g_ptr_array_index (sessions, 0);
  g_assert_cmpint (recovered->type, ==, TRIBUNA_SESSION_TYPE_OTHER);
  g_assert_cmpint (recovered->state, ==, TRIBUNA_SESSION_ENDED);
  g_assert_false (recovered->is_public);
  g_assert_true (g_str_has_prefix (recovered->title, "Regjistrim i rikuperuar ("));

  problems = tribuna_archive_check (archive, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* Idempotent */
  g_assert_true (tribuna_archive_rebuild (archive, &report, NULL, &error));
  g_assert_cmpuint (report.segments_added + report.segments_completed
                    + report.sessions_recovered, ==, 0);
  tribuna_rebuild_report_clear (&report);
  assert_rows_match (archive, expected);
}

/* kill -9 before the "closed" record: the file is measured and hashed instead. */
static void
test_rebuild_after_crash (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(TribunaSegment) row = NULL;
  g_autofree char *sidecar = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *file_sha = NULL;
  g_autofree char *file_path = NULL;
  TribunaRebuildReport report = { 0, };
  Expected *cut;
  gint64 file_bytes;

  if (g_getenv ("TRIBUNAD") == NULL)
    {
      g_test_skip ("TRIBUNAD is not set (run the tests with meson test)");
      return;
    }

  expected = record_twice (fixture);
  cut = g_ptr_array_index (expected, 0);
  folder = g_path_get_dirname (cut->path);
  sidecar = g_build_filename (fixture->dir, folder, "segments.jsonl", NULL);
  g_file_get_contents (sidecar, &contents, NULL, &error);
  g_assert_no_error (error);
  /* Keep the "opened" line, drop "closed", and leave half a line as a crash would. */
  *strstr (contents, "{\"event\":\"closed\"") = '\0';
  {
    g_autofree char *torn = g_strconcat (contents, "{\"event\":\"clo", NULL);

    g_file_set_contents (sidecar, torn, -1, &error);
    g_assert_no_error (error);
  }

  remove_database (fixture);
  archive = open_archive (fixture);
  g_assert_true (tribuna_archive_rebuild (archive, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.segments_added, ==, expected->len);
  {
    gboolean torn_noted = FALSE, measured_noted = FALSE;

    for (guint i = 0; i < report.notes->len; i++)
      {
        const char *note = g_ptr_array_index (report.notes, i);

        torn_noted |= strstr (note, "unreadable line skipped (cut short by a crash?)") != NULL;
        measured_noted |= strstr (note, "no “closed” record; measured") != NULL;
      }
    g_assert_true (torn_noted);
    g_assert_true (measured_noted);
  }
  tribuna_rebuild_report_clear (&report);

  row = tribuna_archive_find_segment (archive, cut->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row->state, ==, TRIBUNA_SEGMENT_CLOSED);
  g_assert_cmpint (row->start_wall_us, ==, cut->start_wall_us);
  g_assert_cmpint (row->start_running_time_ns, ==, cut->start_running_time_ns);
  /* Measured from the timestamps: within two frames of what the recorder knew. */
  g_assert_cmpint (ABS (row->duration_ns - cut->duration_ns), <=, 70 * 1000 * 1000);
  file_path = g_build_filename (fixture->dir, cut->path, NULL);
  g_assert_true (tribuna_archive_hash_file (file_path, &file_bytes, &file_sha, NULL, &error));
  g_assert_cmpint (row->bytes, ==, file_bytes);
  g_assert_cmpstr (row->sha256, ==, file_sha);
}

/* Rows a crash left open, an old-format sidecar, a folder named after a lost session, a
 * folder of a live session. */
static void
test_rebuild_cases (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(TribunaSession) lost = NULL;
  g_autoptr(TribunaSegment) row = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  TribunaRebuildReport report = { 0, };
  const char *open_folder = "recordings/2024/03/28/20240328T080000Z";
  const char *lost_folder = "recordings/2024/02/01/7";
  const char *live_folder = "recordings/2024/03/29/20240329T080000Z";
  g_autofree char *open_a = g_strdup_printf ("%s/20240328T080000Z-00001.ts", open_folder);
  g_autofree char *open_b = g_strdup_printf ("%s/20240328T080003Z-00002.ts", open_folder);
  g_autofree char *lost_file = g_strdup_printf ("%s/20240201T090000Z-00001.ts", lost_folder);
  g_autofree char *live_file = g_strdup_printf ("%s/20240329T080000Z-00001.ts", live_folder);
  gint64 interrupted, live;

  if (!have_ffmpeg ())
    return;

  archive = open_archive (fixture);
  interrupted = new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                             TRIBUNA_SESSION_INTERRUPTED);
  live = new_session (archive, TRIBUNA_SESSION_TYPE_KPF, "2024-03-29", TRIBUNA_SESSION_LIVE);

#define MAKE(relative, seconds) \
  { g_autofree char *p = g_build_filename (fixture->dir, relative, NULL); make_ts (p, seconds); }
  MAKE (open_a, 2.0);
  MAKE (open_b, 1.0);
  MAKE (lost_file, 1.0);
  MAKE (live_file, 1.0);
#undef MAKE

  /* The first segment's row is open, the second has none; the sidecar of the older
   * recorder has the "closed" record of the first (end time and segment_time_ns). */
  g_assert_cmpint (tribuna_archive_add_segment (archive, interrupted, open_a, 1711612800000000,
                                                5 * SECOND_NS, &error), >, 0);
  {
    g_autofree char *sidecar = g_build_filename (fixture->dir, open_folder, "segments.jsonl",
                                                 NULL);
    g_autofree char *lines = g_strdup_printf (
      "{\"event\":\"opened\",\"file\":\"20240328T080000Z-00001.ts\",\"index\":1,"
      "\"running_time_ns\":5000000000,\"wall_us\":1711612800000000,\"segment_time_ns\":0}\n"
      "{\"event\":\"closed\",\"file\":\"20240328T080000Z-00001.ts\",\"index\":1,"
      "\"running_time_ns\":7000000000,\"wall_us\":1711612802000000,"
      "\"segment_time_ns\":2000000000}\n"
      "{\"event\":\"opened\",\"file\":\"20240328T080003Z-00002.ts\",\"index\":2,"
      "\"running_time_ns\":7000000000,\"wall_us\":1711612802000000,\"segment_time_ns\":0}\n");

    g_file_set_contents (sidecar, lines, -1, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (tribuna_archive_add_segment (archive, live, live_file, 1711699200000000, 0,
                                                &error), >, 0);

  g_assert_true (tribuna_archive_rebuild (archive, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.folders, ==, 3);
  g_assert_cmpuint (report.folders_skipped, ==, 1);
  g_assert_cmpuint (report.segments_added, ==, 2);      /* open_b and the lost one */
  g_assert_cmpuint (report.segments_completed, ==, 1);  /* open_a */
  g_assert_cmpuint (report.sessions_recovered, ==, 1);
  tribuna_rebuild_report_clear (&report);

  /* Completed from the sidecar: its duration, the bytes and checksum of the file. */
  row = tribuna_archive_find_segment (archive, open_a, &error);
  g_assert_cmpint (row->session_id, ==, interrupted);
  g_assert_cmpint (row->state, ==, TRIBUNA_SEGMENT_CLOSED);
  g_assert_cmpint (row->duration_ns, ==, 2 * SECOND_NS);
  g_assert_cmpint (row->bytes, >, 0);
  g_assert_nonnull (row->sha256);
  g_clear_pointer (&row, tribuna_segment_free);

  /* Added to the session its folder's other rows belong to, with the sidecar's start. */
  row = tribuna_archive_find_segment (archive, open_b, &error);
  g_assert_cmpint (row->session_id, ==, interrupted);
  g_assert_cmpint (row->start_wall_us, ==, 1711612802000000);
  g_assert_cmpint (row->start_running_time_ns, ==, 7 * SECOND_NS);
  g_assert_cmpint (row->duration_ns, >, 900 * 1000 * 1000);
  g_clear_pointer (&row, tribuna_segment_free);

  /* Folder "7" with no rows: session 7 comes back, its start from the file name. */
  lost = tribuna_archive_get_session (archive, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lost->state, ==, TRIBUNA_SESSION_ENDED);
  g_assert_false (lost->is_public);
  g_assert_cmpstr (lost->title, ==, "Regjistrim i rikuperuar (7)");
  row = tribuna_archive_find_segment (archive, lost_file, &error);
  g_assert_cmpint (row->session_id, ==, 7);
  g_assert_cmpint (row->start_wall_us, ==, 1706778000000000);
  g_assert_cmpint (row->start_running_time_ns, ==, -1);
  g_clear_pointer (&row, tribuna_segment_free);

  /* The live session's open segment is tribunad's business. */
  row = tribuna_archive_find_segment (archive, live_file, &error);
  g_assert_cmpint (row->state, ==, TRIBUNA_SEGMENT_OPEN);
  g_clear_pointer (&row, tribuna_segment_free);

  g_assert_true (tribuna_archive_rebuild (archive, &report, NULL, &error));
  g_assert_cmpuint (report.segments_added + report.segments_completed
                    + report.sessions_recovered, ==, 0);
  tribuna_rebuild_report_clear (&report);
  segments = tribuna_archive_list_segments (archive, 0, &error);
  g_assert_cmpuint (segments->len, ==, 4);
}

static void
test_clips (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaArchive) archive = open_archive (fixture);
  gint64 id = new_session (archive, TRIBUNA_SESSION_TYPE_ASSEMBLY, "2024-03-28",
                           TRIBUNA_SESSION_ENDED);
  g_autofree char *inside = g_build_filename (fixture->dir, "clips", "pika-5.mp4", NULL);
  TribunaClip clip = {
    .session_id = id, .path = inside, .requested_start_ns = 10 * SECOND_NS,
    .requested_end_ns = 70 * SECOND_NS, .actual_start_ns = 8 * SECOND_NS,
    .actual_end_ns = 70 * SECOND_NS, .mode = (char *) "fast", .preset = (char *) "web",
    .created_by = (char *) "staff",
  };
  g_autoptr(GPtrArray) clips = NULL;
  TribunaClip *stored;

  g_assert_cmpint (tribuna_archive_add_clip (archive, &clip, &error), >, 0);
  g_assert_no_error (error);

  clips = tribuna_archive_list_clips (archive, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (clips->len, ==, 1);
  stored = g_ptr_array_index (clips, 0);
  g_assert_cmpstr (stored->path, ==, "clips/pika-5.mp4");
  g_assert_cmpint (stored->item_id, ==, 0);
  g_assert_cmpint (stored->actual_start_ns, ==, 8 * SECOND_NS);
  g_assert_cmpstr (stored->mode, ==, "fast");
  g_assert_cmpstr (stored->created_by, ==, "staff");
  g_assert_cmpint (stored->created_us, >, 0);

  /* Bad rows are refused, saying why. */
  clip.requested_end_ns = clip.requested_start_ns;
  g_assert_cmpint (tribuna_archive_add_clip (archive, &clip, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_clear_error (&error);
  clip.requested_end_ns = 70 * SECOND_NS;
  clip.mode = (char *) "smart";
  g_assert_cmpint (tribuna_archive_add_clip (archive, &clip, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID);
  g_clear_error (&error);
  clip.mode = (char *) "exact";
  clip.session_id = id + 100;
  g_assert_cmpint (tribuna_archive_add_clip (archive, &clip, &error), ==, 0);
  g_assert_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND);
  g_clear_pointer (&clips, g_ptr_array_unref);
  clips = tribuna_archive_list_clips (archive, 0, NULL);
  g_assert_cmpuint (clips->len, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/recordings/archive/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("schema/tables-and-pragmas", test_schema);
  ADD ("schema/migrate-from-every-version", test_migrate_from_every_version);
  ADD ("schema/empty-file", test_open_empty_file);
  ADD ("schema/creates-folders", test_open_creates_folders);
  ADD ("schema/refuse-newer", test_refuse_newer);
  ADD ("schema/refuse-not-a-database", test_refuse_not_a_database);
  ADD ("schema/refuse-foreign-database", test_refuse_foreign_database);
  ADD ("concurrency/read-while-writing", test_read_while_writing);
  ADD ("sessions/create-list-filter", test_sessions);
  ADD ("sessions/states", test_session_states);
  ADD ("agenda/replace-rules", test_agenda);
  ADD ("markers/add-list", test_markers);
  ADD ("segments/add-close", test_segments);
  ADD ("events/audit-trail", test_events);
  ADD ("clips/add-list", test_clips);
  ADD ("files/mpegts-measure", test_mpegts_measure);
  ADD ("files/check", test_check);
  ADD ("files/rebuild-from-sidecars", test_rebuild_from_sidecars);
  ADD ("files/rebuild-after-crash", test_rebuild_after_crash);
  ADD ("files/rebuild-cases", test_rebuild_cases);

#undef ADD

  status = g_test_run ();
  tribuna_test_rm_rf (recorded_template, NULL);
  g_free (recorded_template);
  return status;
}
