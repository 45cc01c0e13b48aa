/* tribuna-http-server.c: the SoupServer, the router, and who may call what
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One handler sees every request. The public pages ("/", "/static/…", "/live/…") go to
 * tribuna-http-public.c, the only place that serves files, each by a name it knows. For the
 * API, the path is split into segments and each is decoded on its own (the server keeps
 * raw paths), so an encoded "/" stays inside its segment and "." or ".." segments are
 * refused outright: no route may ever be reached through a path that does not spell it. Then: the route (404, or 405 with
 * Allow), the caller (token or cookie), the role (401, 403), the CSRF token for a
 * state-changing request made with a cookie (403), and only then the handler. Body sizes
 * are checked as soon as the headers are in (413), before the body is stored.
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <string.h>

#include "tribuna-http-private.h"
#include "tribuna-ts-index.h"

G_DEFINE_FINAL_TYPE (TribunaHttpServer, tribuna_http_server, G_TYPE_OBJECT)
G_DEFINE_QUARK (tribuna-http-error-quark, tribuna_http_error)

/* Keys shorter than this are not scrubbed from replies: they would mangle ordinary text,
 * and no streaming service hands out keys that short. */
#define MIN_SCRUBBED_KEY 4

typedef const TribunaHttpRoute *(*RoutesFunc) (void);

static const RoutesFunc route_tables[] = {
  _tribuna_http_status_routes,
  _tribuna_http_destinations_routes,
  _tribuna_http_control_routes,
  _tribuna_http_sessions_routes,
  _tribuna_http_accounts_routes,
  _tribuna_http_public_routes,
  _tribuna_http_archive_routes,
  _tribuna_http_clips_routes,
  _tribuna_http_sources_routes,
};

/* Secrets */

void
_tribuna_http_server_refresh_secrets (TribunaHttpServer *self)
{
  TribunaConfig *engine_config = tribuna_engine_get_config (self->engine);
  GPtrArray *configured = tribuna_config_get_destinations (engine_config);
  g_autoptr(GPtrArray) stored = tribuna_accounts_list_destinations (self->accounts, NULL);

  g_ptr_array_set_size (self->secrets, 0);
  for (guint i = 0; i < configured->len; i++)
    {
      const TribunaDestinationConfig *config = g_ptr_array_index (configured, i);

      if (config->url->key != NULL && strlen (config->url->key) >= MIN_SCRUBBED_KEY)
        g_ptr_array_add (self->secrets, g_strdup (config->url->key));
    }
  for (guint i = 0; stored != NULL && i < stored->len; i++)
    {
      const TribunaStoredDestination *destination = g_ptr_array_index (stored, i);

      if (destination->key != NULL && strlen (destination->key) >= MIN_SCRUBBED_KEY)
        g_ptr_array_add (self->secrets, g_strdup (destination->key));
    }
}

/* The last line of defence: whatever a reply was built from, no stream key leaves. */
void
_tribuna_http_server_scrub (TribunaHttpServer *self,
                            GString           *text)
{
  for (guint i = 0; i < self->secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (self->secrets, i);

      if (strstr (text->str, secret) != NULL)
        {
          g_autofree char *mask = tribuna_mask_secret (secret);

          g_string_replace (text, secret, mask, 0);
        }
    }
}

gboolean
_tribuna_http_server_is_tls (TribunaHttpServer *self)
{
  return self->tls;
}

/* Requests */

static void
on_message_finished (SoupServerMessage  *msg,
                     TribunaHttpRequest *request)
{
  request->gone = TRUE;
}

void
_tribuna_http_request_free (TribunaHttpRequest *request)
{
  if (request == NULL)
    return;

  g_clear_signal_handler (&request->finished_id, request->msg);
  g_clear_object (&request->msg);
  g_clear_object (&request->server);
  g_clear_pointer (&request->query, g_hash_table_unref);
  for (guint i = 0; i < TRIBUNA_HTTP_MAX_PARAMS; i++)
    g_free (request->params[i]);
  g_clear_pointer (&request->caller, tribuna_http_caller_free);
  g_free (request);
}

void
_tribuna_http_request_pause (TribunaHttpRequest *request)
{
  g_assert (!request->paused);

  request->paused = TRUE;
  request->finished_id = g_signal_connect (request->msg, "finished",
                                           G_CALLBACK (on_message_finished), request);
  soup_server_message_pause (request->msg);
}

