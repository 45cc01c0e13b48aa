/* tribuna-source-pipeline.h: one source in a pipeline of its own, handing frames to the program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "tribuna-preview-frame.h"
#include "tribuna-source.h"

G_BEGIN_DECLS

typedef enum {
  TRIBUNA_SOURCE_STOPPED,     /* not started, or stopped with the program */
  TRIBUNA_SOURCE_STARTING,    /* built, no picture yet */
  TRIBUNA_SOURCE_LIVE,        /* pictures arrive */
  TRIBUNA_SOURCE_NO_SIGNAL,   /* failed or stalled: the card shows, a retry is scheduled */
} TribunaSourceState;

#define TRIBUNA_TYPE_SOURCE_STATE (tribuna_source_state_get_type ())
GType       tribuna_source_state_get_type  (void);
const char *tribuna_source_state_to_string (TribunaSourceState state);

/* A source that sent nothing for this long is shown as "no signal" and rebuilt. */
#define TRIBUNA_SOURCE_STALL_MS 2000

#define TRIBUNA_TYPE_SOURCE_PIPELINE (tribuna_source_pipeline_get_type ())
G_DECLARE_FINAL_TYPE (TribunaSourcePipeline, tribuna_source_pipeline,
                      TRIBUNA, SOURCE_PIPELINE, GObject)

TribunaSourcePipeline *tribuna_source_pipeline_new (const TribunaSourceConfig *config,
                                                    guint                      width,
                                                    guint                      height,
                                                    guint                      framerate);

const char          *tribuna_source_pipeline_get_name       (TribunaSourcePipeline *self);
const char          *tribuna_source_pipeline_get_uri        (TribunaSourcePipeline *self);
/* FALSE for a microphone or a tone: it mixes into the program's sound, and has no
 * picture to cut to, preview or snapshot. */
gboolean             tribuna_source_pipeline_has_picture    (TribunaSourcePipeline *self);
TribunaSourceState   tribuna_source_pipeline_get_state      (TribunaSourcePipeline *self);
const char          *tribuna_source_pipeline_get_last_error (TribunaSourcePipeline *self);
/* Gain in dB (-60 to +20), mute, and how much later than its picture the sound
 * plays (ms, 0 to 1000): applied where the program mixes. */
double               tribuna_source_pipeline_get_gain_db    (TribunaSourcePipeline *self);
void                 tribuna_source_pipeline_set_gain_db    (TribunaSourcePipeline *self,
                                                             double                 gain_db);
gboolean             tribuna_source_pipeline_get_muted      (TribunaSourcePipeline *self);
void                 tribuna_source_pipeline_set_muted      (TribunaSourcePipeline *self,
                                                             gboolean               muted);
int                  tribuna_source_pipeline_get_av_offset_ms (TribunaSourcePipeline *self);
void                 tribuna_source_pipeline_set_av_offset_ms (TribunaSourcePipeline *self,
                                                               int                    offset_ms);

/* The program's appsrcs (raw I420 at the program size and rate; F32LE 48 kHz stereo),
 * and its pipeline, whose clock and base time the frames are stamped on. */
void                 tribuna_source_pipeline_start          (TribunaSourcePipeline *self,
                                                             GstElement            *program,
                                                             GstElement            *video_target,
                                                             GstElement            *audio_target);
void                 tribuna_source_pipeline_stop           (TribunaSourcePipeline *self);

/* Previews: "preview-frame" (320x180, ≤ 10 fps) is emitted on the main context
 * while enabled. */
void                 tribuna_source_pipeline_set_preview_enabled (TribunaSourcePipeline *self,
                                                                  gboolean               enabled);
/* The latest frame at the program's size, as JPEG; NULL with @error before the first. */
GBytes              *tribuna_source_pipeline_snapshot_jpeg  (TribunaSourcePipeline  *self,
                                                             GError                **error);

G_END_DECLS
