/* tribuna-accounts.c: staff accounts, tokens, logins and API destinations, kept private
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-accounts"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tribuna-accounts.h"

#define BUSY_TIMEOUT_MS 5000
#define TOKEN_BYTES     32
#define TOKEN_PREFIX    "trb_"

struct _TribunaAccounts
{
  GObject   parent_instance;

  char     *path;
  sqlite3  *db;
};

G_DEFINE_FINAL_TYPE (TribunaAccounts, tribuna_accounts, G_TYPE_OBJECT)
G_DEFINE_QUARK (tribuna-accounts-error-quark, tribuna_accounts_error)

/* Append, never edit: files in the field are at every version. */
static const char * const migrations[] = {
  "CREATE TABLE accounts ("
  "  id             INTEGER PRIMARY KEY,"
  "  name           TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  role           TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'editor')),"
  "  password_hash  TEXT NOT NULL,"
  "  created_us     INTEGER NOT NULL"
  ");"
  "CREATE TABLE tokens ("
  "  id            INTEGER PRIMARY KEY,"
  "  account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  label         TEXT,"
  "  digest        TEXT NOT NULL UNIQUE,"
  "  created_us    INTEGER NOT NULL,"
  "  last_used_us  INTEGER"
  ");"
  "CREATE TABLE logins ("
  "  id          INTEGER PRIMARY KEY,"
  "  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  digest      TEXT NOT NULL UNIQUE,"
  "  csrf_token  TEXT NOT NULL,"
  "  created_us  INTEGER NOT NULL,"
  "  expires_us  INTEGER NOT NULL"
  ");"
  "CREATE TABLE destinations ("
  "  id          INTEGER PRIMARY KEY,"
  "  name        TEXT NOT NULL UNIQUE,"
  "  url         TEXT NOT NULL,"
  "  key         TEXT,"
  "  enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),"
  "  tls_verify  INTEGER NOT NULL CHECK (tls_verify IN (0, 1)),"
  "  created_us  INTEGER NOT NULL"
  ");"
  "PRAGMA user_version = 1;",
};

static const char * const role_codes[] = { "admin", "operator", "editor" };

const char *
tribuna_role_to_code (TribunaRole role)
{
  g_return_val_if_fail (role <= TRIBUNA_ROLE_EDITOR, NULL);

  return role_codes[role];
}

gboolean
tribuna_role_from_code (const char  *code,
                        TribunaRole *out)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (role_codes); i++)
    {
      if (g_str_equal (code, role_codes[i]))
        {
          *out = (TribunaRole) i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Rows */

TribunaAccount *
tribuna_account_copy (const TribunaAccount *self)
{
  TribunaAccount *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TribunaAccount, 1);
  *copy = *self;
  copy->name = g_strdup (self->name);
  return copy;
}

void
tribuna_account_free (TribunaAccount *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self);
}

void
tribuna_api_token_free (TribunaApiToken *self)
{
  if (self == NULL)
    return;

  g_free (self->account);
  g_free (self->label);
  g_free (self);
}

void
tribuna_login_free (TribunaLogin *self)
{
  if (self == NULL)
    return;

  tribuna_account_free (self->account);
  /* Gone from memory as well as from use. */
  if (self->csrf_token != NULL)
    sodium_memzero (self->csrf_token, strlen (self->csrf_token));
  g_free (self->csrf_token);
  g_free (self);
}

TribunaStoredDestination *
tribuna_stored_destination_new (const char *name,
                                const char *url,
                                const char *key,
                                gboolean    enabled,
                                gboolean    tls_verify)
{
  TribunaStoredDestination *self = g_new0 (TribunaStoredDestination, 1);

  self->name = g_strdup (name);
  self->url = g_strdup (url);
  self->key = g_strdup (key);
  self->enabled = enabled;
  self->tls_verify = tls_verify;
  return self;
}

void
tribuna_stored_destination_free (TribunaStoredDestination *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->url);
  if (self->key != NULL)
    sodium_memzero (self->key, strlen (self->key));
  g_free (self->key);
  g_free (self);
}

/* SQLite */

static gboolean
fail (TribunaAccounts  *self,
      int               rc,
      const char       *what,
      GError          **error)
{
  g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_FAILED,
               "%s: cannot %s: %s", self->path, what,
               self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  return FALSE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static sqlite3_stmt *
prepare (TribunaAccounts  *self,
         const char       *sql,
         GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      fail (self, rc, "prepare a statement", error);
      return NULL;
    }

  return stmt;
}

