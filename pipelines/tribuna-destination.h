/* tribuna-destination.h: one RTMP/RTMPS output that fails alone and comes back by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "tribuna-feed.h"
#include "tribuna-rtmp-url.h"

G_BEGIN_DECLS

typedef enum {
  TRIBUNA_DESTINATION_IDLE,          /* never started */
  TRIBUNA_DESTINATION_CONNECTING,    /* first connection attempt in progress */
  TRIBUNA_DESTINATION_LIVE,          /* media is reaching the server */
  TRIBUNA_DESTINATION_RECONNECTING,  /* lost the server; retrying with backoff */
  TRIBUNA_DESTINATION_STOPPED,       /* the operator took it off air */
  TRIBUNA_DESTINATION_FAILED,        /* cannot work as configured (bad URL, TLS); no retry */
  TRIBUNA_DESTINATION_REJECTED,      /* the server refused the publish (key, name in use) */
} TribunaDestinationState;

#define TRIBUNA_TYPE_DESTINATION_STATE (tribuna_destination_state_get_type ())
GType       tribuna_destination_state_get_type   (void);
const char *tribuna_destination_state_to_string  (TribunaDestinationState state);

#define TRIBUNA_TYPE_DESTINATION (tribuna_destination_get_type ())
G_DECLARE_FINAL_TYPE (TribunaDestination, tribuna_destination, TRIBUNA, DESTINATION, GObject)

TribunaDestination      *tribuna_destination_new                 (const char           *name,
                                                                  const TribunaRtmpUrl *url,
                                                                  gboolean              tls_verify,
                                                                  TribunaFeed          *feed);
const char              *tribuna_destination_get_name            (TribunaDestination   *self);
const char              *tribuna_destination_get_masked_url      (TribunaDestination   *self);
TribunaDestinationState  tribuna_destination_get_state           (TribunaDestination   *self);
gboolean                 tribuna_destination_get_wanted          (TribunaDestination   *self);
guint                    tribuna_destination_get_reconnects      (TribunaDestination   *self);
guint                    tribuna_destination_get_attempts        (TribunaDestination   *self);
guint                    tribuna_destination_get_sent_kbps       (TribunaDestination   *self);
guint                    tribuna_destination_get_acked_kbps      (TribunaDestination   *self);
gint64                   tribuna_destination_get_live_seconds    (TribunaDestination   *self);
const char              *tribuna_destination_get_last_error      (TribunaDestination   *self);
void                     tribuna_destination_start               (TribunaDestination   *self);
void                     tribuna_destination_stop                (TribunaDestination   *self);

G_END_DECLS