void
_tribuna_http_request_resume (TribunaHttpRequest *request)
{
  g_assert (request->paused);

  if (!request->gone)
    soup_server_message_unpause (request->msg);
  _tribuna_http_request_free (request);
}

const char *
_tribuna_http_request_get_user (TribunaHttpRequest *request)
{
  return request->caller->account ? request->caller->account->name : NULL;
}

const char *
_tribuna_http_request_get_query (TribunaHttpRequest *request,
                                 const char         *name)
{
  return request->query ? g_hash_table_lookup (request->query, name) : NULL;
}

/* Routing */

/* The segments below /api/v1, each decoded; NULL with @status set for a path that is
 * not ours (404) or that no client should send (400). */
static GStrv
split_path (const char *path,
            guint      *status)
{
  g_auto(GStrv) raw = NULL;
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (g_free);

  if (!g_str_has_prefix (path, TRIBUNA_HTTP_API_PREFIX "/"))
    {
      *status = SOUP_STATUS_NOT_FOUND;
      return NULL;
    }

  raw = g_strsplit (path + strlen (TRIBUNA_HTTP_API_PREFIX "/"), "/", -1);
  for (guint i = 0; raw[i] != NULL; i++)
    {
      /* NULL for a bad escape, an encoded NUL or an encoded "/". */
      char *segment = g_uri_unescape_segment (raw[i], NULL, "/");

      if (segment == NULL || g_str_equal (segment, ".") || g_str_equal (segment, "..")
          || strchr (segment, '\\') != NULL || !g_utf8_validate (segment, -1, NULL))
        {
          g_free (segment);
          *status = SOUP_STATUS_BAD_REQUEST;
          return NULL;
        }
      g_ptr_array_add (segments, segment);
    }
  g_ptr_array_add (segments, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&segments), FALSE);
}

static gboolean
route_matches (const TribunaHttpRoute  *route,
               char                   **segments,
               char                   **params)
{
  g_auto(GStrv) pattern = g_strsplit (route->pattern, "/", -1);
  guint n_params = 0;

  if (g_strv_length (pattern) != g_strv_length (segments))
    return FALSE;

  for (guint i = 0; pattern[i] != NULL; i++)
    {
      if (pattern[i][0] == ':')
        {
          if (segments[i][0] == '\0')
            return FALSE;
          if (params != NULL && n_params < TRIBUNA_HTTP_MAX_PARAMS)
            params[n_params] = g_strdup (segments[i]);
          n_params++;
        }
      else if (!g_str_equal (pattern[i], segments[i]))
        return FALSE;
    }

  return TRUE;
}

/* The route for the method, or NULL with the methods the path allows in @allow (empty when
 * no route has the path). */
static const TribunaHttpRoute *
find_route (const char  *method,
            char       **segments,
            GString     *allow)
{
  for (guint t = 0; t < G_N_ELEMENTS (route_tables); t++)
    {
      for (const TribunaHttpRoute *route = route_tables[t] (); route->pattern != NULL; route++)
        {
          if (!route_matches (route, segments, NULL))
            continue;
          if (g_str_equal (route->method, method))
            return route;
          if (strstr (allow->str, route->method) == NULL)
            g_string_append_printf (allow, "%s%s", allow->len ? ", " : "", route->method);
        }
    }

  return NULL;
}

static const TribunaHttpRoute *
route_for_message (SoupServerMessage  *msg,
                   GStrv              *segments_out,
                   guint              *status,
                   GString            *allow)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  g_auto(GStrv) segments = split_path (path, status);
  const TribunaHttpRoute *route;

  if (segments == NULL)
    return NULL;

  route = find_route (soup_server_message_get_method (msg), segments, allow);
  if (route == NULL)
    *status = allow->len > 0 ? SOUP_STATUS_METHOD_NOT_ALLOWED : SOUP_STATUS_NOT_FOUND;
  if (segments_out != NULL)
    *segments_out = g_steal_pointer (&segments);
  return route;
}

