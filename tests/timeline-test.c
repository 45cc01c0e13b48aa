/* timeline-test.c: markers to files and offsets, item ranges, chapters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-timeline-test"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "tribuna-timeline.h"
#include "tribuna-ts-index.h"
#include "test-utils.h"

#define SEC(n)  ((gint64) (n) * G_GINT64_CONSTANT (1000000000))
#define MSEC(n) ((gint64) (n) * G_GINT64_CONSTANT (1000000))

/* 2024-03-28 08:00:00 UTC, wall-clock of running time 0 of the first program run. */
#define EPOCH G_GINT64_CONSTANT (1711612800000000)

static GPtrArray *
new_segments (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_segment_free);
}

static GPtrArray *
new_markers (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_marker_free);
}

/* A segment recorded by the program run whose epoch is @epoch_us, as the recorder logs it:
 * its wall clock derived from the running time. @duration_ns -1: still open. */
static void
add_segment (GPtrArray  *segments,
             const char *path,
             gint64      epoch_us,
             gint64      running_time_ns,
             gint64      duration_ns)
{
  TribunaSegment *segment = g_new0 (TribunaSegment, 1);

  segment->id = segments->len + 1;
  segment->session_id = 1;
  segment->path = g_strdup (path);
  segment->start_wall_us = epoch_us + running_time_ns / 1000;
  segment->start_running_time_ns = running_time_ns;
  segment->duration_ns = duration_ns;
  segment->bytes = duration_ns >= 0 ? 1000 : -1;
  segment->state = duration_ns >= 0 ? TRIBUNA_SEGMENT_CLOSED : TRIBUNA_SEGMENT_OPEN;
  g_ptr_array_add (segments, segment);
}

static TribunaMarker *
add_marker (GPtrArray         *markers,
            TribunaMarkerKind  kind,
            gint64             item_id,
            gint64             epoch_us,
            gint64             running_time_ns)
{
  TribunaMarker *marker = tribuna_marker_new (kind);

  marker->id = markers->len + 1;
  marker->session_id = 1;
  marker->item_id = item_id;
  marker->wall_us = epoch_us + running_time_ns / 1000;
  marker->running_time_ns = running_time_ns;
  g_ptr_array_add (markers, marker);
  return marker;
}

static GPtrArray *
new_items (void)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_agenda_item_free);
  static const char * const titles[] = {
    "Konstatimi i prezencës", "Raporti financiar", "Të ndryshme", "Pika e pashqyrtuar",
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      TribunaAgendaItem *item = tribuna_agenda_item_new (number, titles[i], NULL, 0);

      item->id = 11 + i;
      item->session_id = 1;
      item->position = i + 1;
      g_ptr_array_add (items, item);
    }
  return items;
}

