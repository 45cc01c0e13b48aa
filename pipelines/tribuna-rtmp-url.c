/* tribuna-rtmp-url.c: parsing RTMP/RTMPS destination URLs and keeping their keys secret
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-rtmp-url"

#include "config.h"

#include <string.h>

#include "tribuna-rtmp-url.h"

#define RTMP_DEFAULT_PORT  1935
#define RTMPS_DEFAULT_PORT 443

/* Three U+2022 BULLET: visibly "something hidden here", and never part of a key. */
#define MASK_BULLETS "\u2022\u2022\u2022"

/* Showing the tail of a long key lets an operator tell two keys apart; a short
 * one would be given away almost whole, so it shows nothing. */
#define MASK_MIN_CHARS  16
#define MASK_TAIL_CHARS 4

#define FORM_WITH_KEY "rtmp://host[:port]/application/KEY or rtmps://host[:port]/application/KEY"
#define FORM_NO_KEY   "rtmp://host[:port]/application or rtmps://host[:port]/application"

G_DEFINE_QUARK (tribuna-rtmp-url-error-quark, tribuna_rtmp_url_error)

static gboolean
is_key_char (char c)
{
  /* Printable ASCII without the space: what YouTube, Facebook and nginx-rtmp keys
   * are made of. Anything else is a paste accident (a trailing line break, a
   * non-breaking space from a web page) that would only show up as a rejected
   * publish much later. */
  return c > 0x20 && c < 0x7f;
}

static gboolean
is_host_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_';
}

static gboolean
is_ipv6_char (char c)
{
  /* Letters and '%' for a zone as in [fe80::1%eth0], '.' for [::ffff:192.0.2.1]. */
  return g_ascii_isalnum (c) || c == ':' || c == '.' || c == '%';
}

static gboolean
is_quotable_scheme (const char *scheme)
{
  /* Whatever precedes "://" is quoted back only when it looks like a scheme: a
   * mangled paste could put the key there. */
  if (*scheme == '\0' || strlen (scheme) > 16)
    return FALSE;

  for (const char *p = scheme; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '+' && *p != '-' && *p != '.')
        return FALSE;
    }

  return TRUE;
}

static gboolean
fail (GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError     **error,
      const char  *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (TRIBUNA_RTMP_URL_ERROR,
                                                TRIBUNA_RTMP_URL_ERROR_INVALID, format, args));
  va_end (args);

  return FALSE;
}

/* The form of a URL that may be quoted in a message: with the key masked, whichever
 * way it was given. Only called on URLs known to be printable ASCII with a scheme. */
static char *
mask_raw_url (const char *url,
              const char *separate_key)
{
  if (separate_key != NULL && *separate_key != '\0')
    return tribuna_redact (url, separate_key);

  return tribuna_mask_url (url);
}

gboolean
tribuna_rtmp_url_check_key (const char  *key,
                            GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (key == NULL || *key == '\0')
    return fail (error,
                 "the stream key is empty; allowed: the key exactly as the service shows it");

  for (const char *p = key; *p != '\0'; p++)
    {
      if (!is_key_char (*p))
        return fail (error,
                     "the stream key contains a space, line break, control character or "
                     "non-ASCII character (character %u); allowed: the key exactly as the "
                     "service shows it, printable ASCII without spaces",
                     (guint) (p - key) + 1);
    }

  /* rtmp2sink splits its location at the last '/': the key would lose its head. */
  if (strchr (key, '/') != NULL)
    return fail (error,
                 "the stream key contains “/”, which an RTMP stream name cannot carry; "
                 "allowed: the key exactly as the service shows it, without “/”");

  return TRUE;
}

static gboolean
check_url_chars (const char  *url,
                 const char  *separate_key,
                 GError     **error)
{
  const char *last_slash = strrchr (url, '/');

  for (const char *p = url; *p != '\0'; p++)
    {
      if (is_key_char (*p))
        continue;

      if (separate_key == NULL && last_slash != NULL && p > last_slash)
        return fail (error,
                     "the stream key (the last segment of the URL) contains a space, line break, "
                     "control character or non-ASCII character; allowed: the key exactly as "
                     "the service shows it, printable ASCII without spaces");

      /* Not quoted: the URL may hold the key, and the bad character itself would
       * garble the message. */
      return fail (error,
                   "the URL contains a space, line break, control character or non-ASCII "
                   "character (character %u); allowed: %s",
                   (guint) (p - url) + 1, separate_key != NULL ? FORM_NO_KEY : FORM_WITH_KEY);
    }

  return TRUE;
}

