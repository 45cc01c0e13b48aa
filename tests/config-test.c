/* config-test.c: tribuna.conf, its defaults, every bad value, and secret key files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-config-test"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tribuna-config.h"

#define FILE_NAME "test.conf"

/* Distinctive enough that finding it anywhere in a message is a leak, never chance. */
#define KEY      "Zq7x-SECRET-k3y-9fW2-a1b2"
#define KEY_HEAD "Zq7x-SECRET"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("tribuna-config-test-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }

  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
write_file (const char *dir,
            const char *name,
            const char *contents,
            int         mode)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);

  return path;
}

/* For files a test needs to exist but never names again. */
static void
put_file (const char *dir,
          const char *name,
          const char *contents,
          int         mode)
{
  g_free (write_file (dir, name, contents, mode));
}

static void
assert_no_key (const char *text)
{
  g_assert_nonnull (text);
  if (strstr (text, KEY) != NULL || strstr (text, KEY_HEAD) != NULL)
    g_error ("the stream key leaked into “%s”", text);
}

/* Every message names the file, the group and the key: "FILE: [group] key: ...". */
static void
assert_names (const GError *error,
              const char   *group,
              const char   *key)
{
  g_autofree char *where = NULL;

  g_assert_true (g_str_has_prefix (error->message, FILE_NAME ": "));

  if (key != NULL)
    where = g_strdup_printf ("[%s] %s: ", group, key);
  else if (group != NULL)
    where = g_strdup_printf ("[%s]: ", group);

  if (where != NULL && strstr (error->message, where) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, where);
}

static void
test_defaults (void)
{
  TribunaConfig *config = tribuna_config_new ();
  GPtrArray *sources = tribuna_config_get_sources (config);
  const TribunaSourceConfig *source;

  g_assert_cmpuint (tribuna_config_get_width (config), ==, 1280);
  g_assert_cmpuint (tribuna_config_get_height (config), ==, 720);
  g_assert_cmpuint (tribuna_config_get_framerate (config), ==, 30);
  g_assert_cmpuint (tribuna_config_get_video_bitrate (config), ==, 4000);
  g_assert_cmpuint (tribuna_config_get_audio_bitrate (config), ==, 128);
  g_assert_cmpuint (tribuna_config_get_keyframe_interval (config), ==, 2);
  g_assert_cmpstr (tribuna_config_get_encoder_preset (config), ==, "veryfast");
  g_assert_cmpuint (tribuna_config_get_segment_minutes (config), ==, 10);
  g_assert_cmpuint (tribuna_config_get_min_free_mb (config), ==, 2048);
  g_assert_cmpuint (tribuna_config_get_stop_free_mb (config), ==, 256);
  g_assert_null (tribuna_config_get_data_dir (config));

  g_assert_cmpuint (sources->len, ==, 1);
  source = g_ptr_array_index (sources, 0);
  g_assert_cmpstr (source->name, ==, "Test");
  g_assert_cmpstr (source->uri, ==, "test:smpte");
  g_assert_cmpint (source->kind, ==, TRIBUNA_SOURCE_KIND_TEST);
  g_assert_cmpuint (tribuna_config_get_destinations (config)->len, ==, 0);

  g_assert_finalize_object (config);
}

static void
test_empty_file (void)
{
  g_autoptr(GError) error = NULL;
  TribunaConfig *config;
  const TribunaSourceConfig *source;

  config = tribuna_config_new_from_data ("# nothing but a comment\n\n", FILE_NAME, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_config_get_width (config), ==, 1280);
  g_assert_cmpuint (tribuna_config_get_stop_free_mb (config), ==, 256);
  g_assert_cmpuint (tribuna_config_get_sources (config)->len, ==, 1);
  source = g_ptr_array_index (tribuna_config_get_sources (config), 0);
  g_assert_cmpstr (source->uri, ==, "test:smpte");
  g_assert_cmpuint (tribuna_config_get_destinations (config)->len, ==, 0);

  g_assert_finalize_object (config);
}

static void
test_partial_file (void)
{
  g_autoptr(GError) error = NULL;
  TribunaConfig *config;

  /* A key left out keeps its default; a file without sources gets the test pattern. */
  config = tribuna_config_new_from_data ("[program]\nwidth=1920\nheight=1080\n", FILE_NAME, NULL,
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_config_get_width (config), ==, 1920);
  g_assert_cmpuint (tribuna_config_get_height (config), ==, 1080);
  g_assert_cmpuint (tribuna_config_get_framerate (config), ==, 30);
  g_assert_cmpstr (tribuna_config_get_encoder_preset (config), ==, "veryfast");
  g_assert_cmpuint (tribuna_config_get_sources (config)->len, ==, 1);

  g_assert_finalize_object (config);
}