static void
respond_routing_error (TribunaHttpServer *self,
                       SoupServerMessage *msg,
                       guint              status,
                       GString           *allow)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (status == SOUP_STATUS_METHOD_NOT_ALLOWED)
    {
      g_autofree char *message = g_strdup_printf ("%s is not allowed here; allowed: %s",
                                                  soup_server_message_get_method (msg),
                                                  allow->str);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    allow->str);
      _tribuna_http_set_error_response (self, msg, status, "method-not-allowed", message);
    }
  else if (status == SOUP_STATUS_BAD_REQUEST)
    _tribuna_http_set_error_response (self, msg, status, "bad-path",
                                      "the path has an invalid escape, an encoded “/” or NUL, "
                                      "a backslash, or a “.” or “..” segment");
  else if (g_str_has_prefix (path, TRIBUNA_HTTP_API_PREFIX "/") || g_str_equal (path, "/api/v1"))
    _tribuna_http_set_error_response (self, msg, status, "not-found",
                                      "there is no such API endpoint; see docs/api.md");
  else
    _tribuna_http_set_error_response (self, msg, status, "not-found", "there is nothing here");
}

/* Body limits, once the headers are in */

typedef struct {
  TribunaHttpServer *server;   /* not a reference: the server outlives its messages */
  gsize              limit;
  gsize              received;
} BodyCount;

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              BodyCount         *count)
{
  TribunaHttpServer *self = count->server;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  count->received += g_bytes_get_size (chunk);
  if (count->received <= count->limit || soup_server_message_get_status (msg) != 0)
    return;

  /* A chunked body that grew past the limit: stop storing it; the rest is read and
   * dropped, and the handler never runs. */
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  _tribuna_http_set_error_response (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
                                    "the request body is larger than this endpoint accepts");
}

static void
early_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  TribunaHttpServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GString) allow = g_string_new (NULL);
  const TribunaHttpRoute *route;
  goffset length;
  guint status = 0;
  gsize limit;
  char message[128];
  BodyCount *count;

  route = route_for_message (msg, NULL, &status, allow);
  limit = route && route->max_body ? route->max_body : TRIBUNA_HTTP_MAX_JSON_BYTES;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      length = soup_message_headers_get_content_length (headers);
      if (length < 0 || (guint64) length <= limit)
        return;

      /* Answered at once; the body that follows is read and dropped, never stored. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      g_snprintf (message, sizeof message, "the request body is larger than %" G_GSIZE_FORMAT
                  " bytes", limit);
      _tribuna_http_set_error_response (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                        "too-large", message);
      return;
    }

  count = g_new0 (BodyCount, 1);
  count->server = self;
  count->limit = limit;
  g_signal_connect_data (msg, "got-chunk", G_CALLBACK (on_got_chunk), count,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
}

/* Who may call */

static gboolean
is_safe_method (const char *method)
{
  return g_str_equal (method, "GET") || g_str_equal (method, "HEAD");
}

static gboolean
check_access (TribunaHttpRequest     *request,
              const TribunaHttpRoute *route)
{
  TribunaHttpCaller *caller = request->caller;

  if (route->access == TRIBUNA_HTTP_ACCESS_PUBLIC)
    return TRUE;

  if (caller->account == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "WWW-Authenticate", "Bearer realm=\"tribuna\"");
      _tribuna_http_respond_error (request, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "%s",
                                   caller->error_message ? caller->error_message
                                   : "log in (POST /api/v1/login) or send an API token "
                                     "(Authorization: Bearer …)");
      return FALSE;
    }

  if (!tribuna_http_role_allows (caller->account->role, route->access))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_FORBIDDEN, "forbidden",
                                   "the account “%s” (%s) may not do this; it needs %s",
                                   caller->account->name,
                                   tribuna_role_to_code (caller->account->role),
                                   tribuna_http_access_to_string (route->access));
      return FALSE;
    }

  /* A cookie goes with every request the browser makes, whoever wrote the page; the CSRF
   * token only goes with requests our own page makes. */
  if (caller->credential == TRIBUNA_HTTP_CREDENTIAL_COOKIE && !is_safe_method (request->method)
      && !tribuna_http_auth_check_csrf (request->server->auth, caller, request->msg))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_FORBIDDEN, "csrf",
                                   "a state-changing request made with a login cookie needs "
                                   "the login's CSRF token in the " TRIBUNA_HTTP_CSRF_HEADER
                                   " header");
      return FALSE;
    }

  return TRUE;
}

