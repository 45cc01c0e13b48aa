/* tribuna-timeline.c: one session's time axis: markers to files and offsets, items, chapters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The axis and the rules are described in tribuna-timeline.h.
 */
#define G_LOG_DOMAIN "tribuna-timeline"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "tribuna-timeline.h"

#define NS_PER_US   G_GINT64_CONSTANT (1000)
#define NS_PER_S    G_GINT64_CONSTANT (1000000000)

/* The recorder derives a segment's wall clock from the program epoch, so segments of one
 * run share their epoch to the microsecond; a millisecond allows for rounding elsewhere. */
#define SAME_RUN_US 1000

typedef struct {
  const TribunaSegment *segment;
  gint64                session_start;
  gint64                duration;
  gint64                epoch_us;       /* -1 without running time */
  guint                 run;
  gboolean              estimated;
} Entry;

typedef struct {
  const TribunaMarker *marker;
  gint64               position;
  gboolean             exact;
} Placed;

struct _TribunaTimeline
{
  GObject         parent_instance;

  TribunaSession *session;
  GPtrArray      *segments;       /* TribunaSegment, axis order */
  GPtrArray      *markers;        /* TribunaMarker */
  GPtrArray      *items;          /* TribunaAgendaItem, agenda order */
  GHashTable     *items_by_id;    /* gint64 * → TribunaAgendaItem */

  GArray         *entries;        /* Entry, one per segment */
  guint           n_runs;
  gint64          duration;
  GArray         *placed;         /* Placed, by position */
  GArray         *private_ranges; /* TribunaTimeRange */
  GPtrArray      *item_ranges;    /* TribunaItemRange */
};

G_DEFINE_FINAL_TYPE (TribunaTimeline, tribuna_timeline, G_TYPE_OBJECT)
G_DEFINE_QUARK (tribuna-timeline-error-quark, tribuna_timeline_error)

static void
item_range_free (TribunaItemRange *range)
{
  g_clear_pointer (&range->ranges, g_array_unref);
  g_clear_pointer (&range->public_ranges, g_array_unref);
  g_free (range);
}

void
tribuna_chapter_free (TribunaChapter *chapter)
{
  if (chapter == NULL)
    return;

  g_free (chapter->title);
  g_free (chapter);
}

static void
tribuna_timeline_finalize (GObject *object)
{
  TribunaTimeline *self = (TribunaTimeline *)object;

  g_clear_pointer (&self->session, tribuna_session_free);
  g_clear_pointer (&self->item_ranges, g_ptr_array_unref);
  g_clear_pointer (&self->private_ranges, g_array_unref);
  g_clear_pointer (&self->placed, g_array_unref);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->items_by_id, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->markers, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);

  G_OBJECT_CLASS (tribuna_timeline_parent_class)->finalize (object);
}

static void
tribuna_timeline_class_init (TribunaTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tribuna_timeline_finalize;
}

static void
tribuna_timeline_init (TribunaTimeline *self)
{
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  self->placed = g_array_new (FALSE, TRUE, sizeof (Placed));
  self->private_ranges = g_array_new (FALSE, FALSE, sizeof (TribunaTimeRange));
  self->item_ranges = g_ptr_array_new_with_free_func ((GDestroyNotify) item_range_free);
  self->items_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
}

/* Building the axis ********************************************************************/

