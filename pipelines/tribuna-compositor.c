/* tribuna-compositor.c: compositor that hands a lone full-frame picture through uncopied
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GStreamer 1.22's compositor has no pass-through: with one camera on program,
 * each output frame is a copy of the camera's frame (3 MB at 1080p, thirty
 * times a second, and the cache it evicts is the encoder's). This subclass
 * looks at what the compositor prepared for the frame, once the mixer has set
 * every pad's alpha and geometry for it: if exactly one input is shown, opaque,
 * whole, at full size and in the output's own layout, the output *is* that
 * input, and the frame is pushed with the input's memory instead of being
 * blended. Anything else (a fade, picture-in-picture, a scaled or converted
 * input) is blended by the compositor as before.
 *
 * GstCompositor is private to its plugin, so the subclass is registered at
 * run time on top of whatever type the "compositor" factory makes.
 */
#define G_LOG_DOMAIN "tribuna-compositor"

#include "config.h"

#include <gst/video/video.h>

#include "tribuna-compositor.h"
#include "tribuna-elements.h"

#define TYPE_NAME "TribunaCompositor"
/* GstCompositorOperator: "add" sums the input onto the background. */
#define OPERATOR_ADD 2

typedef struct {
  /* Only touched in the aggregator's thread: decided in aggregate_frames()
   * and used by finish_buffer() for the same output buffer. */
  GstBuffer *output;     /* not owned: the output buffer the decision is for */
  GstBuffer *picture;    /* the input to push in its place */
} TribunaCompositorPrivate;

static gint private_offset;
static gpointer parent_class;

static TribunaCompositorPrivate *
get_private (gpointer self)
{
  return G_STRUCT_MEMBER_P (self, private_offset);
}

static void
forget_picture (TribunaCompositorPrivate *priv)
{
  gst_clear_buffer (&priv->picture);
  priv->output = NULL;
}

/* The prepared frame can stand for the whole output: same format and size,
 * no alpha, and the planes where the output's caps say they are (downstream
 * may not understand a GstVideoMeta describing another layout). */
static gboolean
has_output_layout (const GstVideoFrame *frame,
                   const GstVideoInfo  *output)
{
  if (GST_VIDEO_FRAME_FORMAT (frame) != GST_VIDEO_INFO_FORMAT (output)
      || GST_VIDEO_FRAME_WIDTH (frame) != GST_VIDEO_INFO_WIDTH (output)
      || GST_VIDEO_FRAME_HEIGHT (frame) != GST_VIDEO_INFO_HEIGHT (output)
      || GST_VIDEO_INFO_HAS_ALPHA (&frame->info))
    return FALSE;

  for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES (frame); i++)
    if (GST_VIDEO_FRAME_PLANE_STRIDE (frame, i) != GST_VIDEO_INFO_PLANE_STRIDE (output, i)
        || GST_VIDEO_FRAME_PLANE_OFFSET (frame, i) != GST_VIDEO_INFO_PLANE_OFFSET (output, i))
      return FALSE;

  return gst_buffer_get_size (frame->buffer) >= GST_VIDEO_INFO_SIZE (output);
}

/* Shown opaque and whole, at the output's size, from its top left corner (a
 * width or height of -1, or 0, is the input's own). */
static gboolean
is_shown_whole (GstVideoAggregatorPad *pad,
                const GstVideoInfo    *output)
{
  double alpha;
  int xpos, ypos, width, height, operator;

  g_object_get (pad, "alpha", &alpha, "xpos", &xpos, "ypos", &ypos, "width", &width,
                "height", &height, "operator", &operator, NULL);

  return alpha >= 1.0 && xpos == 0 && ypos == 0 && operator != OPERATOR_ADD
         && (width <= 0 || width == GST_VIDEO_INFO_WIDTH (output))
         && (height <= 0 || height == GST_VIDEO_INFO_HEIGHT (output));
}

/* The compositor prepares a frame only for the inputs it will draw: a pad at
 * alpha 0 or hidden behind an opaque one has none. */
static GstBuffer *
find_lone_picture (GstVideoAggregator *vagg)
{
  GstBuffer *picture = NULL;
  guint shown = 0;

  GST_OBJECT_LOCK (vagg);
  for (GList *l = GST_ELEMENT (vagg)->sinkpads; l != NULL; l = l->next)
    {
      GstVideoAggregatorPad *pad = l->data;
      GstVideoFrame *frame = gst_video_aggregator_pad_get_prepared_frame (pad);

      if (frame == NULL)
        continue;
      if (++shown == 1 && is_shown_whole (pad, &vagg->info)
          && has_output_layout (frame, &vagg->info))
        picture = frame->buffer;
    }
  GST_OBJECT_UNLOCK (vagg);

  return shown == 1 ? picture : NULL;
}

