/* tribuna-timeline.h: one session's time axis: markers to files and offsets, items, chapters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session axis counts recorded time only. Session time 0 is the first frame of the
 * session's first segment; segments follow each other in recording order, each adding its
 * duration, so the axis is what a viewer sees when the files are played one after the
 * other. Time that was not recorded (the recorder stopped, or the program crashed and the
 * session was continued) takes no room on it.
 *
 * Segments are grouped in runs: those recorded by one run of the program share its
 * epoch (wall-clock UTC of running time zero, wall_us - running_time_ns / 1000), and
 * within a run the pipeline running time places any instant exactly. A marker is placed in
 * the run whose epoch is nearest its own (within TRIBUNA_TIMELINE_EPOCH_TOLERANCE_US), by
 * its running time; a marker without running time, or from a run that recorded nothing, is
 * placed by its wall clock. Its position is the recorded time before it. A marker set
 * while nothing was being recorded lands on the next recorded instant (point.exact is
 * FALSE); one set after the last recorded frame, at the end of the session.
 *
 * A segment whose duration is not known yet (open: being written, or cut by a crash and not
 * yet measured) lasts until the next segment of its run starts, else until the last marker
 * of its run.
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-archive.h"

G_BEGIN_DECLS

#define TRIBUNA_TIMELINE_ERROR (tribuna_timeline_error_quark ())

typedef enum {
  TRIBUNA_TIMELINE_ERROR_EMPTY,         /* the session has no recording */
  TRIBUNA_TIMELINE_ERROR_OUT_OF_RANGE,  /* an instant outside [0, duration] */
  TRIBUNA_TIMELINE_ERROR_NO_CHAPTERS,   /* no agenda item was marked */
  TRIBUNA_TIMELINE_ERROR_TOO_FEW_CHAPTERS, /* YouTube's rules cannot be met */
} TribunaTimelineError;

typedef enum {
  TRIBUNA_CHAPTER_FORMAT_YOUTUBE,
  TRIBUNA_CHAPTER_FORMAT_WEBVTT,
  TRIBUNA_CHAPTER_FORMAT_JSON,
} TribunaChapterFormat;

/* How far apart a marker's epoch and a run's may be and still be the same run: wall-clock
 * corrections (NTP) during a long session move a marker's epoch by up to seconds, while two
 * runs of the program start at least a segment's length apart. */
#define TRIBUNA_TIMELINE_EPOCH_TOLERANCE_US (30 * G_USEC_PER_SEC)

/* YouTube's rules for chapters in a video description. */
#define TRIBUNA_YOUTUBE_MIN_CHAPTERS   3
#define TRIBUNA_YOUTUBE_MIN_CHAPTER_S  10

typedef struct {
  gint64 start_ns;
  gint64 end_ns;
} TribunaTimeRange;

/**
 * TribunaTimelinePoint:
 * @session_ns: the position on the session axis
 * @segment: the segment holding it (owned by the timeline); at the very end of the session,
 *   the last segment
 * @offset_ns: from the first frame of @segment
 * @exact: FALSE when the instant was not recorded and the point is the next one that was
 */
typedef struct {
  gint64                session_ns;
  const TribunaSegment *segment;
  gint64                offset_ns;
  gboolean              exact;
} TribunaTimelinePoint;

/**
 * TribunaItemRange: when an agenda item was under way.
 * @item: the agenda item (owned by the timeline)
 * @start_ns: its first start, -1 when it was never marked (then everything else is empty)
 * @end_ns: the end of its last stretch
 * @ranges: TribunaTimeRange, every stretch from one of its item-start markers to the next
 *   item-start (or the session end); several when the meeting came back to it
 * @public_ranges: @ranges minus the private ranges
 * @public_ns: the total length of @public_ranges
 */
typedef struct {
  const TribunaAgendaItem *item;
  gint64                   start_ns;
  gint64                   end_ns;
  GArray                  *ranges;
  GArray                  *public_ranges;
  gint64                   public_ns;
} TribunaItemRange;

/**
 * TribunaChapter:
 * @item_id: the agenda item, 0 for the opening before the first item
 * @title: "5. Title" as tribuna_agenda_item_label() gives it, or the opening's title
 */
typedef struct {
  gint64  start_ns;
  gint64  end_ns;
  gint64  item_id;
  char   *title;
} TribunaChapter;