static int
compare_segments (gconstpointer a,
                  gconstpointer b)
{
  const TribunaSegment *x = *(const TribunaSegment * const *) a;
  const TribunaSegment *y = *(const TribunaSegment * const *) b;

  if (x->start_wall_us != y->start_wall_us)
    return x->start_wall_us < y->start_wall_us ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static gint64
epoch_of (gint64 wall_us,
          gint64 running_time_ns)
{
  return wall_us - running_time_ns / NS_PER_US;
}

static void
group_runs (TribunaTimeline *self)
{
  for (guint i = 0; i < self->segments->len; i++)
    {
      const TribunaSegment *segment = g_ptr_array_index (self->segments, i);
      Entry entry = { segment, 0, 0, -1, 0, FALSE };

      if (segment->start_running_time_ns >= 0)
        entry.epoch_us = epoch_of (segment->start_wall_us, segment->start_running_time_ns);

      if (i > 0)
        {
          Entry *previous = &g_array_index (self->entries, Entry, i - 1);
          gboolean same = entry.epoch_us >= 0 && previous->epoch_us >= 0
                          && ABS (entry.epoch_us - previous->epoch_us) <= SAME_RUN_US;

          entry.run = same ? previous->run : previous->run + 1;
        }
      g_array_append_val (self->entries, entry);
    }

  self->n_runs = self->entries->len > 0
                 ? g_array_index (self->entries, Entry, self->entries->len - 1).run + 1 : 0;
}

/* The run whose epoch is nearest the instant's, or -1 when none is near enough. */
static int
find_run (TribunaTimeline *self,
          gint64           wall_us,
          gint64           running_time_ns)
{
  gint64 epoch, best_distance = G_MAXINT64;
  int best = -1;

  if (running_time_ns < 0)
    return -1;

  epoch = epoch_of (wall_us, running_time_ns);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);
      gint64 distance;

      if (entry->epoch_us < 0)
        continue;
      distance = ABS (entry->epoch_us - epoch);
      if (distance < best_distance)
        {
          best_distance = distance;
          best = (int) entry->run;
        }
    }

  return best_distance <= TRIBUNA_TIMELINE_EPOCH_TOLERANCE_US ? best : -1;
}

/* A duration for segments not closed yet: see the header. */
static gint64
estimate_duration (TribunaTimeline *self,
                   guint            index)
{
  Entry *entry = &g_array_index (self->entries, Entry, index);
  Entry *next = index + 1 < self->entries->len
                ? &g_array_index (self->entries, Entry, index + 1) : NULL;
  const TribunaSegment *segment = entry->segment;
  gint64 longest = 0;

  if (next != NULL && next->run == entry->run && entry->epoch_us >= 0)
    return MAX (0, next->segment->start_running_time_ns - segment->start_running_time_ns);

  for (guint i = 0; i < self->markers->len; i++)
    {
      const TribunaMarker *marker = g_ptr_array_index (self->markers, i);

      if (entry->epoch_us >= 0)
        {
          if (find_run (self, marker->wall_us, marker->running_time_ns) == (int) entry->run)
            longest = MAX (longest, marker->running_time_ns - segment->start_running_time_ns);
        }
      else if (next == NULL || marker->wall_us < next->segment->start_wall_us)
        longest = MAX (longest, (marker->wall_us - segment->start_wall_us) * NS_PER_US);
    }

  return longest;
}

static void
lay_out_segments (TribunaTimeline *self)
{
  gint64 position = 0;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      entry->session_start = position;
      if (entry->segment->duration_ns >= 0)
        entry->duration = entry->segment->duration_ns;
      else
        {
          entry->duration = estimate_duration (self, i);
          entry->estimated = TRUE;
        }
      position += entry->duration;
    }

  self->duration = position;
}

/* Places @value among the entries of one run (by running time) or of all (by wall clock). */
static gint64
place (TribunaTimeline *self,
       int              run,
       gint64           value,
       gboolean        *exact)
{
  Entry *last = NULL;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);
      gint64 start;

      if (run >= 0 && entry->run != (guint) run)
        continue;

      start = run >= 0 ? entry->segment->start_running_time_ns
                       : entry->segment->start_wall_us * NS_PER_US;
      if (value < start)
        {
          *exact = FALSE;
          return entry->session_start;
        }
      if (value < start + entry->duration)
        {
          *exact = TRUE;
          return entry->session_start + (value - start);
        }
      last = entry;
    }

  if (last == NULL)
    {
      *exact = FALSE;
      return self->duration;
    }

  {
    gint64 end = (run >= 0 ? last->segment->start_running_time_ns
                           : last->segment->start_wall_us * NS_PER_US) + last->duration;

    *exact = value == end;
    return last->session_start + last->duration;
  }
}

