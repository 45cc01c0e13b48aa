/* compositor-test.c: the program's compositor passes a lone full-frame picture through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two inputs of solid colour into a real compositor, one output frame out of an
 * appsink: what it shows, and whether it is the input's own memory.
 */
#define G_LOG_DOMAIN "tribuna-compositor-test"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "tribuna-compositor.h"

#define WIDTH 64
#define HEIGHT 48
#define FRAME_DURATION (GST_SECOND / 30)
/* Luma of the two inputs: the bottom one (A) and the one above it (B). */
#define LUMA_A 200
#define LUMA_B 50

typedef struct {
  GstElement *pipeline;
  GstElement *source_a;
  GstElement *source_b;
  GstPad     *pad_a;
  GstPad     *pad_b;
  GstElement *sink;
  GstVideoInfo info;
  GstBuffer  *frame_a;    /* what each input is given; the tests keep a reference */
  GstBuffer  *frame_b;
} Fixture;

static GstCaps *
frame_caps (void)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, WIDTH, "height", G_TYPE_INT, HEIGHT,
                              "framerate", GST_TYPE_FRACTION, 30, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
}

static GstElement *
add_input (Fixture    *fixture,
           GstElement *compositor,
           GstPad    **pad)
{
  GstElement *source = gst_element_factory_make ("appsrc", NULL);
  g_autoptr(GstCaps) caps = frame_caps ();
  g_autoptr(GstPad) src_pad = NULL;

  g_object_set (source, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_bin_add (GST_BIN (fixture->pipeline), source);
  src_pad = gst_element_get_static_pad (source, "src");
  *pad = gst_element_request_pad_simple (compositor, "sink_%u");
  g_assert_cmpint (gst_pad_link (src_pad, *pad), ==, GST_PAD_LINK_OK);
  return source;
}

static GstBuffer *make_frame (Fixture *fixture,
                              guint8   luma);

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstCaps) caps = frame_caps ();
  GstElement *compositor, *filter;

  fixture->pipeline = gst_pipeline_new (NULL);
  compositor = tribuna_compositor_new ("mixer", &error);
  g_assert_no_error (error);
  g_object_set (compositor, "background", 1 /* black */, NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (filter, "caps", caps, NULL);
  fixture->sink = gst_element_factory_make ("appsink", NULL);
  g_object_set (fixture->sink, "sync", FALSE, NULL);
  gst_bin_add_many (GST_BIN (fixture->pipeline), compositor, filter, fixture->sink, NULL);
  g_assert_true (gst_element_link_many (compositor, filter, fixture->sink, NULL));

  fixture->source_a = add_input (fixture, compositor, &fixture->pad_a);
  fixture->source_b = add_input (fixture, compositor, &fixture->pad_b);
  g_object_set (fixture->pad_a, "zorder", 1, NULL);
  g_object_set (fixture->pad_b, "zorder", 2, NULL);
  gst_video_info_from_caps (&fixture->info, caps);
  fixture->frame_a = make_frame (fixture, LUMA_A);
  fixture->frame_b = make_frame (fixture, LUMA_B);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gst_element_set_state (fixture->pipeline, GST_STATE_NULL);
  gst_object_unref (fixture->pad_a);
  gst_object_unref (fixture->pad_b);
  gst_object_unref (fixture->pipeline);
  gst_buffer_unref (fixture->frame_a);
  gst_buffer_unref (fixture->frame_b);
}

static void
fill_frame (GstBuffer          *buffer,
            const GstVideoInfo *info,
            guint8              luma)
{
  GstVideoFrame frame;

  g_assert_true (gst_video_frame_map (&frame, info, buffer, GST_MAP_WRITE));
  for (guint plane = 0; plane < GST_VIDEO_FRAME_N_PLANES (&frame); plane++)
    for (int row = 0; row < GST_VIDEO_FRAME_COMP_HEIGHT (&frame, plane); row++)
      memset ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, plane)
              + row * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, plane),
              plane == 0 ? luma : 128, GST_VIDEO_FRAME_COMP_WIDTH (&frame, plane));
  gst_video_frame_unmap (&frame);
}