static void
test_full (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_data_dir = g_build_filename (fixture->dir, "data", NULL);
  TribunaConfig *config;
  GPtrArray *sources;
  GPtrArray *destinations;
  const TribunaSourceConfig *source;
  const TribunaDestinationConfig *destination;
  g_autofree char *location = NULL;

  put_file (fixture->dir, "yt.key", KEY "\n", 0600);
  config = tribuna_config_new_from_data (
    "[program]\n"
    "width=1920\nheight=1080\nframerate=25\nvideo-bitrate=6000\naudio-bitrate=192\n"
    "keyframe-interval=1\nencoder-preset=fast\n"
    "[source Salla]\nuri=test:ball\n"
    "[source Kamera 2]\nuri=rtsp://192.0.2.10:554/stream1\n"
    "[source Mikrofoni]\nuri=alsa:plughw:CARD=USB,DEV=0\n"
    "[source Foltorja]\nuri=pulse:\n"
    "[source Ton]\nuri=tone:440\n"
    "[destination YouTube]\nurl=rtmp://a.rtmp.youtube.com/live2\nkey-file=yt.key\n"
    "[destination Facebook]\nurl=rtmps://live-api-s.facebook.com:443/rtmp\nkey=" KEY "\n"
    "enabled=false\n"
    "[destination Lab]\nurl=rtmps://[::1]:4443/live/" KEY "\ntls-verify=false\n"
    "[recording]\nsegment-minutes=30\nmin-free-mb=10000\nstop-free-mb=500\n"
    "[paths]\ndata-dir=data\n",
    FILE_NAME, fixture->dir, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (tribuna_config_get_width (config), ==, 1920);
  g_assert_cmpuint (tribuna_config_get_height (config), ==, 1080);
  g_assert_cmpuint (tribuna_config_get_framerate (config), ==, 25);
  g_assert_cmpuint (tribuna_config_get_video_bitrate (config), ==, 6000);
  g_assert_cmpuint (tribuna_config_get_audio_bitrate (config), ==, 192);
  g_assert_cmpuint (tribuna_config_get_keyframe_interval (config), ==, 1);
  g_assert_cmpstr (tribuna_config_get_encoder_preset (config), ==, "fast");
  g_assert_cmpuint (tribuna_config_get_segment_minutes (config), ==, 30);
  g_assert_cmpuint (tribuna_config_get_min_free_mb (config), ==, 10000);
  g_assert_cmpuint (tribuna_config_get_stop_free_mb (config), ==, 500);
  /* Relative to the config file's directory, like key-file. */
  g_assert_cmpstr (tribuna_config_get_data_dir (config), ==, expected_data_dir);

  sources = tribuna_config_get_sources (config);
  g_assert_cmpuint (sources->len, ==, 5);
  source = g_ptr_array_index (sources, 0);
  g_assert_cmpstr (source->name, ==, "Salla");
  g_assert_cmpint (source->kind, ==, TRIBUNA_SOURCE_KIND_TEST);
  g_assert_true (tribuna_source_config_has_picture (source));
  source = g_ptr_array_index (sources, 1);
  g_assert_cmpstr (source->name, ==, "Kamera 2");
  g_assert_cmpint (source->kind, ==, TRIBUNA_SOURCE_KIND_RTSP);
  /* Microphones and a tone: sound only, the device as written, "" for the default. */
  source = g_ptr_array_index (sources, 2);
  g_assert_cmpint (source->kind, ==, TRIBUNA_SOURCE_KIND_ALSA);
  g_assert_cmpstr (source->location, ==, "plughw:CARD=USB,DEV=0");
  g_assert_false (tribuna_source_config_has_picture (source));
  source = g_ptr_array_index (sources, 3);
  g_assert_cmpint (source->kind, ==, TRIBUNA_SOURCE_KIND_PULSE);
  g_assert_cmpstr (source->location, ==, "");
  g_assert_false (tribuna_source_config_has_picture (source));
  source = g_ptr_array_index (sources, 4);
  g_assert_cmpint (source->kind, ==, TRIBUNA_SOURCE_KIND_TONE);
  g_assert_cmpstr (source->location, ==, "440");
  g_assert_false (tribuna_source_config_has_picture (source));

  destinations = tribuna_config_get_destinations (config);
  g_assert_cmpuint (destinations->len, ==, 3);

  destination = g_ptr_array_index (destinations, 0);
  g_assert_cmpstr (destination->name, ==, "YouTube");
  g_assert_cmpstr (destination->url->key, ==, KEY);
  g_assert_cmpstr (destination->url->application, ==, "live2");
  g_assert_true (destination->enabled);
  g_assert_true (destination->tls_verify);
  location = tribuna_rtmp_url_to_location (destination->url);
  g_assert_cmpstr (location, ==, "rtmp://a.rtmp.youtube.com:1935/live2/" KEY);

  destination = g_ptr_array_index (destinations, 1);
  g_assert_cmpstr (destination->name, ==, "Facebook");
  g_assert_cmpstr (destination->url->key, ==, KEY);
  g_assert_true (tribuna_rtmp_url_is_tls (destination->url));
  g_assert_false (destination->enabled);
  g_assert_true (destination->tls_verify);

  destination = g_ptr_array_index (destinations, 2);
  g_assert_cmpstr (destination->name, ==, "Lab");
  g_assert_cmpstr (destination->url->host, ==, "::1");
  g_assert_cmpuint (destination->url->port, ==, 4443);
  g_assert_cmpstr (destination->url->key, ==, KEY);
  g_assert_true (destination->enabled);
  g_assert_false (destination->tls_verify);

  g_assert_finalize_object (config);
}

static void
test_lenient_spelling (void)
{
  g_autoptr(GError) error = NULL;
  TribunaConfig *config;
  const TribunaDestinationConfig *destination;

  /* Blanks an editor does not show, and GKeyFile's own boolean spellings. */
  config = tribuna_config_new_from_data ("[program]\nwidth = 1920  \n"
                                         "[destination  X ]\nurl=rtmp://h/app/" KEY " \n"
                                         "enabled=0\ntls-verify=1\n",
                                         FILE_NAME, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_config_get_width (config), ==, 1920);
  destination = g_ptr_array_index (tribuna_config_get_destinations (config), 0);
  g_assert_cmpstr (destination->name, ==, "X");
  g_assert_cmpstr (destination->url->key, ==, KEY);
  g_assert_false (destination->enabled);
  g_assert_true (destination->tls_verify);

  g_assert_finalize_object (config);
}

typedef struct
{
  const char *path;
  const char *data;
  const char *group;    /* named in the message as [group], or NULL */
  const char *key;      /* named in the message after the group, or NULL */
  int         code;
} BadConfig;

#define VALUE TRIBUNA_CONFIG_ERROR_VALUE
#define P "[program]\n"
#define R "[recording]\n"
#define D "[destination YouTube]\n"
#define DURL D "url=rtmp://a.rtmp.youtube.com/live2/" KEY "\n"
#define LONG_NAME "N123456789N123456789N123456789N123456789N123456789N123456789N1234"

static const BadConfig bad_configs[] = {
  /* [program] */
  { "width-text", P "width=wide\n", "program", "width", VALUE },
  { "width-empty", P "width=\n", "program", "width", VALUE },
  { "width-odd", P "width=1281\n", "program", "width", VALUE },
  { "width-small", P "width=158\n", "program", "width", VALUE },
  { "width-big", P "width=3842\n", "program", "width", VALUE },
  { "width-negative", P "width=-1280\n", "program", "width", VALUE },
  { "width-fraction", P "width=1280.5\n", "program", "width", VALUE },
  { "width-overflow", P "width=4294967297280\n", "program", "width", VALUE },
  { "height-odd", P "height=719\n", "program", "height", VALUE },
  { "height-small", P "height=118\n", "program", "height", VALUE },
  { "height-big", P "height=2162\n", "program", "height", VALUE },
  { "height-text", P "height=720p\n", "program", "height", VALUE },
  { "framerate-zero", P "framerate=0\n", "program", "framerate", VALUE },
  { "framerate-big", P "framerate=61\n", "program", "framerate", VALUE },
  { "framerate-text", P "framerate=30fps\n", "program", "framerate", VALUE },
  { "framerate-fraction", P "framerate=29.97\n", "program", "framerate", VALUE },
  { "video-bitrate-small", P "video-bitrate=199\n", "program", "video-bitrate", VALUE },
  { "video-bitrate-big", P "video-bitrate=50001\n", "program", "video-bitrate", VALUE },
  { "video-bitrate-text", P "video-bitrate=4M\n", "program", "video-bitrate", VALUE },
  { "audio-bitrate-odd-value", P "audio-bitrate=100\n", "program", "audio-bitrate", VALUE },
  { "audio-bitrate-zero", P "audio-bitrate=0\n", "program", "audio-bitrate", VALUE },
  { "audio-bitrate-big", P "audio-bitrate=384\n", "program", "audio-bitrate", VALUE },
  { "audio-bitrate-text", P "audio-bitrate=high\n", "program", "audio-bitrate", VALUE },
  { "keyframe-interval-zero", P "keyframe-interval=0\n", "program", "keyframe-interval", VALUE },
  { "keyframe-interval-big", P "keyframe-interval=11\n", "program", "keyframe-interval", VALUE },
  { "keyframe-interval-text", P "keyframe-interval=2s\n", "program", "keyframe-interval",
    VALUE },
  { "encoder-preset-placebo", P "encoder-preset=placebo\n", "program", "encoder-preset",
    VALUE },
  { "encoder-preset-unknown", P "encoder-preset=fastest\n", "program", "encoder-preset",
    VALUE },
  { "encoder-preset-empty", P "encoder-preset=\n", "program", "encoder-preset", VALUE },
  { "encoder-preset-case", P "encoder-preset=VeryFast\n", "program", "encoder-preset", VALUE },
  { "program-unknown-key", P "widht=1280\n", "program", "widht", VALUE },
  { "program-bad-escape", P "encoder-preset=fast\\x\n", "program", "encoder-preset", VALUE },

  /* [recording] */
  { "segment-minutes-zero", R "segment-minutes=0\n", "recording", "segment-minutes", VALUE },
  { "segment-minutes-big", R "segment-minutes=241\n", "recording", "segment-minutes", VALUE },
  { "segment-minutes-text", R "segment-minutes=ten\n", "recording", "segment-minutes", VALUE },
  { "min-free-mb-zero", R "min-free-mb=0\n", "recording", "min-free-mb", VALUE },
  { "min-free-mb-one", R "min-free-mb=1\nstop-free-mb=1\n", "recording", "min-free-mb", VALUE },
  { "min-free-mb-big", R "min-free-mb=1048577\n", "recording", "min-free-mb", VALUE },
  { "min-free-mb-text", R "min-free-mb=2G\n", "recording", "min-free-mb", VALUE },
  { "stop-free-mb-zero", R "stop-free-mb=0\n", "recording", "stop-free-mb", VALUE },
  { "stop-free-mb-text", R "stop-free-mb=lots\n", "recording", "stop-free-mb", VALUE },
  { "stop-free-mb-equal", R "stop-free-mb=2048\n", "recording", "stop-free-mb", VALUE },
  { "stop-free-mb-above", R "min-free-mb=500\nstop-free-mb=600\n", "recording", "stop-free-mb",
    VALUE },
  { "stop-free-mb-default-above", R "min-free-mb=100\n", "recording", "stop-free-mb", VALUE },
  { "recording-unknown-key", R "segment-minute=10\n", "recording", "segment-minute", VALUE },

  /* [paths] */
  { "data-dir-empty", "[paths]\ndata-dir=\n", "paths", "data-dir", VALUE },
  { "paths-unknown-key", "[paths]\nrecordings-dir=/srv\n", "paths", "recordings-dir", VALUE },

  /* [source NAME] */
  { "source-uri-missing", "[source Salla]\n", "source Salla", "uri", VALUE },
  { "source-uri-empty", "[source Salla]\nuri=\n", "source Salla", "uri", VALUE },
  { "source-uri-scheme", "[source Salla]\nuri=ftp://host/file.mp4\n", "source Salla", "uri",
    VALUE },
  { "source-uri-pattern", "[source Salla]\nuri=test:no-such-pattern\n", "source Salla", "uri",
    VALUE },
  { "source-unknown-key", "[source Salla]\nuri=test:smpte\nurl=test:ball\n", "source Salla",
    "url", VALUE },
  { "source-no-name", "[source]\nuri=test:smpte\n", "source", NULL, VALUE },
  { "source-blank-name", "[source   ]\nuri=test:smpte\n", "source   ", NULL, VALUE },
  { "source-long-name", "[source " LONG_NAME "]\nuri=test:smpte\n", "source " LONG_NAME, NULL,
    VALUE },
  { "source-same-name", "[source A]\nuri=test:smpte\n[source  A]\nuri=test:ball\n",
    "source  A", NULL, VALUE },
  { "source-tone-low", "[source A]\nuri=tone:5\n", "source A", "uri", VALUE },
  { "source-tone-word", "[source A]\nuri=tone:loud\n", "source A", "uri", VALUE },
  { "source-alsa-shell", "[source A]\nuri=alsa:hw:1;reboot\n", "source A", "uri", VALUE },
  { "source-pulse-space", "[source A]\nuri=pulse:my mic\n", "source A", "uri", VALUE },

  /* [destination NAME] */
  { "url-missing", D "key=" KEY "\n", "destination YouTube", "url", VALUE },
  { "url-empty", D "url=\n", "destination YouTube", "url", VALUE },
  { "url-scheme", D "url=http://a.rtmp.youtube.com/live2/" KEY "\n", "destination YouTube",
    "url", VALUE },
  { "url-no-host", D "url=rtmp:///live2/" KEY "\n", "destination YouTube", "url", VALUE },
  { "url-port-zero", D "url=rtmp://host:0/live2/" KEY "\n", "destination YouTube", "url",
    VALUE },
  { "url-port-big", D "url=rtmp://host:65536/live2/" KEY "\n", "destination YouTube", "url",
    VALUE },
  { "url-port-text", D "url=rtmp://host:rtmp/live2/" KEY "\n", "destination YouTube", "url",
    VALUE },
  { "url-no-application", D "url=rtmp://host\nkey=" KEY "\n", "destination YouTube", "url",
    VALUE },
  { "url-no-key", D "url=rtmp://a.rtmp.youtube.com/live2\n", "destination YouTube", "url",
    VALUE },
  { "url-trailing-slash", D "url=rtmp://a.rtmp.youtube.com/live2/\n", "destination YouTube",
    "url", VALUE },
  { "url-space-in-key", D "url=rtmp://host/live2/" KEY " x\n", "destination YouTube", "url",
    VALUE },
  { "url-key-twice", D "url=rtmp://host/live2/" KEY "\nkey=" KEY "\n", "destination YouTube",
    "url", VALUE },
  { "url-unclosed-ipv6", D "url=rtmps://[::1/live/" KEY "\n", "destination YouTube", "url",
    VALUE },
  { "key-and-key-file", D "url=rtmp://host/live2\nkey=" KEY "\nkey-file=yt.key\n",
    "destination YouTube", "key-file", VALUE },
  { "key-empty", D "url=rtmp://host/live2\nkey=\n", "destination YouTube", "key", VALUE },
  { "key-space", D "url=rtmp://host/live2\nkey=" KEY " x\n", "destination YouTube", "key",
    VALUE },
  { "key-newline", D "url=rtmp://host/live2\nkey=" KEY "\\nx\n", "destination YouTube", "key",
    VALUE },
  { "key-slash", D "url=rtmp://host/live2\nkey=" KEY "/x\n", "destination YouTube", "key",
    VALUE },
  { "key-bad-escape", D "url=rtmp://host/live2\nkey=" KEY "\\q\n", "destination YouTube", "key",
    VALUE },
  { "key-file-empty-value", D "url=rtmp://host/live2\nkey-file=\n", "destination YouTube",
    "key-file", TRIBUNA_CONFIG_ERROR_SECRET },
  { "enabled-text", DURL "enabled=yes\n", "destination YouTube", "enabled", VALUE },
  { "enabled-empty", DURL "enabled=\n", "destination YouTube", "enabled", VALUE },
  { "tls-verify-text", DURL "tls-verify=maybe\n", "destination YouTube", "tls-verify", VALUE },
  { "destination-unknown-key", DURL "stream-key=" KEY "\n", "destination YouTube", "stream-key",
    VALUE },
  { "destination-no-name", "[destination]\nurl=rtmp://host/live2/" KEY "\n", "destination",
    NULL, VALUE },
  { "destination-long-name", "[destination " LONG_NAME "]\nurl=rtmp://h/a/" KEY "\n",
    "destination " LONG_NAME, NULL, VALUE },

  /* groups */
  { "unknown-group", "[programm]\nwidth=1280\n", "programm", NULL, VALUE },
  { "unknown-group-case", "[Program]\nwidth=1280\n", "Program", NULL, VALUE },
  { "unknown-group-plural", "[sources Salla]\nuri=test:smpte\n", "sources Salla", NULL, VALUE },

  /* the file itself */
  { "file-not-utf8", P "width=1280\n[destination X]\nurl=rtmp://h/a\nkey=" KEY "\xff\xfe\n",
    NULL, NULL, TRIBUNA_CONFIG_ERROR_FILE },
  { "file-bare-line", P "width=1280\n" D "rtmp://a.rtmp.youtube.com/live2/" KEY "\n", NULL, NULL,
    TRIBUNA_CONFIG_ERROR_FILE },
  { "file-bare-key", D "url=rtmp://a.rtmp.youtube.com/live2\n" KEY "\n", NULL, NULL,
    TRIBUNA_CONFIG_ERROR_FILE },
  { "file-no-group", "width=1280\n", NULL, NULL, TRIBUNA_CONFIG_ERROR_FILE },
  { "file-unclosed-group", "[program\nwidth=1280\n", NULL, NULL, TRIBUNA_CONFIG_ERROR_FILE },
};

static void
test_bad (gconstpointer data)
{
  const BadConfig *bad = data;
  g_autoptr(GError) error = NULL;
  TribunaConfig *config;

  config = tribuna_config_new_from_data (bad->data, FILE_NAME, NULL, &error);
  g_assert_null (config);
  g_assert_error (error, TRIBUNA_CONFIG_ERROR, bad->code);
  g_test_message ("%s", error->message);

  assert_names (error, bad->group, bad->key);
  if (bad->code == TRIBUNA_CONFIG_ERROR_VALUE)
    g_assert_nonnull (strstr (error->message, "; allowed: "));
  assert_no_key (error->message);
}

/* The sound of a [source], [mixer], [slate] and [overlays] (issue #4). */
static void
test_vision_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaConfig) config =
    tribuna_config_new_from_data ("[source Salla]\nuri=test:red\ngain=-6.5\nmuted=true\n"
                                  "av-offset=120\n[mixer]\nfade-ms=0\nsilence-seconds=30\n"
                                  "[slate]\ntitle=Pauzë\nsubtitle=\n"
                                  "[overlays]\nfont=DejaVu Serif\nbackground=#11223380\n"
                                  "foreground=#ffffff\nclock=true\n",
                                  FILE_NAME, NULL, &error);
  const TribunaSourceConfig *source;
  const TribunaLowerThirdTheme *theme;

  g_assert_no_error (error);
  source = g_ptr_array_index (tribuna_config_get_sources (config), 0);
  g_assert_cmpfloat (source->gain_db, ==, -6.5);
  g_assert_true (source->muted);
  g_assert_cmpint (source->av_offset_ms, ==, 120);
  g_assert_cmpuint (tribuna_config_get_fade_ms (config), ==, 0);
  g_assert_cmpuint (tribuna_config_get_silence_seconds (config), ==, 30);
  g_assert_cmpstr (tribuna_config_get_slate_title (config), ==, "Pauzë");
  g_assert_cmpstr (tribuna_config_get_slate_subtitle (config), ==, "");
  g_assert_null (tribuna_config_get_slate_image (config));
  theme = tribuna_config_get_overlay_theme (config);
  g_assert_cmpstr (theme->font, ==, "DejaVu Serif");
  g_assert_cmphex (theme->background, ==, 0x80112233);
  g_assert_cmphex (theme->foreground, ==, 0xffffffff);
  g_assert_true (tribuna_config_get_overlay_clock (config));
  g_assert_null (tribuna_config_get_overlay_logo (config));
}

