/* tribuna-http-auth.c: who is asking, what their role allows, and login throttling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "tribuna-http-auth.h"

/* Beyond this many throttled names and addresses the oldest are forgotten: a flood of
 * made-up names must not grow the table without bound. */
#define MAX_THROTTLE_ENTRIES 4096

struct _TribunaHttpAuth
{
  GObject          parent_instance;

  TribunaAccounts *accounts;
  GHashTable      *throttle;     /* "account:name" or "address:1.2.3.4" → Throttle */
  char            *decoy_hash;
  GMutex           decoy_lock;   /* made on first use, from a worker thread */
};

typedef struct {
  guint  failures;
  gint64 first_failure_us;
  gint64 blocked_until_us;
} Throttle;

G_DEFINE_FINAL_TYPE (TribunaHttpAuth, tribuna_http_auth, G_TYPE_OBJECT)

void
tribuna_http_caller_free (TribunaHttpCaller *self)
{
  if (self == NULL)
    return;

  tribuna_account_free (self->account);
  tribuna_login_free (self->login);
  g_free (self->cookie);
  g_free (self->error_message);
  g_free (self);
}

const char *
tribuna_http_access_to_string (TribunaHttpAccess access)
{
  switch (access)
    {
    case TRIBUNA_HTTP_ACCESS_PUBLIC:
      return "nothing";
    case TRIBUNA_HTTP_ACCESS_READ:
      return "any account";
    case TRIBUNA_HTTP_ACCESS_EDIT:
      return "the editor, operator or admin role";
    case TRIBUNA_HTTP_ACCESS_CONTROL:
      return "the operator or admin role";
    case TRIBUNA_HTTP_ACCESS_ADMIN:
      return "the admin role";
    default:
      return "a role";
    }
}

gboolean
tribuna_http_role_allows (TribunaRole        role,
                          TribunaHttpAccess  access)
{
  switch (access)
    {
    case TRIBUNA_HTTP_ACCESS_PUBLIC:
    case TRIBUNA_HTTP_ACCESS_READ:
    case TRIBUNA_HTTP_ACCESS_EDIT:
      return TRUE;
    case TRIBUNA_HTTP_ACCESS_CONTROL:
      return role == TRIBUNA_ROLE_ADMIN || role == TRIBUNA_ROLE_OPERATOR;
    case TRIBUNA_HTTP_ACCESS_ADMIN:
      return role == TRIBUNA_ROLE_ADMIN;
    default:
      return FALSE;
    }
}

static void
tribuna_http_auth_finalize (GObject *object)
{
  TribunaHttpAuth *self = (TribunaHttpAuth *) object;

  g_clear_object (&self->accounts);
  g_clear_pointer (&self->throttle, g_hash_table_unref);
  g_clear_pointer (&self->decoy_hash, g_free);
  g_mutex_clear (&self->decoy_lock);

  G_OBJECT_CLASS (tribuna_http_auth_parent_class)->finalize (object);
}

static void
tribuna_http_auth_class_init (TribunaHttpAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tribuna_http_auth_finalize;
}

static void
tribuna_http_auth_init (TribunaHttpAuth *self)
{
  self->throttle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&self->decoy_lock);
}

TribunaHttpAuth *
tribuna_http_auth_new (TribunaAccounts *accounts)
{
  TribunaHttpAuth *self;

  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (accounts), NULL);

  self = g_object_new (TRIBUNA_TYPE_HTTP_AUTH, NULL);
  self->accounts = g_object_ref (accounts);
  return self;
}

/* Credentials */

static char *
bearer_token (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;

  return g_strstrip (g_strdup (value + 7));
}

static char *
session_cookie (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_list (headers, "Cookie");
  g_autoptr(GHashTable) cookies = NULL;
  const char *cookie;

  if (value == NULL)
    return NULL;

  cookies = soup_header_parse_semi_param_list (value);
  cookie = g_hash_table_lookup (cookies, TRIBUNA_HTTP_COOKIE_NAME);
  return cookie != NULL && *cookie != '\0' ? g_strdup (cookie) : NULL;
}

TribunaHttpCaller *
tribuna_http_auth_identify (TribunaHttpAuth   *self,
                            SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(TribunaHttpCaller) caller = g_new0 (TribunaHttpCaller, 1);
  g_autofree char *token = bearer_token (headers);
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_HTTP_AUTH (self), NULL);

  if (token != NULL)
    {
      caller->credential = TRIBUNA_HTTP_CREDENTIAL_BEARER;
      caller->account = tribuna_accounts_check_token (self->accounts, token, &error);
      if (token != NULL)
        sodium_memzero (token, strlen (token));
    }
  else if ((caller->cookie = session_cookie (headers)) != NULL)
    {
      caller->credential = TRIBUNA_HTTP_CREDENTIAL_COOKIE;
      caller->login = tribuna_accounts_check_login (self->accounts, caller->cookie, &error);
      if (caller->login != NULL)
        caller->account = tribuna_account_copy (caller->login->account);
    }

  if (caller->account == NULL && error != NULL)
    {
      caller->error_message = g_strdup (error->message);
      caller->credential = TRIBUNA_HTTP_CREDENTIAL_NONE;
    }

  return g_steal_pointer (&caller);
}

