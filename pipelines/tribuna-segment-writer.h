/* tribuna-segment-writer.h: MPEG-TS from the muxer, into files split at keyframes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  TRIBUNA_SEGMENT_OPENED,
  TRIBUNA_SEGMENT_CLOSED,
  TRIBUNA_SEGMENT_FAILED,
} TribunaSegmentEventKind;

typedef struct {
  TribunaSegmentEventKind  kind;
  char                    *path;
  GstClockTime             start;      /* first keyframe, on the recorder's timeline */
  GstClockTime             duration;   /* CLOSED only */
  char                    *error;      /* FAILED only */
} TribunaSegmentEvent;

void tribuna_segment_event_free (TribunaSegmentEvent *event);

/* Called from whichever thread wrote or closed; takes ownership of the event. */
typedef void (*TribunaSegmentEventFunc) (TribunaSegmentEvent *event,
                                         gpointer             user_data);

typedef struct _TribunaSegmentWriter TribunaSegmentWriter;

TribunaSegmentWriter *tribuna_segment_writer_new          (const char              *directory,
                                                           GstClockTime             segment_time,
                                                           guint                    video_pid,
                                                           TribunaSegmentEventFunc  func,
                                                           gpointer                 user_data);
void                  tribuna_segment_writer_free         (TribunaSegmentWriter    *self);

/* From the muxer's video input: each keyframe, and where each frame ends. */
void                  tribuna_segment_writer_note_keyframe (TribunaSegmentWriter   *self,
                                                            GstClockTime            pts);
void                  tribuna_segment_writer_note_video_end (TribunaSegmentWriter  *self,
                                                             GstClockTime           end);

/* From the muxer's output. */
void                  tribuna_segment_writer_set_caps     (TribunaSegmentWriter    *self,
                                                           GstCaps                 *caps);
gboolean              tribuna_segment_writer_write        (TribunaSegmentWriter    *self,
                                                           GstBuffer               *buffer);

/* Once no more data comes: syncs and closes the open segment. */
void                  tribuna_segment_writer_close        (TribunaSegmentWriter    *self);

G_END_DECLS
