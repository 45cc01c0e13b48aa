/* tribuna-http-json.c: replies, errors, and reading JSON request bodies strictly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <string.h>

#include "tribuna-agenda.h"
#include "tribuna-http-private.h"
#include "tribuna-timeline.h"

/* The API serves JSON only: nothing in a reply may run, frame or load anything. The
 * public pages (later) get their own, looser policy. */
#define API_CSP "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

void
_tribuna_http_add_security_headers (SoupServerMessage *msg,
                                    gboolean           tls)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Content-Security-Policy", API_CSP);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cross-Origin-Resource-Policy", "same-origin");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (tls)
    soup_message_headers_replace (headers, "Strict-Transport-Security", "max-age=31536000");
}

static void
set_body (TribunaHttpServer *server,
          SoupServerMessage *msg,
          guint              status,
          const char        *content_type,
          GString           *body)
{
  gsize length;

  /* Headers set when the request started may have been reset (after "100 Continue"). */
  _tribuna_http_add_security_headers (msg, _tribuna_http_server_is_tls (server));
  _tribuna_http_server_scrub (server, body);
  /* libsoup 3.2 has no phrase for 429. */
  soup_server_message_set_status (msg, status, status == 429 ? "Too Many Requests" : NULL);
  length = body->len;
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE,
                                    g_string_free (body, FALSE), length);
}

static GString *
error_body (const char *code,
            const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  return g_string_new (text);
}

void
_tribuna_http_set_error_response (TribunaHttpServer *server,
                                  SoupServerMessage *msg,
                                  guint              status,
                                  const char        *code,
                                  const char        *message)
{
  set_body (server, msg, status, "application/json", error_body (code, message));
}

/* A string member, or null where there is none. */
void
_tribuna_http_set_string_or_null (JsonObject *object,
                                  const char *member,
                                  const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

void
_tribuna_http_respond_json (TribunaHttpRequest *request,
                            guint               status,
                            JsonNode           *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  set_body (request->server, request->msg, status, "application/json", g_string_new (text));
}

void
_tribuna_http_respond_object (TribunaHttpRequest *request,
                              guint               status,
                              JsonObject         *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  _tribuna_http_respond_json (request, status, node);
}

void
_tribuna_http_respond_text (TribunaHttpRequest *request,
                            guint               status,
                            const char         *content_type,
                            const char         *text)
{
  set_body (request->server, request->msg, status, content_type, g_string_new (text));
}

void
_tribuna_http_respond_empty (TribunaHttpRequest *request,
                             guint               status)
{
  _tribuna_http_add_security_headers (request->msg,
                                      _tribuna_http_server_is_tls (request->server));
  soup_server_message_set_status (request->msg, status, NULL);
}

void
_tribuna_http_respond_error (TribunaHttpRequest *request,
                             guint               status,
                             const char         *code,
                             const char         *format,
                             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  _tribuna_http_set_error_response (request->server, request->msg, status, code, message);
}

typedef struct {
  guint       status;
  const char *code;
} ErrorClass;

static ErrorClass
classify (const GError *error)
{
  if (error->domain == TRIBUNA_ENGINE_ERROR)
    {
      switch ((TribunaEngineError) error->code)
        {
        case TRIBUNA_ENGINE_ERROR_NOT_RUNNING:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "not-running" };
        case TRIBUNA_ENGINE_ERROR_NO_DESTINATION:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "no-destination" };
        case TRIBUNA_ENGINE_ERROR_UNKNOWN_DESTINATION:
          return (ErrorClass) { SOUP_STATUS_NOT_FOUND, "not-found" };
        case TRIBUNA_ENGINE_ERROR_DUPLICATE_DESTINATION:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "exists" };
        case TRIBUNA_ENGINE_ERROR_SESSION:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "session-state" };
        case TRIBUNA_ENGINE_ERROR_AGENDA:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "agenda" };
        case TRIBUNA_ENGINE_ERROR_UNKNOWN_SOURCE:
          return (ErrorClass) { SOUP_STATUS_NOT_FOUND, "not-found" };
        case TRIBUNA_ENGINE_ERROR_VALUE:
          return (ErrorClass) { SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid" };
        case TRIBUNA_ENGINE_ERROR_DUPLICATE_SOURCE:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "exists" };
        case TRIBUNA_ENGINE_ERROR_RECORDING:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "no-recording" };
        default:
          break;
        }
    }
  else if (error->domain == TRIBUNA_ARCHIVE_ERROR)
    {
      switch ((TribunaArchiveError) error->code)
        {
        case TRIBUNA_ARCHIVE_ERROR_NOT_FOUND:
          return (ErrorClass) { SOUP_STATUS_NOT_FOUND, "not-found" };
        case TRIBUNA_ARCHIVE_ERROR_INVALID:
          return (ErrorClass) { SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid" };
        case TRIBUNA_ARCHIVE_ERROR_STATE:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "session-state" };
        case TRIBUNA_ARCHIVE_ERROR_BUSY:
          return (ErrorClass) { SOUP_STATUS_SERVICE_UNAVAILABLE, "busy" };
        default:
          break;
        }
    }
  else if (error->domain == TRIBUNA_AGENDA_ERROR)
    {
      if (error->code == TRIBUNA_AGENDA_ERROR_TOO_LARGE)
        return (ErrorClass) { SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large" };
      return (ErrorClass) { SOUP_STATUS_UNPROCESSABLE_ENTITY, "agenda" };
    }
  else if (error->domain == TRIBUNA_TIMELINE_ERROR)
    return (ErrorClass) { SOUP_STATUS_CONFLICT, "no-chapters" };
  else if (error->domain == TRIBUNA_RTMP_URL_ERROR || error->domain == TRIBUNA_CONFIG_ERROR)
    return (ErrorClass) { SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid" };
  else if (error->domain == TRIBUNA_RECORDER_ERROR)
    {
      if (error->code == TRIBUNA_RECORDER_ERROR_DISK_FULL)
        return (ErrorClass) { SOUP_STATUS_INSUFFICIENT_STORAGE, "disk-full" };
    }
  else if (error->domain == TRIBUNA_ACCOUNTS_ERROR)
    {
      switch ((TribunaAccountsError) error->code)
        {
        case TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND:
          return (ErrorClass) { SOUP_STATUS_NOT_FOUND, "not-found" };
        case TRIBUNA_ACCOUNTS_ERROR_EXISTS:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "exists" };
        case TRIBUNA_ACCOUNTS_ERROR_INVALID:
          return (ErrorClass) { SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid" };
        case TRIBUNA_ACCOUNTS_ERROR_LAST_ADMIN:
          return (ErrorClass) { SOUP_STATUS_CONFLICT, "last-admin" };
        default:
          break;
        }
    }

  return (ErrorClass) { SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal" };
}

void
_tribuna_http_respond_gerror (TribunaHttpRequest *request,
                              const GError       *error)
{
  ErrorClass class = classify (error);

  /* What went wrong inside is for the journal; the message is already free of keys (the
   * engine masks them, and the reply is scrubbed once more). */
  if (class.status >= 500)
    g_warning ("%s %s: %s", request->method,
               g_uri_get_path (soup_server_message_get_uri (request->msg)), error->message);

  _tribuna_http_set_error_response (request->server, request->msg, class.status, class.code,
                                    error->message);
}

/* Request bodies */

static gboolean
is_json_type (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

JsonObject *
_tribuna_http_read_object (TribunaHttpRequest *request,
                           const char * const *allowed)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root;
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (length == 0)
    return json_object_new ();

  /* A form post from another site cannot send this type without the browser asking first. */
  if (!is_json_type (request->msg))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                   "unsupported-media-type",
                                   "the request body must be JSON, sent as "
                                   "Content-Type: application/json");
      return NULL;
    }

  if (!g_utf8_validate (data, length, NULL) || memchr (data, '\0', length) != NULL
      || !json_parser_load_from_data (parser, data, length, &error))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_BAD_REQUEST, "malformed-json",
                                   "the request body is not valid JSON%s%s",
                                   error ? ": " : "", error ? error->message : "");
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type",
                                   "the request body must be a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      /* A misspelt member would otherwise be silently ignored. */
      if (allowed == NULL || !g_strv_contains (allowed, l->data))
        {
          g_autofree char *list = allowed ? g_strjoinv (", ", (char **) allowed) : NULL;

          _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                                       "unknown-member", "unknown member “%s”; allowed: %s",
                                       (const char *) l->data, list ? list : "none");
          return NULL;
        }
    }

  return json_object_ref (object);
}

