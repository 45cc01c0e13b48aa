/* tribuna-config.c: tribuna.conf, with embedded defaults so no file is needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-config"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "tribuna-config.h"

/* The embedded defaults; together with the group and key names they are the
 * documented contract of tribuna.conf. */
#define DEFAULT_WIDTH             1280
#define DEFAULT_HEIGHT            720
#define DEFAULT_FRAMERATE         30
#define DEFAULT_VIDEO_BITRATE     4000
#define DEFAULT_AUDIO_BITRATE     128
#define DEFAULT_KEYFRAME_INTERVAL 2
#define DEFAULT_ENCODER_PRESET    "veryfast"
#define DEFAULT_SEGMENT_MINUTES   10
#define DEFAULT_MIN_FREE_MB       2048
#define DEFAULT_STOP_FREE_MB      256
#define DEFAULT_SOURCE_NAME       "Test"
#define DEFAULT_SOURCE_URI        "test:smpte"
#define DEFAULT_HTTP_ADDRESS      "127.0.0.1"
#define DEFAULT_HTTP_PORT         8080

#define MAX_NAME_CHARS 64

/* A stream key is a few dozen bytes: anything bigger is the wrong file. */
#define MAX_KEY_FILE_BYTES 4096

#define DEFAULT_FADE_MS 500
#define DEFAULT_SILENCE_SECONDS 10
#define DEFAULT_SLATE_TITLE "Pushim"
#define DEFAULT_SLATE_SUBTITLE "Seanca vazhdon së shpejti"

#define SOURCE_FORMS "test:<pattern>, file:///path, rtsp://host/path, v4l2:///dev/videoN"
#define URL_FORMS "rtmp://host[:port]/application[/KEY] or rtmps://host[:port]/application[/KEY]"

struct _TribunaConfig
{
  GObject    parent_instance;

  /* [program] */
  guint      width;
  guint      height;
  guint      framerate;
  guint      video_bitrate;
  guint      audio_bitrate;
  guint      keyframe_interval;
  char      *encoder_preset;

  /* [source NAME] and [destination NAME], in file order */
  GPtrArray *sources;
  GPtrArray *destinations;

  /* [recording] */
  guint      segment_minutes;
  guint      segment_seconds;   /* 0: segment-minutes decides */
  guint      min_free_mb;
  guint      stop_free_mb;

  /* [mixer] */
  guint      fade_ms;
  guint      silence_seconds;

  /* [slate] */
  char      *slate_title;
  char      *slate_subtitle;
  char      *slate_image;     /* absolute, or NULL */

  /* [overlays] */
  TribunaLowerThirdTheme theme;
  char      *logo;            /* absolute, or NULL */
  gboolean   clock;

  /* [paths] */
  char      *data_dir;

  /* [http] */
  char      *http_address;
  guint      http_port;
  char      *http_tls_certificate;
  char      *http_tls_key;
};

G_DEFINE_FINAL_TYPE (TribunaConfig, tribuna_config, G_TYPE_OBJECT)

G_DEFINE_QUARK (tribuna-config-error-quark, tribuna_config_error)

typedef struct
{
  const char *file_name;
  const char *base_dir;
  GKeyFile   *key_file;
} Parser;

/* A key holding an unsigned number, read into the field at @offset. */
typedef struct
{
  const char  *key;
  guint        min;
  guint        max;
  gboolean     even;
  const guint *choices;   /* 0-terminated; NULL when any value in range goes */
  const char  *allowed;
  gsize        offset;
} UintKey;

static const char * const program_keys[] = {
  "width", "height", "framerate", "video-bitrate", "audio-bitrate", "keyframe-interval",
  "encoder-preset", NULL
};
static const char * const source_keys[] = { "uri", "gain", "muted", "av-offset", NULL };
static const char * const mixer_keys[] = { "fade-ms", "silence-seconds", NULL };
static const char * const slate_keys[] = { "title", "subtitle", "image", NULL };
static const char * const overlays_keys[] = {
  "font", "background", "foreground", "accent", "logo", "clock", NULL
};
static const char * const destination_keys[] = {
  "url", "key-file", "key", "enabled", "tls-verify", NULL
};
static const char * const recording_keys[] = {
  "segment-minutes", "segment-seconds", "min-free-mb", "stop-free-mb", NULL
};
static const char * const paths_keys[] = { "data-dir", NULL };
static const char * const http_keys[] = { "address", "port", "tls-certificate", "tls-key", NULL };

/* x264enc's speed-preset nicks, without "placebo" (no appliance encodes live with it). */
static const char * const encoder_presets[] = {
  "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow",
  NULL
};

/* The usual AAC rates: what every encoder and every streaming service accepts. */
static const guint audio_bitrates[] = { 64, 96, 128, 160, 192, 256, 320, 0 };

static const UintKey program_uint_keys[] = {
  { "width", 160, 3840, TRUE, NULL, "an even number from 160 to 3840 (pixels)",
    G_STRUCT_OFFSET (TribunaConfig, width) },
  { "height", 120, 2160, TRUE, NULL, "an even number from 120 to 2160 (pixels)",
    G_STRUCT_OFFSET (TribunaConfig, height) },
  { "framerate", 1, 60, FALSE, NULL, "1 to 60 (frames per second)",
    G_STRUCT_OFFSET (TribunaConfig, framerate) },
  { "video-bitrate", 200, 50000, FALSE, NULL, "200 to 50000 (kbit/s)",
    G_STRUCT_OFFSET (TribunaConfig, video_bitrate) },
  { "audio-bitrate", 64, 320, FALSE, audio_bitrates, "64, 96, 128, 160, 192, 256 or 320 (kbit/s)",
    G_STRUCT_OFFSET (TribunaConfig, audio_bitrate) },
  { "keyframe-interval", 1, 10, FALSE, NULL, "1 to 10 (seconds)",
    G_STRUCT_OFFSET (TribunaConfig, keyframe_interval) },
};