/* Runs a statement that returns no row. */
static gboolean
run (TribunaAccounts  *self,
     sqlite3_stmt     *stmt,
     const char       *what,
     GError          **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return fail (self, rc, what, error);

  return TRUE;
}

static gboolean
exec (TribunaAccounts  *self,
      const char       *sql,
      GError          **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_FAILED, "%s: %s",
                   self->path, message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
not_found (GError     **error,
           const char  *what,
           const char  *name)
{
  g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND,
               "there is no %s named “%s”", what, name);
  return FALSE;
}

/* Opening */

static void
tribuna_accounts_finalize (GObject *object)
{
  TribunaAccounts *self = (TribunaAccounts *) object;

  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (tribuna_accounts_parent_class)->finalize (object);
}

static void
tribuna_accounts_class_init (TribunaAccountsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tribuna_accounts_finalize;
}

static void
tribuna_accounts_init (TribunaAccounts *self)
{
}

/* Creates the file 0600 when missing, and refuses one that others could read: the check
 * and the creation use one descriptor, so they are about the same file. */
static gboolean
check_file (const char  *path,
            GError     **error)
{
  struct stat st;
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR,
                   saved_errno == ELOOP ? TRIBUNA_ACCOUNTS_ERROR_PERMISSIONS
                                        : TRIBUNA_ACCOUNTS_ERROR_FAILED,
                   "cannot open %s: %s", path,
                   saved_errno == ELOOP ? "it is a symbolic link" : g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_FAILED,
                   "cannot examine %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  g_close (fd, NULL);

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_PERMISSIONS,
                   "%s is not a regular file", path);
      return FALSE;
    }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_PERMISSIONS,
                   "%s has mode %04o, so other users could read password hashes and stream "
                   "keys; allowed: mode 0600 (run: chmod 600 %s)", path,
                   (guint) (st.st_mode & 07777), path);
      return FALSE;
    }
  if (st.st_uid != geteuid ())
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_PERMISSIONS,
                   "%s belongs to user %u, not to the user running Tribuna (%u)", path,
                   (guint) st.st_uid, (guint) geteuid ());
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (TribunaAccounts  *self,
         GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA user_version", error);
  int version;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return stmt == NULL ? FALSE : fail (self, SQLITE_ERROR, "read the schema version", error);
  version = sqlite3_column_int (stmt, 0);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_FAILED,
                   "%s was written by a newer Tribuna (schema %d, this one knows %u)",
                   self->path, version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (guint i = version; i < G_N_ELEMENTS (migrations); i++)
    {
      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (self, migrations[i], error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!exec (self, "COMMIT", error))
        return FALSE;
    }

  return TRUE;
}

