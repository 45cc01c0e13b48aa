/* tribuna-archive.c: the archive index, one SQLite file in the data directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * WAL mode so tribuna-cli can read while tribunad writes; synchronous=FULL so a marker
 * the operator set survives a power cut, not only kill -9; foreign keys on; every write a
 * BEGIN IMMEDIATE transaction; statements prepared once and cached, values always bound.
 */
#define G_LOG_DOMAIN "tribuna-archive"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tribuna-archive-private.h"
#include "tribuna-rtmp-url.h"

#define MAX_TITLE_CHARS 1000

struct _TribunaArchive
{
  GObject     parent_instance;

  char       *data_dir;
  char       *path;
  sqlite3    *db;
  GHashTable *statements;   /* const char *sql (by address) → sqlite3_stmt */
  guint       tx_depth;
  gboolean    tx_failed;
};

G_DEFINE_FINAL_TYPE (TribunaArchive, tribuna_archive, G_TYPE_OBJECT)
G_DEFINE_QUARK (tribuna-archive-error-quark, tribuna_archive_error)

/* Migrations ***************************************************************************/

/* migrations[N - 1] takes a file from version N - 1 to N and sets user_version = N. Append,
 * never edit: files in the field are at every version. Table rebuilds (SQLite cannot alter a
 * CHECK) go through CREATE new / INSERT SELECT / DROP / RENAME inside the same script. */