static void
assert_point (TribunaTimeline *timeline,
              gint64           wall_us,
              gint64           running_time_ns,
              gint64           session_ns,
              const char      *path,
              gint64           offset_ns,
              gboolean         exact)
{
  g_autoptr(GError) error = NULL;
  TribunaTimelinePoint point = { 0, };

  g_assert_true (tribuna_timeline_map_instant (timeline, wall_us, running_time_ns, &point,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (point.session_ns, ==, session_ns);
  g_assert_cmpstr (point.segment->path, ==, path);
  g_assert_cmpint (point.offset_ns, ==, offset_ns);
  g_assert_cmpint (point.exact, ==, exact);
}

/* Mapping ******************************************************************************/

static void
test_single_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GPtrArray) markers = new_markers ();
  g_autoptr(TribunaTimeline) timeline = NULL;
  TribunaTimelinePoint point = { 0, };
  gint64 start, duration;

  /* The recording started 2 s into the program: three 10 s segments. */
  add_segment (segments, "a.ts", EPOCH, SEC (2), SEC (10));
  add_segment (segments, "b.ts", EPOCH, SEC (12), SEC (10));
  add_segment (segments, "c.ts", EPOCH, SEC (22), SEC (10));
  timeline = tribuna_timeline_new (segments, markers, NULL);

  g_assert_cmpint (tribuna_timeline_get_duration (timeline), ==, SEC (30));
  g_assert_cmpuint (tribuna_timeline_get_n_segments (timeline), ==, 3);
  g_assert_cmpstr (tribuna_timeline_get_segment (timeline, 1, &start, &duration)->path, ==, "b.ts");
  g_assert_cmpint (start, ==, SEC (10));
  g_assert_cmpint (duration, ==, SEC (10));

  assert_point (timeline, EPOCH + 7000000, SEC (7), SEC (5), "a.ts", SEC (5), TRUE);
  /* A segment boundary belongs to the segment it starts. */
  assert_point (timeline, EPOCH + 12000000, SEC (12), SEC (10), "b.ts", 0, TRUE);
  assert_point (timeline, EPOCH + 31500000, MSEC (31500), MSEC (29500), "c.ts", MSEC (9500), TRUE);
  /* The very end is the end of the last segment. */
  assert_point (timeline, EPOCH + 32000000, SEC (32), SEC (30), "c.ts", SEC (10), TRUE);
  /* Before the recording, and after it: the nearest recorded instant, not exact. */
  assert_point (timeline, EPOCH + 1000000, SEC (1), 0, "a.ts", 0, FALSE);
  assert_point (timeline, EPOCH + 40000000, SEC (40), SEC (30), "c.ts", SEC (10), FALSE);
  /* The wall clock stepped 3 s (NTP) during the session: the running time still rules. */
  assert_point (timeline, EPOCH + 3000000 + 17000000, SEC (17), SEC (15), "b.ts", SEC (5), TRUE);
  /* No running time: by the wall clock. */
  assert_point (timeline, EPOCH + 17250000, -1, MSEC (15250), "b.ts", MSEC (5250), TRUE);

  g_assert_true (tribuna_timeline_locate (timeline, 0, &point, &error));
  g_assert_cmpstr (point.segment->path, ==, "a.ts");
  g_assert_cmpint (point.offset_ns, ==, 0);
  g_assert_true (tribuna_timeline_locate (timeline, SEC (20) - 1, &point, &error));
  g_assert_cmpstr (point.segment->path, ==, "b.ts");
  g_assert_cmpint (point.offset_ns, ==, SEC (10) - 1);
  g_assert_false (tribuna_timeline_locate (timeline, SEC (30) + 1, &point, &error));
  g_assert_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "lasts 30.000 s"));
  g_clear_error (&error);
  g_assert_false (tribuna_timeline_locate (timeline, -1, &point, &error));
  g_assert_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_OUT_OF_RANGE);
}

static void
test_runs_after_crash (void)
{
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GPtrArray) markers = new_markers ();
  g_autoptr(TribunaTimeline) timeline = NULL;
  gint64 epoch2 = EPOCH + 60 * G_USEC_PER_SEC;
  gint64 duration;

  /* Run 1 crashed during its second segment, which was never closed; the program came
   * back 60 s later (running time from 0 again) and the session went on. */
  add_segment (segments, "run1-1.ts", EPOCH, 0, SEC (10));
  add_segment (segments, "run1-2.ts", EPOCH, SEC (10), -1);
  add_segment (segments, "run2-1.ts", epoch2, SEC (1), SEC (10));
  add_marker (markers, TRIBUNA_MARKER_NOTE, 0, EPOCH, SEC (17));  /* the last before the crash */
  timeline = tribuna_timeline_new (segments, markers, NULL);

  /* The open segment lasts until the last marker of its run: 7 s. */
  tribuna_timeline_get_segment (timeline, 1, NULL, &duration);
  g_assert_cmpint (duration, ==, SEC (7));
  g_assert_cmpint (tribuna_timeline_get_duration (timeline), ==, SEC (27));

  /* Same running time, different runs: the epoch tells them apart. */
  assert_point (timeline, EPOCH + 4000000, SEC (4), SEC (4), "run1-1.ts", SEC (4), TRUE);
  assert_point (timeline, epoch2 + 4000000, SEC (4), SEC (20), "run2-1.ts", SEC (3), TRUE);
  assert_point (timeline, EPOCH + 15000000, SEC (15), SEC (15), "run1-2.ts", SEC (5), TRUE);
  /* Set while the program was down (no running time): the first instant after. */
  assert_point (timeline, EPOCH + 40 * G_USEC_PER_SEC, -1, SEC (17), "run2-1.ts", 0, FALSE);
  /* From a run that recorded nothing, later: placed by the wall clock, at the end. */
  assert_point (timeline, EPOCH + 200 * G_USEC_PER_SEC, SEC (5), SEC (27), "run2-1.ts", SEC (10),
                FALSE);
}

