/* tribuna-clip-reader.h: a session's recorded segments as one stream of coded frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the clip export; runs in its worker thread.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* One coded frame: an H.264 access unit (AVC, 4-byte lengths, DELTA_UNIT unless it is a
 * sync point) or a raw AAC frame. */
typedef struct {
  GstBuffer *buffer;      /* its own timestamps are not used */
  gboolean   is_video;
  gboolean   sync;        /* video: decoding can start here (an IDR) */
  gboolean   new_format;  /* video: it brings parameter sets other than the probed ones */
  gint64     pts;         /* session axis */
  gint64     dts;         /* session axis */
  gint64     duration;
  guint      segment;     /* which segment it came from */
} TribunaClipUnit;

void tribuna_clip_unit_free (TribunaClipUnit *unit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClipUnit, tribuna_clip_unit_free)

typedef struct _TribunaClipReader TribunaClipReader;

/* @segments: TribunaClipSegment (tribuna-clip-private.h), kept by reference. */
TribunaClipReader *tribuna_clip_reader_new        (GArray             *segments,
                                                   GCancellable       *cancellable);
void               tribuna_clip_reader_free       (TribunaClipReader  *self);

/* The caps of segment @index's streams, as h264parse and aacparse see them (AVC with
 * codec_data, size and framerate; raw AAC with codec_data); NULL when it has no such
 * stream. The first probe also tells the reader the frame rate and the parameter sets
 * that count as the recording's own. */
gboolean           tribuna_clip_reader_probe      (TribunaClipReader  *self,
                                                   guint               index,
                                                   GstCaps           **video_caps,
                                                   GstCaps           **audio_caps,
                                                   GError            **error);

/* Afterwards tribuna_clip_reader_next() returns every frame from @t on (video and sound), in
 * file order, possibly preceded by a few earlier ones. */
gboolean           tribuna_clip_reader_seek       (TribunaClipReader  *self,
                                                   gint64              t,
                                                   GError            **error);
/* The next frame, or NULL at the end of the recording (@error unset) or on failure. */
TribunaClipUnit   *tribuna_clip_reader_next       (TribunaClipReader  *self,
                                                   GError            **error);

/* The last sync point at or before @t, where decoding for @t must start. */
gboolean           tribuna_clip_reader_sync_before (TribunaClipReader  *self,
                                                    gint64              t,
                                                    gint64             *sync,
                                                    GError            **error);
/* The first sync point at or after @t and before @limit; @limit when there is none. @first
 * (may be NULL): the first video frame at or after @t (@limit when none). */
gboolean           tribuna_clip_reader_sync_after  (TribunaClipReader  *self,
                                                    gint64              t,
                                                    gint64              limit,
                                                    gint64             *sync,
                                                    gint64             *first,
                                                    GError            **error);

/* The last video frame before @b (-1: none in the second before it). */
gboolean           tribuna_clip_reader_frame_before (TribunaClipReader  *self,
                                                     gint64              b,
                                                     gint64             *last,
                                                     GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClipReader, tribuna_clip_reader_free)

G_END_DECLS
