/* tribuna-clip-audio.h: a clip's sound decoded, cut to the sample, faded and re-encoded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the clip export; runs in its worker thread.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "tribuna-clip-reader.h"

G_BEGIN_DECLS

typedef struct {
  gint64 start;       /* session axis */
  gint64 end;
  gint64 output_at;   /* clip time of start */
} TribunaClipAudioSpan;

/* The sound of @spans, one after the other with no gap, faded in over @fade_in and out over
 * the last @fade_out of @duration, as AAC frames (clip time) appended to @frames. The first is
 * the encoder's priming, flagged DECODE_ONLY: it goes before clip time 0. */
gboolean tribuna_clip_render_audio (TribunaClipReader  *reader,
                                    GstCaps            *aac_caps,
                                    GArray             *spans,
                                    gint64              fade_in,
                                    gint64              fade_out,
                                    gint64              duration,
                                    GQueue             *frames,
                                    GstCaps           **frames_caps,
                                    GCancellable       *cancellable,
                                    GError            **error);

G_END_DECLS