/* min-free-mb starts at 2 so that stop-free-mb, which must be below it, has room. */
static const UintKey recording_uint_keys[] = {
  { "segment-minutes", 1, 240, FALSE, NULL, "1 to 240 (minutes)",
    G_STRUCT_OFFSET (TribunaConfig, segment_minutes) },
  { "segment-seconds", 2, 14400, FALSE, NULL, "2 to 14400 (seconds)",
    G_STRUCT_OFFSET (TribunaConfig, segment_seconds) },
  { "min-free-mb", 2, 1048576, FALSE, NULL, "2 to 1048576 (MB)",
    G_STRUCT_OFFSET (TribunaConfig, min_free_mb) },
  { "stop-free-mb", 1, 1048575, FALSE, NULL, "1 to 1048575 (MB), and below min-free-mb",
    G_STRUCT_OFFSET (TribunaConfig, stop_free_mb) },
};

static const UintKey http_uint_keys[] = {
  { "port", 1, 65535, FALSE, NULL, "1 to 65535 (a TCP port)",
    G_STRUCT_OFFSET (TribunaConfig, http_port) },
};

#define HTTP_ADDRESS_FORMS \
  "an IP address: 127.0.0.1 (this machine only), 0.0.0.0 (every IPv4 network), ::1 or ::"

/* "FILE: [group] key: what is wrong; allowed: ...", the one shape of every message. */
static gboolean
parser_error (const Parser        *parser,
              GError             **error,
              TribunaConfigError   code,
              const char          *group,
              const char          *key,
              const char          *allowed,
              const char          *format,
              ...) G_GNUC_PRINTF (7, 8);

static gboolean
parser_error (const Parser        *parser,
              GError             **error,
              TribunaConfigError   code,
              const char          *group,
              const char          *key,
              const char          *allowed,
              const char          *format,
              ...)
{
  g_autoptr(GString) message = g_string_new (parser->file_name);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_string_append (message, ": ");
  if (group != NULL)
    g_string_append_printf (message, "[%s]%s", group, key != NULL ? " " : ": ");
  if (key != NULL)
    g_string_append_printf (message, "%s: ", key);
  g_string_append (message, what);
  if (allowed != NULL)
    g_string_append_printf (message, "; allowed: %s", allowed);

  g_set_error_literal (error, TRIBUNA_CONFIG_ERROR, code, message->str);

  return FALSE;
}

static gboolean
check_keys (const Parser        *parser,
            const char          *group,
            const char * const  *allowed_keys,
            GError             **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (parser->key_file, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      /* A misspelt key would otherwise silently leave its default in place. */
      if (!g_strv_contains (allowed_keys, keys[i]))
        {
          g_autofree char *allowed = g_strjoinv (", ", (char **) allowed_keys);

          return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, keys[i], allowed,
                               "unknown key");
        }
    }

  return TRUE;
}

/* Reads a key's value with surrounding whitespace removed (GKeyFile keeps trailing
 * blanks, which nobody can see in an editor); *value is NULL when the key is absent.
 * Its own message does not quote the value: this also reads key= and url=. */
static gboolean
read_string (const Parser  *parser,
             const char    *group,
             const char    *key,
             char         **value,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  *value = NULL;
  if (!g_key_file_has_key (parser->key_file, group, key, NULL))
    return TRUE;

  /* On a bad escape GKeyFile sets the error but still returns the raw value. */
  text = g_key_file_get_string (parser->key_file, group, key, &local_error);
  if (local_error != NULL || text == NULL)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, key,
                         "\\\\ for a backslash, \\s \\n \\t \\r for blanks",
                         "the value contains an invalid escape sequence");

  *value = g_strstrip (g_steal_pointer (&text));
  return TRUE;
}

static gboolean
read_uint (const Parser   *parser,
           TribunaConfig  *self,
           const char     *group,
           const UintKey  *spec,
           GError        **error)
{
  g_autofree char *text = NULL;
  guint64 value;
  gboolean digits;

  if (!read_string (parser, group, spec->key, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  if (*text == '\0')
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, spec->key,
                         spec->allowed, "no value");

  digits = TRUE;
  for (const char *p = text; digits && *p != '\0'; p++)
    digits = g_ascii_isdigit (*p);
  if (!digits)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, spec->key,
                         spec->allowed, "“%s” is not a whole number", text);

  /* Ten digits hold any guint; more would wrap in the conversion. */
  value = strlen (text) <= 10 ? g_ascii_strtoull (text, NULL, 10) : G_MAXUINT64;
  if (value < spec->min || value > spec->max)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, spec->key,
                         spec->allowed, "%s is out of range", text);

  if (spec->even && value % 2 != 0)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, spec->key,
                         spec->allowed, "%s is odd, and the video encoder needs even sizes",
                         text);

  if (spec->choices != NULL)
    {
      gboolean found = FALSE;

      for (const guint *choice = spec->choices; *choice != 0 && !found; choice++)
        found = *choice == value;
      if (!found)
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, spec->key,
                             spec->allowed, "%s is not one of the allowed values", text);
    }

  G_STRUCT_MEMBER (guint, self, spec->offset) = (guint) value;
  return TRUE;
}

