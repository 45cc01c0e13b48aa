/* tribuna-clip-encoder.h: re-encoding a stretch of recorded H.264, with the clip's looks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the clip export; runs in its worker thread.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct {
  /* Picture: crop first (crop_width 0: none), then scale to width x height */
  guint   width;
  guint   height;
  guint   crop_x;
  guint   crop_y;
  guint   crop_width;
  guint   crop_height;

  /* x264 */
  const char *speed_preset;   /* NULL: veryfast */
  guint       quantizer;      /* constant quality (CRF) */
  guint       keyint;         /* frames between keyframes */
  int         sps_id;         /* -1: x264's own (0) */
  const char *profile;        /* caps profile to force, NULL: x264's choice */
  guint       level_idc;      /* 0: x264's choice */

  /* Looks, on the clip's timeline (ns) */
  const char *title;          /* NULL: none */
  gint64      title_end;
  gint64      fade_in_end;    /* 0: no fade in */
  gint64      fade_out_start; /* fade_out_end == 0: no fade out */
  gint64      fade_out_end;
} TribunaClipVideoSettings;

typedef struct _TribunaClipEncoder TribunaClipEncoder;

/* Frames timestamped before @keep_from (clip time) are decoded for their successors only. */
TribunaClipEncoder *tribuna_clip_encoder_new       (GstCaps                         *input_caps,
                                                    const TribunaClipVideoSettings  *settings,
                                                    gint64                           keep_from,
                                                    GCancellable                    *cancellable,
                                                    GError                         **error);
void                tribuna_clip_encoder_free      (TribunaClipEncoder              *self);

/* @au: an AVC access unit, @caps its stream's caps, @pts/@dts on the clip's timeline (may be
 * negative for the frames before keep_from). */
gboolean            tribuna_clip_encoder_push      (TribunaClipEncoder              *self,
                                                    GstBuffer                       *au,
                                                    GstCaps                         *caps,
                                                    gint64                           pts,
                                                    gint64                           duration,
                                                    GError                         **error);
/* Takes what has been encoded so far (@wait: wait for at least one frame, or the end). Returns
 * FALSE on error; *@au NULL when nothing is ready, or after the end. Timestamps: clip time. */
gboolean            tribuna_clip_encoder_pop       (TribunaClipEncoder              *self,
                                                    gboolean                         wait,
                                                    GstBuffer                      **au,
                                                    GError                         **error);
/* No more input: what is left is encoded, then pop() reaches the end. */
gboolean            tribuna_clip_encoder_finish    (TribunaClipEncoder              *self,
                                                    GError                         **error);
/* The encoded stream's caps (AVC with codec_data), once a frame has been popped. */
GstCaps            *tribuna_clip_encoder_get_caps  (TribunaClipEncoder              *self);
gboolean            tribuna_clip_encoder_is_done   (TribunaClipEncoder              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClipEncoder, tribuna_clip_encoder_free)

G_END_DECLS
