/* live-test.c: the public page's own live stream: the HLS output, what the web server
 * serves of it and when, and the page's anonymous status events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /live/hls/…: a TribunaHlsOutput on a real program (test sources): 2 s segments that
 * decode, a playlist of the configured length, old segments removed, a folder emptied at
 * start and stop, a start that waits for a keyframe after a given instant, and a clear
 * error when hlssink2 is not installed.
 *
 * /live/http/…: one engine and its HTTP server on 127.0.0.1, with a libsoup client as an
 * anonymous visitor: the page and its assets, and the stream served only while a public
 * session is live and outside its private parts — a private part empties the folder and
 * refuses every request in the same instant it starts, and the stream that follows is a
 * new run. A broken output rebuilds itself while the recording goes on.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "test-utils.h"
#include "tribuna-engine-private.h"   /* the live stream's feed, to see where a run starts */
#include "tribuna-hls-output.h"
#include "tribuna-http-server.h"
#include "tribuna-program.h"

#define TIMEOUT_S  40
#define ITEM_3     "Pyetje dhe përgjigje"

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Files */

static guint
count_files (const char *dir,
             const char *suffix)
{
  g_autoptr(GPtrArray) files = tribuna_test_find_files (dir, suffix);

  return files->len;
}

static guint
count_lines_with (const char *text,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The HLS output on its own */

typedef struct {
  TribunaHlsOutput *hls;
  TribunaHlsState   state;
  guint             segments;
} HlsWait;

static gboolean
hls_reached (gpointer data)
{
  HlsWait *wait = data;

  return tribuna_hls_output_get_state (wait->hls) == wait->state
         && tribuna_hls_output_get_segments (wait->hls) >= wait->segments;
}

static void
wait_for_hls (TribunaHlsOutput *hls,
              TribunaHlsState   state,
              guint             segments)
{
  HlsWait wait = { hls, state, segments };

  if (!tribuna_test_wait_until (hls_reached, &wait, TIMEOUT_S))
    g_error ("the live stream is %s with %u segment(s), not %s with %u (last error: %s)",
             tribuna_hls_state_to_string (tribuna_hls_output_get_state (hls)),
             tribuna_hls_output_get_segments (hls), tribuna_hls_state_to_string (state),
             segments, tribuna_hls_output_get_last_error (hls));
}

static gboolean
program_running (gpointer data)
{
  return tribuna_program_get_state (data) == TRIBUNA_PROGRAM_RUNNING;
}

static TribunaProgram *
start_program (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaSourceConfig) source = tribuna_source_config_parse ("Test", "test:smpte",
                                                                       &error);
  TribunaProgramFormat format = {
    .width = 320, .height = 180, .framerate = 15, .video_kbps = 300, .audio_kbps = 96,
    .keyframe_seconds = 2, .encoder_preset = (char *) "ultrafast",
  };
  TribunaProgram *program;

  g_assert_no_error (error);
  program = tribuna_program_new (&format, source);
  g_assert_true (tribuna_program_start (program, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (program_running, program, TIMEOUT_S));
  return program;
}

static char *
segment_name (TribunaHlsOutput *hls,
              guint             index)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "-%05u.ts", tribuna_hls_output_get_run (hls),
                          index);
}