static const char * const migrations[] = {
  /* 1: the first schema */
  "CREATE TABLE sessions ("
  "  id          INTEGER PRIMARY KEY,"
  "  type        TEXT NOT NULL CHECK (type IN ('assembly', 'kpf', 'communities', 'kksb',"
  "                                            'budget-hearing', 'public-debate', 'press',"
  "                                            'other')),"
  "  title       TEXT NOT NULL CHECK (length (title) > 0),"
  "  date        TEXT NOT NULL,"                   /* YYYY-MM-DD, the meeting's local date */
  "  place       TEXT,"
  "  state       TEXT NOT NULL DEFAULT 'planned'"
  "              CHECK (state IN ('planned', 'live', 'ended', 'interrupted')),"
  "  public      INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),"
  "  created_us  INTEGER NOT NULL,"
  "  started_us  INTEGER,"
  "  ended_us    INTEGER"
  ");"
  "CREATE INDEX sessions_by_date ON sessions (date, id);"
  "CREATE INDEX sessions_by_state ON sessions (state);"
  ""
  "CREATE TABLE agenda_items ("
  "  id          INTEGER PRIMARY KEY,"
  "  session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  position    INTEGER NOT NULL CHECK (position > 0),"
  "  depth       INTEGER NOT NULL DEFAULT 0 CHECK (depth >= 0),"
  "  number      TEXT,"                            /* as printed: '5', '5.1', 'a' */
  "  title       TEXT NOT NULL CHECK (length (title) > 0),"
  "  presenter   TEXT,"
  "  UNIQUE (session_id, position)"
  ");"
  ""
  /* item_id has no ON DELETE: an agenda whose items were marked cannot vanish under them. */
  "CREATE TABLE markers ("
  "  id               INTEGER PRIMARY KEY,"
  "  session_id       INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  kind             TEXT NOT NULL CHECK (kind IN ('item-start', 'speaker', 'break-start',"
  "                                                 'break-end', 'private-start',"
  "                                                 'private-end', 'note')),"
  "  item_id          INTEGER REFERENCES agenda_items (id),"
  "  speaker_name     TEXT,"
  "  speaker_role     TEXT,"
  "  text             TEXT,"
  "  wall_us          INTEGER NOT NULL,"
  "  running_time_ns  INTEGER,"                   /* NULL when unknown */
  "  set_by           TEXT,"
  "  CHECK (kind <> 'item-start' OR item_id IS NOT NULL),"
  "  CHECK (kind <> 'speaker' OR speaker_name IS NOT NULL)"
  ");"
  "CREATE INDEX markers_by_session ON markers (session_id, wall_us, id);"
  "CREATE INDEX markers_by_item ON markers (item_id);"
  ""
  /* No cascade from sessions: deleting a session that has recordings must be deliberate. */
  "CREATE TABLE segments ("
  "  id                     INTEGER PRIMARY KEY,"
  "  session_id             INTEGER NOT NULL REFERENCES sessions (id),"
  "  path                   TEXT NOT NULL UNIQUE,"  /* relative to the data directory */
  "  start_wall_us          INTEGER NOT NULL,"
  "  start_running_time_ns  INTEGER,"
  "  duration_ns            INTEGER,"
  "  bytes                  INTEGER,"
  "  sha256                 TEXT,"
  "  state                  TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed'))"
  ");"
  "CREATE INDEX segments_by_session ON segments (session_id, start_wall_us, id);"
  ""
  /* kind has no CHECK: the audit trail gains kinds more often than a table rebuild is worth;
   * the code only writes the codes of TribunaEventKind. */
  "CREATE TABLE events ("
  "  id          INTEGER PRIMARY KEY,"
  "  session_id  INTEGER REFERENCES sessions (id) ON DELETE SET NULL,"
  "  wall_us     INTEGER NOT NULL,"
  "  kind        TEXT NOT NULL,"
  "  text        TEXT"
  ");"
  "CREATE INDEX events_by_session ON events (session_id, wall_us, id);"
  ""
  /* Exported clips (issue 6). Ranges are on the session time axis, in ns. */
  "CREATE TABLE clips ("
  "  id                  INTEGER PRIMARY KEY,"
  "  session_id          INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  item_id             INTEGER REFERENCES agenda_items (id) ON DELETE SET NULL,"
  "  path                TEXT NOT NULL,"
  "  requested_start_ns  INTEGER NOT NULL,"
  "  requested_end_ns    INTEGER NOT NULL,"
  "  actual_start_ns     INTEGER,"
  "  actual_end_ns       INTEGER,"
  "  mode                TEXT NOT NULL,"
  "  preset              TEXT NOT NULL,"
  "  created_by          TEXT,"
  "  created_us          INTEGER NOT NULL"
  ");"
  "CREATE INDEX clips_by_session ON clips (session_id, created_us);"
  ""
  "PRAGMA user_version = 1;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == TRIBUNA_ARCHIVE_SCHEMA_VERSION);

/* Statements and errors ****************************************************************/

void
_tribuna_stmt_release (TribunaStmt *stmt)
{
  if (stmt == NULL)
    return;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
_tribuna_archive_fail (TribunaArchive  *self,
                       int              rc,
                       const char      *doing,
                       GError         **error)
{
  int code;

  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
      code = TRIBUNA_ARCHIVE_ERROR_NOT_A_DATABASE;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = TRIBUNA_ARCHIVE_ERROR_BUSY;
      break;
    case SQLITE_CONSTRAINT:
      code = TRIBUNA_ARCHIVE_ERROR_INVALID;
      break;
    default:
      code = TRIBUNA_ARCHIVE_ERROR_FAILED;
      break;
    }

  if (code == TRIBUNA_ARCHIVE_ERROR_NOT_A_DATABASE)
    g_set_error (error, TRIBUNA_ARCHIVE_ERROR, code,
                 "%s is not a Tribuna archive (SQLite says: %s); move it aside and Tribuna "
                 "will create a new one", self->path, sqlite3_errmsg (self->db));
  else if (code == TRIBUNA_ARCHIVE_ERROR_BUSY)
    g_set_error (error, TRIBUNA_ARCHIVE_ERROR, code,
                 "cannot %s: %s stayed locked by another process for more than %d ms",
                 doing, self->path, TRIBUNA_ARCHIVE_BUSY_TIMEOUT_MS);
  else
    g_set_error (error, TRIBUNA_ARCHIVE_ERROR, code, "cannot %s in %s: %s",
                 doing, self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

TribunaStmt *
_tribuna_archive_prepare (TribunaArchive  *self,
                          const char      *sql,
                          GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_assert (TRIBUNA_IS_ARCHIVE (self));
  g_assert (sql != NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _tribuna_archive_fail (self, rc, "prepare a query", error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/* -1 (unknown) is stored as NULL. */
static void
bind_optional (sqlite3_stmt *stmt,
               int           index,
               gint64        value)
{
  if (value < 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

static void
bind_id (sqlite3_stmt *stmt,
         int           index,
         gint64        id)
{
  if (id <= 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, id);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gint64
column_optional (sqlite3_stmt *stmt,
                 int           column,
                 gint64        if_null)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return if_null;
  return sqlite3_column_int64 (stmt, column);
}

/* Steps a prepared, bound statement to its end, making a row struct of each row. */
typedef gpointer (*RowFunc) (sqlite3_stmt *stmt);

static GPtrArray *
collect_rows (TribunaArchive  *self,
              sqlite3_stmt    *stmt,
              RowFunc          from_row,
              GDestroyNotify   free_row,
              const char      *what,
              GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_row);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      _tribuna_archive_fail (self, rc, what, error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/* Runs a statement that returns no rows (or whose rows do not matter). */
static gboolean
run (TribunaArchive  *self,
     sqlite3_stmt    *stmt,
     const char      *doing,
     GError         **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  if (rc != SQLITE_DONE)
    return _tribuna_archive_fail (self, rc, doing, error);
  return TRUE;
}

/* Transactions *************************************************************************/

static gboolean
exec_simple (TribunaArchive  *self,
             const char      *sql,
             const char      *doing,
             GError         **error)
{
  g_autoptr(TribunaStmt) stmt = _tribuna_archive_prepare (self, sql, error);

  return stmt != NULL && run (self, stmt, doing, error);
}

gboolean
_tribuna_archive_begin (TribunaArchive  *self,
                        GError         **error)
{
  g_assert (TRIBUNA_IS_ARCHIVE (self));

  if (self->tx_depth == 0)
    {
      if (!exec_simple (self, "BEGIN IMMEDIATE", "start a transaction", error))
        return FALSE;
      self->tx_failed = FALSE;
    }

  self->tx_depth++;
  return TRUE;
}

void
_tribuna_archive_rollback (TribunaArchive *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (TRIBUNA_IS_ARCHIVE (self));
  g_assert (self->tx_depth > 0);

  if (--self->tx_depth > 0)
    {
      self->tx_failed = TRUE;
      return;
    }

  /* After some errors (a full disk) SQLite has already rolled back by itself. */
  if (!sqlite3_get_autocommit (self->db)
      && !exec_simple (self, "ROLLBACK", "roll back a transaction", &error))
    g_warning ("%s", error->message);
  self->tx_failed = FALSE;
}

gboolean
_tribuna_archive_commit (TribunaArchive  *self,
                         GError         **error)
{
  g_assert (TRIBUNA_IS_ARCHIVE (self));
  g_assert (self->tx_depth > 0);

  if (self->tx_depth > 1)
    {
      self->tx_depth--;
      return TRUE;
    }

  if (self->tx_failed)
    {
      _tribuna_archive_rollback (self);
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_FAILED,
                   "nothing was written to %s: an earlier step of the same change failed",
                   self->path);
      return FALSE;
    }

  if (!exec_simple (self, "COMMIT", "commit a change", error))
    {
      _tribuna_archive_rollback (self);
      return FALSE;
    }

  self->tx_depth = 0;
  return TRUE;
}

/* Opening and migrating ****************************************************************/

static void
tribuna_archive_finalize (GObject *object)
{
  TribunaArchive *self = (TribunaArchive *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (tribuna_archive_parent_class)->finalize (object);
}

static void
tribuna_archive_class_init (TribunaArchiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tribuna_archive_finalize;
}

static void
tribuna_archive_init (TribunaArchive *self)
{
  self->statements = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify) sqlite3_finalize);
}

guint
_tribuna_archive_get_schema_version (TribunaArchive *self)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), 0);

  stmt = _tribuna_archive_prepare (self, "PRAGMA user_version", NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return (guint) sqlite3_column_int (stmt, 0);
}

sqlite3 *
_tribuna_archive_get_db (TribunaArchive *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  return self->db;
}

static gboolean
read_version (TribunaArchive  *self,
              int             *version,
              GError         **error)
{
  g_autoptr(TribunaStmt) stmt = _tribuna_archive_prepare (self, "PRAGMA user_version", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _tribuna_archive_fail (self, rc, "read the schema version", error);

  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

/* Version 0 is an empty file only: tables with no version are someone else's database,
 * and creating ours beside them would mix the two. */
static gboolean
check_unversioned_is_empty (TribunaArchive  *self,
                            GError         **error)
{
  g_autoptr(TribunaStmt) stmt =
    _tribuna_archive_prepare (self, "SELECT count(*) FROM sqlite_master "
                                    "WHERE name NOT LIKE 'sqlite_%'", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _tribuna_archive_fail (self, rc, "read the schema", error);

  if (sqlite3_column_int (stmt, 0) > 0)
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_A_DATABASE,
                   "%s is an SQLite database but not a Tribuna archive (it has tables and no "
                   "schema version); move it aside and Tribuna will create a new one",
                   self->path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (TribunaArchive  *self,
         guint            target,
         GError         **error)
{
  int version;

  if (!read_version (self, &version, error))
    return FALSE;

  if (version > TRIBUNA_ARCHIVE_SCHEMA_VERSION)
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_TOO_NEW,
                   "%s has schema version %d, written by a newer Tribuna; this one knows up to "
                   "version %d: update Tribuna", self->path, version,
                   TRIBUNA_ARCHIVE_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < 0)
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_A_DATABASE,
                   "%s has schema version %d, which Tribuna never writes: it is not a Tribuna "
                   "archive", self->path, version);
      return FALSE;
    }

  while ((guint) version < target)
    {
      g_autoptr(GError) local_error = NULL;
      char *message = NULL;
      int rc;

      if (!_tribuna_archive_begin (self, error))
        return FALSE;

      /* Another process may have migrated while we waited for the lock. */
      if (!read_version (self, &version, error)
          || (version == 0 && !check_unversioned_is_empty (self, error)))
        {
          _tribuna_archive_rollback (self);
          return FALSE;
        }
      if ((guint) version >= target)
        return _tribuna_archive_commit (self, error);

      /* DDL takes no parameters; every script is a constant of this file. */
      rc = sqlite3_exec (self->db, migrations[version], NULL, NULL, &message);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_FAILED,
                       "cannot migrate %s from schema version %d to %d: %s", self->path,
                       version, version + 1, message ? message : sqlite3_errstr (rc));
          sqlite3_free (message);
          _tribuna_archive_rollback (self);
          return FALSE;
        }

      if (!_tribuna_archive_commit (self, error))
        return FALSE;
      g_debug ("migrated %s to schema version %d", self->path, version + 1);
      version++;
    }

  return TRUE;
}

static gboolean
pragma (TribunaArchive  *self,
        const char      *sql,
        const char      *expect,
        GError         **error)
{
  g_autoptr(TribunaStmt) stmt = _tribuna_archive_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _tribuna_archive_fail (self, rc, "set up the connection", error);

  if (expect != NULL && (rc != SQLITE_ROW
                         || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), expect) != 0))
    g_warning ("%s: “%s” did not give “%s”; concurrent access may block", self->path, sql,
               expect);

  return TRUE;
}

TribunaArchive *
_tribuna_archive_open_at_version (const char  *data_dir,
                                  guint        version,
                                  GError     **error)
{
  g_autoptr(TribunaArchive) self = NULL;
  int rc;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (version <= TRIBUNA_ARCHIVE_SCHEMA_VERSION, NULL);

  if (g_mkdir_with_parents (data_dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_FAILED,
                   "cannot create the data folder %s: %s", data_dir, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (TRIBUNA_TYPE_ARCHIVE, NULL);
  self->data_dir = g_canonicalize_filename (data_dir, NULL);
  self->path = g_build_filename (self->data_dir, TRIBUNA_ARCHIVE_FILE_NAME, NULL);

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      if (self->db == NULL)
        {
          g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_FAILED,
                       "cannot open %s: %s", self->path, sqlite3_errstr (rc));
          return NULL;
        }
      _tribuna_archive_fail (self, rc, "open the archive", error);
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, TRIBUNA_ARCHIVE_BUSY_TIMEOUT_MS);

  /* journal_mode is the first statement that reads the file: a file that is not a
   * database fails here, with SQLITE_NOTADB. */
  if (!pragma (self, "PRAGMA journal_mode = WAL", "wal", error)
      || !pragma (self, "PRAGMA synchronous = FULL", NULL, error)
      || !pragma (self, "PRAGMA foreign_keys = ON", NULL, error)
      || !migrate (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

TribunaArchive *
tribuna_archive_open (const char  *data_dir,
                      GError     **error)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return _tribuna_archive_open_at_version (data_dir, TRIBUNA_ARCHIVE_SCHEMA_VERSION, error);
}

const char *
tribuna_archive_get_data_dir (TribunaArchive *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  return self->data_dir;
}

const char *
tribuna_archive_get_path (TribunaArchive *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  return self->path;
}

/* Validation ***************************************************************************/

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID, message);
  return FALSE;
}

/* A trimmed copy, or NULL for NULL or blank text. */
static char *
clean_text (const char *text)
{
  char *copy;

  if (text == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (text));
  if (copy[0] == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

static gboolean
check_text (const char  *what,
            const char  *text,
            gboolean     required,
            GError     **error)
{
  if (text == NULL)
    return required ? invalid (error, "%s is empty", what) : TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    return invalid (error, "%s is not valid UTF-8", what);
  if (g_utf8_strlen (text, -1) > MAX_TITLE_CHARS)
    return invalid (error, "%s is longer than %d characters", what, MAX_TITLE_CHARS);
  return TRUE;
}

static gboolean
check_date (const char  *date,
            GError     **error)
{
  guint64 year, month, day;
  g_auto(GStrv) parts = NULL;

  if (date == NULL || strlen (date) != 10 || date[4] != '-' || date[7] != '-')
    goto bad;

  parts = g_strsplit (date, "-", 3);
  if (!g_ascii_string_to_unsigned (parts[0], 10, 1, 9999, &year, NULL)
      || !g_ascii_string_to_unsigned (parts[1], 10, 1, 12, &month, NULL)
      || !g_ascii_string_to_unsigned (parts[2], 10, 1, 31, &day, NULL)
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    goto bad;

  return TRUE;

bad:
  return invalid (error, "“%s” is not a date: write it as YYYY-MM-DD, e.g. 2024-03-28",
                  date ? date : "");
}

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* Sessions *****************************************************************************/

#define SESSION_COLUMNS \
  "id, type, title, date, place, state, public, created_us, started_us, ended_us"

static TribunaSession *
session_from_row (sqlite3_stmt *stmt)
{
  TribunaSession *session = g_new0 (TribunaSession, 1);

  session->id = sqlite3_column_int64 (stmt, 0);
  if (!tribuna_session_type_from_code ((const char *) sqlite3_column_text (stmt, 1),
                                       &session->type))
    session->type = TRIBUNA_SESSION_TYPE_OTHER;
  session->title = column_dup (stmt, 2);
  session->date = column_dup (stmt, 3);
  session->place = column_dup (stmt, 4);
  if (!tribuna_session_state_from_code ((const char *) sqlite3_column_text (stmt, 5),
                                        &session->state))
    session->state = TRIBUNA_SESSION_ENDED;
  session->is_public = sqlite3_column_int (stmt, 6) != 0;
  session->created_us = sqlite3_column_int64 (stmt, 7);
  session->started_us = column_optional (stmt, 8, 0);
  session->ended_us = column_optional (stmt, 9, 0);
  return session;
}

TribunaSession *
tribuna_archive_get_session (TribunaArchive  *self,
                             gint64           session_id,
                             GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  stmt = _tribuna_archive_prepare (self, "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = ?",
                                   error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return session_from_row (stmt);

  if (rc == SQLITE_DONE)
    g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND,
                 "there is no session %" G_GINT64_FORMAT " in %s", session_id, self->path);
  else
    _tribuna_archive_fail (self, rc, "read a session", error);
  return NULL;
}

TribunaSession *
tribuna_archive_create_session (TribunaArchive      *self,
                                TribunaSessionType   type,
                                const char          *title,
                                const char          *date,
                                const char          *place,
                                gboolean             is_public,
                                GError             **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autofree char *clean_title = clean_text (title);
  g_autofree char *clean_place = clean_text (place);
  g_autofree char *clean_date = date ? g_strstrip (g_strdup (date)) : today ();
  gint64 id;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  if ((guint) type > TRIBUNA_SESSION_TYPE_OTHER)
    {
      invalid (error, "%d is not a session type", type);
      return NULL;
    }
  if (!check_text ("the session title", clean_title, TRUE, error)
      || !check_text ("the place", clean_place, FALSE, error)
      || !check_date (clean_date, error))
    return NULL;

  stmt = _tribuna_archive_prepare (self,
                                   "INSERT INTO sessions (type, title, date, place, state, public,"
                                   "                      created_us)"
                                   " VALUES (?, ?, ?, ?, 'planned', ?, ?)", error);
  if (stmt == NULL || !_tribuna_archive_begin (self, error))
    return NULL;

  bind_text (stmt, 1, tribuna_session_type_to_code (type));
  bind_text (stmt, 2, clean_title);
  bind_text (stmt, 3, clean_date);
  bind_text (stmt, 4, clean_place);
  sqlite3_bind_int (stmt, 5, is_public ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  if (!run (self, stmt, "create a session", error))
    {
      _tribuna_archive_rollback (self);
      return NULL;
    }
  id = sqlite3_last_insert_rowid (self->db);

  if (!_tribuna_archive_commit (self, error))
    return NULL;

  return tribuna_archive_get_session (self, id, error);
}

GPtrArray *
tribuna_archive_list_sessions (TribunaArchive              *self,
                               const TribunaSessionFilter  *filter,
                               GError                     **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  if (filter != NULL && ((filter->from_date != NULL && !check_date (filter->from_date, error))
                         || (filter->to_date != NULL && !check_date (filter->to_date, error))))
    return NULL;

  /* Optional filters as NULL-able parameters: one statement, no SQL built from pieces. */
  stmt = _tribuna_archive_prepare (self,
                                   "SELECT " SESSION_COLUMNS " FROM sessions"
                                   " WHERE (?1 IS NULL OR type = ?1)"
                                   "   AND (?2 IS NULL OR date >= ?2)"
                                   "   AND (?3 IS NULL OR date <= ?3)"
                                   " ORDER BY date, id", error);
  if (stmt == NULL)
    return NULL;

  if (filter != NULL)
    {
      bind_text (stmt, 1, filter->by_type ? tribuna_session_type_to_code (filter->type) : NULL);
      bind_text (stmt, 2, filter->from_date);
      bind_text (stmt, 3, filter->to_date);
    }

  return collect_rows (self, stmt, (RowFunc) session_from_row, (GDestroyNotify) tribuna_session_free,
                       "list sessions", error);
}

/* The columns a person may correct after the fact; the state and times are the engine's. */
gboolean
tribuna_archive_update_session (TribunaArchive        *self,
                                const TribunaSession  *session,
                                GError               **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autoptr(TribunaSession) existing = NULL;
  g_autofree char *clean_title = NULL;
  g_autofree char *clean_place = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  clean_title = clean_text (session->title);
  clean_place = clean_text (session->place);
  if ((guint) session->type > TRIBUNA_SESSION_TYPE_OTHER)
    return invalid (error, "%d is not a session type", session->type);
  if (!check_text ("the session title", clean_title, TRUE, error)
      || !check_text ("the place", clean_place, FALSE, error))
    return FALSE;

  existing = tribuna_archive_get_session (self, session->id, error);
  if (existing == NULL)
    return FALSE;

  stmt = _tribuna_archive_prepare (self,
                                   "UPDATE sessions SET type = ?, title = ?, place = ?, public = ?"
                                   " WHERE id = ?", error);
  if (stmt == NULL || !_tribuna_archive_begin (self, error))
    return FALSE;

  bind_text (stmt, 1, tribuna_session_type_to_code (session->type));
  bind_text (stmt, 2, clean_title);
  bind_text (stmt, 3, clean_place);
  sqlite3_bind_int (stmt, 4, session->is_public ? 1 : 0);
  sqlite3_bind_int64 (stmt, 5, session->id);
  if (!run (self, stmt, "update a session", error))
    {
      _tribuna_archive_rollback (self);
      return FALSE;
    }

  return _tribuna_archive_commit (self, error);
}

static gboolean
transition_allowed (TribunaSessionState from,
                    TribunaSessionState to)
{
  switch (from)
    {
    case TRIBUNA_SESSION_PLANNED:
      return to == TRIBUNA_SESSION_LIVE || to == TRIBUNA_SESSION_ENDED;
    case TRIBUNA_SESSION_LIVE:
      return to == TRIBUNA_SESSION_ENDED || to == TRIBUNA_SESSION_INTERRUPTED;
    case TRIBUNA_SESSION_INTERRUPTED:
      return to == TRIBUNA_SESSION_LIVE || to == TRIBUNA_SESSION_ENDED;
    case TRIBUNA_SESSION_ENDED:
    default:
      return FALSE;
    }
}

gboolean
tribuna_archive_set_session_state (TribunaArchive       *self,
                                   gint64                session_id,
                                   TribunaSessionState   state,
                                   GError              **error)
{
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), FALSE);

  if ((guint) state > TRIBUNA_SESSION_INTERRUPTED)
    return invalid (error, "%d is not a session state", state);

  if (!_tribuna_archive_begin (self, error))
    return FALSE;

  session = tribuna_archive_get_session (self, session_id, error);
  if (session == NULL)
    goto failed;

  if (session->state == state)
    return _tribuna_archive_commit (self, error);

  if (!transition_allowed (session->state, state))
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE,
                   "session %" G_GINT64_FORMAT " is %s; it cannot become %s", session_id,
                   tribuna_session_state_to_code (session->state),
                   tribuna_session_state_to_code (state));
      goto failed;
    }

  stmt = _tribuna_archive_prepare (self,
                                   "UPDATE sessions SET state = ?2,"
                                   " started_us = CASE WHEN ?2 = 'live' AND started_us IS NULL"
                                   "              THEN ?3 ELSE started_us END,"
                                   " ended_us = CASE WHEN ?2 = 'ended' THEN ?3 ELSE ended_us END"
                                   " WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, session_id);
  bind_text (stmt, 2, tribuna_session_state_to_code (state));
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (!run (self, stmt, "change the state of a session", error))
    goto failed;

  return _tribuna_archive_commit (self, error);

failed:
  _tribuna_archive_rollback (self);
  return FALSE;
}

gboolean
tribuna_archive_interrupt_live_sessions (TribunaArchive  *self,
                                         guint           *n_interrupted,
                                         GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), FALSE);

  stmt = _tribuna_archive_prepare (self,
                                   "UPDATE sessions SET state = 'interrupted' WHERE state = 'live'",
                                   error);
  if (stmt == NULL || !_tribuna_archive_begin (self, error))
    return FALSE;

  if (!run (self, stmt, "mark live sessions interrupted", error))
    {
      _tribuna_archive_rollback (self);
      return FALSE;
    }
  if (n_interrupted != NULL)
    *n_interrupted = (guint) sqlite3_changes (self->db);

  return _tribuna_archive_commit (self, error);
}

gint64
_tribuna_archive_add_recovered_session (TribunaArchive  *self,
                                        gint64           wanted_id,
                                        const char      *title,
                                        const char      *date,
                                        gint64           started_us,
                                        gint64           ended_us,
                                        GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autoptr(TribunaStmt) taken = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), 0);
  g_return_val_if_fail (title != NULL && date != NULL, 0);

  if (wanted_id > 0)
    {
      taken = _tribuna_archive_prepare (self, "SELECT 1 FROM sessions WHERE id = ?", error);
      if (taken == NULL)
        return 0;
      sqlite3_bind_int64 (taken, 1, wanted_id);
      rc = sqlite3_step (taken);
      if (rc == SQLITE_ROW)
        wanted_id = 0;
      else if (rc != SQLITE_DONE)
        return _tribuna_archive_fail (self, rc, "look up a session", error);
    }

  /* Private: nobody has looked at what these files show. */
  stmt = _tribuna_archive_prepare (self,
                                   "INSERT INTO sessions (id, type, title, date, state, public,"
                                   "                      created_us, started_us, ended_us)"
                                   " VALUES (?, 'other', ?, ?, 'ended', 0, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;

  bind_id (stmt, 1, wanted_id);
  bind_text (stmt, 2, title);
  bind_text (stmt, 3, date);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  bind_id (stmt, 5, started_us);
  bind_id (stmt, 6, ended_us);
  if (!run (self, stmt, "add a recovered session", error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

/* Agenda *******************************************************************************/

#define ITEM_COLUMNS "id, session_id, position, depth, number, title, presenter"

static TribunaAgendaItem *
item_from_row (sqlite3_stmt *stmt)
{
  TribunaAgendaItem *item = g_new0 (TribunaAgendaItem, 1);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->session_id = sqlite3_column_int64 (stmt, 1);
  item->position = (guint) sqlite3_column_int (stmt, 2);
  item->depth = (guint) sqlite3_column_int (stmt, 3);
  item->number = column_dup (stmt, 4);
  item->title = column_dup (stmt, 5);
  item->presenter = column_dup (stmt, 6);
  return item;
}

static gint64
count_marked_items (TribunaArchive  *self,
                    gint64           session_id,
                    GError         **error)
{
  g_autoptr(TribunaStmt) stmt =
    _tribuna_archive_prepare (self,
                              "SELECT count(*) FROM markers m"
                              " JOIN agenda_items i ON i.id = m.item_id"
                              " WHERE i.session_id = ?", error);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _tribuna_archive_fail (self, rc, "count markers", error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
check_item (const TribunaAgendaItem  *item,
            guint                     index,
            GError                  **error)
{
  g_autofree char *what = g_strdup_printf ("the title of agenda item %u", index + 1);
  g_autofree char *title = clean_text (item->title);

  if (!check_text (what, title, TRUE, error)
      || !check_text ("an item number", item->number, FALSE, error)
      || !check_text ("a presenter", item->presenter, FALSE, error))
    return FALSE;
  if (item->depth > 3)
    return invalid (error, "agenda item %u is nested %u levels deep; at most 3 are kept",
                    index + 1, item->depth);
  return TRUE;
}

gboolean
tribuna_archive_set_agenda (TribunaArchive  *self,
                            gint64           session_id,
                            GPtrArray       *items,
                            GError         **error)
{
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaStmt) clear = NULL;
  gint64 n_marked;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  for (guint i = 0; i < items->len; i++)
    if (!check_item (g_ptr_array_index (items, i), i, error))
      return FALSE;

  if (!_tribuna_archive_begin (self, error))
    return FALSE;

  session = tribuna_archive_get_session (self, session_id, error);
  if (session == NULL)
    goto failed;

  if (session->state == TRIBUNA_SESSION_ENDED)
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE,
                   "session %" G_GINT64_FORMAT " has ended; its agenda can no longer change",
                   session_id);
      goto failed;
    }

  n_marked = count_marked_items (self, session_id, error);
  if (n_marked < 0)
    goto failed;
  if (n_marked > 0)
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE,
                   "session %" G_GINT64_FORMAT " is %s and %" G_GINT64_FORMAT " marker(s) already "
                   "point at its agenda items; the agenda can no longer be replaced", session_id,
                   tribuna_session_state_to_code (session->state), n_marked);
      goto failed;
    }

  clear = _tribuna_archive_prepare (self, "DELETE FROM agenda_items WHERE session_id = ?", error);
  if (clear == NULL)
    goto failed;
  sqlite3_bind_int64 (clear, 1, session_id);
  if (!run (self, clear, "replace the agenda", error))
    goto failed;

  for (guint i = 0; i < items->len; i++)
    {
      const TribunaAgendaItem *item = g_ptr_array_index (items, i);
      g_autoptr(TribunaStmt) insert = NULL;
      g_autofree char *title = clean_text (item->title);
      g_autofree char *number = clean_text (item->number);
      g_autofree char *presenter = clean_text (item->presenter);

      insert = _tribuna_archive_prepare (self,
                                         "INSERT INTO agenda_items (session_id, position, depth,"
                                         "                          number, title, presenter)"
                                         " VALUES (?, ?, ?, ?, ?, ?)", error);
      if (insert == NULL)
        goto failed;
      sqlite3_bind_int64 (insert, 1, session_id);
      sqlite3_bind_int (insert, 2, (int) i + 1);
      sqlite3_bind_int (insert, 3, (int) item->depth);
      bind_text (insert, 4, number);
      bind_text (insert, 5, title);
      bind_text (insert, 6, presenter);
      if (!run (self, insert, "add an agenda item", error))
        goto failed;
    }

  return _tribuna_archive_commit (self, error);

failed:
  _tribuna_archive_rollback (self);
  return FALSE;
}