static void
test_bad_messages (void)
{
  struct {
    const char *data;
    const char *expected;
  } cases[] = {
    { P "width=1281\n", "1281 is odd, and the video encoder needs even sizes; allowed: an even "
                          "number from 160 to 3840" },
    { P "framerate=61\n", "61 is out of range; allowed: 1 to 60" },
    { P "audio-bitrate=100\n", "allowed: 64, 96, 128, 160, 192, 256 or 320" },
    { P "encoder-preset=placebo\n", "allowed: ultrafast, superfast, veryfast, faster, fast, "
                                    "medium, slow, slower, veryslow" },
    { P "widht=1280\n", "[program] widht: unknown key; allowed: width, height, framerate, "
                        "video-bitrate, audio-bitrate, keyframe-interval, encoder-preset" },
    { "[programm]\n", "[programm]: unknown group; allowed: [program], [source NAME], "
                      "[destination NAME], [recording], [paths]" },
    { R "min-free-mb=100\n", "256 (the default) is not below min-free-mb (100); allowed: 1 to 99" },
    { DURL "enabled=yes\n", "“yes” is not a boolean; allowed: true, false" },
    { D "url=rtmp://a.rtmp.youtube.com/live2\n", "neither key-file nor key is set" },
    { "[source X]\nuri=ftp://h/f\n", "[source X] uri: “ftp://h/f” is not a source" },
    { "[source X]\nuri=tone:30000\n", "[source X] uri: “tone:30000” is not a tone Tribuna can "
                                      "make; write tone:<hertz>, 20 to 20000" },
    { "[source X]\nuri=alsa:hw:1/0\n", "[source X] uri: “alsa:hw:1/0” does not name a sound "
                                       "device; write alsa:hw:1,0" },
    /* Microphones alone make no picture: the file says so, it does not start black. */
    { "[source X]\nuri=alsa:\n[source Y]\nuri=tone:\n",
      "every [source] is sound only (alsa:, pulse:, tone:); the program needs one with a "
      "picture too" },
    { "[source " LONG_NAME "]\nuri=test:smpte\n", "the name has 65 characters" },
    { P "width=1280\n\xff\n", "line 3 is not valid UTF-8" },
    { D "url=rtmp://h/live2\n" KEY "\n", "line 3: " },
    { "[source X]\nuri=test:red\ngain=loud\n",
      "[source X] gain: “loud” is not allowed; allowed: a number from -60 to 20 (dB)" },
    { "[source X]\nuri=test:red\ngain=21\n", "[source X] gain: “21” is not allowed" },
    { "[source X]\nuri=test:red\nav-offset=-5\n",
      "[source X] av-offset: “-5” is not allowed; allowed: 0 to 1000" },
    { "[source X]\nuri=test:red\nmuted=yes\n", "[source X] muted: “yes” is not a boolean" },
    { "[mixer]\nfade-ms=99999\n", "[mixer] fade-ms: 99999 is out of range; allowed: 0 to 10000" },
    { "[mixer]\nsilence-seconds=0\n", "[mixer] silence-seconds: 0 is out of range" },
    { "[mixer]\nfade=1\n", "[mixer] fade: unknown key; allowed: fade-ms, silence-seconds" },
    { "[slate]\nimage=/nonexistent/slate.png\n",
      "[slate] image: /nonexistent/slate.png is not a PNG file that exists" },
    { "[overlays]\nbackground=blue\n",
      "[overlays] background: “blue” is not a colour; allowed: #RRGGBB or #RRGGBBAA" },
    { "[overlays]\nclock=sometimes\n", "[overlays] clock: “sometimes” is not a boolean" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TribunaConfig) config = NULL;

      config = tribuna_config_new_from_data (cases[i].data, FILE_NAME, NULL, &error);
      g_assert_null (config);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].expected) == NULL)
        g_error ("message “%s” lacks “%s”", error->message, cases[i].expected);
    }
}

