/* tribuna-hls-output.h: the appliance's own live stream (HLS), for its public page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "tribuna-feed.h"

G_BEGIN_DECLS

/* The playlist's file name inside the output's directory. */
#define TRIBUNA_HLS_PLAYLIST_NAME "index.m3u8"

typedef enum {
  TRIBUNA_HLS_IDLE,         /* never started */
  TRIBUNA_HLS_STARTING,     /* writing the first segment; no playlist yet */
  TRIBUNA_HLS_LIVE,         /* the playlist lists at least one segment */
  TRIBUNA_HLS_RESTARTING,   /* failed or stalled; rebuilt after a short wait */
  TRIBUNA_HLS_STOPPED,      /* stopped on purpose; the directory is empty */
  TRIBUNA_HLS_FAILED,       /* cannot work here (an element is missing); no retry */
} TribunaHlsState;

#define TRIBUNA_TYPE_HLS_STATE (tribuna_hls_state_get_type ())
GType            tribuna_hls_state_get_type               (void);
const char      *tribuna_hls_state_to_string              (TribunaHlsState   state);

#define TRIBUNA_TYPE_HLS_OUTPUT (tribuna_hls_output_get_type ())
G_DECLARE_FINAL_TYPE (TribunaHlsOutput, tribuna_hls_output, TRIBUNA, HLS_OUTPUT, GObject)

/* @directory is the output's own: everything in it is removed at each start and stop. */
TribunaHlsOutput *tribuna_hls_output_new                   (const char       *directory,
                                                            TribunaFeed      *feed);
/* Before start: seconds per segment (keyframes must come at least that often) and how
 * many segments the playlist lists. */
void             tribuna_hls_output_set_target_duration   (TribunaHlsOutput *self,
                                                            guint             seconds);
void             tribuna_hls_output_set_playlist_length   (TribunaHlsOutput *self,
                                                            guint             n_segments);
/* Starts (or, when running, restarts) in an emptied directory, from the first keyframe
 * captured at or after @not_before (program running time; 0 or NONE: the next one). */
void             tribuna_hls_output_start                 (TribunaHlsOutput *self,
                                                            GstClockTime      not_before);
/* Stops at once and empties the directory: nothing it wrote stays to be served. */
void             tribuna_hls_output_stop                  (TribunaHlsOutput *self);

TribunaHlsState  tribuna_hls_output_get_state             (TribunaHlsOutput *self);
gboolean         tribuna_hls_output_get_wanted            (TribunaHlsOutput *self);
const char      *tribuna_hls_output_get_directory         (TribunaHlsOutput *self);
/* The playlist's full path; NULL unless the state is LIVE. */
const char      *tribuna_hls_output_get_playlist_path     (TribunaHlsOutput *self);
const char      *tribuna_hls_output_get_last_error        (TribunaHlsOutput *self);
guint            tribuna_hls_output_get_target_duration   (TribunaHlsOutput *self);
guint            tribuna_hls_output_get_segments          (TribunaHlsOutput *self);
guint            tribuna_hls_output_get_restarts          (TribunaHlsOutput *self);
/* The current run's id, the prefix of its segment names (a millisecond stamp); 0 when
 * there is none. A new run (after a stop, an error) has a new id. */
gint64           tribuna_hls_output_get_run               (TribunaHlsOutput *self);
/* Whether @name (a bare file name) is a complete segment of the current run that is
 * still kept: what may be served. Anything else, whatever is on disk, is not. */
gboolean         tribuna_hls_output_is_servable_segment   (TribunaHlsOutput *self,
                                                            const char       *name);

G_END_DECLS