static gboolean
read_boolean (const Parser  *parser,
              const char    *group,
              const char    *key,
              gboolean      *value,
              GError       **error)
{
  g_autofree char *text = NULL;

  if (!read_string (parser, group, key, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  /* The four spellings GKeyFile itself writes and reads. */
  if (g_str_equal (text, "true") || g_str_equal (text, "1"))
    *value = TRUE;
  else if (g_str_equal (text, "false") || g_str_equal (text, "0"))
    *value = FALSE;
  else
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, key, "true, false",
                         "“%s” is not a boolean", text);

  return TRUE;
}

/* The NAME of [source NAME] or [destination NAME]: it shows in logs and the console. */
static gboolean
parse_group_name (const Parser  *parser,
                  const char    *group,
                  const char    *kind,
                  char         **name_out,
                  GError       **error)
{
  g_autofree char *name = g_strstrip (g_strdup (group + strlen (kind)));
  g_autofree char *allowed = g_strdup_printf ("[%s NAME] with a name of 1 to %u characters",
                                              kind, MAX_NAME_CHARS);
  glong length;

  if (*name == '\0')
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, NULL, allowed,
                         "the group has no name");

  length = g_utf8_strlen (name, -1);
  if (length > MAX_NAME_CHARS)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, NULL, allowed,
                         "the name has %ld characters", length);

  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_iscntrl (*p))
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, NULL, allowed,
                             "the name contains a control character");
    }

  *name_out = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
parse_program (TribunaConfig  *self,
               const Parser   *parser,
               const char     *group,
               GError        **error)
{
  g_autofree char *preset = NULL;

  if (!check_keys (parser, group, program_keys, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (program_uint_keys); i++)
    {
      if (!read_uint (parser, self, group, &program_uint_keys[i], error))
        return FALSE;
    }

  if (!read_string (parser, group, "encoder-preset", &preset, error))
    return FALSE;
  if (preset != NULL)
    {
      if (!g_strv_contains (encoder_presets, preset))
        {
          g_autofree char *allowed = g_strjoinv (", ", (char **) encoder_presets);

          return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "encoder-preset",
                               allowed, "“%s” is not an x264 preset", preset);
        }
      g_free (self->encoder_preset);
      self->encoder_preset = g_steal_pointer (&preset);
    }

  return TRUE;
}

static gboolean
parse_recording (TribunaConfig  *self,
                 const Parser   *parser,
                 const char     *group,
                 GError        **error)
{
  if (!check_keys (parser, group, recording_keys, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (recording_uint_keys); i++)
    {
      if (!read_uint (parser, self, group, &recording_uint_keys[i], error))
        return FALSE;
    }

  /* The recorder warns below min-free-mb and stops below stop-free-mb: the other
   * way round it would stop without ever having warned. */
  if (self->stop_free_mb >= self->min_free_mb)
    {
      g_autofree char *allowed = g_strdup_printf ("1 to %u (MB), below min-free-mb",
                                                  self->min_free_mb - 1);
      gboolean given = g_key_file_has_key (parser->key_file, group, "stop-free-mb", NULL);

      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "stop-free-mb",
                           allowed, "%u%s is not below min-free-mb (%u)", self->stop_free_mb,
                           given ? "" : " (the default)", self->min_free_mb);
    }

  return TRUE;
}

static const UintKey mixer_uint_keys[] = {
  { "fade-ms", 0, 10000, FALSE, NULL, "0 to 10000 (milliseconds)",
    G_STRUCT_OFFSET (TribunaConfig, fade_ms) },
  { "silence-seconds", 1, 3600, FALSE, NULL, "1 to 3600 (seconds)",
    G_STRUCT_OFFSET (TribunaConfig, silence_seconds) },
};

static gboolean
parse_mixer (TribunaConfig  *self,
             const Parser   *parser,
             const char     *group,
             GError        **error)
{
  if (!check_keys (parser, group, mixer_keys, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (mixer_uint_keys); i++)
    {
      if (!read_uint (parser, self, group, &mixer_uint_keys[i], error))
        return FALSE;
    }

  return TRUE;
}

/* Replaces *field with the key's value when the key is there. */
static gboolean
read_text (const Parser  *parser,
           const char    *group,
           const char    *key,
           char         **field,
           GError       **error)
{
  char *value = NULL;

  if (!read_string (parser, group, key, &value, error))
    return FALSE;
  if (value != NULL)
    {
      g_free (*field);
      *field = value;
    }

  return TRUE;
}

static gboolean
parse_slate (TribunaConfig  *self,
             const Parser   *parser,
             const char     *group,
             GError        **error)
{
  g_autofree char *image = NULL;

  if (!check_keys (parser, group, slate_keys, error)
      || !read_text (parser, group, "title", &self->slate_title, error)
      || !read_text (parser, group, "subtitle", &self->slate_subtitle, error)
      || !read_string (parser, group, "image", &image, error))
    return FALSE;

  if (image == NULL || *image == '\0')
    return TRUE;

  g_free (self->slate_image);
  self->slate_image = g_canonicalize_filename (image, parser->base_dir);
  if (!g_str_has_suffix (self->slate_image, ".png")
      || !g_file_test (self->slate_image, G_FILE_TEST_IS_REGULAR))
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "image",
                         "a PNG file, relative to the config file's directory or absolute",
                         "%s is not a PNG file that exists", self->slate_image);

  return TRUE;
}