/* Splits "host[:port]" or "[v6]:port" (between "://" and the first "/"). */
static gboolean
parse_authority (const char  *masked,
                 const char  *authority,
                 gsize        length,
                 gboolean     tls,
                 char       **host_out,
                 guint       *port_out,
                 GError     **error)
{
  g_autofree char *host = NULL;
  const char *end = authority + length;
  const char *port_text = NULL;
  guint64 port;

  if (length == 0)
    return fail (error, "the URL ‘%s’ has no host; allowed: %s", masked, FORM_WITH_KEY);

  /* Not quoted: whatever stands before the "@" is a credential. */
  if (memchr (authority, '@', length) != NULL)
    return fail (error,
                 "the URL contains a user name or password (“…@”), which Tribuna does not "
                 "send; allowed: %s", FORM_WITH_KEY);

  if (authority[0] == '[')
    {
      const char *close = memchr (authority, ']', length);

      if (close == NULL)
        return fail (error, "the IPv6 address in the URL ‘%s’ has no closing “]”; allowed: %s",
                     masked, "rtmp://[::1]:1935/application/KEY");

      host = g_strndup (authority + 1, close - authority - 1);
      if (*host == '\0')
        return fail (error, "the URL ‘%s’ has no host; allowed: %s", masked, FORM_WITH_KEY);

      for (const char *p = host; *p != '\0'; p++)
        {
          if (!is_ipv6_char (*p) || strchr (host, ':') == NULL)
            return fail (error, "“[%s]” in the URL ‘%s’ is not an IPv6 address; allowed: %s",
                         host, masked, "rtmp://[::1]:1935/application/KEY");
        }

      if (close + 1 < end)
        {
          if (close[1] != ':')
            return fail (error,
                         "unexpected text after “]” in the URL ‘%s’; allowed: %s",
                         masked, "rtmp://[::1]:1935/application/KEY");
          port_text = close + 2;
        }
    }
  else
    {
      const char *colon = memchr (authority, ':', length);

      if (colon != NULL && memchr (colon + 1, ':', end - colon - 1) != NULL)
        return fail (error,
                     "the host in the URL ‘%s’ looks like an IPv6 address without brackets; "
                     "allowed: %s", masked, "rtmp://[::1]:1935/application/KEY");

      host = g_strndup (authority, (colon != NULL ? colon : end) - authority);
      if (*host == '\0')
        return fail (error, "the URL ‘%s’ has no host; allowed: %s", masked, FORM_WITH_KEY);

      for (const char *p = host; *p != '\0'; p++)
        {
          if (!is_host_char (*p))
            return fail (error,
                         "the host “%s” in the URL ‘%s’ is not a valid host name or address; "
                         "allowed: letters, digits, “-”, “.” and “_”, or an IPv6 address in [ ]",
                         host, masked);
        }

      if (colon != NULL)
        port_text = colon + 1;
    }

  if (port_text == NULL)
    {
      port = tls ? RTMPS_DEFAULT_PORT : RTMP_DEFAULT_PORT;
    }
  else
    {
      g_autofree char *text = g_strndup (port_text, end - port_text);
      gboolean digits = *text != '\0' && strlen (text) <= 5;

      for (const char *p = text; digits && *p != '\0'; p++)
        digits = g_ascii_isdigit (*p);

      port = digits ? g_ascii_strtoull (text, NULL, 10) : 0;
      if (port < 1 || port > 65535)
        return fail (error,
                     "the port “%s” in the URL ‘%s’ is not valid; allowed: a number from 1 to "
                     "65535, or none for the default (1935 for rtmp, 443 for rtmps)",
                     text, masked);
    }

  *host_out = g_steal_pointer (&host);
  *port_out = (guint) port;

  return TRUE;
}

