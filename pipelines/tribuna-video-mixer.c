/* tribuna-video-mixer.c: the program's vision mixer: cut, crossfade, picture-in-picture, slate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   appsrc (source 1) ──────────────────────┐
 *   appsrc (source 2) ──────────────────────┼─► compositor (live) ─► capsfilter ─► …
 *   appsrc (slate) ─► imagefreeze (live) ───┘
 *
 * Every source keeps its pad; what the program shows is only each pad's alpha,
 * z-order and geometry, set from "samples-selected" just before each output
 * frame is blended. A fade is therefore exact to the frame (alpha from the
 * output timestamp), and a pad at alpha 0 costs nothing: compositor skips it.
 * The slate's imagefreeze is a live input from the first instant, so the mixer
 * produces frames even before any source has sent one, and after all died.
 * The compositor is a TribunaCompositor: a frame that shows one input whole
 * (one camera on program, the slate) is that input's frame, not a copy.
 */
#define G_LOG_DOMAIN "tribuna-video-mixer"

#include "config.h"

#include <gst/app/gstappsrc.h>

#include "tribuna-compositor.h"
#include "tribuna-elements.h"
#include "tribuna-video-mixer.h"

/* Frames may reach the mixer this late and still make their output frame. */
#define MIXER_LATENCY (100 * GST_MSECOND)
#define ZORDER_PREVIOUS 1
#define ZORDER_PROGRAM 2
#define ZORDER_INSET 3
#define ZORDER_SLATE 10

typedef struct {
  char       *name;
  GstElement *appsrc;
  GstPad     *pad;
  /* What was last set on the pad, so an unchanged frame sets nothing */
  double      alpha;
  guint       zorder;
  int         x, y, width, height;
} Input;

struct _TribunaVideoMixer
{
  GObject        parent_instance;

  guint          width;
  guint          height;
  guint          framerate;

  GstBin        *bin;              /* not owned: the program's pipeline */
  GstElement    *compositor;
  GstElement    *slate_src;
  Input         *slate;

  /* Shared with the compositor's thread, under lock */
  GMutex         lock;
  GPtrArray     *inputs;           /* Input */
  char          *program;
  char          *previous;         /* fading out, or NULL */
  gboolean       fade_pending;     /* starts at the next output frame */
  GstClockTime   fade_start;
  GstClockTime   fade_duration;
  TribunaLayout  layout;
  char          *inset;
  gboolean       slate_visible;
  double         slate_from;       /* alpha the slate transition starts from */
  double         slate_alpha;
  gboolean       slate_pending;
  GstClockTime   slate_start;
  GstClockTime   slate_duration;
};

G_DEFINE_FINAL_TYPE (TribunaVideoMixer, tribuna_video_mixer, G_TYPE_OBJECT)

