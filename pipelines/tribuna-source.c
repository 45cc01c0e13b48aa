/* tribuna-source.c: what a configured source is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-source"

#include "config.h"

#include <string.h>

#include "tribuna-source.h"

G_DEFINE_QUARK (tribuna-source-error-quark, tribuna_source_error)

/* videotestsrc's pattern nicks that make sense as a camera stand-in. */
static const char * const test_patterns[] = {
  "smpte", "snow", "black", "white", "red", "green", "blue", "checkers-1", "checkers-2",
  "checkers-4", "checkers-8", "circular", "blink", "smpte75", "zone-plate", "gamut",
  "chroma-zone-plate", "solid-color", "ball", "smpte100", "bar", "pinwheel", "spokes",
  "gradient", "colors", "smpte-rp-219", NULL
};

const char * const *
tribuna_source_test_patterns (void)
{
  return test_patterns;
}

static TribunaSourceConfig *
source_config_new (const char        *name,
                   const char        *uri,
                   TribunaSourceKind  kind,
                   const char        *location)
{
  TribunaSourceConfig *self = g_new0 (TribunaSourceConfig, 1);

  self->name = g_strdup (name);
  self->uri = g_strdup (uri);
  self->kind = kind;
  self->location = g_strdup (location);

  return self;
}

static TribunaSourceConfig *
parse_test (const char  *name,
            const char  *uri,
            GError     **error)
{
  const char *pattern = uri + strlen ("test:");
  TribunaSourceConfig *source;

  if (*pattern == '\0')
    pattern = "smpte";

  if (!g_strv_contains (test_patterns, pattern))
    {
      g_autofree char *allowed = g_strjoinv (", ", (char **) test_patterns);

      g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_URI,
                   "unknown test pattern “%s”; allowed: %s", pattern, allowed);
      return NULL;
    }

  source = source_config_new (name, uri, TRIBUNA_SOURCE_KIND_TEST, pattern);
  source->tone_hz = TRIBUNA_SOURCE_TONE_AUTO;
  return source;
}

static TribunaSourceConfig *
parse_file (const char  *name,
            const char  *uri,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = g_filename_from_uri (uri, NULL, &local_error);

  if (path == NULL)
    {
      g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_URI,
                   "“%s” is not a valid file URI (%s); write file:///absolute/path",
                   uri, local_error->message);
      return NULL;
    }

  /* A missing file is reported when the program starts, so a config can name a
   * file that is copied onto the appliance later. */
  return source_config_new (name, uri, TRIBUNA_SOURCE_KIND_FILE, path);
}

static TribunaSourceConfig *
parse_rtsp (const char  *name,
            const char  *uri,
            GError     **error)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);

  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    {
      g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_URI,
                   "“%s” is not a valid RTSP URI; write rtsp://host[:port]/path", uri);
      return NULL;
    }

  return source_config_new (name, uri, TRIBUNA_SOURCE_KIND_RTSP, uri);
}

static TribunaSourceConfig *
parse_v4l2 (const char  *name,
            const char  *uri,
            GError     **error)
{
  const char *device = uri + strlen ("v4l2://");

  if (!g_str_has_prefix (device, "/dev/") || strstr (device, "..") != NULL)
    {
      g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_URI,
                   "“%s” does not name a capture device; write v4l2:///dev/videoN", uri);
      return NULL;
    }

  return source_config_new (name, uri, TRIBUNA_SOURCE_KIND_V4L2, device);
}

/* Tone frequencies a hall's speakers and a meter can make sense of. */
#define TONE_MIN_HZ 20
#define TONE_MAX_HZ 20000

