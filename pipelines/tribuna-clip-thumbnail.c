/* tribuna-clip-thumbnail.c: a JPEG of one frame from inside a clip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   filesrc ─► qtdemux ─► h264parse ─► avdec_h264 ─► videoconvert ─► jpegenc ─► appsink
 *
 * From the finished clip rather than the recording, so the picture has the clip's crop and
 * size; a key-unit seek means one GOP at most is decoded.
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include <gst/app/gstappsink.h>

#include "tribuna-clip-private.h"
#include "tribuna-clip-thumbnail.h"
#include "tribuna-elements.h"

#define STEP_NS (100 * GST_MSECOND)
#define TIMEOUT_US (60 * G_USEC_PER_SEC)

static gboolean
wait_paused (GstElement    *pipeline,
             GCancellable  *cancellable,
             GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  GstStateChangeReturn ret;

  do
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      ret = gst_element_get_state (pipeline, NULL, NULL, STEP_NS);
    }
  while (ret == GST_STATE_CHANGE_ASYNC && g_get_monotonic_time () < deadline);

  if (ret == GST_STATE_CHANGE_SUCCESS || ret == GST_STATE_CHANGE_NO_PREROLL)
    return TRUE;

  {
    g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
    g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    g_autoptr(GError) gst_error = NULL;

    if (message != NULL)
      gst_message_parse_error (message, &gst_error, NULL);
    g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                 "cannot decode a frame for the thumbnail: %s",
                 gst_error != NULL ? gst_error->message : "timed out");
    return FALSE;
  }
}

gboolean
tribuna_clip_write_thumbnail (const char    *media_path,
                              gint64         at_ns,
                              const char    *jpeg_path,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *description = NULL;
  GstBuffer *buffer;
  GstMapInfo map;
  gboolean ok;

  if (!tribuna_element_available ("avdec_h264") || !tribuna_element_available ("jpegenc"))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "the thumbnail needs avdec_h264 (gstreamer1.0-libav) and jpegenc "
                   "(gstreamer1.0-plugins-good)");
      return FALSE;
    }

  /* The path goes in as a property, never into the description. */
  description = g_strdup ("filesrc name=source ! qtdemux ! h264parse ! avdec_h264 ! "
                          "videoconvert ! jpegenc quality=88 ! appsink name=sink sync=false");
  pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "cannot build the thumbnail pipeline: %s", parse_error->message);
      return FALSE;
    }
  gst_object_ref_sink (pipeline);

  {
    g_autoptr(GstElement) source = gst_bin_get_by_name (GST_BIN (pipeline), "source");

    g_object_set (source, "location", media_path, NULL);
  }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  if (gst_element_set_state (pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE
      || !wait_paused (pipeline, cancellable, error))
    goto failed;

  if (at_ns > 0
      && (!gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
                                    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT
                                    | GST_SEEK_FLAG_SNAP_NEAREST, at_ns)
          || !wait_paused (pipeline, cancellable, error)))
    goto failed;

  sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), 10 * GST_SECOND);
  if (sample == NULL)
    goto failed;

  buffer = gst_sample_get_buffer (sample);
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    goto failed;
  ok = g_file_set_contents (jpeg_path, (const char *) map.data, map.size, error);
  gst_buffer_unmap (buffer, &map);

  if (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the thumbnail pipeline did not stop cleanly");
  return ok;

failed:
  if (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the thumbnail pipeline did not stop cleanly");
  if (error != NULL && *error == NULL)
    g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                 "cannot decode a frame of %s for the thumbnail", media_path);
  return FALSE;
}

/* From one keyframe, while the clip is still being written */

static GstFlowReturn
push_and_end (GstElement *source,
              GstBuffer  *au)
{
  GstFlowReturn ret;

  g_signal_emit_by_name (source, "push-buffer", au, &ret);
  g_signal_emit_by_name (source, "end-of-stream", &ret);
  return ret;
}