/* #RRGGBB or #RRGGBBAA, into 0xAARRGGBB */
static gboolean
read_colour (const Parser  *parser,
             const char    *group,
             const char    *key,
             guint32       *argb,
             GError       **error)
{
  g_autofree char *text = NULL;
  gsize length;
  guint64 value;
  char *end = NULL;

  if (!read_string (parser, group, key, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  length = strlen (text);
  value = text[0] == '#' ? g_ascii_strtoull (text + 1, &end, 16) : 0;
  if (end == NULL || *end != '\0' || (length != 7 && length != 9))
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, key,
                         "#RRGGBB or #RRGGBBAA (hexadecimal)", "“%s” is not a colour", text);

  *argb = length == 7 ? 0xff000000 | (guint32) value
                      : (guint32) (value >> 8) | (guint32) (value & 0xff) << 24;
  return TRUE;
}

static gboolean
parse_overlays (TribunaConfig  *self,
                const Parser   *parser,
                const char     *group,
                GError        **error)
{
  g_autofree char *logo = NULL;

  if (!check_keys (parser, group, overlays_keys, error)
      || !read_text (parser, group, "font", &self->theme.font, error)
      || !read_colour (parser, group, "background", &self->theme.background, error)
      || !read_colour (parser, group, "foreground", &self->theme.foreground, error)
      || !read_colour (parser, group, "accent", &self->theme.accent, error)
      || !read_boolean (parser, group, "clock", &self->clock, error)
      || !read_string (parser, group, "logo", &logo, error))
    return FALSE;

  if (logo == NULL || *logo == '\0')
    return TRUE;

  g_free (self->logo);
  self->logo = g_canonicalize_filename (logo, parser->base_dir);
  if (!g_str_has_suffix (self->logo, ".png") || !g_file_test (self->logo, G_FILE_TEST_IS_REGULAR))
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "logo",
                         "a PNG file, relative to the config file's directory or absolute",
                         "%s is not a PNG file that exists", self->logo);

  return TRUE;
}

/* gain= (dB), muted= and av-offset= (ms) of a [source]. */
static gboolean
parse_source_sound (const Parser         *parser,
                    const char           *group,
                    TribunaSourceConfig  *source,
                    GError              **error)
{
  g_autofree char *gain = NULL;
  g_autofree char *offset = NULL;
  char *end = NULL;

  if (!read_boolean (parser, group, "muted", &source->muted, error)
      || !read_string (parser, group, "gain", &gain, error)
      || !read_string (parser, group, "av-offset", &offset, error))
    return FALSE;

  if (gain != NULL)
    {
      source->gain_db = g_ascii_strtod (gain, &end);
      if (*gain == '\0' || *end != '\0' || source->gain_db < -60.0 || source->gain_db > 20.0)
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "gain",
                             "a number from -60 to 20 (dB)", "“%s” is not allowed", gain);
    }

  if (offset != NULL)
    {
      gint64 value = g_ascii_strtoll (offset, &end, 10);

      if (*offset == '\0' || *end != '\0' || value < 0 || value > 1000)
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "av-offset",
                             "0 to 1000 (milliseconds the sound plays after the picture)",
                             "“%s” is not allowed", offset);
      source->av_offset_ms = (int) value;
    }

  return TRUE;
}

static gboolean
parse_paths (TribunaConfig  *self,
             const Parser   *parser,
             const char     *group,
             GError        **error)
{
  g_autofree char *data_dir = NULL;

  if (!check_keys (parser, group, paths_keys, error))
    return FALSE;

  if (!read_string (parser, group, "data-dir", &data_dir, error))
    return FALSE;
  if (data_dir == NULL)
    return TRUE;

  if (*data_dir == '\0')
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "data-dir",
                         "a directory, relative to the config file's directory or absolute",
                         "no value");

  /* Relative to the config file, like key-file, so a config and its data can move together. */
  g_free (self->data_dir);
  self->data_dir = g_canonicalize_filename (data_dir, parser->base_dir);

  return TRUE;
}

/* A TLS file of [http]: there, a regular file, and for the private key, private. The
 * files are loaded when the server starts; this catches the usual mistakes at once. */
static gboolean
read_tls_file (const Parser  *parser,
               const char    *group,
               const char    *key,
               gboolean       secret,
               char         **path_out,
               GError       **error)
{
  g_autofree char *value = NULL;
  g_autofree char *path = NULL;
  const char *allowed = secret ? "a PEM private key file, mode 0600, relative to the config "
                                 "file's directory or absolute"
                               : "a PEM certificate file, relative to the config file's "
                                 "directory or absolute";
  GStatBuf st;

  if (!read_string (parser, group, key, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (*value == '\0')
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, key, allowed,
                         "no value");

  path = g_canonicalize_filename (value, parser->base_dir);
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, key, allowed,
                           "cannot find “%s”: %s", path, g_strerror (saved_errno));
    }
  if (!S_ISREG (st.st_mode))
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, key, allowed,
                         "“%s” is not a regular file", path);
  if (secret && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_autofree char *fix = g_strdup_printf ("mode 0600 or stricter (run: chmod 600 %s)", path);

      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, key, fix,
                           "“%s” has mode %04o, so other users can read the TLS private key",
                           path, (guint) (st.st_mode & 07777));
    }

  *path_out = g_steal_pointer (&path);
  return TRUE;
}