static void
test_gap_within_run (void)
{
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GPtrArray) markers = new_markers ();
  g_autoptr(TribunaTimeline) timeline = NULL;
  gint64 duration;

  /* The recorder stopped at 10 s and started again at 30 s, the program running on; the
   * first segment is open (its row never closed) and lasts until the next one starts. */
  add_segment (segments, "a.ts", EPOCH, 0, -1);
  add_segment (segments, "b.ts", EPOCH, SEC (10), SEC (10));
  add_segment (segments, "c.ts", EPOCH, SEC (30), SEC (10));
  timeline = tribuna_timeline_new (segments, markers, NULL);

  tribuna_timeline_get_segment (timeline, 0, NULL, &duration);
  g_assert_cmpint (duration, ==, SEC (10));
  g_assert_cmpint (tribuna_timeline_get_duration (timeline), ==, SEC (30));
  assert_point (timeline, EPOCH + 25000000, SEC (25), SEC (20), "c.ts", 0, FALSE);
  assert_point (timeline, EPOCH + 35000000, SEC (35), SEC (25), "c.ts", SEC (5), TRUE);
}

static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GPtrArray) markers = new_markers ();
  g_autoptr(TribunaTimeline) timeline = NULL;
  TribunaTimelinePoint point;

  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 11, EPOCH, SEC (1));
  timeline = tribuna_timeline_new (segments, markers, NULL);
  g_assert_cmpint (tribuna_timeline_get_duration (timeline), ==, 0);
  g_assert_false (tribuna_timeline_map_marker (timeline, g_ptr_array_index (markers, 0), &point,
                                               &error));
  g_assert_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "no recording"));
  g_clear_error (&error);
  g_assert_null (tribuna_timeline_format_chapters (timeline, TRIBUNA_CHAPTER_FORMAT_YOUTUBE, NULL,
                                                   NULL, &error));
  g_assert_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_EMPTY);
}

/* Items and private ranges *************************************************************/

/* One 100 s segment; items 1, 2, back to 1, then 3; private 40–50 s and from 90 s on. */
static TribunaTimeline *
make_meeting (void)
{
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GPtrArray) markers = new_markers ();
  g_autoptr(GPtrArray) items = new_items ();

  add_segment (segments, "m.ts", EPOCH, 0, SEC (100));
  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 11, EPOCH, SEC (5));
  add_marker (markers, TRIBUNA_MARKER_SPEAKER, 0, EPOCH, SEC (6))->speaker_name = g_strdup ("A");
  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 12, EPOCH, SEC (30));
  add_marker (markers, TRIBUNA_MARKER_PRIVATE_END, 0, EPOCH, SEC (35));     /* unmatched */
  add_marker (markers, TRIBUNA_MARKER_PRIVATE_START, 0, EPOCH, SEC (40));
  add_marker (markers, TRIBUNA_MARKER_PRIVATE_START, 0, EPOCH, SEC (45));   /* already private */
  add_marker (markers, TRIBUNA_MARKER_PRIVATE_END, 0, EPOCH, SEC (50));
  add_marker (markers, TRIBUNA_MARKER_BREAK_START, 0, EPOCH, SEC (52));
  add_marker (markers, TRIBUNA_MARKER_BREAK_END, 0, EPOCH, SEC (55));
  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 11, EPOCH, SEC (60));
  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 13, EPOCH, SEC (80));
  add_marker (markers, TRIBUNA_MARKER_PRIVATE_START, 0, EPOCH, SEC (90));  /* never ended */

  return tribuna_timeline_new (segments, markers, items);
}

static void
assert_ranges (GArray       *ranges,
               const gint64 *expected,
               guint         n)
{
  g_assert_cmpuint (ranges->len, ==, n / 2);
  for (guint i = 0; i < ranges->len; i++)
    {
      TribunaTimeRange *range = &g_array_index (ranges, TribunaTimeRange, i);

      g_assert_cmpint (range->start_ns, ==, expected[2 * i]);
      g_assert_cmpint (range->end_ns, ==, expected[2 * i + 1]);
    }
}

