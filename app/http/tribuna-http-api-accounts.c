/* tribuna-http-api-accounts.c: logging in and out, staff accounts and API tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Password hashes cost 64 MiB and a fraction of a second on purpose, so they run in a
 * worker thread, at most TRIBUNA_HTTP_MAX_HASHING at once, with the request paused: the
 * main loop keeps the engine, the recorder and the other clients going meanwhile.
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "tribuna-http-private.h"

#define MAX_LABEL_CHARS 200

static void
set_time (JsonObject *object,
          const char *member,
          gint64      wall_us)
{
  g_autofree char *text = _tribuna_http_iso_time (wall_us);

  if (text != NULL)
    json_object_set_string_member (object, member, text);
  else
    json_object_set_null_member (object, member);
}

static JsonObject *
account_json (const TribunaAccount *account)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", account->name);
  json_object_set_string_member (object, "role", tribuna_role_to_code (account->role));
  set_time (object, "created", account->created_us);
  return object;
}

static void
respond_account (TribunaHttpRequest   *request,
                 guint                 status,
                 const TribunaAccount *account)
{
  g_autoptr(JsonObject) object = account_json (account);

  _tribuna_http_respond_object (request, status, object);
}

/* Password work in a thread */

typedef struct {
  TribunaHttpRequest *request;
  TribunaHttpAuth    *auth;       /* for the decoy hash */
  char               *name;
  char               *password;
  char               *hash;       /* verify: the stored one (NULL: unknown account); hash: out */
  gboolean            has_role;
  TribunaRole         role;
  gboolean            verified;
  GError             *error;
} PasswordWork;

static void
password_work_free (PasswordWork *work)
{
  if (work->password != NULL)
    sodium_memzero (work->password, strlen (work->password));
  g_free (work->password);
  g_free (work->name);
  g_free (work->hash);
  g_clear_object (&work->auth);
  g_clear_error (&work->error);
  g_free (work);
}

static void
verify_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PasswordWork *work = task_data;

  /* An unknown account costs the same time as a known one: timing tells no names. */
  if (work->hash == NULL)
    {
      tribuna_accounts_verify_password (tribuna_http_auth_get_decoy_hash (work->auth),
                                        work->password);
      work->verified = FALSE;
    }
  else
    work->verified = tribuna_accounts_verify_password (work->hash, work->password);

  g_task_return_boolean (task, TRUE);
}

static void
hash_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PasswordWork *work = task_data;

  work->hash = tribuna_accounts_hash_password (work->password, &work->error);
  g_task_return_boolean (task, TRUE);
}

static gboolean
check_capacity (TribunaHttpRequest *request)
{
  if (request->server->n_hashing < TRIBUNA_HTTP_MAX_HASHING)
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                "Retry-After", "1");
  _tribuna_http_respond_error (request, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy",
                               "other logins are being checked; try again in a second");
  return FALSE;
}

/* Takes @work; the request is paused until @done has answered it. */
static void
run_password_work (TribunaHttpRequest  *request,
                   PasswordWork        *work,
                   GTaskThreadFunc      func,
                   GAsyncReadyCallback  done)
{
  g_autoptr(GTask) task = g_task_new (request->server, NULL, done, work);

  work->request = request;
  request->server->n_hashing++;
  _tribuna_http_request_pause (request);
  g_task_set_task_data (task, work, NULL);
  g_task_run_in_thread (task, func);
}

static PasswordWork *
finish_password_work (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  TribunaHttpServer *server = TRIBUNA_HTTP_SERVER (source);

  g_task_propagate_boolean (G_TASK (result), NULL);
  server->n_hashing--;
  return user_data;
}

/* Logging in and out */

static char *
cookie_header (TribunaHttpServer *server,
               const char        *value,
               gint64             max_age_s)
{
  return g_strdup_printf (TRIBUNA_HTTP_COOKIE_NAME "=%s; Path=/; Max-Age=%" G_GINT64_FORMAT
                          "; HttpOnly; SameSite=Strict%s", value, max_age_s,
                          _tribuna_http_server_is_tls (server) ? "; Secure" : "");
}