static gboolean
parse_http (TribunaConfig  *self,
            const Parser   *parser,
            const char     *group,
            GError        **error)
{
  g_autofree char *address = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GInetAddress) inet_address = NULL;

  if (!check_keys (parser, group, http_keys, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (http_uint_keys); i++)
    {
      if (!read_uint (parser, self, group, &http_uint_keys[i], error))
        return FALSE;
    }

  if (!read_string (parser, group, "address", &address, error))
    return FALSE;
  if (address != NULL)
    {
      /* An address, not a host name: what the server binds must not depend on DNS. */
      inet_address = g_inet_address_new_from_string (address);
      if (inet_address == NULL)
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "address",
                             HTTP_ADDRESS_FORMS, "“%s” is not an IP address", address);
      g_free (self->http_address);
      self->http_address = g_steal_pointer (&address);
    }

  if (!read_tls_file (parser, group, "tls-certificate", FALSE, &certificate, error)
      || !read_tls_file (parser, group, "tls-key", TRUE, &key, error))
    return FALSE;
  if ((certificate == NULL) != (key == NULL))
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group,
                         certificate == NULL ? "tls-key" : "tls-certificate",
                         "both tls-certificate and tls-key, or neither",
                         "%s is set without %s",
                         certificate == NULL ? "tls-key" : "tls-certificate",
                         certificate == NULL ? "tls-certificate" : "tls-key");
  g_free (self->http_tls_certificate);
  self->http_tls_certificate = g_steal_pointer (&certificate);
  g_free (self->http_tls_key);
  self->http_tls_key = g_steal_pointer (&key);

  return TRUE;
}

static gboolean
parse_source (TribunaConfig  *self,
              const Parser   *parser,
              const char     *group,
              GError        **error)
{
  g_autofree char *name = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(TribunaSourceConfig) source = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!parse_group_name (parser, group, "source", &name, error))
    return FALSE;

  if (!check_keys (parser, group, source_keys, error))
    return FALSE;

  for (guint i = 0; i < self->sources->len; i++)
    {
      const TribunaSourceConfig *other = g_ptr_array_index (self->sources, i);

      if (g_str_equal (other->name, name))
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, NULL,
                             "one group per source name",
                             "a source named “%s” is already defined", name);
    }

  if (!read_string (parser, group, "uri", &uri, error))
    return FALSE;
  if (uri == NULL || *uri == '\0')
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "uri", SOURCE_FORMS,
                         "missing; every source needs one");

  /* tribuna-source knows what it can play, and its message says what is allowed. */
  source = tribuna_source_config_parse (name, uri, &local_error);
  if (source == NULL)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "uri",
                         strstr (local_error->message, "allowed: ") == NULL ? SOURCE_FORMS : NULL,
                         "%s", local_error->message);
  if (!parse_source_sound (parser, group, source, error))
    return FALSE;

  g_ptr_array_add (self->sources, g_steal_pointer (&source));
  return TRUE;
}

/* Reads the stream key from a file that must be private to its owner. */
static gboolean
read_key_file (const Parser  *parser,
               const char    *group,
               const char    *value,
               char         **key_out,
               GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *buffer = NULL;
  g_autoptr(GError) key_error = NULL;
  struct stat st;
  gsize length = 0;
  int fd;

  if (*value == '\0')
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file",
                         "a file holding the stream key, mode 0600",
                         "no value");

  path = g_canonicalize_filename (value, parser->base_dir);

  /* One descriptor for the checks and the read, so they are about the same file. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file",
                           "a file holding the stream key, mode 0600, relative to the config "
                           "file's directory or absolute",
                           "cannot open “%s”: %s", path, g_strerror (saved_errno));
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file", NULL,
                           "cannot examine “%s”: %s", path, g_strerror (saved_errno));
    }

  if (!S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file",
                           "a regular file holding the stream key, mode 0600",
                           "“%s” is not a regular file", path);
    }

  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_autofree char *allowed = g_strdup_printf ("mode 0600 or stricter (run: chmod 600 %s)",
                                                  path);

      g_close (fd, NULL);
      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file", allowed,
                           "“%s” has mode %04o, so other users can read the stream key",
                           path, (guint) (st.st_mode & 07777));
    }

  if (st.st_size > MAX_KEY_FILE_BYTES)
    {
      g_close (fd, NULL);
      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file",
                           "a file holding only the stream key, at most 4096 bytes",
                           "“%s” is %" G_GINT64_FORMAT " bytes long", path,
                           (gint64) st.st_size);
    }

  /* One byte more than allowed, to notice a file that grew after fstat(). */
  buffer = g_malloc0 (MAX_KEY_FILE_BYTES + 2);
  while (length <= MAX_KEY_FILE_BYTES)
    {
      gssize n = read (fd, buffer + length, MAX_KEY_FILE_BYTES + 1 - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_close (fd, NULL);
          return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file",
                               NULL, "cannot read “%s”: %s", path, g_strerror (saved_errno));
        }
      if (n == 0)
        break;
      length += n;
    }
  g_close (fd, NULL);

  if (length > MAX_KEY_FILE_BYTES)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file",
                         "a file holding only the stream key, at most 4096 bytes",
                         "“%s” is longer than 4096 bytes", path);

  if (memchr (buffer, '\0', length) != NULL)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file",
                         "a text file holding the stream key",
                         "“%s” contains a NUL byte", path);

  /* `echo KEY > file` leaves a line break, which is no part of the key. */
  g_strstrip (buffer);
  if (*buffer == '\0')
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file",
                         "a file holding the stream key", "“%s” is empty", path);

  if (!tribuna_rtmp_url_check_key (buffer, &key_error))
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_SECRET, group, "key-file", NULL,
                         "in “%s”, %s", path, key_error->message);

  *key_out = g_steal_pointer (&buffer);
  return TRUE;
}