static void
test_items_and_private (void)
{
  g_autoptr(TribunaTimeline) timeline = make_meeting ();
  GPtrArray *ranges = tribuna_timeline_get_item_ranges (timeline);
  TribunaItemRange *range;
  const gint64 hidden[] = { SEC (40), SEC (50), SEC (90), SEC (100) };
  const gint64 first[] = { SEC (5), SEC (30), SEC (60), SEC (80) };
  const gint64 second[] = { SEC (30), SEC (60) };
  const gint64 second_public[] = { SEC (30), SEC (40), SEC (50), SEC (60) };
  const gint64 third_public[] = { SEC (80), SEC (90) };

  assert_ranges (tribuna_timeline_get_private_ranges (timeline), hidden, G_N_ELEMENTS (hidden));
  g_assert_cmpuint (ranges->len, ==, 4);

  /* Item 1 came back after item 2: two stretches; breaks do not cut an item. */
  range = g_ptr_array_index (ranges, 0);
  g_assert_cmpint (range->item->id, ==, 11);
  g_assert_cmpint (range->start_ns, ==, SEC (5));
  g_assert_cmpint (range->end_ns, ==, SEC (80));
  assert_ranges (range->ranges, first, G_N_ELEMENTS (first));
  assert_ranges (range->public_ranges, first, G_N_ELEMENTS (first));
  g_assert_cmpint (range->public_ns, ==, SEC (45));

  range = g_ptr_array_index (ranges, 1);
  assert_ranges (range->ranges, second, G_N_ELEMENTS (second));
  assert_ranges (range->public_ranges, second_public, G_N_ELEMENTS (second_public));
  g_assert_cmpint (range->public_ns, ==, SEC (20));

  /* The last item runs to the session end, minus the private part that never ended. */
  range = g_ptr_array_index (ranges, 2);
  g_assert_cmpint (range->end_ns, ==, SEC (100));
  assert_ranges (range->public_ranges, third_public, G_N_ELEMENTS (third_public));

  range = g_ptr_array_index (ranges, 3);
  g_assert_cmpint (range->start_ns, ==, -1);
  g_assert_cmpuint (range->ranges->len, ==, 0);
  g_assert_cmpint (range->public_ns, ==, 0);
}

/* Chapters *****************************************************************************/

static char *
youtube (TribunaTimeline  *timeline,
         GPtrArray        *warnings,
         GError          **error)
{
  return tribuna_timeline_format_chapters (timeline, TRIBUNA_CHAPTER_FORMAT_YOUTUBE, NULL,
                                           warnings, error);
}

static gboolean
has_warning (GPtrArray  *warnings,
             const char *fragment)
{
  for (guint i = 0; i < warnings->len; i++)
    if (strstr (g_ptr_array_index (warnings, i), fragment) != NULL)
      return TRUE;
  return FALSE;
}

static TribunaTimeline *
make_chapters_case (gint64        length,
                    const gint64 *starts,
                    const gint64 *items,
                    guint         n)
{
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GPtrArray) markers = new_markers ();
  g_autoptr(GPtrArray) agenda = new_items ();

  add_segment (segments, "s.ts", EPOCH, 0, length);
  for (guint i = 0; i < n; i++)
    add_marker (markers, TRIBUNA_MARKER_ITEM_START, items[i], EPOCH, starts[i]);
  return tribuna_timeline_new (segments, markers, agenda);
}

static void
test_chapters_youtube (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TribunaTimeline) timeline = make_meeting ();
  g_autofree char *text = youtube (timeline, warnings, &error);

  /* The 5 s before item 1 is too short for a chapter of its own: item 1 takes 00:00. */
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
                   "00:00 1. Konstatimi i prezencës\n"
                   "00:30 2. Raporti financiar\n"
                   "01:00 1. Konstatimi i prezencës\n"
                   "01:20 3. Të ndryshme\n");
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_true (has_warning (warnings, "“Hapja e seancës” lasted 5 s, under YouTube's 10 s; "
                              "“1. Konstatimi i prezencës” starts at 00:00 instead"));
}

