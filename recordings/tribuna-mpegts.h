/* tribuna-mpegts.h: measuring a recorded MPEG-TS segment without GStreamer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TRIBUNA_MPEGTS_ERROR (tribuna_mpegts_error_quark ())

typedef enum {
  TRIBUNA_MPEGTS_ERROR_READ,        /* the file cannot be opened or read */
  TRIBUNA_MPEGTS_ERROR_NOT_MPEGTS,  /* no run of 188-byte packets with their sync byte */
  TRIBUNA_MPEGTS_ERROR_NO_TIMESTAMPS,
} TribunaMpegtsError;

GQuark    tribuna_mpegts_error_quark (void);

/* The duration of the media in @path, from its first presentation timestamp to the end of its
 * last frame (the last PTS of each stream plus that stream's frame spacing). For segments a
 * crash left without a "closed" record: a file cut mid-packet is measured up to its last whole
 * packet. Reads only the first and last few MiB. */
gboolean  tribuna_mpegts_measure     (const char  *path,
                                      gint64      *duration_ns,
                                      GError     **error);

G_END_DECLS