GPtrArray *
tribuna_archive_list_items (TribunaArchive  *self,
                            gint64           session_id,
                            GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  stmt = _tribuna_archive_prepare (self,
                                   "SELECT " ITEM_COLUMNS " FROM agenda_items"
                                   " WHERE session_id = ? ORDER BY position", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, session_id);
  return collect_rows (self, stmt, (RowFunc) item_from_row, (GDestroyNotify) tribuna_agenda_item_free,
                       "list agenda items", error);
}

TribunaAgendaItem *
tribuna_archive_get_item (TribunaArchive  *self,
                          gint64           item_id,
                          GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  stmt = _tribuna_archive_prepare (self,
                                   "SELECT " ITEM_COLUMNS " FROM agenda_items WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, item_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return item_from_row (stmt);

  if (rc == SQLITE_DONE)
    g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND,
                 "there is no agenda item %" G_GINT64_FORMAT " in %s", item_id, self->path);
  else
    _tribuna_archive_fail (self, rc, "read an agenda item", error);
  return NULL;
}

/* Markers ******************************************************************************/

#define MARKER_COLUMNS \
  "id, session_id, kind, item_id, speaker_name, speaker_role, text, wall_us, running_time_ns," \
  " set_by"

static TribunaMarker *
marker_from_row (sqlite3_stmt *stmt)
{
  TribunaMarker *marker = g_new0 (TribunaMarker, 1);

  marker->id = sqlite3_column_int64 (stmt, 0);
  marker->session_id = sqlite3_column_int64 (stmt, 1);
  if (!tribuna_marker_kind_from_code ((const char *) sqlite3_column_text (stmt, 2),
                                      &marker->kind))
    marker->kind = TRIBUNA_MARKER_NOTE;
  marker->item_id = column_optional (stmt, 3, 0);
  marker->speaker_name = column_dup (stmt, 4);
  marker->speaker_role = column_dup (stmt, 5);
  marker->text = column_dup (stmt, 6);
  marker->wall_us = sqlite3_column_int64 (stmt, 7);
  marker->running_time_ns = column_optional (stmt, 8, -1);
  marker->set_by = column_dup (stmt, 9);
  return marker;
}