TribunaAccounts *
tribuna_accounts_open (const char  *data_dir,
                       GError     **error)
{
  g_autoptr(TribunaAccounts) self = NULL;
  int rc;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_FAILED,
                   "libsodium cannot start (no source of randomness?)");
      return NULL;
    }

  if (g_mkdir_with_parents (data_dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_FAILED,
                   "cannot create the data folder %s: %s", data_dir, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (TRIBUNA_TYPE_ACCOUNTS, NULL);
  self->path = g_build_filename (data_dir, TRIBUNA_ACCOUNTS_FILE_NAME, NULL);
  if (!check_file (self->path, error))
    return NULL;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    {
      fail (self, rc, "open it", error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* A rollback journal (made with the file's own mode) rather than WAL: fewer files to
   * keep private; secure_delete so a removed key or hash does not linger in free pages. */
  if (!exec (self, "PRAGMA journal_mode = DELETE", error)
      || !exec (self, "PRAGMA synchronous = FULL", error)
      || !exec (self, "PRAGMA foreign_keys = ON", error)
      || !exec (self, "PRAGMA secure_delete = ON", error)
      || !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
tribuna_accounts_get_path (TribunaAccounts *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);

  return self->path;
}

/* Rules and hashing */

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_INVALID, message);
  return FALSE;
}

gboolean
tribuna_accounts_check_name (const char  *name,
                             GError     **error)
{
  gsize length;

  if (name == NULL || *name == '\0')
    return invalid (error, "the account name is empty; allowed: 1 to 64 of A-Z a-z 0-9 . _ - @");

  length = strlen (name);
  if (length > TRIBUNA_ACCOUNTS_MAX_NAME_CHARS)
    return invalid (error, "the account name is longer than 64 characters");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("._-@", *p) == NULL)
        return invalid (error, "the account name may only hold A-Z a-z 0-9 . _ - @");
    }

  return TRUE;
}

gboolean
tribuna_accounts_check_password (const char  *password,
                                 GError     **error)
{
  if (password == NULL)
    return invalid (error, "the password is missing");
  if (strlen (password) > TRIBUNA_ACCOUNTS_MAX_PASSWORD_BYTES)
    return invalid (error, "the password is longer than 1024 bytes");
  if (!g_utf8_validate (password, -1, NULL))
    return invalid (error, "the password is not valid UTF-8");
  if (g_utf8_strlen (password, -1) < TRIBUNA_ACCOUNTS_MIN_PASSWORD_CHARS)
    return invalid (error, "the password is shorter than 10 characters");

  return TRUE;
}

char *
tribuna_accounts_hash_password (const char  *password,
                                GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tribuna_accounts_check_password (password, error))
    return NULL;

  /* INTERACTIVE: what libsodium recommends for logins on a server; the appliance also
   * encodes video on two cores, so the moderate limits would cost the encoder. */
  if (sodium_init () < 0
      || crypto_pwhash_str (hash, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_FAILED,
                   "cannot hash the password (out of memory?)");
      return NULL;
    }

  return g_strdup (hash);
}

gboolean
tribuna_accounts_verify_password (const char *password_hash,
                                  const char *password)
{
  if (password_hash == NULL || password == NULL
      || strlen (password) > TRIBUNA_ACCOUNTS_MAX_PASSWORD_BYTES)
    return FALSE;

  return sodium_init () >= 0
         && crypto_pwhash_str_verify (password_hash, password, strlen (password)) == 0;
}

/* Tokens: random bytes, URL-safe; only their SHA-256 is stored. With 256 bits of
 * randomness a fast digest is enough: there is nothing to guess. */
static char *
random_token (const char *prefix)
{
  guchar bytes[TOKEN_BYTES];
  char text[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  return g_strconcat (prefix, text, NULL);
}

static char *
digest (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* Accounts */

static TribunaAccount *
account_from_row (sqlite3_stmt *stmt)
{
  TribunaAccount *account = g_new0 (TribunaAccount, 1);

  account->id = sqlite3_column_int64 (stmt, 0);
  account->name = column_text (stmt, 1);
  if (!tribuna_role_from_code ((const char *) sqlite3_column_text (stmt, 2), &account->role))
    account->role = TRIBUNA_ROLE_EDITOR;   /* the CHECK makes this unreachable */
  account->created_us = sqlite3_column_int64 (stmt, 3);
  return account;
}

TribunaAccount *
tribuna_accounts_create (TribunaAccounts  *self,
                         const char       *name,
                         TribunaRole       role,
                         const char       *password_hash,
                         GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (password_hash != NULL, NULL);
  g_return_val_if_fail (role <= TRIBUNA_ROLE_EDITOR, NULL);

  if (!tribuna_accounts_check_name (name, error))
    return NULL;

  stmt = prepare (self, "INSERT INTO accounts (name, role, password_hash, created_us) "
                        "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, tribuna_role_to_code (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_EXISTS,
                   "there is already an account named “%s”", name);
      return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      fail (self, rc, "add the account", error);
      return NULL;
    }

  return tribuna_accounts_lookup (self, name, error);
}

TribunaAccount *
tribuna_accounts_lookup (TribunaAccounts  *self,
                         const char       *name,
                         GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = prepare (self, "SELECT id, name, role, created_us FROM accounts WHERE name = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      not_found (error, "account", name);
      return NULL;
    }

  return account_from_row (stmt);
}

char *
tribuna_accounts_get_password_hash (TribunaAccounts  *self,
                                    const char       *name,
                                    GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = prepare (self, "SELECT password_hash FROM accounts WHERE name = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      not_found (error, "account", name);
      return NULL;
    }

  return column_text (stmt, 0);
}

GPtrArray *
tribuna_accounts_list (TribunaAccounts  *self,
                       GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);

  stmt = prepare (self, "SELECT id, name, role, created_us FROM accounts ORDER BY name", error);
  if (stmt == NULL)
    return NULL;

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_account_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (accounts, account_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      fail (self, rc, "list the accounts", error);
      return NULL;
    }

  return g_steal_pointer (&accounts);
}