static void
test_chapters_youtube_rules (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autofree char *text = NULL;

  /* A long opening gets its own chapter, named for the meeting (or as asked). */
  {
    const gint64 starts[] = { SEC (75), SEC (200), SEC (300) };
    const gint64 items[] = { 11, 12, 13 };

    timeline = make_chapters_case (SEC (400), starts, items, 3);
    text = tribuna_timeline_format_chapters (timeline, TRIBUNA_CHAPTER_FORMAT_YOUTUBE,
                                             "Hapja e mbledhjes", warnings, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (text, ==,
                     "00:00 Hapja e mbledhjes\n"
                     "01:15 1. Konstatimi i prezencës\n"
                     "03:20 2. Raporti financiar\n"
                     "05:00 3. Të ndryshme\n");
    g_assert_cmpuint (warnings->len, ==, 0);
    g_clear_object (&timeline);
    g_clear_pointer (&text, g_free);
  }

  /* Too few: two chapters cannot be shown; the error says why and what else works. */
  {
    const gint64 starts[] = { 0, SEC (12) };
    const gint64 items[] = { 11, 12 };

    timeline = make_chapters_case (SEC (25), starts, items, 2);
    text = youtube (timeline, warnings, &error);
    g_assert_null (text);
    g_assert_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_TOO_FEW_CHAPTERS);
    g_assert_nonnull (strstr (error->message, "at least 3 of at least 10 s each"));
    g_assert_nonnull (strstr (error->message, "(25 s) gives 2"));
    g_assert_nonnull (strstr (error->message, "WebVTT and JSON"));
    g_clear_error (&error);

    /* WebVTT has no such rule. */
    text = tribuna_timeline_format_chapters (timeline, TRIBUNA_CHAPTER_FORMAT_WEBVTT, NULL, NULL,
                                             &error);
    g_assert_no_error (error);
    g_assert_nonnull (text);
    g_clear_object (&timeline);
    g_clear_pointer (&text, g_free);
  }

  /* Half a second before the first item is no opening: the item starts at 00:00. */
  {
    const gint64 starts[] = { MSEC (500), SEC (60), SEC (120) };
    const gint64 items[] = { 11, 12, 13 };

    timeline = make_chapters_case (SEC (180), starts, items, 3);
    text = tribuna_timeline_format_chapters (timeline, TRIBUNA_CHAPTER_FORMAT_WEBVTT, NULL,
                                             warnings, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (text, "WEBVTT\n\n1\n00:00:00.000 --> 00:01:00.000\n"
                                           "1. Konstatimi i prezencës\n"));
    g_assert_cmpuint (warnings->len, ==, 0);
    g_clear_object (&timeline);
    g_clear_pointer (&text, g_free);
  }

  /* Past an hour, H:MM:SS (the first stays 00:00). */
  {
    const gint64 starts[] = { 0, SEC (1800), SEC (5400) };
    const gint64 items[] = { 11, 12, 13 };

    timeline = make_chapters_case (SEC (7200), starts, items, 3);
    text = youtube (timeline, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (text, ==,
                     "00:00 1. Konstatimi i prezencës\n"
                     "0:30:00 2. Raporti financiar\n"
                     "1:30:00 3. Të ndryshme\n");
    g_clear_object (&timeline);
  }

  /* Nothing marked */
  {
    timeline = make_chapters_case (SEC (100), NULL, NULL, 0);
    g_assert_null (youtube (timeline, NULL, &error));
    g_assert_error (error, TRIBUNA_TIMELINE_ERROR, TRIBUNA_TIMELINE_ERROR_NO_CHAPTERS);
    g_assert_nonnull (strstr (error->message, "no agenda item was marked"));
  }
}

static void
test_chapters_merge_short_middle (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  const gint64 starts[] = { 0, SEC (60), SEC (70), SEC (120) };
  const gint64 items[] = { 11, 12, 13, 14 };
  g_autoptr(TribunaTimeline) timeline = make_chapters_case (SEC (200), starts, items, 4);
  g_autofree char *text = youtube (timeline, warnings, &error);

  /* 10 s exactly is long enough. */
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
                   "00:00 1. Konstatimi i prezencës\n"
                   "01:00 2. Raporti financiar\n"
                   "01:10 3. Të ndryshme\n"
                   "02:00 4. Pika e pashqyrtuar\n");
  g_assert_cmpuint (warnings->len, ==, 0);
  g_clear_pointer (&text, g_free);
  g_clear_object (&timeline);

  {
    /* An item skipped in 5 s joins the one before it; the next keeps its own start. */
    const gint64 short_starts[] = { 0, SEC (60), SEC (65), SEC (120) };

    timeline = make_chapters_case (SEC (200), short_starts, items, 4);
    text = youtube (timeline, warnings, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (text, ==,
                     "00:00 1. Konstatimi i prezencës\n"
                     "01:05 3. Të ndryshme\n"
                     "02:00 4. Pika e pashqyrtuar\n");
    g_assert_cmpuint (warnings->len, ==, 1);
    g_assert_true (has_warning (warnings, "“2. Raporti financiar” at 01:00 lasted 5 s, under "
                                "YouTube's 10 s; it is merged into “1. Konstatimi i prezencës”"));
  }
}

static void
test_chapters_webvtt (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GPtrArray) markers = new_markers ();
  g_autoptr(GPtrArray) items = new_items ();
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autofree char *text = NULL;

  g_free (((TribunaAgendaItem *) g_ptr_array_index (items, 1))->title);
  ((TribunaAgendaItem *) g_ptr_array_index (items, 1))->title = g_strdup ("Buxheti <2025> & KAB");
  add_segment (segments, "s.ts", EPOCH, 0, MSEC (3725500));
  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 11, EPOCH, MSEC (4250));
  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 12, EPOCH, MSEC (3600001));
  timeline = tribuna_timeline_new (segments, markers, items);

  text = tribuna_timeline_format_chapters (timeline, TRIBUNA_CHAPTER_FORMAT_WEBVTT, NULL, NULL,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
                   "WEBVTT\n"
                   "\n1\n00:00:00.000 --> 00:00:04.250\nHapja e seancës\n"
                   "\n2\n00:00:04.250 --> 01:00:00.001\n1. Konstatimi i prezencës\n"
                   "\n3\n01:00:00.001 --> 01:02:05.500\n2. Buxheti &lt;2025&gt; &amp; KAB\n");
}

