/* tribuna-archive-rows.h: what the archive index holds, one plain struct per row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows are plain structs the caller owns (each with _copy/_free and an autoptr cleanup);
 * lists of them come back as GPtrArrays that free their elements. Ids are SQLite rowids,
 * always > 0; 0 means "none" wherever an id is optional. Times are wall-clock UTC in
 * microseconds (…_us) or pipeline running time in nanoseconds (…_ns); -1 means unknown.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The meeting kinds of mission.md; the nick ("kpf") is the code users and the database see. */
typedef enum {
  TRIBUNA_SESSION_TYPE_ASSEMBLY,
  TRIBUNA_SESSION_TYPE_KPF,
  TRIBUNA_SESSION_TYPE_COMMUNITIES,
  TRIBUNA_SESSION_TYPE_KKSB,
  TRIBUNA_SESSION_TYPE_BUDGET_HEARING,
  TRIBUNA_SESSION_TYPE_PUBLIC_DEBATE,
  TRIBUNA_SESSION_TYPE_PRESS,
  TRIBUNA_SESSION_TYPE_OTHER,
} TribunaSessionType;

/* planned ─► live ─► ended; live ─► interrupted (crash) ─► live (continued) or ended */
typedef enum {
  TRIBUNA_SESSION_PLANNED,
  TRIBUNA_SESSION_LIVE,
  TRIBUNA_SESSION_ENDED,
  TRIBUNA_SESSION_INTERRUPTED,
} TribunaSessionState;

typedef enum {
  TRIBUNA_MARKER_ITEM_START,     /* needs item_id */
  TRIBUNA_MARKER_SPEAKER,        /* needs speaker_name; speaker_role optional */
  TRIBUNA_MARKER_BREAK_START,
  TRIBUNA_MARKER_BREAK_END,
  TRIBUNA_MARKER_PRIVATE_START,  /* closed to the public until PRIVATE_END */
  TRIBUNA_MARKER_PRIVATE_END,
  TRIBUNA_MARKER_NOTE,           /* needs text */
} TribunaMarkerKind;

typedef enum {
  TRIBUNA_SEGMENT_OPEN,          /* being written, or never closed because of a crash */
  TRIBUNA_SEGMENT_CLOSED,        /* complete: duration, bytes and (usually) sha256 known */
} TribunaSegmentState;

typedef enum {
  TRIBUNA_EVENT_STREAM_STARTED,
  TRIBUNA_EVENT_STREAM_STOPPED,
  TRIBUNA_EVENT_STREAM_RECONNECTED,
  TRIBUNA_EVENT_STREAM_FAILED,
  TRIBUNA_EVENT_STREAM_REJECTED,
  TRIBUNA_EVENT_RECORDER_STARTED,
  TRIBUNA_EVENT_RECORDER_STOPPED,
  TRIBUNA_EVENT_RECORDER_FAILED,
} TribunaEventKind;

#define TRIBUNA_TYPE_SESSION_TYPE  (tribuna_session_type_get_type ())
#define TRIBUNA_TYPE_SESSION_STATE (tribuna_session_state_get_type ())
#define TRIBUNA_TYPE_MARKER_KIND   (tribuna_marker_kind_get_type ())
#define TRIBUNA_TYPE_EVENT_KIND    (tribuna_event_kind_get_type ())

GType        tribuna_session_type_get_type   (void);
GType        tribuna_session_state_get_type  (void);
GType        tribuna_marker_kind_get_type    (void);
GType        tribuna_event_kind_get_type     (void);

/* Codes as stored and typed ("budget-hearing", "item-start", …); from_code() is FALSE for
 * an unknown code and leaves @out alone. */
const char  *tribuna_session_type_to_code    (TribunaSessionType   type);
gboolean     tribuna_session_type_from_code  (const char          *code,
                                              TribunaSessionType  *out);
/* "Seanca e Kuvendit Komunal", … as mission.md names them for users. */
const char  *tribuna_session_type_to_label   (TribunaSessionType   type);
/* What the time before the first agenda item is called in chapters ("Hapja e seancës"). */
const char  *tribuna_session_type_opening    (TribunaSessionType   type);
/* "assembly, kpf, …": for messages that list what is accepted. */
char        *tribuna_session_type_list_codes (void);

const char  *tribuna_session_state_to_code   (TribunaSessionState  state);
gboolean     tribuna_session_state_from_code (const char          *code,
                                              TribunaSessionState *out);
const char  *tribuna_marker_kind_to_code     (TribunaMarkerKind    kind);
gboolean     tribuna_marker_kind_from_code   (const char          *code,
                                              TribunaMarkerKind   *out);
const char  *tribuna_segment_state_to_code   (TribunaSegmentState  state);
gboolean     tribuna_segment_state_from_code (const char          *code,
                                              TribunaSegmentState *out);
const char  *tribuna_event_kind_to_code      (TribunaEventKind     kind);
gboolean     tribuna_event_kind_from_code    (const char          *code,
                                              TribunaEventKind    *out);

/**
 * TribunaSession:
 * @date: the meeting's local date, "YYYY-MM-DD"
 * @place: where it is held, or %NULL
 * @is_public: whether citizens may watch it (live and in the archive)
 * @created_us, @started_us, @ended_us: wall-clock UTC µs; 0 until it happens
 *   (@started_us is the first start; @ended_us is set when it ends)
 */
