/* tribuna-config.h: tribuna.conf, with embedded defaults so no file is needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tribuna-lower-third.h"
#include "tribuna-rtmp-url.h"
#include "tribuna-source.h"

G_BEGIN_DECLS

#define TRIBUNA_CONFIG_ERROR (tribuna_config_error_quark ())

typedef enum {
  TRIBUNA_CONFIG_ERROR_FILE,      /* cannot read the file, or it is not a key file */
  TRIBUNA_CONFIG_ERROR_VALUE,     /* a key holds a value outside what is allowed */
  TRIBUNA_CONFIG_ERROR_SECRET,    /* a key file is missing, empty or readable by others */
} TribunaConfigError;

typedef struct {
  char           *name;         /* from the group name: [destination YouTube] */
  TribunaRtmpUrl *url;          /* includes the key, whichever way it was given */
  gboolean        enabled;
  gboolean        tls_verify;
} TribunaDestinationConfig;

TribunaDestinationConfig *tribuna_destination_config_new  (const char                     *name,
                                                           const TribunaRtmpUrl           *url,
                                                           gboolean                        enabled,
                                                           gboolean                        tls_verify);
TribunaDestinationConfig *tribuna_destination_config_copy (const TribunaDestinationConfig *self);
void                      tribuna_destination_config_free (TribunaDestinationConfig       *self);

#define TRIBUNA_TYPE_CONFIG (tribuna_config_get_type ())
G_DECLARE_FINAL_TYPE (TribunaConfig, tribuna_config, TRIBUNA, CONFIG, GObject)

GQuark         tribuna_config_error_quark           (void);

TribunaConfig *tribuna_config_new                   (void);
TribunaConfig *tribuna_config_new_from_file         (const char     *path,
                                                     GError        **error);
TribunaConfig *tribuna_config_new_from_data         (const char     *data,
                                                     const char     *file_name,
                                                     const char     *base_dir,
                                                     GError        **error);

/* [program] */
guint          tribuna_config_get_width             (TribunaConfig  *self);
guint          tribuna_config_get_height            (TribunaConfig  *self);
guint          tribuna_config_get_framerate         (TribunaConfig  *self);
guint          tribuna_config_get_video_bitrate     (TribunaConfig  *self);
guint          tribuna_config_get_audio_bitrate     (TribunaConfig  *self);
guint          tribuna_config_get_keyframe_interval (TribunaConfig  *self);
const char    *tribuna_config_get_encoder_preset    (TribunaConfig  *self);

/* [source NAME] in file order; never empty: a test pattern when none is configured */
GPtrArray     *tribuna_config_get_sources           (TribunaConfig  *self);

/* [destination NAME] in file order, then those added with add_destination() */
GPtrArray     *tribuna_config_get_destinations      (TribunaConfig  *self);
gboolean       tribuna_config_add_destination_url   (TribunaConfig  *self,
                                                     const char     *url,
                                                     GError        **error);

/* [recording] */
guint          tribuna_config_get_segment_minutes   (TribunaConfig  *self);
guint          tribuna_config_get_segment_seconds   (TribunaConfig  *self);
guint          tribuna_config_get_min_free_mb       (TribunaConfig  *self);
guint          tribuna_config_get_stop_free_mb      (TribunaConfig  *self);

/* [mixer] fade-ms (crossfade, default 500), silence-seconds (the silence alarm, default 10) */
guint          tribuna_config_get_fade_ms           (TribunaConfig  *self);
guint          tribuna_config_get_silence_seconds   (TribunaConfig  *self);

/* [slate] title, subtitle (default "Pushim", "Seanca vazhdon së shpejti") and image
 * (an absolute PNG path, or NULL) of the break slate */
const char    *tribuna_config_get_slate_title       (TribunaConfig  *self);
const char    *tribuna_config_get_slate_subtitle    (TribunaConfig  *self);
const char    *tribuna_config_get_slate_image       (TribunaConfig  *self);

/* [overlays] the lower third's font and colours, the logo bug (an absolute PNG
 * path, or NULL) and whether the program shows a clock */
const TribunaLowerThirdTheme *tribuna_config_get_overlay_theme (TribunaConfig *self);
const char    *tribuna_config_get_overlay_logo      (TribunaConfig  *self);
gboolean       tribuna_config_get_overlay_clock     (TribunaConfig  *self);

/* [paths] data-dir, NULL when not set */
const char    *tribuna_config_get_data_dir          (TribunaConfig  *self);

/* [http] address (an IP address, default 127.0.0.1) and port (default 8080); the TLS
 * certificate and private key files (absolute paths), both NULL for plain HTTP */
const char    *tribuna_config_get_http_address         (TribunaConfig  *self);
guint          tribuna_config_get_http_port            (TribunaConfig  *self);
const char    *tribuna_config_get_http_tls_certificate (TribunaConfig  *self);
const char    *tribuna_config_get_http_tls_key         (TribunaConfig  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaDestinationConfig, tribuna_destination_config_free)

G_END_DECLS