TribunaRtmpUrl *
tribuna_rtmp_url_parse (const char  *url,
                        const char  *separate_key,
                        GError     **error)
{
  g_autoptr(TribunaRtmpUrl) self = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *path = NULL;
  const char *separator;
  const char *authority;
  const char *authority_end;
  const char *form;
  gsize path_length;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  form = separate_key != NULL ? FORM_NO_KEY : FORM_WITH_KEY;

  if (url == NULL || *url == '\0')
    {
      fail (error, "the URL is empty; allowed: %s", form);
      return NULL;
    }

  if (separate_key != NULL && !tribuna_rtmp_url_check_key (separate_key, error))
    return NULL;

  if (!check_url_chars (url, separate_key, error))
    return NULL;

  /* Without a scheme the text may be anything, the bare key included: never quote it. */
  separator = strstr (url, "://");
  if (separator == NULL)
    {
      fail (error, "the URL has no rtmp:// or rtmps:// in front; allowed: %s", form);
      return NULL;
    }

  scheme = g_ascii_strdown (url, separator - url);
  if (!g_str_equal (scheme, "rtmp") && !g_str_equal (scheme, "rtmps"))
    {
      if (is_quotable_scheme (scheme))
        fail (error,
              "the URL scheme “%s” is not supported; allowed: rtmp:// or rtmps:// (RTMP over "
              "TLS), as in %s", scheme, form);
      else
        fail (error, "the URL does not start with rtmp:// or rtmps://; allowed: %s", form);
      return NULL;
    }

  masked = mask_raw_url (url, separate_key);

  self = g_new0 (TribunaRtmpUrl, 1);
  self->scheme = g_steal_pointer (&scheme);

  authority = separator + 3;
  authority_end = strchr (authority, '/');
  if (authority_end == NULL)
    authority_end = authority + strlen (authority);

  if (!parse_authority (masked, authority, authority_end - authority,
                        g_str_equal (self->scheme, "rtmps"), &self->host, &self->port, error))
    return NULL;

  path = g_strdup (*authority_end == '/' ? authority_end + 1 : authority_end);

  /* With a separate key the whole path is the application, and a trailing "/"
   * (as some services print their server URL) means nothing. */
  path_length = strlen (path);
  if (separate_key != NULL)
    {
      while (path_length > 0 && path[path_length - 1] == '/')
        path[--path_length] = '\0';
    }

  /* Not quoted: a URL that is all host may be a key pasted after "rtmp://". */
  if (*path == '\0')
    {
      if (separate_key != NULL)
        fail (error, "the URL names no application after the host; allowed: %s", form);
      else
        fail (error, "the URL names no application and no stream key after the host; "
              "allowed: %s", form);
      return NULL;
    }

  if (path[0] == '/' || strstr (path, "//") != NULL)
    {
      fail (error, "the path of the URL ‘%s’ has an empty segment (“//”); allowed: %s",
            masked, form);
      return NULL;
    }

  if (separate_key != NULL)
    {
      const char *last_slash = strrchr (path, '/');
      const char *last_segment = last_slash != NULL ? last_slash + 1 : path;

      /* Pasting the YouTube "stream URL" and also filling in the key would publish
       * to application "live2/KEY" and be rejected for a reason nobody could see. */
      if (g_str_equal (last_segment, separate_key))
        {
          fail (error,
                "the URL ‘%s’ already ends with the stream key that is also given separately; "
                "allowed: the key in one place only (remove it from the URL)", masked);
          return NULL;
        }

      self->application = g_steal_pointer (&path);
      self->key = g_strdup (separate_key);
    }
  else
    {
      const char *last_slash = strrchr (path, '/');

      if (last_slash == NULL)
        {
          fail (error,
                "the URL ‘%s’ has a single path segment, so it lacks either the application "
                "or the stream key; allowed: %s", masked, form);
          return NULL;
        }

      if (last_slash[1] == '\0')
        {
          fail (error, "the URL ‘%s’ ends with “/” and names no stream key; allowed: %s",
                masked, form);
          return NULL;
        }

      self->key = g_strdup (last_slash + 1);
      self->application = g_strndup (path, last_slash - path);
    }

  return g_steal_pointer (&self);
}

