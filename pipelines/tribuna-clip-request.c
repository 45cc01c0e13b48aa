/* tribuna-clip-request.c: what a clip export is asked to make
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include <string.h>

#include "tribuna-clip-private.h"

G_DEFINE_QUARK (tribuna-clip-error-quark, tribuna_clip_error)
G_DEFINE_BOXED_TYPE (TribunaClipRequest, tribuna_clip_request,
                     tribuna_clip_request_ref, tribuna_clip_request_unref)

/* Segment logs round to microseconds: starts this close count as touching. */
#define AXIS_TOLERANCE_NS (2 * 1000 * 1000)

static const GEnumValue mode_values[] = {
  { TRIBUNA_CLIP_MODE_FAST, "TRIBUNA_CLIP_MODE_FAST", "fast" },
  { TRIBUNA_CLIP_MODE_EXACT, "TRIBUNA_CLIP_MODE_EXACT", "exact" },
  { 0, NULL, NULL }
};

static const GEnumValue preset_values[] = {
  { TRIBUNA_CLIP_PRESET_WEB, "TRIBUNA_CLIP_PRESET_WEB", "web" },
  { TRIBUNA_CLIP_PRESET_FACEBOOK, "TRIBUNA_CLIP_PRESET_FACEBOOK", "facebook" },
  { TRIBUNA_CLIP_PRESET_SQUARE, "TRIBUNA_CLIP_PRESET_SQUARE", "square" },
  { TRIBUNA_CLIP_PRESET_AUDIO, "TRIBUNA_CLIP_PRESET_AUDIO", "audio" },
  { 0, NULL, NULL }
};

GType
tribuna_clip_mode_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaClipMode", mode_values));

  return type_id;
}

GType
tribuna_clip_preset_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TribunaClipPreset", preset_values));

  return type_id;
}

static const char *
nick_of (const GEnumValue *values,
         int               value)
{
  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (values[i].value == value)
      return values[i].value_nick;

  return "unknown";
}

static gboolean
value_of (const GEnumValue *values,
          const char       *nick,
          int              *value)
{
  for (guint i = 0; nick != NULL && values[i].value_nick != NULL; i++)
    if (g_ascii_strcasecmp (values[i].value_nick, nick) == 0)
      {
        *value = values[i].value;
        return TRUE;
      }

  return FALSE;
}

const char *
tribuna_clip_mode_to_string (TribunaClipMode mode)
{
  return nick_of (mode_values, mode);
}

gboolean
tribuna_clip_mode_from_string (const char      *text,
                               TribunaClipMode *mode)
{
  int value;

  g_return_val_if_fail (mode != NULL, FALSE);

  if (!value_of (mode_values, text, &value))
    return FALSE;
  *mode = value;
  return TRUE;
}

const char *
tribuna_clip_preset_to_string (TribunaClipPreset preset)
{
  return nick_of (preset_values, preset);
}

gboolean
tribuna_clip_preset_from_string (const char        *text,
                                 TribunaClipPreset *preset)
{
  int value;

  g_return_val_if_fail (preset != NULL, FALSE);

  if (!value_of (preset_values, text, &value))
    return FALSE;
  *preset = value;
  return TRUE;
}

char *
tribuna_clip_format_time (gint64 ns)
{
  gint64 ms = (ns < 0 ? -ns : ns) / 1000000;

  return g_strdup_printf ("%s%02" G_GINT64_FORMAT ":%02d:%02d.%03d", ns < 0 ? "-" : "",
                          ms / 3600000, (int) (ms / 60000 % 60), (int) (ms / 1000 % 60),
                          (int) (ms % 1000));
}

/* The request */

static void
clear_segment (gpointer data)
{
  TribunaClipSegment *segment = data;

  g_clear_pointer (&segment->path, g_free);
}

