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

/* Writes @path; mp4mux keeps the media data in @faststart_path until the end, then puts the
 * moov first and the data after it. */
TribunaClipWriter *tribuna_clip_writer_new        (const char          *path,
                                                   const char          *faststart_path,
                                                   GCancellable        *cancellable);
void               tribuna_clip_writer_free       (TribunaClipWriter   *self);

/* Before start: the streams there will be. Video is AVC (with codec_data), sound raw AAC. */
void               tribuna_clip_writer_set_caps   (TribunaClipWriter   *self,
                                                   gboolean             is_video,
                                                   GstCaps             *caps);
gboolean           tribuna_clip_writer_start      (TribunaClipWriter   *self,
                                                   GError             **error);
/* Takes @buffer, timestamped on the clip's own timeline (0 = its first frame). Frames of the
 * two streams are interleaved by time here, so each stream may run ahead of the other. */
gboolean           tribuna_clip_writer_push       (TribunaClipWriter   *self,
                                                   gboolean             is_video,
                                                   GstBuffer           *buffer,
                                                   GError             **error);
/* No more frames of this stream. */
gboolean           tribuna_clip_writer_end_stream (TribunaClipWriter   *self,
                                                   gboolean             is_video,
                                                   GError             **error);
/* Ends both streams and waits for the file to be complete. */
gboolean           tribuna_clip_writer_finish     (TribunaClipWriter   *self,
                                                   GError             **error);

/* Concatenates the parameter sets of several AVC codec_data (avcC) blobs into one, so copied
 * and re-encoded frames can share one sample entry. Fails (NULL) when two sets share an id
 * but differ. */
GBytes            *tribuna_clip_merge_avcc        (GBytes             **blobs,
                                                   guint                n_blobs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClipWriter, tribuna_clip_writer_free)

G_END_DECLS
