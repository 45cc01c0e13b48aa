/* clip-test.c: the clip export engine against media with a flash and a beep every second
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The media is recorded once per run much as TribunaRecorder records (x264 with the program's
 * settings, parameter sets at every IDR, AAC, MPEG-TS segments opening on a keyframe; here split by
 * splitmuxsink with mpegtsmux rather than the recorder's own segment writer), in 4-second segments
 * so ranges cross segment boundaries in a short test, and a second time as a second recording run
 * (a reconnect: its timestamps start again). One test records with the real tribunad too. Every
 * clip is then checked with ffprobe/ffmpeg: frames, keyframes, the flashes where the pieces put
 * them (so nothing private and nothing twice), the beeps with their flashes, the boxes in order.
 *
 * /pipelines/clip/unit/... need no media and run in the unit suite as well.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fixtures/clip-media.h"
#include "test-utils.h"
#include "tribuna-clip-export.h"
#include "tribuna-clip-private.h"
#include "tribuna-clip-writer.h"

#define S(x) ((gint64) ((x) * GST_SECOND))
#define FRAME_S (1.0 / 30)
#define GOP_S 2.0
/* a flash is on one frame: found within half a frame of where it belongs */
#define FLASH_TOLERANCE_S (0.5 * FRAME_S)
/* the beep against its flash, beside the recording's own offset (AAC priming) */
#define SYNC_TOLERANCE_S 0.003
/* one AAC frame at 48 kHz */
#define AAC_FRAME_S (1024.0 / 48000)

typedef struct {
  char      *dir;
  char      *source_a;
  char      *source_b;
  GPtrArray *run_a;          /* ClipMediaSegment: 40 s in 4-second segments */
  GPtrArray *run_b;          /* a second run, after a reconnect: 12 s */
  gint64     end_a;          /* where run B starts on the session axis */
  double     source_offset;  /* beep minus flash in the recording itself */
} Media;

static Media media;

static void
ensure_media (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(ClipMediaTrace) trace = NULL;

  if (media.dir != NULL)
    return;

  media.dir = tribuna_test_make_tmpdir ("tribuna-clip-media-XXXXXX", &error);
  g_assert_no_error (error);
  media.source_a = g_build_filename (media.dir, "flashbeep-a.mp4", NULL);
  media.source_b = g_build_filename (media.dir, "flashbeep-b.mp4", NULL);

  g_assert_true (clip_media_make_source (media.source_a, 40, &error));
  g_assert_no_error (error);
  g_assert_true (clip_media_make_source (media.source_b, 12, &error));
  g_assert_no_error (error);

  media.run_a = clip_media_record (media.source_a, media.dir, "a", 5 * GST_SECOND, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < media.run_a->len; i++)
    {
      ClipMediaSegment *segment = g_ptr_array_index (media.run_a, i);

      media.end_a = segment->start + segment->duration;
      g_ptr_array_add (paths, segment->path);
    }
  media.run_b = clip_media_record (media.source_b, media.dir, "b", 5 * GST_SECOND,
                                   media.end_a, &error);
  g_assert_no_error (error);
  g_test_message ("recorded %u + %u segments, run A ends at %.6f s", media.run_a->len,
                  media.run_b->len, media.end_a / 1e9);
  g_assert_cmpuint (media.run_a->len, >=, 8);

  /* what the recording itself does with sync: the clip must not change it (segments of one
   * MPEG-TS stream join by plain concatenation) */
  input = g_build_filename (media.dir, "a-all.ts", NULL);
  {
    g_autoptr(GString) all = g_string_new (NULL);

    for (guint i = 0; i < paths->len; i++)
      {
        g_autofree char *bytes = NULL;
        gsize size;

        g_assert_true (g_file_get_contents (g_ptr_array_index (paths, i), &bytes, &size, &error));
        g_string_append_len (all, bytes, size);
      }
    g_assert_true (g_file_set_contents (input, all->str, all->len, &error));
  }
  trace = clip_media_trace (input, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trace->flashes->len, >=, 30);
  g_assert_cmpuint (trace->beeps->len, ==, trace->flashes->len);
  media.source_offset = g_array_index (trace->beeps, double, 5)
                        - g_array_index (trace->flashes, double, 5);
  g_test_message ("the recording's beep is %.1f ms after its flash", media.source_offset * 1000);
  g_assert_cmpfloat (ABS (media.source_offset), <, FRAME_S);
}

/* Requests and running them */

static TribunaClipRequest *
make_request (gboolean with_run_b)
{
  TribunaClipRequest *request = tribuna_clip_request_new ();

  for (guint i = 0; i < media.run_a->len; i++)
    {
      ClipMediaSegment *segment = g_ptr_array_index (media.run_a, i);

      tribuna_clip_request_add_segment (request, segment->path, segment->start,
                                        segment->duration);
    }
  for (guint i = 0; with_run_b && i < media.run_b->len; i++)
    {
      ClipMediaSegment *segment = g_ptr_array_index (media.run_b, i);

      tribuna_clip_request_add_segment (request, segment->path, segment->start,
                                        segment->duration);
    }
  return request;
}

typedef struct {
  GMainContext      *context;
  TribunaClipResult *result;
  GError            *error;
  gboolean           done;
  double             max_progress;
  guint              progress_notes;
  gboolean           progress_off_main;
  gboolean           saw_remaining;
} Run;

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->result = tribuna_clip_export_run_finish (TRIBUNA_CLIP_EXPORT (object), result,
                                                &run->error);
  run->done = TRUE;
}

static void
on_progress (TribunaClipExport *export,
             GParamSpec        *pspec,
             Run               *run)
{
  run->progress_notes++;
  run->max_progress = MAX (run->max_progress, tribuna_clip_export_get_progress (export));
  run->saw_remaining |= tribuna_clip_export_get_remaining_seconds (export) >= 0;
  /* notifications belong on the caller's main context, never the worker's thread */
  if (!g_main_context_is_owner (run->context))
    run->progress_off_main = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((Run *) data)->done;
}

static TribunaClipResult *
export_clip (TribunaClipRequest  *request,
             GError             **error)
{
  g_autoptr(TribunaClipExport) export = tribuna_clip_export_new ();
  Run run = { g_main_context_default (), };
  gulong handler;

  handler = g_signal_connect (export, "notify::progress", G_CALLBACK (on_progress), &run);
  tribuna_clip_export_run_async (export, request, NULL, on_done, &run);
  g_assert_true (tribuna_test_wait_until (run_done, &run, 300));
  g_signal_handler_disconnect (export, handler);
  g_assert_false (run.progress_off_main);
  if (run.result != NULL)
    g_assert_cmpfloat (run.max_progress, ==, 1.0);

  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.result;
}

