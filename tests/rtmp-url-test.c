/* rtmp-url-test.c: destination URLs, and stream keys that never leak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-rtmp-url-test"

#include "config.h"

#include <string.h>

#include "tribuna-rtmp-url.h"

/* Distinctive enough that finding it anywhere in a message is a leak, never chance. */
#define KEY      "Zq7x-SECRET-k3y-9fW2-a1b2"
#define KEY_HEAD "Zq7x-SECRET"
#define KEY_TAIL "a1b2"
#define BULLETS  "\u2022\u2022\u2022"

static void
assert_no_key (const char *text)
{
  g_assert_nonnull (text);
  g_assert_null (strstr (text, KEY));
  g_assert_null (strstr (text, KEY_HEAD));
}

static void
test_parse_youtube (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autofree char *location = NULL;

  url = tribuna_rtmp_url_parse ("rtmp://a.rtmp.youtube.com/live2/" KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url->scheme, ==, "rtmp");
  g_assert_cmpstr (url->host, ==, "a.rtmp.youtube.com");
  g_assert_cmpuint (url->port, ==, 1935);
  g_assert_cmpstr (url->application, ==, "live2");
  g_assert_cmpstr (url->key, ==, KEY);
  g_assert_false (tribuna_rtmp_url_is_tls (url));

  location = tribuna_rtmp_url_to_location (url);
  g_assert_cmpstr (location, ==, "rtmp://a.rtmp.youtube.com:1935/live2/" KEY);
}

static void
test_parse_facebook (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autofree char *location = NULL;

  url = tribuna_rtmp_url_parse ("rtmps://live-api-s.facebook.com:443/rtmp/" KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url->scheme, ==, "rtmps");
  g_assert_cmpstr (url->host, ==, "live-api-s.facebook.com");
  g_assert_cmpuint (url->port, ==, 443);
  g_assert_cmpstr (url->application, ==, "rtmp");
  g_assert_cmpstr (url->key, ==, KEY);
  g_assert_true (tribuna_rtmp_url_is_tls (url));

  location = tribuna_rtmp_url_to_location (url);
  g_assert_cmpstr (location, ==, "rtmps://live-api-s.facebook.com:443/rtmp/" KEY);
}

static void
test_parse_default_ports (void)
{
  g_autoptr(TribunaRtmpUrl) rtmp = tribuna_rtmp_url_parse ("rtmp://h/app/k", NULL, NULL);
  g_autoptr(TribunaRtmpUrl) rtmps = tribuna_rtmp_url_parse ("rtmps://h/app/k", NULL, NULL);
  g_autoptr(TribunaRtmpUrl) custom = tribuna_rtmp_url_parse ("rtmp://h:19350/app/k", NULL, NULL);

  g_assert_cmpuint (rtmp->port, ==, 1935);
  g_assert_cmpuint (rtmps->port, ==, 443);
  g_assert_cmpuint (custom->port, ==, 19350);
}

static void
test_parse_scheme_case (void)
{
  g_autoptr(TribunaRtmpUrl) url = tribuna_rtmp_url_parse ("RTMPS://Host.Example/app/k", NULL,
                                                          NULL);

  g_assert_nonnull (url);
  g_assert_cmpstr (url->scheme, ==, "rtmps");
  g_assert_true (tribuna_rtmp_url_is_tls (url));
}

static void
test_parse_multi_segment_application (void)
{
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autoptr(GError) error = NULL;

  url = tribuna_rtmp_url_parse ("rtmp://127.0.0.1:1936/app/instance/" KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url->host, ==, "127.0.0.1");
  g_assert_cmpuint (url->port, ==, 1936);
  g_assert_cmpstr (url->application, ==, "app/instance");
  g_assert_cmpstr (url->key, ==, KEY);
}

