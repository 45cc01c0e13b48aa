/* tribuna-clip-result.h: what a clip export wrote, and what it cut
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tribuna-clip-request.h"

G_BEGIN_DECLS

/* How the picture was made, so the caller can say it honestly. */
typedef enum {
  TRIBUNA_CLIP_RENDER_COPY,    /* stream copy: no frame was re-encoded */
  TRIBUNA_CLIP_RENDER_SMART,   /* copied, except the partial GOPs (and title/fades) re-encoded */
  TRIBUNA_CLIP_RENDER_FULL,    /* every frame decoded and re-encoded */
  TRIBUNA_CLIP_RENDER_AUDIO,   /* no picture: sound only */
} TribunaClipRender;

#define TRIBUNA_TYPE_CLIP_RENDER (tribuna_clip_render_get_type ())
GType                   tribuna_clip_render_get_type             (void);
const char             *tribuna_clip_render_to_string            (TribunaClipRender  render);

typedef struct _TribunaClipResult TribunaClipResult;

#define TRIBUNA_TYPE_CLIP_RESULT (tribuna_clip_result_get_type ())
GType                   tribuna_clip_result_get_type             (void);
TribunaClipResult      *tribuna_clip_result_ref                  (TribunaClipResult  *self);
void                    tribuna_clip_result_unref                (TribunaClipResult  *self);

/* The MP4 (or M4A), the JPEG thumbnail (NULL for sound only) and the JSON sidecar. */
const char             *tribuna_clip_result_get_media_path       (TribunaClipResult  *self);
const char             *tribuna_clip_result_get_thumbnail_path   (TribunaClipResult  *self);
const char             *tribuna_clip_result_get_sidecar_path     (TribunaClipResult  *self);

TribunaClipRange        tribuna_clip_result_get_requested        (TribunaClipResult  *self);
/* On the session axis: from the first frame exported (in fast mode the keyframe at or before
 * the in-point) to the end of the last one. */
TribunaClipRange        tribuna_clip_result_get_actual           (TribunaClipResult  *self);
/* What plays: the actual range less the private time cut out of it. */
gint64                  tribuna_clip_result_get_duration         (TribunaClipResult  *self);
/* The parts of the session the clip shows, in order; more than one when private time was cut. */
const TribunaClipRange *tribuna_clip_result_get_pieces           (TribunaClipResult  *self,
                                                                  guint              *n_pieces);
/* The private ranges (clipped to the request) that were left out. */
const TribunaClipRange *tribuna_clip_result_get_cut              (TribunaClipResult  *self,
                                                                  guint              *n_cut);
TribunaClipRender       tribuna_clip_result_get_render           (TribunaClipResult  *self);
/* The picture's size; 0 for sound only. */
guint                   tribuna_clip_result_get_width            (TribunaClipResult  *self);
guint                   tribuna_clip_result_get_height           (TribunaClipResult  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClipResult, tribuna_clip_result_unref)

G_END_DECLS