GType
tribuna_layout_get_type (void)
{
  static gsize type_id;
  static const GEnumValue values[] = {
    { TRIBUNA_LAYOUT_FULL, "TRIBUNA_LAYOUT_FULL", "full" },
    { TRIBUNA_LAYOUT_PIP, "TRIBUNA_LAYOUT_PIP", "pip" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaLayout", values));

  return type_id;
}

const char *
tribuna_layout_to_string (TribunaLayout layout)
{
  return layout == TRIBUNA_LAYOUT_PIP ? "pip" : "full";
}

static void
input_free (Input *input)
{
  g_free (input->name);
  gst_clear_object (&input->appsrc);
  gst_clear_object (&input->pad);
  g_free (input);
}

/* Called with lock held */
static Input *
find_input (TribunaVideoMixer *self,
            const char        *name)
{
  for (guint i = 0; name != NULL && i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);

      if (g_str_equal (input->name, name))
        return input;
    }

  return NULL;
}

static void
apply (Input  *input,
       double  alpha,
       guint   zorder,
       int     x,
       int     y,
       int     width,
       int     height)
{
  if (input->alpha == alpha && input->zorder == zorder && input->x == x && input->y == y
      && input->width == width && input->height == height)
    return;

  input->alpha = alpha;
  input->zorder = zorder;
  input->x = x;
  input->y = y;
  input->width = width;
  input->height = height;
  g_object_set (input->pad, "alpha", alpha, "zorder", zorder, "xpos", x, "ypos", y,
                "width", width, "height", height, NULL);
}

static double
progress (GstClockTime now,
          GstClockTime start,
          GstClockTime duration)
{
  if (duration == 0 || now <= start)
    return now >= start && duration == 0 ? 1.0 : 0.0;

  return MIN ((double) (now - start) / duration, 1.0);
}

/* Called with lock held, on the compositor's thread */
static void
arrange (TribunaVideoMixer *self,
         GstClockTime       pts)
{
  double fade = 1.0;
  int inset_width = self->width / 3 & ~1, inset_height = self->height / 3 & ~1;
  int margin = self->width / 32 & ~1;

  if (self->fade_pending)
    {
      self->fade_start = pts;
      self->fade_pending = FALSE;
    }
  if (self->previous != NULL)
    {
      fade = progress (pts, self->fade_start, self->fade_duration);
      if (fade >= 1.0)
        g_clear_pointer (&self->previous, g_free);
    }

  for (guint i = 0; i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);

      if (g_strcmp0 (input->name, self->program) == 0)
        apply (input, fade, ZORDER_PROGRAM, 0, 0, self->width, self->height);
      else if (g_strcmp0 (input->name, self->previous) == 0)
        apply (input, 1.0, ZORDER_PREVIOUS, 0, 0, self->width, self->height);
      else if (self->layout == TRIBUNA_LAYOUT_PIP && g_strcmp0 (input->name, self->inset) == 0)
        apply (input, 1.0, ZORDER_INSET, self->width - inset_width - margin, margin,
               inset_width, inset_height);
      else
        apply (input, 0.0, ZORDER_PREVIOUS, 0, 0, self->width, self->height);
    }

  if (self->slate_pending)
    {
      self->slate_start = pts;
      self->slate_pending = FALSE;
    }
  self->slate_alpha = self->slate_from + ((self->slate_visible ? 1.0 : 0.0) - self->slate_from)
                                         * progress (pts, self->slate_start, self->slate_duration);
  if (self->slate != NULL)
    apply (self->slate, self->slate_alpha, ZORDER_SLATE, 0, 0, self->width, self->height);
}

static void
on_samples_selected (GstElement   *compositor,
                     GstSegment   *segment,
                     GstClockTime  pts,
                     GstClockTime  dts,
                     GstClockTime  duration,
                     GstStructure *info,
                     gpointer      user_data)
{
  TribunaVideoMixer *self = user_data;
  GstClockTime running_time = gst_segment_to_running_time (segment, GST_FORMAT_TIME, pts);

  g_mutex_lock (&self->lock);
  arrange (self, GST_CLOCK_TIME_IS_VALID (running_time) ? running_time : pts);
  g_mutex_unlock (&self->lock);
}

static GstCaps *
input_caps (TribunaVideoMixer *self)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, self->width,
                              "height", G_TYPE_INT, self->height,
                              "framerate", GST_TYPE_FRACTION, self->framerate, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              "interlace-mode", G_TYPE_STRING, "progressive", NULL);
}

static GstElement *
make_appsrc (TribunaVideoMixer *self,
             const char        *name)
{
  GstElement *appsrc = gst_element_factory_make ("appsrc", name);
  g_autoptr(GstCaps) caps = input_caps (self);

  /* Leaky, never blocking: a source pipeline must never wait on the program. */
  g_object_set (appsrc, "caps", caps, "format", GST_FORMAT_TIME, "is-live", TRUE,
                "block", FALSE, "max-buffers", (guint64) 3, "leaky-type", 2 /* downstream */,
                "min-latency", (gint64) 0, NULL);
  return appsrc;
}

static Input *
link_input (TribunaVideoMixer *self,
            const char        *name,
            GstElement        *first,
            GstElement        *last)
{
  Input *input = g_new0 (Input, 1);
  g_autoptr(GstPad) src_pad = gst_element_get_static_pad (last, "src");

  input->name = g_strdup (name);
  input->appsrc = gst_object_ref (first);
  input->pad = gst_element_request_pad_simple (self->compositor, "sink_%u");
  input->alpha = -1.0;   /* set on the first frame */
  g_object_set (input->pad, "alpha", 0.0, NULL);
  if (gst_pad_link (src_pad, input->pad) != GST_PAD_LINK_OK)
    g_warning ("cannot link the mixer's input %s", name);

  return input;
}