static gboolean
check_marker (const TribunaMarker  *marker,
              GError              **error)
{
  g_autofree char *speaker = clean_text (marker->speaker_name);
  g_autofree char *text = clean_text (marker->text);

  if ((guint) marker->kind > TRIBUNA_MARKER_NOTE)
    return invalid (error, "%d is not a marker kind", marker->kind);
  if (marker->kind == TRIBUNA_MARKER_ITEM_START && marker->item_id <= 0)
    return invalid (error, "an item-start marker needs the agenda item it starts");
  if (marker->kind == TRIBUNA_MARKER_SPEAKER && speaker == NULL)
    return invalid (error, "a speaker marker needs the speaker's name");
  if (marker->kind == TRIBUNA_MARKER_NOTE && text == NULL)
    return invalid (error, "a note marker needs its text");
  if (marker->wall_us <= 0)
    return invalid (error, "a marker needs its wall-clock time (wall_us)");
  if (marker->running_time_ns < -1)
    return invalid (error, "a marker's running time is -1 (unknown) or ≥ 0, not %" G_GINT64_FORMAT,
                    marker->running_time_ns);
  return check_text ("the speaker's name", speaker, FALSE, error)
         && check_text ("the speaker's role", marker->speaker_role, FALSE, error)
         && check_text ("the marker's text", text, FALSE, error);
}