static char *
make_output_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_build_filename (media.dir, "clips", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_no_error (error);
  return dir;
}

/* Checks */

/* (no libm in the tests' link) */
static double
round_up (double x)
{
  double whole = (double) (gint64) x;

  return whole < x ? whole + 1 : whole;
}

static double
round_near (double x)
{
  return (double) (gint64) (x + (x >= 0 ? 0.5 : -0.5));
}

/* Where the flashes must be: a flash at every whole second of recorded media (run B's own
 * seconds count from its start), at its piece's place in the clip. */
static GArray *
expected_flashes (TribunaClipResult *result)
{
  GArray *flashes = g_array_new (FALSE, FALSE, sizeof (double));
  const TribunaClipRange *pieces;
  guint n_pieces;
  double at = 0;

  pieces = tribuna_clip_result_get_pieces (result, &n_pieces);
  for (guint i = 0; i < n_pieces; i++)
    {
      double start = pieces[i].start / 1e9, end = pieces[i].end / 1e9;
      double end_a = media.end_a / 1e9;

      /* run A's seconds count from 0, run B's from where it starts on the axis */
      for (guint run = 0; run < 2; run++)
        {
          double origin = run == 0 ? 0 : end_a;
          double from = run == 0 ? start : MAX (start, end_a);
          double to = run == 0 ? MIN (end, end_a) : end;

          for (double w = origin + round_up (from - origin - 1e-6); w < to - 1e-6; w += 1.0)
            {
              double t = at + (w - start);

              g_array_append_val (flashes, t);
            }
        }
      at += end - start;
    }

  return flashes;
}

static void
assert_flashes_and_beeps (TribunaClipResult *result,
                          ClipMediaTrace    *trace,
                          gboolean           faded)
{
  g_autoptr(GArray) expected = expected_flashes (result);
  g_autoptr(GString) seen = g_string_new (NULL);

  for (guint i = 0; i < trace->flashes->len; i++)
    g_string_append_printf (seen, " %.3f", g_array_index (trace->flashes, double, i));
  g_test_message ("flashes at%s", seen->str);

  /* fades darken the first and last: those may go unseen, no other may be missing */
  if (!faded)
    g_assert_cmpuint (trace->flashes->len, ==, expected->len);
  for (guint i = 0; i < trace->flashes->len; i++)
    {
      double flash = g_array_index (trace->flashes, double, i);
      gboolean found = FALSE;

      for (guint j = 0; j < expected->len && !found; j++)
        found = ABS (g_array_index (expected, double, j) - flash) <= FLASH_TOLERANCE_S;
      if (!found)
        g_error ("a flash at %.3f s where none belongs: a frame out of place, or private", flash);
    }

  /* every flash has its beep, as far from it as in the recording */
  for (guint i = 0; i < trace->flashes->len; i++)
    {
      double flash = g_array_index (trace->flashes, double, i);
      double nearest = G_MAXDOUBLE;

      for (guint j = 0; j < trace->beeps->len; j++)
        {
          double beep = g_array_index (trace->beeps, double, j);

          if (ABS (beep - flash) < ABS (nearest - flash))
            nearest = beep;
        }
      g_assert_cmpfloat (ABS (nearest - flash), <, FRAME_S);
      g_assert_cmpfloat_with_epsilon (nearest - flash, media.source_offset, SYNC_TOLERANCE_S);
    }
}

/* Frames: the expected number, evenly spaced (no gap), all different (none twice), the first
 * a keyframe. */
static void
assert_frames (ClipMediaTrace *trace,
               double          duration_s)
{
  g_autoptr(GHashTable) hashes = g_hash_table_new (g_str_hash, g_str_equal);
  guint expected = (guint) (duration_s / FRAME_S + 0.5);

  g_assert_cmpuint (trace->times->len, ==, expected);
  g_assert_cmpuint (trace->hashes->len, ==, expected);
  g_assert_true (g_array_index (trace->keyframes, gboolean, 0));
  g_assert_cmpfloat_with_epsilon (g_array_index (trace->times, double, 0), 0.0, 0.001);

  for (guint i = 1; i < trace->times->len; i++)
    {
      double step = g_array_index (trace->times, double, i)
                    - g_array_index (trace->times, double, i - 1);

      if (ABS (step - FRAME_S) > 0.001)
        g_error ("frame %u comes %.4f s after the one before: a gap", i, step);
    }

  for (guint i = 0; i < trace->hashes->len; i++)
    if (!g_hash_table_add (hashes, g_ptr_array_index (trace->hashes, i)))
      g_error ("frame %u shows a picture already shown: a frame taken twice", i);
}

static void
assert_moov_first (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) boxes = clip_media_boxes (path, &error);
  guint moov = G_MAXUINT, mdat = G_MAXUINT;

  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (boxes, 0), ==, "ftyp");
  for (guint i = 0; i < boxes->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (boxes, i), "moov") && moov == G_MAXUINT)
        moov = i;
      if (g_str_equal (g_ptr_array_index (boxes, i), "mdat") && mdat == G_MAXUINT)
        mdat = i;
    }
  g_assert_cmpuint (moov, <, mdat);
  g_assert_cmpuint (mdat, <, boxes->len);
}

static void
assert_files (TribunaClipResult *result,
              gboolean           with_video)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *jpeg = NULL;
  gsize jpeg_size = 0;
  JsonObject *root, *actual;

  g_assert_true (g_file_test (tribuna_clip_result_get_media_path (result), G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_suffix (tribuna_clip_result_get_media_path (result),
                                   with_video ? ".mp4" : ".m4a"));
  assert_moov_first (tribuna_clip_result_get_media_path (result));

  if (with_video)
    {
      g_assert_true (g_file_get_contents (tribuna_clip_result_get_thumbnail_path (result),
                                          &jpeg, &jpeg_size, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (jpeg_size, >, 1000);
      g_assert_cmpint ((guint8) jpeg[0], ==, 0xff);
      g_assert_cmpint ((guint8) jpeg[1], ==, 0xd8);
    }
  else
    g_assert_null (tribuna_clip_result_get_thumbnail_path (result));

  g_assert_true (json_parser_load_from_file (parser, tribuna_clip_result_get_sidecar_path (result),
                                             &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  actual = json_object_get_object_member (root, "actual");
  g_assert_cmpint (json_object_get_int_member (actual, "start_ns"), ==,
                   tribuna_clip_result_get_actual (result).start);
  g_assert_cmpint (json_object_get_int_member (actual, "end_ns"), ==,
                   tribuna_clip_result_get_actual (result).end);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "requested"),
                                               "start_ns"), ==,
                   tribuna_clip_result_get_requested (result).start);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root,
                                                                         "source_segments")),
                    >, 0);
  g_assert_cmpstr (json_object_get_string_member (root, "render"), ==,
                   tribuna_clip_render_to_string (tribuna_clip_result_get_render (result)));
}

