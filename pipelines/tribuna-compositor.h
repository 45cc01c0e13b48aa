/* tribuna-compositor.h: compositor that hands a lone full-frame picture through uncopied
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* A "compositor" element (same properties, pads and output) that, whenever its
 * output would be one opaque input shown whole at full size, pushes that input's
 * memory instead of copying it into a frame of its own. Elements after it that
 * draw in place still get a frame of their own: the memory is shared, so
 * mapping it for writing copies it first. */
GstElement *tribuna_compositor_new (const char  *name,
                                    GError     **error);

G_END_DECLS