static gboolean
check_item_of_session (TribunaArchive  *self,
                       gint64           item_id,
                       gint64           session_id,
                       GError         **error)
{
  g_autoptr(TribunaAgendaItem) item = tribuna_archive_get_item (self, item_id, error);

  if (item == NULL)
    return FALSE;
  if (item->session_id != session_id)
    return invalid (error, "agenda item %" G_GINT64_FORMAT " belongs to session %" G_GINT64_FORMAT
                    ", not to session %" G_GINT64_FORMAT, item_id, item->session_id, session_id);
  return TRUE;
}

gint64
tribuna_archive_add_marker (TribunaArchive       *self,
                            const TribunaMarker  *marker,
                            GError              **error)
{
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autofree char *speaker = NULL;
  g_autofree char *text = NULL;
  gint64 id;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), 0);
  g_return_val_if_fail (marker != NULL, 0);

  if (!check_marker (marker, error))
    return 0;

  if (!_tribuna_archive_begin (self, error))
    return 0;

  session = tribuna_archive_get_session (self, marker->session_id, error);
  if (session == NULL)
    goto failed;
  if (session->state == TRIBUNA_SESSION_PLANNED)
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_STATE,
                   "session %" G_GINT64_FORMAT " has not started; markers belong to a recording",
                   marker->session_id);
      goto failed;
    }
  if (marker->item_id > 0
      && !check_item_of_session (self, marker->item_id, marker->session_id, error))
    goto failed;

  stmt = _tribuna_archive_prepare (self,
                                   "INSERT INTO markers (session_id, kind, item_id, speaker_name,"
                                   "                     speaker_role, text, wall_us,"
                                   "                     running_time_ns, set_by)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto failed;

  speaker = clean_text (marker->speaker_name);
  text = clean_text (marker->text);
  sqlite3_bind_int64 (stmt, 1, marker->session_id);
  bind_text (stmt, 2, tribuna_marker_kind_to_code (marker->kind));
  bind_id (stmt, 3, marker->item_id);
  bind_text (stmt, 4, speaker);
  bind_text (stmt, 5, marker->speaker_role);
  bind_text (stmt, 6, text);
  sqlite3_bind_int64 (stmt, 7, marker->wall_us);
  bind_optional (stmt, 8, marker->running_time_ns);
  bind_text (stmt, 9, marker->set_by);
  if (!run (self, stmt, "add a marker", error))
    goto failed;
  id = sqlite3_last_insert_rowid (self->db);

  if (!_tribuna_archive_commit (self, error))
    return 0;
  return id;

failed:
  _tribuna_archive_rollback (self);
  return 0;
}