/* No file of the clip's, finished or half-made, is left in @dir. */
static void
assert_no_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    g_error ("%s was left behind in %s", name, dir);
}

static ClipMediaTrace *
trace_of (TribunaClipResult *result,
          gboolean           with_video)
{
  g_autoptr(GError) error = NULL;
  ClipMediaTrace *trace = clip_media_trace (tribuna_clip_result_get_media_path (result),
                                            with_video, &error);

  g_assert_no_error (error);
  return trace;
}

/* Unit tests: no media */

static void
test_slug (void)
{
  static const struct {
    const char *text;
    const char *slug;
  } cases[] = {
    { "Dhënia në shfrytëzim e pronës", "dhenia-ne-shfrytezim-e-prones" },
    { "  Çështje të ndryshme!!  ", "ceshtje-te-ndryshme" },
    { "Buxheti 2025 — KAB (2025–2027)", "buxheti-2025-kab-2025-2027" },
    { "Đorđe Šćepanović", "djordje-scepanovic" },
    { "Комитет за заједнице", "komitet-za-zajednice" },
    { "Ωμέγα", "omega" },
    { "???", "" },
    { "", "" },
  };
  g_autofree char *long_slug = NULL;
  g_autofree char *joined = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *slug = tribuna_slugify (cases[i].text, 0);

      /* Greek has no table of ours: whatever GLib makes of it, still a slug */
      if (g_str_equal (cases[i].text, "Ωμέγα"))
        {
          for (const char *p = slug; *p; p++)
            g_assert_true (g_ascii_isalnum (*p) || *p == '-');
          continue;
        }
      g_assert_cmpstr (slug, ==, cases[i].slug);
    }

  long_slug = tribuna_slugify ("Miratimi i projektvendimit për ndarjen e mjeteve buxhetore për "
                               "subvencionimin e fermerëve të komunës", 40);
  g_assert_cmpuint (strlen (long_slug), <=, 40);
  g_assert_false (g_str_has_suffix (long_slug, "-"));
  g_assert_true (g_str_has_prefix (long_slug, "miratimi-i-projektvendimit"));

  joined = tribuna_slug_join ("2024-03-28", "Kuvendi", "pika-5", "Dhënia në shfrytëzim e pronës",
                              NULL);
  g_assert_cmpstr (joined, ==, "2024-03-28_kuvendi_pika-5_dhenia-ne-shfrytezim-e-prones");
}

static TribunaClipRequest *
unit_request (gint64 in,
              gint64 out)
{
  TribunaClipRequest *request = tribuna_clip_request_new ();

  tribuna_clip_request_add_segment (request, "/nonexistent/a.ts", 0, S (600));
  tribuna_clip_request_add_segment (request, "/nonexistent/b.ts", S (600), S (600));
  tribuna_clip_request_set_range (request, in, out);
  tribuna_clip_request_set_output (request, "/tmp", "clip");
  return request;
}