static void
on_login_verified (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PasswordWork *work = finish_password_work (source, result, user_data);
  TribunaHttpRequest *request = work->request;
  TribunaHttpServer *server = request->server;
  const char *address = soup_server_message_get_remote_host (request->msg);
  g_autoptr(TribunaAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *header = NULL;
  g_autoptr(JsonObject) object = NULL;

  if (!work->verified)
    {
      tribuna_http_auth_login_failed (server->auth, work->name, address ? address : "unknown");
      g_message ("login refused for “%s” from %s", work->name, address ? address : "unknown");
      _tribuna_http_respond_error (request, SOUP_STATUS_UNAUTHORIZED, "bad-credentials",
                                   "wrong user name or password");
      goto out;
    }

  account = tribuna_accounts_lookup (server->accounts, work->name, &error);
  if (account != NULL)
    cookie = tribuna_accounts_create_login (server->accounts, account->name,
                                            TRIBUNA_ACCOUNTS_LOGIN_LIFETIME_US, &csrf, &error);
  if (cookie == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      goto out;
    }

  tribuna_http_auth_login_succeeded (server->auth, work->name);
  g_message ("%s logged in from %s", account->name, address ? address : "unknown");
  header = cookie_header (server, cookie, TRIBUNA_ACCOUNTS_LOGIN_LIFETIME_US / G_USEC_PER_SEC);
  soup_message_headers_append (soup_server_message_get_response_headers (request->msg),
                               "Set-Cookie", header);
  sodium_memzero (cookie, strlen (cookie));
  sodium_memzero (header, strlen (header));

  object = account_json (account);
  json_object_set_string_member (object, "csrf_token", csrf);
  set_time (object, "expires", g_get_real_time () + TRIBUNA_ACCOUNTS_LOGIN_LIFETIME_US);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);

out:
  _tribuna_http_request_resume (request);
  password_work_free (work);
}

static void
login (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "user", "password", NULL };
  TribunaHttpServer *server = request->server;
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  const char *address = soup_server_message_get_remote_host (request->msg);
  const char *user = NULL, *password = NULL;
  PasswordWork *work;
  guint retry_after = 0;

  if (body == NULL
      || !_tribuna_http_get_string (request, body, "user", TRUE, TRIBUNA_ACCOUNTS_MAX_NAME_CHARS,
                                    &user)
      || !_tribuna_http_get_string (request, body, "password", TRUE, 0, &password))
    return;
  if (strlen (password) > TRIBUNA_ACCOUNTS_MAX_PASSWORD_BYTES)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "the password is longer than 1024 bytes");
      return;
    }

  /* Checked before any hashing: a guesser waits without costing the box anything. */
  if (!tribuna_http_auth_login_allowed (server->auth, user, address ? address : "unknown",
                                        &retry_after))
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "Retry-After", seconds);
      _tribuna_http_respond_error (request, 429 /* Too Many Requests */, "too-many-attempts",
                                   "too many failed logins; try again in %u seconds",
                                   retry_after);
      return;
    }
  if (!check_capacity (request))
    return;

  work = g_new0 (PasswordWork, 1);
  work->auth = g_object_ref (server->auth);
  work->name = g_strdup (user);
  work->password = g_strdup (password);
  work->hash = tribuna_accounts_get_password_hash (server->accounts, user, NULL);
  run_password_work (request, work, verify_in_thread, on_login_verified);
}

static void
logout (TribunaHttpRequest *request)
{
  TribunaHttpCaller *caller = request->caller;
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, NULL);
  g_autofree char *header = NULL;

  if (body == NULL)
    return;
  if (caller->credential != TRIBUNA_HTTP_CREDENTIAL_COOKIE)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_BAD_REQUEST, "not-a-login",
                                   "only a browser login can log out; an API token is revoked "
                                   "with DELETE /api/v1/tokens/ID");
      return;
    }

  tribuna_accounts_delete_login (request->server->accounts, caller->cookie, NULL);
  header = cookie_header (request->server, "", 0);
  soup_message_headers_append (soup_server_message_get_response_headers (request->msg),
                               "Set-Cookie", header);
  _tribuna_http_respond_empty (request, SOUP_STATUS_NO_CONTENT);
}