GPtrArray *
tribuna_archive_list_markers (TribunaArchive  *self,
                              gint64           session_id,
                              GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  stmt = _tribuna_archive_prepare (self,
                                   "SELECT " MARKER_COLUMNS " FROM markers"
                                   " WHERE session_id = ? ORDER BY wall_us, id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, session_id);
  return collect_rows (self, stmt, (RowFunc) marker_from_row, (GDestroyNotify) tribuna_marker_free,
                       "list markers", error);
}

/* Segments *****************************************************************************/

#define SEGMENT_COLUMNS \
  "id, session_id, path, start_wall_us, start_running_time_ns, duration_ns, bytes, sha256, state"

static TribunaSegment *
segment_from_row (sqlite3_stmt *stmt)
{
  TribunaSegment *segment = g_new0 (TribunaSegment, 1);

  segment->id = sqlite3_column_int64 (stmt, 0);
  segment->session_id = sqlite3_column_int64 (stmt, 1);
  segment->path = column_dup (stmt, 2);
  segment->start_wall_us = sqlite3_column_int64 (stmt, 3);
  segment->start_running_time_ns = column_optional (stmt, 4, -1);
  segment->duration_ns = column_optional (stmt, 5, -1);
  segment->bytes = column_optional (stmt, 6, -1);
  segment->sha256 = column_dup (stmt, 7);
  if (!tribuna_segment_state_from_code ((const char *) sqlite3_column_text (stmt, 8),
                                        &segment->state))
    segment->state = TRIBUNA_SEGMENT_OPEN;
  return segment;
}

char *
tribuna_archive_relative_path (TribunaArchive  *self,
                               const char      *path,
                               GError         **error)
{
  g_autofree char *absolute = NULL;
  g_autofree char *prefix = NULL;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  /* ".." is refused before canonicalising: a path that climbs out and back in is a typo or
   * an attack, never what the recorder reports. */
  parts = g_strsplit (path, G_DIR_SEPARATOR_S, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (strcmp (parts[i], "..") == 0)
      {
        invalid (error, "the segment path %s climbs out with “..”", path);
        return NULL;
      }

  absolute = g_canonicalize_filename (path, self->data_dir);
  prefix = g_strconcat (self->data_dir, G_DIR_SEPARATOR_S, NULL);
  if (!g_str_has_prefix (absolute, prefix) || absolute[strlen (prefix)] == '\0')
    {
      invalid (error, "the segment %s is not inside the data folder %s", path, self->data_dir);
      return NULL;
    }

  return g_strdup (absolute + strlen (prefix));
}

static gboolean
check_sha256 (const char  *sha256,
              GError     **error)
{
  if (sha256 == NULL)
    return TRUE;

  if (strlen (sha256) != 64)
    return invalid (error, "“%s” is not a SHA-256 digest (64 hexadecimal digits)", sha256);
  for (const char *c = sha256; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c))
      return invalid (error, "“%s” is not a SHA-256 digest (64 hexadecimal digits)", sha256);

  return TRUE;
}

gint64
tribuna_archive_add_segment (TribunaArchive  *self,
                             gint64           session_id,
                             const char      *path,
                             gint64           start_wall_us,
                             gint64           start_running_time_ns,
                             GError         **error)
{
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autoptr(TribunaSegment) existing = NULL;
  g_autofree char *relative = NULL;
  gint64 id;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), 0);
  g_return_val_if_fail (path != NULL, 0);

  relative = tribuna_archive_relative_path (self, path, error);
  if (relative == NULL)
    return 0;
  if (start_wall_us <= 0)
    return invalid (error, "the segment %s needs its start time (wall clock)", relative);

  if (!_tribuna_archive_begin (self, error))
    return 0;

  session = tribuna_archive_get_session (self, session_id, error);
  if (session == NULL)
    goto failed;

  existing = tribuna_archive_find_segment (self, relative, NULL);
  if (existing != NULL)
    {
      invalid (error, "the segment %s is already in the archive (segment %" G_GINT64_FORMAT
               " of session %" G_GINT64_FORMAT ")", relative, existing->id, existing->session_id);
      goto failed;
    }

  stmt = _tribuna_archive_prepare (self,
                                   "INSERT INTO segments (session_id, path, start_wall_us,"
                                   "                      start_running_time_ns, state)"
                                   " VALUES (?, ?, ?, ?, 'open')", error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, session_id);
  bind_text (stmt, 2, relative);
  sqlite3_bind_int64 (stmt, 3, start_wall_us);
  bind_optional (stmt, 4, start_running_time_ns);
  if (!run (self, stmt, "add a recording segment", error))
    goto failed;
  id = sqlite3_last_insert_rowid (self->db);

  if (!_tribuna_archive_commit (self, error))
    return 0;
  return id;