TribunaRtmpUrl *
tribuna_rtmp_url_copy (const TribunaRtmpUrl *self)
{
  TribunaRtmpUrl *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TribunaRtmpUrl, 1);
  copy->scheme = g_strdup (self->scheme);
  copy->host = g_strdup (self->host);
  copy->port = self->port;
  copy->application = g_strdup (self->application);
  copy->key = g_strdup (self->key);

  return copy;
}

void
tribuna_rtmp_url_free (TribunaRtmpUrl *self)
{
  if (self == NULL)
    return;

  g_free (self->scheme);
  g_free (self->host);
  g_free (self->application);
  g_free (self->key);
  g_free (self);
}

gboolean
tribuna_rtmp_url_is_tls (const TribunaRtmpUrl *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_strcmp0 (self->scheme, "rtmps") == 0;
}

static char *
format_url (const TribunaRtmpUrl *self,
            const char           *key)
{
  /* An IPv6 literal needs its brackets back, or the port would read as part of it. */
  gboolean brackets = strchr (self->host, ':') != NULL;

  return g_strdup_printf ("%s://%s%s%s:%u/%s/%s", self->scheme,
                          brackets ? "[" : "", self->host, brackets ? "]" : "",
                          self->port, self->application, key);
}

char *
tribuna_rtmp_url_to_location (const TribunaRtmpUrl *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return format_url (self, self->key);
}

char *
tribuna_rtmp_url_to_masked (const TribunaRtmpUrl *self)
{
  g_autofree char *mask = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  mask = tribuna_mask_secret (self->key);
  return format_url (self, mask);
}

char *
tribuna_mask_secret (const char *secret)
{
  glong length;

  if (secret == NULL || *secret == '\0')
    return g_strdup ("(none)");

  if (!g_utf8_validate (secret, -1, NULL))
    return g_strdup (MASK_BULLETS);

  length = g_utf8_strlen (secret, -1);
  if (length < MASK_MIN_CHARS)
    return g_strdup (MASK_BULLETS);

  return g_strconcat (MASK_BULLETS, g_utf8_offset_to_pointer (secret, length - MASK_TAIL_CHARS),
                      NULL);
}

char *
tribuna_mask_url (const char *url)
{
  const char *authority;
  const char *path;
  const char *key_end;
  const char *key_start;
  g_autofree char *key = NULL;
  g_autofree char *mask = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  authority = strstr (url, "://");
  authority = authority != NULL ? authority + 3 : url;
  path = strchr (authority, '/');
  if (path == NULL)
    return g_strdup (url);

  /* The key is the last segment that is not empty: "live2/KEY/" still holds one. */
  key_end = url + strlen (url);
  while (key_end > path && key_end[-1] == '/')
    key_end--;
  key_start = key_end;
  while (key_start > path && key_start[-1] != '/')
    key_start--;
  if (key_start == key_end)
    return g_strdup (url);

  key = g_strndup (key_start, key_end - key_start);
  mask = tribuna_mask_secret (key);
  return g_strdup_printf ("%.*s%s%s", (int) (key_start - url), url, mask, key_end);
}

char *
tribuna_redact (const char *text,
                const char *secret)
{
  g_autoptr(GString) redacted = NULL;
  g_autofree char *mask = NULL;
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (secret == NULL || *secret == '\0')
    return g_strdup (text);

  redacted = g_string_new (text);
  mask = tribuna_mask_secret (secret);
  g_string_replace (redacted, secret, mask, 0);

  /* GstUri and friends print a location percent-encoded, so the key may come back
   * in an error message in that form, with either case of hex digits. */
  escaped = g_uri_escape_string (secret, NULL, FALSE);
  if (!g_str_equal (escaped, secret))
    {
      g_autofree char *escaped_lower = g_strdup (escaped);

      g_string_replace (redacted, escaped, mask, 0);

      for (char *p = escaped_lower; *p != '\0'; p++)
        {
          if (*p == '%' && p[1] != '\0' && p[2] != '\0')
            {
              p[1] = g_ascii_tolower (p[1]);
              p[2] = g_ascii_tolower (p[2]);
              p += 2;
            }
        }

      if (!g_str_equal (escaped_lower, escaped))
        g_string_replace (redacted, escaped_lower, mask, 0);
    }

  return g_string_free (g_steal_pointer (&redacted), FALSE);
}
