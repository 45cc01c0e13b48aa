/* tribuna-rtmp-url.h: parsing RTMP/RTMPS destination URLs and keeping their keys secret
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TRIBUNA_RTMP_URL_ERROR (tribuna_rtmp_url_error_quark ())

typedef enum {
  TRIBUNA_RTMP_URL_ERROR_INVALID,
} TribunaRtmpUrlError;

/**
 * TribunaRtmpUrl:
 * @scheme: "rtmp" or "rtmps"
 * @host: server host name or address
 * @port: TCP port (1935 for rtmp, 443 for rtmps when the URL names none)
 * @application: the path between the host and the key, e.g. "live2" or "rtmp"
 * @key: the stream key (a secret: never print, log or return it)
 *
 * A destination as YouTube and Facebook hand it out: the key is the last
 * path segment of the URL, or given apart from it (config `key=`/`key-file=`).
 */
typedef struct {
  char  *scheme;
  char  *host;
  guint  port;
  char  *application;
  char  *key;
} TribunaRtmpUrl;

GQuark          tribuna_rtmp_url_error_quark (void);

TribunaRtmpUrl *tribuna_rtmp_url_parse       (const char            *url,
                                              const char            *separate_key,
                                              GError               **error);
TribunaRtmpUrl *tribuna_rtmp_url_copy        (const TribunaRtmpUrl  *self);
void            tribuna_rtmp_url_free        (TribunaRtmpUrl        *self);
gboolean        tribuna_rtmp_url_is_tls      (const TribunaRtmpUrl  *self);
char           *tribuna_rtmp_url_to_location (const TribunaRtmpUrl  *self);
char           *tribuna_rtmp_url_to_masked   (const TribunaRtmpUrl  *self);

/* Whether a key given apart from the URL can be sent: printable ASCII, no space, no "/". */
gboolean        tribuna_rtmp_url_check_key   (const char            *key,
                                              GError               **error);

char           *tribuna_mask_secret          (const char            *secret);
/* A URL-like text, parsed or not, with its last non-empty path segment (where a key
 * would be) masked; a text with no "/" after its host comes back unchanged. */
char           *tribuna_mask_url             (const char            *url);
char           *tribuna_redact               (const char            *text,
                                              const char            *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaRtmpUrl, tribuna_rtmp_url_free)

G_END_DECLS
