/* tribuna-accounts.h: staff accounts, API tokens, browser logins and the stream keys of
 * destinations created through the API, in one SQLite file only its owner may read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file (DATA_DIR/tribuna-secrets.db) is created with mode 0600 and refused when its
 * group or other users may read it, or when another user owns it. Passwords are kept as
 * argon2id hashes (libsodium's crypto_pwhash_str); API tokens and login cookies as SHA-256
 * digests, so a copy of the file lets nobody in. Stream keys must be sent to the RTMP
 * server and are kept as they are: that is why the file is private.
 *
 * Hashing and verifying a password takes a fraction of a second and 64 MiB on purpose:
 * call tribuna_accounts_hash_password() and tribuna_accounts_verify_password() from a
 * worker thread when a main loop is running. Everything else is quick and, like
 * TribunaArchive, used from one thread.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TRIBUNA_ACCOUNTS_ERROR (tribuna_accounts_error_quark ())

typedef enum {
  TRIBUNA_ACCOUNTS_ERROR_FAILED,       /* SQLite, the file system or libsodium failed */
  TRIBUNA_ACCOUNTS_ERROR_PERMISSIONS,  /* the file is readable by others, or not ours */
  TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND,    /* no such account, token, login or destination */
  TRIBUNA_ACCOUNTS_ERROR_EXISTS,       /* the name is taken */
  TRIBUNA_ACCOUNTS_ERROR_INVALID,      /* a name, role or password the store refuses */
  TRIBUNA_ACCOUNTS_ERROR_LAST_ADMIN,   /* the change would leave no administrator */
} TribunaAccountsError;

#define TRIBUNA_ACCOUNTS_FILE_NAME "tribuna-secrets.db"

/* A password shorter than this is refused: there is no second factor. */
#define TRIBUNA_ACCOUNTS_MIN_PASSWORD_CHARS 10
#define TRIBUNA_ACCOUNTS_MAX_PASSWORD_BYTES 1024
#define TRIBUNA_ACCOUNTS_MAX_NAME_CHARS     64

/* How long a browser login lasts: a long meeting day. */
#define TRIBUNA_ACCOUNTS_LOGIN_LIFETIME_US (12 * G_TIME_SPAN_HOUR)

/* admin: everything, accounts and destinations included; operator: on air, recording,
 * sessions, markers; editor: session metadata and agendas (clips later), reads all. */
typedef enum {
  TRIBUNA_ROLE_ADMIN,
  TRIBUNA_ROLE_OPERATOR,
  TRIBUNA_ROLE_EDITOR,
} TribunaRole;

const char *tribuna_role_to_code   (TribunaRole  role);
gboolean    tribuna_role_from_code (const char  *code,
                                    TribunaRole *out);

typedef struct {
  gint64       id;
  char        *name;
  TribunaRole  role;
  gint64       created_us;
} TribunaAccount;

/* An API token as listed: the token itself is never kept, only its digest. */
typedef struct {
  gint64  id;
  char   *account;
  char   *label;
  gint64  created_us;
  gint64  last_used_us;   /* 0 when never used */
} TribunaApiToken;

/* A browser login: the account, and the CSRF token every state-changing request of that
 * login must carry (not a secret on its own: it is useless without the cookie). */
typedef struct {
  TribunaAccount *account;
  char           *csrf_token;
  gint64          expires_us;
} TribunaLogin;

/* A destination created through the API. @url holds no key: scheme, host, port and
 * application, e.g. "rtmp://a.rtmp.youtube.com:1935/live2". */
typedef struct {
  char     *name;
  char     *url;
  char     *key;
  gboolean  enabled;
  gboolean  tls_verify;
  gint64    created_us;
} TribunaStoredDestination;

TribunaAccount           *tribuna_account_copy               (const TribunaAccount    *self);
void                      tribuna_account_free               (TribunaAccount          *self);
void                      tribuna_api_token_free             (TribunaApiToken         *self);
void                      tribuna_login_free                 (TribunaLogin            *self);
TribunaStoredDestination *tribuna_stored_destination_new     (const char              *name,
                                                              const char              *url,
                                                              const char              *key,
                                                              gboolean                 enabled,
                                                              gboolean                 tls_verify);
void                      tribuna_stored_destination_free    (TribunaStoredDestination *self);

#define TRIBUNA_TYPE_ACCOUNTS (tribuna_accounts_get_type ())
G_DECLARE_FINAL_TYPE (TribunaAccounts, tribuna_accounts, TRIBUNA, ACCOUNTS, GObject)

GQuark            tribuna_accounts_error_quark        (void);

/* Opens (creating it with mode 0600 if needed) DATA_DIR/tribuna-secrets.db. */
TribunaAccounts  *tribuna_accounts_open               (const char        *data_dir,
                                                       GError           **error);