static void
test_key_file_modes (Fixture       *fixture,
                     gconstpointer  data)
{
  struct {
    const char *name;
    int         mode;
    gboolean    accepted;
  } cases[] = {
    { "owner-rw.key", 0600, TRUE },
    { "owner-r.key", 0400, TRUE },
    { "owner-rwx.key", 0700, TRUE },
    { "world-readable.key", 0644, FALSE },
    { "group-readable.key", 0640, FALSE },
    { "group-writable.key", 0620, FALSE },
    { "other-readable.key", 0604, FALSE },
    { "other-exec.key", 0601, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = write_file (fixture->dir, cases[i].name, KEY "\n", cases[i].mode);
      g_autofree char *conf = g_strdup_printf (D "url=rtmp://a.rtmp.youtube.com/live2\n"
                                               "key-file=%s\n", cases[i].name);
      TribunaConfig *config = tribuna_config_new_from_data (conf, FILE_NAME, fixture->dir, &error);

      if (cases[i].accepted)
        {
          const TribunaDestinationConfig *destination;

          g_assert_no_error (error);
          destination = g_ptr_array_index (tribuna_config_get_destinations (config), 0);
          g_assert_cmpstr (destination->url->key, ==, KEY);
          g_assert_finalize_object (config);
        }
      else
        {
          g_autofree char *mode = g_strdup_printf ("mode %04o", cases[i].mode);

          g_assert_null (config);
          g_assert_error (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_SECRET);
          assert_names (error, "destination YouTube", "key-file");
          g_assert_nonnull (strstr (error->message, path));
          g_assert_nonnull (strstr (error->message, mode));
          g_assert_nonnull (strstr (error->message, "chmod 600"));
          assert_no_key (error->message);
        }
    }
}

static void
test_key_file_bad (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *subdir = g_build_filename (fixture->dir, "a-directory", NULL);
  g_autofree char *big = g_strnfill (5000, 'k');
  struct {
    const char *name;
    const char *contents;   /* NULL: do not create */
    const char *expected;
  } cases[] = {
    { "missing.key", NULL, "No such file" },
    { "empty.key", "", "is empty" },
    { "blank.key", " \n\t\n", "is empty" },
    { "two-lines.key", KEY "\n" KEY "\n", "stream key contains" },
    { "inner-space.key", "Zq7x-SECRET k3y-9fW2-a1b2\n", "stream key contains" },
    { "too-big.key", big, "bytes long" },
    { "a-directory", NULL, "not a regular file" },
  };

  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *conf = g_strdup_printf (D "url=rtmp://a.rtmp.youtube.com/live2\n"
                                               "key-file=%s\n", cases[i].name);
      TribunaConfig *config;

      if (cases[i].contents != NULL)
        path = write_file (fixture->dir, cases[i].name, cases[i].contents, 0600);

      config = tribuna_config_new_from_data (conf, FILE_NAME, fixture->dir, &error);
      g_assert_null (config);
      g_assert_error (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_SECRET);
      assert_names (error, "destination YouTube", "key-file");
      if (strstr (error->message, cases[i].expected) == NULL)
        g_error ("message “%s” lacks “%s”", error->message, cases[i].expected);
      assert_no_key (error->message);
      g_assert_null (strstr (error->message, "Zq7x"));
    }
}

