/* tribuna-http-server.h: the appliance on the network: the JSON API over TribunaEngine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-accounts.h"
#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_HTTP_ERROR (tribuna_http_error_quark ())

typedef enum {
  TRIBUNA_HTTP_ERROR_ADDRESS,   /* not an IP address and port */
  TRIBUNA_HTTP_ERROR_TLS,       /* the certificate or key cannot be loaded */
  TRIBUNA_HTTP_ERROR_LISTEN,    /* the port is taken, or not ours to take */
} TribunaHttpError;

#define TRIBUNA_TYPE_HTTP_SERVER (tribuna_http_server_get_type ())
G_DECLARE_FINAL_TYPE (TribunaHttpServer, tribuna_http_server, TRIBUNA, HTTP_SERVER, GObject)

GQuark             tribuna_http_error_quark          (void);

/* Puts the destinations created through the API (kept in @accounts) back into @engine, so
 * they survive restarts; one that cannot be added is logged and skipped. */
TribunaHttpServer *tribuna_http_server_new           (TribunaEngine      *engine,
                                                      TribunaAccounts    *accounts);
/* @address is an IP address; @port 0 takes any free port (tests). With @tls_certificate
 * and @tls_key (PEM files) it serves HTTPS only. */
gboolean           tribuna_http_server_listen        (TribunaHttpServer  *self,
                                                      const char         *address,
                                                      guint               port,
                                                      const char         *tls_certificate,
                                                      const char         *tls_key,
                                                      GError            **error);
/* The port listened on, 0 before listen(); "http://127.0.0.1:8080" or "https://…". */
guint              tribuna_http_server_get_port      (TribunaHttpServer  *self);
char              *tribuna_http_server_get_url       (TribunaHttpServer  *self);
TribunaEngine     *tribuna_http_server_get_engine    (TribunaHttpServer  *self);
TribunaAccounts   *tribuna_http_server_get_accounts  (TribunaHttpServer  *self);
/* Ends every open event stream and closes every connection. */
void               tribuna_http_server_stop          (TribunaHttpServer  *self);

/* "127.0.0.1:8080", "[::1]:8080"; the port from 1 to 65535. */
gboolean           tribuna_http_parse_address        (const char         *text,
                                                      char              **address,
                                                      guint              *port,
                                                      GError            **error);

G_END_DECLS