static gint64
position_of (TribunaTimeline *self,
             gint64           wall_us,
             gint64           running_time_ns,
             gboolean        *exact)
{
  int run = find_run (self, wall_us, running_time_ns);

  if (run >= 0)
    return place (self, run, running_time_ns, exact);
  return place (self, -1, wall_us * NS_PER_US, exact);
}

static int
compare_placed (gconstpointer a,
                gconstpointer b)
{
  const Placed *x = a;
  const Placed *y = b;

  if (x->position != y->position)
    return x->position < y->position ? -1 : 1;
  if (x->marker->wall_us != y->marker->wall_us)
    return x->marker->wall_us < y->marker->wall_us ? -1 : 1;
  return x->marker->id < y->marker->id ? -1 : x->marker->id > y->marker->id;
}

static void
place_markers (TribunaTimeline *self)
{
  for (guint i = 0; i < self->markers->len; i++)
    {
      Placed placed = { g_ptr_array_index (self->markers, i), 0, FALSE };

      placed.position = position_of (self, placed.marker->wall_us,
                                     placed.marker->running_time_ns, &placed.exact);
      g_array_append_val (self->placed, placed);
    }

  g_array_sort (self->placed, compare_placed);
}

static void
add_range (GArray *ranges,
           gint64  start,
           gint64  end)
{
  TribunaTimeRange range = { start, end };

  if (end > start)
    g_array_append_val (ranges, range);
}

static void
find_private_ranges (TribunaTimeline *self)
{
  gint64 open = -1;

  for (guint i = 0; i < self->placed->len; i++)
    {
      Placed *placed = &g_array_index (self->placed, Placed, i);

      if (placed->marker->kind == TRIBUNA_MARKER_PRIVATE_START && open < 0)
        open = placed->position;
      else if (placed->marker->kind == TRIBUNA_MARKER_PRIVATE_END && open >= 0)
        {
          add_range (self->private_ranges, open, placed->position);
          open = -1;
        }
    }

  if (open >= 0)
    add_range (self->private_ranges, open, self->duration);
}

/* @range minus every private range, appended to @out. */
static void
subtract_private (TribunaTimeline        *self,
                  const TribunaTimeRange *range,
                  GArray                 *out)
{
  gint64 start = range->start_ns;

  for (guint i = 0; i < self->private_ranges->len && start < range->end_ns; i++)
    {
      TribunaTimeRange *hidden = &g_array_index (self->private_ranges, TribunaTimeRange, i);

      if (hidden->end_ns <= start || hidden->start_ns >= range->end_ns)
        continue;
      add_range (out, start, hidden->start_ns);
      start = MAX (start, hidden->end_ns);
    }

  add_range (out, start, range->end_ns);
}

/* The stretches between consecutive item-start markers, in time order. */
static GArray *
item_stretches (TribunaTimeline *self)
{
  GArray *stretches = g_array_new (FALSE, FALSE, sizeof (Placed));

  for (guint i = 0; i < self->placed->len; i++)
    {
      Placed *placed = &g_array_index (self->placed, Placed, i);

      if (placed->marker->kind == TRIBUNA_MARKER_ITEM_START)
        g_array_append_val (stretches, *placed);
    }

  return stretches;
}

static void
find_item_ranges (TribunaTimeline *self)
{
  g_autoptr(GArray) stretches = item_stretches (self);

  for (guint i = 0; i < self->items->len; i++)
    {
      const TribunaAgendaItem *item = g_ptr_array_index (self->items, i);
      TribunaItemRange *range = g_new0 (TribunaItemRange, 1);

      range->item = item;
      range->start_ns = range->end_ns = -1;
      range->ranges = g_array_new (FALSE, FALSE, sizeof (TribunaTimeRange));
      range->public_ranges = g_array_new (FALSE, FALSE, sizeof (TribunaTimeRange));

      for (guint k = 0; k < stretches->len; k++)
        {
          Placed *placed = &g_array_index (stretches, Placed, k);
          gint64 end = k + 1 < stretches->len
                       ? g_array_index (stretches, Placed, k + 1).position : self->duration;
          TribunaTimeRange stretch = { placed->position, end };

          if (placed->marker->item_id != item->id)
            continue;
          if (range->start_ns < 0)
            range->start_ns = placed->position;
          if (end > stretch.start_ns)
            {
              add_range (range->ranges, stretch.start_ns, end);
              subtract_private (self, &stretch, range->public_ranges);
            }
          range->end_ns = MAX (range->end_ns, end);
        }

      for (guint k = 0; k < range->public_ranges->len; k++)
        {
          TribunaTimeRange *part = &g_array_index (range->public_ranges, TribunaTimeRange, k);

          range->public_ns += part->end_ns - part->start_ns;
        }

      g_ptr_array_add (self->item_ranges, range);
    }
}