static void
test_parse_separate_key (void)
{
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autoptr(TribunaRtmpUrl) trailing = NULL;
  g_autoptr(TribunaRtmpUrl) deep = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;

  url = tribuna_rtmp_url_parse ("rtmp://a.rtmp.youtube.com/live2", KEY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url->application, ==, "live2");
  g_assert_cmpstr (url->key, ==, KEY);
  location = tribuna_rtmp_url_to_location (url);
  g_assert_cmpstr (location, ==, "rtmp://a.rtmp.youtube.com:1935/live2/" KEY);

  /* Services print their server URL with or without the final "/". */
  trailing = tribuna_rtmp_url_parse ("rtmp://a.rtmp.youtube.com/live2/", KEY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (trailing->application, ==, "live2");

  /* With a separate key the whole path is the application. */
  deep = tribuna_rtmp_url_parse ("rtmp://h/app/instance", KEY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (deep->application, ==, "app/instance");
  g_assert_cmpstr (deep->key, ==, KEY);
}

static void
test_parse_ipv6 (void)
{
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autoptr(TribunaRtmpUrl) no_port = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  g_autofree char *masked = NULL;

  url = tribuna_rtmp_url_parse ("rtmp://[::1]:1936/live/" KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url->host, ==, "::1");
  g_assert_cmpuint (url->port, ==, 1936);
  g_assert_cmpstr (url->application, ==, "live");

  location = tribuna_rtmp_url_to_location (url);
  g_assert_cmpstr (location, ==, "rtmp://[::1]:1936/live/" KEY);
  masked = tribuna_rtmp_url_to_masked (url);
  g_assert_cmpstr (masked, ==, "rtmp://[::1]:1936/live/" BULLETS KEY_TAIL);

  no_port = tribuna_rtmp_url_parse ("rtmps://[2001:db8::2]/live/" KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (no_port->host, ==, "2001:db8::2");
  g_assert_cmpuint (no_port->port, ==, 443);
}

static void
test_parse_query_in_key (void)
{
  /* Facebook's older keys carry a query string; rtmp2sink passes it on as part
   * of the stream name, so it must survive untouched. */
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autofree char *location = NULL;

  url = tribuna_rtmp_url_parse ("rtmps://live-api-s.facebook.com:443/rtmp/",
                                "1234567890?s_bl=1&s_sw=0&a=AbCdEf", NULL);
  g_assert_nonnull (url);
  location = tribuna_rtmp_url_to_location (url);
  g_assert_cmpstr (location, ==,
                   "rtmps://live-api-s.facebook.com:443/rtmp/1234567890?s_bl=1&s_sw=0&a=AbCdEf");
}

typedef struct
{
  const char *path;
  const char *url;
  const char *separate_key;
  const char *expected;     /* a piece of the message */
} BadUrl;

static const BadUrl bad_urls[] = {
  { "empty", "", NULL, "empty" },
  { "no-scheme", "a.rtmp.youtube.com/live2/" KEY, NULL, "rtmp://" },
  { "bare-key", KEY, NULL, "rtmp://" },
  { "http", "http://a.rtmp.youtube.com/live2/" KEY, NULL, "“http” is not supported" },
  { "srt", "srt://host:9000/live/" KEY, NULL, "rtmps://" },
  { "no-host", "rtmp:///live2/" KEY, NULL, "no host" },
  { "no-host-port-only", "rtmp://:1935/live2/" KEY, NULL, "no host" },
  { "port-zero", "rtmp://host:0/live2/" KEY, NULL, "port “0”" },
  { "port-too-big", "rtmp://host:65536/live2/" KEY, NULL, "1 to 65535" },
  { "port-huge", "rtmp://host:99999999999/live2/" KEY, NULL, "1 to 65535" },
  { "port-not-number", "rtmp://host:http/live2/" KEY, NULL, "port “http”" },
  { "port-empty", "rtmp://host:/live2/" KEY, NULL, "1 to 65535" },
  { "port-negative", "rtmp://host:-1/live2/" KEY, NULL, "1 to 65535" },
  { "bad-host", "rtmp://ho$t/live2/" KEY, NULL, "not a valid host" },
  { "userinfo", "rtmp://user:pass@host/live2/" KEY, NULL, "user name or password" },
  { "ipv6-unclosed", "rtmp://[::1/live2/" KEY, NULL, "closing “]”" },
  { "ipv6-no-brackets", "rtmp://::1/live2/" KEY, NULL, "brackets" },
  { "ipv6-junk-after", "rtmp://[::1]x/live2/" KEY, NULL, "after “]”" },
  { "ipv6-not-address", "rtmp://[example.com]/live2/" KEY, NULL, "not an IPv6 address" },
  { "no-path", "rtmp://host", NULL, "no application" },
  { "only-slash", "rtmp://host/", NULL, "no application" },
  { "one-segment", "rtmp://host/" KEY, NULL, "single path segment" },
  { "trailing-slash", "rtmp://host/live2/" KEY "/", NULL, "ends with “/”" },
  { "empty-segment", "rtmp://host/live2//" KEY, NULL, "empty segment" },
  { "space-in-key", "rtmp://host/live2/" KEY " x", NULL, "stream key" },
  { "newline-in-key", "rtmp://host/live2/" KEY "\n", NULL, "stream key" },
  { "tab-in-url", "rtmp://host/li\tve2/" KEY, NULL, "URL contains" },
  { "nbsp-in-key", "rtmp://host/live2/" KEY "\u00a0", NULL, "non-ASCII" },
  { "separate-no-application", "rtmp://host", KEY, "no application" },
  { "separate-no-application-slash", "rtmp://host/", KEY, "no application" },
  { "separate-key-empty", "rtmp://host/live2", "", "empty" },
  { "separate-key-space", "rtmp://host/live2", KEY " ", "stream key contains" },
  { "separate-key-newline", "rtmp://host/live2", "abc\ndef" KEY, "stream key contains" },
  { "separate-key-slash", "rtmp://host/live2", "abc/" KEY, "“/”" },
  { "separate-key-also-in-url", "rtmp://host/live2/" KEY, KEY, "already ends with" },
  { "separate-bad-port", "rtmp://host:70000/live2", KEY, "1 to 65535" },
  { "separate-http", "http://host/live2", KEY, "not supported" },
};

static void
test_parse_bad (gconstpointer data)
{
  const BadUrl *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaRtmpUrl) url = NULL;

  url = tribuna_rtmp_url_parse (bad->url, bad->separate_key, &error);
  g_assert_null (url);
  g_assert_error (error, TRIBUNA_RTMP_URL_ERROR, TRIBUNA_RTMP_URL_ERROR_INVALID);
  g_test_message ("%s", error->message);

  if (strstr (error->message, bad->expected) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, bad->expected);
  g_assert_nonnull (strstr (error->message, "allowed: "));
  assert_no_key (error->message);
}

static void
test_parse_masked_quote (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaRtmpUrl) url = NULL;

  /* A quoted URL is there to help: it shows, masked, which one is wrong. */
  url = tribuna_rtmp_url_parse ("rtmp://host:0/live2/" KEY, NULL, &error);
  g_assert_null (url);
  g_assert_nonnull (strstr (error->message, "‘rtmp://host:0/live2/" BULLETS KEY_TAIL "’"));
}

static void
test_check_key (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tribuna_rtmp_url_check_key (KEY, &error));
  g_assert_no_error (error);
  g_assert_true (tribuna_rtmp_url_check_key ("FB-1234?s=1&a=b", &error));
  g_assert_no_error (error);

  g_assert_false (tribuna_rtmp_url_check_key (NULL, &error));
  g_assert_error (error, TRIBUNA_RTMP_URL_ERROR, TRIBUNA_RTMP_URL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tribuna_rtmp_url_check_key (KEY "\r", &error));
  g_assert_error (error, TRIBUNA_RTMP_URL_ERROR, TRIBUNA_RTMP_URL_ERROR_INVALID);
  assert_no_key (error->message);
}