TribunaClipRequest *
tribuna_clip_request_new (void)
{
  TribunaClipRequest *self = g_new0 (TribunaClipRequest, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->segments = g_array_new (FALSE, TRUE, sizeof (TribunaClipSegment));
  g_array_set_clear_func (self->segments, clear_segment);
  self->private_ranges = g_array_new (FALSE, TRUE, sizeof (TribunaClipRange));
  self->mode = TRIBUNA_CLIP_MODE_FAST;
  self->preset = TRIBUNA_CLIP_PRESET_WEB;

  return self;
}

TribunaClipRequest *
tribuna_clip_request_ref (TribunaClipRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tribuna_clip_request_unref (TribunaClipRequest *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_array_unref (self->segments);
  g_array_unref (self->private_ranges);
  g_free (self->title);
  g_free (self->directory);
  g_free (self->base_name);
  g_clear_pointer (&self->context, json_object_unref);
  g_free (self);
}

TribunaClipRequest *
tribuna_clip_request_copy (TribunaClipRequest *self)
{
  TribunaClipRequest *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = tribuna_clip_request_new ();
  for (guint i = 0; i < self->segments->len; i++)
    {
      TribunaClipSegment *segment = &g_array_index (self->segments, TribunaClipSegment, i);

      tribuna_clip_request_add_segment (copy, segment->path, segment->start, segment->duration);
    }
  g_array_append_vals (copy->private_ranges, self->private_ranges->data,
                       self->private_ranges->len);
  copy->in = self->in;
  copy->out = self->out;
  copy->have_range = self->have_range;
  copy->mode = self->mode;
  copy->preset = self->preset;
  copy->title = g_strdup (self->title);
  copy->title_s = self->title_s;
  copy->fade_in_s = self->fade_in_s;
  copy->fade_out_s = self->fade_out_s;
  copy->directory = g_strdup (self->directory);
  copy->base_name = g_strdup (self->base_name);
  copy->overwrite = self->overwrite;
  if (self->context != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), self->context);
      g_autoptr(JsonNode) node_copy = json_node_copy (node);

      copy->context = json_object_ref (json_node_get_object (node_copy));
    }

  return copy;
}

void
tribuna_clip_request_add_segment (TribunaClipRequest *self,
                                  const char         *path,
                                  gint64              start_ns,
                                  gint64              duration_ns)
{
  TribunaClipSegment segment = { g_strdup (path), start_ns, duration_ns };

  g_return_if_fail (self != NULL);
  g_return_if_fail (path != NULL);

  g_array_append_val (self->segments, segment);
}

void
tribuna_clip_request_set_range (TribunaClipRequest *self,
                                gint64              in_ns,
                                gint64              out_ns)
{
  g_return_if_fail (self != NULL);

  self->in = in_ns;
  self->out = out_ns;
  self->have_range = TRUE;
}

void
tribuna_clip_request_add_private_range (TribunaClipRequest *self,
                                        gint64              start_ns,
                                        gint64              end_ns)
{
  TribunaClipRange range = { start_ns, end_ns };

  g_return_if_fail (self != NULL);

  g_array_append_val (self->private_ranges, range);
}

void
tribuna_clip_request_set_mode (TribunaClipRequest *self,
                               TribunaClipMode     mode)
{
  g_return_if_fail (self != NULL);

  self->mode = mode;
}

void
tribuna_clip_request_set_preset (TribunaClipRequest *self,
                                 TribunaClipPreset   preset)
{
  g_return_if_fail (self != NULL);

  self->preset = preset;
}

void
tribuna_clip_request_set_title (TribunaClipRequest *self,
                                const char         *text,
                                double              seconds)
{
  g_return_if_fail (self != NULL);

  g_free (self->title);
  self->title = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
  self->title_s = self->title != NULL ? MAX (seconds, 0) : 0;
}

void
tribuna_clip_request_set_fades (TribunaClipRequest *self,
                                double              fade_in_s,
                                double              fade_out_s)
{
  g_return_if_fail (self != NULL);

  self->fade_in_s = MAX (fade_in_s, 0);
  self->fade_out_s = MAX (fade_out_s, 0);
}