static void
assert_invalid (TribunaClipRequest *request,
                int                 code,
                const char         *words)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (tribuna_clip_request_validate (request, &error));
  g_assert_error (error, TRIBUNA_CLIP_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_ranges (void)
{
  g_autoptr(TribunaClipRequest) negative = unit_request (S (-1), S (10));
  g_autoptr(TribunaClipRequest) past = unit_request (S (1190), S (1201));
  g_autoptr(TribunaClipRequest) reversed = unit_request (S (20), S (10));
  g_autoptr(TribunaClipRequest) empty = unit_request (S (20), S (20));
  g_autoptr(TribunaClipRequest) inside = unit_request (S (100), S (110));
  g_autoptr(TribunaClipRequest) covered = unit_request (S (100), S (110));
  g_autoptr(TribunaClipRequest) cut = unit_request (S (100), S (200));
  g_autoptr(TribunaClipRequest) fast_title = unit_request (S (100), S (200));
  g_autoptr(TribunaClipRequest) no_segments = tribuna_clip_request_new ();
  g_autoptr(TribunaClipRequest) good = unit_request (S (599), S (601));
  g_autoptr(GArray) pieces = NULL;
  g_autoptr(GArray) removed = NULL;
  g_autoptr(GError) error = NULL;

  assert_invalid (negative, TRIBUNA_CLIP_ERROR_RANGE, "cannot start");
  assert_invalid (past, TRIBUNA_CLIP_ERROR_RANGE, "past the end");
  assert_invalid (reversed, TRIBUNA_CLIP_ERROR_RANGE, "must end after it starts");
  assert_invalid (empty, TRIBUNA_CLIP_ERROR_RANGE, "must end after it starts");

  tribuna_clip_request_add_private_range (inside, S (90), S (120));
  assert_invalid (inside, TRIBUNA_CLIP_ERROR_PRIVATE, "inside private time");
  /* two private ranges that together cover it */
  tribuna_clip_request_add_private_range (covered, S (95), S (105));
  tribuna_clip_request_add_private_range (covered, S (104), S (111));
  assert_invalid (covered, TRIBUNA_CLIP_ERROR_PRIVATE, "private");

  tribuna_clip_request_set_range (no_segments, 0, S (1));
  tribuna_clip_request_set_output (no_segments, "/tmp", "clip");
  assert_invalid (no_segments, TRIBUNA_CLIP_ERROR_SEGMENTS, "no recorded segments");

  tribuna_clip_request_set_title (fast_title, "Pika 5", 4);
  assert_invalid (fast_title, TRIBUNA_CLIP_ERROR_UNSUPPORTED, "exact mode");

  g_assert_true (tribuna_clip_request_validate (good, &error));
  g_assert_no_error (error);

  /* overlapping private ranges are merged and cut out; the rest stays in order */
  tribuna_clip_request_add_private_range (cut, S (150), S (160));
  tribuna_clip_request_add_private_range (cut, S (90), S (110));
  tribuna_clip_request_add_private_range (cut, S (155), S (170));
  tribuna_clip_request_add_private_range (cut, S (300), S (400));
  g_assert_true (_tribuna_clip_request_pieces (cut, &pieces, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pieces->len, ==, 2);
  g_assert_cmpint (g_array_index (pieces, TribunaClipRange, 0).start, ==, S (110));
  g_assert_cmpint (g_array_index (pieces, TribunaClipRange, 0).end, ==, S (150));
  g_assert_cmpint (g_array_index (pieces, TribunaClipRange, 1).start, ==, S (170));
  g_assert_cmpint (g_array_index (pieces, TribunaClipRange, 1).end, ==, S (200));
  g_assert_cmpuint (removed->len, ==, 2);
  g_assert_cmpint (g_array_index (removed, TribunaClipRange, 0).start, ==, S (100));
  g_assert_cmpint (g_array_index (removed, TribunaClipRange, 0).end, ==, S (110));
  g_assert_cmpint (g_array_index (removed, TribunaClipRange, 1).start, ==, S (150));
  g_assert_cmpint (g_array_index (removed, TribunaClipRange, 1).end, ==, S (170));
}

static GBytes *
avcc (const guint8 *sps,
      gsize         sps_size,
      const guint8 *pps,
      gsize         pps_size)
{
  GByteArray *out = g_byte_array_new ();
  guint8 header[] = { 1, sps[1], sps[2], sps[3], 0xff, 0xe1, sps_size >> 8, sps_size & 0xff };
  guint8 count[] = { 1, pps_size >> 8, pps_size & 0xff };

  g_byte_array_append (out, header, sizeof header);
  g_byte_array_append (out, sps, sps_size);
  g_byte_array_append (out, count, sizeof count);
  g_byte_array_append (out, pps, pps_size);
  return g_byte_array_free_to_bytes (out);
}

static void
test_avcc_merge (void)
{
  /* SPS: nal 0x67, High profile, level 3.1, id 0 (ue "1") or id 1 (ue "010") */
  static const guint8 sps0[] = { 0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40 };
  static const guint8 sps0b[] = { 0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x41 };
  static const guint8 sps1[] = { 0x67, 0x64, 0x00, 0x1f, 0x59, 0x40, 0x50 };
  static const guint8 pps0[] = { 0x68, 0xeb, 0xe3, 0xcb };   /* pps id 0 ("1") */
  static const guint8 pps1[] = { 0x68, 0x53, 0xe3, 0xcb };   /* pps id 1 ("010") */
  g_autoptr(GBytes) a = avcc (sps0, sizeof sps0, pps0, sizeof pps0);
  g_autoptr(GBytes) b = avcc (sps1, sizeof sps1, pps1, sizeof pps1);
  g_autoptr(GBytes) clash = avcc (sps0b, sizeof sps0b, pps0, sizeof pps0);
  g_autoptr(GBytes) merged = NULL;
  g_autoptr(GBytes) twice = NULL;
  GBytes *pair[2];
  const guint8 *data;
  gsize size;

  pair[0] = a;
  pair[1] = b;
  merged = tribuna_clip_merge_avcc (pair, 2);
  g_assert_nonnull (merged);
  data = g_bytes_get_data (merged, &size);
  g_assert_cmpint (data[5] & 0x1f, ==, 2);                   /* two SPS */
  g_assert_cmpint (data[1], ==, 0x64);                       /* the first one's profile */
  g_assert_cmpuint (size, ==, 6 + 2 * (2 + 7) + 1 + 2 * (2 + 4));

  pair[1] = a;   /* the same sets twice: kept once */
  twice = tribuna_clip_merge_avcc (pair, 2);
  g_assert_true (g_bytes_equal (twice, a));

  pair[1] = clash;   /* the same id, another content: they cannot share an entry */
  g_assert_null (tribuna_clip_merge_avcc (pair, 2));
}

/* Fast mode */

static void
test_fast_inside_segment (void)
{
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(TribunaClipResult) result = NULL;
  g_autoptr(ClipMediaTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  TribunaClipRange actual;

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (FALSE);
  tribuna_clip_request_set_range (request, S (9.5), S (11.7));
  tribuna_clip_request_set_output (request, dir, "fast-inside");

  result = export_clip (request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tribuna_clip_result_get_render (result), ==, TRIBUNA_CLIP_RENDER_COPY);

  /* the start snaps back to the keyframe at or before the in-point, no further than a GOP */
  actual = tribuna_clip_result_get_actual (result);
  g_test_message ("asked 9.5..11.7, got %.3f..%.3f", actual.start / 1e9, actual.end / 1e9);
  g_assert_cmpint (actual.start, <=, S (9.5));
  g_assert_cmpint (actual.start, >, S (9.5 - GOP_S - FRAME_S));
  g_assert_cmpint (ABS (actual.end - S (11.7)), <=, S (FRAME_S));

  assert_files (result, TRUE);
  trace = trace_of (result, TRUE);
  assert_frames (trace, (actual.end - actual.start) / 1e9);
  g_assert_cmpfloat (ABS ((actual.end - actual.start) / 1e9 - 2.2), <=, GOP_S + FRAME_S);
  assert_flashes_and_beeps (result, trace, FALSE);
}

static void
test_fast_across_segments (void)
{
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(TribunaClipResult) result = NULL;
  g_autoptr(ClipMediaTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  TribunaClipRange actual;

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (FALSE);
  /* over two segment boundaries (at 4 s and 8 s of each 4-second segment) */
  tribuna_clip_request_set_range (request, S (6.9), S (17.2));
  tribuna_clip_request_set_output (request, dir, "fast-across");

  result = export_clip (request, &error);
  g_assert_no_error (error);
  actual = tribuna_clip_result_get_actual (result);
  g_assert_cmpint (actual.start, <=, S (6.9));
  g_assert_cmpint (actual.start, >, S (6.9 - GOP_S - FRAME_S));

  assert_files (result, TRUE);
  trace = trace_of (result, TRUE);
  assert_frames (trace, (actual.end - actual.start) / 1e9);
  assert_flashes_and_beeps (result, trace, FALSE);
}

/* Exact mode */

static void
test_exact_smart (void)
{
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(TribunaClipResult) result = NULL;
  g_autoptr(ClipMediaTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  TribunaClipRange actual;

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (FALSE);
  /* mid-GOP at both ends, over a segment boundary */
  tribuna_clip_request_set_range (request, S (5.3), S (13.4));
  tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_EXACT);
  tribuna_clip_request_set_output (request, dir, "exact-smart");

  result = export_clip (request, &error);
  g_assert_no_error (error);
  /* 720p is the web preset's size: only the partial GOP is re-encoded */
  g_assert_cmpint (tribuna_clip_result_get_render (result), ==, TRIBUNA_CLIP_RENDER_SMART);
  g_assert_cmpuint (tribuna_clip_result_get_width (result), ==, 1280);

  actual = tribuna_clip_result_get_actual (result);
  g_assert_cmpint (ABS (actual.start - S (5.3)), <=, S (FRAME_S));
  g_assert_cmpint (ABS (actual.end - S (13.4)), <=, S (FRAME_S));
  g_assert_cmpint (ABS (tribuna_clip_result_get_duration (result) - S (8.1)), <=, S (FRAME_S));

  assert_files (result, TRUE);
  trace = trace_of (result, TRUE);
  assert_frames (trace, tribuna_clip_result_get_duration (result) / 1e9);
  /* the first flash is the recording's 6 s, 0.7 s in: frame-accurate */
  g_assert_cmpfloat_with_epsilon (g_array_index (trace->flashes, double, 0), 0.7,
                                  FLASH_TOLERANCE_S);
  assert_flashes_and_beeps (result, trace, FALSE);
}

static void
test_exact_across_reconnect (void)
{
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(TribunaClipResult) result = NULL;
  g_autoptr(ClipMediaTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  double from, to;

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (TRUE);
  /* from the last seconds of run A into run B, whose timestamps start again */
  from = media.end_a / 1e9 - 3.4;
  to = media.end_a / 1e9 + 2.6;
  tribuna_clip_request_set_range (request, S (from), S (to));
  tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_EXACT);
  tribuna_clip_request_set_output (request, dir, "exact-reconnect");

  result = export_clip (request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ABS (tribuna_clip_result_get_duration (result) - S (6.0)), <=, S (FRAME_S));

  assert_files (result, TRUE);
  trace = trace_of (result, TRUE);
  assert_frames (trace, tribuna_clip_result_get_duration (result) / 1e9);
  assert_flashes_and_beeps (result, trace, FALSE);

  /* and in fast mode too */
  {
    g_autoptr(TribunaClipResult) fast = NULL;
    g_autoptr(ClipMediaTrace) fast_trace = NULL;
    TribunaClipRange actual;

    tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_FAST);
    tribuna_clip_request_set_output (request, dir, "fast-reconnect");
    fast = export_clip (request, &error);
    g_assert_no_error (error);
    actual = tribuna_clip_result_get_actual (fast);
    fast_trace = trace_of (fast, TRUE);
    assert_frames (fast_trace, (actual.end - actual.start) / 1e9);
    assert_flashes_and_beeps (fast, fast_trace, FALSE);
  }
}

static void
test_exact_square_title_fades (void)
{
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(TribunaClipResult) result = NULL;
  g_autoptr(ClipMediaTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaTestMedia) probe = NULL;
  g_autofree char *dir = NULL;

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (FALSE);
  tribuna_clip_request_set_range (request, S (3.5), S (10.5));
  tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_EXACT);
  tribuna_clip_request_set_preset (request, TRIBUNA_CLIP_PRESET_SQUARE);
  tribuna_clip_request_set_title (request, "Pika 5: Dhënia në shfrytëzim e pronës", 2.0);
  tribuna_clip_request_set_fades (request, 0.7, 0.7);
  tribuna_clip_request_set_output (request, dir, "exact-square");

  result = export_clip (request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tribuna_clip_result_get_render (result), ==, TRIBUNA_CLIP_RENDER_FULL);

  probe = tribuna_test_probe (tribuna_clip_result_get_media_path (result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (probe->width, ==, 1080);
  g_assert_cmpuint (probe->height, ==, 1080);
  g_assert_cmpstr (probe->audio_codec, ==, "aac");

  assert_files (result, TRUE);
  trace = trace_of (result, TRUE);
  assert_frames (trace, 7.0);
  /* the box sits in the middle, inside the square: flashes and beeps still line up (the
   * re-encoded sound keeps the recording's timing) */
  assert_flashes_and_beeps (result, trace, TRUE);
  g_assert_cmpuint (trace->flashes->len, >=, 5);
}

static void
test_exact_facebook_keeps_source_size (void)
{
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(TribunaClipResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (FALSE);
  tribuna_clip_request_set_range (request, S (20.25), S (24.0));
  tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_EXACT);
  tribuna_clip_request_set_preset (request, TRIBUNA_CLIP_PRESET_FACEBOOK);
  tribuna_clip_request_set_output (request, dir, "exact-facebook");

  /* a 720p hall is not blown up to 1080p: the source size, smart-rendered */
  result = export_clip (request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tribuna_clip_result_get_width (result), ==, 1280);
  g_assert_cmpuint (tribuna_clip_result_get_height (result), ==, 720);
  g_assert_cmpint (tribuna_clip_result_get_render (result), ==, TRIBUNA_CLIP_RENDER_SMART);
  assert_files (result, TRUE);
}

static void
test_audio (void)
{
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (FALSE);
  tribuna_clip_request_set_range (request, S (2.5), S (14.5));
  tribuna_clip_request_set_preset (request, TRIBUNA_CLIP_PRESET_AUDIO);
  tribuna_clip_request_set_output (request, dir, "audio");

  for (guint faded = 0; faded < 2; faded++)
    {
      g_autoptr(TribunaClipResult) result = NULL;
      g_autoptr(ClipMediaTrace) trace = NULL;
      g_autoptr(TribunaTestMedia) probe = NULL;

      if (faded)
        {
          tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_EXACT);
          tribuna_clip_request_set_fades (request, 1.0, 1.0);
        }
      result = export_clip (request, &error);
      g_assert_no_error (error);
      g_assert_cmpint (tribuna_clip_result_get_render (result), ==, TRIBUNA_CLIP_RENDER_AUDIO);
      assert_files (result, FALSE);

      probe = tribuna_test_probe (tribuna_clip_result_get_media_path (result), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (probe->n_video, ==, 0);
      g_assert_cmpstr (probe->audio_codec, ==, "aac");
      g_assert_cmpfloat_with_epsilon (probe->duration, 12.0, 0.05);

      /* a beep a second, where the recording has them */
      trace = trace_of (result, FALSE);
      g_assert_cmpuint (trace->beeps->len, >=, faded ? 10 : 12);
      for (guint i = 0; i < trace->beeps->len; i++)
        {
          double beep = g_array_index (trace->beeps, double, i);
          double expected = 0.5 + media.source_offset
                            + round_near (beep - 0.5 - media.source_offset);

          g_assert_cmpfloat_with_epsilon (beep, expected, 0.03);
        }
    }
}

/* Private time */

static void
test_private_cut (void)
{
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (FALSE);
  tribuna_clip_request_set_range (request, S (2.5), S (14.5));
  /* covers the flashes at 7 and 8 s, and a keyframe-and-a-half of GOP before its end */
  tribuna_clip_request_add_private_range (request, S (6.4), S (8.7));

  for (guint exact = 0; exact < 2; exact++)
    {
      g_autoptr(TribunaClipResult) result = NULL;
      g_autoptr(ClipMediaTrace) trace = NULL;
      const TribunaClipRange *cut, *pieces;
      guint n_cut, n_pieces;

      tribuna_clip_request_set_mode (request, exact ? TRIBUNA_CLIP_MODE_EXACT
                                                     : TRIBUNA_CLIP_MODE_FAST);
      tribuna_clip_request_set_output (request, dir, exact ? "private-exact" : "private-fast");
      result = export_clip (request, &error);
      g_assert_no_error (error);

      cut = tribuna_clip_result_get_cut (result, &n_cut);
      g_assert_cmpuint (n_cut, ==, 1);
      g_assert_cmpint (cut[0].start, ==, S (6.4));
      g_assert_cmpint (cut[0].end, ==, S (8.7));

      /* no piece touches private time: fast mode starts the second piece at the keyframe
       * after it, not the one before */
      pieces = tribuna_clip_result_get_pieces (result, &n_pieces);
      g_assert_cmpuint (n_pieces, ==, 2);
      g_assert_cmpint (pieces[0].end, <=, S (6.4));
      g_assert_cmpint (pieces[1].start, >=, S (8.7));
      g_test_message ("%s pieces: %.3f..%.3f, %.3f..%.3f", exact ? "exact" : "fast",
                      pieces[0].start / 1e9, pieces[0].end / 1e9, pieces[1].start / 1e9,
                      pieces[1].end / 1e9);

      assert_files (result, TRUE);
      trace = trace_of (result, TRUE);
      assert_frames (trace, tribuna_clip_result_get_duration (result) / 1e9);
      /* the flashes of 7 s and 8 s must not be there: the list is checked exactly */
      assert_flashes_and_beeps (result, trace, FALSE);
    }
}

/* Errors, cancel, the queue */

static void
assert_export_fails (TribunaClipRequest *request,
                     int                 code,
                     const char         *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaClipResult) result = export_clip (request, &error);

  g_assert_null (result);
  g_assert_error (error, TRIBUNA_CLIP_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_errors (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *empty_dir = NULL;

  ensure_media ();
  dir = make_output_dir ();
  empty_dir = g_build_filename (media.dir, "no-clips", NULL);

  {
    g_autoptr(TribunaClipRequest) request = make_request (FALSE);

    tribuna_clip_request_set_output (request, empty_dir, "bad");
    tribuna_clip_request_set_range (request, S (-2), S (3));
    assert_export_fails (request, TRIBUNA_CLIP_ERROR_RANGE, "cannot start");
    tribuna_clip_request_set_range (request, S (30), S (45));
    assert_export_fails (request, TRIBUNA_CLIP_ERROR_RANGE, "past the end");
    tribuna_clip_request_set_range (request, S (12), S (11));
    assert_export_fails (request, TRIBUNA_CLIP_ERROR_RANGE, "must end after it starts");
    tribuna_clip_request_set_range (request, S (12), S (14));
    tribuna_clip_request_add_private_range (request, S (10), S (20));
    assert_export_fails (request, TRIBUNA_CLIP_ERROR_PRIVATE, "inside private time");
  }

  {
    g_autoptr(TribunaClipRequest) request = make_request (FALSE);

    tribuna_clip_request_set_output (request, empty_dir, "bad");
    tribuna_clip_request_set_range (request, S (12), S (14));
    tribuna_clip_request_set_preset (request, TRIBUNA_CLIP_PRESET_SQUARE);
    assert_export_fails (request, TRIBUNA_CLIP_ERROR_UNSUPPORTED, "exact mode");
  }

  {
    g_autoptr(TribunaClipRequest) request = tribuna_clip_request_new ();
    g_autofree char *missing = g_build_filename (media.dir, "gone.ts", NULL);

    tribuna_clip_request_add_segment (request, missing, 0, S (10));
    tribuna_clip_request_set_range (request, S (1), S (3));
    tribuna_clip_request_set_output (request, empty_dir, "bad");
    assert_export_fails (request, TRIBUNA_CLIP_ERROR_SOURCE, "missing");
  }

  /* none of these left anything behind */
  if (g_file_test (empty_dir, G_FILE_TEST_IS_DIR))
    assert_no_files (empty_dir);
}

typedef struct {
  GCancellable *cancellable;
  double        at;
} CancelAt;

static void
cancel_when (TribunaClipExport *export,
             GParamSpec        *pspec,
             CancelAt          *cancel)
{
  if (tribuna_clip_export_get_progress (export) >= cancel->at)
    g_cancellable_cancel (cancel->cancellable);
}

static void
test_cancel (void)
{
  g_autoptr(TribunaClipExport) export = tribuna_clip_export_new ();
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(TribunaClipRequest) queued = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) queued_cancellable = g_cancellable_new ();
  g_autofree char *dir = NULL;
  CancelAt cancel = { cancellable, 0.2 };
  Run run = { g_main_context_default (), }, second = { g_main_context_default (), };

  ensure_media ();
  dir = g_build_filename (media.dir, "cancelled", NULL);
  request = make_request (FALSE);
  /* a full re-encode of 30 s: long enough to be caught in the middle */
  tribuna_clip_request_set_range (request, S (2), S (32));
  tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_EXACT);
  tribuna_clip_request_set_preset (request, TRIBUNA_CLIP_PRESET_SQUARE);
  tribuna_clip_request_set_output (request, dir, "cancelled");
  queued = tribuna_clip_request_copy (request);
  tribuna_clip_request_set_output (queued, dir, "never-started");

  g_signal_connect (export, "notify::progress", G_CALLBACK (cancel_when), &cancel);
  tribuna_clip_export_run_async (export, request, cancellable, on_done, &run);
  tribuna_clip_export_run_async (export, queued, queued_cancellable, on_done, &second);
  g_assert_true (tribuna_clip_export_get_busy (export));
  g_assert_cmpuint (tribuna_clip_export_get_queued (export), ==, 1);

  /* the waiting one leaves the queue at once */
  g_cancellable_cancel (queued_cancellable);
  g_assert_true (tribuna_test_wait_until (run_done, &second, 10));
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (tribuna_clip_export_get_queued (export), ==, 0);
  g_clear_error (&second.error);

  g_assert_true (tribuna_test_wait_until (run_done, &run, 300));
  g_assert_null (run.result);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&run.error);
  g_assert_false (tribuna_clip_export_get_busy (export));

  /* not a byte of either clip, finished or temporary */
  assert_no_files (dir);
}

static void
test_queue (void)
{
  g_autoptr(TribunaClipExport) export = tribuna_clip_export_new ();
  g_autoptr(TribunaClipRequest) first = NULL;
  g_autoptr(TribunaClipRequest) second = NULL;
  g_autofree char *dir = NULL;
  Run run_first = { g_main_context_default (), }, run_second = { g_main_context_default (), };

  ensure_media ();
  dir = make_output_dir ();
  first = make_request (FALSE);
  tribuna_clip_request_set_range (first, S (1), S (21));
  tribuna_clip_request_set_mode (first, TRIBUNA_CLIP_MODE_EXACT);
  tribuna_clip_request_set_preset (first, TRIBUNA_CLIP_PRESET_SQUARE);
  tribuna_clip_request_set_output (first, dir, "queue-first");
  second = make_request (FALSE);
  tribuna_clip_request_set_range (second, S (3), S (9));
  tribuna_clip_request_set_output (second, dir, "queue-second");

  g_signal_connect (export, "notify::progress", G_CALLBACK (on_progress), &run_first);
  tribuna_clip_export_run_async (export, first, NULL, on_done, &run_first);
  tribuna_clip_export_run_async (export, second, NULL, on_done, &run_second);
  g_assert_cmpuint (tribuna_clip_export_get_queued (export), ==, 1);

  /* the second waits for the first */
  g_assert_true (tribuna_test_wait_until (run_done, &run_first, 300));
  g_assert_no_error (run_first.error);
  g_assert_false (run_second.done);
  g_assert_true (tribuna_test_wait_until (run_done, &run_second, 300));
  g_assert_no_error (run_second.error);

  g_assert_false (run_first.progress_off_main);
  g_assert_cmpuint (run_first.progress_notes, >, 2);
  g_assert_true (run_first.saw_remaining);
  g_assert_cmpfloat (tribuna_clip_export_get_progress (export), ==, 1.0);
  tribuna_clip_result_unref (run_first.result);
  tribuna_clip_result_unref (run_second.result);
}

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Beep minus flash, the median over the flashes that have a beep within half a second:
 * the recording may begin or end between a flash and its beep. */
static double
median_av_offset (ClipMediaTrace *trace)
{
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < trace->flashes->len; i++)
    {
      double flash = g_array_index (trace->flashes, double, i);
      double nearest = G_MAXDOUBLE;

      for (guint j = 0; j < trace->beeps->len; j++)
        {
          double offset = g_array_index (trace->beeps, double, j) - flash;

          if (ABS (offset) < ABS (nearest))
            nearest = offset;
        }
      if (ABS (nearest) < 0.5)
        g_array_append_val (offsets, nearest);
    }

  g_assert_cmpuint (offsets->len, >=, 2);
  g_array_sort (offsets, compare_doubles);
  return g_array_index (offsets, double, offsets->len / 2);
}

/* A real recording: tribunad records the flash/beep file */

static void
test_daemon_recording (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *config = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) logs = NULL;
  g_autoptr(TribunaClipRequest) request = tribuna_clip_request_new ();
  g_auto(GStrv) lines = NULL;
  g_autofree char *log_text = NULL;
  g_autofree char *log_dir = NULL;
  gint64 axis = 0;
  double recorded_offset = 0;
  int status;

  ensure_media ();
  data_dir = g_build_filename (media.dir, "daemon", NULL);
  config_path = g_build_filename (media.dir, "tribuna.conf", NULL);
  uri = g_filename_to_uri (media.source_a, NULL, &error);
  g_assert_no_error (error);
  config = g_strdup_printf ("[source Salla]\nuri=%s\n[recording]\nsegment-minutes=1\n", uri);
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));

  {
    const char *args[] = { "--config", config_path, "--data-dir", data_dir, "--record",
                           "--for", "9", NULL };

    gboolean ran = tribuna_test_daemon_run (args, 60, &out, &err, &status, &error);

    g_assert_no_error (error);
    g_assert_true (ran);
    if (status != 0)
      g_error ("tribunad exited %d:\n%s%s", status, out, err);
  }

  /* the segments and their times, from the segment log */
  logs = tribuna_test_find_files (data_dir, "segments.jsonl");
  g_assert_cmpuint (logs->len, ==, 1);
  g_assert_true (g_file_get_contents (g_ptr_array_index (logs, 0), &log_text, NULL, &error));
  log_dir = g_path_get_dirname (g_ptr_array_index (logs, 0));
  lines = g_strsplit (log_text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *line;
      g_autofree char *path = NULL;
      gint64 duration;

      if (lines[i][0] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      line = json_node_get_object (json_parser_get_root (parser));
      if (!g_str_equal (json_object_get_string_member (line, "event"), "closed"))
        continue;
      path = g_build_filename (log_dir, json_object_get_string_member (line, "file"), NULL);
      /* the recorder's "closed" record: duration_ns (segment_time_ns before it) */
      duration = json_object_get_int_member_with_default (line, "duration_ns", -1);
      if (duration < 0)
        duration = json_object_get_int_member_with_default (line, "segment_time_ns", -1);
      g_assert_cmpint (duration, >, 0);
      tribuna_clip_request_add_segment (request, path, axis, duration);
      axis += duration;
    }
  g_test_message ("tribunad recorded %.3f s", axis / 1e9);
  g_assert_cmpint (axis, >, S (6));

  /* the recording's own sync, which the clips must keep */
  {
    g_autoptr(GPtrArray) segments = tribuna_test_find_files (data_dir, ".ts");
    g_autoptr(ClipMediaTrace) recorded = clip_media_trace (g_ptr_array_index (segments, 0), TRUE,
                                                           &error);

    g_assert_no_error (error);
    g_assert_cmpuint (recorded->flashes->len, >, 2);
    g_assert_cmpuint (recorded->beeps->len, >, 2);
    recorded_offset = median_av_offset (recorded);
    g_test_message ("in tribunad's recording the beep is %.1f ms after its flash",
                    recorded_offset * 1000);
    /* The program keeps sound and picture together (the AAC priming is taken out). */
    g_assert_cmpfloat (ABS (recorded_offset), <, FRAME_S);
  }

  dir = make_output_dir ();
  for (guint exact = 0; exact < 2; exact++)
    {
      g_autoptr(TribunaClipResult) result = NULL;
      g_autoptr(ClipMediaTrace) trace = NULL;
      TribunaClipRange actual;
      double expected;

      tribuna_clip_request_set_range (request, S (2.6), S (6.3));
      tribuna_clip_request_set_mode (request, exact ? TRIBUNA_CLIP_MODE_EXACT
                                                     : TRIBUNA_CLIP_MODE_FAST);
      tribuna_clip_request_set_output (request, dir, exact ? "daemon-exact" : "daemon-fast");
      result = export_clip (request, &error);
      g_assert_no_error (error);
      actual = tribuna_clip_result_get_actual (result);
      expected = (actual.end - actual.start) / 1e9;
      if (exact)
        g_assert_cmpfloat_with_epsilon (expected, 3.7, FRAME_S);
      else
        g_assert_cmpfloat (expected, <=, 3.7 + GOP_S + FRAME_S);

      assert_files (result, TRUE);
      trace = trace_of (result, TRUE);
      assert_frames (trace, expected);
      /* the daemon plays the file in real time from wherever: flashes every second, each
       * with its beep */
      g_assert_cmpuint (trace->flashes->len, >=, 3);
      for (guint i = 1; i < trace->flashes->len; i++)
        g_assert_cmpfloat_with_epsilon (g_array_index (trace->flashes, double, i)
                                        - g_array_index (trace->flashes, double, i - 1),
                                        1.0, FLASH_TOLERANCE_S);
      for (guint i = 0; i < trace->flashes->len; i++)
        {
          double flash = g_array_index (trace->flashes, double, i);
          gboolean found = FALSE;

          /* A clip's sound starts at the first whole AAC frame, up to 21 ms after its
           * first picture: a beep already under way there has no onset to find. Nor
           * has one inside that first frame: cut from a stream, it decodes without the
           * frame before it to overlap, so its first milliseconds ramp up (a flash on
           * the clip's first picture, which the daemon's free-running phase between
           * flashes and keyframes makes now and then, put its beep there). */
          if (flash + recorded_offset < trace->audio_start + AAC_FRAME_S)
            {
              g_assert_cmpuint (i, ==, 0);
              continue;
            }
          for (guint j = 0; j < trace->beeps->len; j++)
            found |= ABS (g_array_index (trace->beeps, double, j) - flash - recorded_offset)
                     < SYNC_TOLERANCE_S;
          if (!found)
            g_error ("the flash at %.3f s has no beep %.1f ms after it, as in the recording",
                     flash, recorded_offset * 1000);
        }
    }
}


