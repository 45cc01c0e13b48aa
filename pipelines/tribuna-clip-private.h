/* tribuna-clip-private.h: what the clip export's files share and no caller needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "tribuna-clip-request.h"
#include "tribuna-clip-result.h"

G_BEGIN_DECLS

/* MPEG-TS keeps 90 kHz ticks: a frame meant for 110 s reads as 109.99999 s, and a segment's
 * start (in ns, from the recorder) and its first frame disagree by as much. Times this close
 * are the same instant when a frame is weighed against a boundary. */
#define TRIBUNA_CLIP_SLACK ((gint64) 100 * GST_USECOND)

typedef struct {
  char   *path;
  gint64  start;      /* on the session axis */
  gint64  duration;   /* recorded time it holds */
} TribunaClipSegment;

struct _TribunaClipRequest
{
  gatomicrefcount    ref_count;

  GArray            *segments;         /* TribunaClipSegment, session order */
  gint64             in;
  gint64             out;
  gboolean           have_range;
  GArray            *private_ranges;   /* TribunaClipRange, as given */
  TribunaClipMode    mode;
  TribunaClipPreset  preset;
  char              *title;
  double             title_s;
  double             fade_in_s;
  double             fade_out_s;
  char              *directory;
  char              *base_name;
  gboolean           overwrite;
  JsonObject        *context;
};

struct _TribunaClipResult
{
  gatomicrefcount    ref_count;

  char              *media_path;
  char              *thumbnail_path;
  char              *sidecar_path;
  TribunaClipRange   requested;
  TribunaClipRange   actual;
  gint64             duration;
  GArray            *pieces;   /* TribunaClipRange */
  GArray            *cut;      /* TribunaClipRange */
  TribunaClipRender  render;
  guint              width;
  guint              height;
};

TribunaClipResult *_tribuna_clip_result_new        (void);

/* [in, out) less the private ranges, in order (@pieces), and the private ranges clipped to
 * [in, out) that were taken out (@cut). Fails when nothing is left. */
gboolean           _tribuna_clip_request_pieces    (TribunaClipRequest  *self,
                                                    GArray             **pieces,
                                                    GArray             **cut,
                                                    GError             **error);
/* The private ranges sorted and merged. */
GArray            *_tribuna_clip_request_private   (TribunaClipRequest  *self);
/* Whether [start, end) touches private time. */
gboolean           _tribuna_clip_ranges_overlap    (GArray              *ranges,
                                                    gint64               start,
                                                    gint64               end);

/* Runs the export in the calling thread (the export's worker): writes the files, or leaves
 * nothing behind and fails. @progress is called from this thread with 0..1. */
typedef void (*TribunaClipProgressFunc) (double   fraction,
                                         gpointer user_data);

TribunaClipResult *_tribuna_clip_job_run           (TribunaClipRequest       *request,
                                                    GCancellable             *cancellable,
                                                    TribunaClipProgressFunc   progress,
                                                    gpointer                  progress_data,
                                                    GError                  **error);

G_END_DECLS