GstElement *
tribuna_video_mixer_build (TribunaVideoMixer  *self,
                           GstBin             *bin,
                           GstBuffer          *slate,
                           GError            **error)
{
  GstElement *freeze;

  g_return_val_if_fail (TRIBUNA_IS_VIDEO_MIXER (self), NULL);
  g_return_val_if_fail (self->compositor == NULL, NULL);

  self->compositor = tribuna_compositor_new ("video-mixer", error);
  freeze = self->compositor ? tribuna_make_element ("imagefreeze", "slate-freeze", error) : NULL;
  if (freeze == NULL)
    {
      g_clear_object (&self->compositor);
      return NULL;
    }

  self->bin = bin;
  g_object_set (self->compositor, "background", 1 /* black */, "latency", MIXER_LATENCY,
                "emit-signals", TRUE, NULL);
  g_signal_connect (self->compositor, "samples-selected", G_CALLBACK (on_samples_selected), self);

  self->slate_src = make_appsrc (self, "slate-src");
  g_object_set (freeze, "is-live", TRUE, "allow-replace", TRUE, NULL);
  gst_bin_add_many (bin, self->compositor, self->slate_src, freeze, NULL);
  gst_element_link (self->slate_src, freeze);
  self->slate = link_input (self, "slate", self->slate_src, freeze);
  gst_app_src_push_buffer (GST_APP_SRC (self->slate_src), gst_buffer_ref (slate));

  return self->compositor;
}

GstElement *
tribuna_video_mixer_add_input (TribunaVideoMixer *self,
                               const char        *name)
{
  g_autofree char *element_name = NULL;
  GstElement *appsrc;
  Input *input;

  g_return_val_if_fail (TRIBUNA_IS_VIDEO_MIXER (self), NULL);
  g_return_val_if_fail (self->compositor != NULL, NULL);
  g_return_val_if_fail (!tribuna_video_mixer_has_input (self, name), NULL);

  element_name = g_strdup_printf ("video-input-%u", self->inputs->len);
  appsrc = make_appsrc (self, element_name);
  gst_bin_add (self->bin, appsrc);
  input = link_input (self, name, appsrc, appsrc);
  gst_element_sync_state_with_parent (appsrc);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->inputs, input);
  if (self->program == NULL)
    self->program = g_strdup (name);
  g_mutex_unlock (&self->lock);

  return appsrc;
}

void
tribuna_video_mixer_remove_input (TribunaVideoMixer *self,
                                  const char        *name)
{
  Input *input;

  g_return_if_fail (TRIBUNA_IS_VIDEO_MIXER (self));

  g_mutex_lock (&self->lock);
  input = find_input (self, name);
  if (input != NULL)
    {
      guint index;

      g_ptr_array_find (self->inputs, input, &index);
      g_ptr_array_steal_index (self->inputs, index);
      if (g_strcmp0 (self->previous, name) == 0)
        g_clear_pointer (&self->previous, g_free);
    }
  g_mutex_unlock (&self->lock);

  if (input == NULL)
    return;

  /* The compositor drops a released pad between two frames: the program goes on. */
  gst_element_set_locked_state (input->appsrc, TRUE);
  gst_element_set_state (input->appsrc, GST_STATE_NULL);
  gst_element_release_request_pad (self->compositor, input->pad);
  gst_bin_remove (self->bin, input->appsrc);
  input_free (input);
}

void
tribuna_video_mixer_clear (TribunaVideoMixer *self)
{
  g_return_if_fail (TRIBUNA_IS_VIDEO_MIXER (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->inputs, 0);
  g_clear_pointer (&self->slate, input_free);
  g_clear_pointer (&self->previous, g_free);
  g_mutex_unlock (&self->lock);
  self->compositor = NULL;
  self->slate_src = NULL;
  self->bin = NULL;
}

const char *
tribuna_video_mixer_get_program (TribunaVideoMixer *self)
{
  g_return_val_if_fail (TRIBUNA_IS_VIDEO_MIXER (self), NULL);

  /* Only the main context changes it. */
  return self->program;
}

gboolean
tribuna_video_mixer_has_input (TribunaVideoMixer *self,
                               const char        *name)
{
  gboolean found;

  g_return_val_if_fail (TRIBUNA_IS_VIDEO_MIXER (self), FALSE);

  g_mutex_lock (&self->lock);
  found = find_input (self, name) != NULL;
  g_mutex_unlock (&self->lock);
  return found;
}

void
tribuna_video_mixer_cut (TribunaVideoMixer *self,
                         const char        *name)
{
  g_return_if_fail (TRIBUNA_IS_VIDEO_MIXER (self));
  g_return_if_fail (name != NULL);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->previous, g_free);
  g_free (self->program);
  self->program = g_strdup (name);
  g_mutex_unlock (&self->lock);
}

