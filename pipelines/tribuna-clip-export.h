/* tribuna-clip-export.h: clips for news posts, from a recorded session to MP4 in seconds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One TribunaClipExport runs one export at a time, in a worker thread, and queues the rest
 * in the order they were asked for. Its properties are notified on the main context of the
 * thread that called tribuna_clip_export_run_async() (the UI's, the daemon's), never from
 * the worker.
 *
 *   g_autoptr(TribunaClipRequest) request = tribuna_clip_request_new ();
 *   tribuna_clip_request_add_segment (request, "…-00001.ts", 0, 600 * GST_SECOND);
 *   tribuna_clip_request_set_range (request, 95 * GST_SECOND, 155 * GST_SECOND);
 *   tribuna_clip_request_set_output (request, clips_dir, "2024-03-28_kuvendi_pika-5_…");
 *   tribuna_clip_export_run_async (export, request, cancellable, on_clip_done, self);
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-clip-request.h"
#include "tribuna-clip-result.h"
#include "tribuna-slug.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_CLIP_EXPORT (tribuna_clip_export_get_type ())
G_DECLARE_FINAL_TYPE (TribunaClipExport, tribuna_clip_export, TRIBUNA, CLIP_EXPORT, GObject)

TribunaClipExport *tribuna_clip_export_new                (void);

/* Checks @request at once (a bad range fails without waiting its turn), then queues a copy of
 * it. Cancelling @cancellable stops the export, or takes it out of the queue, and removes
 * every file it had begun; the result is then G_IO_ERROR_CANCELLED. */
void               tribuna_clip_export_run_async          (TribunaClipExport    *self,
                                                           TribunaClipRequest   *request,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
/* The files written and the ranges (see tribuna-clip-result.h); NULL with @error set (domain
 * TRIBUNA_CLIP_ERROR, or G_IO_ERROR_CANCELLED) when nothing was written. */
TribunaClipResult *tribuna_clip_export_run_finish         (TribunaClipExport    *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* The running export: 0..1, and an estimate of the seconds left (-1 until there is one). */
double             tribuna_clip_export_get_progress       (TribunaClipExport    *self);
double             tribuna_clip_export_get_remaining_seconds (TribunaClipExport *self);
gboolean           tribuna_clip_export_get_busy           (TribunaClipExport    *self);
/* Exports waiting for the running one. */
guint              tribuna_clip_export_get_queued         (TribunaClipExport    *self);

G_END_DECLS