static void
test_copy (void)
{
  g_autoptr(TribunaRtmpUrl) url = tribuna_rtmp_url_parse ("rtmps://h:444/a/b/" KEY, NULL, NULL);
  g_autoptr(TribunaRtmpUrl) copy = tribuna_rtmp_url_copy (url);

  g_assert_true (copy != url);
  g_assert_true (copy->key != url->key);
  g_assert_cmpstr (copy->scheme, ==, "rtmps");
  g_assert_cmpstr (copy->host, ==, "h");
  g_assert_cmpuint (copy->port, ==, 444);
  g_assert_cmpstr (copy->application, ==, "a/b");
  g_assert_cmpstr (copy->key, ==, KEY);
}

static void
test_to_masked (void)
{
  g_autoptr(TribunaRtmpUrl) url = NULL;
  g_autoptr(TribunaRtmpUrl) short_key = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *masked_short = NULL;

  url = tribuna_rtmp_url_parse ("rtmp://a.rtmp.youtube.com/live2", KEY, NULL);
  masked = tribuna_rtmp_url_to_masked (url);
  g_assert_cmpstr (masked, ==, "rtmp://a.rtmp.youtube.com:1935/live2/" BULLETS KEY_TAIL);
  assert_no_key (masked);

  short_key = tribuna_rtmp_url_parse ("rtmp://h/live/abc123", NULL, NULL);
  masked_short = tribuna_rtmp_url_to_masked (short_key);
  g_assert_cmpstr (masked_short, ==, "rtmp://h:1935/live/" BULLETS);
}