void
tribuna_video_mixer_fade (TribunaVideoMixer *self,
                          const char        *name,
                          guint              duration_ms)
{
  g_return_if_fail (TRIBUNA_IS_VIDEO_MIXER (self));
  g_return_if_fail (name != NULL);

  g_mutex_lock (&self->lock);
  if (g_strcmp0 (self->program, name) != 0)
    {
      g_free (self->previous);
      self->previous = g_steal_pointer (&self->program);
      self->program = g_strdup (name);
      self->fade_pending = TRUE;
      self->fade_duration = (GstClockTime) duration_ms * GST_MSECOND;
    }
  g_mutex_unlock (&self->lock);
}

gboolean
tribuna_video_mixer_get_in_transition (TribunaVideoMixer *self)
{
  gboolean in_transition;

  g_return_val_if_fail (TRIBUNA_IS_VIDEO_MIXER (self), FALSE);

  g_mutex_lock (&self->lock);
  in_transition = self->previous != NULL;
  g_mutex_unlock (&self->lock);
  return in_transition;
}

void
tribuna_video_mixer_set_layout (TribunaVideoMixer *self,
                                TribunaLayout      layout,
                                const char        *inset)
{
  g_return_if_fail (TRIBUNA_IS_VIDEO_MIXER (self));

  g_mutex_lock (&self->lock);
  self->layout = layout;
  g_free (self->inset);
  self->inset = layout == TRIBUNA_LAYOUT_PIP ? g_strdup (inset) : NULL;
  g_mutex_unlock (&self->lock);
}

TribunaLayout
tribuna_video_mixer_get_layout (TribunaVideoMixer *self)
{
  g_return_val_if_fail (TRIBUNA_IS_VIDEO_MIXER (self), TRIBUNA_LAYOUT_FULL);
  return self->layout;
}

const char *
tribuna_video_mixer_get_inset (TribunaVideoMixer *self)
{
  g_return_val_if_fail (TRIBUNA_IS_VIDEO_MIXER (self), NULL);
  return self->inset;
}

void
tribuna_video_mixer_set_slate (TribunaVideoMixer *self,
                               gboolean           visible,
                               guint              duration_ms)
{
  g_return_if_fail (TRIBUNA_IS_VIDEO_MIXER (self));

  g_mutex_lock (&self->lock);
  if (self->slate_visible != !!visible)
    {
      self->slate_visible = !!visible;
      self->slate_from = self->slate_alpha;
      self->slate_pending = TRUE;
      self->slate_duration = (GstClockTime) duration_ms * GST_MSECOND;
    }
  g_mutex_unlock (&self->lock);
}

gboolean
tribuna_video_mixer_get_slate (TribunaVideoMixer *self)
{
  g_return_val_if_fail (TRIBUNA_IS_VIDEO_MIXER (self), FALSE);
  return self->slate_visible;
}

static void
tribuna_video_mixer_finalize (GObject *object)
{
  TribunaVideoMixer *self = (TribunaVideoMixer *) object;

  tribuna_video_mixer_clear (self);
  g_clear_pointer (&self->inputs, g_ptr_array_unref);
  g_clear_pointer (&self->program, g_free);
  g_clear_pointer (&self->inset, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tribuna_video_mixer_parent_class)->finalize (object);
}

static void
tribuna_video_mixer_class_init (TribunaVideoMixerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tribuna_video_mixer_finalize;
}

static void
tribuna_video_mixer_init (TribunaVideoMixer *self)
{
  g_mutex_init (&self->lock);
  self->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) input_free);
}

TribunaVideoMixer *
tribuna_video_mixer_new (guint width,
                         guint height,
                         guint framerate)
{
  TribunaVideoMixer *self = g_object_new (TRIBUNA_TYPE_VIDEO_MIXER, NULL);

  self->width = width;
  self->height = height;
  self->framerate = framerate;
  return self;
}