static void
test_chapters_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) segments = new_segments ();
  g_autoptr(GPtrArray) markers = new_markers ();
  g_autoptr(GPtrArray) items = new_items ();
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonObject *root, *chapter, *item;
  JsonArray *chapters, *ranges;

  add_segment (segments, "a.ts", EPOCH, 0, SEC (60));
  add_segment (segments, "b.ts", EPOCH, SEC (60), SEC (60));
  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 11, EPOCH, SEC (3));
  add_marker (markers, TRIBUNA_MARKER_ITEM_START, 12, EPOCH, SEC (75));
  add_marker (markers, TRIBUNA_MARKER_PRIVATE_START, 0, EPOCH, SEC (90));
  add_marker (markers, TRIBUNA_MARKER_PRIVATE_END, 0, EPOCH, SEC (100));
  timeline = tribuna_timeline_new (segments, markers, items);

  text = tribuna_timeline_format_chapters (timeline, TRIBUNA_CHAPTER_FORMAT_JSON, NULL, NULL,
                                           &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_true (json_object_get_null_member (root, "session"));
  g_assert_cmpint (json_object_get_int_member (root, "duration_ns"), ==, SEC (120));
  chapters = json_object_get_array_member (root, "chapters");
  /* No YouTube rules: the 3 s opening stays. */
  g_assert_cmpuint (json_array_get_length (chapters), ==, 3);
  chapter = json_array_get_object_element (chapters, 2);
  g_assert_cmpstr (json_object_get_string_member (chapter, "title"), ==, "2. Raporti financiar");
  g_assert_cmpstr (json_object_get_string_member (chapter, "number"), ==, "2");
  g_assert_cmpint (json_object_get_int_member (chapter, "item_id"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (chapter, "start_ns"), ==, SEC (75));
  g_assert_cmpint (json_object_get_int_member (chapter, "end_ns"), ==, SEC (120));
  g_assert_cmpstr (json_object_get_string_member (chapter, "start"), ==, "00:01:15.000");
  /* Where a player opens it: the second file, 15 s in. */
  g_assert_cmpstr (json_object_get_string_member (chapter, "file"), ==, "b.ts");
  g_assert_cmpint (json_object_get_int_member (chapter, "offset_ns"), ==, SEC (15));
  g_assert_true (json_object_get_null_member (json_array_get_object_element (chapters, 0),
                                              "item_id"));

  item = json_array_get_object_element (json_object_get_array_member (root, "items"), 1);
  ranges = json_object_get_array_member (item, "public_ranges");
  g_assert_cmpuint (json_array_get_length (ranges), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (ranges, 1),
                                               "start_ns"), ==, SEC (100));
  g_assert_cmpint (json_object_get_int_member (item, "public_ns"), ==, SEC (35));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "private")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "segments")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "warnings")), ==, 0);
}