static void
get_me (TribunaHttpRequest *request)
{
  TribunaHttpCaller *caller = request->caller;
  g_autoptr(JsonObject) object = account_json (caller->account);

  json_object_set_string_member (object, "credential",
                                 caller->credential == TRIBUNA_HTTP_CREDENTIAL_COOKIE ? "login"
                                                                                      : "token");
  /* A page that was reloaded gets its login's token back (the cookie cannot be read by
   * scripts, and another site cannot read this reply). */
  if (caller->login != NULL)
    {
      json_object_set_string_member (object, "csrf_token", caller->login->csrf_token);
      set_time (object, "expires", caller->login->expires_us);
    }
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* Accounts */

static void
list_accounts (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = tribuna_accounts_list (request->server->accounts, &error);
  g_autoptr(JsonObject) object = NULL;
  JsonArray *array;

  if (accounts == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  array = json_array_sized_new (accounts->len);
  for (guint i = 0; i < accounts->len; i++)
    json_array_add_object_element (array, account_json (g_ptr_array_index (accounts, i)));
  object = json_object_new ();
  json_object_set_array_member (object, "accounts", array);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
get_account (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAccount) account =
    tribuna_accounts_lookup (request->server->accounts, request->params[0], &error);

  if (account == NULL)
    _tribuna_http_respond_gerror (request, error);
  else
    respond_account (request, SOUP_STATUS_OK, account);
}

static gboolean
read_role (TribunaHttpRequest *request,
           JsonObject         *body,
           gboolean            required,
           gboolean           *present,
           TribunaRole        *role)
{
  const char *code = NULL;

  if (!_tribuna_http_get_string (request, body, "role", required, 16, &code))
    return FALSE;
  *present = code != NULL;
  if (code != NULL && !tribuna_role_from_code (code, role))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“role” must be admin, operator or editor");
      return FALSE;
    }

  return TRUE;
}

/* The store's rules for a name (NULL: not checked) and a password, answered with 422. */
static gboolean
check_rules (TribunaHttpRequest *request,
             const char         *name,
             const char         *password)
{
  g_autoptr(GError) error = NULL;

  if ((name != NULL && !tribuna_accounts_check_name (name, &error))
      || (password != NULL && !tribuna_accounts_check_password (password, &error)))
    {
      _tribuna_http_respond_gerror (request, error);
      return FALSE;
    }

  return TRUE;
}

static void
on_account_hashed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PasswordWork *work = finish_password_work (source, result, user_data);
  TribunaHttpRequest *request = work->request;
  TribunaAccounts *accounts = request->server->accounts;
  g_autoptr(TribunaAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if (work->hash == NULL)
    _tribuna_http_respond_gerror (request, work->error);
  else if ((account = tribuna_accounts_create (accounts, work->name, work->role, work->hash,
                                               &error)) == NULL)
    _tribuna_http_respond_gerror (request, error);
  else
    {
      g_message ("account “%s” (%s) created by %s", account->name,
                 tribuna_role_to_code (account->role), _tribuna_http_request_get_user (request));
      respond_account (request, SOUP_STATUS_CREATED, account);
    }

  _tribuna_http_request_resume (request);
  password_work_free (work);
}

static void
create_account (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "name", "role", "password", NULL };
  TribunaAccounts *accounts = request->server->accounts;
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(TribunaAccount) existing = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL, *password = NULL;
  TribunaRole role = TRIBUNA_ROLE_EDITOR;
  gboolean has_role;
  PasswordWork *work;

  if (body == NULL
      || !_tribuna_http_get_string (request, body, "name", TRUE, 0, &name)
      || !read_role (request, body, TRUE, &has_role, &role)
      || !_tribuna_http_get_string (request, body, "password", TRUE, 0, &password)
      || !check_rules (request, name, password))
    return;

  /* Said before the hash is paid for. */
  existing = tribuna_accounts_lookup (accounts, name, NULL);
  if (existing != NULL)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "exists",
                                   "there is already an account named “%s”", existing->name);
      return;
    }
  if (!check_capacity (request))
    return;

  work = g_new0 (PasswordWork, 1);
  work->name = g_strdup (name);
  work->password = g_strdup (password);
  work->role = role;
  run_password_work (request, work, hash_in_thread, on_account_hashed);
}