failed:
  _tribuna_archive_rollback (self);
  return 0;
}

gboolean
tribuna_archive_close_segment (TribunaArchive  *self,
                               gint64           segment_id,
                               gint64           duration_ns,
                               gint64           bytes,
                               const char      *sha256,
                               GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autofree char *digest = sha256 ? g_ascii_strdown (sha256, -1) : NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), FALSE);

  if (duration_ns < 0 || bytes < 0)
    return invalid (error, "segment %" G_GINT64_FORMAT " cannot close with a negative duration "
                    "or size", segment_id);
  if (!check_sha256 (digest, error))
    return FALSE;

  stmt = _tribuna_archive_prepare (self,
                                   "UPDATE segments SET duration_ns = ?, bytes = ?, sha256 = ?,"
                                   " state = 'closed' WHERE id = ?", error);
  if (stmt == NULL || !_tribuna_archive_begin (self, error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, duration_ns);
  sqlite3_bind_int64 (stmt, 2, bytes);
  bind_text (stmt, 3, digest);
  sqlite3_bind_int64 (stmt, 4, segment_id);
  if (!run (self, stmt, "close a recording segment", error))
    goto failed;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND,
                   "there is no segment %" G_GINT64_FORMAT " in %s", segment_id, self->path);
      goto failed;
    }

  return _tribuna_archive_commit (self, error);

failed:
  _tribuna_archive_rollback (self);
  return FALSE;
}

gboolean
_tribuna_archive_update_segment (TribunaArchive        *self,
                                 const TribunaSegment  *segment,
                                 GError               **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), FALSE);
  g_return_val_if_fail (segment != NULL, FALSE);

  if (!check_sha256 (segment->sha256, error))
    return FALSE;

  stmt = _tribuna_archive_prepare (self,
                                   "UPDATE segments SET start_wall_us = ?, start_running_time_ns = ?,"
                                   " duration_ns = ?, bytes = ?, sha256 = ?, state = ?"
                                   " WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, segment->start_wall_us);
  bind_optional (stmt, 2, segment->start_running_time_ns);
  bind_optional (stmt, 3, segment->duration_ns);
  bind_optional (stmt, 4, segment->bytes);
  bind_text (stmt, 5, segment->sha256);
  bind_text (stmt, 6, tribuna_segment_state_to_code (segment->state));
  sqlite3_bind_int64 (stmt, 7, segment->id);
  return run (self, stmt, "update a recording segment", error);
}

TribunaSegment *
tribuna_archive_find_segment (TribunaArchive  *self,
                              const char      *path,
                              GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autofree char *relative = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  relative = tribuna_archive_relative_path (self, path, error);
  if (relative == NULL)
    return NULL;

  stmt = _tribuna_archive_prepare (self,
                                   "SELECT " SEGMENT_COLUMNS " FROM segments WHERE path = ?", error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, relative);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return segment_from_row (stmt);

  if (rc == SQLITE_DONE)
    g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND,
                 "no segment of the archive is %s", relative);
  else
    _tribuna_archive_fail (self, rc, "look up a segment", error);
  return NULL;
}

GPtrArray *
tribuna_archive_list_segments (TribunaArchive  *self,
                               gint64           session_id,
                               GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  stmt = _tribuna_archive_prepare (self,
                                   "SELECT " SEGMENT_COLUMNS " FROM segments"
                                   " WHERE ?1 IS NULL OR session_id = ?1"
                                   " ORDER BY start_wall_us, id", error);
  if (stmt == NULL)
    return NULL;

  bind_id (stmt, 1, session_id);
  return collect_rows (self, stmt, (RowFunc) segment_from_row, (GDestroyNotify) tribuna_segment_free,
                       "list recording segments", error);
}

/* Events *******************************************************************************/

/* Every rtmp:// or rtmps:// URL with its last path segment (where a key would be) masked:
 * a message may quote the URL GStreamer failed on. */