#define TRIBUNA_TYPE_TIMELINE (tribuna_timeline_get_type ())
G_DECLARE_FINAL_TYPE (TribunaTimeline, tribuna_timeline, TRIBUNA, TIMELINE, GObject)

GQuark            tribuna_timeline_error_quark        (void);

/* Copies the rows it is given: TribunaSegment, TribunaMarker (of one session) and
 * TribunaAgendaItem; @items may be NULL. */
TribunaTimeline  *tribuna_timeline_new                (GPtrArray              *segments,
                                                       GPtrArray              *markers,
                                                       GPtrArray              *items);
TribunaTimeline  *tribuna_timeline_new_for_session    (TribunaArchive         *archive,
                                                       gint64                  session_id,
                                                       GError                **error);
/* The session the timeline was read from, or NULL for tribuna_timeline_new(). */
const TribunaSession *tribuna_timeline_get_session    (TribunaTimeline        *self);

/* Recorded time in the session. */
gint64            tribuna_timeline_get_duration       (TribunaTimeline        *self);
guint             tribuna_timeline_get_n_segments     (TribunaTimeline        *self);
/* The @index-th segment in axis order, where it starts on the axis and how long it counts
 * for (its duration, or the estimate described above). */
const TribunaSegment *tribuna_timeline_get_segment    (TribunaTimeline        *self,
                                                       guint                   index,
                                                       gint64                 *session_start_ns,
                                                       gint64                 *duration_ns);

/* Session axis → segment and offset. @session_ns in [0, duration]. */
gboolean          tribuna_timeline_locate             (TribunaTimeline        *self,
                                                       gint64                  session_ns,
                                                       TribunaTimelinePoint   *point,
                                                       GError                **error);
/* An instant (wall clock and running time, -1 when unknown) → session axis, segment, offset. */
gboolean          tribuna_timeline_map_instant        (TribunaTimeline        *self,
                                                       gint64                  wall_us,
                                                       gint64                  running_time_ns,
                                                       TribunaTimelinePoint   *point,
                                                       GError                **error);
gboolean          tribuna_timeline_map_marker         (TribunaTimeline        *self,
                                                       const TribunaMarker    *marker,
                                                       TribunaTimelinePoint   *point,
                                                       GError                **error);

/* TribunaTimeRange, sorted, disjoint: from each private-start to the next private-end (or
 * the session end). */
GArray           *tribuna_timeline_get_private_ranges (TribunaTimeline        *self);
/* TribunaItemRange for every agenda item, in agenda order (owned by the timeline). */
GPtrArray        *tribuna_timeline_get_item_ranges    (TribunaTimeline        *self);

/* Chapters: one per stretch of an agenda item, in time order, plus @opening_title (NULL:
 * "Hapja e seancës"…, by session type) from 0 to the first item when it starts a second or
 * more into the recording (under a second, the first item starts at 0).
 *
 * With @youtube_rules, YouTube's: the first at 00:00, at least three, each at least 10 s
 * (whole seconds, as the description shows them). A chapter too short is merged into the
 * one before it (the first one into the next, which then starts at 00:00), and each merge
 * adds a sentence to @warnings; if fewer than three remain, it fails with
 * TRIBUNA_TIMELINE_ERROR_TOO_FEW_CHAPTERS saying why. Without, every stretch is a chapter.
 * @warnings (char *) may be NULL. Fails with NO_CHAPTERS when no item was marked. */
GPtrArray        *tribuna_timeline_get_chapters       (TribunaTimeline        *self,
                                                       const char             *opening_title,
                                                       gboolean                youtube_rules,
                                                       GPtrArray              *warnings,
                                                       GError                **error);
/* YouTube: "00:00 Title" lines (H:MM:SS past an hour), with the rules above. WebVTT: a
 * chapters track, one cue per chapter. JSON: the session, its chapters (with file and
 * offset), item ranges, private ranges and warnings. */
char             *tribuna_timeline_format_chapters    (TribunaTimeline        *self,
                                                       TribunaChapterFormat    format,
                                                       const char             *opening_title,
                                                       GPtrArray              *warnings,
                                                       GError                **error);

void              tribuna_chapter_free                (TribunaChapter         *chapter);

/* "1:02:03" or "02:03"; "00:00" for zero, as YouTube wants the first. */
char             *tribuna_timeline_format_youtube_time (gint64                 ns,
                                                        gboolean               with_hours);

G_END_DECLS