TribunaTimeline *
tribuna_timeline_new (GPtrArray *segments,
                      GPtrArray *markers,
                      GPtrArray *items)
{
  TribunaTimeline *self;

  g_return_val_if_fail (segments != NULL, NULL);
  g_return_val_if_fail (markers != NULL, NULL);

  self = g_object_new (TRIBUNA_TYPE_TIMELINE, NULL);
  self->segments = g_ptr_array_copy (segments, (GCopyFunc) tribuna_segment_copy, NULL);
  g_ptr_array_set_free_func (self->segments, (GDestroyNotify) tribuna_segment_free);
  self->markers = g_ptr_array_copy (markers, (GCopyFunc) tribuna_marker_copy, NULL);
  g_ptr_array_set_free_func (self->markers, (GDestroyNotify) tribuna_marker_free);
  if (items != NULL)
    self->items = g_ptr_array_copy (items, (GCopyFunc) tribuna_agenda_item_copy, NULL);
  else
    self->items = g_ptr_array_new ();
  g_ptr_array_set_free_func (self->items, (GDestroyNotify) tribuna_agenda_item_free);

  for (guint i = 0; i < self->items->len; i++)
    {
      TribunaAgendaItem *item = g_ptr_array_index (self->items, i);

      g_hash_table_insert (self->items_by_id, &item->id, item);
    }

  g_ptr_array_sort (self->segments, compare_segments);
  group_runs (self);
  lay_out_segments (self);
  place_markers (self);
  find_private_ranges (self);
  find_item_ranges (self);

  return self;
}

TribunaTimeline *
tribuna_timeline_new_for_session (TribunaArchive  *archive,
                                  gint64           session_id,
                                  GError         **error)
{
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GPtrArray) markers = NULL;
  g_autoptr(GPtrArray) items = NULL;
  TribunaTimeline *self;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (archive), NULL);

  if ((session = tribuna_archive_get_session (archive, session_id, error)) == NULL
      || (segments = tribuna_archive_list_segments (archive, session_id, error)) == NULL
      || (markers = tribuna_archive_list_markers (archive, session_id, error)) == NULL
      || (items = tribuna_archive_list_items (archive, session_id, error)) == NULL)
    return NULL;

  self = tribuna_timeline_new (segments, markers, items);
  self->session = g_steal_pointer (&session);
  return self;
}

const TribunaSession *
tribuna_timeline_get_session (TribunaTimeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), NULL);

  return self->session;
}

gint64
tribuna_timeline_get_duration (TribunaTimeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), 0);

  return self->duration;
}

guint
tribuna_timeline_get_n_segments (TribunaTimeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), 0);

  return self->entries->len;
}

const TribunaSegment *
tribuna_timeline_get_segment (TribunaTimeline *self,
                              guint            index,
                              gint64          *session_start_ns,
                              gint64          *duration_ns)
{
  Entry *entry;

  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  entry = &g_array_index (self->entries, Entry, index);
  if (session_start_ns != NULL)
    *session_start_ns = entry->session_start;
  if (duration_ns != NULL)
    *duration_ns = entry->duration;
  return entry->segment;
}

/* Mapping ******************************************************************************/

static gboolean
check_not_empty (TribunaTimeline  *self,
                 GError          **error)
{
  if (self->entries->len > 0)
    return TRUE;

  if (self->session != NULL)
    g_set_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_EMPTY,
                 "session %" G_GINT64_FORMAT " has no recording", self->session->id);
  else
    g_set_error_literal (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_EMPTY,
                         "the session has no recording");
  return FALSE;
}

