/* tribuna-http-auth.h: who is asking: bearer tokens, login cookies, roles, login throttling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tribuna-accounts.h"

G_BEGIN_DECLS

#define TRIBUNA_HTTP_COOKIE_NAME  "tribuna_session"
#define TRIBUNA_HTTP_CSRF_HEADER  "X-CSRF-Token"

/* What a route needs. Anonymous visitors reach only PUBLIC routes. */
typedef enum {
  TRIBUNA_HTTP_ACCESS_PUBLIC,
  TRIBUNA_HTTP_ACCESS_READ,      /* any account */
  TRIBUNA_HTTP_ACCESS_EDIT,      /* editor, operator, admin: session metadata, agendas */
  TRIBUNA_HTTP_ACCESS_CONTROL,   /* operator, admin: on air, recording, markers */
  TRIBUNA_HTTP_ACCESS_ADMIN,     /* admin: accounts, tokens, destinations */
} TribunaHttpAccess;

typedef enum {
  TRIBUNA_HTTP_CREDENTIAL_NONE,
  TRIBUNA_HTTP_CREDENTIAL_COOKIE,
  TRIBUNA_HTTP_CREDENTIAL_BEARER,
} TribunaHttpCredential;

/* Failures before a login is refused for a while, and for how long at first; each further
 * failure doubles the wait, up to the maximum. Failures older than the window are forgotten. */
#define TRIBUNA_HTTP_LOGIN_ACCOUNT_LIMIT   5
#define TRIBUNA_HTTP_LOGIN_ADDRESS_LIMIT   10
#define TRIBUNA_HTTP_LOGIN_BACKOFF_S       30
#define TRIBUNA_HTTP_LOGIN_MAX_BACKOFF_S   (15 * 60)
#define TRIBUNA_HTTP_LOGIN_WINDOW_S        (15 * 60)

/**
 * TribunaHttpCaller: the outcome of reading a request's credentials.
 * @account: the account, %NULL for an anonymous caller
 * @login: for a cookie, the login (with its CSRF token)
 * @cookie: the cookie value, to end the login on logout
 * @error_message: why credentials that were given are not accepted (then @account is NULL)
 */
typedef struct {
  TribunaHttpCredential  credential;
  TribunaAccount        *account;
  TribunaLogin          *login;
  char                  *cookie;
  char                  *error_message;
} TribunaHttpCaller;

void               tribuna_http_caller_free          (TribunaHttpCaller  *self);

const char        *tribuna_http_access_to_string     (TribunaHttpAccess   access);
gboolean           tribuna_http_role_allows          (TribunaRole         role,
                                                      TribunaHttpAccess   access);

#define TRIBUNA_TYPE_HTTP_AUTH (tribuna_http_auth_get_type ())
G_DECLARE_FINAL_TYPE (TribunaHttpAuth, tribuna_http_auth, TRIBUNA, HTTP_AUTH, GObject)

TribunaHttpAuth   *tribuna_http_auth_new             (TribunaAccounts    *accounts);

/* "Authorization: Bearer …" first, else the login cookie; never fails: an unknown token
 * or an ended login gives an anonymous caller with @error_message set. */
TribunaHttpCaller *tribuna_http_auth_identify        (TribunaHttpAuth    *self,
                                                      SoupServerMessage  *msg);
/* Whether the CSRF header of @msg matches the caller's login (constant time). */
gboolean           tribuna_http_auth_check_csrf      (TribunaHttpAuth    *self,
                                                      TribunaHttpCaller  *caller,
                                                      SoupServerMessage  *msg);

/* Login throttling, per account name (case-insensitive) and per client address. allowed()
 * is FALSE while either must wait, with the seconds left in @retry_after_s. */
gboolean           tribuna_http_auth_login_allowed   (TribunaHttpAuth    *self,
                                                      const char         *account,
                                                      const char         *address,
                                                      guint              *retry_after_s);
void               tribuna_http_auth_login_failed    (TribunaHttpAuth    *self,
                                                      const char         *account,
                                                      const char         *address);
void               tribuna_http_auth_login_succeeded (TribunaHttpAuth    *self,
                                                      const char         *account);

/* A hash to verify unknown accounts against, so that they take as long as known ones. */
const char        *tribuna_http_auth_get_decoy_hash  (TribunaHttpAuth    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaHttpCaller, tribuna_http_caller_free)

G_END_DECLS