/* A frame in the caps' own layout. */
static GstBuffer *
make_frame (Fixture *fixture,
            guint8   luma)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&fixture->info), NULL);

  fill_frame (buffer, &fixture->info, luma);
  return buffer;
}

/* A frame whose rows are twice as long as the caps say, described by a
 * GstVideoMeta: what a decoder with padded frames hands on. */
static GstBuffer *
make_padded_frame (Fixture *fixture,
                   guint8   luma)
{
  GstVideoInfo padded = fixture->info;
  gsize offset = 0;
  GstBuffer *buffer;

  for (guint plane = 0; plane < GST_VIDEO_INFO_N_PLANES (&padded); plane++)
    {
      padded.stride[plane] = GST_VIDEO_INFO_PLANE_STRIDE (&fixture->info, plane) * 2;
      padded.offset[plane] = offset;
      offset += padded.stride[plane] * GST_VIDEO_INFO_COMP_HEIGHT (&padded, plane);
    }
  padded.size = offset;
  buffer = gst_buffer_new_allocate (NULL, offset, NULL);
  gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_I420, WIDTH,
                                  HEIGHT, GST_VIDEO_INFO_N_PLANES (&padded), padded.offset,
                                  padded.stride);
  fill_frame (buffer, &padded, luma);
  return buffer;
}

static void
push_frame (GstElement *source,
            GstBuffer  *frame)
{
  GST_BUFFER_PTS (frame) = 0;
  GST_BUFFER_DURATION (frame) = FRAME_DURATION;
  g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (source), frame), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_app_src_end_of_stream (GST_APP_SRC (source)), ==, GST_FLOW_OK);
}

/* Pushes the fixture's frame into each input and returns the compositor's
 * first output frame. */
static GstBuffer *
compose (Fixture *fixture)
{
  g_autoptr(GstSample) sample = NULL;

  g_assert_cmpint (gst_element_set_state (fixture->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  push_frame (fixture->source_a, gst_buffer_ref (fixture->frame_a));
  push_frame (fixture->source_b, gst_buffer_ref (fixture->frame_b));

  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (fixture->sink), 10 * GST_SECOND);
  g_assert_nonnull (sample);
  return gst_buffer_ref (gst_sample_get_buffer (sample));
}

static guint8
luma_at (Fixture   *fixture,
         GstBuffer *buffer,
         int        x,
         int        y)
{
  GstVideoFrame frame;
  guint8 luma;

  g_assert_true (gst_video_frame_map (&frame, &fixture->info, buffer, GST_MAP_READ));
  luma = ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0))[y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) + x];
  gst_video_frame_unmap (&frame);
  return luma;
}

static gboolean
shares_memory (GstBuffer *output,
               GstBuffer *input)
{
  return gst_buffer_n_memory (output) == 1
         && gst_buffer_peek_memory (output, 0) == gst_buffer_peek_memory (input, 0);
}

static void
test_lone_picture_passes_through (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(GstBuffer) output = NULL;

  g_object_set (fixture->pad_b, "alpha", 0.0, NULL);
  output = compose (fixture);

  g_assert_true (shares_memory (output, fixture->frame_a));
  g_assert_cmpuint (GST_BUFFER_PTS (output), ==, 0);
  g_assert_cmpuint (GST_BUFFER_DURATION (output), ==, FRAME_DURATION);
  g_assert_cmpuint (luma_at (fixture, output, WIDTH / 2, HEIGHT / 2), ==, LUMA_A);
}

/* The top input, opaque and whole, hides the other: it is the one passed. */
static void
test_top_picture_passes_through (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GstBuffer) output = compose (fixture);

  g_assert_true (shares_memory (output, fixture->frame_b));
  g_assert_cmpuint (luma_at (fixture, output, 0, 0), ==, LUMA_B);
}

