/* http-test.c: the HTTP API against the real engine, with a libsoup client on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One engine runs test sources in this process for the whole program, with nginx-rtmp as a
 * real destination and the server on 127.0.0.1 at a free port. Accounts of every role get
 * API tokens straight from the store (one password hash for all, to keep the run short);
 * logins, CSRF, expiry, throttling and the CLI are exercised through the API itself.
 *
 * Every reply body and header, every event-stream byte and every log line of the run is
 * kept, and the last test checks that no stream key is anywhere in them.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "test-utils.h"
#include "tribuna-accounts.h"
#include "tribuna-engine.h"
#include "tribuna-http-private.h"
#include "tribuna-http-server.h"
#include "tribuna-timeline.h"
#include "tribuna-ts-index.h"

#define PASSWORD        "kuvendi-2024-podujeve"
#define API_KEY         "APIKEY-Xq7Lm2Pz9T"
#define API_KEY_2       "APIKEY2-Wd3Rt6Yh0N"
#define CONFIG_KEY      "CONFIGKEY-r4nd0m-7731"
#define TIMEOUT_S       30

typedef struct {
  TribunaTestNginx  *nginx;
  char              *data_dir;
  TribunaEngine     *engine;
  TribunaAccounts   *accounts;
  TribunaHttpServer *server;
  SoupSession       *session;
  char              *base_url;
  char              *password_hash;
  char              *tokens[3];        /* by TribunaRole */
  GString           *seen;             /* every reply and event byte */
  GString           *logs;             /* every log line */
} World;

static World world;
static GMutex logs_lock;
static gboolean trust_any_certificate;

static const char *role_names[] = { "admin", "operator", "editor" };

/* Logs: kept, then written as usual */

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&logs_lock);

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE") && world.logs != NULL)
        {
          if (fields[i].length < 0)
            g_string_append (world.logs, fields[i].value);
          else
            g_string_append_len (world.logs, fields[i].value, fields[i].length);
          g_string_append_c (world.logs, '\n');
        }
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* The client */

typedef struct {
  guint        status;
  char        *body;
  gsize        length;
  SoupMessageHeaders *headers;
  JsonNode    *json;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

typedef struct {
  const char *method;
  const char *path;
  const char *token;          /* bearer */
  const char *cookie;
  const char *csrf;
  const char *content_type;
  const char *body;
  gssize      length;         /* -1: strlen */
  const char *base_url;       /* NULL: the world's server */
  SoupSession *session;
} Call;

typedef struct {
  GBytes  *bytes;
  GError  *error;
  gboolean done;
} Pending;

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;

  pending->bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                      &pending->error);
  pending->done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
remember_headers (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  g_string_append_printf (world.seen, "%s: %s\n", name, value);
}

static gboolean
accept_any (SoupMessage          *msg,
            GTlsCertificate      *certificate,
            GTlsCertificateFlags  errors,
            gpointer              user_data)
{
  return TRUE;
}

static Reply *
send_call (const Call *call)
{
  g_autofree char *url = g_strconcat (call->base_url ? call->base_url : world.base_url,
                                      call->path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (call->method, url);
  SoupMessageHeaders *headers;
  Pending pending = { 0 };
  Reply *reply = g_new0 (Reply, 1);
  const char *type;

  g_assert_nonnull (msg);
  if (trust_any_certificate)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  headers = soup_message_get_request_headers (msg);
  if (call->token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", call->token);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (call->cookie != NULL)
    {
      g_autofree char *value = g_strdup_printf (TRIBUNA_HTTP_COOKIE_NAME "=%s", call->cookie);

      soup_message_headers_replace (headers, "Cookie", value);
    }
  if (call->csrf != NULL)
    soup_message_headers_replace (headers, TRIBUNA_HTTP_CSRF_HEADER, call->csrf);
  if (call->body != NULL)
    {
      g_autoptr(GBytes) bytes =
        g_bytes_new (call->body, call->length >= 0 ? (gsize) call->length : strlen (call->body));

      soup_message_set_request_body_from_bytes (msg, call->content_type ? call->content_type
                                                                        : "application/json",
                                                bytes);
    }

  soup_session_send_and_read_async (call->session ? call->session : world.session, msg,
                                    G_PRIORITY_DEFAULT, NULL, on_sent, &pending);
  g_assert_true (tribuna_test_wait_until (is_true, &pending.done, TIMEOUT_S));
  g_assert_no_error (pending.error);

  reply->status = soup_message_get_status (msg);
  /* Bytes as they came (a video holds NULs), with a NUL after them for text. */
  reply->length = g_bytes_get_size (pending.bytes);
  reply->body = g_malloc (reply->length + 1);
  memcpy (reply->body, g_bytes_get_data (pending.bytes, NULL), reply->length);
  reply->body[reply->length] = '\0';
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  g_bytes_unref (pending.bytes);

  g_string_append_len (world.seen, reply->body, reply->length);
  soup_message_headers_foreach (reply->headers, remember_headers, NULL);

  type = soup_message_headers_get_content_type (reply->headers, NULL);
  if (type != NULL && g_str_equal (type, "application/json") && *reply->body != '\0')
    {
      g_autoptr(GError) error = NULL;

      reply->json = json_from_string (reply->body, &error);
      g_assert_no_error (error);
    }

  /* Never a crash, never a reply without the security headers. */
  g_assert_cmpuint (reply->status, !=, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "X-Content-Type-Options"), ==,
                   "nosniff");
  g_assert_nonnull (strstr (soup_message_headers_get_one (reply->headers,
                                                          "Content-Security-Policy"),
                            "frame-ancestors 'none'"));
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "X-Frame-Options"), ==, "DENY");
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Referrer-Policy"), ==,
                   "no-referrer");
  return reply;
}

/* A JSON call with a role's token (NULL: anonymous). */
static Reply *
api (const char *method,
     const char *path,
     const char *role,
     const char *body)
{
  Call call = { .method = method, .path = path, .body = body, .length = -1 };
  TribunaRole r;

  if (role != NULL)
    {
      g_assert_true (tribuna_role_from_code (role, &r));
      call.token = world.tokens[r];
    }
  return send_call (&call);
}

static JsonObject *
object_of (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static const char *
error_code (Reply *reply)
{
  JsonObject *error = json_object_get_object_member (object_of (reply), "error");

  g_assert_nonnull (error);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  return json_object_get_string_member (error, "code");
}

static void
assert_error (Reply      *reply,
              guint       status,
              const char *code)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, reply->body);
  g_assert_cmpstr (error_code (reply), ==, code);
}

static void
assert_status (Reply *reply,
               guint  status)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, reply->body);
}

/* The world */

static gboolean
program_running (gpointer data)
{
  return tribuna_engine_get_program_state (world.engine) == TRIBUNA_PROGRAM_RUNNING;
}

