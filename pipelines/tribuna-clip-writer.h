/* tribuna-clip-writer.h: coded frames into an MP4 (or M4A) with its moov in front
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the clip export; runs in its worker thread.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _TribunaClipWriter TribunaClipWriter;

TribunaClipWriter *tribuna_clip_writer_new        (const char          *path,
                                                   GCancellable        *cancellable);
void               tribuna_clip_writer_free       (TribunaClipWriter   *self);

/* Before start: the streams there will be. Video is AVC (with codec_data, width, height and
 * framerate), sound raw AAC (with codec_data, rate and channels). */
void               tribuna_clip_writer_set_caps   (TribunaClipWriter   *self,
                                                   gboolean             is_video,
                                                   GstCaps             *caps);
/* Before start: how long the clip will be, so room for the moov is kept in front of the
 * media data and the file is written in one pass. A wrong guess costs one copy at the end. */
void               tribuna_clip_writer_set_expected (TribunaClipWriter *self,
                                                     gint64             duration,
                                                     guint              n_pieces);
gboolean           tribuna_clip_writer_start      (TribunaClipWriter   *self,
                                                   GError             **error);
/* Takes @buffer, timestamped on the clip's own timeline (0 = its first frame). Frames of the
 * two streams are interleaved by time here, so each stream may run ahead of the other. */
gboolean           tribuna_clip_writer_push       (TribunaClipWriter   *self,
                                                   gboolean             is_video,
                                                   GstBuffer           *buffer,
                                                   GError             **error);
/* Sound only, before its first frame: the AAC frame before it, at @clip_time (< 0). It is
 * written and decoded (an AAC frame needs its predecessor to decode right) but an edit list
 * keeps it from playing, so the sound starts exactly with the picture. */
gboolean           tribuna_clip_writer_push_preroll (TribunaClipWriter *self,
                                                     GstBuffer         *buffer,
                                                     gint64             clip_time,
                                                     GError           **error);
/* No more frames of this stream. */
gboolean           tribuna_clip_writer_end_stream (TribunaClipWriter   *self,
                                                   gboolean             is_video,
                                                   GError             **error);
/* Writes what is left and the moov; the file is complete when this returns TRUE. */
gboolean           tribuna_clip_writer_finish     (TribunaClipWriter   *self,
                                                   GError             **error);

/* Concatenates the parameter sets of several AVC codec_data (avcC) blobs into one, so copied
 * and re-encoded frames can share one sample entry. Fails (NULL) when two sets share an id
 * but differ. */
GBytes            *tribuna_clip_merge_avcc        (GBytes             **blobs,
                                                   guint                n_blobs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClipWriter, tribuna_clip_writer_free)

G_END_DECLS
