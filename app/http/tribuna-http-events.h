/* tribuna-http-events.h: live status as Server-Sent Events, pushed from the engine's signals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tribuna-engine.h"

G_BEGIN_DECLS

/* How often an idle stream carries a comment, so proxies and browsers keep it open. */
#define TRIBUNA_HTTP_EVENTS_KEEPALIVE_S 15

/* Bytes waiting for a client before its stream is closed: it stopped reading. */
#define TRIBUNA_HTTP_EVENTS_MAX_UNSENT (1024 * 1024)

/* The JSON data of one event: @kind is "program", "recorder", "on-air", "error",
 * "session", "live" (the HLS output's state), "clips" (clip jobs and their progress),
 * "destinations" or "destination" (then @name is the destination's). NULL: nothing is sent for it. */
typedef char *(*TribunaHttpEventsFormatFunc) (const char *kind,
                                              const char *name,
                                              gpointer    user_data);

#define TRIBUNA_TYPE_HTTP_EVENTS (tribuna_http_events_get_type ())
G_DECLARE_FINAL_TYPE (TribunaHttpEvents, tribuna_http_events, TRIBUNA, HTTP_EVENTS, GObject)

/* Changes that come together (one marker moves item, speaker and break) are sent once,
 * from an idle callback: one event per kind (and destination) that changed. */
TribunaHttpEvents *tribuna_http_events_new           (TribunaEngine                *engine,
                                                      TribunaHttpEventsFormatFunc   format,
                                                      gpointer                      user_data);
/* Turns @msg (handled, not yet answered) into a stream; @first is sent at once, as a
 * "status" event. The stream ends when the client goes or close_all() is called. */
void               tribuna_http_events_add_client    (TribunaHttpEvents            *self,
                                                      SoupServerMessage            *msg,
                                                      const char                   *first);
guint              tribuna_http_events_get_n_clients (TribunaHttpEvents            *self);
/* A change the engine's signals do not show ("clips": a clip job was queued, cancelled or
 * ended), sent like the others. */
void               tribuna_http_events_notify        (TribunaHttpEvents            *self,
                                                      const char                   *kind,
                                                      const char                   *name);
void               tribuna_http_events_close_all     (TribunaHttpEvents            *self);

G_END_DECLS