gboolean
tribuna_http_auth_check_csrf (TribunaHttpAuth   *self,
                              TribunaHttpCaller *caller,
                              SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *given = soup_message_headers_get_one (headers, TRIBUNA_HTTP_CSRF_HEADER);
  const char *expected;

  g_return_val_if_fail (TRIBUNA_IS_HTTP_AUTH (self), FALSE);

  if (caller->login == NULL || given == NULL)
    return FALSE;

  expected = caller->login->csrf_token;
  return strlen (given) == strlen (expected)
         && sodium_memcmp (given, expected, strlen (expected)) == 0;
}

/* Throttling */

static Throttle *
lookup (TribunaHttpAuth *self,
        const char      *kind,
        const char      *value,
        gboolean         create)
{
  g_autofree char *folded = g_ascii_strdown (value, -1);
  g_autofree char *key = g_strconcat (kind, ":", folded, NULL);
  Throttle *throttle = g_hash_table_lookup (self->throttle, key);
  gint64 now = g_get_real_time ();

  /* Failures long past no longer count against anyone. */
  if (throttle != NULL && throttle->blocked_until_us <= now
      && now - throttle->first_failure_us > TRIBUNA_HTTP_LOGIN_WINDOW_S * G_USEC_PER_SEC)
    {
      g_hash_table_remove (self->throttle, key);
      throttle = NULL;
    }

  if (throttle == NULL && create)
    {
      if (g_hash_table_size (self->throttle) >= MAX_THROTTLE_ENTRIES)
        g_hash_table_remove_all (self->throttle);
      throttle = g_new0 (Throttle, 1);
      throttle->first_failure_us = now;
      g_hash_table_insert (self->throttle, g_steal_pointer (&key), throttle);
    }

  return throttle;
}

static guint
wait_seconds (Throttle *throttle)
{
  gint64 left = throttle ? throttle->blocked_until_us - g_get_real_time () : 0;

  return left > 0 ? (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

gboolean
tribuna_http_auth_login_allowed (TribunaHttpAuth *self,
                                 const char      *account,
                                 const char      *address,
                                 guint           *retry_after_s)
{
  guint wait;

  g_return_val_if_fail (TRIBUNA_IS_HTTP_AUTH (self), FALSE);
  g_return_val_if_fail (account != NULL && address != NULL, FALSE);

  wait = MAX (wait_seconds (lookup (self, "account", account, FALSE)),
              wait_seconds (lookup (self, "address", address, FALSE)));
  if (retry_after_s != NULL)
    *retry_after_s = wait;
  return wait == 0;
}

static void
count_failure (Throttle *throttle,
               guint     limit)
{
  guint over;
  gint64 backoff_s;

  throttle->failures++;
  if (throttle->failures < limit)
    return;

  over = MIN (throttle->failures - limit, 16);
  backoff_s = MIN ((gint64) TRIBUNA_HTTP_LOGIN_BACKOFF_S << over, TRIBUNA_HTTP_LOGIN_MAX_BACKOFF_S);
  throttle->blocked_until_us = g_get_real_time () + backoff_s * G_USEC_PER_SEC;
}

void
tribuna_http_auth_login_failed (TribunaHttpAuth *self,
                                const char      *account,
                                const char      *address)
{
  g_return_if_fail (TRIBUNA_IS_HTTP_AUTH (self));
  g_return_if_fail (account != NULL && address != NULL);

  count_failure (lookup (self, "account", account, TRUE), TRIBUNA_HTTP_LOGIN_ACCOUNT_LIMIT);
  count_failure (lookup (self, "address", address, TRUE), TRIBUNA_HTTP_LOGIN_ADDRESS_LIMIT);
}

void
tribuna_http_auth_login_succeeded (TribunaHttpAuth *self,
                                   const char      *account)
{
  g_autofree char *folded = NULL;
  g_autofree char *key = NULL;

  g_return_if_fail (TRIBUNA_IS_HTTP_AUTH (self));
  g_return_if_fail (account != NULL);

  /* The address keeps its count: someone guessing many names from one place may also
   * know one password. */
  folded = g_ascii_strdown (account, -1);
  key = g_strconcat ("account:", folded, NULL);
  g_hash_table_remove (self->throttle, key);
}

const char *
tribuna_http_auth_get_decoy_hash (TribunaHttpAuth *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (TRIBUNA_IS_HTTP_AUTH (self), NULL);

  locker = g_mutex_locker_new (&self->decoy_lock);
  if (self->decoy_hash == NULL)
    {
      guchar bytes[24];
      g_autofree char *password = NULL;

      randombytes_buf (bytes, sizeof bytes);
      password = g_base64_encode (bytes, sizeof bytes);
      self->decoy_hash = tribuna_accounts_hash_password (password, NULL);
    }

  return self->decoy_hash;
}