static void
test_fade_is_blended (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GstBuffer) output = NULL;

  g_object_set (fixture->pad_b, "alpha", 0.5, NULL);
  output = compose (fixture);

  g_assert_false (shares_memory (output, fixture->frame_a));
  g_assert_false (shares_memory (output, fixture->frame_b));
  g_assert_cmpint (ABS (luma_at (fixture, output, 10, 10) - (LUMA_A + LUMA_B) / 2), <=, 2);
}

static void
test_inset_is_blended (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GstBuffer) output = NULL;

  g_object_set (fixture->pad_b, "xpos", WIDTH / 2, "ypos", HEIGHT / 2, "width", WIDTH / 2,
                "height", HEIGHT / 2, NULL);
  output = compose (fixture);

  g_assert_false (shares_memory (output, fixture->frame_a));
  g_assert_cmpuint (luma_at (fixture, output, 4, 4), ==, LUMA_A);
  g_assert_cmpuint (luma_at (fixture, output, WIDTH - 4, HEIGHT - 4), ==, LUMA_B);
}

/* A lone picture moved off the corner is not the output either. */
static void
test_moved_picture_is_blended (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GstBuffer) output = NULL;

  g_object_set (fixture->pad_b, "alpha", 0.0, NULL);
  g_object_set (fixture->pad_a, "xpos", 8, NULL);
  output = compose (fixture);

  g_assert_false (shares_memory (output, fixture->frame_a));
  g_assert_cmpuint (luma_at (fixture, output, 2, 2), ==, 16);   /* the black background */
  g_assert_cmpuint (luma_at (fixture, output, 20, 2), ==, LUMA_A);
}

/* Downstream may not understand a GstVideoMeta: a padded input is blended into
 * a frame of the caps' own layout. */
static void
test_other_layout_is_blended (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GstBuffer) output = NULL;

  gst_buffer_unref (fixture->frame_a);
  fixture->frame_a = make_padded_frame (fixture, LUMA_A);
  g_object_set (fixture->pad_b, "alpha", 0.0, NULL);
  output = compose (fixture);

  g_assert_false (shares_memory (output, fixture->frame_a));
  g_assert_cmpuint (gst_buffer_get_size (output), ==, GST_VIDEO_INFO_SIZE (&fixture->info));
  g_assert_cmpuint (luma_at (fixture, output, WIDTH / 2, HEIGHT / 2), ==, LUMA_A);
}

/* An overlay drawing on the output in place must not draw on the input, which
 * the source's preview and the next output frame still read. */
static void
test_writing_copies (Fixture       *fixture,
                     gconstpointer  user_data)
{
  GstBuffer *output;
  GstVideoFrame frame;

  g_object_set (fixture->pad_b, "alpha", 0.0, NULL);
  output = gst_buffer_make_writable (compose (fixture));
  g_assert_true (gst_video_frame_map (&frame, &fixture->info, output, GST_MAP_READWRITE));
  memset (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0), 0, GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0));
  gst_video_frame_unmap (&frame);

  g_assert_false (shares_memory (output, fixture->frame_a));
  g_assert_cmpuint (luma_at (fixture, output, 0, 0), ==, 0);
  g_assert_cmpuint (luma_at (fixture, fixture->frame_a, 0, 0), ==, LUMA_A);
  gst_buffer_unref (output);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/pipelines/compositor/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("lone-picture-passes-through", test_lone_picture_passes_through);
  ADD ("top-picture-passes-through", test_top_picture_passes_through);
  ADD ("fade-is-blended", test_fade_is_blended);
  ADD ("inset-is-blended", test_inset_is_blended);
  ADD ("moved-picture-is-blended", test_moved_picture_is_blended);
  ADD ("other-layout-is-blended", test_other_layout_is_blended);
  ADD ("writing-copies", test_writing_copies);
#undef ADD

  return g_test_run ();
}
