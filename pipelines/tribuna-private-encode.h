/* tribuna-private-encode.h: the slate's own cheap encode, for the public outputs while private
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define TRIBUNA_TYPE_PRIVATE_ENCODE (tribuna_private_encode_get_type ())
G_DECLARE_FINAL_TYPE (TribunaPrivateEncode, tribuna_private_encode,
                      TRIBUNA, PRIVATE_ENCODE, GObject)

typedef void (*TribunaPrivateEncodeFunc) (GstSample *sample,
                                          gboolean   is_video,
                                          gpointer   user_data);

/* @slate: the I420 card; @video_encoder and @audio_encoder: set up as the
 * program's own, so the stream's parameters do not change at the switch. */
TribunaPrivateEncode *tribuna_private_encode_new   (GstBuffer                *slate,
                                                    GstCaps                  *video_caps,
                                                    GstElement               *video_encoder,
                                                    GstElement               *audio_encoder,
                                                    TribunaPrivateEncodeFunc  func,
                                                    gpointer                  user_data);
/* Adds it to @pipeline, playing on its running time; remove() takes it out again. */
void                  tribuna_private_encode_add    (TribunaPrivateEncode     *self,
                                                     GstElement               *pipeline);
void                  tribuna_private_encode_remove (TribunaPrivateEncode     *self);

G_END_DECLS