gboolean
tribuna_timeline_locate (TribunaTimeline       *self,
                         gint64                 session_ns,
                         TribunaTimelinePoint  *point,
                         GError               **error)
{
  Entry *last;

  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (point != NULL, FALSE);

  if (!check_not_empty (self, error))
    return FALSE;

  if (session_ns < 0 || session_ns > self->duration)
    {
      g_set_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_OUT_OF_RANGE,
                   "%.3f s is outside the recording, which lasts %.3f s",
                   session_ns / (double) NS_PER_S, self->duration / (double) NS_PER_S);
      return FALSE;
    }

  point->session_ns = session_ns;
  point->exact = TRUE;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      if (session_ns < entry->session_start + entry->duration)
        {
          point->segment = entry->segment;
          point->offset_ns = session_ns - entry->session_start;
          return TRUE;
        }
    }

  /* The very end belongs to the last segment, as its end. */
  last = &g_array_index (self->entries, Entry, self->entries->len - 1);
  point->segment = last->segment;
  point->offset_ns = session_ns - last->session_start;
  return TRUE;
}

gboolean
tribuna_timeline_map_instant (TribunaTimeline       *self,
                              gint64                 wall_us,
                              gint64                 running_time_ns,
                              TribunaTimelinePoint  *point,
                              GError               **error)
{
  gboolean exact = FALSE;
  gint64 position;

  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (point != NULL, FALSE);

  if (!check_not_empty (self, error))
    return FALSE;

  position = position_of (self, wall_us, running_time_ns, &exact);
  if (!tribuna_timeline_locate (self, position, point, error))
    return FALSE;
  point->exact = exact;
  return TRUE;
}

gboolean
tribuna_timeline_map_marker (TribunaTimeline       *self,
                             const TribunaMarker   *marker,
                             TribunaTimelinePoint  *point,
                             GError               **error)
{
  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (marker != NULL, FALSE);

  return tribuna_timeline_map_instant (self, marker->wall_us, marker->running_time_ns, point,
                                       error);
}

GArray *
tribuna_timeline_get_private_ranges (TribunaTimeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), NULL);

  return self->private_ranges;
}

GPtrArray *
tribuna_timeline_get_item_ranges (TribunaTimeline *self)
{
  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), NULL);

  return self->item_ranges;
}

/* Chapters *****************************************************************************/