static void
world_setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaConfig) config = NULL;
  g_autofree char *text = NULL;

  world.seen = g_string_new (NULL);
  world.nginx = tribuna_test_nginx_start (FALSE, &error);
  g_assert_no_error (error);
  world.data_dir = tribuna_test_make_tmpdir ("tribuna-http-XXXXXX", &error);
  g_assert_no_error (error);

  /* The config's destination is disabled: on air starts only the API's. */
  text = g_strdup_printf ("[program]\nwidth=320\nheight=180\nframerate=15\nvideo-bitrate=300\n"
                          "encoder-preset=ultrafast\n"
                          "[recording]\nsegment-seconds=2\n"
                          "[source Salla]\nuri=test:smpte\n[source Foltorja]\nuri=test:ball\n"
                          "[source Mikrofoni]\nuri=tone:440\n"
                          "[destination Konfig]\nurl=rtmp://127.0.0.1:%u/live\nkey=" CONFIG_KEY
                          "\nenabled=false\n",
                          tribuna_test_nginx_get_rtmp_port (world.nginx));
  config = tribuna_config_new_from_data (text, "test.conf", world.data_dir, &error);
  g_assert_no_error (error);
  world.engine = tribuna_engine_new (config, world.data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_start (world.engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (program_running, NULL, TIMEOUT_S));

  world.accounts = tribuna_accounts_open (world.data_dir, &error);
  g_assert_no_error (error);
  world.password_hash = tribuna_accounts_hash_password (PASSWORD, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      g_autoptr(TribunaAccount) account =
        tribuna_accounts_create (world.accounts, role_names[i], (TribunaRole) i,
                                 world.password_hash, &error);

      g_assert_no_error (error);
      world.tokens[i] = tribuna_accounts_create_token (world.accounts, role_names[i], "test",
                                                       NULL, &error);
      g_assert_no_error (error);
    }

  world.server = tribuna_http_server_new (world.engine, world.accounts);
  g_assert_true (tribuna_http_server_listen (world.server, "127.0.0.1", 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_http_server_get_port (world.server), >, 0);
  world.base_url = tribuna_http_server_get_url (world.server);
  g_assert_true (g_str_has_prefix (world.base_url, "http://127.0.0.1:"));
  world.session = soup_session_new_with_options ("timeout", 60, NULL);
}

static void
on_shutdown (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  tribuna_engine_shutdown_finish (TRIBUNA_ENGINE (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
world_teardown (void)
{
  gboolean done = FALSE;

  g_clear_object (&world.session);
  tribuna_http_server_stop (world.server);
  g_clear_object (&world.server);
  tribuna_engine_shutdown_async (world.engine, NULL, on_shutdown, &done);
  tribuna_test_wait_until (is_true, &done, TIMEOUT_S);
  g_clear_object (&world.engine);
  g_clear_object (&world.accounts);
  tribuna_test_iterate_for (0.5);
  g_clear_pointer (&world.nginx, tribuna_test_nginx_free);
  tribuna_test_rm_rf (world.data_dir, NULL);
  g_clear_pointer (&world.data_dir, g_free);
  g_clear_pointer (&world.base_url, g_free);
  g_clear_pointer (&world.password_hash, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (world.tokens); i++)
    g_clear_pointer (&world.tokens[i], g_free);
}

/* Units: addresses, the [http] group, the secrets file */

static void
test_parse_address (void)
{
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  guint port = 0;
  const char *bad[] = { "8080", "localhost:8080", "127.0.0.1:0", "127.0.0.1:65536",
                        "127.0.0.1:", "::1:8080", "[::1]8080", "1.2.3.4:80x", ":80" };

  g_assert_true (tribuna_http_parse_address ("127.0.0.1:8080", &address, &port, &error));
  g_assert_cmpstr (address, ==, "127.0.0.1");
  g_assert_cmpuint (port, ==, 8080);
  g_clear_pointer (&address, g_free);
  g_assert_true (tribuna_http_parse_address ("[::1]:9000", &address, &port, &error));
  g_assert_cmpstr (address, ==, "::1");
  g_assert_cmpuint (port, ==, 9000);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *ignored = NULL;

      g_assert_false (tribuna_http_parse_address (bad[i], &ignored, &port, &error));
      g_assert_error (error, TRIBUNA_HTTP_ERROR, TRIBUNA_HTTP_ERROR_ADDRESS);
      g_clear_error (&error);
    }
}

static void
assert_config_error (const char *text,
                     const char *dir,
                     int         code,
                     const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaConfig) config = tribuna_config_new_from_data (text, "t.conf", dir, &error);

  g_assert_null (config);
  g_assert_error (error, TRIBUNA_CONFIG_ERROR, code);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, expected);
}

static void
test_config_http (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tribuna_test_make_tmpdir ("tribuna-http-conf-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "c.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "k.pem", NULL);
  g_autoptr(TribunaConfig) defaults = tribuna_config_new ();
  g_autoptr(TribunaConfig) config = NULL;

  g_assert_cmpstr (tribuna_config_get_http_address (defaults), ==, "127.0.0.1");
  g_assert_cmpuint (tribuna_config_get_http_port (defaults), ==, 8080);
  g_assert_null (tribuna_config_get_http_tls_certificate (defaults));

  g_assert_true (g_file_set_contents (cert, "cert", -1, &error));
  g_assert_true (g_file_set_contents_full (key, "key", -1, G_FILE_SET_CONTENTS_NONE, 0600,
                                           &error));
  config = tribuna_config_new_from_data ("[http]\naddress=::1\nport=8443\n"
                                         "tls-certificate=c.pem\ntls-key=k.pem\n", "t.conf", dir,
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tribuna_config_get_http_address (config), ==, "::1");
  g_assert_cmpuint (tribuna_config_get_http_port (config), ==, 8443);
  g_assert_cmpstr (tribuna_config_get_http_tls_certificate (config), ==, cert);
  g_assert_cmpstr (tribuna_config_get_http_tls_key (config), ==, key);

  assert_config_error ("[http]\naddress=example.org\n", dir, TRIBUNA_CONFIG_ERROR_VALUE,
                       "t.conf: [http] address: “example.org” is not an IP address");
  assert_config_error ("[http]\nport=0\n", dir, TRIBUNA_CONFIG_ERROR_VALUE,
                       "[http] port: 0 is out of range");
  assert_config_error ("[http]\nport=http\n", dir, TRIBUNA_CONFIG_ERROR_VALUE, "[http] port:");
  assert_config_error ("[http]\nbind=1\n", dir, TRIBUNA_CONFIG_ERROR_VALUE,
                       "[http] bind: unknown key");
  assert_config_error ("[http]\ntls-certificate=c.pem\n", dir, TRIBUNA_CONFIG_ERROR_VALUE,
                       "tls-certificate is set without tls-key");
  assert_config_error ("[http]\ntls-certificate=none.pem\ntls-key=k.pem\n", dir,
                       TRIBUNA_CONFIG_ERROR_VALUE, "[http] tls-certificate: cannot find");
  g_assert_cmpint (g_chmod (key, 0644), ==, 0);
  assert_config_error ("[http]\ntls-certificate=c.pem\ntls-key=k.pem\n", dir,
                       TRIBUNA_CONFIG_ERROR_SECRET, "[http] tls-key:");

  tribuna_test_rm_rf (dir, NULL);
}

static void
test_accounts_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tribuna_test_make_tmpdir ("tribuna-http-acc-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, TRIBUNA_ACCOUNTS_FILE_NAME, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *token = NULL;
  g_autofree char *other = NULL;
  g_autofree char *link_dir = NULL;
  g_autofree char *link_path = NULL;
  g_autoptr(TribunaAccounts) accounts = NULL;
  g_autoptr(TribunaAccount) account = NULL;
  g_autoptr(TribunaAccount) by_token = NULL;
  g_autoptr(TribunaLogin) login = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *csrf = NULL;
  GStatBuf st;

  accounts = tribuna_accounts_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  /* Names, passwords, roles. */
  g_assert_false (tribuna_accounts_check_name ("a b", NULL));
  g_assert_false (tribuna_accounts_check_name ("", NULL));
  g_assert_false (tribuna_accounts_check_name ("../admin", NULL));
  g_assert_true (tribuna_accounts_check_name ("filan.fisteku@kk-podujeve", NULL));
  g_assert_false (tribuna_accounts_check_password ("short", NULL));
  g_assert_true (g_str_has_prefix (world.password_hash, "$argon2id$"));
  g_assert_true (tribuna_accounts_verify_password (world.password_hash, PASSWORD));
  g_assert_false (tribuna_accounts_verify_password (world.password_hash, PASSWORD "x"));

  account = tribuna_accounts_create (accounts, "Drita", TRIBUNA_ROLE_ADMIN, world.password_hash,
                                     &error);
  g_assert_no_error (error);
  g_assert_null (tribuna_accounts_create (accounts, "drita", TRIBUNA_ROLE_EDITOR,
                                          world.password_hash, &error));
  g_assert_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (tribuna_accounts_set_role (accounts, "Drita", TRIBUNA_ROLE_EDITOR, &error));
  g_assert_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_LAST_ADMIN);
  g_clear_error (&error);
  g_assert_false (tribuna_accounts_delete (accounts, "Drita", &error));
  g_assert_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_LAST_ADMIN);
  g_clear_error (&error);

  /* Tokens and logins are kept as digests: the file does not hold them. */
  token = tribuna_accounts_create_token (accounts, "Drita", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (token, "trb_"));
  cookie = tribuna_accounts_create_login (accounts, "Drita", G_TIME_SPAN_HOUR, &csrf, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_null (strstr (contents, token + 4));
  g_assert_null (strstr (contents, cookie));
  g_assert_null (strstr (contents, PASSWORD));
  by_token = tribuna_accounts_check_token (accounts, token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_token->name, ==, "Drita");
  login = tribuna_accounts_check_login (accounts, cookie, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (login->csrf_token, ==, csrf);
  g_assert_null (tribuna_accounts_check_token (accounts, "trb_forged", &error));
  g_assert_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&accounts);

  /* Readable by others, or a link to elsewhere: refused. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_null (tribuna_accounts_open (dir, &error));
  g_assert_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_PERMISSIONS);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  link_dir = tribuna_test_make_tmpdir ("tribuna-http-link-XXXXXX", &error);
  link_path = g_build_filename (link_dir, TRIBUNA_ACCOUNTS_FILE_NAME, NULL);
  g_assert_cmpint (symlink (path, link_path), ==, 0);
  g_assert_null (tribuna_accounts_open (link_dir, &error));
  g_assert_error (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_PERMISSIONS);
  g_clear_error (&error);

  tribuna_test_rm_rf (link_dir, NULL);
  tribuna_test_rm_rf (dir, NULL);
}

/* Routing and bad input */

static void
test_not_found_and_methods (void)
{
  g_autoptr(Reply) unknown = api ("GET", "/api/v1/nothing", "admin", NULL);
  g_autoptr(Reply) root = api ("GET", "/nothing-here", NULL, NULL);
  g_autoptr(Reply) trailing = api ("GET", "/api/v1/status/", "admin", NULL);
  g_autoptr(Reply) wrong = api ("DELETE", "/api/v1/status", "admin", NULL);
  g_autoptr(Reply) put = api ("PUT", "/api/v1/destinations", "admin", "{}");
  g_autoptr(Reply) end = api ("GET", "/api/v1/sessions/current/end", "admin", NULL);

  assert_error (unknown, SOUP_STATUS_NOT_FOUND, "not-found");
  assert_error (root, SOUP_STATUS_NOT_FOUND, "not-found");
  assert_error (trailing, SOUP_STATUS_NOT_FOUND, "not-found");
  assert_error (wrong, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed");
  g_assert_cmpstr (soup_message_headers_get_one (wrong->headers, "Allow"), ==, "GET");
  assert_error (put, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed");
  g_assert_cmpstr (soup_message_headers_get_one (put->headers, "Allow"), ==, "GET, POST");
  assert_error (end, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed");
  g_assert_cmpstr (soup_message_headers_get_one (end->headers, "Allow"), ==, "POST");
}

/* Raw HTTP, for what a polite client never sends; in a thread, while this one runs the
 * server's main loop. */
typedef struct {
  guint   port;
  char   *request;
  gsize   request_length;
  GString *response;
  int     done;
} Raw;

static gpointer
raw_thread (gpointer data)
{
  Raw *raw = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  char buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", raw->port, NULL, NULL);
  if (connection != NULL)
    {
      GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));

      g_output_stream_write_all (out, raw->request, raw->request_length, NULL, NULL, NULL);
      while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
        g_string_append_len (raw->response, buffer, n);
    }

  g_atomic_int_set (&raw->done, 1);
  return NULL;
}

static gboolean
raw_done (gpointer data)
{
  return g_atomic_int_get (&((Raw *) data)->done);
}

static char *
raw_request (const char *request,
             gsize       length)
{
  Raw raw = { tribuna_http_server_get_port (world.server), (char *) request, length,
              g_string_new (NULL), 0 };
  GThread *thread = g_thread_new ("raw-client", raw_thread, &raw);

  g_assert_true (tribuna_test_wait_until (raw_done, &raw, TIMEOUT_S));
  g_thread_join (thread);
  g_string_append (world.seen, raw.response->str);
  return g_string_free (raw.response, FALSE);
}

static char *
raw_get (const char *path)
{
  g_autofree char *request =
    g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                     "Connection: close\r\n\r\n", path, world.tokens[TRIBUNA_ROLE_ADMIN]);

  return raw_request (request, strlen (request));
}

static void
assert_raw_status (const char *response,
                   const char *status)
{
  if (!g_str_has_prefix (response, status))
    g_error ("expected “%s”, got: %s", status, response);
  g_assert_nonnull (strstr (response, "X-Content-Type-Options: nosniff"));
}

static void
test_path_traversal (void)
{
  /* Dot segments are resolved before routing (nothing then matches), and encoded ones,
   * encoded slashes and NULs are refused outright. None reaches a file or a handler. */
  const struct {
    const char *path;
    const char *status;
  } cases[] = {
    { "/api/v1/../../etc/passwd", "HTTP/1.1 404" },
    { "/api/v1/sessions/../../../etc/passwd", "HTTP/1.1 404" },
    { "/api/v1/%2e%2e/%2e%2e/etc/passwd", "HTTP/1.1 40" },
    { "/api/v1/destinations/..%2F..%2Fetc%2Fpasswd", "HTTP/1.1 400" },
    { "/api/v1/destinations/%2e%2e", "HTTP/1.1 40" },
    { "/api/v1/destinations/a%00b", "HTTP/1.1 400" },
    { "/api/v1/destinations/..%5c..%5cetc", "HTTP/1.1 400" },
    { "/api/v1/sessions/%zz", "HTTP/1.1 400" },
    { "/etc/passwd", "HTTP/1.1 404" },
    { "/api/v1/status/../status", "HTTP/1.1 200" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *response = raw_get (cases[i].path);

      assert_raw_status (response, cases[i].status);
      g_assert_null (strstr (response, "root:"));
    }
}

static void
test_bad_bodies (void)
{
  g_autofree char *huge = NULL;
  g_autoptr(GString) chunked = g_string_new (NULL);
  g_autofree char *response = NULL;
  Call call = { .method = "POST", .path = "/api/v1/sessions", .length = -1,
                .token = world.tokens[TRIBUNA_ROLE_EDITOR] };
  const struct {
    const char *body;
    const char *content_type;
    guint       status;
    const char *code;
  } cases[] = {
    { "{\"type\": \"kpf\", \"title\": ", NULL, 400, "malformed-json" },
    { "not json at all", NULL, 400, "malformed-json" },
    { "[1, 2, 3]", NULL, 422, "wrong-type" },
    { "\"kpf\"", NULL, 422, "wrong-type" },
    { "{\"type\": 5, \"title\": \"T\"}", NULL, 422, "wrong-type" },
    { "{\"type\": \"kpf\", \"title\": [\"T\"]}", NULL, 422, "wrong-type" },
    { "{\"type\": \"kpf\", \"title\": \"T\", \"public\": \"yes\"}", NULL, 422, "wrong-type" },
    { "{\"type\": \"kpf\"}", NULL, 422, "missing" },
    { "{\"type\": \"kpf\", \"title\": \"\"}", NULL, 422, "missing" },
    { "{\"type\": \"feast\", \"title\": \"T\"}", NULL, 422, "invalid" },
    { "{\"type\": \"kpf\", \"title\": \"T\", \"date\": \"2024-13-45\"}", NULL, 422, "invalid" },
    { "{\"type\": \"kpf\", \"title\": \"T\", \"titel\": \"T\"}", NULL, 422, "unknown-member" },
    { "{\"type\": \"kpf\", \"title\": \"T\"}", "text/plain", 415, "unsupported-media-type" },
    { "{\"type\": \"kpf\", \"title\": \"T\"}", "application/x-www-form-urlencoded", 415,
      "unsupported-media-type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Reply) reply = NULL;

      call.body = cases[i].body;
      call.content_type = cases[i].content_type;
      reply = send_call (&call);
      assert_error (reply, cases[i].status, cases[i].code);
    }

  /* A NUL inside JSON text. */
  {
    static const char nul_body[] = "{\"type\": \"kpf\", \"title\": \"a\0b\"}";
    g_autoptr(Reply) reply = NULL;

    call.body = nul_body;
    call.length = sizeof nul_body - 1;
    call.content_type = NULL;
    reply = send_call (&call);
    assert_error (reply, 400, "malformed-json");
    call.length = -1;
  }

  /* Over the limit with a length: refused before it is stored. */
  huge = g_strnfill (TRIBUNA_HTTP_MAX_JSON_BYTES + 10, ' ');
  huge[0] = '{';
  huge[TRIBUNA_HTTP_MAX_JSON_BYTES + 8] = '}';
  {
    g_autoptr(Reply) reply = NULL;

    call.body = huge;
    reply = send_call (&call);
    assert_error (reply, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large");
  }

  /* Over the limit in chunks, with no length said. */
  g_string_append_printf (chunked, "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                          world.tokens[TRIBUNA_ROLE_EDITOR]);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *chunk = g_strnfill (16 * 1024, ' ');

      g_string_append_printf (chunked, "%x\r\n%s\r\n", 16 * 1024, chunk);
    }
  g_string_append (chunked, "0\r\n\r\n");
  response = raw_request (chunked->str, chunked->len);
  assert_raw_status (response, "HTTP/1.1 413");
}

/* Who may call what: every route, every role */

static char *
concrete_path (const char *pattern)
{
  g_autoptr(GString) path = g_string_new (TRIBUNA_HTTP_API_PREFIX);
  g_auto(GStrv) segments = g_strsplit (pattern, "/", -1);

  for (guint i = 0; segments[i] != NULL; i++)
    {
      /* Ids that do not exist: the handlers answer 404 after the access checks. */
      if (g_str_equal (segments[i], ":id"))
        g_string_append (path, "/999999");
      else if (segments[i][0] == ':')
        g_string_append (path, "/zz-none");
      else
        g_string_append_printf (path, "/%s", segments[i]);
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

static void
check_route (const TribunaHttpRoute *route)
{
  g_autofree char *path = concrete_path (route->pattern);
  /* A member no handler knows: allowed callers get 422, never a side effect. */
  const char *body = g_str_equal (route->method, "GET") ? NULL : "{\"zz-unknown\": 1}";

  for (int role = -1; role < (int) G_N_ELEMENTS (role_names); role++)
    {
      g_autoptr(Reply) reply = api (route->method, path, role < 0 ? NULL : role_names[role],
                                    body);
      gboolean allowed = route->access == TRIBUNA_HTTP_ACCESS_PUBLIC
                         || (role >= 0 && tribuna_http_role_allows (role, route->access));

      if (!allowed)
        {
          assert_error (reply, role < 0 ? SOUP_STATUS_UNAUTHORIZED : SOUP_STATUS_FORBIDDEN,
                        role < 0 ? "unauthorized" : "forbidden");
          continue;
        }

      if (reply->status == SOUP_STATUS_UNAUTHORIZED || reply->status == SOUP_STATUS_FORBIDDEN
          || reply->status >= 500)
        g_error ("%s %s as %s: %u %s", route->method, path, role < 0 ? "anonymous"
                 : role_names[role], reply->status, reply->body);
    }
}

static void
test_access_matrix (void)
{
  const TribunaHttpRoute *(*tables[]) (void) = {
    _tribuna_http_status_routes, _tribuna_http_destinations_routes,
    _tribuna_http_control_routes, _tribuna_http_sessions_routes,
    _tribuna_http_accounts_routes, _tribuna_http_public_routes,
    _tribuna_http_archive_routes, _tribuna_http_clips_routes,
    _tribuna_http_sources_routes,
  };
  guint n = 0;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      for (const TribunaHttpRoute *route = tables[t] (); route->pattern != NULL; route++)
        {
          /* The event streams never end; they have tests of their own (the public one in
           * live-test.c). */
          if (g_str_equal (route->pattern, "events/stream")
              || g_str_equal (route->pattern, "public/events"))
            continue;
          check_route (route);
          n++;
        }
    }

  g_test_message ("%u routes checked for anonymous, admin, operator and editor", n);
  g_assert_cmpuint (n, >=, 35);

  /* The public subset is all anonymous callers get. */
  {
    g_autoptr(Reply) reply = api ("GET", "/api/v1/public/status", NULL, NULL);

    assert_status (reply, SOUP_STATUS_OK);
    g_assert_true (json_object_has_member (object_of (reply), "on_air"));
    g_assert_false (json_object_has_member (object_of (reply), "destinations"));
  }
}

/* Logins, cookies, CSRF */

typedef struct {
  char *cookie;
  char *csrf;
} Login;

static void
login_clear (Login *login)
{
  g_free (login->cookie);
  g_free (login->csrf);
}

static char *
cookie_from (Reply *reply)
{
  const char *header = soup_message_headers_get_list (reply->headers, "Set-Cookie");
  const char *start;

  g_assert_nonnull (header);
  start = strstr (header, TRIBUNA_HTTP_COOKIE_NAME "=");
  g_assert_nonnull (start);
  start += strlen (TRIBUNA_HTTP_COOKIE_NAME "=");
  return g_strndup (start, strcspn (start, ";"));
}

static Login
log_in (const char *user,
        const char *password,
        const char *base_url,
        SoupSession *session)
{
  g_autofree char *body = g_strdup_printf ("{\"user\": \"%s\", \"password\": \"%s\"}", user,
                                           password);
  Call call = { .method = "POST", .path = "/api/v1/login", .body = body, .length = -1,
                .base_url = base_url, .session = session };
  g_autoptr(Reply) reply = send_call (&call);
  Login login = { 0 };
  const char *set_cookie;

  assert_status (reply, SOUP_STATUS_OK);
  set_cookie = soup_message_headers_get_list (reply->headers, "Set-Cookie");
  /* Secure exactly when the server speaks TLS: a plain-HTTP cookie marked Secure is lost. */
  g_assert_cmpint (strstr (set_cookie, "; Secure") != NULL, ==,
                   g_str_has_prefix (base_url ? base_url : world.base_url, "https:"));
  g_assert_nonnull (strstr (set_cookie, "HttpOnly"));
  g_assert_nonnull (strstr (set_cookie, "SameSite=Strict"));
  g_assert_nonnull (strstr (set_cookie, "Path=/"));
  login.cookie = cookie_from (reply);
  login.csrf = g_strdup (json_object_get_string_member (object_of (reply), "csrf_token"));
  g_assert_cmpstr (json_object_get_string_member (object_of (reply), "name"), ==, user);
  return login;
}

static Reply *
with_cookie (const char  *method,
             const char  *path,
             const Login *login,
             const char  *csrf,
             const char  *body)
{
  Call call = { .method = method, .path = path, .cookie = login->cookie, .csrf = csrf,
                .body = body, .length = -1 };

  return send_call (&call);
}

static void
test_login_cookie_csrf (void)
{
  Login login = log_in ("editor", PASSWORD, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *expired_cookie = NULL;
  g_autofree char *expired_csrf = NULL;
  const char *body = "{\"type\": \"kpf\", \"title\": \"Mbledhja me cookie\"}";


  /* Reads with the cookie alone; /me gives the CSRF token back to a reloaded page. */
  {
    g_autoptr(Reply) me = with_cookie ("GET", "/api/v1/me", &login, NULL, NULL);

    assert_status (me, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (object_of (me), "role"), ==, "editor");
    g_assert_cmpstr (json_object_get_string_member (object_of (me), "credential"), ==, "login");
    g_assert_cmpstr (json_object_get_string_member (object_of (me), "csrf_token"), ==,
                     login.csrf);
  }

  /* State changes need the CSRF token, the right one. */
  {
    g_autoptr(Reply) none = with_cookie ("POST", "/api/v1/sessions", &login, NULL, body);
    g_autoptr(Reply) wrong = with_cookie ("POST", "/api/v1/sessions", &login, "forged", body);
    g_autoptr(Reply) other = with_cookie ("POST", "/api/v1/sessions", &login,
                                          world.tokens[0], body);
    g_autoptr(Reply) right = with_cookie ("POST", "/api/v1/sessions", &login, login.csrf, body);
    g_autoptr(Reply) forbidden = with_cookie ("POST", "/api/v1/recording/start", &login,
                                              login.csrf, NULL);

    assert_error (none, SOUP_STATUS_FORBIDDEN, "csrf");
    assert_error (wrong, SOUP_STATUS_FORBIDDEN, "csrf");
    assert_error (other, SOUP_STATUS_FORBIDDEN, "csrf");
    assert_status (right, SOUP_STATUS_CREATED);
    assert_error (forbidden, SOUP_STATUS_FORBIDDEN, "forbidden");
  }

  /* Logged out: the cookie is worth nothing, and the browser is told to drop it. */
  {
    g_autoptr(Reply) no_csrf = with_cookie ("POST", "/api/v1/logout", &login, NULL, NULL);
    g_autoptr(Reply) out = with_cookie ("POST", "/api/v1/logout", &login, login.csrf, NULL);
    g_autoptr(Reply) after = with_cookie ("GET", "/api/v1/status", &login, NULL, NULL);

    assert_error (no_csrf, SOUP_STATUS_FORBIDDEN, "csrf");
    assert_status (out, SOUP_STATUS_NO_CONTENT);
    g_assert_nonnull (strstr (soup_message_headers_get_list (out->headers, "Set-Cookie"),
                              "Max-Age=0"));
    assert_error (after, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    g_assert_nonnull (strstr (after->body, "log in again"));
  }

  /* An expired login. */
  expired_cookie = tribuna_accounts_create_login (world.accounts, "operator", 1, &expired_csrf,
                                                  &error);
  g_assert_no_error (error);
  g_usleep (1000);
  {
    Login expired = { expired_cookie, expired_csrf };
    g_autoptr(Reply) reply = with_cookie ("GET", "/api/v1/status", &expired, NULL, NULL);

    assert_error (reply, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    g_assert_nonnull (strstr (reply->body, "expired"));
  }

  /* Wrong password, unknown user: the same answer. */
  {
    g_autoptr(Reply) wrong = api ("POST", "/api/v1/login", NULL,
                                  "{\"user\": \"admin\", \"password\": \"wrong-password-1\"}");
    g_autoptr(Reply) unknown = api ("POST", "/api/v1/login", NULL,
                                    "{\"user\": \"nobody\", \"password\": \"wrong-password-1\"}");

    assert_error (wrong, SOUP_STATUS_UNAUTHORIZED, "bad-credentials");
    assert_error (unknown, SOUP_STATUS_UNAUTHORIZED, "bad-credentials");
    g_assert_cmpstr (error_code (wrong), ==, error_code (unknown));
  }

  login_clear (&login);
}

static void
test_tokens (void)
{
  g_autoptr(Reply) created = api ("POST", "/api/v1/tokens", "admin",
                                  "{\"account\": \"operator\", \"label\": \"script\"}");
  g_autoptr(Reply) bad_account = api ("POST", "/api/v1/tokens", "admin",
                                      "{\"account\": \"nobody\"}");
  g_autoptr(Reply) list = NULL;
  g_autoptr(Reply) revoked = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(Reply) again = NULL;
  g_autoptr(Reply) bogus = NULL;
  g_autofree char *path = NULL;
  const char *token;
  gint64 id;

  assert_status (created, SOUP_STATUS_CREATED);
  assert_error (bad_account, SOUP_STATUS_NOT_FOUND, "not-found");
  token = json_object_get_string_member (object_of (created), "token");
  id = json_object_get_int_member (object_of (created), "id");
  g_assert_true (g_str_has_prefix (token, "trb_"));

  {
    Call call = { .method = "GET", .path = "/api/v1/me", .token = token };
    g_autoptr(Reply) me = send_call (&call);

    assert_status (me, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (object_of (me), "name"), ==, "operator");
    g_assert_cmpstr (json_object_get_string_member (object_of (me), "credential"), ==, "token");
    g_assert_false (json_object_has_member (object_of (me), "csrf_token"));
  }

  /* Listed without the token itself. */
  list = api ("GET", "/api/v1/tokens", "admin", NULL);
  assert_status (list, SOUP_STATUS_OK);
  g_assert_null (strstr (list->body, token));
  g_assert_nonnull (strstr (list->body, "script"));

  path = g_strdup_printf ("/api/v1/tokens/%" G_GINT64_FORMAT, id);
  revoked = api ("DELETE", path, "admin", NULL);
  assert_status (revoked, SOUP_STATUS_NO_CONTENT);
  again = api ("DELETE", path, "admin", NULL);
  assert_error (again, SOUP_STATUS_NOT_FOUND, "not-found");
  {
    Call call = { .method = "GET", .path = "/api/v1/status", .token = token };

    after = send_call (&call);
    assert_error (after, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    g_assert_nonnull (strstr (after->body, "not valid"));
  }
  {
    Call call = { .method = "GET", .path = "/api/v1/status", .token = "trb_made-up" };

    bogus = send_call (&call);
    assert_error (bogus, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  }
}

static void
test_accounts_api (void)
{
  g_autoptr(Reply) weak = api ("POST", "/api/v1/accounts", "admin",
                               "{\"name\": \"clerk\", \"role\": \"editor\", "
                               "\"password\": \"short\"}");
  g_autoptr(Reply) bad_role = api ("POST", "/api/v1/accounts", "admin",
                                   "{\"name\": \"clerk\", \"role\": \"mayor\", "
                                   "\"password\": \"" PASSWORD "\"}");
  g_autoptr(Reply) bad_name = api ("POST", "/api/v1/accounts", "admin",
                                   "{\"name\": \"../clerk\", \"role\": \"editor\", "
                                   "\"password\": \"" PASSWORD "\"}");
  g_autoptr(Reply) created = api ("POST", "/api/v1/accounts", "admin",
                                  "{\"name\": \"clerk\", \"role\": \"editor\", "
                                  "\"password\": \"" PASSWORD "\"}");
  g_autoptr(Reply) duplicate = api ("POST", "/api/v1/accounts", "admin",
                                    "{\"name\": \"CLERK\", \"role\": \"editor\", "
                                    "\"password\": \"" PASSWORD "\"}");
  g_autoptr(Reply) list = api ("GET", "/api/v1/accounts", "admin", NULL);
  g_autoptr(Reply) one = api ("GET", "/api/v1/accounts/clerk", "admin", NULL);
  g_autoptr(Reply) promoted = NULL;
  g_autoptr(Reply) new_password = NULL;
  g_autoptr(Reply) old_login = NULL;
  g_autoptr(Reply) deleted = NULL;
  g_autoptr(Reply) gone = NULL;
  g_autoptr(Reply) last_admin = NULL;
  g_autoptr(Reply) demote_last = NULL;
  Login login;

  assert_error (weak, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
  assert_error (bad_role, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
  assert_error (bad_name, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
  assert_status (created, SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (object_of (created), "role"), ==, "editor");
  g_assert_false (json_object_has_member (object_of (created), "password"));
  assert_error (duplicate, SOUP_STATUS_CONFLICT, "exists");
  assert_status (list, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (list->body, "\"clerk\""));
  g_assert_null (strstr (list->body, "argon2"));
  assert_status (one, SOUP_STATUS_OK);

  login = log_in ("clerk", PASSWORD, NULL, NULL);
  promoted = api ("PATCH", "/api/v1/accounts/clerk", "admin", "{\"role\": \"operator\"}");
  assert_status (promoted, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (object_of (promoted), "role"), ==, "operator");

  /* A new password ends the logins made with the old one. */
  new_password = api ("PATCH", "/api/v1/accounts/clerk", "admin",
                      "{\"password\": \"another-long-password\"}");
  assert_status (new_password, SOUP_STATUS_OK);
  old_login = with_cookie ("GET", "/api/v1/me", &login, NULL, NULL);
  assert_error (old_login, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  login_clear (&login);
  login = log_in ("clerk", "another-long-password", NULL, NULL);
  login_clear (&login);

  deleted = api ("DELETE", "/api/v1/accounts/clerk", "admin", NULL);
  assert_status (deleted, SOUP_STATUS_NO_CONTENT);
  gone = api ("GET", "/api/v1/accounts/clerk", "admin", NULL);
  assert_error (gone, SOUP_STATUS_NOT_FOUND, "not-found");

  last_admin = api ("DELETE", "/api/v1/accounts/admin", "admin", NULL);
  assert_error (last_admin, SOUP_STATUS_CONFLICT, "last-admin");
  demote_last = api ("PATCH", "/api/v1/accounts/admin", "admin", "{\"role\": \"editor\"}");
  assert_error (demote_last, SOUP_STATUS_CONFLICT, "last-admin");
}

/* The engine through the API */

static void
test_status (void)
{
  g_autoptr(Reply) reply = api ("GET", "/api/v1/status", "editor", NULL);
  g_autoptr(Reply) public = api ("GET", "/api/v1/public/status", NULL, NULL);
  JsonObject *object = object_of (reply);
  JsonObject *recorder;
  JsonArray *destinations;
  JsonObject *konfig;

  assert_status (reply, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object,
                                                                                 "program"),
                                                  "state"), ==, "running");
  recorder = json_object_get_object_member (object, "recorder");
  g_assert_cmpint (json_object_get_int_member (recorder, "free_bytes"), >, 0);
  g_assert_true (json_object_has_member (recorder, "current_file"));
  g_assert_false (json_object_get_boolean_member (object, "on_air"));
  destinations = json_object_get_array_member (object, "destinations");
  g_assert_cmpuint (json_array_get_length (destinations), >=, 1);
  konfig = json_array_get_object_element (destinations, 0);
  g_assert_cmpstr (json_object_get_string_member (konfig, "name"), ==, "Konfig");
  g_assert_cmpstr (json_object_get_string_member (konfig, "origin"), ==, "config");
  g_assert_false (json_object_get_boolean_member (konfig, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (konfig, "state"), ==, "idle");
  {
    const char *members[] = { "sent_kbps", "acked_kbps", "live_seconds", "attempts",
                              "reconnects", "last_error", "wanted", "url" };

    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      g_assert_true (json_object_has_member (konfig, members[i]));
  }
  g_assert_false (json_object_has_member (konfig, "key"));
  g_assert_null (strstr (reply->body, CONFIG_KEY));

  assert_status (public, SOUP_STATUS_OK);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object_of (public), "session")));
}

typedef struct {
  const char              *name;
  TribunaDestinationState  state;
} StateWait;

static gboolean
destination_in_state (gpointer data)
{
  StateWait *wait = data;
  TribunaDestination *destination = tribuna_engine_find_destination (world.engine, wait->name);

  return destination != NULL && tribuna_destination_get_state (destination) == wait->state;
}

static void
wait_for_destination (const char              *name,
                      TribunaDestinationState  state)
{
  StateWait wait = { name, state };

  if (!tribuna_test_wait_until (destination_in_state, &wait, TIMEOUT_S))
    g_error ("destination %s never became %s", name, tribuna_destination_state_to_string (state));
}

static void
test_destinations (void)
{
  guint port = tribuna_test_nginx_get_rtmp_port (world.nginx);
  g_autofree char *create = g_strdup_printf ("{\"name\": \"Faqja\", \"url\": "
                                             "\"rtmp://127.0.0.1:%u/live\", \"key\": \""
                                             API_KEY "\", \"enabled\": true, "
                                             "\"tls_verify\": true}", port);
  g_autofree char *in_url = g_strdup_printf ("{\"name\": \"NeURL\", \"url\": "
                                             "\"rtmp://127.0.0.1:%u/live/" API_KEY_2 "\", "
                                             "\"enabled\": false}", port);
  g_autoptr(Reply) created = api ("POST", "/api/v1/destinations", "admin", create);
  g_autoptr(Reply) operator_create = api ("POST", "/api/v1/destinations", "operator", create);
  g_autoptr(Reply) duplicate = api ("POST", "/api/v1/destinations", "admin", create);
  g_autoptr(Reply) disabled = api ("POST", "/api/v1/destinations", "admin", in_url);
  g_autoptr(Reply) list = api ("GET", "/api/v1/destinations", "editor", NULL);
  g_autoptr(Reply) one = api ("GET", "/api/v1/destinations/Faqja", "editor", NULL);
  g_autoptr(Reply) unknown = api ("GET", "/api/v1/destinations/Askund", "editor", NULL);
  JsonObject *object;

  assert_status (created, SOUP_STATUS_CREATED);
  object = object_of (created);
  g_assert_cmpstr (json_object_get_string_member (object, "origin"), ==, "api");
  g_assert_null (strstr (created->body, API_KEY));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "url"),
                                   "rtmp://127.0.0.1:"));
  g_assert_false (json_object_has_member (object, "key"));
  assert_error (operator_create, SOUP_STATUS_FORBIDDEN, "forbidden");
  assert_error (duplicate, SOUP_STATUS_CONFLICT, "exists");
  assert_status (disabled, SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (object_of (disabled), "state"), ==, "disabled");
  g_assert_null (tribuna_engine_find_destination (world.engine, "NeURL"));
  assert_status (list, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (list->body, "\"Faqja\""));
  g_assert_nonnull (strstr (list->body, "\"NeURL\""));
  g_assert_nonnull (strstr (list->body, "\"Konfig\""));
  assert_status (one, SOUP_STATUS_OK);
  assert_error (unknown, SOUP_STATUS_NOT_FOUND, "not-found");

  /* Bad input. */
  {
    const struct {
      const char *body;
      const char *code;
    } cases[] = {
      { "{\"name\": 5, \"url\": \"rtmp://h/live\", \"key\": \"k\"}", "wrong-type" },
      { "{\"name\": \"X\", \"url\": \"rtmp://h/live\", \"key\": \"k\", \"enabled\": 1}",
        "wrong-type" },
      { "{\"name\": \"X\", \"url\": \"http://h/live\", \"key\": \"abcd\"}", "invalid" },
      { "{\"name\": \"X\", \"url\": \"rtmp://h/live\", \"key\": \"a b\"}", "invalid" },
      { "{\"name\": \"X\", \"url\": \"rtmp://h\"}", "invalid" },
      { "{\"name\": \"X\\u0001\", \"url\": \"rtmp://h/live\", \"key\": \"abcd\"}", "invalid" },
      { "{\"name\": \"a/b\", \"url\": \"rtmp://h/live\", \"key\": \"abcd\"}", "invalid" },
      { "{\"name\": \"..\", \"url\": \"rtmp://h/live\", \"key\": \"abcd\"}", "invalid" },
      { "{\"name\": \"Konfig\", \"url\": \"rtmp://h/live\", \"key\": \"abcd\"}", "exists" },
      { "{\"url\": \"rtmp://h/live\", \"key\": \"abcd\"}", "missing" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(Reply) reply = api ("POST", "/api/v1/destinations", "admin", cases[i].body);

        g_assert_cmpuint (reply->status, >=, 400);
        g_assert_cmpuint (reply->status, <, 500);
        g_assert_cmpstr (error_code (reply), ==, cases[i].code);
      }
  }

  /* The config's are read-only; an enabled API one changes in the engine too. */
  {
    g_autoptr(Reply) patch_config = api ("PATCH", "/api/v1/destinations/Konfig", "admin",
                                         "{\"enabled\": true}");
    g_autoptr(Reply) delete_config = api ("DELETE", "/api/v1/destinations/Konfig", "admin",
                                          NULL);
    g_autoptr(Reply) patch_enabled = api ("PATCH", "/api/v1/destinations/Faqja", "admin",
                                          "{\"enabled\": false}");
    gboolean held_when_disabled =
      tribuna_engine_find_destination (world.engine, "Faqja") != NULL;
    g_autoptr(Reply) reenabled = api ("PATCH", "/api/v1/destinations/Faqja", "admin",
                                      "{\"enabled\": true}");
    gboolean held_when_enabled =
      tribuna_engine_find_destination (world.engine, "Faqja") != NULL;
    g_autoptr(Reply) created_enabled = api ("POST", "/api/v1/destinations", "admin",
                                    "{\"name\": \"Fshije\", \"url\": \"rtmp://127.0.0.1:1/live\", "
                                    "\"key\": \"fshije-key-0123456789\"}");
    gboolean held_when_created =
      tribuna_engine_find_destination (world.engine, "Fshije") != NULL;
    g_autoptr(Reply) delete_enabled = api ("DELETE", "/api/v1/destinations/Fshije", "admin",
                                           NULL);
    g_autoptr(Reply) patch_unknown = api ("PATCH", "/api/v1/destinations/Askund", "admin",
                                          "{\"enabled\": false}");

    assert_error (patch_config, SOUP_STATUS_CONFLICT, "read-only");
    g_assert_nonnull (strstr (patch_config->body, "tribuna.conf"));
    assert_error (delete_config, SOUP_STATUS_CONFLICT, "read-only");
    assert_status (patch_enabled, SOUP_STATUS_OK);
    g_assert_false (held_when_disabled);   /* disabled: out of the engine */
    assert_status (reenabled, SOUP_STATUS_OK);
    g_assert_true (held_when_enabled);
    assert_status (created_enabled, SOUP_STATUS_CREATED);
    g_assert_true (held_when_created);
    assert_status (delete_enabled, SOUP_STATUS_NO_CONTENT);
    g_assert_null (tribuna_engine_find_destination (world.engine, "Fshije"));
    g_assert_null (tribuna_accounts_get_destination (world.accounts, "Fshije", NULL));
    assert_error (patch_unknown, SOUP_STATUS_NOT_FOUND, "not-found");
  }

  /* A disabled one: changed (a new key, kept secret), started only once enabled. */
  {
    g_autoptr(Reply) start_disabled = api ("POST", "/api/v1/destinations/NeURL/start",
                                           "operator", NULL);
    g_autoptr(Reply) patched = api ("PATCH", "/api/v1/destinations/NeURL", "admin",
                                    "{\"key\": \"" API_KEY_2 "-b\", \"tls_verify\": false}");
    g_autoptr(TribunaStoredDestination) stored =
      tribuna_accounts_get_destination (world.accounts, "NeURL", NULL);
    g_autoptr(Reply) deleted = NULL;

    assert_error (start_disabled, SOUP_STATUS_CONFLICT, "disabled");
    assert_status (patched, SOUP_STATUS_OK);
    g_assert_null (strstr (patched->body, API_KEY_2));
    g_assert_cmpstr (stored->key, ==, API_KEY_2 "-b");
    g_assert_false (stored->tls_verify);
    deleted = api ("DELETE", "/api/v1/destinations/NeURL", "admin", NULL);
    assert_status (deleted, SOUP_STATUS_NO_CONTENT);
    g_assert_null (tribuna_accounts_get_destination (world.accounts, "NeURL", NULL));
  }

  /* Start and stop, against nginx. */
  {
    g_autoptr(Reply) start_editor = api ("POST", "/api/v1/destinations/Faqja/start", "editor",
                                         NULL);
    g_autoptr(Reply) start = api ("POST", "/api/v1/destinations/Faqja/start", "operator", NULL);
    g_autoptr(Reply) start_unknown = api ("POST", "/api/v1/destinations/Askund/start",
                                          "operator", NULL);
    g_autoptr(Reply) live = NULL;
    g_autoptr(Reply) stop = NULL;

    assert_error (start_editor, SOUP_STATUS_FORBIDDEN, "forbidden");
    assert_status (start, SOUP_STATUS_OK);
    assert_error (start_unknown, SOUP_STATUS_NOT_FOUND, "not-found");
    wait_for_destination ("Faqja", TRIBUNA_DESTINATION_LIVE);
    g_assert_true (tribuna_test_nginx_wait_recording_grows (world.nginx, API_KEY, 0, TIMEOUT_S));

    live = api ("GET", "/api/v1/destinations/Faqja", "editor", NULL);
    assert_status (live, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (object_of (live), "state"), ==, "live");
    g_assert_cmpint (json_object_get_int_member (object_of (live), "attempts"), >=, 1);
    g_assert_null (strstr (live->body, API_KEY));

    stop = api ("POST", "/api/v1/destinations/Faqja/stop", "operator", NULL);
    assert_status (stop, SOUP_STATUS_OK);
    wait_for_destination ("Faqja", TRIBUNA_DESTINATION_STOPPED);
  }
}

static gboolean
recorder_in_state (gpointer data)
{
  return (int) tribuna_engine_get_recorder_state (world.engine) == GPOINTER_TO_INT (data);
}

static void
test_recording (void)
{
  g_autoptr(Reply) editor = api ("POST", "/api/v1/recording/start", "editor", NULL);
  g_autoptr(Reply) start = api ("POST", "/api/v1/recording/start", "operator", NULL);
  g_autoptr(Reply) status = NULL;
  g_autoptr(Reply) stop = NULL;
  JsonObject *recorder;

  assert_error (editor, SOUP_STATUS_FORBIDDEN, "forbidden");
  assert_status (start, SOUP_STATUS_OK);
  g_assert_true (tribuna_test_wait_until (recorder_in_state,
                                          GINT_TO_POINTER (TRIBUNA_RECORDER_RECORDING), TIMEOUT_S));
  tribuna_test_iterate_for (2.5);

  status = api ("GET", "/api/v1/status", "editor", NULL);
  recorder = json_object_get_object_member (object_of (status), "recorder");
  g_assert_cmpstr (json_object_get_string_member (recorder, "state"), ==, "recording");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (recorder, "current_file"),
                                   "recordings/"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (recorder, "current_file"),
                                   ".ts"));
  /* The ad-hoc session a recording without one gets. */
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (object_of (status), "session")));

  stop = api ("POST", "/api/v1/recording/stop", "operator", NULL);
  assert_status (stop, SOUP_STATUS_OK);
  recorder = json_object_get_object_member (object_of (stop), "recorder");
  g_assert_cmpstr (json_object_get_string_member (recorder, "state"), ==, "stopped");
}

/* The event stream */

typedef struct {
  SoupMessage  *msg;
  GInputStream *stream;
  GCancellable *cancellable;
  GString      *text;
  char          buffer[4096];
  gboolean      opened;
  gboolean      closed;
} Stream;

static void stream_read (Stream *stream);

static void
on_stream_read (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Stream *stream = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      stream->closed = TRUE;
      return;
    }

  g_string_append_len (stream->text, stream->buffer, n);
  g_string_append_len (world.seen, stream->buffer, n);
  stream_read (stream);
}

static void
stream_read (Stream *stream)
{
  g_input_stream_read_async (stream->stream, stream->buffer, sizeof stream->buffer,
                             G_PRIORITY_DEFAULT, stream->cancellable, on_stream_read, stream);
}

static void
on_stream_opened (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Stream *stream = user_data;

  stream->stream = soup_session_send_finish (SOUP_SESSION (object), result, NULL);
  stream->opened = TRUE;
  if (stream->stream != NULL)
    stream_read (stream);
}

static Stream *
open_stream (const char *role)
{
  g_autofree char *url = g_strconcat (world.base_url, "/api/v1/events/stream", NULL);
  g_autofree char *auth = NULL;
  Stream *stream = g_new0 (Stream, 1);
  TribunaRole r;

  g_assert_true (tribuna_role_from_code (role, &r));
  auth = g_strdup_printf ("Bearer %s", world.tokens[r]);
  stream->msg = soup_message_new ("GET", url);
  stream->cancellable = g_cancellable_new ();
  stream->text = g_string_new (NULL);
  soup_message_headers_replace (soup_message_get_request_headers (stream->msg), "Authorization",
                                auth);
  soup_session_send_async (world.session, stream->msg, G_PRIORITY_DEFAULT, stream->cancellable,
                           on_stream_opened, stream);
  g_assert_true (tribuna_test_wait_until (is_true, &stream->opened, TIMEOUT_S));
  g_assert_nonnull (stream->stream);
  g_assert_cmpuint (soup_message_get_status (stream->msg), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_content_type (
                     soup_message_get_response_headers (stream->msg), NULL), ==,
                   "text/event-stream");
  return stream;
}

typedef struct {
  Stream     *stream;
  const char *needle;
  gsize       from;
} StreamWait;

static gboolean
stream_has (gpointer data)
{
  StreamWait *wait = data;

  return wait->stream->text->len > wait->from
         && strstr (wait->stream->text->str + wait->from, wait->needle) != NULL;
}

static void
wait_for_event (Stream     *stream,
                const char *needle,
                gsize       from)
{
  StreamWait wait = { stream, needle, from };

  if (!tribuna_test_wait_until (stream_has, &wait, TIMEOUT_S))
    g_error ("no “%s” in the event stream: %s", needle, stream->text->str + from);
}

static gboolean
no_clients (gpointer data)
{
  return tribuna_http_events_get_n_clients (world.server->events) == 0;
}

static void
close_stream (Stream *stream)
{
  g_cancellable_cancel (stream->cancellable);
  g_assert_true (tribuna_test_wait_until (is_true, &stream->closed, TIMEOUT_S));
  if (stream->stream != NULL)
    g_input_stream_close (stream->stream, NULL, NULL);
  g_clear_object (&stream->stream);
  g_clear_object (&stream->msg);
  g_clear_object (&stream->cancellable);
  g_string_free (stream->text, TRUE);
  g_free (stream);
}

static void
test_event_stream (void)
{
  g_autoptr(Reply) anonymous = api ("GET", "/api/v1/events/stream", NULL, NULL);
  Stream *stream;
  gsize mark;

  assert_error (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");

  stream = open_stream ("editor");
  wait_for_event (stream, "event: status\ndata: {", 0);
  g_assert_cmpuint (tribuna_http_events_get_n_clients (world.server->events), ==, 1);

  /* A state change, pushed. */
  mark = stream->text->len;
  {
    g_autoptr(Reply) start = api ("POST", "/api/v1/recording/start", "operator", NULL);

    assert_status (start, SOUP_STATUS_OK);
  }
  wait_for_event (stream, "event: recorder\ndata: {\"state\":\"recording\"", mark);
  wait_for_event (stream, "event: session\ndata: {\"session\":{", mark);

  mark = stream->text->len;
  {
    g_autoptr(Reply) stop = api ("POST", "/api/v1/recording/stop", "operator", NULL);

    assert_status (stop, SOUP_STATUS_OK);
  }
  wait_for_event (stream, "\"state\":\"stopped\"", mark);

  /* A destination's state, pushed. */
  mark = stream->text->len;
  {
    g_autoptr(Reply) start = api ("POST", "/api/v1/destinations/Faqja/start", "operator", NULL);

    assert_status (start, SOUP_STATUS_OK);
  }
  wait_for_event (stream, "event: destination\ndata: {\"name\":\"Faqja\"", mark);
  wait_for_destination ("Faqja", TRIBUNA_DESTINATION_LIVE);
  wait_for_event (stream, "event: on-air\ndata: {\"on_air\":true}", mark);
  {
    g_autoptr(Reply) stop = api ("POST", "/api/v1/off-air", "operator", NULL);

    assert_status (stop, SOUP_STATUS_OK);
  }
  wait_for_event (stream, "event: on-air\ndata: {\"on_air\":false}", mark);
  wait_for_destination ("Faqja", TRIBUNA_DESTINATION_STOPPED);

  /* A client that goes is forgotten. */
  close_stream (stream);
  g_assert_true (tribuna_test_wait_until (no_clients, NULL, TIMEOUT_S));
}

/* Sources and the program: the mixer, remotely */

static JsonObject *
mixer_program (Reply *reply)
{
  return json_object_get_object_member (object_of (reply), "program");
}

static JsonObject *
mixer_source (Reply      *reply,
              const char *name)
{
  JsonArray *sources = json_object_get_array_member (object_of (reply), "sources");

  for (guint i = 0; i < json_array_get_length (sources); i++)
    {
      JsonObject *source = json_array_get_object_element (sources, i);

      if (g_str_equal (json_object_get_string_member (source, "name"), name))
        return source;
    }
  g_error ("no source %s in %s", name, reply->body);
}

static gboolean
program_has_picture (gpointer user_data)
{
  g_autoptr(Reply) reply = api ("GET", "/api/v1/program/snapshot.jpg", "editor", NULL);

  return reply->status == SOUP_STATUS_OK;
}

static void
assert_jpeg (Reply *reply)
{
  assert_status (reply, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==,
                   "image/jpeg");
  g_assert_cmpuint (reply->length, >, 1000);
  g_assert_cmphex ((guint8) reply->body[0], ==, 0xFF);
  g_assert_cmphex ((guint8) reply->body[1], ==, 0xD8);
}

static void
test_sources_switching (void)
{
  g_autoptr(Reply) anonymous = api ("GET", "/api/v1/sources", NULL, NULL);
  g_autoptr(Reply) list = api ("GET", "/api/v1/sources", "editor", NULL);
  g_autoptr(Reply) editor_cut = api ("POST", "/api/v1/program/cut", "editor", NULL);
  Stream *stream;
  gsize mark;

  assert_error (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  assert_status (list, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (list),
                                                                         "sources")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (mixer_program (list), "source"), ==, "Salla");
  g_assert_true (json_object_get_boolean_member (mixer_source (list, "Salla"), "picture"));
  g_assert_false (json_object_get_boolean_member (mixer_source (list, "Mikrofoni"), "picture"));
  g_assert_true (json_object_get_boolean_member (mixer_source (list, "Salla"), "on_program"));
  g_assert_cmpstr (json_object_get_string_member (mixer_source (list, "Foltorja"), "uri"), ==,
                   "test:ball");
  assert_error (editor_cut, SOUP_STATUS_FORBIDDEN, "forbidden");

  stream = open_stream ("operator");
  wait_for_event (stream, "event: status\ndata: {", 0);
  mark = stream->text->len;
  {
    g_autoptr(Reply) preview = api ("POST", "/api/v1/sources/Foltorja/preview", "operator", NULL);
    g_autoptr(Reply) cut = NULL, fade = NULL, unknown = NULL, microphone = NULL;

    assert_status (preview, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (mixer_program (preview), "preview"), ==,
                     "Foltorja");
    cut = api ("POST", "/api/v1/program/cut", "operator", NULL);
    assert_status (cut, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (mixer_program (cut), "source"), ==,
                     "Foltorja");
    g_assert_cmpstr (json_object_get_string_member (mixer_program (cut), "preview"), ==, "Salla");
    wait_for_event (stream, "event: mixer\ndata: {\"mixer\":{", mark);
    fade = api ("POST", "/api/v1/program/fade", "operator", NULL);
    assert_status (fade, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (mixer_program (fade), "source"), ==, "Salla");
    unknown = api ("POST", "/api/v1/sources/Nuk-ka/preview", "operator", NULL);
    assert_error (unknown, SOUP_STATUS_NOT_FOUND, "not-found");
    /* A microphone has no picture to put on preview. */
    microphone = api ("POST", "/api/v1/sources/Mikrofoni/preview", "operator", NULL);
    assert_error (microphone, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
  }
  /* The program's meters, a few times a second. */
  wait_for_event (stream, "event: levels\ndata: {\"levels\":{\"peak_db\":[", mark);
  close_stream (stream);

  /* Picture-in-picture, and what a layout request may not be. */
  {
    g_autoptr(Reply) pip = api ("POST", "/api/v1/program/layout", "operator",
                                "{\"layout\": \"pip\", \"inset\": \"Foltorja\"}");
    g_autoptr(Reply) shape = api ("POST", "/api/v1/program/layout", "operator",
                                  "{\"layout\": \"diagonal\"}");
    g_autoptr(Reply) missing = api ("POST", "/api/v1/program/layout", "operator", "{}");
    g_autoptr(Reply) nobody = api ("POST", "/api/v1/program/layout", "operator",
                                   "{\"layout\": \"pip\", \"inset\": \"Nuk-ka\"}");
    g_autoptr(Reply) full = NULL;

    assert_status (pip, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (mixer_program (pip), "layout"), ==, "pip");
    g_assert_cmpstr (json_object_get_string_member (mixer_program (pip), "inset"), ==,
                     "Foltorja");
    assert_error (shape, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (missing, SOUP_STATUS_UNPROCESSABLE_ENTITY, "missing");
    assert_error (nobody, SOUP_STATUS_NOT_FOUND, "not-found");
    full = api ("POST", "/api/v1/program/layout", "operator", "{\"layout\": \"full\"}");
    assert_status (full, SOUP_STATUS_OK);
    g_assert_true (json_object_get_null_member (mixer_program (full), "inset"));
  }
}

static void
test_sources_sound_and_pictures (void)
{
  /* Gain, mute and offset, and their bounds. */
  {
    g_autoptr(Reply) set = api ("PATCH", "/api/v1/sources/Salla", "operator",
                                "{\"gain_db\": -6.5, \"muted\": true, \"av_offset_ms\": 120}");
    g_autoptr(Reply) loud = api ("PATCH", "/api/v1/sources/Salla", "operator",
                                 "{\"gain_db\": 99}");
    g_autoptr(Reply) word = api ("PATCH", "/api/v1/sources/Salla", "operator",
                                 "{\"gain_db\": \"loud\"}");
    g_autoptr(Reply) early = api ("PATCH", "/api/v1/sources/Salla", "operator",
                                  "{\"av_offset_ms\": -5}");
    g_autoptr(Reply) stranger = api ("PATCH", "/api/v1/sources/Salla", "operator",
                                     "{\"volume\": 3}");
    g_autoptr(Reply) nobody = api ("PATCH", "/api/v1/sources/Nuk-ka", "operator",
                                   "{\"muted\": true}");
    g_autoptr(Reply) editor = api ("PATCH", "/api/v1/sources/Salla", "editor",
                                   "{\"muted\": false}");
    g_autoptr(Reply) back = NULL;
    JsonObject *salla;

    assert_status (set, SOUP_STATUS_OK);
    salla = mixer_source (set, "Salla");
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (salla, "gain_db"), -6.5, 1e-9);
    g_assert_true (json_object_get_boolean_member (salla, "muted"));
    g_assert_cmpint (json_object_get_int_member (salla, "av_offset_ms"), ==, 120);
    assert_error (loud, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    g_assert_nonnull (strstr (loud->body, "gain_db"));
    assert_error (word, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    assert_error (early, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (stranger, SOUP_STATUS_UNPROCESSABLE_ENTITY, "unknown-member");
    assert_error (nobody, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (editor, SOUP_STATUS_FORBIDDEN, "forbidden");
    back = api ("PATCH", "/api/v1/sources/Salla", "operator",
                "{\"gain_db\": 0, \"muted\": false, \"av_offset_ms\": 0}");
    assert_status (back, SOUP_STATUS_OK);
    g_assert_false (json_object_get_boolean_member (mixer_source (back, "Salla"), "muted"));
  }

  /* The lower third, on and off. */
  {
    g_autoptr(Reply) on = api ("POST", "/api/v1/program/lower-third", "operator",
                               "{\"visible\": true}");
    g_autoptr(Reply) word = api ("POST", "/api/v1/program/lower-third", "operator",
                                 "{\"visible\": \"yes\"}");
    g_autoptr(Reply) off = NULL;

    assert_status (on, SOUP_STATUS_OK);
    g_assert_true (json_object_get_boolean_member (mixer_program (on), "lower_third"));
    assert_error (word, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    off = api ("POST", "/api/v1/program/lower-third", "operator", "{\"visible\": false}");
    assert_status (off, SOUP_STATUS_OK);
    g_assert_false (json_object_get_boolean_member (mixer_program (off), "lower_third"));
  }

  /* Snapshots: the program's and a source's latest frame, as JPEG, for any account. */
  g_assert_true (tribuna_test_wait_until (program_has_picture, NULL, TIMEOUT_S));
  {
    g_autoptr(Reply) program = api ("GET", "/api/v1/program/snapshot.jpg", "editor", NULL);
    g_autoptr(Reply) source = api ("GET", "/api/v1/sources/Foltorja/snapshot.jpg", "editor",
                                   NULL);
    g_autoptr(Reply) nobody = api ("GET", "/api/v1/sources/Nuk-ka/snapshot.jpg", "editor",
                                   NULL);
    g_autoptr(Reply) microphone = api ("GET", "/api/v1/sources/Mikrofoni/snapshot.jpg",
                                       "editor", NULL);
    g_autoptr(Reply) anonymous = api ("GET", "/api/v1/program/snapshot.jpg", NULL, NULL);

    assert_jpeg (program);
    assert_jpeg (source);
    assert_error (nobody, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (microphone, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  }
}

static gint64
create_session (const char *body)
{
  g_autoptr(Reply) reply = api ("POST", "/api/v1/sessions", "editor", body);

  assert_status (reply, SOUP_STATUS_CREATED);
  return json_object_get_int_member (object_of (reply), "id");
}

static Reply *
upload_agenda (gint64      id,
               const char *role,
               const char *content_type,
               const char *data,
               gsize       length)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/agenda", id);
  Call call = { .method = "POST", .path = path, .content_type = content_type, .body = data,
                .length = (gssize) length };
  TribunaRole r;

  g_assert_true (tribuna_role_from_code (role, &r));
  call.token = world.tokens[r];
  return send_call (&call);
}

static JsonObject *
session_of (Reply *reply)
{
  assert_status (reply, SOUP_STATUS_OK);
  return json_object_get_object_member (object_of (reply), "session");
}

static void
test_sessions (void)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures", "agendas",
                                                    "kpf-2024-06-13.csv", NULL);
  g_autofree char *agenda = NULL;
  gsize agenda_length;
  g_autoptr(GError) error = NULL;
  gint64 id, planned;
  g_autofree char *path = NULL;
  g_autofree char *start_path = NULL;
  Stream *stream;
  gsize mark;

  g_assert_true (g_file_get_contents (fixture, &agenda, &agenda_length, &error));
  g_assert_no_error (error);

  id = create_session ("{\"type\": \"kpf\", \"title\": \"Mbledhja e KPF-së\", "
                       "\"place\": \"Salla e Kuvendit\", \"public\": true}");
  planned = create_session ("{\"type\": \"public-debate\", \"title\": \"Debat publik për KAB\", "
                            "\"date\": \"2030-05-20\", \"public\": false}");

  /* Lists, with filters. */
  {
    g_autoptr(Reply) kpf = api ("GET", "/api/v1/sessions?type=kpf", "editor", NULL);
    g_autoptr(Reply) future = api ("GET", "/api/v1/sessions?from=2030-01-01&to=2030-12-31",
                                   "editor", NULL);
    g_autoptr(Reply) hidden = api ("GET", "/api/v1/sessions?public=false&state=planned",
                                   "editor", NULL);
    g_autoptr(Reply) bad_type = api ("GET", "/api/v1/sessions?type=feast", "editor", NULL);
    g_autoptr(Reply) bad_date = api ("GET", "/api/v1/sessions?from=yesterday", "editor", NULL);
    JsonArray *sessions;

    assert_status (kpf, SOUP_STATUS_OK);
    sessions = json_object_get_array_member (object_of (kpf), "sessions");
    g_assert_cmpuint (json_array_get_length (sessions), >=, 1);
    for (guint i = 0; i < json_array_get_length (sessions); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sessions, i),
                                                      "type"), ==, "kpf");
    sessions = json_object_get_array_member (object_of (future), "sessions");
    g_assert_cmpuint (json_array_get_length (sessions), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sessions, 0),
                                                 "id"), ==, planned);
    g_assert_nonnull (strstr (hidden->body, "Debat publik"));
    assert_error (bad_type, SOUP_STATUS_BAD_REQUEST, "invalid");
    assert_error (bad_date, SOUP_STATUS_BAD_REQUEST, "invalid");
  }

  /* Agendas: the file as the body. */
  {
    g_autoptr(Reply) operator = upload_agenda (id, "operator", "text/csv", agenda, agenda_length);
    g_autoptr(Reply) editor = upload_agenda (planned, "editor", "text/markdown",
                                             "# Rendi i ditës\n\n1. Hapja\n2. Debati\n", 36);
    g_autoptr(Reply) pdf = upload_agenda (id, "editor", "application/pdf", "%PDF-1.4", 8);
    g_autoptr(Reply) empty = upload_agenda (id, "editor", "text/plain", "   \n", 4);
    g_autoptr(Reply) broken = upload_agenda (id, "editor", "application/json", "{\"items\": [", 11);
    g_autoptr(Reply) unknown = upload_agenda (999999, "editor", "text/plain", "1. A\n", 5);
    g_autofree char *huge = g_strnfill (TRIBUNA_HTTP_MAX_AGENDA_BYTES + 1, 'a');
    g_autoptr(Reply) too_big = upload_agenda (id, "editor", "text/plain", huge, strlen (huge));

    assert_status (operator, SOUP_STATUS_OK);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (operator),
                                                                          "items")), ==, 5);
    g_assert_cmpstr (json_object_get_string_member (object_of (operator), "format"), ==, "csv");
    assert_status (editor, SOUP_STATUS_OK);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (editor),
                                                                          "items")), ==, 2);
    assert_error (pdf, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
    assert_error (empty, SOUP_STATUS_UNPROCESSABLE_ENTITY, "agenda");
    assert_error (broken, SOUP_STATUS_UNPROCESSABLE_ENTITY, "agenda");
    assert_error (unknown, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (too_big, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large");
  }

  /* Markers before the session is live: refused. */
  {
    g_autoptr(Reply) early = api ("POST", "/api/v1/markers/next", "operator", NULL);
    g_autoptr(Reply) current = api ("GET", "/api/v1/sessions/current", "editor", NULL);

    assert_error (early, SOUP_STATUS_CONFLICT, "session-state");
    assert_error (current, SOUP_STATUS_NOT_FOUND, "not-found");
  }

  /* Start: recording first, then the enabled destinations. */
  stream = open_stream ("operator");
  wait_for_event (stream, "event: status", 0);
  mark = stream->text->len;
  start_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/start", id);
  {
    g_autoptr(Reply) editor = api ("POST", start_path, "editor", NULL);
    g_autoptr(Reply) start = api ("POST", start_path, "operator", NULL);
    g_autoptr(Reply) other = NULL;
    g_autofree char *other_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/start",
                                                   planned);
    JsonObject *session;

    assert_error (editor, SOUP_STATUS_FORBIDDEN, "forbidden");
    assert_status (start, SOUP_STATUS_OK);
    session = json_object_get_object_member (object_of (start), "session");
    g_assert_cmpint (json_object_get_int_member (session, "id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (session, "state"), ==, "live");
    other = api ("POST", other_path, "operator", NULL);
    assert_error (other, SOUP_STATUS_CONFLICT, "session-state");
  }
  g_assert_true (tribuna_test_wait_until (recorder_in_state,
                                          GINT_TO_POINTER (TRIBUNA_RECORDER_RECORDING), TIMEOUT_S));
  wait_for_destination ("Faqja", TRIBUNA_DESTINATION_LIVE);

  /* Markers, each pushed to the stream. */
  {
    g_autoptr(Reply) previous_first = api ("POST", "/api/v1/markers/previous", "operator", NULL);
    g_autoptr(Reply) next = api ("POST", "/api/v1/markers/next", "operator", NULL);
    g_autoptr(Reply) jump = api ("POST", "/api/v1/markers/jump", "operator", "{\"number\": 3}");
    g_autoptr(Reply) jump_text = api ("POST", "/api/v1/markers/jump", "operator",
                                      "{\"number\": \"4\"}");
    g_autoptr(Reply) jump_missing = api ("POST", "/api/v1/markers/jump", "operator",
                                         "{\"number\": \"9.9\"}");
    g_autoptr(Reply) jump_float = api ("POST", "/api/v1/markers/jump", "operator",
                                       "{\"number\": 2.5}");
    g_autoptr(Reply) previous = api ("POST", "/api/v1/markers/previous", "operator", NULL);
    g_autoptr(Reply) speaker = api ("POST", "/api/v1/markers/speaker", "operator",
                                    "{\"name\": \"Filan Fisteku\", \"role\": \"Kryesues\"}");
    g_autoptr(Reply) speaker_bad = api ("POST", "/api/v1/markers/speaker", "operator",
                                        "{\"role\": \"Kryesues\"}");
    g_autoptr(Reply) break_on = api ("POST", "/api/v1/markers/break", "operator", "{\"on\": true}");
    g_autoptr(Reply) break_bad = api ("POST", "/api/v1/markers/break", "operator", "{\"on\": 1}");
    g_autoptr(Reply) public_break = api ("GET", "/api/v1/public/status", NULL, NULL);
    g_autoptr(Reply) break_off = api ("POST", "/api/v1/markers/break", "operator",
                                      "{\"on\": false}");
    g_autoptr(Reply) private_on = api ("POST", "/api/v1/markers/private", "operator",
                                       "{\"on\": true}");
    g_autoptr(Reply) public_private = api ("GET", "/api/v1/public/status", NULL, NULL);
    g_autoptr(Reply) private_off = api ("POST", "/api/v1/markers/private", "operator",
                                        "{\"on\": false}");
    g_autoptr(Reply) public_open = api ("GET", "/api/v1/public/status", NULL, NULL);
    g_autoptr(Reply) note = api ("POST", "/api/v1/markers/note", "operator",
                                 "{\"text\": \"Kuorumi u konstatua\"}");
    g_autoptr(Reply) note_editor = api ("POST", "/api/v1/markers/note", "editor",
                                        "{\"text\": \"x\"}");
    JsonObject *session;
    JsonObject *public_session;

    assert_error (previous_first, SOUP_STATUS_CONFLICT, "agenda");
    session = session_of (next);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session,
                                                                                   "item"),
                                                    "number"), ==, "1");
    session = session_of (jump);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session,
                                                                                   "item"),
                                                    "number"), ==, "3");
    session_of (jump_text);
    assert_error (jump_missing, SOUP_STATUS_CONFLICT, "agenda");
    assert_error (jump_float, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    session = session_of (previous);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session,
                                                                                   "item"),
                                                    "number"), ==, "3");
    session = session_of (speaker);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session,
                                                                                   "speaker"),
                                                    "name"), ==, "Filan Fisteku");
    assert_error (speaker_bad, SOUP_STATUS_UNPROCESSABLE_ENTITY, "missing");
    g_assert_true (json_object_get_boolean_member (session_of (break_on), "on_break"));
    assert_error (break_bad, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    public_session = json_object_get_object_member (object_of (public_break), "session");
    g_assert_true (json_object_get_boolean_member (public_session, "on_break"));
    g_assert_false (json_object_get_boolean_member (session_of (break_off), "on_break"));
    g_assert_true (json_object_get_boolean_member (session_of (private_on), "private"));
    /* Nothing of a private part reaches the public. */
    public_session = json_object_get_object_member (object_of (public_private), "session");
    g_assert_true (json_object_get_boolean_member (public_session, "private"));
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (public_session, "item")));
    g_assert_false (json_object_get_boolean_member (session_of (private_off), "private"));
    public_session = json_object_get_object_member (object_of (public_open), "session");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (public_session,
                                                                                   "item"),
                                                    "number"), ==, "3");
    g_assert_false (json_object_has_member (public_session, "speaker"));
    session_of (note);
    assert_error (note_editor, SOUP_STATUS_FORBIDDEN, "forbidden");
  }
  wait_for_event (stream, "event: session\ndata: {\"session\":{", mark);
  wait_for_event (stream, "\"speaker\":{\"name\":\"Filan Fisteku\"", mark);
  close_stream (stream);

  /* On air and off air, with the enabled destination. */
  {
    g_autoptr(Reply) off = api ("POST", "/api/v1/off-air", "operator", NULL);
    g_autoptr(Reply) on = NULL;

    assert_status (off, SOUP_STATUS_OK);
    wait_for_destination ("Faqja", TRIBUNA_DESTINATION_STOPPED);
    on = api ("POST", "/api/v1/on-air", "operator", NULL);
    assert_status (on, SOUP_STATUS_OK);
    wait_for_destination ("Faqja", TRIBUNA_DESTINATION_LIVE);
    g_assert_true (tribuna_engine_get_on_air (world.engine));
  }

  tribuna_test_iterate_for (2.0);

  /* One session, as the editor sees it. */
  path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, id);
  {
    g_autoptr(Reply) one = api ("GET", path, "editor", NULL);
    g_autoptr(Reply) current = api ("GET", "/api/v1/sessions/current", "editor", NULL);
    g_autoptr(Reply) unknown = api ("GET", "/api/v1/sessions/999999", "editor", NULL);
    g_autoptr(Reply) bad_id = api ("GET", "/api/v1/sessions/abc", "editor", NULL);
    JsonObject *object = object_of (one);
    JsonArray *markers = json_object_get_array_member (object, "markers");
    JsonObject *segments = json_object_get_object_member (object, "segments");

    assert_status (one, SOUP_STATUS_OK);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==,
                      5);
    g_assert_cmpuint (json_array_get_length (markers), ==, 10);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (markers, 0),
                                                    "set_by"), ==, "operator");
    g_assert_cmpint (json_object_get_int_member (segments, "count"), >=, 1);
    g_assert_cmpint (json_object_get_int_member (segments, "duration_ns"), >, 0);
    assert_status (current, SOUP_STATUS_OK);
    /* The same session; its segment count may move on between the two requests (a 2 s
     * segment closes), so the rest is compared without it. */
    json_object_remove_member (object_of (one), "segments");
    json_object_remove_member (object_of (current), "segments");
    g_assert_true (json_node_equal (one->json, current->json));
    assert_error (unknown, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (bad_id, SOUP_STATUS_NOT_FOUND, "not-found");
  }

  /* End: answered once the recording is finalised. */
  {
    g_autoptr(Reply) editor = api ("POST", "/api/v1/sessions/current/end", "editor", NULL);
    g_autoptr(Reply) end = api ("POST", "/api/v1/sessions/current/end", "operator", NULL);
    g_autoptr(Reply) again = api ("POST", "/api/v1/sessions/current/end", "operator", NULL);

    assert_error (editor, SOUP_STATUS_FORBIDDEN, "forbidden");
    g_assert_cmpstr (json_object_get_string_member (session_of (end), "state"), ==, "ended");
    g_assert_cmpint (tribuna_engine_get_recorder_state (world.engine), ==,
                     TRIBUNA_RECORDER_STOPPED);
    assert_error (again, SOUP_STATUS_CONFLICT, "session-state");
  }
  wait_for_destination ("Faqja", TRIBUNA_DESTINATION_STOPPED);

  /* Chapters in three formats. */
  {
    g_autofree char *json_path = g_strdup_printf ("%s/chapters?format=json", path);
    g_autofree char *vtt_path = g_strdup_printf ("%s/chapters?format=webvtt", path);
    g_autofree char *yt_path = g_strdup_printf ("%s/chapters?format=youtube", path);
    g_autofree char *bad_path = g_strdup_printf ("%s/chapters?format=pdf", path);
    g_autofree char *none_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT
                                                  "/chapters", planned);
    g_autoptr(Reply) json = api ("GET", json_path, "editor", NULL);
    g_autoptr(Reply) vtt = api ("GET", vtt_path, "editor", NULL);
    g_autoptr(Reply) youtube = api ("GET", yt_path, "editor", NULL);
    g_autoptr(Reply) bad = api ("GET", bad_path, "editor", NULL);
    g_autoptr(Reply) none = api ("GET", none_path, "editor", NULL);

    assert_status (json, SOUP_STATUS_OK);
    g_assert_nonnull (strstr (json->body, "Miratimi"));
    assert_status (vtt, SOUP_STATUS_OK);
    g_assert_true (g_str_has_prefix (vtt->body, "WEBVTT"));
    g_assert_cmpstr (soup_message_headers_get_content_type (vtt->headers, NULL), ==, "text/vtt");
    /* The items lasted seconds: YouTube's rules (three of 10 s) may not be met. */
    g_assert_true (youtube->status == SOUP_STATUS_OK || youtube->status == SOUP_STATUS_CONFLICT);
    assert_error (bad, SOUP_STATUS_BAD_REQUEST, "invalid");
    assert_error (none, SOUP_STATUS_CONFLICT, "no-chapters");
  }

  /* The audit trail. */
  {
    g_autoptr(Reply) events = api ("GET", "/api/v1/events?limit=500", "editor", NULL);
    g_autofree char *session_path = g_strdup_printf ("/api/v1/events?session=%" G_GINT64_FORMAT,
                                                     id);
    g_autoptr(Reply) session_events = api ("GET", session_path, "editor", NULL);
    g_autoptr(Reply) bad = api ("GET", "/api/v1/events?limit=0", "editor", NULL);

    assert_status (events, SOUP_STATUS_OK);
    g_assert_nonnull (strstr (events->body, "\"stream-started\""));
    g_assert_nonnull (strstr (events->body, "\"recorder-stopped\""));
    assert_status (session_events, SOUP_STATUS_OK);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        object_of (session_events), "events")), >=, 2);
    assert_error (bad, SOUP_STATUS_BAD_REQUEST, "invalid");
  }
}

