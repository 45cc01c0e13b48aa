/* tribuna-clip-result.c: what a clip export wrote, and what it cut
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include "tribuna-clip-private.h"

G_DEFINE_BOXED_TYPE (TribunaClipResult, tribuna_clip_result,
                     tribuna_clip_result_ref, tribuna_clip_result_unref)

static const GEnumValue render_values[] = {
  { TRIBUNA_CLIP_RENDER_COPY, "TRIBUNA_CLIP_RENDER_COPY", "copy" },
  { TRIBUNA_CLIP_RENDER_SMART, "TRIBUNA_CLIP_RENDER_SMART", "smart" },
  { TRIBUNA_CLIP_RENDER_FULL, "TRIBUNA_CLIP_RENDER_FULL", "full" },
  { TRIBUNA_CLIP_RENDER_AUDIO, "TRIBUNA_CLIP_RENDER_AUDIO", "audio" },
  { 0, NULL, NULL }
};

GType
tribuna_clip_render_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaClipRender", render_values));

  return type_id;
}

const char *
tribuna_clip_render_to_string (TribunaClipRender render)
{
  for (guint i = 0; render_values[i].value_nick != NULL; i++)
    if (render_values[i].value == (int) render)
      return render_values[i].value_nick;

  return "unknown";
}

TribunaClipResult *
_tribuna_clip_result_new (void)
{
  TribunaClipResult *self = g_new0 (TribunaClipResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->pieces = g_array_new (FALSE, FALSE, sizeof (TribunaClipRange));
  self->cut = g_array_new (FALSE, FALSE, sizeof (TribunaClipRange));

  return self;
}

TribunaClipResult *
tribuna_clip_result_ref (TribunaClipResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tribuna_clip_result_unref (TribunaClipResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->media_path);
  g_free (self->thumbnail_path);
  g_free (self->sidecar_path);
  g_array_unref (self->pieces);
  g_array_unref (self->cut);
  g_free (self);
}

const char *
tribuna_clip_result_get_media_path (TribunaClipResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->media_path;
}

const char *
tribuna_clip_result_get_thumbnail_path (TribunaClipResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->thumbnail_path;
}

const char *
tribuna_clip_result_get_sidecar_path (TribunaClipResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->sidecar_path;
}

TribunaClipRange
tribuna_clip_result_get_requested (TribunaClipResult *self)
{
  TribunaClipRange none = { 0, 0 };

  g_return_val_if_fail (self != NULL, none);

  return self->requested;
}

TribunaClipRange
tribuna_clip_result_get_actual (TribunaClipResult *self)
{
  TribunaClipRange none = { 0, 0 };

  g_return_val_if_fail (self != NULL, none);

  return self->actual;
}

gint64
tribuna_clip_result_get_duration (TribunaClipResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->duration;
}

const TribunaClipRange *
tribuna_clip_result_get_pieces (TribunaClipResult *self,
                                guint             *n_pieces)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_pieces != NULL)
    *n_pieces = self->pieces->len;
  return (const TribunaClipRange *) self->pieces->data;
}

const TribunaClipRange *
tribuna_clip_result_get_cut (TribunaClipResult *self,
                             guint             *n_cut)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_cut != NULL)
    *n_cut = self->cut->len;
  return (const TribunaClipRange *) self->cut->data;
}

TribunaClipRender
tribuna_clip_result_get_render (TribunaClipResult *self)
{
  g_return_val_if_fail (self != NULL, TRIBUNA_CLIP_RENDER_COPY);

  return self->render;
}

guint
tribuna_clip_result_get_width (TribunaClipResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->width;
}

guint
tribuna_clip_result_get_height (TribunaClipResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->height;
}
