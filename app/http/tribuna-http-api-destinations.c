/* tribuna-http-api-destinations.c: RTMP destinations: list, create, start, stop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Destinations of tribuna.conf (and tribunad --stream) stay as the file says: the API
 * reads them and starts or stops them, never changes them. Destinations created here are
 * kept, key included, in the secrets file and put back into the engine at every start. The
 * key is write-only: no reply carries it, only the masked URL.
 *
 * A disabled API destination is kept out of the engine altogether, so that going on air
 * cannot start it; enabling it adds it. Changing an enabled one takes it out of the engine
 * and puts the new one in (back on air if it was); deleting one takes it off air first.
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <string.h>

#include "tribuna-http-private.h"

#define MAX_NAME_CHARS 64
#define MAX_URL_CHARS  2048

/* "rtmp://host:port/application": what the store keeps beside the key. */
static char *
base_url (const TribunaRtmpUrl *url)
{
  gboolean v6 = strchr (url->host, ':') != NULL;

  return g_strdup_printf ("%s://%s%s%s:%u/%s", url->scheme, v6 ? "[" : "", url->host,
                          v6 ? "]" : "", url->port, url->application);
}

static TribunaDestinationConfig *
stored_to_config (const TribunaStoredDestination  *stored,
                  GError                         **error)
{
  g_autoptr(TribunaRtmpUrl) url = tribuna_rtmp_url_parse (stored->url, stored->key, error);

  if (url == NULL)
    return NULL;

  return tribuna_destination_config_new (stored->name, url, stored->enabled, stored->tls_verify);
}

static gboolean
is_configured (TribunaHttpServer *server,
               const char        *name)
{
  TribunaConfig *engine_config = tribuna_engine_get_config (server->engine);
  GPtrArray *configured = tribuna_config_get_destinations (engine_config);

  for (guint i = 0; i < configured->len; i++)
    {
      const TribunaDestinationConfig *config = g_ptr_array_index (configured, i);

      if (g_str_equal (config->name, name))
        return TRUE;
    }

  return FALSE;
}

gboolean
_tribuna_http_destination_is_stored (TribunaHttpServer *server,
                                     const char        *name,
                                     gboolean          *enabled)
{
  g_autoptr(TribunaStoredDestination) stored = NULL;

  /* The config's wins when both have the name (see restore below). */
  if (is_configured (server, name))
    return FALSE;

  stored = tribuna_accounts_get_destination (server->accounts, name, NULL);
  if (stored != NULL && enabled != NULL)
    *enabled = stored->enabled;
  return stored != NULL;
}

void
_tribuna_http_restore_destinations (TribunaHttpServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = tribuna_accounts_list_destinations (server->accounts, &error);

  if (stored == NULL)
    {
      g_warning ("the destinations saved through the API cannot be read: %s", error->message);
      return;
    }

  for (guint i = 0; i < stored->len; i++)
    {
      const TribunaStoredDestination *destination = g_ptr_array_index (stored, i);
      g_autoptr(TribunaDestinationConfig) config = NULL;
      g_autoptr(GError) local_error = NULL;

      if (is_configured (server, destination->name))
        {
          g_warning ("destination “%s” is both in the config and saved through the API; the "
                     "config's is used", destination->name);
          continue;
        }
      /* Already there: a second server over the same engine. */
      if (!destination->enabled
          || tribuna_engine_find_destination (server->engine, destination->name) != NULL)
        continue;

      config = stored_to_config (destination, &local_error);
      if (config == NULL
          || tribuna_engine_add_destination (server->engine, config, &local_error) == NULL)
        {
          g_autofree char *message = tribuna_redact (local_error->message, destination->key);

          g_warning ("destination “%s” saved through the API cannot be restored: %s",
                     destination->name, message);
        }
    }
}

/* JSON of a disabled API destination, which the engine does not hold. */
static JsonObject *
stored_json (const TribunaStoredDestination *stored)
{
  JsonObject *object = json_object_new ();
  g_autoptr(TribunaRtmpUrl) url = tribuna_rtmp_url_parse (stored->url, stored->key, NULL);
  g_autofree char *masked = url ? tribuna_rtmp_url_to_masked (url) : tribuna_mask_url (stored->url);

  json_object_set_string_member (object, "name", stored->name);
  json_object_set_string_member (object, "url", masked);
  json_object_set_string_member (object, "origin", "api");
  json_object_set_boolean_member (object, "enabled", stored->enabled);
  json_object_set_string_member (object, "state", "disabled");
  json_object_set_boolean_member (object, "wanted", FALSE);
  return object;
}

static JsonObject *
describe (TribunaHttpServer *server,
          const char        *name)
{
  TribunaDestination *destination = tribuna_engine_find_destination (server->engine, name);
  g_autoptr(TribunaStoredDestination) stored = NULL;

  if (destination != NULL)
    return _tribuna_http_destination_json (server, destination);

  stored = tribuna_accounts_get_destination (server->accounts, name, NULL);
  return stored ? stored_json (stored) : NULL;
}