char *
tribuna_timeline_format_youtube_time (gint64   ns,
                                      gboolean with_hours)
{
  gint64 seconds = MAX (ns, 0) / NS_PER_S;

  if (with_hours)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                            (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d", seconds / 60, (int) (seconds % 60));
}

static char *
item_title (TribunaTimeline *self,
            gint64           item_id)
{
  TribunaAgendaItem *item = g_hash_table_lookup (self->items_by_id, &item_id);

  if (item == NULL)
    return g_strdup_printf ("Pika %" G_GINT64_FORMAT, item_id);
  return tribuna_agenda_item_label (item);
}

static TribunaChapter *
chapter_new (gint64      start_ns,
             gint64      end_ns,
             gint64      item_id,
             const char *title)
{
  TribunaChapter *chapter = g_new0 (TribunaChapter, 1);

  chapter->start_ns = start_ns;
  chapter->end_ns = end_ns;
  chapter->item_id = item_id;
  chapter->title = g_strdup (title);
  return chapter;
}

static const char *
default_opening (TribunaTimeline *self)
{
  return tribuna_session_type_opening (self->session ? self->session->type
                                                     : TRIBUNA_SESSION_TYPE_ASSEMBLY);
}

/* Consecutive chapters of one item are one chapter. */
static void
merge_same_items (GPtrArray *chapters)
{
  for (guint i = 1; i < chapters->len;)
    {
      TribunaChapter *previous = g_ptr_array_index (chapters, i - 1);
      TribunaChapter *chapter = g_ptr_array_index (chapters, i);

      if (previous->item_id != 0 && previous->item_id == chapter->item_id)
        {
          previous->end_ns = chapter->end_ns;
          g_ptr_array_remove_index (chapters, i);
        }
      else
        i++;
    }
}

static gint64
shown_seconds (const TribunaChapter *chapter)
{
  return chapter->end_ns / NS_PER_S - chapter->start_ns / NS_PER_S;
}

static void
apply_youtube_rules (GPtrArray *chapters,
                     GPtrArray *warnings)
{
  for (;;)
    {
      guint short_one = chapters->len;

      for (guint i = 0; i < chapters->len && chapters->len > 1; i++)
        if (shown_seconds (g_ptr_array_index (chapters, i)) < TRIBUNA_YOUTUBE_MIN_CHAPTER_S)
          {
            short_one = i;
            break;
          }
      if (short_one == chapters->len)
        return;

      {
        TribunaChapter *chapter = g_ptr_array_index (chapters, short_one);
        g_autofree char *at = tribuna_timeline_format_youtube_time (chapter->start_ns, FALSE);

        if (short_one == 0)
          {
            TribunaChapter *next = g_ptr_array_index (chapters, 1);

            if (warnings != NULL)
              g_ptr_array_add (warnings,
                               g_strdup_printf ("“%s” lasted %" G_GINT64_FORMAT " s, under "
                                                "YouTube's %d s; “%s” starts at 00:00 instead",
                                                chapter->title, shown_seconds (chapter),
                                                TRIBUNA_YOUTUBE_MIN_CHAPTER_S, next->title));
            next->start_ns = 0;
          }
        else
          {
            TribunaChapter *previous = g_ptr_array_index (chapters, short_one - 1);

            if (warnings != NULL)
              g_ptr_array_add (warnings,
                               g_strdup_printf ("“%s” at %s lasted %" G_GINT64_FORMAT " s, under "
                                                "YouTube's %d s; it is merged into “%s”",
                                                chapter->title, at, shown_seconds (chapter),
                                                TRIBUNA_YOUTUBE_MIN_CHAPTER_S, previous->title));
            previous->end_ns = chapter->end_ns;
          }
        g_ptr_array_remove_index (chapters, short_one);
        merge_same_items (chapters);
      }
    }
}

GPtrArray *
tribuna_timeline_get_chapters (TribunaTimeline  *self,
                               const char       *opening_title,
                               gboolean          youtube_rules,
                               GPtrArray        *warnings,
                               GError          **error)
{
  g_autoptr(GPtrArray) chapters = NULL;
  g_autoptr(GArray) stretches = NULL;

  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), NULL);

  if (!check_not_empty (self, error))
    return NULL;

  chapters = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_chapter_free);
  stretches = item_stretches (self);
  for (guint k = 0; k < stretches->len; k++)
    {
      Placed *placed = &g_array_index (stretches, Placed, k);
      gint64 end = k + 1 < stretches->len
                   ? g_array_index (stretches, Placed, k + 1).position : self->duration;
      g_autofree char *title = item_title (self, placed->marker->item_id);

      if (end > placed->position)
        g_ptr_array_add (chapters, chapter_new (placed->position, end, placed->marker->item_id,
                                                title));
    }
  merge_same_items (chapters);

  if (chapters->len == 0)
    {
      g_set_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_NO_CHAPTERS,
                   "no agenda item was marked in %s%" G_GINT64_FORMAT "%s; chapters come from "
                   "the item markers", self->session ? "session " : "",
                   self->session ? self->session->id : 0, self->session ? "" : " this session");
      return NULL;
    }

  /* Less than a second before the first item is the operator's reaction time, not an
   * opening worth a chapter (or a warning). */
  {
    TribunaChapter *first = g_ptr_array_index (chapters, 0);

    if (first->start_ns >= NS_PER_S)
      g_ptr_array_insert (chapters, 0,
                          chapter_new (0, first->start_ns, 0,
                                       opening_title ? opening_title : default_opening (self)));
    else
      first->start_ns = 0;
  }

  if (youtube_rules)
    {
      g_autoptr(GPtrArray) merged = g_ptr_array_new_with_free_func (g_free);

      apply_youtube_rules (chapters, merged);
      if (chapters->len < TRIBUNA_YOUTUBE_MIN_CHAPTERS)
        {
          g_autoptr(GString) message = g_string_new (NULL);

          g_string_append_printf (message, "YouTube shows chapters only when there are at least "
                                  "%d of at least %d s each, the first at 00:00; this recording "
                                  "(%" G_GINT64_FORMAT " s) gives %u",
                                  TRIBUNA_YOUTUBE_MIN_CHAPTERS, TRIBUNA_YOUTUBE_MIN_CHAPTER_S,
                                  self->duration / NS_PER_S, chapters->len);
          for (guint i = 0; i < merged->len; i++)
            g_string_append_printf (message, "%s%s", i == 0 ? " (" : "; ",
                                    (char *) g_ptr_array_index (merged, i));
          g_string_append_printf (message, "%s. WebVTT and JSON chapters have no such rule",
                                  merged->len > 0 ? ")" : "");
          g_set_error_literal (error, TRIBUNA_TIMELINE_ERROR,
                               TRIBUNA_TIMELINE_ERROR_TOO_FEW_CHAPTERS, message->str);
          return NULL;
        }
      for (guint i = 0; warnings != NULL && i < merged->len; i++)
        g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (merged, i)));
    }

  return g_steal_pointer (&chapters);
}