static void
handler (SoupServer        *soup,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  TribunaHttpServer *self = user_data;
  g_autoptr(GString) allow = g_string_new (NULL);
  g_auto(GStrv) segments = NULL;
  const TribunaHttpRoute *route;
  TribunaHttpRequest *request;
  guint status = 0;

  if (_tribuna_http_public_handle (self, msg))
    return;

  route = route_for_message (msg, &segments, &status, allow);
  if (route == NULL)
    {
      respond_routing_error (self, msg, status, allow);
      g_debug ("%s %s: %u", soup_server_message_get_method (msg),
               g_uri_get_path (soup_server_message_get_uri (msg)), status);
      return;
    }

  request = g_new0 (TribunaHttpRequest, 1);
  request->server = g_object_ref (self);
  request->msg = g_object_ref (msg);
  request->method = soup_server_message_get_method (msg);
  request->query = query ? g_hash_table_ref (query) : NULL;
  route_matches (route, segments, request->params);
  request->caller = tribuna_http_auth_identify (self->auth, msg);

  if (check_access (request, route))
    route->handler (request);

  /* The path can hold a destination name, never a key; bodies and headers are not logged. */
  g_debug ("%s %s (%s): %u", request->method, g_uri_get_path (soup_server_message_get_uri (msg)),
           request->caller->account ? request->caller->account->name : "anonymous",
           soup_server_message_get_status (msg));

  if (!request->paused)
    _tribuna_http_request_free (request);
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    TribunaHttpServer *self)
{
  _tribuna_http_add_security_headers (msg, self->tls);
}

/* GObject */

static void
tribuna_http_server_dispose (GObject *object)
{
  TribunaHttpServer *self = (TribunaHttpServer *) object;

  tribuna_http_server_stop (self);
  _tribuna_http_clips_clear (self);
  g_clear_object (&self->events);
  g_clear_object (&self->public_events);
  g_clear_pointer (&self->assets, g_hash_table_unref);
  g_clear_object (&self->soup);
  g_clear_object (&self->auth);
  g_clear_object (&self->accounts);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (tribuna_http_server_parent_class)->dispose (object);
}

static void
tribuna_http_server_finalize (GObject *object)
{
  TribunaHttpServer *self = (TribunaHttpServer *) object;

  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_clear_pointer (&self->ts_indexes, g_hash_table_unref);
  g_mutex_clear (&self->ts_indexes_lock);

  G_OBJECT_CLASS (tribuna_http_server_parent_class)->finalize (object);
}

static void
tribuna_http_server_class_init (TribunaHttpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tribuna_http_server_dispose;
  object_class->finalize = tribuna_http_server_finalize;
}

static void
tribuna_http_server_init (TribunaHttpServer *self)
{
  self->secrets = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->ts_indexes_lock);
  self->ts_indexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) tribuna_ts_index_free);
}

TribunaHttpServer *
tribuna_http_server_new (TribunaEngine   *engine,
                         TribunaAccounts *accounts)
{
  TribunaHttpServer *self;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (accounts), NULL);

  self = g_object_new (TRIBUNA_TYPE_HTTP_SERVER, NULL);
  self->engine = g_object_ref (engine);
  self->accounts = g_object_ref (accounts);
  self->auth = tribuna_http_auth_new (accounts);
  self->events = tribuna_http_events_new (engine, _tribuna_http_format_event, self);
  _tribuna_http_public_init (self);

  /* Raw paths: segments are decoded one by one here, so "%2F" cannot split a name. */
  self->soup = soup_server_new ("server-header", "Tribuna", "raw-paths", TRUE, NULL);
  g_signal_connect_object (self->soup, "request-started", G_CALLBACK (on_request_started), self,
                           0);
  soup_server_add_early_handler (self->soup, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler, self, NULL);

  _tribuna_http_restore_destinations (self);
  _tribuna_http_server_refresh_secrets (self);

  return self;
}