static TribunaSourceConfig *
parse_tone (const char  *name,
            const char  *uri,
            GError     **error)
{
  const char *text = uri + strlen ("tone:");
  g_autofree char *hertz = NULL;
  guint64 value = TRIBUNA_SOURCE_TONE_DEFAULT_HZ;
  TribunaSourceConfig *source;

  if (*text != '\0'
      && (!g_ascii_string_to_unsigned (text, 10, TONE_MIN_HZ, TONE_MAX_HZ, &value, NULL)))
    {
      g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_URI,
                   "“%s” is not a tone Tribuna can make; write tone:<hertz>, "
                   "%d to %d (tone: alone is %d Hz)", uri, TONE_MIN_HZ, TONE_MAX_HZ,
                   TRIBUNA_SOURCE_TONE_DEFAULT_HZ);
      return NULL;
    }

  hertz = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  source = source_config_new (name, uri, TRIBUNA_SOURCE_KIND_TONE, hertz);
  source->tone_hz = (int) value;
  return source;
}

/* ALSA names (hw:1,0, plughw:CARD=USB,DEV=0, default) and PulseAudio source names
 * (alsa_input.usb-Shure_MV7-00.analog-stereo) use these; anything else is a typo or
 * something that does not belong in a device name. */
static gboolean
is_device_name (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("_.:,=-@", *p) == NULL)
      return FALSE;
  return TRUE;
}

static TribunaSourceConfig *
parse_microphone (const char         *name,
                  const char         *uri,
                  const char         *scheme,
                  TribunaSourceKind   kind,
                  const char         *example,
                  GError            **error)
{
  const char *device = uri + strlen (scheme);

  if (!is_device_name (device))
    {
      g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_URI,
                   "“%s” does not name a sound device; write %s (letters, digits and "
                   "_ . : , = - @ only), or %s alone for the default one", uri, example, scheme);
      return NULL;
    }

  return source_config_new (name, uri, kind, device);
}

gboolean
tribuna_source_config_has_picture (const TribunaSourceConfig *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->kind != TRIBUNA_SOURCE_KIND_TONE && self->kind != TRIBUNA_SOURCE_KIND_ALSA
         && self->kind != TRIBUNA_SOURCE_KIND_PULSE;
}

TribunaSourceConfig *
tribuna_source_config_parse (const char  *name,
                             const char  *uri,
                             GError     **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  if (g_str_has_prefix (uri, "test:"))
    return parse_test (name, uri, error);
  if (g_str_has_prefix (uri, "file://"))
    return parse_file (name, uri, error);
  if (g_str_has_prefix (uri, "rtsp://") || g_str_has_prefix (uri, "rtsps://"))
    return parse_rtsp (name, uri, error);
  if (g_str_has_prefix (uri, "v4l2://"))
    return parse_v4l2 (name, uri, error);
  if (g_str_has_prefix (uri, "tone:"))
    return parse_tone (name, uri, error);
  if (g_str_has_prefix (uri, "alsa:"))
    return parse_microphone (name, uri, "alsa:", TRIBUNA_SOURCE_KIND_ALSA, "alsa:hw:1,0", error);
  if (g_str_has_prefix (uri, "pulse:"))
    return parse_microphone (name, uri, "pulse:", TRIBUNA_SOURCE_KIND_PULSE,
                             "pulse:alsa_input.usb-…", error);

  g_set_error (error, TRIBUNA_SOURCE_ERROR, TRIBUNA_SOURCE_ERROR_URI,
               "“%s” is not a source Tribuna can play; allowed: test:<pattern>, "
               "file:///path, rtsp://host/path, v4l2:///dev/videoN, and for sound only "
               "alsa:<device>, pulse:<source>, tone:<hertz>", uri);
  return NULL;
}

TribunaSourceConfig *
tribuna_source_config_copy (const TribunaSourceConfig *self)
{
  TribunaSourceConfig *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = source_config_new (self->name, self->uri, self->kind, self->location);
  copy->gain_db = self->gain_db;
  copy->muted = self->muted;
  copy->av_offset_ms = self->av_offset_ms;
  copy->tone_hz = self->tone_hz;
  return copy;
}

void
tribuna_source_config_free (TribunaSourceConfig *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->uri);
  g_free (self->location);
  g_free (self);
}
