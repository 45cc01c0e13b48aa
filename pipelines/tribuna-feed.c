/* tribuna-feed.c: the encoded program, handed to one output pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every output (the recorder, each RTMP destination) runs in a pipeline of its
 * own, fed through two appsrcs. That is what lets an output fail alone: an
 * error, a flushing sink or a wedged socket stays in that pipeline, and the
 * program's streaming threads never see a flow return from it. The program
 * pushes the same (refcounted) buffers to every feed, so an output costs no
 * encode.
 *
 * Each time an output attaches, its timeline starts at zero at the next
 * keyframe: the output pipeline starts clean, the muxer gets a keyframe first,
 * and a rebuilt destination sends fresh sequence headers to its server.
 */
#define G_LOG_DOMAIN "tribuna-feed"

#include "config.h"

#include "tribuna-feed.h"

/* How much an output may fall behind before its appsrc drops: a destination
 * gets a few seconds (its connection is rebuilt when it stays wedged), the
 * recorder enough to ride out a slow disk without ever blocking the encoder. */
#define LOSSY_MAX_BYTES    (4 * 1024 * 1024)
#define LOSSLESS_MAX_BYTES (256 * 1024 * 1024)

struct _TribunaFeed
{
  GObject            parent_instance;

  TribunaFeedPolicy  policy;

  /* Shared with the program's streaming threads */
  GMutex             lock;
  GstAppSrc         *video;
  GstAppSrc         *audio;
  GstCaps           *video_caps;
  GstCaps           *audio_caps;
  gboolean           waiting_for_keyframe;
  GstClockTime       not_before;
  GstClockTime       base_time;
  guint64            dropped;
  gint64             epoch_us;
};

G_DEFINE_FINAL_TYPE (TribunaFeed, tribuna_feed, G_TYPE_OBJECT)

enum {
  KEYFRAME_NEEDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
tribuna_feed_finalize (GObject *object)
{
  TribunaFeed *self = (TribunaFeed *)object;

  g_clear_object (&self->video);
  g_clear_object (&self->audio);
  gst_clear_caps (&self->video_caps);
  gst_clear_caps (&self->audio_caps);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tribuna_feed_parent_class)->finalize (object);
}