static JsonNode *
get_member (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
missing (TribunaHttpRequest *request,
         const char         *member)
{
  _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "missing",
                               "“%s” is required", member);
  return FALSE;
}

gboolean
_tribuna_http_get_string (TribunaHttpRequest  *request,
                          JsonObject          *object,
                          const char          *member,
                          gboolean             required,
                          guint                max_chars,
                          const char         **out)
{
  JsonNode *node = get_member (object, member);
  const char *value;

  if (node == NULL)
    return required ? missing (request, member) : TRUE;

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type",
                                   "“%s” must be a string", member);
      return FALSE;
    }

  value = json_node_get_string (node);
  if (max_chars > 0 && g_utf8_strlen (value, -1) > max_chars)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“%s” is longer than %u characters", member, max_chars);
      return FALSE;
    }
  if (required && *value == '\0')
    return missing (request, member);

  *out = value;
  return TRUE;
}

gboolean
_tribuna_http_get_boolean (TribunaHttpRequest *request,
                           JsonObject         *object,
                           const char         *member,
                           gboolean            required,
                           gboolean           *out,
                           gboolean           *present)
{
  JsonNode *node = get_member (object, member);

  if (present != NULL)
    *present = node != NULL;
  if (node == NULL)
    return required ? missing (request, member) : TRUE;

  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type",
                                   "“%s” must be true or false", member);
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
_tribuna_http_get_id (TribunaHttpRequest *request,
                      const char         *text,
                      const char         *what,
                      gint64             *out)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                                   "there is no %s “%s”; ids are whole numbers from 1", what,
                                   text ? text : "");
      return FALSE;
    }

  *out = (gint64) value;
  return TRUE;
}