static char *
format_youtube (TribunaTimeline *self,
                GPtrArray       *chapters)
{
  GString *text = g_string_new (NULL);
  gboolean with_hours = self->duration >= 3600 * NS_PER_S;

  for (guint i = 0; i < chapters->len; i++)
    {
      TribunaChapter *chapter = g_ptr_array_index (chapters, i);
      g_autofree char *at = tribuna_timeline_format_youtube_time (chapter->start_ns,
                                                                  with_hours && i > 0);

      g_string_append_printf (text, "%s %s\n", at, chapter->title);
    }

  return g_string_free (text, FALSE);
}

static char *
vtt_time (gint64 ns)
{
  gint64 ms = ns / G_GINT64_CONSTANT (1000000);

  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d:%02d.%03d", ms / 3600000,
                          (int) (ms / 60000 % 60), (int) (ms / 1000 % 60), (int) (ms % 1000));
}

/* Cue text: no markup, and no "-->", which would end the cue. */
static char *
vtt_escape (const char *title)
{
  GString *text = g_string_new (NULL);

  for (const char *p = title; *p != '\0'; p++)
    {
      if (*p == '&')
        g_string_append (text, "&amp;");
      else if (*p == '<')
        g_string_append (text, "&lt;");
      else if (*p == '>')
        g_string_append (text, "&gt;");
      else if (*p == '\n')
        g_string_append_c (text, ' ');
      else
        g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

static char *
format_webvtt (GPtrArray *chapters)
{
  GString *text = g_string_new ("WEBVTT\n");

  for (guint i = 0; i < chapters->len; i++)
    {
      TribunaChapter *chapter = g_ptr_array_index (chapters, i);
      g_autofree char *start = vtt_time (chapter->start_ns);
      g_autofree char *end = vtt_time (chapter->end_ns);
      g_autofree char *title = vtt_escape (chapter->title);

      g_string_append_printf (text, "\n%u\n%s --> %s\n%s\n", i + 1, start, end, title);
    }

  return g_string_free (text, FALSE);
}

static void
add_ranges (JsonBuilder *builder,
            const char  *member,
            GArray      *ranges)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < ranges->len; i++)
    {
      TribunaTimeRange *range = &g_array_index (ranges, TribunaTimeRange, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "start_ns");
      json_builder_add_int_value (builder, range->start_ns);
      json_builder_set_member_name (builder, "end_ns");
      json_builder_add_int_value (builder, range->end_ns);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_session_json (TribunaTimeline *self,
                  JsonBuilder     *builder)
{
  json_builder_set_member_name (builder, "session");
  if (self->session == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  add_int (builder, "id", self->session->id);
  add_string (builder, "type", tribuna_session_type_to_code (self->session->type));
  add_string (builder, "title", self->session->title);
  add_string (builder, "date", self->session->date);
  add_string (builder, "place", self->session->place);
  add_string (builder, "state", tribuna_session_state_to_code (self->session->state));
  json_builder_end_object (builder);
}

static char *
format_json (TribunaTimeline *self,
             GPtrArray       *chapters,
             GPtrArray       *warnings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_session_json (self, builder);
  add_int (builder, "duration_ns", self->duration);

  json_builder_set_member_name (builder, "chapters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < chapters->len; i++)
    {
      TribunaChapter *chapter = g_ptr_array_index (chapters, i);
      TribunaAgendaItem *item = g_hash_table_lookup (self->items_by_id, &chapter->item_id);
      TribunaTimelinePoint point = { 0, };
      g_autofree char *start = vtt_time (chapter->start_ns);

      json_builder_begin_object (builder);
      add_int (builder, "start_ns", chapter->start_ns);
      add_int (builder, "end_ns", chapter->end_ns);
      add_string (builder, "start", start);
      add_string (builder, "title", chapter->title);
      json_builder_set_member_name (builder, "item_id");
      if (chapter->item_id > 0)
        json_builder_add_int_value (builder, chapter->item_id);
      else
        json_builder_add_null_value (builder);
      add_string (builder, "number", item ? item->number : NULL);
      if (tribuna_timeline_locate (self, chapter->start_ns, &point, NULL))
        {
          add_string (builder, "file", point.segment->path);
          add_int (builder, "offset_ns", point.offset_ns);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->item_ranges->len; i++)
    {
      TribunaItemRange *range = g_ptr_array_index (self->item_ranges, i);

      json_builder_begin_object (builder);
      add_int (builder, "item_id", range->item->id);
      add_string (builder, "number", range->item->number);
      add_string (builder, "title", range->item->title);
      add_string (builder, "presenter", range->item->presenter);
      json_builder_set_member_name (builder, "start_ns");
      if (range->start_ns >= 0)
        json_builder_add_int_value (builder, range->start_ns);
      else
        json_builder_add_null_value (builder);
      add_ranges (builder, "ranges", range->ranges);
      add_ranges (builder, "public_ranges", range->public_ranges);
      add_int (builder, "public_ns", range->public_ns);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_ranges (builder, "private", self->private_ranges);

  json_builder_set_member_name (builder, "segments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      json_builder_begin_object (builder);
      add_string (builder, "file", entry->segment->path);
      add_int (builder, "start_ns", entry->session_start);
      add_int (builder, "duration_ns", entry->duration);
      json_builder_set_member_name (builder, "estimated");
      json_builder_add_boolean_value (builder, entry->estimated);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (warnings, i));
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  {
    char *text = json_generator_to_data (generator, NULL);
    char *with_newline = g_strconcat (text, "\n", NULL);

    g_free (text);
    return with_newline;
  }
}

char *
tribuna_timeline_format_chapters (TribunaTimeline       *self,
                                  TribunaChapterFormat   format,
                                  const char            *opening_title,
                                  GPtrArray             *warnings,
                                  GError               **error)
{
  g_autoptr(GPtrArray) chapters = NULL;
  g_autoptr(GPtrArray) own_warnings = NULL;

  g_return_val_if_fail (TRIBUNA_IS_TIMELINE (self), NULL);

  if (warnings == NULL)
    warnings = own_warnings = g_ptr_array_new_with_free_func (g_free);

  chapters = tribuna_timeline_get_chapters (self, opening_title,
                                            format == TRIBUNA_CHAPTER_FORMAT_YOUTUBE, warnings,
                                            error);
  if (chapters == NULL)
    return NULL;

  switch (format)
    {
    case TRIBUNA_CHAPTER_FORMAT_YOUTUBE:
      return format_youtube (self, chapters);
    case TRIBUNA_CHAPTER_FORMAT_WEBVTT:
      return format_webvtt (chapters);
    case TRIBUNA_CHAPTER_FORMAT_JSON:
    default:
      return format_json (self, chapters, warnings);
    }
}