static void
not_found (TribunaHttpRequest *request,
           const char         *name)
{
  _tribuna_http_respond_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                               "there is no destination named “%s”", name);
}

static void
list_destinations (TribunaHttpRequest *request)
{
  TribunaHttpServer *server = request->server;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GPtrArray) stored = tribuna_accounts_list_destinations (server->accounts, NULL);
  JsonArray *array = _tribuna_http_destinations_json (server);

  for (guint i = 0; stored != NULL && i < stored->len; i++)
    {
      const TribunaStoredDestination *destination = g_ptr_array_index (stored, i);

      if (tribuna_engine_find_destination (server->engine, destination->name) == NULL
          && !is_configured (server, destination->name))
        json_array_add_object_element (array, stored_json (destination));
    }

  json_object_set_array_member (object, "destinations", array);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
get_destination (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) object = describe (request->server, request->params[0]);

  if (object == NULL)
    not_found (request, request->params[0]);
  else
    _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* The name goes into URLs (/destinations/NAME/start), one path segment. */
static gboolean
check_name (TribunaHttpRequest *request,
            const char         *name)
{
  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_iscntrl (*p) || *p == '/' || *p == '\\')
        {
          _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                       "“name” contains a control character, “/” or “\\”");
          return FALSE;
        }
    }
  if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“name” cannot be “.” or “..”");
      return FALSE;
    }

  return TRUE;
}

/* Adds it to the engine when enabled; the reply describes it. */
static void
install (TribunaHttpRequest             *request,
         const TribunaStoredDestination *stored,
         guint                           status)
{
  TribunaHttpServer *server = request->server;
  g_autoptr(TribunaDestinationConfig) config = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  _tribuna_http_server_refresh_secrets (server);

  if (stored->enabled)
    {
      config = stored_to_config (stored, &error);
      if (config == NULL
          || tribuna_engine_add_destination (server->engine, config, &error) == NULL)
        {
          _tribuna_http_respond_gerror (request, error);
          return;
        }
    }

  object = describe (server, stored->name);
  _tribuna_http_respond_object (request, status, object);
}

static void
create_destination (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "name", "url", "key", "enabled", "tls_verify", NULL };
  TribunaHttpServer *server = request->server;
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autoptr(TribunaStoredDestination) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  const char *name = NULL, *url_text = NULL, *key = NULL;
  gboolean enabled = TRUE, tls_verify = TRUE;

  if (body == NULL
      || !_tribuna_http_get_string (request, body, "name", TRUE, MAX_NAME_CHARS, &name)
      || !_tribuna_http_get_string (request, body, "url", TRUE, MAX_URL_CHARS, &url_text)
      || !_tribuna_http_get_string (request, body, "key", FALSE, MAX_URL_CHARS, &key)
      || !_tribuna_http_get_boolean (request, body, "enabled", FALSE, &enabled, NULL)
      || !_tribuna_http_get_boolean (request, body, "tls_verify", FALSE, &tls_verify, NULL)
      || !check_name (request, name))
    return;

  if (tribuna_engine_find_destination (server->engine, name) != NULL
      || is_configured (server, name))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "exists",
                                   "there is already a destination named “%s”", name);
      return;
    }

  url = tribuna_rtmp_url_parse (url_text, key && *key ? key : NULL, &error);
  if (url == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }
  if (url->key == NULL || *url->key == '\0')
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "the destination has no stream key: give “key”, or the URL "
                                   "with the key as its last segment");
      return;
    }

  base = base_url (url);
  stored = tribuna_stored_destination_new (name, base, url->key, enabled, tls_verify);
  if (!tribuna_accounts_add_destination (server->accounts, stored, &error))
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  /* Not the URL: tribuna_redact() keeps even a masked one out of the journal. */
  g_message ("destination “%s” created by %s", name, _tribuna_http_request_get_user (request));
  install (request, stored, SOUP_STATUS_CREATED);
  if (soup_server_message_get_status (request->msg) >= 400)
    tribuna_accounts_delete_destination (server->accounts, name, NULL);
}

/* Config destinations cannot change here; API ones can. Answers and returns NULL when
 * the change cannot be made. */
static TribunaStoredDestination *
changeable (TribunaHttpRequest *request,
            const char         *name,
            const char         *what)
{
  TribunaHttpServer *server = request->server;
  TribunaStoredDestination *stored;

  if (is_configured (server, name))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "read-only",
                                   "destination “%s” is defined in tribuna.conf (or by tribunad "
                                   "--stream): %s it there and restart tribunad", name, what);
      return NULL;
    }

  stored = tribuna_accounts_get_destination (server->accounts, name, NULL);
  if (stored == NULL)
    {
      not_found (request, name);
      return NULL;
    }

  return stored;
}