/* Role and password together: either both change or neither does. */
static void
apply_account_change (TribunaHttpRequest *request,
                      PasswordWork       *work)
{
  TribunaAccounts *accounts = request->server->accounts;
  g_autoptr(TribunaAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if ((work->has_role && !tribuna_accounts_set_role (accounts, work->name, work->role, &error))
      || (work->hash != NULL
          && !tribuna_accounts_set_password_hash (accounts, work->name, work->hash, &error))
      || (account = tribuna_accounts_lookup (accounts, work->name, &error)) == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  g_message ("account “%s” changed by %s%s%s", account->name,
             _tribuna_http_request_get_user (request), work->has_role ? " (role)" : "",
             work->hash != NULL ? " (password)" : "");
  respond_account (request, SOUP_STATUS_OK, account);
}

static void
on_change_hashed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PasswordWork *work = finish_password_work (source, result, user_data);
  TribunaHttpRequest *request = work->request;

  if (work->hash == NULL)
    _tribuna_http_respond_gerror (request, work->error);
  else
    apply_account_change (request, work);

  _tribuna_http_request_resume (request);
  password_work_free (work);
}

static void
update_account (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "role", "password", NULL };
  TribunaAccounts *accounts = request->server->accounts;
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(TribunaAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = NULL;
  PasswordWork *work;
  gboolean has_role = FALSE;
  TribunaRole role = TRIBUNA_ROLE_EDITOR;

  if (body == NULL
      || !read_role (request, body, FALSE, &has_role, &role)
      || !_tribuna_http_get_string (request, body, "password", FALSE, 0, &password)
      || !check_rules (request, NULL, password))
    return;

  account = tribuna_accounts_lookup (accounts, request->params[0], &error);
  if (account == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  work = g_new0 (PasswordWork, 1);
  work->name = g_strdup (account->name);
  work->has_role = has_role;
  work->role = role;
  if (password == NULL)
    {
      apply_account_change (request, work);
      password_work_free (work);
      return;
    }
  if (!check_capacity (request))
    {
      password_work_free (work);
      return;
    }

  work->password = g_strdup (password);
  run_password_work (request, work, hash_in_thread, on_change_hashed);
}

static void
delete_account (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!tribuna_accounts_delete (request->server->accounts, request->params[0], &error))
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  g_message ("account “%s” removed by %s", request->params[0],
             _tribuna_http_request_get_user (request));
  _tribuna_http_respond_empty (request, SOUP_STATUS_NO_CONTENT);
}

/* API tokens */

static void
list_tokens (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = tribuna_accounts_list_tokens (request->server->accounts, &error);
  g_autoptr(JsonObject) object = NULL;
  JsonArray *array;

  if (tokens == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  array = json_array_sized_new (tokens->len);
  for (guint i = 0; i < tokens->len; i++)
    {
      const TribunaApiToken *token = g_ptr_array_index (tokens, i);
      JsonObject *item = json_object_new ();

      json_object_set_int_member (item, "id", token->id);
      json_object_set_string_member (item, "account", token->account);
      if (token->label != NULL)
        json_object_set_string_member (item, "label", token->label);
      else
        json_object_set_null_member (item, "label");
      set_time (item, "created", token->created_us);
      set_time (item, "last_used", token->last_used_us);
      json_array_add_object_element (array, item);
    }
  object = json_object_new ();
  json_object_set_array_member (object, "tokens", array);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
create_token (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "account", "label", NULL };
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *token = NULL;
  const char *account = NULL, *label = NULL;
  gint64 id = 0;

  if (body == NULL
      || !_tribuna_http_get_string (request, body, "account", FALSE,
                                    TRIBUNA_ACCOUNTS_MAX_NAME_CHARS, &account)
      || !_tribuna_http_get_string (request, body, "label", FALSE, MAX_LABEL_CHARS, &label))
    return;
  if (account == NULL)
    account = _tribuna_http_request_get_user (request);

  token = tribuna_accounts_create_token (request->server->accounts, account, label, &id, &error);
  if (token == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  g_message ("API token %" G_GINT64_FORMAT " for “%s” created by %s", id, account,
             _tribuna_http_request_get_user (request));
  object = json_object_new ();
  json_object_set_int_member (object, "id", id);
  json_object_set_string_member (object, "account", account);
  if (label != NULL)
    json_object_set_string_member (object, "label", label);
  else
    json_object_set_null_member (object, "label");
  /* The only time it is shown: only its digest is kept. */
  json_object_set_string_member (object, "token", token);
  _tribuna_http_respond_object (request, SOUP_STATUS_CREATED, object);
  sodium_memzero (token, strlen (token));
}

static void
delete_token (TribunaHttpRequest *request)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!_tribuna_http_get_id (request, request->params[0], "API token", &id))
    return;

  if (!tribuna_accounts_delete_token (request->server->accounts, id, &error))
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  g_message ("API token %" G_GINT64_FORMAT " revoked by %s", id,
             _tribuna_http_request_get_user (request));
  _tribuna_http_respond_empty (request, SOUP_STATUS_NO_CONTENT);
}

static const TribunaHttpRoute routes[] = {
  { "POST", "login", TRIBUNA_HTTP_ACCESS_PUBLIC, login, 0 },
  { "POST", "logout", TRIBUNA_HTTP_ACCESS_READ, logout, 0 },
  { "GET", "me", TRIBUNA_HTTP_ACCESS_READ, get_me, 0 },
  { "GET", "accounts", TRIBUNA_HTTP_ACCESS_ADMIN, list_accounts, 0 },
  { "POST", "accounts", TRIBUNA_HTTP_ACCESS_ADMIN, create_account, 0 },
  { "GET", "accounts/:name", TRIBUNA_HTTP_ACCESS_ADMIN, get_account, 0 },
  { "PATCH", "accounts/:name", TRIBUNA_HTTP_ACCESS_ADMIN, update_account, 0 },
  { "DELETE", "accounts/:name", TRIBUNA_HTTP_ACCESS_ADMIN, delete_account, 0 },
  { "GET", "tokens", TRIBUNA_HTTP_ACCESS_ADMIN, list_tokens, 0 },
  { "POST", "tokens", TRIBUNA_HTTP_ACCESS_ADMIN, create_token, 0 },
  { "DELETE", "tokens/:id", TRIBUNA_HTTP_ACCESS_ADMIN, delete_token, 0 },
  { NULL }
};

const TribunaHttpRoute *
_tribuna_http_accounts_routes (void)
{
  return routes;
}