static void
test_key_file_absolute (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (fixture->dir, "abs.key", "  " KEY "  \r\n", 0600);
  g_autofree char *conf = g_strdup_printf (D "url=rtmps://live-api-s.facebook.com:443/rtmp/\n"
                                           "key-file=%s\n", path);
  TribunaConfig *config;
  const TribunaDestinationConfig *destination;

  /* An absolute key-file does not depend on where the config is. */
  config = tribuna_config_new_from_data (conf, FILE_NAME, "/nonexistent", &error);
  g_assert_no_error (error);
  destination = g_ptr_array_index (tribuna_config_get_destinations (config), 0);
  g_assert_cmpstr (destination->url->key, ==, KEY);
  g_assert_cmpstr (destination->url->application, ==, "rtmp");

  g_assert_finalize_object (config);
}

static void
test_new_from_file (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf_path = NULL;
  TribunaConfig *config;
  const TribunaDestinationConfig *destination;

  /* key-file is found next to the config, wherever the daemon was started. */
  put_file (fixture->dir, "yt.key", KEY, 0600);
  conf_path = write_file (fixture->dir, "tribuna.conf",
                          "[program]\nframerate=50\n"
                          D "url=rtmp://a.rtmp.youtube.com/live2\nkey-file=yt.key\n", 0644);
  config = tribuna_config_new_from_file (conf_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_config_get_framerate (config), ==, 50);
  destination = g_ptr_array_index (tribuna_config_get_destinations (config), 0);
  g_assert_cmpstr (destination->url->key, ==, KEY);

  g_assert_finalize_object (config);
}

