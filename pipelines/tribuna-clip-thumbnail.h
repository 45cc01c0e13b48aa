/* tribuna-clip-thumbnail.h: a JPEG of one frame from inside a clip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the clip export; runs in its worker thread.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* Decodes the keyframe of the MP4 @media_path nearest @at_ns and writes it to @jpeg_path. */
gboolean tribuna_clip_write_thumbnail (const char    *media_path,
                                       gint64         at_ns,
                                       const char    *jpeg_path,
                                       GCancellable  *cancellable,
                                       GError       **error);

/* Decodes a keyframe popped from @keyframes (an AVC access unit of a stream with @caps; an
 * empty buffer: give up) and writes it to @jpeg_path: the clip's picture when it is copied at
 * the recording's size, made in a thread of its own while the clip is still being written. */
gboolean tribuna_clip_write_thumbnail_from_keyframe (GstCaps      *caps,
                                                     GAsyncQueue  *keyframes,
                                                     const char   *jpeg_path,
                                                     GError      **error);

/* Decodes the first picture of @ts (MPEG-TS bytes: a segment's PAT and PMT followed by its
 * packets from a keyframe on) and returns it as a JPEG @width pixels wide, in the
 * recording's aspect: an archive item's thumbnail. Runs in the caller's thread. */
GBytes  *tribuna_clip_jpeg_from_ts (GBytes        *ts,
                                    int            width,
                                    GCancellable  *cancellable,
                                    GError       **error);

G_END_DECLS