static gboolean
parse_destination (TribunaConfig  *self,
                   const Parser   *parser,
                   const char     *group,
                   GError        **error)
{
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(TribunaRtmpUrl) rtmp_url = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean enabled = TRUE;
  gboolean tls_verify = TRUE;

  if (!parse_group_name (parser, group, "destination", &name, error))
    return FALSE;

  if (!check_keys (parser, group, destination_keys, error))
    return FALSE;

  for (guint i = 0; i < self->destinations->len; i++)
    {
      const TribunaDestinationConfig *other = g_ptr_array_index (self->destinations, i);

      if (g_str_equal (other->name, name))
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, NULL,
                             "one group per destination name",
                             "a destination named “%s” is already defined", name);
    }

  if (!read_string (parser, group, "url", &url, error) ||
      !read_string (parser, group, "key", &key, error) ||
      !read_string (parser, group, "key-file", &key_file, error) ||
      !read_boolean (parser, group, "enabled", &enabled, error) ||
      !read_boolean (parser, group, "tls-verify", &tls_verify, error))
    return FALSE;

  if (url == NULL || *url == '\0')
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "url", URL_FORMS,
                         "missing; every destination needs one");

  if (key != NULL && key_file != NULL)
    return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "key-file",
                         "key-file=FILE or key=KEY, not both",
                         "both key and key-file are set");

  if (key_file != NULL)
    {
      if (!read_key_file (parser, group, key_file, &secret, error))
        return FALSE;
    }
  else if (key != NULL)
    {
      if (!tribuna_rtmp_url_check_key (key, &local_error))
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "key", NULL,
                             "%s", local_error->message);
      secret = g_steal_pointer (&key);
    }

  rtmp_url = tribuna_rtmp_url_parse (url, secret, &local_error);
  if (rtmp_url == NULL)
    {
      g_autoptr(TribunaRtmpUrl) with_placeholder = NULL;

      /* A URL that would be fine with a key after it ("rtmp://a.rtmp.youtube.com/live2")
       * deserves a message about the key, not about the URL. */
      if (secret == NULL)
        with_placeholder = tribuna_rtmp_url_parse (url, "placeholder", NULL);

      if (with_placeholder != NULL)
        return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "url",
                             "key-file=FILE (mode 0600) or key=KEY in this group, or the key "
                             "as the last segment of the URL",
                             "the URL names no stream key, and neither key-file nor key is set");

      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, "url", NULL,
                           "%s", local_error->message);
    }

  g_ptr_array_add (self->destinations,
                   tribuna_destination_config_new (name, rtmp_url, enabled, tls_verify));
  return TRUE;
}

/* GKeyFile quotes an unparsable line whole; it may hold a stream key pasted without
 * "key=", so every word that could be one is masked before the message goes anywhere:
 * the last segment of a URL, and any word as long as a key. */
static char *
mask_line (const char *line)
{
  g_autoptr(GString) masked = g_string_new (NULL);
  g_auto(GStrv) words = g_strsplit_set (line, " \t", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];

      if (i > 0)
        g_string_append_c (masked, ' ');

      if (strstr (word, "://") != NULL)
        {
          g_autofree char *mask = tribuna_mask_url (word);

          g_string_append (masked, mask);
        }
      else if (strlen (word) >= 16)
        {
          g_autofree char *mask = tribuna_mask_secret (word);

          g_string_append (masked, mask);
        }
      else
        {
          g_string_append (masked, word);
        }
    }

  return g_string_free (g_steal_pointer (&masked), FALSE);
}

static gboolean
load_error (const Parser  *parser,
            const char    *data,
            const GError  *key_file_error,
            GError       **error)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strchug (lines[i]);
      g_autofree char *masked = NULL;
      g_autoptr(GString) message = NULL;

      g_strchomp (lines[i]);
      if (*line == '\0' || *line == '#' || strchr (line, '=') != NULL ||
          (*line == '[' && g_str_has_suffix (line, "]")))
        continue;

      masked = mask_line (line);
      message = g_string_new (key_file_error->message);
      if (g_string_replace (message, line, masked, 0) == 0)
        {
          /* Not the line GKeyFile complained about after all: say it in our own words. */
          return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_FILE, NULL, NULL,
                               "a [group], key=value or # comment on every line",
                               "line %u is not a [group], key=value or # comment", i + 1);
        }

      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_FILE, NULL, NULL, NULL,
                           "line %u: %s", i + 1, message->str);
    }

  return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_FILE, NULL, NULL, NULL,
                       "%s", key_file_error->message);
}

static void
add_default_source (TribunaConfig *self)
{
  g_autoptr(GError) error = NULL;
  TribunaSourceConfig *source;

  source = tribuna_source_config_parse (DEFAULT_SOURCE_NAME, DEFAULT_SOURCE_URI, &error);
  /* A constant that does not parse is a programming error, not an operator's. */
  g_assert_no_error (error);
  g_ptr_array_add (self->sources, source);
}

static gboolean
has_picture_source (TribunaConfig *self)
{
  for (guint i = 0; i < self->sources->len; i++)
    if (tribuna_source_config_has_picture (g_ptr_array_index (self->sources, i)))
      return TRUE;
  return FALSE;
}