static void
test_new_from_file_errors (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.conf", NULL);
  g_autofree char *bad = write_file (fixture->dir, "bad.conf", "[program]\nwidth=1\n", 0644);
  g_autofree char *binary = g_build_filename (fixture->dir, "binary.conf", NULL);
  g_autofree char *where = g_strdup_printf ("%s: [program] width: ", bad);
  TribunaConfig *config;

  config = tribuna_config_new_from_file (missing, &error);
  g_assert_null (config);
  g_assert_error (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_clear_error (&error);

  /* The file's own path is the FILE of "FILE: [group] key: ...". */
  config = tribuna_config_new_from_file (bad, &error);
  g_assert_null (config);
  g_assert_error (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_VALUE);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_clear_error (&error);

  g_file_set_contents (binary, "[program]\nwidth=1280\n\0\0\0", 24, &error);
  g_assert_no_error (error);
  config = tribuna_config_new_from_file (binary, &error);
  g_assert_null (config);
  g_assert_error (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, binary));
}

static void
test_no_key_in_any_message (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *confs[] = {
    D "url=rtmp://host:99999/live2/" KEY "\n",
    D "url=rtmps://host:443/live2/" KEY "\nenabled=maybe\n",
    D "url=rtmps://user:" KEY "@host/live2/x\n",
    D "url=rtmp://h/live2/" KEY "\nkey-file=open.key\n",
    D "url=rtmp://h/live2\nkey-file=open.key\n",
    D "url=rtmp://h/live2\nkey-file=spaced.key\n",
    D "url=rtmp://h/live2\nkey=" KEY "\nkey-file=open.key\n",
    D "url=rtmp://h/live2\nkey=" KEY "\n[programm]\n",
    D "url=rtmp://h/live2\nkey=" KEY "\t" KEY "\n",
    D "url=" KEY "\n",
    D "url=rtmp://" KEY "\n",
    D "url=rtmp://h\nkey=" KEY "\n",
    D "url=ftp://h/live2/" KEY "\n",
    D "url=rtmp://h/live2/" KEY "\nkey=" KEY "\n",
    D "url=rtmp://h/live2/" KEY "\nkey-file=missing.key\n",
    "[source S]\nuri=test:smpte\n" D "key=" KEY "\n",
    D "url=rtmp://h/live2/" KEY "\n" "url=rtmp://h/live2/" KEY "\n" "[destination Y]\n",
    D "url=rtmp://h/live2\n" "url " KEY "\n",
    D "url=rtmp://h/live2\n" KEY "\n",
    D "key=" KEY "\xc3\x28\n",
  };

  put_file (fixture->dir, "open.key", KEY "\n", 0644);
  put_file (fixture->dir, "spaced.key", KEY " 2\n", 0600);

  for (guint i = 0; i < G_N_ELEMENTS (confs); i++)
    {
      g_autoptr(GError) error = NULL;
      TribunaConfig *config = tribuna_config_new_from_data (confs[i], FILE_NAME, fixture->dir,
                                                            &error);

      g_assert_null (config);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      assert_no_key (error->message);
    }
}

