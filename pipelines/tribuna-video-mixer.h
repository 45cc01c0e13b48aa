/* tribuna-video-mixer.h: the program's vision mixer: cut, crossfade, picture-in-picture, slate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  TRIBUNA_LAYOUT_FULL,   /* the program source fills the frame */
  TRIBUNA_LAYOUT_PIP,    /* the program source, and an inset source top right */
} TribunaLayout;

#define TRIBUNA_TYPE_LAYOUT (tribuna_layout_get_type ())
GType       tribuna_layout_get_type  (void);
const char *tribuna_layout_to_string (TribunaLayout layout);

#define TRIBUNA_TYPE_VIDEO_MIXER (tribuna_video_mixer_get_type ())
G_DECLARE_FINAL_TYPE (TribunaVideoMixer, tribuna_video_mixer, TRIBUNA, VIDEO_MIXER, GObject)

TribunaVideoMixer *tribuna_video_mixer_new          (guint               width,
                                                     guint               height,
                                                     guint               framerate);
/* Adds the compositor (and the slate input, showing @slate, an I420 frame) to @bin;
 * returns the element to link the program's video from. */
GstElement        *tribuna_video_mixer_build        (TribunaVideoMixer  *self,
                                                     GstBin             *bin,
                                                     GstBuffer          *slate,
                                                     GError            **error);
/* A new input named @name: an appsrc for raw I420 at the program's size and rate,
 * added to the bin and linked. The first input goes on program. */
GstElement        *tribuna_video_mixer_add_input    (TribunaVideoMixer  *self,
                                                     const char         *name);
void               tribuna_video_mixer_remove_input (TribunaVideoMixer  *self,
                                                     const char         *name);
/* What forgets the bin's elements, when the program's pipeline goes. */
void               tribuna_video_mixer_clear        (TribunaVideoMixer  *self);

const char        *tribuna_video_mixer_get_program  (TribunaVideoMixer  *self);
gboolean           tribuna_video_mixer_has_input    (TribunaVideoMixer  *self,
                                                     const char         *name);
/* From the next frame, @name is on program; the previous source is gone. */
void               tribuna_video_mixer_cut          (TribunaVideoMixer  *self,
                                                     const char         *name);
/* @name blends in over @duration_ms; cut or fade again during it finishes it first. */
void               tribuna_video_mixer_fade         (TribunaVideoMixer  *self,
                                                     const char         *name,
                                                     guint               duration_ms);
gboolean           tribuna_video_mixer_get_in_transition (TribunaVideoMixer *self);
/* @inset: the source of the picture-in-picture (ignored for FULL). */
void               tribuna_video_mixer_set_layout   (TribunaVideoMixer  *self,
                                                     TribunaLayout       layout,
                                                     const char         *inset);
TribunaLayout      tribuna_video_mixer_get_layout   (TribunaVideoMixer  *self);
const char        *tribuna_video_mixer_get_inset    (TribunaVideoMixer  *self);
/* The slate covers the whole frame, fading in and out over @duration_ms. */
void               tribuna_video_mixer_set_slate    (TribunaVideoMixer  *self,
                                                     gboolean            visible,
                                                     guint               duration_ms);
gboolean           tribuna_video_mixer_get_slate    (TribunaVideoMixer  *self);

G_END_DECLS