static gboolean
parse_data (TribunaConfig  *self,
            const Parser   *parser,
            const char     *data,
            GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  const char *invalid;

  /* Checked before GKeyFile, whose message would quote the offending value. */
  if (!g_utf8_validate (data, -1, &invalid))
    {
      guint line = 1;

      for (const char *p = data; p < invalid; p++)
        line += *p == '\n';

      return parser_error (parser, error, TRIBUNA_CONFIG_ERROR_FILE, NULL, NULL,
                           "UTF-8 text (save the file as UTF-8)",
                           "line %u is not valid UTF-8", line);
    }

  if (!g_key_file_load_from_data (parser->key_file, data, -1, G_KEY_FILE_NONE, &local_error))
    return load_error (parser, data, local_error, error);

  groups = g_key_file_get_groups (parser->key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *group = groups[i];
      gboolean ok;

      if (g_str_equal (group, "program"))
        ok = parse_program (self, parser, group, error);
      else if (g_str_equal (group, "recording"))
        ok = parse_recording (self, parser, group, error);
      else if (g_str_equal (group, "paths"))
        ok = parse_paths (self, parser, group, error);
      else if (g_str_equal (group, "mixer"))
        ok = parse_mixer (self, parser, group, error);
      else if (g_str_equal (group, "slate"))
        ok = parse_slate (self, parser, group, error);
      else if (g_str_equal (group, "overlays"))
        ok = parse_overlays (self, parser, group, error);
      else if (g_str_equal (group, "http"))
        ok = parse_http (self, parser, group, error);
      else if (g_str_equal (group, "source") || g_str_has_prefix (group, "source "))
        ok = parse_source (self, parser, group, error);
      else if (g_str_equal (group, "destination") || g_str_has_prefix (group, "destination "))
        ok = parse_destination (self, parser, group, error);
      else
        ok = parser_error (parser, error, TRIBUNA_CONFIG_ERROR_VALUE, group, NULL,
                           "[program], [source NAME], [destination NAME], [recording], [paths], "
                           "[http], [mixer], [slate], [overlays]",
                           "unknown group");

      if (!ok)
        return FALSE;
    }

  return TRUE;
}

static void
tribuna_config_finalize (GObject *object)
{
  TribunaConfig *self = (TribunaConfig *) object;

  g_clear_pointer (&self->encoder_preset, g_free);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->destinations, g_ptr_array_unref);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->slate_title, g_free);
  g_clear_pointer (&self->slate_subtitle, g_free);
  g_clear_pointer (&self->slate_image, g_free);
  g_clear_pointer (&self->theme.font, g_free);
  g_clear_pointer (&self->logo, g_free);
  g_clear_pointer (&self->http_address, g_free);
  g_clear_pointer (&self->http_tls_certificate, g_free);
  g_clear_pointer (&self->http_tls_key, g_free);

  G_OBJECT_CLASS (tribuna_config_parent_class)->finalize (object);
}

static void
tribuna_config_class_init (TribunaConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tribuna_config_finalize;
}

static void
tribuna_config_init (TribunaConfig *self)
{
  self->width = DEFAULT_WIDTH;
  self->height = DEFAULT_HEIGHT;
  self->framerate = DEFAULT_FRAMERATE;
  self->video_bitrate = DEFAULT_VIDEO_BITRATE;
  self->audio_bitrate = DEFAULT_AUDIO_BITRATE;
  self->keyframe_interval = DEFAULT_KEYFRAME_INTERVAL;
  self->encoder_preset = g_strdup (DEFAULT_ENCODER_PRESET);
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_source_config_free);
  self->destinations =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_destination_config_free);
  self->segment_minutes = DEFAULT_SEGMENT_MINUTES;
  self->min_free_mb = DEFAULT_MIN_FREE_MB;
  self->stop_free_mb = DEFAULT_STOP_FREE_MB;
  self->http_address = g_strdup (DEFAULT_HTTP_ADDRESS);
  self->http_port = DEFAULT_HTTP_PORT;
  self->fade_ms = DEFAULT_FADE_MS;
  self->silence_seconds = DEFAULT_SILENCE_SECONDS;
  self->slate_title = g_strdup (DEFAULT_SLATE_TITLE);
  self->slate_subtitle = g_strdup (DEFAULT_SLATE_SUBTITLE);
  self->theme.font = g_strdup ("DejaVu Sans");
  self->theme.background = 0xd8102a4c;   /* dark blue, 85 % */
  self->theme.foreground = 0xffffffff;
  self->theme.accent = 0xffd4a017;       /* gold */
}

TribunaConfig *
tribuna_config_new (void)
{
  TribunaConfig *self = g_object_new (TRIBUNA_TYPE_CONFIG, NULL);

  add_default_source (self);
  return self;
}

TribunaConfig *
tribuna_config_new_from_data (const char  *data,
                              const char  *file_name,
                              const char  *base_dir,
                              GError     **error)
{
  g_autoptr(TribunaConfig) self = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  Parser parser;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (TRIBUNA_TYPE_CONFIG, NULL);
  key_file = g_key_file_new ();
  parser.file_name = file_name != NULL ? file_name : "tribuna.conf";
  parser.base_dir = base_dir;
  parser.key_file = key_file;

  if (!parse_data (self, &parser, data, error))
    return NULL;

  if (self->sources->len == 0)
    add_default_source (self);
  else if (!has_picture_source (self))
    {
      parser_error (&parser, error, TRIBUNA_CONFIG_ERROR_VALUE, NULL, NULL, NULL,
                    "every [source] is sound only (alsa:, pulse:, tone:); the program needs "
                    "one with a picture too (test:, file://, rtsp:// or v4l2://)");
      return NULL;
    }

  return g_steal_pointer (&self);
}