static char *
mask_urls (const char *text)
{
  GString *masked = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start = NULL;
      const char *end;

      for (const char *q = p; *q != '\0'; q++)
        if (g_ascii_strncasecmp (q, "rtmp://", 7) == 0 || g_ascii_strncasecmp (q, "rtmps://", 8) == 0)
          {
            start = q;
            break;
          }
      if (start == NULL)
        {
          g_string_append (masked, p);
          break;
        }

      g_string_append_len (masked, p, start - p);
      end = start;
      while (*end != '\0' && !g_ascii_isspace (*end) && strchr ("\"'<>()[]{},;", *end) == NULL)
        end++;

      {
        g_autofree char *url = g_strndup (start, end - start);
        g_autofree char *url_masked = tribuna_mask_url (url);

        g_string_append (masked, url_masked);
      }
      p = end;
    }

  return g_string_free (masked, FALSE);
}

static TribunaEvent *
event_from_row (sqlite3_stmt *stmt)
{
  TribunaEvent *event = g_new0 (TribunaEvent, 1);

  event->id = sqlite3_column_int64 (stmt, 0);
  event->session_id = column_optional (stmt, 1, 0);
  event->wall_us = sqlite3_column_int64 (stmt, 2);
  if (!tribuna_event_kind_from_code ((const char *) sqlite3_column_text (stmt, 3), &event->kind))
    event->kind = TRIBUNA_EVENT_RECORDER_FAILED;
  event->text = column_dup (stmt, 4);
  return event;
}

gint64
tribuna_archive_add_event (TribunaArchive    *self,
                           gint64             session_id,
                           TribunaEventKind   kind,
                           const char        *text,
                           gint64             wall_us,
                           GError           **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autofree char *masked = NULL;
  gint64 id;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), 0);

  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    return invalid (error, "the event's text is not valid UTF-8");
  masked = text ? mask_urls (text) : NULL;

  stmt = _tribuna_archive_prepare (self,
                                   "INSERT INTO events (session_id, wall_us, kind, text)"
                                   " VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL || !_tribuna_archive_begin (self, error))
    return 0;

  bind_id (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, wall_us > 0 ? wall_us : g_get_real_time ());
  bind_text (stmt, 3, tribuna_event_kind_to_code (kind));
  bind_text (stmt, 4, masked);
  if (!run (self, stmt, "add an event", error))
    {
      _tribuna_archive_rollback (self);
      return 0;
    }
  id = sqlite3_last_insert_rowid (self->db);

  if (!_tribuna_archive_commit (self, error))
    return 0;
  return id;
}

GPtrArray *
tribuna_archive_list_events (TribunaArchive  *self,
                             gint64           session_id,
                             GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  stmt = _tribuna_archive_prepare (self,
                                   "SELECT id, session_id, wall_us, kind, text FROM events"
                                   " WHERE ?1 IS NULL OR session_id = ?1"
                                   " ORDER BY wall_us, id", error);
  if (stmt == NULL)
    return NULL;

  bind_id (stmt, 1, session_id);
  return collect_rows (self, stmt, (RowFunc) event_from_row, (GDestroyNotify) tribuna_event_free,
                       "list events", error);
}

/* Clips ********************************************************************************/

gint64
tribuna_archive_add_clip (TribunaArchive     *self,
                          const TribunaClip  *clip,
                          GError            **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;
  g_autoptr(TribunaSession) session = NULL;
  g_autofree char *path = NULL;
  gint64 id;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), 0);
  g_return_val_if_fail (clip != NULL && clip->path != NULL, 0);

  session = tribuna_archive_get_session (self, clip->session_id, error);
  if (session == NULL)
    return 0;
  if (clip->requested_start_ns < 0 || clip->requested_end_ns <= clip->requested_start_ns)
    return invalid (error, "a clip's range must start at 0 or later and end after it starts");
  if (g_strcmp0 (clip->mode, "fast") != 0 && g_strcmp0 (clip->mode, "exact") != 0)
    return invalid (error, "a clip's mode is fast or exact");

  /* Inside the data directory the path is kept relative, like segments; an
   * export elsewhere (-o FILE) is remembered where it went. */
  path = tribuna_archive_relative_path (self, clip->path, NULL);
  if (path == NULL)
    path = g_strdup (clip->path);

  stmt = _tribuna_archive_prepare (self,
                                   "INSERT INTO clips (session_id, item_id, path,"
                                   " requested_start_ns, requested_end_ns, actual_start_ns,"
                                   " actual_end_ns, mode, preset, created_by, created_us)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL || !_tribuna_archive_begin (self, error))
    return 0;

  sqlite3_bind_int64 (stmt, 1, clip->session_id);
  bind_id (stmt, 2, clip->item_id);
  bind_text (stmt, 3, path);
  sqlite3_bind_int64 (stmt, 4, clip->requested_start_ns);
  sqlite3_bind_int64 (stmt, 5, clip->requested_end_ns);
  bind_optional (stmt, 6, clip->actual_start_ns);
  bind_optional (stmt, 7, clip->actual_end_ns);
  bind_text (stmt, 8, clip->mode);
  bind_text (stmt, 9, clip->preset ? clip->preset : "web");
  bind_text (stmt, 10, clip->created_by);
  sqlite3_bind_int64 (stmt, 11, clip->created_us > 0 ? clip->created_us : g_get_real_time ());
  if (!run (self, stmt, "add a clip", error))
    {
      _tribuna_archive_rollback (self);
      return 0;
    }
  id = sqlite3_last_insert_rowid (self->db);

  if (!_tribuna_archive_commit (self, error))
    return 0;
  return id;
}

static TribunaClip *
clip_from_row (sqlite3_stmt *stmt)
{
  TribunaClip *clip = g_new0 (TribunaClip, 1);

  clip->id = sqlite3_column_int64 (stmt, 0);
  clip->session_id = sqlite3_column_int64 (stmt, 1);
  clip->item_id = column_optional (stmt, 2, 0);
  clip->path = column_dup (stmt, 3);
  clip->requested_start_ns = sqlite3_column_int64 (stmt, 4);
  clip->requested_end_ns = sqlite3_column_int64 (stmt, 5);
  clip->actual_start_ns = column_optional (stmt, 6, -1);
  clip->actual_end_ns = column_optional (stmt, 7, -1);
  clip->mode = column_dup (stmt, 8);
  clip->preset = column_dup (stmt, 9);
  clip->created_by = column_dup (stmt, 10);
  clip->created_us = sqlite3_column_int64 (stmt, 11);
  return clip;
}

GPtrArray *
tribuna_archive_list_clips (TribunaArchive  *self,
                            gint64           session_id,
                            GError         **error)
{
  g_autoptr(TribunaStmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (self), NULL);

  stmt = _tribuna_archive_prepare (self,
                                   "SELECT id, session_id, item_id, path, requested_start_ns,"
                                   " requested_end_ns, actual_start_ns, actual_end_ns, mode,"
                                   " preset, created_by, created_us FROM clips"
                                   " WHERE ?1 IS NULL OR session_id = ?1"
                                   " ORDER BY created_us, id", error);
  if (stmt == NULL)
    return NULL;

  bind_id (stmt, 1, session_id);
  return collect_rows (self, stmt, (RowFunc) clip_from_row, (GDestroyNotify) tribuna_clip_free,
                       "list clips", error);
}