static void
test_hls_segments (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tribuna_test_make_tmpdir ("tribuna-hls-XXXXXX", &error);
  g_autofree char *stray_dir = g_build_filename (dir, "not-ours", NULL);
  g_autofree char *stray_file = g_build_filename (stray_dir, "keep.txt", NULL);
  g_autofree char *stale = g_build_filename (dir, "1-00000.ts", NULL);
  g_autofree char *playlist_path = g_build_filename (dir, TRIBUNA_HLS_PLAYLIST_NAME, NULL);
  g_autofree char *playlist = NULL;
  g_autofree char *in_progress = NULL;
  g_autofree char *gone = NULL;
  g_autoptr(TribunaProgram) program = start_program ();
  g_autoptr(TribunaFeed) feed = tribuna_feed_new (TRIBUNA_FEED_LOSSY);
  g_autoptr(TribunaHlsOutput) hls = tribuna_hls_output_new (dir, feed);
  g_autoptr(TribunaTestMedia) media = NULL;
  GstClockTime not_before;
  guint segments, last_listed = 0;

  g_assert_no_error (error);
  /* What an earlier run (or a crash) left: removed at start; a folder below is not ours. */
  g_assert_cmpint (g_mkdir (stray_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (stray_file, "x", -1, NULL));
  g_assert_true (g_file_set_contents (stale, "old", -1, NULL));
  g_assert_true (g_file_set_contents (playlist_path, "#EXTM3U\nold\n", -1, NULL));

  tribuna_program_add_feed (program, feed);
  tribuna_hls_output_set_playlist_length (hls, 3);
  g_assert_cmpuint (tribuna_hls_output_get_target_duration (hls), ==, 2);

  /* The first segment starts at a keyframe captured at least 3 s from now. */
  not_before = tribuna_program_get_running_time (program) + 3 * GST_SECOND;
  tribuna_hls_output_start (hls, not_before);
  g_assert_true (tribuna_hls_output_get_wanted (hls));
  g_assert_cmpint (tribuna_hls_output_get_state (hls), ==, TRIBUNA_HLS_STARTING);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (playlist_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (stray_file, G_FILE_TEST_EXISTS));
  g_assert_null (tribuna_hls_output_get_playlist_path (hls));

  wait_for_hls (hls, TRIBUNA_HLS_LIVE, 1);
  g_assert_cmpuint (tribuna_feed_get_base_time (feed), >=, not_before);
  g_assert_cmpstr (tribuna_hls_output_get_playlist_path (hls), ==, playlist_path);

  /* Eight segments: the playlist lists the last three, the folder keeps six. */
  wait_for_hls (hls, TRIBUNA_HLS_LIVE, 8);
  g_assert_true (g_file_get_contents (playlist_path, &playlist, NULL, NULL));
  segments = tribuna_hls_output_get_segments (hls);
  g_test_message ("after %u segments:\n%s", segments, playlist);
  g_assert_nonnull (strstr (playlist, "#EXT-X-TARGETDURATION:2\n"));
  g_assert_cmpuint (count_lines_with (playlist, "#EXTINF:"), ==, 3);
  /* The bus message that counts a segment comes just after hlssink2 listed it. */
  for (guint i = segments + 1; i >= 3 && last_listed == 0; i--)
    {
      g_autofree char *name = segment_name (hls, i);

      if (strstr (playlist, name) != NULL)
        last_listed = i;
    }
  g_assert_cmpuint (last_listed, >=, segments - 1);
  for (guint i = last_listed - 2; i <= last_listed && i < segments; i++)
    {
      g_autofree char *name = segment_name (hls, i);

      g_assert_nonnull (strstr (playlist, name));
      g_assert_true (tribuna_hls_output_is_servable_segment (hls, name));
    }
  g_assert_cmpuint (count_files (dir, ".ts"), <=, 6 + 1);

  in_progress = segment_name (hls, segments + 1);
  gone = segment_name (hls, segments - 7);
  g_assert_false (tribuna_hls_output_is_servable_segment (hls, in_progress));
  g_assert_false (tribuna_hls_output_is_servable_segment (hls, gone));
  g_assert_false (tribuna_hls_output_is_servable_segment (hls, "1-00000.ts"));
  g_assert_false (tribuna_hls_output_is_servable_segment (hls, "../index.m3u8"));
  g_assert_false (tribuna_hls_output_is_servable_segment (hls, TRIBUNA_HLS_PLAYLIST_NAME));

  /* Each segment plays on its own: H.264 and AAC, about one keyframe interval long. */
  {
    g_autofree char *name = segment_name (hls, last_listed - 1);
    g_autofree char *path = g_build_filename (dir, name, NULL);

    media = tribuna_test_probe (path, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (media->video_codec, ==, "h264");
    g_assert_cmpuint (media->width, ==, 320);
    g_assert_cmpstr (media->audio_codec, ==, "aac");
    g_assert_cmpfloat (media->duration, >, 1.5);
    g_assert_cmpfloat (media->duration, <, 2.7);
  }

  /* Stopped: nothing of it stays to be served. */
  tribuna_hls_output_stop (hls);
  g_assert_cmpint (tribuna_hls_output_get_state (hls), ==, TRIBUNA_HLS_STOPPED);
  g_assert_false (tribuna_hls_output_get_wanted (hls));
  g_assert_cmpuint (count_files (dir, ".ts"), ==, 0);
  g_assert_false (g_file_test (playlist_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (tribuna_hls_output_get_run (hls), ==, 0);
  g_assert_true (g_file_test (stray_file, G_FILE_TEST_EXISTS));

  tribuna_program_remove_feed (program, feed);
  tribuna_program_stop (program);
  tribuna_test_rm_rf (dir, NULL);
}

/* Debian ships hlssink2 in gstreamer1.0-plugins-bad; without it the output says so once
 * and does not retry. */
static void
test_hls_missing_element (void)
{
  GstRegistry *registry = gst_registry_get ();
  g_autoptr(GstPluginFeature) feature = gst_registry_lookup_feature (registry, "hlssink2");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tribuna_test_make_tmpdir ("tribuna-hls-XXXXXX", &error);
  g_autoptr(TribunaFeed) feed = tribuna_feed_new (TRIBUNA_FEED_LOSSY);
  g_autoptr(TribunaHlsOutput) hls = tribuna_hls_output_new (dir, feed);
  const char *message;

  g_assert_no_error (error);
  g_assert_nonnull (feature);
  gst_registry_remove_feature (registry, feature);

  g_test_expect_message ("tribuna-hls", G_LOG_LEVEL_WARNING, "*hlssink2*not installed*");
  tribuna_hls_output_start (hls, 0);
  g_test_assert_expected_messages ();
  message = tribuna_hls_output_get_last_error (hls);
  g_test_message ("%s", message);
  g_assert_cmpint (tribuna_hls_output_get_state (hls), ==, TRIBUNA_HLS_FAILED);
  g_assert_false (tribuna_hls_output_get_wanted (hls));
  g_assert_nonnull (strstr (message, "hlssink2"));
  g_assert_nonnull (strstr (message, "gstreamer1.0-plugins-bad"));
  tribuna_test_iterate_for (1.5);
  g_assert_cmpuint (tribuna_hls_output_get_restarts (hls), ==, 0);

  gst_registry_add_feature (registry, g_object_ref (feature));
  g_assert_true (gst_element_factory_find ("hlssink2") != NULL);
  tribuna_test_rm_rf (dir, NULL);
}

/* The engine and its web server */

typedef struct {
  char              *data_dir;
  char              *hls_dir;
  TribunaEngine     *engine;
  TribunaAccounts   *accounts;
  TribunaHttpServer *server;
  SoupSession       *session;
  char              *base_url;
  char              *segment;        /* a segment name served before the private part */
  gint64            run;
} World;

static World world;

typedef struct {
  guint               status;
  char               *body;
  gsize               length;
  SoupMessageHeaders *headers;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

typedef struct {
  GBytes   *bytes;
  GError   *error;
  gboolean  done;
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

/* An anonymous request; @header (may be NULL) is "Name: value". */
static Reply *
request (const char *method,
         const char *path,
         const char *header)
{
  g_autofree char *url = g_strconcat (world.base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Pending pending = { 0 };
  Reply *reply = g_new0 (Reply, 1);

  g_assert_nonnull (msg);
  if (header != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (header, ": ", 2);

      soup_message_headers_replace (soup_message_get_request_headers (msg), parts[0], parts[1]);
    }
  soup_session_send_and_read_async (world.session, msg, G_PRIORITY_DEFAULT, NULL, on_sent,
                                    &pending);
  g_assert_true (tribuna_test_wait_until (is_true, &pending.done, TIMEOUT_S));
  g_assert_no_error (pending.error);

  reply->status = soup_message_get_status (msg);
  reply->length = g_bytes_get_size (pending.bytes);
  /* Binary bodies (segments, gzip) keep their NULs; a NUL after the end makes text easy. */
  reply->body = g_malloc (reply->length + 1);
  memcpy (reply->body, g_bytes_get_data (pending.bytes, NULL), reply->length);
  reply->body[reply->length] = '\0';
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  g_bytes_unref (pending.bytes);

  /* Every reply, page or error, carries the security headers. */
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "X-Content-Type-Options"), ==,
                   "nosniff");
  g_assert_nonnull (strstr (soup_message_headers_get_one (reply->headers,
                                                          "Content-Security-Policy"),
                            "frame-ancestors 'none'"));
  return reply;
}

static Reply *
get (const char *path)
{
  return request ("GET", path, NULL);
}

static const char *
header (Reply      *reply,
        const char *name)
{
  return soup_message_headers_get_one (reply->headers, name);
}

static void
assert_error (Reply      *reply,
              guint       status,
              const char *code)
{
  g_autofree char *needle = g_strdup_printf ("\"code\":\"%s\"", code);

  if (reply->status != status || strstr (reply->body, needle) == NULL)
    g_error ("expected %u %s, got %u: %s", status, code, reply->status, reply->body);
}

static JsonObject *
public_status (void)
{
  g_autoptr(Reply) reply = get ("/api/v1/public/status");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
  node = json_from_string (reply->body, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static gboolean
program_is_running (gpointer data)
{
  return tribuna_engine_get_program_state (world.engine) == TRIBUNA_PROGRAM_RUNNING;
}

static void
world_setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaConfig) config = NULL;

  world.data_dir = tribuna_test_make_tmpdir ("tribuna-live-XXXXXX", &error);
  g_assert_no_error (error);
  config = tribuna_config_new_from_data ("[program]\nwidth=320\nheight=180\nframerate=15\n"
                                         "video-bitrate=300\nencoder-preset=ultrafast\n"
                                         "[recording]\nsegment-seconds=2\n", "test.conf",
                                         world.data_dir, &error);
  g_assert_no_error (error);
  world.engine = tribuna_engine_new (config, world.data_dir, &error);
  g_assert_no_error (error);
  world.hls_dir = g_strdup (tribuna_engine_get_hls_directory (world.engine));
  g_assert_true (g_str_has_prefix (world.hls_dir, world.data_dir));
  g_assert_true (tribuna_engine_start (world.engine, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (program_is_running, NULL, TIMEOUT_S));

  world.accounts = tribuna_accounts_open (world.data_dir, &error);
  g_assert_no_error (error);
  world.server = tribuna_http_server_new (world.engine, world.accounts);
  g_assert_true (tribuna_http_server_listen (world.server, "127.0.0.1", 0, NULL, NULL, &error));
  g_assert_no_error (error);
  world.base_url = tribuna_http_server_get_url (world.server);
  world.session = soup_session_new_with_options ("timeout", 60, NULL);
  /* Bytes as sent: the gzip test reads the compressed body itself. */
  soup_session_remove_feature_by_type (world.session, SOUP_TYPE_CONTENT_DECODER);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean *done = user_data;

  if (g_task_get_source_tag (G_TASK (result)) == tribuna_engine_end_session_async)
    tribuna_engine_end_session_finish (TRIBUNA_ENGINE (object), result, &error);
  else
    tribuna_engine_shutdown_finish (TRIBUNA_ENGINE (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static void
world_teardown (void)
{
  gboolean done = FALSE;

  g_clear_object (&world.session);
  tribuna_http_server_stop (world.server);
  g_clear_object (&world.server);
  tribuna_engine_shutdown_async (world.engine, NULL, on_done, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, TIMEOUT_S));
  g_clear_object (&world.engine);
  g_clear_object (&world.accounts);
  tribuna_test_rm_rf (world.data_dir, NULL);
  g_clear_pointer (&world.data_dir, g_free);
  g_clear_pointer (&world.hls_dir, g_free);
  g_clear_pointer (&world.base_url, g_free);
  g_clear_pointer (&world.segment, g_free);
}

static void
end_session (void)
{
  gboolean done = FALSE;

  tribuna_engine_end_session_async (world.engine, NULL, on_done, &done);
  g_assert_true (tribuna_test_wait_until (is_true, &done, TIMEOUT_S));
}

static void
start_session (gboolean is_public)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *agenda = g_test_build_filename (G_TEST_DIST, "fixtures", "agendas",
                                                   "kuvendi-2024-03-28.txt", NULL);
  g_autoptr(TribunaSession) session =
    tribuna_engine_create_session (world.engine, TRIBUNA_SESSION_TYPE_ASSEMBLY,
                                   is_public ? "Seanca e tetë" : "Takim pune", NULL, NULL,
                                   is_public, &error);

  g_assert_no_error (error);
  g_assert_true (tribuna_engine_open_session (world.engine, session->id, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_import_agenda (world.engine, agenda, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_engine_start_session (world.engine, &error));
  g_assert_no_error (error);
}

/* The page */

static void
assert_asset (const char *path,
              const char *content_type)
{
  g_autoptr(Reply) reply = get (path);

  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (header (reply, "Content-Type"), ==, content_type);
  g_assert_nonnull (header (reply, "ETag"));
  g_assert_cmpuint (reply->length, >, 0);
}

static void
test_http_page (void)
{
  g_autoptr(Reply) page = get ("/");
  g_autoptr(Reply) head = request ("HEAD", "/", NULL);
  g_autoptr(Reply) post = request ("POST", "/", NULL);
  g_autoptr(Reply) plain = get ("/static/hls.min.js");
  g_autoptr(Reply) gzipped = request ("GET", "/static/hls.min.js", "Accept-Encoding: gzip");
  g_autoptr(Reply) again = NULL;
  const char *csp = header (page, "Content-Security-Policy");
  g_autofree char *etag_header = NULL;
  const char *p;

  g_assert_cmpuint (page->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (header (page, "Content-Type"), ==, "text/html; charset=utf-8");
  g_assert_nonnull (strstr (page->body, "<html lang=\"sq\">"));
  /* Scripts from the appliance only, never inline, and no other host anywhere. */
  g_assert_nonnull (strstr (csp, "script-src 'self';"));
  g_assert_null (strstr (csp, "unsafe"));
  g_assert_null (strstr (csp, "http"));
  for (p = strstr (page->body, "<script"); p != NULL; p = strstr (p + 1, "<script"))
    g_assert_true (g_str_has_prefix (p, "<script src=\"/static/"));
  g_assert_null (strstr (page->body, "style="));
  g_assert_null (strstr (page->body, "://"));

  g_assert_cmpuint (head->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (head->length, ==, 0);
  assert_error (post, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed");
  g_assert_cmpstr (header (post, "Allow"), ==, "GET, HEAD");

  assert_asset ("/static/live.js", "text/javascript; charset=utf-8");
  assert_asset ("/static/live.css", "text/css; charset=utf-8");
  assert_asset ("/static/icon.svg", "image/svg+xml");
  assert_asset ("/static/hls.worker.js", "text/javascript; charset=utf-8");
  {
    g_autoptr(Reply) unknown = get ("/static/index.html");
    g_autoptr(Reply) package = get ("/static/package.json");

    assert_error (unknown, SOUP_STATUS_NOT_FOUND, "not-found");
    assert_error (package, SOUP_STATUS_NOT_FOUND, "not-found");
  }

  /* hls.js from npm, compiled in; gzipped for whoever accepts it, same bytes inside. */
  g_assert_cmpuint (plain->status, ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (plain->body, "hls.js"));
  g_assert_cmpstr (header (gzipped, "Content-Encoding"), ==, "gzip");
  g_assert_cmpuint (gzipped->length, <, plain->length / 2);
  g_assert_cmpstr (header (gzipped, "Vary"), ==, "Accept-Encoding");
  {
    g_autoptr(GZlibDecompressor) decompressor =
      g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    g_autoptr(GInputStream) compressed = g_memory_input_stream_new_from_data (gzipped->body,
                                                                              gzipped->length,
                                                                              NULL);
    g_autoptr(GInputStream) in = g_converter_input_stream_new (compressed,
                                                              G_CONVERTER (decompressor));
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
    g_autoptr(GBytes) bytes = NULL;

    g_assert_cmpint (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL,
                                             NULL), ==, (gssize) plain->length);
    bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), plain->body,
                     plain->length);
  }

  /* A browser that has it already gets a 304. */
  etag_header = g_strdup_printf ("If-None-Match: %s", header (plain, "ETag"));
  again = request ("GET", "/static/hls.min.js", etag_header);
  g_assert_cmpuint (again->status, ==, SOUP_STATUS_NOT_MODIFIED);
  g_assert_cmpuint (again->length, ==, 0);
}

/* Nothing live: the page learns of the next public session, and the stream is a 404. */
static void
test_http_nothing_live (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *date = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autoptr(TribunaSession) closed =
    tribuna_engine_create_session (world.engine, TRIBUNA_SESSION_TYPE_KPF, "Mbledhje e mbyllur",
                                   NULL, NULL, FALSE, &error);
  g_autoptr(TribunaSession) planned =
    tribuna_engine_create_session (world.engine, TRIBUNA_SESSION_TYPE_BUDGET_HEARING,
                                   "Dëgjimi buxhetor për vitin 2025", date, "Salla e Kuvendit",
                                   TRUE, &error);
  g_autoptr(JsonObject) status = public_status ();
  g_autoptr(Reply) playlist = get ("/live/index.m3u8");
  JsonObject *next;

  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (status, "live"));
  g_assert_true (json_object_get_null_member (status, "session"));
  g_assert_true (json_object_get_null_member (status, "playlist"));
  next = json_object_get_object_member (status, "next");
  g_assert_cmpstr (json_object_get_string_member (next, "title"), ==,
                   "Dëgjimi buxhetor për vitin 2025");
  g_assert_cmpstr (json_object_get_string_member (next, "type"), ==, "budget-hearing");
  g_assert_cmpstr (json_object_get_string_member (next, "date"), ==, date);
  g_assert_cmpstr (json_object_get_string_member (next, "place"), ==, "Salla e Kuvendit");
  g_assert_false (json_object_has_member (next, "id"));

  assert_error (playlist, SOUP_STATUS_NOT_FOUND, "not-live");
  g_assert_cmpint (tribuna_hls_output_get_state (tribuna_engine_get_hls_output (world.engine)),
                   ==, TRIBUNA_HLS_IDLE);
}

static gboolean
is_recording (gpointer data)
{
  return tribuna_engine_get_recorder_state (world.engine) == TRIBUNA_RECORDER_RECORDING;
}

/* A session that is not public is recorded and never written for the page. */
static void
test_http_not_public (void)
{
  TribunaHlsOutput *hls = tribuna_engine_get_hls_output (world.engine);

  start_session (FALSE);
  g_assert_true (tribuna_test_wait_until (is_recording, NULL, TIMEOUT_S));
  tribuna_test_iterate_for (5);
  g_assert_false (tribuna_hls_output_get_wanted (hls));
  g_assert_cmpuint (count_files (world.hls_dir, ""), ==, 0);
  {
    g_autoptr(Reply) playlist = get ("/live/index.m3u8");
    g_autoptr(JsonObject) status = public_status ();

    assert_error (playlist, SOUP_STATUS_NOT_FOUND, "not-live");
    g_assert_true (json_object_get_null_member (status, "session"));
  }
  end_session ();
}

static char *
first_segment_of (const char *playlist)
{
  g_auto(GStrv) lines = g_strsplit (playlist, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_suffix (lines[i], ".ts"))
        return g_strdup (lines[i]);
    }
  return NULL;
}

static void
wait_until_live (void)
{
  wait_for_hls (tribuna_engine_get_hls_output (world.engine), TRIBUNA_HLS_LIVE, 1);
  g_assert_true (tribuna_engine_get_live_public (world.engine));
}

/* A public session: the stream is served, strictly by name. */
static void
test_http_public (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) playlist = NULL;
  g_autoptr(Reply) segment = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *segment_path = NULL;
  g_autofree char *segment_file = NULL;
  g_autofree char *expected_playlist = NULL;
  JsonObject *session;
  const char * const refused[] = {
    "/live/../tribuna.db", "/live/%2e%2e/tribuna.db", "/live/..%2Ftribuna.db",
    "/live/tribuna.db", "/live/tribuna-secrets.db", "/live/.index.m3u8", "/live/index.m3u8/x",
    "/live/", "/live/1-00000.ts", "/live/%31-00000.ts", "/live/segment00000.ts",
  };

  start_session (TRUE);
  wait_until_live ();
  world.run = tribuna_hls_output_get_run (tribuna_engine_get_hls_output (world.engine));

  playlist = get ("/live/index.m3u8");
  g_assert_cmpuint (playlist->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (header (playlist, "Content-Type"), ==, "application/vnd.apple.mpegurl");
  g_assert_nonnull (strstr (header (playlist, "Cache-Control"), "no-store"));
  g_assert_true (g_str_has_prefix (playlist->body, "#EXTM3U\n"));
  g_assert_nonnull (strstr (playlist->body, "#EXT-X-TARGETDURATION:2\n"));
  world.segment = first_segment_of (playlist->body);
  g_assert_nonnull (world.segment);

  segment_path = g_strconcat ("/live/", world.segment, NULL);
  segment = get (segment_path);
  g_assert_cmpuint (segment->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (header (segment, "Content-Type"), ==, "video/mp2t");
  g_assert_cmpuint (segment->length, >, 1000);
  segment_file = g_build_filename (world.data_dir, "served.ts", NULL);
  g_assert_true (g_file_set_contents (segment_file, segment->body, segment->length, NULL));
  {
    g_autoptr(TribunaTestMedia) media = tribuna_test_probe (segment_file, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (media->video_codec, ==, "h264");
    g_assert_cmpstr (media->audio_codec, ==, "aac");
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(Reply) reply = get (refused[i]);

      if (reply->status != SOUP_STATUS_NOT_FOUND && reply->status != SOUP_STATUS_BAD_REQUEST)
        g_error ("%s: %u %s", refused[i], reply->status, reply->body);
      g_assert_null (strstr (reply->body, "SQLite"));
    }

  /* The page's status: the session, its item, the playlist of this run. */
  g_assert_true (tribuna_engine_jump_to_item (world.engine, "3", "test", &error));
  g_assert_no_error (error);
  status = public_status ();
  g_assert_true (json_object_get_boolean_member (status, "live"));
  expected_playlist = g_strdup_printf ("/live/index.m3u8?run=%" G_GINT64_FORMAT, world.run);
  g_assert_cmpstr (json_object_get_string_member (status, "playlist"), ==, expected_playlist);
  session = json_object_get_object_member (status, "session");
  g_assert_cmpstr (json_object_get_string_member (session, "title"), ==, "Seanca e tetë");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session,
                                                                                 "item"),
                                                  "title"), ==, ITEM_3);
  g_assert_true (json_object_get_null_member (status, "next"));
}

/* The page's status stream: anonymous, and only what a citizen may know. */
typedef struct {
  SoupMessage  *msg;
  GInputStream *stream;
  GCancellable *cancellable;
  GString      *text;
  char          buffer[4096];
  gboolean      opened;
  gboolean      closed;
} Stream;

static Stream *events;

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
wait_for_event (const char *needle,
                gsize       from)
{
  StreamWait wait = { events, needle, from };

  if (!tribuna_test_wait_until (stream_has, &wait, TIMEOUT_S))
    g_error ("no “%s” in the public event stream: %s", needle, events->text->str + from);
}

static void
test_http_events (void)
{
  g_autofree char *url = g_strconcat (world.base_url, "/api/v1/public/events", NULL);
  g_autoptr(GError) error = NULL;
  gsize mark;

  events = g_new0 (Stream, 1);
  events->msg = soup_message_new ("GET", url);
  events->cancellable = g_cancellable_new ();
  events->text = g_string_new (NULL);
  soup_session_send_async (world.session, events->msg, G_PRIORITY_DEFAULT, events->cancellable,
                           on_stream_opened, events);
  g_assert_true (tribuna_test_wait_until (is_true, &events->opened, TIMEOUT_S));
  g_assert_nonnull (events->stream);
  g_assert_cmpuint (soup_message_get_status (events->msg), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_content_type (
                     soup_message_get_response_headers (events->msg), NULL), ==,
                   "text/event-stream");

  wait_for_event ("event: status\ndata: {", 0);
  wait_for_event ("\"live\":true", 0);
  wait_for_event (ITEM_3, 0);

  mark = events->text->len;
  g_assert_true (tribuna_engine_next_item (world.engine, "test", &error));
  g_assert_no_error (error);
  wait_for_event ("event: session\ndata: {", mark);
  wait_for_event ("Raporti financiar", mark);
}

static gboolean
hls_directory_is_empty (void)
{
  return count_files (world.hls_dir, "") == 0;
}

static gboolean
is_live_again (gpointer data)
{
  TribunaHlsOutput *hls = tribuna_engine_get_hls_output (world.engine);

  return tribuna_hls_output_get_state (hls) == TRIBUNA_HLS_LIVE
         && tribuna_hls_output_get_run (hls) != world.run;
}

/* Private: from the instant it starts, nothing is served and nothing is written; after it,
 * a new run from a keyframe captured after it ends. */
static void
test_http_private (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_segment = g_strconcat ("/live/", world.segment, NULL);
  TribunaHlsOutput *hls = tribuna_engine_get_hls_output (world.engine);
  GstClockTime private_ended;
  gint64 deadline;
  gsize mark = events->text->len;

  g_assert_cmpuint (count_files (world.hls_dir, ".ts"), >, 0);
  g_assert_true (tribuna_engine_set_private (world.engine, TRUE, "test", &error));
  g_assert_no_error (error);

  /* No main-loop turn in between: the folder is already empty. */
  g_assert_true (hls_directory_is_empty ());
  g_assert_false (tribuna_hls_output_get_wanted (hls));
  g_assert_false (tribuna_engine_get_live_public (world.engine));
  {
    g_autoptr(Reply) playlist = get ("/live/index.m3u8");
    g_autoptr(Reply) segment = get (old_segment);
    g_autoptr(JsonObject) status = public_status ();
    JsonObject *session = json_object_get_object_member (status, "session");

    assert_error (playlist, SOUP_STATUS_FORBIDDEN, "private");
    assert_error (segment, SOUP_STATUS_FORBIDDEN, "private");
    g_assert_false (json_object_get_boolean_member (status, "live"));
    g_assert_true (json_object_get_null_member (status, "playlist"));
    g_assert_true (json_object_get_boolean_member (session, "private"));
    g_assert_true (json_object_get_null_member (session, "item"));
  }
  wait_for_event ("\"private\":true", mark);
  g_assert_null (strstr (events->text->str + mark, "Raporti financiar"));

  /* For as long as it lasts, not one file. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      tribuna_test_iterate_for (0.1);
      g_assert_true (hls_directory_is_empty ());
    }

  mark = events->text->len;
  private_ended = tribuna_program_get_running_time (world.engine->program);
  g_assert_true (tribuna_engine_set_private (world.engine, FALSE, "test", &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_test_wait_until (is_live_again, NULL, TIMEOUT_S));
  g_assert_cmpuint (tribuna_feed_get_base_time (world.engine->hls_feed), >=, private_ended);
  wait_for_event ("\"live\":true", mark);
  {
    g_autoptr(Reply) playlist = get ("/live/index.m3u8");
    g_autoptr(Reply) segment = get (old_segment);
    g_autofree char *run = g_strdup_printf ("%" G_GINT64_FORMAT "-",
                                            tribuna_hls_output_get_run (hls));

    g_assert_cmpuint (playlist->status, ==, SOUP_STATUS_OK);
    g_assert_nonnull (strstr (playlist->body, run));
    g_assert_null (strstr (playlist->body, world.segment));
    assert_error (segment, SOUP_STATUS_NOT_FOUND, "not-found");
  }
  world.run = tribuna_hls_output_get_run (hls);

  /* Nothing about the machinery ever went to the anonymous stream. */
  g_assert_null (strstr (events->text->str, "recorder"));
  g_assert_null (strstr (events->text->str, "destinations"));
  g_assert_null (strstr (events->text->str, "last_error"));
  g_assert_null (strstr (events->text->str, world.data_dir));
}

static guint
recorder_segments (void)
{
  return tribuna_recorder_get_segment_count (tribuna_engine_get_recorder (world.engine));
}

typedef struct {
  guint  restarts;
  guint  segments;
} RestartWait;

static gboolean
restarted_and_live (gpointer data)
{
  RestartWait *wait = data;
  TribunaHlsOutput *hls = tribuna_engine_get_hls_output (world.engine);

  return tribuna_hls_output_get_restarts (hls) > wait->restarts
         && tribuna_hls_output_get_state (hls) == TRIBUNA_HLS_LIVE;
}

static gboolean
more_segments (gpointer data)
{
  RestartWait *wait = data;

  return tribuna_hls_output_get_segments (tribuna_engine_get_hls_output (world.engine))
         >= wait->segments;
}

/* Someone cleans the data directory: the folder is made again, the stream goes on. */
static void
test_http_folder_vanishes (void)
{
  TribunaHlsOutput *hls = tribuna_engine_get_hls_output (world.engine);
  RestartWait wait = { tribuna_hls_output_get_restarts (hls),
                       tribuna_hls_output_get_segments (hls) + 3 };
  g_autoptr(Reply) playlist = NULL;

  g_assert_true (tribuna_test_rm_rf (world.hls_dir, NULL));
  g_assert_true (tribuna_test_wait_until (more_segments, &wait, TIMEOUT_S));
  g_assert_cmpuint (tribuna_hls_output_get_restarts (hls), ==, wait.restarts);
  g_assert_cmpint (tribuna_hls_output_get_run (hls), ==, world.run);
  g_assert_true (g_file_test (world.hls_dir, G_FILE_TEST_IS_DIR));
  playlist = get ("/live/index.m3u8");
  g_assert_cmpuint (playlist->status, ==, SOUP_STATUS_OK);
}

typedef struct {
  TribunaHlsState state;
} StateWait;

static gboolean
hls_in_state (gpointer data)
{
  return tribuna_hls_output_get_state (tribuna_engine_get_hls_output (world.engine))
         == ((StateWait *) data)->state;
}

/* The output stops getting media (here: its feed is taken away): it notices, rebuilds
 * itself, and is back once media comes again; the recording never notices. */
static void
test_http_restart (void)
{
  TribunaHlsOutput *hls = tribuna_engine_get_hls_output (world.engine);
  RestartWait wait = { tribuna_hls_output_get_restarts (hls), 0 };
  StateWait restarting = { TRIBUNA_HLS_RESTARTING };
  guint recorded = recorder_segments ();

  tribuna_program_remove_feed (world.engine->program, world.engine->hls_feed);
  g_assert_true (tribuna_test_wait_until (hls_in_state, &restarting, TIMEOUT_S));
  g_test_message ("restarting: %s", tribuna_hls_output_get_last_error (hls));
  g_assert_nonnull (strstr (tribuna_hls_output_get_last_error (hls), "no new segment"));
  g_assert_false (tribuna_engine_get_live_public (world.engine));
  {
    g_autoptr(Reply) playlist = get ("/live/index.m3u8");

    assert_error (playlist, SOUP_STATUS_NOT_FOUND, "not-live");
  }

  tribuna_program_add_feed (world.engine->program, world.engine->hls_feed);
  if (!tribuna_test_wait_until (restarted_and_live, &wait, TIMEOUT_S))
    g_error ("the live stream did not come back: %s (%s)",
             tribuna_hls_state_to_string (tribuna_hls_output_get_state (hls)),
             tribuna_hls_output_get_last_error (hls));
  g_assert_cmpint (tribuna_hls_output_get_run (hls), !=, world.run);
  g_assert_cmpint (tribuna_engine_get_recorder_state (world.engine), ==,
                   TRIBUNA_RECORDER_RECORDING);
  g_assert_cmpuint (recorder_segments (), >, recorded);
  {
    g_autoptr(Reply) playlist = get ("/live/index.m3u8");

    g_assert_cmpuint (playlist->status, ==, SOUP_STATUS_OK);
  }
}

static gboolean
no_public_clients (gpointer data)
{
  return events->closed;
}

/* The session ends: the stream goes with it, and so does every file of it. */
static void
test_http_session_end (void)
{
  g_autoptr(Reply) playlist = NULL;
  g_autoptr(JsonObject) status = NULL;
  gsize mark = events->text->len;

  end_session ();
  g_assert_cmpint (tribuna_hls_output_get_state (tribuna_engine_get_hls_output (world.engine)),
                   ==, TRIBUNA_HLS_STOPPED);
  g_assert_true (hls_directory_is_empty ());
  playlist = get ("/live/index.m3u8");
  assert_error (playlist, SOUP_STATUS_NOT_FOUND, "not-live");
  status = public_status ();
  g_assert_true (json_object_get_null_member (status, "session"));
  wait_for_event ("\"live\":false", mark);

  /* The server closes the anonymous streams when it stops. */
  tribuna_http_server_stop (world.server);
  g_assert_true (tribuna_test_wait_until (no_public_clients, NULL, TIMEOUT_S));
  g_clear_object (&events->stream);
  g_clear_object (&events->msg);
  g_clear_object (&events->cancellable);
  g_string_free (events->text, TRUE);
  g_clear_pointer (&events, g_free);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/live/hls/segments", test_hls_segments);
  g_test_add_func ("/live/hls/missing-element", test_hls_missing_element);
  g_test_add_func ("/live/http/page", test_http_page);
  g_test_add_func ("/live/http/nothing-live", test_http_nothing_live);
  g_test_add_func ("/live/http/not-public", test_http_not_public);
  g_test_add_func ("/live/http/public", test_http_public);
  g_test_add_func ("/live/http/events", test_http_events);
  g_test_add_func ("/live/http/private", test_http_private);
  g_test_add_func ("/live/http/folder-vanishes", test_http_folder_vanishes);
  g_test_add_func ("/live/http/restart", test_http_restart);
  g_test_add_func ("/live/http/session-end", test_http_session_end);

  world_setup ();
  status = g_test_run ();
  world_teardown ();

  return status;
}