static void
test_time_format (void)
{
  g_autofree char *zero = tribuna_timeline_format_youtube_time (0, FALSE);
  g_autofree char *minutes = tribuna_timeline_format_youtube_time (MSEC (754999), FALSE);
  g_autofree char *hours = tribuna_timeline_format_youtube_time (SEC (3723), TRUE);

  g_assert_cmpstr (zero, ==, "00:00");
  g_assert_cmpstr (minutes, ==, "12:34");
  g_assert_cmpstr (hours, ==, "1:02:03");
}

/* TribunaTsIndex, on a transport stream written here packet by packet */

#define TEST_PMT_PID   0x20
#define TEST_VIDEO_PID 0x41
#define TEST_AUDIO_PID 0x42

static void
append_packet (GByteArray   *ts,
               guint         pid,
               gboolean      unit_start,
               gboolean      random_access,
               const guint8 *payload,
               gsize         length)
{
  guint8 packet[188];
  gsize at = 4;

  memset (packet, 0xFF, sizeof packet);
  packet[0] = 0x47;
  packet[1] = (unit_start ? 0x40 : 0) | ((pid >> 8) & 0x1F);
  packet[2] = pid & 0xFF;
  packet[3] = 0x10;                      /* payload only */
  if (random_access)
    {
      packet[3] = 0x30;                  /* adaptation field and payload */
      packet[4] = 1;
      packet[5] = 0x40;                  /* random_access_indicator */
      at = 6;
    }
  g_assert_cmpuint (at + length, <=, sizeof packet);
  memcpy (packet + at, payload, length);
  g_byte_array_append (ts, packet, sizeof packet);
}

static void
append_psi (GByteArray *ts)
{
  /* pointer, table 0, length 13, ts id, version, sections, program 1 -> PMT, CRC (unchecked) */
  static const guint8 pat[] = { 0, 0x00, 0xB0, 13, 0, 1, 0xC1, 0, 0,
                                0, 1, 0xE0 | (TEST_PMT_PID >> 8), TEST_PMT_PID & 0xFF, 0, 0, 0, 0 };
  /* pointer, table 2, length 23, program 1, PCR PID, no descriptors, AAC then H.264, CRC */
  static const guint8 pmt[] = { 0, 0x02, 0xB0, 23, 0, 1, 0xC1, 0, 0, 0xE0, TEST_VIDEO_PID,
                                0xF0, 0, 0x0F, 0xE0, TEST_AUDIO_PID, 0xF0, 0,
                                0x1B, 0xE0, TEST_VIDEO_PID, 0xF0, 0, 0, 0, 0, 0 };

  append_packet (ts, 0, TRUE, FALSE, pat, sizeof pat);
  append_packet (ts, TEST_PMT_PID, TRUE, FALSE, pmt, sizeof pmt);
}

static void
append_pes (GByteArray *ts,
            guint       pid,
            gboolean    keyframe,
            guint64     pts)
{
  guint8 pes[14] = { 0, 0, 1, 0xE0, 0, 0, 0x80, 0x80, 5 };

  pes[9] = 0x21 | ((pts >> 29) & 0x0E);
  pes[10] = (pts >> 22) & 0xFF;
  pes[11] = 0x01 | ((pts >> 14) & 0xFE);
  pes[12] = (pts >> 7) & 0xFF;
  pes[13] = 0x01 | ((pts << 1) & 0xFE);
  append_packet (ts, pid, TRUE, keyframe, pes, sizeof pes);
}