static void
test_mask_secret (void)
{
  struct {
    const char *secret;
    const char *mask;
  } cases[] = {
    { NULL, "(none)" },
    { "", "(none)" },
    { "a", BULLETS },
    { "0123456789abcde", BULLETS },                    /* 15: too short for a tail */
    { "0123456789abcdef", BULLETS "cdef" },            /* 16 */
    { KEY, BULLETS KEY_TAIL },
    /* Characters, not bytes: the tail is never a broken UTF-8 sequence. */
    { "ääääääääääääääää", BULLETS "ääää" },
    { "ääääääää", BULLETS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *mask = tribuna_mask_secret (cases[i].secret);

      g_assert_cmpstr (mask, ==, cases[i].mask);
    }
}

static void
test_mask_url (void)
{
  struct {
    const char *url;
    const char *masked;
  } cases[] = {
    { "rtmp://h/live2/" KEY, "rtmp://h/live2/" BULLETS KEY_TAIL },
    /* Also URLs that do not parse: those are the ones error messages quote. */
    { "rtmp://h:0/live2/" KEY "/", "rtmp://h:0/live2/" BULLETS KEY_TAIL "/" },
    { "rtmp://h/live2/" KEY "//", "rtmp://h/live2/" BULLETS KEY_TAIL "//" },
    { "http://h/" KEY, "http://h/" BULLETS KEY_TAIL },
    { "a.rtmp.youtube.com/live2/" KEY, "a.rtmp.youtube.com/live2/" BULLETS KEY_TAIL },
    { "rtmp://h/live2/short", "rtmp://h/live2/" BULLETS },
    { "rtmp://h/", "rtmp://h/" },
    { "rtmp://h:1935", "rtmp://h:1935" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *masked = tribuna_mask_url (cases[i].url);

      g_assert_cmpstr (masked, ==, cases[i].masked);
    }
}

static void
test_redact (void)
{
  g_autofree char *plain = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *untouched = NULL;
  g_autofree char *no_secret = NULL;
  g_autofree char *empty_secret = NULL;

  plain = tribuna_redact ("Could not connect to rtmp://h/live2/" KEY ": refused", KEY);
  g_assert_cmpstr (plain, ==, "Could not connect to rtmp://h/live2/" BULLETS KEY_TAIL ": refused");

  twice = tribuna_redact (KEY " and " KEY, KEY);
  g_assert_cmpstr (twice, ==, BULLETS KEY_TAIL " and " BULLETS KEY_TAIL);

  untouched = tribuna_redact ("nothing to hide", KEY);
  g_assert_cmpstr (untouched, ==, "nothing to hide");

  no_secret = tribuna_redact ("text " KEY, NULL);
  g_assert_cmpstr (no_secret, ==, "text " KEY);
  empty_secret = tribuna_redact ("text " KEY, "");
  g_assert_cmpstr (empty_secret, ==, "text " KEY);
}

static void
test_redact_percent_encoded (void)
{
  const char *secret = "FB-1234567890?s_bl=1&a=Xy/Zz9";
  g_autofree char *escaped = g_uri_escape_string (secret, NULL, FALSE);
  g_autofree char *text = NULL;
  g_autofree char *redacted = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *redacted_lower = NULL;

  g_assert_cmpstr (escaped, !=, secret);

  text = g_strdup_printf ("raw %s, escaped %s.", secret, escaped);
  redacted = tribuna_redact (text, secret);
  g_assert_cmpstr (redacted, ==, "raw " BULLETS "/Zz9, escaped " BULLETS "/Zz9.");
  g_assert_null (strstr (redacted, "1234567890"));

  /* Some printers use lower-case hex digits: %3f instead of %3F. */
  lower = g_strdup_printf ("escaped %s", "FB-1234567890%3fs_bl%3d1%26a%3dXy%2fZz9");
  redacted_lower = tribuna_redact (lower, secret);
  g_assert_null (strstr (redacted_lower, "1234567890"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pipelines/rtmp-url/parse/youtube", test_parse_youtube);
  g_test_add_func ("/pipelines/rtmp-url/parse/facebook", test_parse_facebook);
  g_test_add_func ("/pipelines/rtmp-url/parse/default-ports", test_parse_default_ports);
  g_test_add_func ("/pipelines/rtmp-url/parse/scheme-case", test_parse_scheme_case);
  g_test_add_func ("/pipelines/rtmp-url/parse/multi-segment-application",
                   test_parse_multi_segment_application);
  g_test_add_func ("/pipelines/rtmp-url/parse/separate-key", test_parse_separate_key);
  g_test_add_func ("/pipelines/rtmp-url/parse/ipv6", test_parse_ipv6);
  g_test_add_func ("/pipelines/rtmp-url/parse/query-in-key", test_parse_query_in_key);
  g_test_add_func ("/pipelines/rtmp-url/parse/masked-quote", test_parse_masked_quote);

  for (guint i = 0; i < G_N_ELEMENTS (bad_urls); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pipelines/rtmp-url/parse/bad/%s",
                                               bad_urls[i].path);

      g_test_add_data_func (path, &bad_urls[i], test_parse_bad);
    }

  g_test_add_func ("/pipelines/rtmp-url/check-key", test_check_key);
  g_test_add_func ("/pipelines/rtmp-url/copy", test_copy);
  g_test_add_func ("/pipelines/rtmp-url/to-masked", test_to_masked);
  g_test_add_func ("/pipelines/rtmp-url/mask-secret", test_mask_secret);
  g_test_add_func ("/pipelines/rtmp-url/mask-url", test_mask_url);
  g_test_add_func ("/pipelines/rtmp-url/redact", test_redact);
  g_test_add_func ("/pipelines/rtmp-url/redact-percent-encoded", test_redact_percent_encoded);

  return g_test_run ();
}