const char       *tribuna_accounts_get_path           (TribunaAccounts   *self);

/* Rules, checked before anything is hashed or stored. Names: 1 to 64 of A-Z a-z 0-9 . _ -
 * @ (they show in logs and in URLs); unique regardless of case. */
gboolean          tribuna_accounts_check_name         (const char        *name,
                                                       GError           **error);
gboolean          tribuna_accounts_check_password     (const char        *password,
                                                       GError           **error);

/* Slow on purpose (see above); thread-safe. hash() checks the password first. */
char             *tribuna_accounts_hash_password      (const char        *password,
                                                       GError           **error);
gboolean          tribuna_accounts_verify_password    (const char        *password_hash,
                                                       const char        *password);

/* Accounts. */
TribunaAccount   *tribuna_accounts_create             (TribunaAccounts   *self,
                                                       const char        *name,
                                                       TribunaRole        role,
                                                       const char        *password_hash,
                                                       GError           **error);
TribunaAccount   *tribuna_accounts_lookup             (TribunaAccounts   *self,
                                                       const char        *name,
                                                       GError           **error);
/* The stored hash, to verify a password against; NOT_FOUND for an unknown name. */
char             *tribuna_accounts_get_password_hash  (TribunaAccounts   *self,
                                                       const char        *name,
                                                       GError           **error);
/* By name, case-insensitively. */
GPtrArray        *tribuna_accounts_list               (TribunaAccounts   *self,
                                                       GError           **error);
guint             tribuna_accounts_count              (TribunaAccounts   *self);
/* Refused (LAST_ADMIN) when it would leave no administrator. */
gboolean          tribuna_accounts_set_role           (TribunaAccounts   *self,
                                                       const char        *name,
                                                       TribunaRole        role,
                                                       GError           **error);
/* Also ends every browser login of the account: whoever knew the old password is out. */
gboolean          tribuna_accounts_set_password_hash  (TribunaAccounts   *self,
                                                       const char        *name,
                                                       const char        *password_hash,
                                                       GError           **error);
/* With its tokens and logins. Refused (LAST_ADMIN) for the last administrator. */
gboolean          tribuna_accounts_delete             (TribunaAccounts   *self,
                                                       const char        *name,
                                                       GError           **error);

/* API tokens for scripts: the token is returned once ("trb_" and 43 characters) and only
 * its digest is kept. check_token() returns the account, or NULL (NOT_FOUND). */
char             *tribuna_accounts_create_token       (TribunaAccounts   *self,
                                                       const char        *account,
                                                       const char        *label,
                                                       gint64            *id,
                                                       GError           **error);
TribunaAccount   *tribuna_accounts_check_token        (TribunaAccounts   *self,
                                                       const char        *token,
                                                       GError           **error);
GPtrArray        *tribuna_accounts_list_tokens        (TribunaAccounts   *self,
                                                       GError           **error);
gboolean          tribuna_accounts_delete_token       (TribunaAccounts   *self,
                                                       gint64             id,
                                                       GError           **error);

/* Browser logins: the cookie value is returned (and only its digest kept), with the CSRF
 * token in @csrf_token. check_login() is NULL (NOT_FOUND) for an unknown, ended or
 * expired login; expired ones are removed as they are met. */
char             *tribuna_accounts_create_login       (TribunaAccounts   *self,
                                                       const char        *account,
                                                       gint64             lifetime_us,
                                                       char             **csrf_token,
                                                       GError           **error);
TribunaLogin     *tribuna_accounts_check_login        (TribunaAccounts   *self,
                                                       const char        *cookie,
                                                       GError           **error);
gboolean          tribuna_accounts_delete_login       (TribunaAccounts   *self,
                                                       const char        *cookie,
                                                       GError           **error);

/* Destinations created through the API, in the order they were created. */
gboolean          tribuna_accounts_add_destination    (TribunaAccounts   *self,
                                                       const TribunaStoredDestination *destination,
                                                       GError           **error);
GPtrArray        *tribuna_accounts_list_destinations  (TribunaAccounts   *self,
                                                       GError           **error);
TribunaStoredDestination *tribuna_accounts_get_destination (TribunaAccounts *self,
                                                            const char      *name,
                                                            GError         **error);
/* Replaces every field but the name and creation time. */
gboolean          tribuna_accounts_update_destination (TribunaAccounts   *self,
                                                       const TribunaStoredDestination *destination,
                                                       GError           **error);
gboolean          tribuna_accounts_delete_destination (TribunaAccounts   *self,
                                                       const char        *name,
                                                       GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaAccount, tribuna_account_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaApiToken, tribuna_api_token_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaLogin, tribuna_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaStoredDestination, tribuna_stored_destination_free)

G_END_DECLS