/* Session metadata, the public archive and clips */

/* A public session recorded through the API: item 1, a private part, item 3. Returns its
 * id, ended. */
static gint64
record_archive_session (void)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures", "agendas",
                                                    "kpf-2024-06-13.csv", NULL);
  g_autofree char *agenda = NULL;
  g_autofree char *start = NULL;
  gsize length;
  gint64 id;

  g_assert_true (g_file_get_contents (fixture, &agenda, &length, NULL));
  id = create_session ("{\"type\": \"kpf\", \"title\": \"Mbledhja e arkivit\", "
                       "\"date\": \"2024-06-13\", \"public\": true}");
  {
    g_autoptr(Reply) reply = upload_agenda (id, "editor", "text/csv", agenda, length);

    assert_status (reply, SOUP_STATUS_OK);
  }
  start = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/start", id);
  {
    g_autoptr(Reply) started = api ("POST", start, "operator", NULL);
    g_autoptr(Reply) item1 = NULL, on = NULL, off = NULL, item3 = NULL, end = NULL;

    assert_status (started, SOUP_STATUS_OK);
    tribuna_test_iterate_for (3.0);
    item1 = api ("POST", "/api/v1/markers/jump", "operator", "{\"number\": \"1\"}");
    assert_status (item1, SOUP_STATUS_OK);
    tribuna_test_iterate_for (5.0);
    on = api ("POST", "/api/v1/markers/private", "operator", "{\"on\": true}");
    assert_status (on, SOUP_STATUS_OK);
    tribuna_test_iterate_for (5.0);
    off = api ("POST", "/api/v1/markers/private", "operator", "{\"on\": false}");
    assert_status (off, SOUP_STATUS_OK);
    tribuna_test_iterate_for (1.0);
    item3 = api ("POST", "/api/v1/markers/jump", "operator", "{\"number\": \"3\"}");
    assert_status (item3, SOUP_STATUS_OK);
    tribuna_test_iterate_for (5.0);
    end = api ("POST", "/api/v1/sessions/current/end", "operator", NULL);
    g_assert_cmpstr (json_object_get_string_member (session_of (end), "state"), ==, "ended");
  }
  return id;
}