void
tribuna_clip_request_set_output (TribunaClipRequest *self,
                                 const char         *directory,
                                 const char         *base_name)
{
  g_return_if_fail (self != NULL);

  g_free (self->directory);
  g_free (self->base_name);
  self->directory = g_strdup (directory);
  self->base_name = g_strdup (base_name);
}

void
tribuna_clip_request_set_overwrite (TribunaClipRequest *self,
                                    gboolean            overwrite)
{
  g_return_if_fail (self != NULL);

  self->overwrite = overwrite;
}

void
tribuna_clip_request_set_context (TribunaClipRequest *self,
                                  JsonObject         *context)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->context, json_object_unref);
  if (context != NULL)
    self->context = json_object_ref (context);
}

gint64
tribuna_clip_request_get_in (TribunaClipRequest *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->in;
}

gint64
tribuna_clip_request_get_out (TribunaClipRequest *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->out;
}

gint64
tribuna_clip_request_get_recorded_end (TribunaClipRequest *self)
{
  TribunaClipSegment *last;

  g_return_val_if_fail (self != NULL, 0);

  if (self->segments->len == 0)
    return 0;

  last = &g_array_index (self->segments, TribunaClipSegment, self->segments->len - 1);
  return last->start + last->duration;
}

TribunaClipMode
tribuna_clip_request_get_mode (TribunaClipRequest *self)
{
  g_return_val_if_fail (self != NULL, TRIBUNA_CLIP_MODE_FAST);

  return self->mode;
}

TribunaClipPreset
tribuna_clip_request_get_preset (TribunaClipRequest *self)
{
  g_return_val_if_fail (self != NULL, TRIBUNA_CLIP_PRESET_WEB);

  return self->preset;
}

/* Checking */

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const TribunaClipRange *ra = a, *rb = b;

  return ra->start < rb->start ? -1 : ra->start > rb->start ? 1 : 0;
}

GArray *
_tribuna_clip_request_private (TribunaClipRequest *self)
{
  g_autoptr(GArray) sorted = g_array_copy (self->private_ranges);
  GArray *merged = g_array_new (FALSE, FALSE, sizeof (TribunaClipRange));

  g_array_sort (sorted, compare_ranges);
  for (guint i = 0; i < sorted->len; i++)
    {
      TribunaClipRange range = g_array_index (sorted, TribunaClipRange, i);
      TribunaClipRange *last = merged->len > 0
                               ? &g_array_index (merged, TribunaClipRange, merged->len - 1) : NULL;

      if (range.end <= range.start)
        continue;
      if (last != NULL && range.start <= last->end)
        last->end = MAX (last->end, range.end);
      else
        g_array_append_val (merged, range);
    }

  return merged;
}

gboolean
_tribuna_clip_ranges_overlap (GArray *ranges,
                              gint64  start,
                              gint64  end)
{
  for (guint i = 0; i < ranges->len; i++)
    {
      TribunaClipRange *range = &g_array_index (ranges, TribunaClipRange, i);

      if (range->start < end && start < range->end)
        return TRUE;
    }

  return FALSE;
}

/* @format takes the two times, as "HH:MM:SS.mmm" strings */
static gboolean
range_error (GError     **error,
             int          code,
             const char  *format,
             gint64       a,
             gint64       b)
{
  g_autofree char *ta = tribuna_clip_format_time (a);
  g_autofree char *tb = tribuna_clip_format_time (b);
  g_autofree char *message = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  /* every caller passes a literal with two %s */
  message = g_strdup_printf (format, ta, tb);
#pragma GCC diagnostic pop

  g_set_error_literal (error, TRIBUNA_CLIP_ERROR, code, message);
  return FALSE;
}