guint
tribuna_accounts_count (TribunaAccounts *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), 0);

  stmt = prepare (self, "SELECT count(*) FROM accounts", NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;

  return (guint) sqlite3_column_int (stmt, 0);
}

/* Whether @name is the only administrator left. */
static gboolean
is_last_admin (TribunaAccounts *self,
               const char      *name)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT count(*), sum(name = ?) FROM accounts WHERE role = 'admin'", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;

  return sqlite3_column_int (stmt, 0) == 1 && sqlite3_column_int (stmt, 1) == 1;
}

static gboolean
last_admin (GError     **error,
            const char  *name)
{
  g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_LAST_ADMIN,
               "“%s” is the only administrator; make another account an administrator first",
               name);
  return FALSE;
}

/* Runs an UPDATE or DELETE bound to a name; NOT_FOUND when it touched nothing. */
static gboolean
change_account (TribunaAccounts  *self,
                sqlite3_stmt     *stmt,
                const char       *name,
                const char       *what,
                GError          **error)
{
  if (!run (self, stmt, what, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return not_found (error, "account", name);

  return TRUE;
}

gboolean
tribuna_accounts_set_role (TribunaAccounts  *self,
                           const char       *name,
                           TribunaRole       role,
                           GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (role <= TRIBUNA_ROLE_EDITOR, FALSE);

  if (role != TRIBUNA_ROLE_ADMIN && is_last_admin (self, name))
    return last_admin (error, name);

  stmt = prepare (self, "UPDATE accounts SET role = ? WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, tribuna_role_to_code (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);

  return change_account (self, stmt, name, "change the role", error);
}

gboolean
tribuna_accounts_set_password_hash (TribunaAccounts  *self,
                                    const char       *name,
                                    const char       *password_hash,
                                    GError          **error)
{
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(sqlite3_stmt) logout = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  update = prepare (self, "UPDATE accounts SET password_hash = ? WHERE name = ?", error);
  logout = prepare (self, "DELETE FROM logins WHERE account_id = "
                          "(SELECT id FROM accounts WHERE name = ?)", error);
  if (update == NULL || logout == NULL || !exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  sqlite3_bind_text (update, 1, password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (update, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (logout, 1, name, -1, SQLITE_TRANSIENT);
  if (!change_account (self, update, name, "change the password", error)
      || !run (self, logout, "end the account's logins", error))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }

  return exec (self, "COMMIT", error);
}

gboolean
tribuna_accounts_delete (TribunaAccounts  *self,
                         const char       *name,
                         GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (is_last_admin (self, name))
    return last_admin (error, name);

  stmt = prepare (self, "DELETE FROM accounts WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);

  return change_account (self, stmt, name, "remove the account", error);
}

/* API tokens */

char *
tribuna_accounts_create_token (TribunaAccounts  *self,
                               const char       *account,
                               const char       *label,
                               gint64           *id,
                               GError          **error)
{
  g_autoptr(TribunaAccount) owner = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_digest = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  if (label != NULL && (!g_utf8_validate (label, -1, NULL) || g_utf8_strlen (label, -1) > 200))
    {
      invalid (error, "the token label must be UTF-8 text of at most 200 characters");
      return NULL;
    }

  owner = tribuna_accounts_lookup (self, account, error);
  if (owner == NULL)
    return NULL;

  token = random_token (TOKEN_PREFIX);
  token_digest = digest (token);
  stmt = prepare (self, "INSERT INTO tokens (account_id, label, digest, created_us) "
                        "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, owner->id);
  sqlite3_bind_text (stmt, 2, label, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, token_digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  if (!run (self, stmt, "add the token", error))
    return NULL;

  if (id != NULL)
    *id = sqlite3_last_insert_rowid (self->db);
  return g_steal_pointer (&token);
}

TribunaAccount *
tribuna_accounts_check_token (TribunaAccounts  *self,
                              const char       *token,
                              GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) touch = NULL;
  g_autofree char *token_digest = NULL;
  TribunaAccount *account;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (token != NULL, NULL);

  token_digest = digest (token);
  stmt = prepare (self, "SELECT a.id, a.name, a.role, a.created_us, t.id, t.last_used_us "
                        "FROM tokens t JOIN accounts a ON a.id = t.account_id "
                        "WHERE t.digest = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, token_digest, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND,
                   "the API token is not valid (unknown or revoked)");
      return NULL;
    }
  account = account_from_row (stmt);

  /* For the admin's list; once a minute is precise enough and spares the disk. */
  if (g_get_real_time () - sqlite3_column_int64 (stmt, 5) > G_TIME_SPAN_MINUTE)
    {
      touch = prepare (self, "UPDATE tokens SET last_used_us = ? WHERE id = ?", NULL);
      if (touch != NULL)
        {
          sqlite3_bind_int64 (touch, 1, g_get_real_time ());
          sqlite3_bind_int64 (touch, 2, sqlite3_column_int64 (stmt, 4));
          run (self, touch, "note the token's use", NULL);
        }
    }

  return account;
}

GPtrArray *
tribuna_accounts_list_tokens (TribunaAccounts  *self,
                              GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);

  stmt = prepare (self, "SELECT t.id, a.name, t.label, t.created_us, t.last_used_us "
                        "FROM tokens t JOIN accounts a ON a.id = t.account_id ORDER BY t.id",
                  error);
  if (stmt == NULL)
    return NULL;

  tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_api_token_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TribunaApiToken *token = g_new0 (TribunaApiToken, 1);

      token->id = sqlite3_column_int64 (stmt, 0);
      token->account = column_text (stmt, 1);
      token->label = column_text (stmt, 2);
      token->created_us = sqlite3_column_int64 (stmt, 3);
      token->last_used_us = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (tokens, token);
    }
  if (rc != SQLITE_DONE)
    {
      fail (self, rc, "list the tokens", error);
      return NULL;
    }

  return g_steal_pointer (&tokens);
}

gboolean
tribuna_accounts_delete_token (TribunaAccounts  *self,
                               gint64            id,
                               GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), FALSE);

  stmt = prepare (self, "DELETE FROM tokens WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!run (self, stmt, "revoke the token", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND,
                   "there is no API token %" G_GINT64_FORMAT, id);
      return FALSE;
    }

  return TRUE;
}

/* Browser logins */

char *
tribuna_accounts_create_login (TribunaAccounts  *self,
                               const char       *account,
                               gint64            lifetime_us,
                               char            **csrf_token,
                               GError          **error)
{
  g_autoptr(TribunaAccount) owner = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *cookie_digest = NULL;
  g_autofree char *csrf = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (lifetime_us > 0, NULL);
  g_return_val_if_fail (csrf_token != NULL, NULL);

  owner = tribuna_accounts_lookup (self, account, error);
  if (owner == NULL)
    return NULL;

  cookie = random_token ("");
  cookie_digest = digest (cookie);
  csrf = random_token ("");

  /* Logins that ran out are removed as new ones come, so the table stays small. */
  exec (self, "DELETE FROM logins WHERE expires_us < strftime ('%s', 'now') * 1000000", NULL);

  stmt = prepare (self, "INSERT INTO logins (account_id, digest, csrf_token, created_us, "
                        "expires_us) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, owner->id);
  sqlite3_bind_text (stmt, 2, cookie_digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, csrf, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, now + lifetime_us);
  if (!run (self, stmt, "add the login", error))
    return NULL;

  *csrf_token = g_steal_pointer (&csrf);
  return g_steal_pointer (&cookie);
}

TribunaLogin *
tribuna_accounts_check_login (TribunaAccounts  *self,
                              const char       *cookie,
                              GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *cookie_digest = NULL;
  TribunaLogin *login;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (cookie != NULL, NULL);

  cookie_digest = digest (cookie);
  stmt = prepare (self, "SELECT a.id, a.name, a.role, a.created_us, l.csrf_token, l.expires_us "
                        "FROM logins l JOIN accounts a ON a.id = l.account_id "
                        "WHERE l.digest = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, cookie_digest, -1, SQLITE_TRANSIENT);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND,
                   "the login is not valid (unknown or logged out); log in again");
      return NULL;
    }

  if (sqlite3_column_int64 (stmt, 5) <= g_get_real_time ())
    {
      g_clear_pointer (&stmt, sqlite3_finalize);
      tribuna_accounts_delete_login (self, cookie, NULL);
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND,
                   "the login has expired; log in again");
      return NULL;
    }

  login = g_new0 (TribunaLogin, 1);
  login->account = account_from_row (stmt);
  login->csrf_token = column_text (stmt, 4);
  login->expires_us = sqlite3_column_int64 (stmt, 5);
  return login;
}