/* Web playback: chromium plays what the website and Facebook get */

static void
test_browser (void)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *node_modules = g_build_filename (TRIBUNA_SOURCE_DIR, "data", "web",
                                                    "node_modules", NULL);
  g_autofree char *playwright = g_build_filename (node_modules, "playwright-core",
                                                  "package.json", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fixtures", "clip-play.cjs",
                                                   NULL);
  const char *chromium = g_getenv ("TRIBUNA_CHROMIUM") ? g_getenv ("TRIBUNA_CHROMIUM")
                         : "/usr/bin/chromium";
  g_autoptr(TribunaClipRequest) request = NULL;
  g_autoptr(TribunaClipResult) smart = NULL;
  g_autoptr(TribunaClipResult) fast = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *dir = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_results = 0;

  if (node == NULL || !g_file_test (chromium, G_FILE_TEST_IS_EXECUTABLE)
      || !g_file_test (playwright, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("node, chromium or playwright-core (npm ci in data/web) is not installed");
      return;
    }

  ensure_media ();
  dir = make_output_dir ();
  request = make_request (FALSE);
  tribuna_clip_request_set_range (request, S (5.3), S (13.4));
  tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_EXACT);
  tribuna_clip_request_set_title (request, "Pika 5", 2.0);
  tribuna_clip_request_set_output (request, dir, "browser-smart");
  smart = export_clip (request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tribuna_clip_result_get_render (smart), ==, TRIBUNA_CLIP_RENDER_SMART);
  tribuna_clip_request_set_mode (request, TRIBUNA_CLIP_MODE_FAST);
  tribuna_clip_request_set_title (request, NULL, 0);
  tribuna_clip_request_set_output (request, dir, "browser-fast");
  fast = export_clip (request, &error);
  g_assert_no_error (error);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, node, script, chromium, node_modules,
                              tribuna_clip_result_get_media_path (smart),
                              tribuna_clip_result_get_media_path (fast), NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_error ("the browser could not play the clips:\n%s%s", out, err);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      TribunaClipResult *result = n_results == 0 ? smart : fast;
      JsonObject *played;

      if (lines[i][0] != '{')
        continue;
      g_test_message ("chromium: %s", lines[i]);
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      played = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_get_null_member (played, "error"));
      g_assert_cmpint (json_object_get_int_member (played, "width"), ==, 1280);
      g_assert_true (json_object_get_boolean_member (played, "ended"));
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (played, "duration"),
                                      tribuna_clip_result_get_duration (result) / 1e9, 0.05);
      g_assert_cmpint (json_object_get_int_member (played, "corrupted"), ==, 0);
      /* every frame decoded (some may be dropped from display on a busy machine, not here) */
      g_assert_cmpint (json_object_get_int_member (played, "frames"), >=,
                       (gint64) (tribuna_clip_result_get_duration (result) / 1e9 / FRAME_S) - 1);
      n_results++;
    }
  g_assert_cmpuint (n_results, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pipelines/clip/unit/slug", test_slug);
  g_test_add_func ("/pipelines/clip/unit/ranges", test_ranges);
  g_test_add_func ("/pipelines/clip/unit/avcc-merge", test_avcc_merge);
  g_test_add_func ("/pipelines/clip/fast/inside-segment", test_fast_inside_segment);
  g_test_add_func ("/pipelines/clip/fast/across-segments", test_fast_across_segments);
  g_test_add_func ("/pipelines/clip/exact/smart", test_exact_smart);
  g_test_add_func ("/pipelines/clip/exact/across-reconnect", test_exact_across_reconnect);
  g_test_add_func ("/pipelines/clip/exact/square-title-fades", test_exact_square_title_fades);
  g_test_add_func ("/pipelines/clip/exact/facebook-source-size",
                   test_exact_facebook_keeps_source_size);
  g_test_add_func ("/pipelines/clip/audio", test_audio);
  g_test_add_func ("/pipelines/clip/private/cut", test_private_cut);
  g_test_add_func ("/pipelines/clip/errors", test_errors);
  g_test_add_func ("/pipelines/clip/cancel", test_cancel);
  g_test_add_func ("/pipelines/clip/queue", test_queue);
  g_test_add_func ("/pipelines/clip/daemon-recording", test_daemon_recording);
  g_test_add_func ("/pipelines/clip/browser", test_browser);

  status = g_test_run ();

  if (media.dir != NULL)
    {
      tribuna_test_rm_rf (media.dir, NULL);
      g_clear_pointer (&media.dir, g_free);
      g_clear_pointer (&media.source_a, g_free);
      g_clear_pointer (&media.source_b, g_free);
      g_clear_pointer (&media.run_a, g_ptr_array_unref);
      g_clear_pointer (&media.run_b, g_ptr_array_unref);
    }
  return status;
}