static void
tribuna_feed_class_init (TribunaFeedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tribuna_feed_finalize;

  /**
   * TribunaFeed::keyframe-needed:
   *
   * An output attached and waits for a keyframe to start from; the program
   * asks its encoder for one so the output need not wait a whole GOP.
   */
  signals[KEYFRAME_NEEDED] =
    g_signal_new ("keyframe-needed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tribuna_feed_init (TribunaFeed *self)
{
  g_mutex_init (&self->lock);
  self->base_time = GST_CLOCK_TIME_NONE;
}

TribunaFeed *
tribuna_feed_new (TribunaFeedPolicy policy)
{
  TribunaFeed *self = g_object_new (TRIBUNA_TYPE_FEED, NULL);

  self->policy = policy;
  return self;
}

static void
prepare_appsrc (TribunaFeed *self,
                GstAppSrc   *appsrc,
                GstCaps     *caps)
{
  guint64 max_bytes = self->policy == TRIBUNA_FEED_LOSSY ? LOSSY_MAX_BYTES : LOSSLESS_MAX_BYTES;

  /* Timestamps are the program's, rebased; the output must not add its own.
   * Leaky: a stuck output drops its own newest data instead of blocking us. */
  g_object_set (appsrc,
                "is-live", TRUE,
                "format", GST_FORMAT_TIME,
                "do-timestamp", FALSE,
                "block", FALSE,
                "max-bytes", max_bytes,
                "leaky-type", GST_APP_LEAKY_TYPE_UPSTREAM,
                NULL);
  if (caps != NULL)
    gst_app_src_set_caps (appsrc, caps);
}

/* Before the output pipeline starts: an appsrc's format and liveness must be
 * settled before it leaves NULL. */
void
tribuna_feed_prepare (TribunaFeed *self,
                      GstAppSrc   *video,
                      GstAppSrc   *audio)
{
  g_return_if_fail (TRIBUNA_IS_FEED (self));
  g_return_if_fail (GST_IS_APP_SRC (video));
  g_return_if_fail (GST_IS_APP_SRC (audio));

  g_mutex_lock (&self->lock);
  prepare_appsrc (self, video, self->video_caps);
  prepare_appsrc (self, audio, self->audio_caps);
  g_mutex_unlock (&self->lock);
}

/* Once the output pipeline plays: from the next keyframe on, it gets the program. */
void
tribuna_feed_attach (TribunaFeed *self,
                     GstAppSrc   *video,
                     GstAppSrc   *audio)
{
  g_return_if_fail (TRIBUNA_IS_FEED (self));
  g_return_if_fail (GST_IS_APP_SRC (video));
  g_return_if_fail (GST_IS_APP_SRC (audio));

  g_mutex_lock (&self->lock);
  if (self->video_caps != NULL)
    gst_app_src_set_caps (video, self->video_caps);
  if (self->audio_caps != NULL)
    gst_app_src_set_caps (audio, self->audio_caps);
  g_set_object (&self->video, video);
  g_set_object (&self->audio, audio);
  self->waiting_for_keyframe = TRUE;
  self->base_time = GST_CLOCK_TIME_NONE;
  g_mutex_unlock (&self->lock);

  g_signal_emit (self, signals[KEYFRAME_NEEDED], 0);
}

/* An output that must not carry what came before an instant (the public live stream
 * after a private part) starts at a keyframe captured after it: buffers carry the
 * program's running time of their capture, so nothing earlier can slip through. */
void
tribuna_feed_set_not_before (TribunaFeed  *self,
                             GstClockTime  running_time)
{
  g_return_if_fail (TRIBUNA_IS_FEED (self));

  g_mutex_lock (&self->lock);
  self->not_before = GST_CLOCK_TIME_IS_VALID (running_time) ? running_time : 0;
  g_mutex_unlock (&self->lock);
}

void
tribuna_feed_detach (TribunaFeed *self)
{
  g_autoptr(GstAppSrc) video = NULL;
  g_autoptr(GstAppSrc) audio = NULL;

  g_return_if_fail (TRIBUNA_IS_FEED (self));

  g_mutex_lock (&self->lock);
  video = g_steal_pointer (&self->video);
  audio = g_steal_pointer (&self->audio);
  g_mutex_unlock (&self->lock);
}

GstCaps *
tribuna_feed_dup_video_caps (TribunaFeed *self)
{
  GstCaps *caps;

  g_return_val_if_fail (TRIBUNA_IS_FEED (self), NULL);

  g_mutex_lock (&self->lock);
  caps = self->video_caps ? gst_caps_ref (self->video_caps) : NULL;
  g_mutex_unlock (&self->lock);

  return caps;
}

GstCaps *
tribuna_feed_dup_audio_caps (TribunaFeed *self)
{
  GstCaps *caps;

  g_return_val_if_fail (TRIBUNA_IS_FEED (self), NULL);

  g_mutex_lock (&self->lock);
  caps = self->audio_caps ? gst_caps_ref (self->audio_caps) : NULL;
  g_mutex_unlock (&self->lock);

  return caps;
}

/* The program running time that is zero on the attached output's timeline, or
 * GST_CLOCK_TIME_NONE while it still waits for its first keyframe. */
GstClockTime
tribuna_feed_get_base_time (TribunaFeed *self)
{
  GstClockTime base_time;

  g_return_val_if_fail (TRIBUNA_IS_FEED (self), GST_CLOCK_TIME_NONE);

  g_mutex_lock (&self->lock);
  base_time = self->base_time;
  g_mutex_unlock (&self->lock);

  return base_time;
}

/* Wall-clock UTC (µs) of the program's running time zero: known before the
 * first buffer reaches any output, so every output can date what it writes. */
void
tribuna_feed_set_epoch_us (TribunaFeed *self,
                           gint64       epoch_us)
{
  g_return_if_fail (TRIBUNA_IS_FEED (self));

  g_mutex_lock (&self->lock);
  self->epoch_us = epoch_us;
  g_mutex_unlock (&self->lock);
}

gint64
tribuna_feed_get_epoch_us (TribunaFeed *self)
{
  gint64 epoch_us;

  g_return_val_if_fail (TRIBUNA_IS_FEED (self), 0);

  g_mutex_lock (&self->lock);
  epoch_us = self->epoch_us;
  g_mutex_unlock (&self->lock);

  return epoch_us;
}

/* Buffers the output's appsrc had no room for: the output fell behind. */
guint64
tribuna_feed_get_dropped (TribunaFeed *self)
{
  guint64 dropped;

  g_return_val_if_fail (TRIBUNA_IS_FEED (self), 0);

  g_mutex_lock (&self->lock);
  dropped = self->dropped;
  g_mutex_unlock (&self->lock);

  return dropped;
}

void
tribuna_feed_set_caps (TribunaFeed *self,
                       GstCaps     *video,
                       GstCaps     *audio)
{
  g_return_if_fail (TRIBUNA_IS_FEED (self));

  g_mutex_lock (&self->lock);
  if (video != NULL && gst_caps_replace (&self->video_caps, video) && self->video != NULL)
    gst_app_src_set_caps (self->video, video);
  if (audio != NULL && gst_caps_replace (&self->audio_caps, audio) && self->audio != NULL)
    gst_app_src_set_caps (self->audio, audio);
  g_mutex_unlock (&self->lock);
}

/* Shifts a program buffer onto the output's timeline. The copy shares the
 * memory; only the metadata is new. Returns NULL for a buffer from before the
 * output's start. */
static GstBuffer *
rebase (GstBuffer    *buffer,
        GstClockTime  base_time)
{
  GstBuffer *copy;

  if (!GST_BUFFER_PTS_IS_VALID (buffer) || GST_BUFFER_PTS (buffer) < base_time)
    return NULL;

  copy = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (copy) -= base_time;
  if (GST_BUFFER_DTS_IS_VALID (copy))
    GST_BUFFER_DTS (copy) = GST_BUFFER_DTS (copy) > base_time ? GST_BUFFER_DTS (copy) - base_time : 0;

  return copy;
}

static void
push_to (TribunaFeed *self,
         GstAppSrc   *appsrc,
         GstBuffer   *buffer)
{
  guint64 max_bytes = self->policy == TRIBUNA_FEED_LOSSY ? LOSSY_MAX_BYTES : LOSSLESS_MAX_BYTES;

  if (gst_app_src_get_current_level_bytes (appsrc) + gst_buffer_get_size (buffer) > max_bytes)
    {
      g_mutex_lock (&self->lock);
      self->dropped++;
      g_mutex_unlock (&self->lock);
    }

  /* The flow return is the output's business, never the program's. */
  gst_app_src_push_buffer (appsrc, buffer);
}

void
tribuna_feed_push_video (TribunaFeed *self,
                         GstBuffer   *buffer)
{
  g_autoptr(GstAppSrc) appsrc = NULL;
  GstBuffer *rebased = NULL;

  g_assert (TRIBUNA_IS_FEED (self));

  g_mutex_lock (&self->lock);
  if (self->video != NULL)
    {
      if (self->waiting_for_keyframe && !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT)
          && GST_BUFFER_PTS_IS_VALID (buffer) && GST_BUFFER_PTS (buffer) >= self->not_before)
        {
          self->waiting_for_keyframe = FALSE;
          self->base_time = GST_BUFFER_PTS (buffer);
        }
      if (!self->waiting_for_keyframe)
        {
          rebased = rebase (buffer, self->base_time);
          appsrc = g_object_ref (self->video);
        }
    }
  g_mutex_unlock (&self->lock);

  if (rebased != NULL)
    push_to (self, appsrc, rebased);
}

void
tribuna_feed_push_audio (TribunaFeed *self,
                         GstBuffer   *buffer)
{
  g_autoptr(GstAppSrc) appsrc = NULL;
  GstBuffer *rebased = NULL;

  g_assert (TRIBUNA_IS_FEED (self));

  g_mutex_lock (&self->lock);
  if (self->audio != NULL && !self->waiting_for_keyframe)
    {
      rebased = rebase (buffer, self->base_time);
      appsrc = g_object_ref (self->audio);
    }
  g_mutex_unlock (&self->lock);

  if (rebased != NULL)
    push_to (self, appsrc, rebased);
}

/* The program is ending: let the attached output finish its files cleanly. */
void
tribuna_feed_end (TribunaFeed *self)
{
  g_autoptr(GstAppSrc) video = NULL;
  g_autoptr(GstAppSrc) audio = NULL;

  g_return_if_fail (TRIBUNA_IS_FEED (self));

  g_mutex_lock (&self->lock);
  g_set_object (&video, self->video);
  g_set_object (&audio, self->audio);
  g_mutex_unlock (&self->lock);

  if (video != NULL)
    gst_app_src_end_of_stream (video);
  if (audio != NULL)
    gst_app_src_end_of_stream (audio);
}