static void
update_destination (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "url", "key", "enabled", "tls_verify", NULL };
  TribunaHttpServer *server = request->server;
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(TribunaStoredDestination) stored = NULL;
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autoptr(GError) error = NULL;
  const char *url_text = NULL, *key = NULL;
  TribunaDestination *held;
  gboolean was_wanted;

  if (body == NULL)
    return;

  stored = changeable (request, request->params[0], "change");
  if (stored == NULL
      || !_tribuna_http_get_string (request, body, "url", FALSE, MAX_URL_CHARS, &url_text)
      || !_tribuna_http_get_string (request, body, "key", FALSE, MAX_URL_CHARS, &key)
      || !_tribuna_http_get_boolean (request, body, "enabled", FALSE, &stored->enabled, NULL)
      || !_tribuna_http_get_boolean (request, body, "tls_verify", FALSE, &stored->tls_verify,
                                     NULL))
    return;

  /* A new URL alone (given without a key) keeps the key; a new key alone keeps the URL. */
  url = tribuna_rtmp_url_parse (url_text ? url_text : stored->url,
                                key && *key ? key : stored->key, &error);
  if (url == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  g_free (stored->url);
  stored->url = base_url (url);
  g_free (stored->key);
  stored->key = g_strdup (url->key);

  if (!tribuna_accounts_update_destination (server->accounts, stored, &error))
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  /* The engine's copy goes; the new one (when enabled) takes its place, and
   * goes back on air if the old one was. */
  held = tribuna_engine_find_destination (server->engine, stored->name);
  was_wanted = held != NULL && tribuna_destination_get_wanted (held);
  if (held != NULL)
    tribuna_engine_remove_destination (server->engine, stored->name, NULL);

  g_message ("destination “%s” changed by %s", stored->name,
             _tribuna_http_request_get_user (request));
  install (request, stored, SOUP_STATUS_OK);
  if (was_wanted && stored->enabled && soup_server_message_get_status (request->msg) < 400)
    tribuna_engine_start_destination (server->engine, stored->name, NULL);

  /* The engine refused it: saved as disabled, so the next start does not try again. */
  if (soup_server_message_get_status (request->msg) >= 400 && stored->enabled)
    {
      stored->enabled = FALSE;
      tribuna_accounts_update_destination (server->accounts, stored, NULL);
    }
}

static void
delete_destination (TribunaHttpRequest *request)
{
  g_autoptr(TribunaStoredDestination) stored = changeable (request, request->params[0], "remove");
  g_autoptr(GError) error = NULL;

  if (stored == NULL)
    return;

  /* Off air (a clean unpublish) before it is forgotten. */
  if (tribuna_engine_find_destination (request->server->engine, stored->name) != NULL)
    tribuna_engine_remove_destination (request->server->engine, stored->name, NULL);

  if (!tribuna_accounts_delete_destination (request->server->accounts, stored->name, &error))
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  g_message ("destination “%s” removed by %s", stored->name,
             _tribuna_http_request_get_user (request));
  _tribuna_http_server_refresh_secrets (request->server);
  _tribuna_http_respond_empty (request, SOUP_STATUS_NO_CONTENT);
}

static void
start_or_stop (TribunaHttpRequest *request,
               gboolean            start)
{
  TribunaEngine *engine = request->server->engine;
  const char *name = request->params[0];
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, NULL);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (body == NULL)
    return;

  if (tribuna_engine_find_destination (engine, name) == NULL)
    {
      g_autoptr(TribunaStoredDestination) stored =
        tribuna_accounts_get_destination (request->server->accounts, name, NULL);

      if (stored != NULL && !is_configured (request->server, name))
        _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "disabled",
                                     "destination “%s” is disabled; enable it first "
                                     "(PATCH with {\"enabled\": true})", name);
      else
        not_found (request, name);
      return;
    }

  ok = start ? tribuna_engine_start_destination (engine, name, &error)
             : tribuna_engine_stop_destination (engine, name, &error);
  if (!ok)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  object = describe (request->server, name);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
start_destination (TribunaHttpRequest *request)
{
  start_or_stop (request, TRUE);
}

static void
stop_destination (TribunaHttpRequest *request)
{
  start_or_stop (request, FALSE);
}

static const TribunaHttpRoute routes[] = {
  { "GET", "destinations", TRIBUNA_HTTP_ACCESS_READ, list_destinations, 0 },
  { "POST", "destinations", TRIBUNA_HTTP_ACCESS_ADMIN, create_destination, 0 },
  { "GET", "destinations/:name", TRIBUNA_HTTP_ACCESS_READ, get_destination, 0 },
  { "PATCH", "destinations/:name", TRIBUNA_HTTP_ACCESS_ADMIN, update_destination, 0 },
  { "DELETE", "destinations/:name", TRIBUNA_HTTP_ACCESS_ADMIN, delete_destination, 0 },
  { "POST", "destinations/:name/start", TRIBUNA_HTTP_ACCESS_CONTROL, start_destination, 0 },
  { "POST", "destinations/:name/stop", TRIBUNA_HTTP_ACCESS_CONTROL, stop_destination, 0 },
  { NULL }
};

const TribunaHttpRoute *
_tribuna_http_destinations_routes (void)
{
  return routes;
}
