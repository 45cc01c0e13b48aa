/* tribuna-video-util.h: the low-rate preview branch, preview frames and JPEG snapshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/app/gstappsink.h>

#include "tribuna-preview-frame.h"

G_BEGIN_DECLS

#define TRIBUNA_PREVIEW_FPS 10

/* valve ─► leaky queue ─► videorate (drop only, ≤ 10 fps) ─► videoscale ─► RGB @width×@height
 * ─► appsink, added to @bin. Link a tee's pad to the returned valve; the branch never
 * blocks or slows what feeds it, and costs nothing while the valve is shut. */
GstElement          *tribuna_preview_branch_new      (GstBin          *bin,
                                                      guint            width,
                                                      guint            height,
                                                      GstAppSinkCallbacks *callbacks,
                                                      gpointer         user_data,
                                                      GstElement     **appsink_out);
TribunaPreviewFrame *tribuna_preview_frame_new_from_sample (GstSample *sample);
GBytes              *tribuna_sample_to_jpeg           (GstSample      *sample,
                                                       GError        **error);

G_END_DECLS