TribunaConfig *
tribuna_config_new_from_file (const char  *path,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base_dir = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_FILE,
                   "%s: cannot read the configuration: %s", path, local_error->message);
      return NULL;
    }

  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_FILE,
                   "%s: contains a NUL byte, so it is not a text file; allowed: a GKeyFile "
                   "text file in UTF-8", path);
      return NULL;
    }

  dir = g_path_get_dirname (path);
  base_dir = g_canonicalize_filename (dir, NULL);

  return tribuna_config_new_from_data (data, path, base_dir, error);
}

guint
tribuna_config_get_width (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->width;
}

guint
tribuna_config_get_height (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->height;
}

guint
tribuna_config_get_framerate (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->framerate;
}

guint
tribuna_config_get_video_bitrate (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->video_bitrate;
}

guint
tribuna_config_get_audio_bitrate (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->audio_bitrate;
}

guint
tribuna_config_get_keyframe_interval (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->keyframe_interval;
}

const char *
tribuna_config_get_encoder_preset (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);

  return self->encoder_preset;
}

GPtrArray *
tribuna_config_get_sources (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);

  return self->sources;
}

GPtrArray *
tribuna_config_get_destinations (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);

  return self->destinations;
}

static gboolean
has_destination (TribunaConfig *self,
                 const char    *name)
{
  for (guint i = 0; i < self->destinations->len; i++)
    {
      const TribunaDestinationConfig *destination = g_ptr_array_index (self->destinations, i);

      if (g_str_equal (destination->name, name))
        return TRUE;
    }

  return FALSE;
}

gboolean
tribuna_config_add_destination_url (TribunaConfig  *self,
                                    const char     *url,
                                    GError        **error)
{
  g_autoptr(TribunaRtmpUrl) rtmp_url = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* On the command line the key is the URL's last segment, as the services hand it out. */
  rtmp_url = tribuna_rtmp_url_parse (url, NULL, &local_error);
  if (rtmp_url == NULL)
    {
      g_set_error_literal (error, TRIBUNA_CONFIG_ERROR, TRIBUNA_CONFIG_ERROR_VALUE,
                           local_error->message);
      return FALSE;
    }

  for (guint n = 1; name == NULL; n++)
    {
      name = g_strdup_printf ("stream-%u", n);
      if (has_destination (self, name))
        g_clear_pointer (&name, g_free);
    }

  g_ptr_array_add (self->destinations, tribuna_destination_config_new (name, rtmp_url, TRUE, TRUE));
  return TRUE;
}

guint
tribuna_config_get_segment_minutes (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->segment_minutes;
}

/* The segment length that applies: segment-seconds when set (short segments
 * for tests and demonstrations), else segment-minutes. */
guint
tribuna_config_get_segment_seconds (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->segment_seconds > 0 ? self->segment_seconds : self->segment_minutes * 60;
}

guint
tribuna_config_get_min_free_mb (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->min_free_mb;
}

guint
tribuna_config_get_stop_free_mb (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->stop_free_mb;
}

const char *
tribuna_config_get_data_dir (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);

  return self->data_dir;
}

const char *
tribuna_config_get_http_address (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);

  return self->http_address;
}

guint
tribuna_config_get_http_port (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), 0);

  return self->http_port;
}

const char *
tribuna_config_get_http_tls_certificate (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);

  return self->http_tls_certificate;
}

const char *
tribuna_config_get_http_tls_key (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);

  return self->http_tls_key;
}

TribunaDestinationConfig *
tribuna_destination_config_new (const char           *name,
                                const TribunaRtmpUrl *url,
                                gboolean              enabled,
                                gboolean              tls_verify)
{
  TribunaDestinationConfig *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = g_new0 (TribunaDestinationConfig, 1);
  self->name = g_strdup (name);
  self->url = tribuna_rtmp_url_copy (url);
  self->enabled = !!enabled;
  self->tls_verify = !!tls_verify;

  return self;
}

TribunaDestinationConfig *
tribuna_destination_config_copy (const TribunaDestinationConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return tribuna_destination_config_new (self->name, self->url, self->enabled, self->tls_verify);
}

void
tribuna_destination_config_free (TribunaDestinationConfig *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_clear_pointer (&self->url, tribuna_rtmp_url_free);
  g_free (self);
}

guint
tribuna_config_get_fade_ms (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), DEFAULT_FADE_MS);
  return self->fade_ms;
}

guint
tribuna_config_get_silence_seconds (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), DEFAULT_SILENCE_SECONDS);
  return self->silence_seconds;
}

const char *
tribuna_config_get_slate_title (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);
  return self->slate_title;
}

const char *
tribuna_config_get_slate_subtitle (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);
  return self->slate_subtitle;
}

const char *
tribuna_config_get_slate_image (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);
  return self->slate_image;
}

const TribunaLowerThirdTheme *
tribuna_config_get_overlay_theme (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);
  return &self->theme;
}

const char *
tribuna_config_get_overlay_logo (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), NULL);
  return self->logo;
}

gboolean
tribuna_config_get_overlay_clock (TribunaConfig *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CONFIG (self), FALSE);
  return self->clock;
}