gboolean
tribuna_accounts_delete_login (TribunaAccounts  *self,
                               const char       *cookie,
                               GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *cookie_digest = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (cookie != NULL, FALSE);

  cookie_digest = digest (cookie);
  stmt = prepare (self, "DELETE FROM logins WHERE digest = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, cookie_digest, -1, SQLITE_TRANSIENT);

  return run (self, stmt, "end the login", error);
}

/* Destinations */

static gboolean
bind_destination (sqlite3_stmt                   *stmt,
                  const TribunaStoredDestination *destination)
{
  sqlite3_bind_text (stmt, 1, destination->url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, destination->key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, destination->enabled ? 1 : 0);
  sqlite3_bind_int (stmt, 4, destination->tls_verify ? 1 : 0);
  sqlite3_bind_text (stmt, 5, destination->name, -1, SQLITE_TRANSIENT);
  return TRUE;
}

gboolean
tribuna_accounts_add_destination (TribunaAccounts                 *self,
                                  const TribunaStoredDestination  *destination,
                                  GError                         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (destination != NULL && destination->name != NULL, FALSE);
  g_return_val_if_fail (destination->url != NULL, FALSE);

  stmt = prepare (self, "INSERT INTO destinations (url, key, enabled, tls_verify, name, "
                        "created_us) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_destination (stmt, destination);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_EXISTS,
                   "there is already a destination named “%s”", destination->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return fail (self, rc, "save the destination", error);

  return TRUE;
}

static TribunaStoredDestination *
destination_from_row (sqlite3_stmt *stmt)
{
  TribunaStoredDestination *destination =
    tribuna_stored_destination_new ((const char *) sqlite3_column_text (stmt, 0),
                                    (const char *) sqlite3_column_text (stmt, 1),
                                    (const char *) sqlite3_column_text (stmt, 2),
                                    sqlite3_column_int (stmt, 3) != 0,
                                    sqlite3_column_int (stmt, 4) != 0);

  destination->created_us = sqlite3_column_int64 (stmt, 5);
  return destination;
}

#define DESTINATION_COLUMNS "name, url, key, enabled, tls_verify, created_us"

GPtrArray *
tribuna_accounts_list_destinations (TribunaAccounts  *self,
                                    GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) destinations = NULL;
  int rc;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);

  stmt = prepare (self, "SELECT " DESTINATION_COLUMNS " FROM destinations ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  destinations = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_stored_destination_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (destinations, destination_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      fail (self, rc, "list the destinations", error);
      return NULL;
    }

  return g_steal_pointer (&destinations);
}

TribunaStoredDestination *
tribuna_accounts_get_destination (TribunaAccounts  *self,
                                  const char       *name,
                                  GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = prepare (self, "SELECT " DESTINATION_COLUMNS " FROM destinations WHERE name = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      not_found (error, "destination", name);
      return NULL;
    }

  return destination_from_row (stmt);
}

gboolean
tribuna_accounts_update_destination (TribunaAccounts                 *self,
                                     const TribunaStoredDestination  *destination,
                                     GError                         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (destination != NULL && destination->name != NULL, FALSE);
  g_return_val_if_fail (destination->url != NULL, FALSE);

  stmt = prepare (self, "UPDATE destinations SET url = ?, key = ?, enabled = ?, tls_verify = ? "
                        "WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_destination (stmt, destination);
  if (!run (self, stmt, "save the destination", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return not_found (error, "destination", destination->name);

  return TRUE;
}

gboolean
tribuna_accounts_delete_destination (TribunaAccounts  *self,
                                     const char       *name,
                                     GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  stmt = prepare (self, "DELETE FROM destinations WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (!run (self, stmt, "remove the destination", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return not_found (error, "destination", name);

  return TRUE;
}