typedef struct {
  gint64               id;
  TribunaSessionType   type;
  char                *title;
  char                *date;
  char                *place;
  TribunaSessionState  state;
  gboolean             is_public;
  gint64               created_us;
  gint64               started_us;
  gint64               ended_us;
} TribunaSession;

/**
 * TribunaAgendaItem:
 * @position: 1-based order in the agenda
 * @depth: 0 for an item, 1 for a sub-item ("5.1", "a)") of the item before it
 * @number: the number as printed, without its closing "." ")" or ":" ("5", "5.1", "a"),
 *   or %NULL for an unnumbered item
 * @presenter: who presents it, or %NULL
 */
typedef struct {
  gint64  id;
  gint64  session_id;
  guint   position;
  guint   depth;
  char   *number;
  char   *title;
  char   *presenter;
} TribunaAgendaItem;

/**
 * TribunaMarker:
 * @item_id: for %TRIBUNA_MARKER_ITEM_START, the agenda item that begins; else 0
 * @speaker_name, @speaker_role: for %TRIBUNA_MARKER_SPEAKER ("Filan Fisteku", "Kryesues")
 * @text: for %TRIBUNA_MARKER_NOTE, or a free comment on any marker; may be %NULL
 * @wall_us: wall-clock UTC of the instant
 * @running_time_ns: the program's pipeline running time of the same instant, -1 if unknown
 * @set_by: who set it (operator name, "api", …), or %NULL
 */
typedef struct {
  gint64             id;
  gint64             session_id;
  TribunaMarkerKind  kind;
  gint64             item_id;
  char              *speaker_name;
  char              *speaker_role;
  char              *text;
  gint64             wall_us;
  gint64             running_time_ns;
  char              *set_by;
} TribunaMarker;

/**
 * TribunaSegment:
 * @path: relative to the data directory ("recordings/2024/03/28/…/…-00001.ts")
 * @start_wall_us: wall-clock UTC of its first frame
 * @start_running_time_ns: program running time of its first frame, -1 if unknown
 * @duration_ns, @bytes: -1 until known (closed)
 * @sha256: hex digest once closed, %NULL when not known
 */
typedef struct {
  gint64               id;
  gint64               session_id;
  char                *path;
  gint64               start_wall_us;
  gint64               start_running_time_ns;
  gint64               duration_ns;
  gint64               bytes;
  char                *sha256;
  TribunaSegmentState  state;
} TribunaSegment;

/**
 * TribunaEvent: one line of the audit trail. @session_id is 0 when no session was open.
 * @text never holds a stream key: the archive masks RTMP URLs before storing them.
 */
typedef struct {
  gint64            id;
  gint64            session_id;
  gint64            wall_us;
  TribunaEventKind  kind;
  char             *text;
} TribunaEvent;

/**
 * TribunaClip: a clip exported for a news post (this is what the yearly video
 * count of the office is made of).
 * @item_id: the agenda item it shows, or 0 for an in/out range
 * @path: the exported file, relative to the data directory or absolute
 * @requested_start_ns, @requested_end_ns: the range asked for, on the session axis
 * @actual_start_ns, @actual_end_ns: the range exported (fast mode snaps to keyframes)
 * @mode: "fast" or "exact"; @preset: "web", "facebook", "square" or "audio"
 * @created_by: who exported it, or %NULL; @created_us: when
 */
typedef struct {
  gint64  id;
  gint64  session_id;
  gint64  item_id;
  char   *path;
  gint64  requested_start_ns;
  gint64  requested_end_ns;
  gint64  actual_start_ns;
  gint64  actual_end_ns;
  char   *mode;
  char   *preset;
  char   *created_by;
  gint64  created_us;
} TribunaClip;

TribunaSession    *tribuna_session_copy      (const TribunaSession    *self);
void               tribuna_session_free      (TribunaSession          *self);
TribunaAgendaItem *tribuna_agenda_item_new   (const char              *number,
                                              const char              *title,
                                              const char              *presenter,
                                              guint                    depth);
TribunaAgendaItem *tribuna_agenda_item_copy  (const TribunaAgendaItem *self);
void               tribuna_agenda_item_free  (TribunaAgendaItem       *self);
/* "5. Title", "5.1 Title", "a) Title" or just "Title": how an item is shown in chapters. */
char              *tribuna_agenda_item_label (const TribunaAgendaItem *self);
TribunaMarker     *tribuna_marker_new        (TribunaMarkerKind        kind);
TribunaMarker     *tribuna_marker_copy       (const TribunaMarker     *self);
void               tribuna_marker_free       (TribunaMarker           *self);
TribunaSegment    *tribuna_segment_copy      (const TribunaSegment    *self);
void               tribuna_segment_free      (TribunaSegment          *self);
TribunaEvent      *tribuna_event_copy        (const TribunaEvent      *self);
void               tribuna_event_free        (TribunaEvent            *self);
TribunaClip       *tribuna_clip_copy         (const TribunaClip       *self);
void               tribuna_clip_free         (TribunaClip             *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaSession, tribuna_session_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaAgendaItem, tribuna_agenda_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaMarker, tribuna_marker_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaSegment, tribuna_segment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClip, tribuna_clip_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaEvent, tribuna_event_free)

G_END_DECLS