gboolean
_tribuna_clip_request_pieces (TribunaClipRequest  *self,
                              GArray             **out_pieces,
                              GArray             **out_cut,
                              GError             **error)
{
  g_autoptr(GArray) private_ranges = _tribuna_clip_request_private (self);
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (TribunaClipRange));
  g_autoptr(GArray) cut = g_array_new (FALSE, FALSE, sizeof (TribunaClipRange));
  gint64 position = self->in;

  for (guint i = 0; i < private_ranges->len; i++)
    {
      TribunaClipRange *range = &g_array_index (private_ranges, TribunaClipRange, i);
      TribunaClipRange clipped = { MAX (range->start, self->in), MIN (range->end, self->out) };

      if (range->start <= self->in && self->out <= range->end)
        return range_error (error, TRIBUNA_CLIP_ERROR_PRIVATE,
                            "the range lies inside private time (%s to %s), which is never "
                            "exported", range->start, range->end);
      if (clipped.start >= clipped.end)
        continue;

      g_array_append_val (cut, clipped);
      if (clipped.start > position)
        {
          TribunaClipRange piece = { position, clipped.start };

          g_array_append_val (pieces, piece);
        }
      position = MAX (position, clipped.end);
    }

  if (position < self->out)
    {
      TribunaClipRange piece = { position, self->out };

      g_array_append_val (pieces, piece);
    }

  if (pieces->len == 0)
    return range_error (error, TRIBUNA_CLIP_ERROR_PRIVATE,
                        "everything from %s to %s is private time, which is never exported",
                        self->in, self->out);

  if (out_pieces != NULL)
    *out_pieces = g_steal_pointer (&pieces);
  if (out_cut != NULL)
    *out_cut = g_steal_pointer (&cut);
  return TRUE;
}

static gboolean
validate_segments (TribunaClipRequest  *self,
                   GError             **error)
{
  gint64 expected = 0;

  if (self->segments->len == 0)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SEGMENTS,
                   "the session has no recorded segments to cut a clip from");
      return FALSE;
    }

  for (guint i = 0; i < self->segments->len; i++)
    {
      TribunaClipSegment *segment = &g_array_index (self->segments, TribunaClipSegment, i);

      if (segment->duration <= 0 || segment->start < 0
          || (i > 0 && ABS (segment->start - expected) > AXIS_TOLERANCE_NS))
        {
          g_autofree char *start = tribuna_clip_format_time (segment->start);
          g_autofree char *wanted = tribuna_clip_format_time (expected);

          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_SEGMENTS,
                       "segment %u (%s) starts at %s on the session axis, where %s was "
                       "expected: segments must follow each other in recorded time, each "
                       "with a positive duration", i + 1, segment->path, start, wanted);
          return FALSE;
        }
      expected = segment->start + segment->duration;
    }

  return TRUE;
}

gboolean
tribuna_clip_request_validate (TribunaClipRequest  *self,
                               GError             **error)
{
  gint64 end;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!validate_segments (self, error))
    return FALSE;

  end = tribuna_clip_request_get_recorded_end (self);
  if (!self->have_range)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_RANGE,
                   "no range was given: say where the clip starts and ends");
      return FALSE;
    }
  if (self->in < 0)
    return range_error (error, TRIBUNA_CLIP_ERROR_RANGE,
                        "the clip cannot start at %s: the session starts at %s", self->in, 0);
  if (self->out <= self->in)
    return range_error (error, TRIBUNA_CLIP_ERROR_RANGE,
                        "the clip must end after it starts (from %s to %s)", self->in, self->out);
  if (self->out > end + AXIS_TOLERANCE_NS)
    return range_error (error, TRIBUNA_CLIP_ERROR_RANGE,
                        "the clip ends at %s, past the end of the recording at %s",
                        self->out, end);
  if (!_tribuna_clip_request_pieces (self, NULL, NULL, error))
    return FALSE;

  if (self->directory == NULL || self->base_name == NULL || self->base_name[0] == '\0'
      || strchr (self->base_name, G_DIR_SEPARATOR) != NULL)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                   "no output folder and file name were given for the clip");
      return FALSE;
    }

  if (self->mode == TRIBUNA_CLIP_MODE_FAST
      && (self->title != NULL || self->fade_in_s > 0 || self->fade_out_s > 0))
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_UNSUPPORTED,
                   "a title card and fades need the picture re-encoded: use exact mode, fast "
                   "mode only copies the recording");
      return FALSE;
    }

  return TRUE;
}