gboolean
tribuna_clip_write_thumbnail_from_keyframe (GstCaps      *caps,
                                            GAsyncQueue  *keyframes,
                                            const char   *jpeg_path,
                                            GError      **error)
{
  g_autoptr(GstBuffer) keyframe = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) source = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GError) parse_error = NULL;
  GstBuffer *buffer;
  GstMapInfo map;
  gboolean ok = FALSE;

  pipeline = gst_parse_launch_full ("appsrc name=source format=time ! avdec_h264 ! "
                                    "videoconvert ! jpegenc quality=88 ! "
                                    "appsink name=sink sync=false",
                                    NULL, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "cannot build the thumbnail pipeline: %s", parse_error->message);
      return FALSE;
    }
  gst_object_ref_sink (pipeline);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (source, "caps", caps, NULL);

  /* Built and started first: loading the decoder is most of the cost, and it is done while
   * the caller is still getting to the keyframe. */
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE
      && (keyframe = g_async_queue_pop (keyframes)) != NULL
      && gst_buffer_get_size (keyframe) > 0
      && push_and_end (source, keyframe) == GST_FLOW_OK)
    sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND);

  if (sample != NULL && (buffer = gst_sample_get_buffer (sample)) != NULL
      && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      ok = g_file_set_contents (jpeg_path, (const char *) map.data, map.size, error);
      gst_buffer_unmap (buffer, &map);
    }
  else
    g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                 "cannot decode the keyframe for the thumbnail");

  if (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the thumbnail pipeline did not stop cleanly");
  return ok;
}

/* From a slice of a recorded segment, for the archive's item list */

static GstElement *
make_ts_pipeline (int      width,
                  GError **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GstCaps) size = NULL;
  g_autoptr(GstElement) filter = NULL;
  GstElement *pipeline;

  /* The sound's pad stays unlinked: tsdemux goes on while one of its pads is linked. */
  pipeline = gst_parse_launch_full ("appsrc name=source format=bytes "
                                    "caps=video/mpegts,systemstream=true,packetsize=188 ! "
                                    "tsdemux ! h264parse ! avdec_h264 ! videoconvert ! "
                                    "videoscale ! capsfilter name=size ! jpegenc quality=85 ! "
                                    "appsink name=sink sync=false",
                                    NULL, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "cannot build the thumbnail pipeline: %s", parse_error->message);
      return NULL;
    }
  gst_object_ref_sink (pipeline);
  filter = gst_bin_get_by_name (GST_BIN (pipeline), "size");
  size = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, width,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  g_object_set (filter, "caps", size, NULL);
  return pipeline;
}

/* The decoder's output is only waited for in short steps, so a cancel is seen. */
static GstSample *
pull_first_picture (GstElement    *pipeline,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), STEP_NS);
      g_autoptr(GstMessage) message = NULL;

      if (sample != NULL)
        return sample;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (message != NULL)
        {
          g_autoptr(GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                       "cannot decode the item’s first picture: %s", gst_error->message);
          return NULL;
        }
      if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
        break;
    }
  g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
               "the recording has no picture where the item starts");
  return NULL;
}

GBytes *
tribuna_clip_jpeg_from_ts (GBytes        *ts,
                           int            width,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) source = NULL;
  g_autoptr(GstSample) sample = NULL;
  GstFlowReturn ret;
  GstBuffer *buffer;
  GBytes *jpeg = NULL;
  GstMapInfo map;

  g_return_val_if_fail (ts != NULL, NULL);
  g_return_val_if_fail (width > 0, NULL);

  if (!tribuna_element_available ("avdec_h264") || !tribuna_element_available ("jpegenc"))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                   "the thumbnail needs avdec_h264 (gstreamer1.0-libav) and jpegenc "
                   "(gstreamer1.0-plugins-good)");
      return NULL;
    }
  if ((pipeline = make_ts_pipeline (width, error)) == NULL)
    return NULL;
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");

  /* All of it at once, then the end: tsdemux and the parser hand the last picture on at EOS. */
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                 "cannot start the thumbnail pipeline");
  else
    {
      g_autoptr(GstBuffer) all = gst_buffer_new_wrapped_bytes (ts);

      /* The signal takes a reference of its own. */
      g_signal_emit_by_name (source, "push-buffer", all, &ret);
      g_signal_emit_by_name (source, "end-of-stream", &ret);
      sample = pull_first_picture (pipeline, cancellable, error);
    }

  if (sample != NULL && (buffer = gst_sample_get_buffer (sample)) != NULL
      && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      jpeg = g_bytes_new (map.data, map.size);
      gst_buffer_unmap (buffer, &map);
    }
  if (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the thumbnail pipeline did not stop cleanly");
  return jpeg;
}
