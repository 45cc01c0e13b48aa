/* tribuna-recorder.h: the crash-safe local recording, in MPEG-TS segments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "tribuna-feed.h"

G_BEGIN_DECLS

#define TRIBUNA_RECORDER_ERROR (tribuna_recorder_error_quark ())

typedef enum {
  TRIBUNA_RECORDER_ERROR_DISK_FULL,   /* not enough free space to start or to go on */
  TRIBUNA_RECORDER_ERROR_DIRECTORY,   /* the recording folder cannot be created */
  TRIBUNA_RECORDER_ERROR_PIPELINE,    /* the muxer or the file writer failed */
} TribunaRecorderError;

typedef enum {
  TRIBUNA_RECORDER_IDLE,
  TRIBUNA_RECORDER_STARTING,   /* waiting for the first keyframe */
  TRIBUNA_RECORDER_RECORDING,
  TRIBUNA_RECORDER_STOPPING,   /* finalising the last segment */
  TRIBUNA_RECORDER_STOPPED,
  TRIBUNA_RECORDER_FAILED,
} TribunaRecorderState;

#define TRIBUNA_TYPE_RECORDER_STATE (tribuna_recorder_state_get_type ())
GType       tribuna_recorder_state_get_type  (void);
const char *tribuna_recorder_state_to_string (TribunaRecorderState state);

#define TRIBUNA_TYPE_RECORDER (tribuna_recorder_get_type ())
G_DECLARE_FINAL_TYPE (TribunaRecorder, tribuna_recorder, TRIBUNA, RECORDER, GObject)

GQuark                tribuna_recorder_error_quark       (void);

TribunaRecorder      *tribuna_recorder_new               (const char       *directory,
                                                          TribunaFeed      *feed);
void                  tribuna_recorder_set_segment_time  (TribunaRecorder  *self,
                                                          GstClockTime      duration);
void                  tribuna_recorder_set_free_space    (TribunaRecorder  *self,
                                                          guint64           warn_bytes,
                                                          guint64           stop_bytes);
gboolean              tribuna_recorder_start             (TribunaRecorder  *self,
                                                          GError          **error);
void                  tribuna_recorder_stop_async        (TribunaRecorder     *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean              tribuna_recorder_stop_finish       (TribunaRecorder  *self,
                                                          GAsyncResult     *result,
                                                          GError          **error);
TribunaRecorderState  tribuna_recorder_get_state         (TribunaRecorder  *self);
const char           *tribuna_recorder_get_directory     (TribunaRecorder  *self);
const char           *tribuna_recorder_get_current_file  (TribunaRecorder  *self);
guint                 tribuna_recorder_get_segment_count (TribunaRecorder  *self);
guint64               tribuna_recorder_get_free_bytes    (TribunaRecorder  *self);
gboolean              tribuna_recorder_get_low_disk      (TribunaRecorder  *self);
const char           *tribuna_recorder_get_last_error    (TribunaRecorder  *self);

G_END_DECLS