static gint64 archive_session_id;

static void
test_session_patch (void)
{
  g_autofree char *path = NULL;
  gint64 id = create_session ("{\"type\": \"kpf\", \"title\": \"Pa korrigjuar\", "
                              "\"public\": false}");
  Login login = log_in ("editor", PASSWORD, NULL, NULL);

  path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, id);
  {
    g_autoptr(Reply) editor = api ("PATCH", path, "editor",
                                   "{\"title\": \"Mbledhja e korrigjuar\", \"type\": "
                                   "\"press\", \"place\": \"Salla e vogël\", \"public\": true}");
    JsonObject *session = object_of (editor);

    assert_status (editor, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (session, "title"), ==,
                     "Mbledhja e korrigjuar");
    g_assert_cmpstr (json_object_get_string_member (session, "type"), ==, "press");
    g_assert_cmpstr (json_object_get_string_member (session, "place"), ==, "Salla e vogël");
    g_assert_true (json_object_get_boolean_member (session, "public"));
  }
  {
    /* A member left out keeps its value; null clears the place. */
    g_autoptr(Reply) operator = api ("PATCH", path, "operator", "{\"place\": null}");
    g_autoptr(Reply) again = api ("GET", path, "editor", NULL);
    JsonObject *session = json_object_get_object_member (object_of (again), "session");

    assert_status (operator, SOUP_STATUS_OK);
    g_assert_true (json_object_get_null_member (session, "place"));
    g_assert_cmpstr (json_object_get_string_member (session, "title"), ==,
                     "Mbledhja e korrigjuar");
  }
  {
    g_autoptr(Reply) anonymous = api ("PATCH", path, NULL, "{\"title\": \"x\"}");
    g_autoptr(Reply) no_csrf = with_cookie ("PATCH", path, &login, NULL, "{\"title\": \"x\"}");
    g_autoptr(Reply) bad_csrf = with_cookie ("PATCH", path, &login, "nope", "{\"title\": \"x\"}");
    g_autoptr(Reply) cookie = with_cookie ("PATCH", path, &login, login.csrf,
                                           "{\"title\": \"Me cookie\"}");
    g_autoptr(Reply) malformed = api ("PATCH", path, "editor", "{\"title\": ");
    g_autoptr(Reply) wrong_type = api ("PATCH", path, "editor", "{\"title\": 5}");
    g_autoptr(Reply) wrong_public = api ("PATCH", path, "editor", "{\"public\": \"yes\"}");
    g_autoptr(Reply) bad_type = api ("PATCH", path, "editor", "{\"type\": \"festival\"}");
    g_autoptr(Reply) empty_title = api ("PATCH", path, "editor", "{\"title\": \"  \"}");
    g_autoptr(Reply) unknown_member = api ("PATCH", path, "editor", "{\"state\": \"ended\"}");
    g_autoptr(Reply) unknown = api ("PATCH", "/api/v1/sessions/999999", "editor",
                                    "{\"title\": \"x\"}");

    assert_error (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    assert_error (no_csrf, SOUP_STATUS_FORBIDDEN, "csrf");
    assert_error (bad_csrf, SOUP_STATUS_FORBIDDEN, "csrf");
    assert_status (cookie, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (object_of (cookie), "title"), ==,
                     "Me cookie");
    assert_error (malformed, SOUP_STATUS_BAD_REQUEST, "malformed-json");
    assert_error (wrong_type, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    assert_error (wrong_public, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    assert_error (bad_type, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (empty_title, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (unknown_member, SOUP_STATUS_UNPROCESSABLE_ENTITY, "unknown-member");
    assert_error (unknown, SOUP_STATUS_NOT_FOUND, "not-found");
  }
  login_clear (&login);
}

static gboolean
is_segment_listed (const char *playlist,
                   guint       index)
{
  g_autofree char *name = g_strdup_printf ("seg-%05u-0000.ts\n", index);

  return strstr (playlist, name) != NULL;
}

/* A two-second segment is one chunk, served whole; its index finds the keyframe that
 * follows the PAT and PMT at the start of the file. */
static void
assert_first_chunk (const TribunaSegment *segment,
                    Reply                *ts)
{
  g_autofree char *path = g_build_filename (world.data_dir, segment->path, NULL);
  g_autoptr(TribunaTsIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  const TribunaTsKeyframe *first;

  index = tribuna_ts_index_read (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (tribuna_ts_index_get_size (index), ==, length - length % 188);
  g_assert_cmpuint (tribuna_ts_index_get_header_size (index), ==, 2 * 188);
  first = tribuna_ts_index_get_keyframe (index, 0);
  g_assert_cmpuint (first->offset, ==, 2 * 188);
  g_assert_cmpint (first->time_ns, ==, 0);
  /* the keyframe's packet starts a unit and is flagged for random access */
  g_assert_cmphex ((guint8) contents[first->offset + 1] & 0x40, ==, 0x40);
  g_assert_cmphex ((guint8) contents[first->offset + 5] & 0x40, ==, 0x40);
  if (tribuna_ts_index_get_keyframe (index, tribuna_ts_index_get_n_keyframes (index) - 1)->time_ns
      < 4 * G_TIME_SPAN_SECOND * 1000)
    {
      g_assert_cmpuint (ts->length, ==, tribuna_ts_index_get_size (index));
      g_assert_cmpmem (ts->body, ts->length, contents, ts->length);
    }
}

static void
test_archive (void)
{
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *data = NULL;
  g_autofree char *playlist = NULL;
  g_autofree char *patch = NULL;
  GArray *private_ranges;
  guint listed = 0, withheld = 0;
  gint64 id, hidden;

  id = archive_session_id = record_archive_session ();
  hidden = create_session ("{\"type\": \"kpf\", \"title\": \"Jo publike\", \"public\": false}");
  page = g_strdup_printf ("/archive/%" G_GINT64_FORMAT, id);
  data = g_strdup_printf ("/api/v1/public/archive/%" G_GINT64_FORMAT, id);
  playlist = g_strdup_printf ("/archive/%" G_GINT64_FORMAT "/index.m3u8", id);

  /* The list: this session, newest first, with its items placed on the public axis. */
  {
    g_autoptr(Reply) list = api ("GET", "/api/v1/public/archive", NULL, NULL);
    g_autoptr(Reply) typed = api ("GET", "/api/v1/public/archive?type=press", NULL, NULL);
    g_autoptr(Reply) bad_type = api ("GET", "/api/v1/public/archive?type=x", NULL, NULL);
    g_autoptr(Reply) bad_date = api ("GET", "/api/v1/public/archive?from=2024", NULL, NULL);
    JsonArray *sessions = json_object_get_array_member (object_of (list), "sessions");
    JsonObject *first;
    JsonArray *items;

    assert_status (list, SOUP_STATUS_OK);
    g_assert_cmpuint (json_array_get_length (sessions), >=, 1);
    first = NULL;
    for (guint i = 0; i < json_array_get_length (sessions); i++)
      {
        JsonObject *session = json_array_get_object_element (sessions, i);

        if (json_object_get_int_member (session, "id") == id)
          first = session;
        /* Newest first. */
        if (i > 0)
          g_assert_cmpstr (json_object_get_string_member (session, "date"), <=,
                           json_object_get_string_member (
                             json_array_get_object_element (sessions, i - 1), "date"));
      }
    g_assert_nonnull (first);
    g_assert_true (json_object_get_boolean_member (first, "cut"));
    items = json_object_get_array_member (first, "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 5);
    g_assert_false (json_object_get_null_member (json_array_get_object_element (items, 0),
                                                 "start_ms"));
    g_assert_true (json_object_get_null_member (json_array_get_object_element (items, 1),
                                                "start_ms"));
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 2),
                                                 "start_ms"), >,
                     json_object_get_int_member (json_array_get_object_element (items, 0),
                                                 "start_ms"));
    g_assert_null (strstr (list->body, "Jo publike"));
    assert_status (typed, SOUP_STATUS_OK);
    g_assert_null (strstr (typed->body, "Mbledhja e arkivit"));
    assert_error (bad_type, SOUP_STATUS_BAD_REQUEST, "invalid");
    assert_error (bad_date, SOUP_STATUS_BAD_REQUEST, "invalid");
  }

  /* The playlist lists every closed segment outside private time, and nothing else. */
  timeline = tribuna_timeline_new_for_session (tribuna_engine_get_archive (world.engine), id,
                                               &error);
  g_assert_no_error (error);
  private_ranges = tribuna_timeline_get_private_ranges (timeline);
  g_assert_cmpuint (private_ranges->len, ==, 1);
  {
    g_autoptr(Reply) m3u8 = api ("GET", playlist, NULL, NULL);

    assert_status (m3u8, SOUP_STATUS_OK);
    g_assert_cmpstr (soup_message_headers_get_content_type (m3u8->headers, NULL), ==,
                     "application/vnd.apple.mpegurl");
    g_assert_nonnull (strstr (m3u8->body, "#EXT-X-PLAYLIST-TYPE:VOD"));
    g_assert_nonnull (strstr (m3u8->body, "#EXT-X-ENDLIST"));
    g_assert_nonnull (strstr (m3u8->body, "#EXT-X-DISCONTINUITY"));
    for (guint i = 0; i < tribuna_timeline_get_n_segments (timeline); i++)
      {
        gint64 start, duration;
        const TribunaSegment *segment = tribuna_timeline_get_segment (timeline, i, &start,
                                                                     &duration);
        const TribunaTimeRange *range = &g_array_index (private_ranges, TribunaTimeRange, 0);
        gboolean is_private = range->start_ns < start + duration && range->end_ns > start;
        g_autofree char *url = g_strdup_printf ("/archive/%" G_GINT64_FORMAT
                                                "/seg-%05u-0000.ts", id, i);
        g_autoptr(Reply) ts = api ("GET", url, NULL, NULL);

        g_assert_cmpint (segment->state, ==, TRIBUNA_SEGMENT_CLOSED);
        g_assert_cmpint (is_segment_listed (m3u8->body, i), ==, !is_private);
        if (is_private)
          {
            assert_error (ts, SOUP_STATUS_NOT_FOUND, "not-found");
            withheld++;
          }
        else
          {
            assert_status (ts, SOUP_STATUS_OK);
            g_assert_cmpstr (soup_message_headers_get_content_type (ts->headers, NULL), ==,
                             "video/mp2t");
            g_assert_cmpint (ts->body[0], ==, 0x47);
            assert_first_chunk (segment, ts);
            listed++;
          }
      }
    g_test_message ("%u segments public, %u withheld for the private part", listed, withheld);
    g_assert_cmpuint (listed, >=, 4);
    g_assert_cmpuint (withheld, >=, 2);
  }

  /* The page, and names that are not ours. */
  {
    g_autoptr(Reply) archive = api ("GET", "/archive", NULL, NULL);
    g_autoptr(Reply) one = api ("GET", page, NULL, NULL);
    g_autoptr(Reply) detail = api ("GET", data, NULL, NULL);
    g_autoptr(Reply) script = api ("GET", "/static/archive.js", NULL, NULL);
    g_autoptr(Reply) post = api ("POST", page, NULL, NULL);
    g_autoptr(Reply) traversal = api ("GET", "/archive/1/..%2f..%2ftribuna.db", NULL, NULL);
    g_autoptr(Reply) bad_id = api ("GET", "/archive/01", NULL, NULL);
    g_autoptr(Reply) unknown = api ("GET", "/api/v1/public/archive/999999", NULL, NULL);
    g_autoptr(Reply) not_number = api ("GET", "/api/v1/public/archive/abc", NULL, NULL);
    g_autofree char *hidden_data = g_strdup_printf ("/api/v1/public/archive/%" G_GINT64_FORMAT,
                                                    hidden);
    g_autofree char *hidden_playlist = g_strdup_printf ("/archive/%" G_GINT64_FORMAT
                                                        "/index.m3u8", hidden);
    g_autoptr(Reply) private_data = api ("GET", hidden_data, NULL, NULL);
    g_autoptr(Reply) private_playlist = api ("GET", hidden_playlist, NULL, NULL);

    assert_status (archive, SOUP_STATUS_OK);
    g_assert_nonnull (strstr (archive->body, "/static/archive.js"));
    g_assert_null (strstr (archive->body, "<script>"));
    g_assert_nonnull (strstr (soup_message_headers_get_one (archive->headers,
                                                            "Content-Security-Policy"),
                              "script-src 'self'"));
    assert_status (one, SOUP_STATUS_OK);
    g_assert_cmpstr (one->body, ==, archive->body);
    assert_status (detail, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (object_of (detail), "playlist"), ==,
                     playlist);
    assert_status (script, SOUP_STATUS_OK);
    assert_error (post, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed");
    assert_error (traversal, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (bad_id, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (unknown, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (not_number, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (private_data, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (private_playlist, SOUP_STATUS_NOT_FOUND, "not-found");
  }

  /* As a raw client sends them: nothing outside the segment list is reached. */
  {
    const char *paths[] = {
      "/archive/1/..%2F..%2Ftribuna.db", "/archive/clips/..%2Ftribuna.db",
      "/archive/1/../../tribuna.db", "/archive/1/seg-00000-0000.ts%00", "/archive/1/seg-0.ts",
      "/archive/1/seg-00000.ts", "/archive/1/seg-00000-000a.ts",
      "/archive/clips/1.mp4/x", "/archive/-1/index.m3u8",
    };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autofree char *response = raw_get (paths[i]);

        assert_raw_status (response, "HTTP/1.1 404");
        g_assert_null (strstr (response, "SQLite"));
      }
  }
  {
    /* Encoded dot segments are resolved like plain ones: "/archive/", the page. */
    g_autofree char *response = raw_get ("/archive/1/%2e%2e");

    assert_raw_status (response, "HTTP/1.1 200");
    g_assert_nonnull (strstr (response, "<!doctype html>"));
  }

  /* Unpublished, it is gone from the archive at once; published again, it is back. */
  patch = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, id);
  {
    g_autoptr(Reply) off = api ("PATCH", patch, "editor", "{\"public\": false}");
    g_autoptr(Reply) gone = api ("GET", playlist, NULL, NULL);
    g_autoptr(Reply) gone_data = api ("GET", data, NULL, NULL);
    g_autoptr(Reply) on = api ("PATCH", patch, "editor", "{\"public\": true}");
    g_autoptr(Reply) back = api ("GET", playlist, NULL, NULL);

    assert_status (off, SOUP_STATUS_OK);
    assert_error (gone, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (gone_data, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_status (on, SOUP_STATUS_OK);
    assert_status (back, SOUP_STATUS_OK);
  }
}

typedef struct {
  gint64      job;
  const char *state;
} JobWait;

static gboolean
job_in_state (gpointer data)
{
  JobWait *wait = data;
  g_autofree char *path = g_strdup_printf ("/api/v1/clips/jobs/%" G_GINT64_FORMAT, wait->job);
  g_autoptr(Reply) reply = api ("GET", path, "editor", NULL);
  JsonObject *job = object_of (reply);
  gint64 percent = json_object_get_int_member (job, "percent");

  g_assert_cmpint (percent, >=, 0);
  g_assert_cmpint (percent, <=, 100);
  return g_str_equal (json_object_get_string_member (job, "state"), wait->state);
}

static gint64
create_clip (const char *body)
{
  g_autoptr(Reply) reply = api ("POST", "/api/v1/clips", "editor", body);
  JsonObject *job = object_of (reply);

  assert_status (reply, SOUP_STATUS_ACCEPTED);
  g_assert_nonnull (strstr (soup_message_headers_get_one (reply->headers, "Location"),
                            "/api/v1/clips/jobs/"));
  g_assert_cmpstr (json_object_get_string_member (job, "created_by"), ==, "editor");
  return json_object_get_int_member (job, "id");
}

static void
test_clips (void)
{
  g_autofree char *body = NULL;
  g_autofree char *job_path = NULL;
  g_autofree char *download = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *session_path = NULL;
  JobWait wait = { 0 };
  Stream *stream;
  gint64 id = archive_session_id, clip_id;

  g_assert_cmpint (id, >, 0);

  /* Item 3, as the editor asks for it; followed to the end, by polling and on the
   * event stream. */
  stream = open_stream ("operator");
  wait_for_event (stream, "event: status\ndata: {", 0);
  body = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"item\": \"3\"}", id);
  wait.job = create_clip (body);
  wait.state = "done";
  g_assert_true (tribuna_test_wait_until (job_in_state, &wait, 60));
  wait_for_event (stream, "event: clips\ndata: {\"jobs\":[", 0);
  wait_for_event (stream, "\"state\":\"done\"", 0);
  close_stream (stream);
  job_path = g_strdup_printf ("/api/v1/clips/jobs/%" G_GINT64_FORMAT, wait.job);
  {
    g_autoptr(Reply) job = api ("GET", job_path, "admin", NULL);
    g_autoptr(Reply) list = NULL;
    g_autofree char *list_path = g_strdup_printf ("/api/v1/clips?session=%" G_GINT64_FORMAT, id);
    JsonObject *clip;

    g_assert_cmpint (json_object_get_int_member (object_of (job), "percent"), ==, 100);
    clip_id = json_object_get_int_member (object_of (job), "clip_id");
    g_assert_cmpint (clip_id, >, 0);
    list = api ("GET", list_path, "operator", NULL);
    assert_status (list, SOUP_STATUS_OK);
    clip = json_array_get_object_element (json_object_get_array_member (object_of (list),
                                                                        "clips"), 0);
    g_assert_cmpint (json_object_get_int_member (clip, "id"), ==, clip_id);
    g_assert_cmpstr (json_object_get_string_member (clip, "created_by"), ==, "editor");
    g_assert_true (json_object_get_boolean_member (clip, "available"));
  }

  /* Staff download any clip; the public, a clip of a published session only. */
  download = g_strdup_printf ("/api/v1/clips/%" G_GINT64_FORMAT "/download", clip_id);
  public_url = g_strdup_printf ("/archive/clips/%" G_GINT64_FORMAT ".mp4", clip_id);
  session_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, id);
  {
    g_autoptr(Reply) editor = api ("GET", download, "editor", NULL);
    g_autoptr(Reply) anonymous = api ("GET", download, NULL, NULL);
    g_autoptr(Reply) published = api ("GET", public_url, NULL, NULL);
    g_autoptr(Reply) detail = NULL;
    g_autoptr(Reply) off = NULL, hidden = NULL, staff = NULL, on = NULL;
    g_autofree char *data = g_strdup_printf ("/api/v1/public/archive/%" G_GINT64_FORMAT, id);

    assert_status (editor, SOUP_STATUS_OK);
    g_assert_cmpstr (soup_message_headers_get_content_type (editor->headers, NULL), ==,
                     "video/mp4");
    g_assert_nonnull (strstr (soup_message_headers_get_one (editor->headers,
                                                            "Content-Disposition"),
                              "attachment"));
    g_assert_cmpmem (editor->body + 4, 4, "ftyp", 4);
    assert_error (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    assert_status (published, SOUP_STATUS_OK);
    g_assert_cmpmem (published->body + 4, 4, "ftyp", 4);
    detail = api ("GET", data, NULL, NULL);
    g_assert_nonnull (strstr (detail->body, public_url));

    off = api ("PATCH", session_path, "editor", "{\"public\": false}");
    assert_status (off, SOUP_STATUS_OK);
    hidden = api ("GET", public_url, NULL, NULL);
    assert_error (hidden, SOUP_STATUS_NOT_FOUND, "not-found");
    staff = api ("GET", download, "operator", NULL);
    assert_status (staff, SOUP_STATUS_OK);
    on = api ("PATCH", session_path, "editor", "{\"public\": true}");
    assert_status (on, SOUP_STATUS_OK);
  }

  /* A slow one (square: a full re-encode), cancelled. */
  {
    g_autofree char *slow = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"in\": 0, "
                                             "\"out\": 6.5, \"mode\": \"exact\", \"preset\": "
                                             "\"square\"}", id);
    g_autofree char *path = NULL;
    g_autoptr(Reply) cancel = NULL, again = NULL, operator = NULL;

    wait.job = create_clip (slow);
    path = g_strdup_printf ("/api/v1/clips/jobs/%" G_GINT64_FORMAT, wait.job);
    operator = api ("DELETE", path, "admin", NULL);
    assert_status (operator, SOUP_STATUS_ACCEPTED);
    wait.state = "cancelled";
    g_assert_true (tribuna_test_wait_until (job_in_state, &wait, 60));
    again = api ("DELETE", path, "editor", NULL);
    assert_error (again, SOUP_STATUS_CONFLICT, "finished");
  }

  /* Who may, and bad input. */
  {
    g_autofree char *both = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"item\": "
                                             "\"3\", \"in\": 1, \"out\": 2}", id);
    g_autofree char *reversed = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"in\": 5,"
                                                 " \"out\": 2}", id);
    g_autofree char *past = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"in\": 5,"
                                             " \"out\": 5000}", id);
    g_autofree char *string_in = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"in\": "
                                                  "\"5\", \"out\": 8}", id);
    g_autofree char *no_item = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"item\": "
                                                "\"42\"}", id);
    g_autofree char *unmarked = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"item\":"
                                                 " \"2\"}", id);
    g_autofree char *bad_mode = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"item\": "
                                                 "\"3\", \"mode\": \"slow\"}", id);
    g_autofree char *bad_preset = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"item\":"
                                                   " \"3\", \"preset\": \"tiktok\"}", id);
    g_autofree char *nothing = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT "}", id);
    g_autofree char *bad_range_type = g_strdup_printf ("{\"session\": %" G_GINT64_FORMAT ", \"in\": "
                                                       "[1], \"out\": 8}", id);
    g_autoptr(Reply) anonymous = api ("POST", "/api/v1/clips", NULL, "{\"session\": 1}");
    g_autoptr(Reply) list_anonymous = api ("GET", "/api/v1/clips", NULL, NULL);
    g_autoptr(Reply) r_both = api ("POST", "/api/v1/clips", "editor", both);
    g_autoptr(Reply) r_reversed = api ("POST", "/api/v1/clips", "editor", reversed);
    g_autoptr(Reply) r_past = api ("POST", "/api/v1/clips", "editor", past);
    g_autoptr(Reply) r_string = api ("POST", "/api/v1/clips", "editor", string_in);
    g_autoptr(Reply) r_no_item = api ("POST", "/api/v1/clips", "editor", no_item);
    g_autoptr(Reply) r_unmarked = api ("POST", "/api/v1/clips", "editor", unmarked);
    g_autoptr(Reply) r_mode = api ("POST", "/api/v1/clips", "editor", bad_mode);
    g_autoptr(Reply) r_preset = api ("POST", "/api/v1/clips", "editor", bad_preset);
    g_autoptr(Reply) r_nothing = api ("POST", "/api/v1/clips", "editor", nothing);
    g_autoptr(Reply) r_range_type = api ("POST", "/api/v1/clips", "editor", bad_range_type);
    g_autoptr(Reply) r_unknown = api ("POST", "/api/v1/clips", "editor",
                                      "{\"session\": 999999, \"item\": \"1\"}");
    g_autoptr(Reply) r_session_type = api ("POST", "/api/v1/clips", "editor",
                                           "{\"session\": \"1\", \"item\": \"1\"}");
    g_autoptr(Reply) r_no_session = api ("POST", "/api/v1/clips", "editor", "{\"item\": \"1\"}");
    g_autoptr(Reply) r_malformed = api ("POST", "/api/v1/clips", "editor", "{\"session\": ");
    g_autoptr(Reply) r_unknown_member = api ("POST", "/api/v1/clips", "editor",
                                             "{\"session\": 1, \"format\": \"mp4\"}");
    g_autoptr(Reply) no_job = api ("GET", "/api/v1/clips/jobs/999999", "editor", NULL);
    g_autoptr(Reply) bad_job = api ("GET", "/api/v1/clips/jobs/abc", "editor", NULL);
    g_autoptr(Reply) no_clip = api ("GET", "/api/v1/clips/999999/download", "editor", NULL);
    g_autoptr(Reply) no_public = api ("GET", "/archive/clips/999999.mp4", NULL, NULL);
    g_autoptr(Reply) bad_public = api ("GET", "/archive/clips/x.mp4", NULL, NULL);
    g_autoptr(Reply) bad_list = api ("GET", "/api/v1/clips?session=abc", "editor", NULL);

    assert_error (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    assert_error (list_anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    assert_error (r_both, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (r_reversed, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (r_past, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (r_string, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    assert_error (r_no_item, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (r_unmarked, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (r_mode, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (r_preset, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid");
    assert_error (r_nothing, SOUP_STATUS_UNPROCESSABLE_ENTITY, "missing");
    assert_error (r_range_type, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    assert_error (r_unknown, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (r_session_type, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type");
    assert_error (r_no_session, SOUP_STATUS_UNPROCESSABLE_ENTITY, "missing");
    assert_error (r_malformed, SOUP_STATUS_BAD_REQUEST, "malformed-json");
    assert_error (r_unknown_member, SOUP_STATUS_UNPROCESSABLE_ENTITY, "unknown-member");
    assert_error (no_job, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (bad_job, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (no_clip, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (no_public, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (bad_public, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (bad_list, SOUP_STATUS_BAD_REQUEST, "invalid");
  }

  /* A cookie without its CSRF token makes no clip. */
  {
    Login login = log_in ("editor", PASSWORD, NULL, NULL);
    g_autoptr(Reply) no_csrf = with_cookie ("POST", "/api/v1/clips", &login, NULL, body);
    g_autoptr(Reply) bad_csrf = with_cookie ("POST", "/api/v1/clips", &login, "zz", body);

    assert_error (no_csrf, SOUP_STATUS_FORBIDDEN, "csrf");
    assert_error (bad_csrf, SOUP_STATUS_FORBIDDEN, "csrf");
    login_clear (&login);
  }
}

/* Throttling, on a server of its own so its counts start at zero */

static void
test_login_throttle (void)
{
  g_autoptr(TribunaHttpServer) server = tribuna_http_server_new (world.engine, world.accounts);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();

  g_assert_true (tribuna_http_server_listen (server, "127.0.0.1", 0, NULL, NULL, &error));
  g_assert_no_error (error);
  url = tribuna_http_server_get_url (server);

  /* Per account: five failures, then even the right password waits. */
  for (guint i = 0; i < TRIBUNA_HTTP_LOGIN_ACCOUNT_LIMIT; i++)
    {
      Call call = { .method = "POST", .path = "/api/v1/login", .length = -1, .base_url = url,
                    .session = session,
                    .body = "{\"user\": \"operator\", \"password\": \"guess-guess-guess\"}" };
      g_autoptr(Reply) reply = send_call (&call);

      assert_error (reply, SOUP_STATUS_UNAUTHORIZED, "bad-credentials");
    }
  {
    Call call = { .method = "POST", .path = "/api/v1/login", .length = -1, .base_url = url,
                  .session = session,
                  .body = "{\"user\": \"OPERATOR\", \"password\": \"" PASSWORD "\"}" };
    g_autoptr(Reply) reply = send_call (&call);
    guint64 retry;

    assert_error (reply, 429, "too-many-attempts");
    g_assert_true (g_ascii_string_to_unsigned (soup_message_headers_get_one (reply->headers,
                                                                             "Retry-After"),
                                               10, 1, TRIBUNA_HTTP_LOGIN_BACKOFF_S, &retry,
                                               NULL));
  }

  /* Another account from the same address still may... */
  {
    Login login = log_in ("editor", PASSWORD, url, session);

    login_clear (&login);
  }

  /* ...until the address has failed too often, whatever the names. */
  for (guint i = TRIBUNA_HTTP_LOGIN_ACCOUNT_LIMIT; i < TRIBUNA_HTTP_LOGIN_ADDRESS_LIMIT; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"user\": \"guess%u\", \"password\": "
                                               "\"guess-guess-guess\"}", i);
      Call call = { .method = "POST", .path = "/api/v1/login", .length = -1, .base_url = url,
                    .session = session, .body = body };
      g_autoptr(Reply) reply = send_call (&call);

      assert_error (reply, SOUP_STATUS_UNAUTHORIZED, "bad-credentials");
    }
  {
    Call call = { .method = "POST", .path = "/api/v1/login", .length = -1, .base_url = url,
                  .session = session,
                  .body = "{\"user\": \"editor\", \"password\": \"" PASSWORD "\"}" };
    g_autoptr(Reply) reply = send_call (&call);

    assert_error (reply, 429, "too-many-attempts");
  }

  tribuna_http_server_stop (server);
}

/* Destinations saved through the API come back at the next start */

static void
test_restore_destinations (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tribuna_test_make_tmpdir ("tribuna-http-restore-XXXXXX", &error);
  g_autoptr(TribunaConfig) config = tribuna_config_new ();
  g_autoptr(TribunaEngine) engine = NULL;
  g_autoptr(TribunaAccounts) accounts = NULL;
  g_autoptr(TribunaHttpServer) server = NULL;
  g_autoptr(TribunaStoredDestination) stored = NULL;
  g_autoptr(TribunaStoredDestination) disabled = NULL;
  TribunaDestination *destination;

  accounts = tribuna_accounts_open (dir, &error);
  g_assert_no_error (error);
  stored = tribuna_stored_destination_new ("YouTube", "rtmp://a.rtmp.youtube.com:1935/live2",
                                           API_KEY "-yt", TRUE, TRUE);
  disabled = tribuna_stored_destination_new ("Rezerve", "rtmps://live-api-s.facebook.com:443/rtmp",
                                             API_KEY "-fb", FALSE, TRUE);
  g_assert_true (tribuna_accounts_add_destination (accounts, stored, &error));
  g_assert_true (tribuna_accounts_add_destination (accounts, disabled, &error));
  g_clear_object (&accounts);

  /* As a restart does it: a new engine, the file opened again, a new server. */
  engine = tribuna_engine_new (config, dir, &error);
  g_assert_no_error (error);
  accounts = tribuna_accounts_open (dir, &error);
  g_assert_no_error (error);
  server = tribuna_http_server_new (engine, accounts);

  destination = tribuna_engine_find_destination (engine, "YouTube");
  g_assert_nonnull (destination);
  g_assert_cmpstr (tribuna_destination_get_masked_url (destination), !=,
                   "rtmp://a.rtmp.youtube.com:1935/live2/" API_KEY "-yt");
  g_assert_null (strstr (tribuna_destination_get_masked_url (destination), API_KEY));
  g_assert_null (tribuna_engine_find_destination (engine, "Rezerve"));

  /* A second server over the same engine adds nothing twice. */
  {
    g_autoptr(TribunaHttpServer) second = tribuna_http_server_new (engine, accounts);

    g_assert_cmpuint (g_list_model_get_n_items (tribuna_engine_get_destinations (engine)), ==, 1);
  }

  g_clear_object (&server);
  g_clear_object (&engine);
  tribuna_test_rm_rf (dir, NULL);
}

/* HTTPS */

static void
test_tls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tribuna_test_make_tmpdir ("tribuna-http-tls-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autoptr(TribunaHttpServer) server = tribuna_http_server_new (world.engine, world.accounts);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                         "-subj", "/CN=localhost", "-keyout", key, "-out", cert, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error) || status != 0)
    g_error ("openssl cannot make a test certificate: %s", error ? error->message : err);

  g_assert_false (tribuna_http_server_listen (server, "127.0.0.1", 0, cert, cert, &error));
  g_assert_error (error, TRIBUNA_HTTP_ERROR, TRIBUNA_HTTP_ERROR_TLS);
  g_clear_error (&error);
  g_assert_true (tribuna_http_server_listen (server, "127.0.0.1", 0, cert, key, &error));
  g_assert_no_error (error);
  url = tribuna_http_server_get_url (server);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));

  /* The self-signed certificate is trusted by this test's client only. */
  trust_any_certificate = TRUE;
  {
    Login login = log_in ("editor", PASSWORD, url, session);
    Call call = { .method = "GET", .path = "/api/v1/me", .cookie = login.cookie,
                  .base_url = url, .session = session };
    g_autoptr(Reply) me = send_call (&call);

    assert_status (me, SOUP_STATUS_OK);
    g_assert_nonnull (soup_message_headers_get_one (me->headers, "Strict-Transport-Security"));
    login_clear (&login);
  }
  trust_any_certificate = FALSE;

  tribuna_http_server_stop (server);
  tribuna_test_rm_rf (dir, NULL);
}

/* The daemon's account commands */

static int
run_daemon (const char * const *args,
            const char         *input,
            char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("TRIBUNAD"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, out, &err, &error));
  g_assert_no_error (error);
  g_mutex_lock (&logs_lock);
  g_string_append (world.logs, *out);
  g_string_append (world.logs, err);
  g_mutex_unlock (&logs_lock);
  return g_subprocess_get_exit_status (process);
}

static void
test_daemon_accounts (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tribuna_test_make_tmpdir ("tribuna-http-cli-XXXXXX", &error);
  g_autofree char *out = NULL;
  g_autoptr(TribunaAccounts) accounts = NULL;
  g_autoptr(TribunaAccount) account = NULL;
  g_autoptr(TribunaAccount) by_token = NULL;
  g_autofree char *hash = NULL;
  const char *create[] = { "--data-dir", dir, "--create-admin", "drita", NULL };
  const char *bad_name[] = { "--data-dir", dir, "--create-admin", "dr ita", NULL };
  const char *token[] = { "--data-dir", dir, "--create-token", "drita", NULL };
  const char *no_account[] = { "--data-dir", dir, "--create-token", "nobody", NULL };
  const char *bad_http[] = { "--data-dir", dir, "--http", "localhost:80", NULL };

  if (g_getenv ("TRIBUNAD") == NULL)
    {
      g_test_skip ("TRIBUNAD is not set (run through meson test)");
      return;
    }

  g_assert_cmpint (run_daemon (create, "short\n", &out), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_daemon (create, "", &out), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_daemon (bad_name, PASSWORD "\n", &out), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_daemon (create, PASSWORD "\n", &out), ==, 0);
  g_assert_nonnull (strstr (out, "administrator “drita” created"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_daemon (create, PASSWORD "\n", &out), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_daemon (no_account, NULL, &out), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_daemon (bad_http, NULL, &out), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_daemon (token, NULL, &out), ==, 0);
  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "trb_"));

  accounts = tribuna_accounts_open (dir, &error);
  g_assert_no_error (error);
  account = tribuna_accounts_lookup (accounts, "drita", &error);
  g_assert_no_error (error);
  g_assert_cmpint (account->role, ==, TRIBUNA_ROLE_ADMIN);
  hash = tribuna_accounts_get_password_hash (accounts, "drita", &error);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_true (tribuna_accounts_verify_password (hash, PASSWORD));
  by_token = tribuna_accounts_check_token (accounts, out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_token->name, ==, "drita");

  g_clear_object (&accounts);
  tribuna_test_rm_rf (dir, NULL);
}

/* Last: no stream key anywhere */

static gboolean
contains_bytes (const char *data,
                gsize       length,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    {
      if (memcmp (data + i, needle, n) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_keys_never_leak (void)
{
  const char *keys[] = { API_KEY, API_KEY_2, CONFIG_KEY };
  g_autofree char *secrets = g_build_filename (world.data_dir, TRIBUNA_ACCOUNTS_FILE_NAME, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_test_message ("checked %" G_GSIZE_FORMAT " bytes of replies and events, %" G_GSIZE_FORMAT
                  " bytes of logs", world.seen->len, world.logs->len);
  g_assert_cmpuint (world.seen->len, >, 10000);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (strstr (world.seen->str, keys[i]) != NULL)
        g_error ("the key %s is in a reply", keys[i]);
      if (strstr (world.logs->str, keys[i]) != NULL)
        g_error ("the key %s is in the log", keys[i]);
    }

  /* It went to nginx, and it is kept in the private file: the key was real. */
  {
    g_autoptr(GPtrArray) recordings = tribuna_test_nginx_recordings (world.nginx, API_KEY);

    g_assert_cmpuint (recordings->len, >, 0);
  }
  g_assert_true (g_file_get_contents (secrets, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (contains_bytes (contents, length, API_KEY));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  world.logs = g_string_new (NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http/unit/address-parse", test_parse_address);
  g_test_add_func ("/http/unit/config-http-group", test_config_http);
  g_test_add_func ("/http/unit/accounts-file", test_accounts_file);
  g_test_add_func ("/http/api/not-found-and-methods", test_not_found_and_methods);
  g_test_add_func ("/http/api/path-traversal", test_path_traversal);
  g_test_add_func ("/http/api/bad-bodies", test_bad_bodies);
  g_test_add_func ("/http/auth/matrix", test_access_matrix);
  g_test_add_func ("/http/auth/login-cookie-csrf", test_login_cookie_csrf);
  g_test_add_func ("/http/auth/tokens", test_tokens);
  g_test_add_func ("/http/auth/accounts", test_accounts_api);
  g_test_add_func ("/http/engine/status", test_status);
  g_test_add_func ("/http/engine/destinations", test_destinations);
  g_test_add_func ("/http/engine/recording", test_recording);
  g_test_add_func ("/http/engine/event-stream", test_event_stream);
  g_test_add_func ("/http/engine/sources-switching", test_sources_switching);
  g_test_add_func ("/http/engine/sources-sound-pictures", test_sources_sound_and_pictures);
  g_test_add_func ("/http/engine/sessions", test_sessions);
  g_test_add_func ("/http/engine/session-patch", test_session_patch);
  g_test_add_func ("/http/engine/archive", test_archive);
  g_test_add_func ("/http/engine/clips", test_clips);
  g_test_add_func ("/http/server/login-throttle", test_login_throttle);
  g_test_add_func ("/http/server/restore-destinations", test_restore_destinations);
  g_test_add_func ("/http/server/tls", test_tls);
  g_test_add_func ("/http/daemon/accounts", test_daemon_accounts);
  g_test_add_func ("/http/secrets/keys-never-leak", test_keys_never_leak);

  world_setup ();
  status = g_test_run ();
  world_teardown ();
  g_string_free (world.seen, TRUE);

  return status;
}
