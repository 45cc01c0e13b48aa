/* tribuna-http-recording.h: what the public may see of one session's recording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tribuna-http-private.h"
#include "tribuna-timeline.h"

G_BEGIN_DECLS

/* A chunk of a recorder segment: keyframe to keyframe, a few seconds, placed on the
 * session axis and on the public playlist's time line. */
typedef struct {
  guint                 index;              /* the segment's place on the session axis */
  guint                 number;             /* the chunk's within its segment */
  gboolean              last;               /* the segment's last chunk */
  const TribunaSegment *segment;
  gint64                session_start_ns;
  gint64                duration_ns;
  gint64                playback_start_ns;
  guint64               offset;
  guint64               end;                /* G_MAXUINT64: to the end of the file */
  guint64               header_size;        /* PAT/PMT sent in front, for a chunk from the middle */
  gboolean              discontinuity;
} TribunaHttpChunk;

typedef struct {
  TribunaSession  *session;
  TribunaTimeline *timeline;
  GArray          *chunks;                  /* TribunaHttpChunk, public only, in axis order */
  gint64           playback_ns;             /* the public playlist's length */
  gboolean         cut;                     /* some recorded time is withheld */
} TribunaHttpRecording;

gboolean              _tribuna_http_session_is_published  (const TribunaSession  *session);
TribunaHttpRecording *_tribuna_http_recording_new         (TribunaHttpServer     *self,
                                                           gint64                 session_id);
void                  _tribuna_http_recording_free        (TribunaHttpRecording  *recording);
gint64                _tribuna_http_recording_position    (TribunaHttpRecording  *recording,
                                                           gint64                 session_ns);
void                  _tribuna_http_recording_add_unindexed (TribunaHttpServer   *self,
                                                           gint64                 session_id,
                                                           GPtrArray             *paths);
void                  _tribuna_http_index_segments_async  (TribunaHttpServer     *self,
                                                           GPtrArray             *paths,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
void                  _tribuna_http_recording_serve       (TribunaHttpServer     *self,
                                                           SoupServerMessage     *msg,
                                                           gint64                 session_id,
                                                           const char            *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaHttpRecording, _tribuna_http_recording_free)

G_END_DECLS