static char *
write_ts (GByteArray *ts)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("tribuna-ts-index-XXXXXX.ts", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, (const char *) ts->data, ts->len, &error));
  return path;
}

static void
test_ts_index (void)
{
  g_autoptr(GByteArray) ts = g_byte_array_new ();
  g_autoptr(TribunaTsIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const guint64 wrap = G_GUINT64_CONSTANT (1) << 33;
  const guint64 first = wrap - 90000;    /* a second before the 33-bit PTS wraps */

  append_psi (ts);
  append_pes (ts, TEST_VIDEO_PID, TRUE, first);
  append_pes (ts, TEST_AUDIO_PID, TRUE, first);           /* not video: no keyframe */
  append_pes (ts, TEST_VIDEO_PID, FALSE, first + 3000);   /* no random access: none */
  append_psi (ts);
  append_pes (ts, TEST_VIDEO_PID, TRUE, (first + 2 * 90000) % wrap);
  g_byte_array_append (ts, (const guint8 *) "\x47torn", 5);   /* what kill -9 leaves */
  path = write_ts (ts);

  index = tribuna_ts_index_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_ts_index_get_header_size (index), ==, 2 * 188);
  g_assert_cmpuint (tribuna_ts_index_get_size (index), ==, 8 * 188);
  g_assert_cmpuint (tribuna_ts_index_get_n_keyframes (index), ==, 2);
  g_assert_cmpuint (tribuna_ts_index_get_keyframe (index, 0)->offset, ==, 2 * 188);
  g_assert_cmpint (tribuna_ts_index_get_keyframe (index, 0)->time_ns, ==, 0);
  g_assert_cmpuint (tribuna_ts_index_get_keyframe (index, 1)->offset, ==, 7 * 188);
  g_assert_cmpint (tribuna_ts_index_get_keyframe (index, 1)->time_ns, ==, 2 * G_USEC_PER_SEC * 1000);
  g_unlink (path);
}

static void
test_ts_index_bad (void)
{
  g_autoptr(GByteArray) no_keyframe = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "tribuna-no-such.ts", NULL);

  g_assert_null (tribuna_ts_index_read (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  append_psi (no_keyframe);
  append_pes (no_keyframe, TEST_VIDEO_PID, FALSE, 0);
  path = write_ts (no_keyframe);
  g_assert_null (tribuna_ts_index_read (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "no H.264 keyframe"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "#EXTM3U\n" "not a transport stream, not at all, "
                                      "but long enough to hold one whole packet of 188 bytes: "
                                      "................................................................"
                                      "................................................................",
                                      -1, NULL));
  g_assert_null (tribuna_ts_index_read (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "no sync byte at offset 0"));
  g_unlink (path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recordings/timeline/map/single-run", test_single_run);
  g_test_add_func ("/recordings/timeline/map/runs-after-crash", test_runs_after_crash);
  g_test_add_func ("/recordings/timeline/map/gap-within-run", test_gap_within_run);
  g_test_add_func ("/recordings/timeline/map/empty", test_empty);
  g_test_add_func ("/recordings/timeline/items-and-private", test_items_and_private);
  g_test_add_func ("/recordings/timeline/chapters/youtube", test_chapters_youtube);
  g_test_add_func ("/recordings/timeline/chapters/youtube-rules", test_chapters_youtube_rules);
  g_test_add_func ("/recordings/timeline/chapters/merge-short", test_chapters_merge_short_middle);
  g_test_add_func ("/recordings/timeline/chapters/webvtt", test_chapters_webvtt);
  g_test_add_func ("/recordings/timeline/chapters/json", test_chapters_json);
  g_test_add_func ("/recordings/timeline/time-format", test_time_format);
  g_test_add_func ("/recordings/ts-index/keyframes", test_ts_index);
  g_test_add_func ("/recordings/ts-index/bad", test_ts_index_bad);

  return g_test_run ();
}
