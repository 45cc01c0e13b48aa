/* tribuna-video-util.c: the low-rate preview branch, preview frames and JPEG snapshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-video-util"

#include "config.h"

#include <gst/video/video.h>

#include "tribuna-video-util.h"

GstElement *
tribuna_preview_branch_new (GstBin              *bin,
                            guint                width,
                            guint                height,
                            GstAppSinkCallbacks *callbacks,
                            gpointer             user_data,
                            GstElement         **appsink_out)
{
  GstElement *valve = gst_element_factory_make ("valve", NULL);
  GstElement *queue = gst_element_factory_make ("queue", NULL);
  GstElement *rate = gst_element_factory_make ("videorate", NULL);
  GstElement *scale = gst_element_factory_make ("videoscale", NULL);
  GstElement *convert = gst_element_factory_make ("videoconvert", NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  g_autoptr(GstCaps) caps = NULL;

  /* The rate in the caps: videorate's max-rate alone let 20 a second through. */
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGB",
                              "width", G_TYPE_INT, width, "height", G_TYPE_INT, height,
                              "framerate", GST_TYPE_FRACTION, TRIBUNA_PREVIEW_FPS, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  /* Shut until someone watches: a preview nobody sees costs nothing. */
  g_object_set (valve, "drop", TRUE, NULL);
  /* Leaky: a slow preview loses frames, it never holds back the program. */
  g_object_set (queue, "leaky", 2 /* downstream */, "max-size-buffers", 1, "max-size-bytes", 0,
                "max-size-time", (guint64) 0, NULL);
  g_object_set (rate, "drop-only", TRUE, NULL);
  g_object_set (filter, "caps", caps, NULL);
  /* async off: a shut valve never prerolls it, and must not hold the pipeline back. */
  g_object_set (sink, "sync", FALSE, "async", FALSE, "max-buffers", 1, "drop", TRUE,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), callbacks, user_data, NULL);

  gst_bin_add_many (bin, valve, queue, rate, scale, convert, filter, sink, NULL);
  if (!gst_element_link_many (valve, queue, rate, scale, convert, filter, sink, NULL))
    g_warning ("cannot link the preview branch");

  *appsink_out = sink;
  return valve;
}

TribunaPreviewFrame *
tribuna_preview_frame_new_from_sample (GstSample *sample)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  g_autoptr(GBytes) pixels = NULL;
  guint stride;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return NULL;

  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  pixels = g_bytes_new (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0),
                        (gsize) stride * GST_VIDEO_INFO_HEIGHT (&info));
  gst_video_frame_unmap (&frame);

  return tribuna_preview_frame_new (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                    stride, pixels);
}

GBytes *
tribuna_sample_to_jpeg (GstSample  *sample,
                        GError    **error)
{
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("image/jpeg");
  g_autoptr(GstSample) jpeg = NULL;
  GstMapInfo map;
  GBytes *bytes;

  jpeg = gst_video_convert_sample (sample, caps, 5 * GST_SECOND, error);
  if (jpeg == NULL)
    return NULL;

  if (!gst_buffer_map (gst_sample_get_buffer (jpeg), &map, GST_MAP_READ))
    {
      g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                           "cannot read the encoded snapshot");
      return NULL;
    }
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (gst_sample_get_buffer (jpeg), &map);
  return bytes;
}
