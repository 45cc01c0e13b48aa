/* tribuna-feed.h: the encoded program (one H.264 + one AAC), handed to one output pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/app/gstappsrc.h>

G_BEGIN_DECLS

/* Whether an output may lose data when it falls behind. A destination may (its server
 * is slow; the stream recovers at the next keyframe), the recorder must not. */
typedef enum {
  TRIBUNA_FEED_LOSSY,
  TRIBUNA_FEED_LOSSLESS,
} TribunaFeedPolicy;

#define TRIBUNA_TYPE_FEED (tribuna_feed_get_type ())
G_DECLARE_FINAL_TYPE (TribunaFeed, tribuna_feed, TRIBUNA, FEED, GObject)

TribunaFeed  *tribuna_feed_new              (TribunaFeedPolicy  policy);

/* Called by the output, on the main context, each time it builds its pipeline:
 * prepare before it leaves NULL, attach once it plays. */
void          tribuna_feed_prepare          (TribunaFeed       *self,
                                             GstAppSrc         *video,
                                             GstAppSrc         *audio);
void          tribuna_feed_attach           (TribunaFeed       *self,
                                             GstAppSrc         *video,
                                             GstAppSrc         *audio);
void          tribuna_feed_detach           (TribunaFeed       *self);
/* The next attach starts at the first keyframe at or after this program running time
 * (0: the next keyframe): what was captured before never reaches that output. */
void          tribuna_feed_set_not_before   (TribunaFeed       *self,
                                             GstClockTime       running_time);
GstCaps      *tribuna_feed_dup_video_caps   (TribunaFeed       *self);
GstCaps      *tribuna_feed_dup_audio_caps   (TribunaFeed       *self);
GstClockTime  tribuna_feed_get_base_time    (TribunaFeed       *self);
guint64       tribuna_feed_get_dropped      (TribunaFeed       *self);
gint64        tribuna_feed_get_epoch_us     (TribunaFeed       *self);

/* Called by the program, from its streaming threads. */
void          tribuna_feed_set_epoch_us     (TribunaFeed       *self,
                                             gint64             epoch_us);
void          tribuna_feed_set_caps         (TribunaFeed       *self,
                                             GstCaps           *video,
                                             GstCaps           *audio);
void          tribuna_feed_push_video       (TribunaFeed       *self,
                                             GstBuffer         *buffer);
void          tribuna_feed_push_audio       (TribunaFeed       *self,
                                             GstBuffer         *buffer);
void          tribuna_feed_end              (TribunaFeed       *self);

G_END_DECLS