static void
test_add_destination_url (void)
{
  g_autoptr(GError) error = NULL;
  TribunaConfig *config;
  GPtrArray *destinations;
  const TribunaDestinationConfig *destination;

  config = tribuna_config_new_from_data ("[destination stream-1]\n"
                                         "url=rtmp://h/app/k1\nenabled=false\ntls-verify=false\n"
                                         "[destination stream-3]\nurl=rtmp://h/app/k3\n",
                                         FILE_NAME, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (tribuna_config_add_destination_url (config,
                                                     "rtmps://live-api-s.facebook.com:443/rtmp/"
                                                     KEY, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_config_add_destination_url (config, "rtmp://[::1]/live/x", &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_config_add_destination_url (config, "rtmp://h/live/y", &error));
  g_assert_no_error (error);

  /* File order first, then the command line's, named around the taken names. */
  destinations = tribuna_config_get_destinations (config);
  g_assert_cmpuint (destinations->len, ==, 5);
  g_assert_cmpstr (((TribunaDestinationConfig *) destinations->pdata[0])->name, ==, "stream-1");
  g_assert_cmpstr (((TribunaDestinationConfig *) destinations->pdata[1])->name, ==, "stream-3");

  destination = destinations->pdata[2];
  g_assert_cmpstr (destination->name, ==, "stream-2");
  g_assert_cmpstr (destination->url->scheme, ==, "rtmps");
  g_assert_cmpstr (destination->url->host, ==, "live-api-s.facebook.com");
  g_assert_cmpstr (destination->url->application, ==, "rtmp");
  g_assert_cmpstr (destination->url->key, ==, KEY);
  g_assert_true (destination->enabled);
  g_assert_true (destination->tls_verify);

  g_assert_cmpstr (((TribunaDestinationConfig *) destinations->pdata[3])->name, ==, "stream-4");
  g_assert_cmpstr (((TribunaDestinationConfig *) destinations->pdata[4])->name, ==, "stream-5");

  g_assert_finalize_object (config);
}

static void
test_add_destination_url_bad (void)
{
  const char *urls[] = {
    "rtmp://a.rtmp.youtube.com/live2",
    "http://a.rtmp.youtube.com/live2/" KEY,
    "rtmp://host:0/live2/" KEY,
    "rtmp://host/live2/" KEY " ",
    KEY,
  };
  TribunaConfig *config = tribuna_config_new ();

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (tribuna_config_add_destination_url (config, urls[i], &error));
      g_assert_error (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_VALUE);
      g_assert_nonnull (strstr (error->message, "allowed: "));
      assert_no_key (error->message);
    }

  g_assert_cmpuint (tribuna_config_get_destinations (config)->len, ==, 0);
  g_assert_finalize_object (config);
}

static void
test_destination_config_copy (void)
{
  g_autoptr(TribunaRtmpUrl) url = tribuna_rtmp_url_parse ("rtmps://h/app/" KEY, NULL, NULL);
  g_autoptr(TribunaDestinationConfig) destination = NULL;
  g_autoptr(TribunaDestinationConfig) copy = NULL;

  destination = tribuna_destination_config_new ("Lab", url, FALSE, FALSE);
  /* The destination keeps its own copy of the URL. */
  g_assert_true (destination->url != url);
  g_assert_cmpstr (destination->url->key, ==, KEY);

  copy = tribuna_destination_config_copy (destination);
  g_assert_true (copy->url != destination->url);
  g_assert_cmpstr (copy->name, ==, "Lab");
  g_assert_cmpstr (copy->url->host, ==, "h");
  g_assert_cmpstr (copy->url->key, ==, KEY);
  g_assert_false (copy->enabled);
  g_assert_false (copy->tls_verify);
}

static char *
example_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "data", "tribuna.conf.example", NULL);
}

