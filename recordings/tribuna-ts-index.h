/* tribuna-ts-index.h: where the keyframes are in a recorded MPEG-TS segment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  guint64 offset;    /* bytes: the keyframe's first TS packet (it starts a PES) */
  gint64  time_ns;   /* its PTS, counted from the file's first keyframe */
} TribunaTsKeyframe;

typedef struct _TribunaTsIndex TribunaTsIndex;

TribunaTsIndex          *tribuna_ts_index_read          (const char            *path,
                                                         GError               **error);
void                     tribuna_ts_index_free          (TribunaTsIndex        *self);
guint                    tribuna_ts_index_get_n_keyframes (const TribunaTsIndex *self);
const TribunaTsKeyframe *tribuna_ts_index_get_keyframe  (const TribunaTsIndex  *self,
                                                         guint                  index);
guint64                  tribuna_ts_index_get_size      (const TribunaTsIndex  *self);
guint64                  tribuna_ts_index_get_header_size (const TribunaTsIndex *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaTsIndex, tribuna_ts_index_free)

G_END_DECLS
