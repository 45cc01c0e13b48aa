/* tribuna-format.h: the words and numbers the console shows, in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tribuna-engine.h"

G_BEGIN_DECLS

/* "12:34" under an hour, "1:02:03" from an hour on. */
char       *tribuna_format_elapsed            (gint64                   seconds);
/* "1:02:03", "02:03", "75" or "75.5" (seconds) → nanoseconds; FALSE when it is none of these. */
gboolean    tribuna_format_parse_elapsed      (const char              *text,
                                               gint64                  *out_ns);
/* "14:05": a wall-clock instant (UTC µs) in local time; "" for 0. */
char       *tribuna_format_time_of_day        (gint64                   wall_us);
/* The session types of mission.md, in the interface's language. */
const char *tribuna_format_session_type       (TribunaSessionType       type);
/* Planned, live, ended, interrupted: in the interface's language. */
const char *tribuna_format_session_state      (TribunaSessionState      state);
/* What a destination is doing, in words the operator reads at a glance. */
const char *tribuna_format_destination_state  (TribunaDestinationState  state);
/* Hours of recording @free_bytes hold at @kbps (video + audio); -1 when @kbps is 0. */
double      tribuna_format_recording_hours    (guint64                  free_bytes,
                                               guint                    kbps);

G_END_DECLS