static void
test_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = example_path ();
  TribunaConfig *config;
  const TribunaSourceConfig *source;

  /* The example documents the defaults, so it must load and change nothing. */
  config = tribuna_config_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_config_get_width (config), ==, 1280);
  g_assert_cmpuint (tribuna_config_get_height (config), ==, 720);
  g_assert_cmpuint (tribuna_config_get_framerate (config), ==, 30);
  g_assert_cmpuint (tribuna_config_get_video_bitrate (config), ==, 4000);
  g_assert_cmpuint (tribuna_config_get_audio_bitrate (config), ==, 128);
  g_assert_cmpuint (tribuna_config_get_keyframe_interval (config), ==, 2);
  g_assert_cmpstr (tribuna_config_get_encoder_preset (config), ==, "veryfast");
  g_assert_cmpuint (tribuna_config_get_segment_minutes (config), ==, 10);
  g_assert_cmpuint (tribuna_config_get_min_free_mb (config), ==, 2048);
  g_assert_cmpuint (tribuna_config_get_stop_free_mb (config), ==, 256);
  g_assert_null (tribuna_config_get_data_dir (config));

  g_assert_cmpuint (tribuna_config_get_sources (config)->len, ==, 1);
  source = g_ptr_array_index (tribuna_config_get_sources (config), 0);
  g_assert_cmpstr (source->name, ==, "Salla");
  g_assert_cmpuint (tribuna_config_get_destinations (config)->len, ==, 0);

  g_assert_finalize_object (config);
}

static void
test_example_all_settings (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = example_path ();
  g_autofree char *contents = NULL;
  g_autofree char *conf_path = g_build_filename (fixture->dir, "tribuna.conf", NULL);
  g_autoptr(GString) uncommented = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  TribunaConfig *config;
  const TribunaDestinationConfig *destination;
  const char * const documented[] = {
    "width", "height", "framerate", "video-bitrate", "audio-bitrate", "keyframe-interval",
    "encoder-preset", "uri", "url", "key-file", "key", "enabled", "tls-verify",
    "segment-minutes", "min-free-mb", "stop-free-mb", "data-dir", NULL
  };

  put_file (fixture->dir, "youtube.key", KEY "\n", 0600);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  /* Every key of the contract is documented in the example. */
  for (guint i = 0; documented[i] != NULL; i++)
    {
      g_autofree char *setting = g_strdup_printf ("%s=", documented[i]);

      if (strstr (contents, setting) == NULL)
        g_error ("the example does not document %s", documented[i]);
    }

  /* "#key=value" lines are settings left at their default: switched on, they
   * must all be real keys with valid values. */
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line[0] == '#' && (g_ascii_isalpha (line[1]) || line[1] == '['))
        line++;
      g_string_append_printf (uncommented, "%s\n", line);
    }

  g_file_set_contents (conf_path, uncommented->str, -1, &error);
  g_assert_no_error (error);

  config = tribuna_config_new_from_file (conf_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tribuna_config_get_data_dir (config), ==, "/var/lib/tribuna");
  g_assert_cmpuint (tribuna_config_get_destinations (config)->len, ==, 1);
  destination = g_ptr_array_index (tribuna_config_get_destinations (config), 0);
  g_assert_cmpstr (destination->name, ==, "YouTube");
  g_assert_cmpstr (destination->url->key, ==, KEY);
  g_assert_true (destination->enabled);
  g_assert_true (destination->tls_verify);

  g_assert_finalize_object (config);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/config/defaults", test_defaults);
  g_test_add_func ("/app/config/empty-file", test_empty_file);
  g_test_add_func ("/app/config/partial-file", test_partial_file);
  g_test_add ("/app/config/full", Fixture, NULL, fixture_set_up, test_full, fixture_tear_down);
  g_test_add_func ("/app/config/lenient-spelling", test_lenient_spelling);

  for (guint i = 0; i < G_N_ELEMENTS (bad_configs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/app/config/bad-%s", bad_configs[i].path);

      g_test_add_data_func (path, &bad_configs[i], test_bad);
    }
  g_test_add_func ("/app/config/bad-messages", test_bad_messages);
  g_test_add_func ("/app/config/vision-keys", test_vision_keys);

  g_test_add ("/app/config/key-file-modes", Fixture, NULL, fixture_set_up, test_key_file_modes,
              fixture_tear_down);
  g_test_add ("/app/config/key-file-bad", Fixture, NULL, fixture_set_up, test_key_file_bad,
              fixture_tear_down);
  g_test_add ("/app/config/key-file-absolute", Fixture, NULL, fixture_set_up,
              test_key_file_absolute, fixture_tear_down);
  g_test_add ("/app/config/new-from-file", Fixture, NULL, fixture_set_up, test_new_from_file,
              fixture_tear_down);
  g_test_add ("/app/config/new-from-file-errors", Fixture, NULL, fixture_set_up,
              test_new_from_file_errors, fixture_tear_down);
  g_test_add ("/app/config/no-key-in-any-message", Fixture, NULL, fixture_set_up,
              test_no_key_in_any_message, fixture_tear_down);

  g_test_add_func ("/app/config/add-destination-url", test_add_destination_url);
  g_test_add_func ("/app/config/add-destination-url-bad", test_add_destination_url_bad);
  g_test_add_func ("/app/config/destination-config-copy", test_destination_config_copy);

  g_test_add_func ("/app/config/example", test_example);
  g_test_add ("/app/config/example-all-settings", Fixture, NULL, fixture_set_up,
              test_example_all_settings, fixture_tear_down);

  return g_test_run ();
}