gboolean
tribuna_http_server_listen (TribunaHttpServer  *self,
                            const char         *address,
                            guint               port,
                            const char         *tls_certificate,
                            const char         *tls_key,
                            GError            **error)
{
  g_autoptr(GInetAddress) inet_address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  SoupServerListenOptions options = 0;
  GSList *uris;

  g_return_val_if_fail (TRIBUNA_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (port <= 65535, FALSE);
  g_return_val_if_fail ((tls_certificate == NULL) == (tls_key == NULL), FALSE);

  inet_address = g_inet_address_new_from_string (address);
  if (inet_address == NULL)
    {
      g_set_error (error, TRIBUNA_HTTP_ERROR, TRIBUNA_HTTP_ERROR_ADDRESS,
                   "“%s” is not an IP address; allowed: 127.0.0.1, 0.0.0.0, ::1, ::", address);
      return FALSE;
    }

  if (tls_certificate != NULL)
    {
      g_autoptr(GTlsCertificate) certificate =
        g_tls_certificate_new_from_files (tls_certificate, tls_key, &local_error);

      if (certificate == NULL)
        {
          g_set_error (error, TRIBUNA_HTTP_ERROR, TRIBUNA_HTTP_ERROR_TLS,
                       "cannot load the TLS certificate %s with its key %s: %s",
                       tls_certificate, tls_key, local_error->message);
          return FALSE;
        }
      soup_server_set_tls_certificate (self->soup, certificate);
      options |= SOUP_SERVER_LISTEN_HTTPS;
      self->tls = TRUE;
    }

  socket_address = g_inet_socket_address_new (inet_address, port);
  if (!soup_server_listen (self->soup, socket_address, options, &local_error))
    {
      g_set_error (error, TRIBUNA_HTTP_ERROR, TRIBUNA_HTTP_ERROR_LISTEN,
                   "cannot listen on %s port %u: %s", address, port, local_error->message);
      return FALSE;
    }

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    self->port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

guint
tribuna_http_server_get_port (TribunaHttpServer *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HTTP_SERVER (self), 0);

  return self->port;
}

char *
tribuna_http_server_get_url (TribunaHttpServer *self)
{
  GSList *uris;
  char *url = NULL;

  g_return_val_if_fail (TRIBUNA_IS_HTTP_SERVER (self), NULL);

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    {
      g_autofree char *text = g_uri_to_string (uris->data);

      /* Without the trailing "/", so a path can be appended. */
      url = g_strndup (text, strlen (text) - (g_str_has_suffix (text, "/") ? 1 : 0));
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return url;
}

TribunaEngine *
tribuna_http_server_get_engine (TribunaHttpServer *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HTTP_SERVER (self), NULL);

  return self->engine;
}

TribunaAccounts *
tribuna_http_server_get_accounts (TribunaHttpServer *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HTTP_SERVER (self), NULL);

  return self->accounts;
}

void
tribuna_http_server_stop (TribunaHttpServer *self)
{
  g_return_if_fail (TRIBUNA_IS_HTTP_SERVER (self));

  if (self->events != NULL)
    tribuna_http_events_close_all (self->events);
  if (self->public_events != NULL)
    tribuna_http_events_close_all (self->public_events);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  self->port = 0;
}

gboolean
tribuna_http_parse_address (const char  *text,
                            char       **address,
                            guint       *port,
                            GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet_address = NULL;
  const char *colon;
  guint64 number;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (address != NULL && port != NULL, FALSE);

  colon = strrchr (text, ':');
  if (colon == NULL)
    goto bad;

  if (text[0] == '[')
    {
      if (colon == text || colon[-1] != ']')
        goto bad;
      host = g_strndup (text + 1, colon - text - 2);
    }
  else
    host = g_strndup (text, colon - text);

  /* "::1:8080" is ambiguous: IPv6 addresses go in brackets. */
  if (text[0] != '[' && strchr (host, ':') != NULL)
    goto bad;

  inet_address = g_inet_address_new_from_string (host);
  if (inet_address == NULL
      || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &number, NULL))
    goto bad;

  *address = g_steal_pointer (&host);
  *port = (guint) number;
  return TRUE;

bad:
  g_set_error (error, TRIBUNA_HTTP_ERROR, TRIBUNA_HTTP_ERROR_ADDRESS,
               "“%s” is not ADDRESS:PORT; allowed: an IP address and a port from 1 to 65535, "
               "e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080", text);
  return FALSE;
}