static GstFlowReturn
aggregate_frames (GstVideoAggregator *vagg,
                  GstBuffer          *output)
{
  TribunaCompositorPrivate *priv = get_private (vagg);
  GstBuffer *picture = find_lone_picture (vagg);

  forget_picture (priv);
  if (picture == NULL)
    return GST_VIDEO_AGGREGATOR_CLASS (parent_class)->aggregate_frames (vagg, output);

  /* Nothing drawn: the output buffer from the pool goes back to it untouched. */
  priv->picture = gst_buffer_ref (picture);
  priv->output = output;
  return GST_FLOW_OK;
}

static GstFlowReturn
finish_buffer (GstAggregator *aggregator,
               GstBuffer     *buffer)
{
  TribunaCompositorPrivate *priv = get_private (aggregator);

  if (priv->picture != NULL && buffer == priv->output)
    {
      GstBuffer *passed = gst_buffer_new ();

      /* The aggregator's timestamps and flags, the input's memory (shared, so
       * whoever maps it for writing gets a copy of their own). */
      gst_buffer_copy_into (passed, buffer, GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS,
                            0, (gsize) -1);
      gst_buffer_copy_into (passed, priv->picture, GST_BUFFER_COPY_MEMORY, 0, (gsize) -1);
      gst_buffer_unref (buffer);
      buffer = passed;
    }
  forget_picture (priv);

  return GST_AGGREGATOR_CLASS (parent_class)->finish_buffer (aggregator, buffer);
}

static gboolean
stop (GstAggregator *aggregator)
{
  forget_picture (get_private (aggregator));

  return GST_AGGREGATOR_CLASS (parent_class)->stop (aggregator);
}

static void
finalize (GObject *object)
{
  forget_picture (get_private (object));

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* The pads must be compositor pads as 1.22 has them; with anything else the
 * element is left as the plain compositor it is. */
static gboolean
has_compositor_pads (GstElementClass *element_class)
{
  static const char * const names[] = { "alpha", "xpos", "ypos", "width", "height", "operator" };
  GstPadTemplate *template = gst_element_class_get_pad_template (element_class, "sink_%u");
  GObjectClass *pad_class;
  gboolean found = TRUE;

  if (template == NULL || !g_type_is_a (GST_PAD_TEMPLATE_GTYPE (template),
                                        GST_TYPE_VIDEO_AGGREGATOR_PAD))
    return FALSE;

  pad_class = g_type_class_ref (GST_PAD_TEMPLATE_GTYPE (template));
  for (guint i = 0; i < G_N_ELEMENTS (names) && found; i++)
    found = g_object_class_find_property (pad_class, names[i]) != NULL;
  g_type_class_unref (pad_class);

  return found;
}

static void
class_init (gpointer klass,
            gpointer class_data)
{
  g_type_class_adjust_private_offset (klass, &private_offset);
  parent_class = g_type_class_peek_parent (klass);

  G_OBJECT_CLASS (klass)->finalize = finalize;
  GST_AGGREGATOR_CLASS (klass)->stop = stop;
  if (!has_compositor_pads (GST_ELEMENT_CLASS (klass)))
    {
      g_warning ("this compositor's pads are not the ones GStreamer 1.22 has: "
                 "every program frame will be copied");
      return;
    }

  GST_VIDEO_AGGREGATOR_CLASS (klass)->aggregate_frames = aggregate_frames;
  GST_AGGREGATOR_CLASS (klass)->finish_buffer = finish_buffer;
}

static GType
register_type (GType parent)
{
  GTypeQuery query;
  GTypeInfo info = { 0, };
  GType type;

  g_type_query (parent, &query);
  info.class_size = query.class_size;
  info.class_init = class_init;
  info.instance_size = query.instance_size;
  type = g_type_register_static (parent, TYPE_NAME, &info, 0);
  private_offset = g_type_add_instance_private (type, sizeof (TribunaCompositorPrivate));

  return type;
}

GstElement *
tribuna_compositor_new (const char  *name,
                        GError     **error)
{
  static gsize type_id;
  g_autoptr(GstElement) plain = NULL;

  /* Makes sure the plugin is there and loaded, or says what to install. */
  plain = tribuna_make_element ("compositor", NULL, error);
  if (plain == NULL)
    return NULL;
  gst_object_ref_sink (plain);

  if (g_once_init_enter (&type_id))
    {
      GType parent = G_OBJECT_TYPE (plain);
      GType type = g_type_is_a (parent, GST_TYPE_VIDEO_AGGREGATOR) ? register_type (parent) : parent;

      g_once_init_leave (&type_id, type);
    }

  return g_object_new ((GType) type_id, "name", name, NULL);
}
