/* tribuna-archive.h: the archive index, one SQLite file in the data directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-archive-rows.h"

G_BEGIN_DECLS

#define TRIBUNA_ARCHIVE_ERROR (tribuna_archive_error_quark ())

typedef enum {
  TRIBUNA_ARCHIVE_ERROR_FAILED,          /* SQLite or the file system failed (message says how) */
  TRIBUNA_ARCHIVE_ERROR_NOT_A_DATABASE,  /* the file is not SQLite, or not Tribuna's index */
  TRIBUNA_ARCHIVE_ERROR_TOO_NEW,         /* written by a newer Tribuna (schema version above ours) */
  TRIBUNA_ARCHIVE_ERROR_BUSY,            /* another process held it past the busy timeout */
  TRIBUNA_ARCHIVE_ERROR_NOT_FOUND,       /* no such session, item or segment */
  TRIBUNA_ARCHIVE_ERROR_INVALID,         /* a value the archive refuses (empty title, bad date…) */
  TRIBUNA_ARCHIVE_ERROR_STATE,           /* not allowed in the session's state */
} TribunaArchiveError;

/* The schema this build writes; tribuna_archive_open() migrates older files up to it. */
#define TRIBUNA_ARCHIVE_SCHEMA_VERSION 1
#define TRIBUNA_ARCHIVE_FILE_NAME      "tribuna.db"

/* How long a writer waits for another process (tribunad vs tribuna-cli) to let go. */
#define TRIBUNA_ARCHIVE_BUSY_TIMEOUT_MS 5000

/**
 * TribunaSessionFilter: which sessions tribuna_archive_list_sessions() returns.
 * @by_type: whether @type applies
 * @from_date, @to_date: "YYYY-MM-DD", inclusive; %NULL for no bound
 */
typedef struct {
  gboolean            by_type;
  TribunaSessionType  type;
  const char         *from_date;
  const char         *to_date;
} TribunaSessionFilter;

#define TRIBUNA_TYPE_ARCHIVE (tribuna_archive_get_type ())
G_DECLARE_FINAL_TYPE (TribunaArchive, tribuna_archive, TRIBUNA, ARCHIVE, GObject)

GQuark             tribuna_archive_error_quark             (void);

/* Opens (creating the folder and the file if needed) DATA_DIR/tribuna.db and migrates it.
 * Safe while another process has it open: WAL readers never block the writer, and writes
 * wait up to TRIBUNA_ARCHIVE_BUSY_TIMEOUT_MS. A TribunaArchive is used from one thread. */
TribunaArchive    *tribuna_archive_open                    (const char                 *data_dir,
                                                            GError                    **error);
const char        *tribuna_archive_get_data_dir            (TribunaArchive             *self);
const char        *tribuna_archive_get_path                (TribunaArchive             *self);

/* Sessions. @date is "YYYY-MM-DD" or %NULL for today (local time); @place may be %NULL. */
TribunaSession    *tribuna_archive_create_session          (TribunaArchive             *self,
                                                            TribunaSessionType          type,
                                                            const char                 *title,
                                                            const char                 *date,
                                                            const char                 *place,
                                                            gboolean                    is_public,
                                                            GError                    **error);
TribunaSession    *tribuna_archive_get_session             (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            GError                    **error);
/* Oldest first (by date, then id); @filter may be %NULL for all. */
GPtrArray         *tribuna_archive_list_sessions           (TribunaArchive             *self,
                                                            const TribunaSessionFilter *filter,
                                                            GError                    **error);
/* Corrects the type, title, place and public flag of the session @session->id (the other
 * members are ignored); NOT_FOUND for an unknown id, INVALID for an empty title. */
gboolean           tribuna_archive_update_session          (TribunaArchive             *self,
                                                            const TribunaSession       *session,
                                                            GError                    **error);
/* planned → live | ended; live → ended | interrupted; interrupted → live | ended.
 * Setting the state it already has is a no-op; anything else is TRIBUNA_ARCHIVE_ERROR_STATE.
 * The first live sets started_us, ended sets ended_us. */
gboolean           tribuna_archive_set_session_state       (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            TribunaSessionState         state,
                                                            GError                    **error);
/* Crash recovery, for tribunad at start (never for the CLI, which runs beside a live
 * daemon): every session still `live` was cut short, and becomes `interrupted`. */
gboolean           tribuna_archive_interrupt_live_sessions (TribunaArchive             *self,
                                                            guint                      *n_interrupted,
                                                            GError                    **error);

/* The agenda. set_agenda() replaces every item of the session by @items (TribunaAgendaItem;
 * their id, session_id and position are assigned here, in array order). Refused for an
 * ended session, and for a started one once an item-start marker points at its items. */
gboolean           tribuna_archive_set_agenda              (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            GPtrArray                  *items,
                                                            GError                    **error);
GPtrArray         *tribuna_archive_list_items              (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            GError                    **error);
TribunaAgendaItem *tribuna_archive_get_item                (TribunaArchive             *self,
                                                            gint64                      item_id,
                                                            GError                    **error);

/* Markers, committed (and synced) before this returns: the id, or 0 on error. Refused for
 * a planned session (nothing is recorded yet) and for an item of another session. */
gint64             tribuna_archive_add_marker              (TribunaArchive             *self,
                                                            const TribunaMarker        *marker,
                                                            GError                    **error);
/* In the order they were set (by wall clock, then id). */
GPtrArray         *tribuna_archive_list_markers            (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            GError                    **error);

/* Recording segments. @path is relative to the data directory, or absolute inside it (as the
 * recorder reports it). @start_running_time_ns may be -1 when unknown. */
gint64             tribuna_archive_add_segment             (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            const char                 *path,
                                                            gint64                      start_wall_us,
                                                            gint64                      start_running_time_ns,
                                                            GError                    **error);
/* @sha256: 64 hex digits, or %NULL when the file could not be read. */
gboolean           tribuna_archive_close_segment           (TribunaArchive             *self,
                                                            gint64                      segment_id,
                                                            gint64                      duration_ns,
                                                            gint64                      bytes,
                                                            const char                 *sha256,
                                                            GError                    **error);
/* By path (relative or absolute, as for add_segment); NOT_FOUND when no row has it. */
TribunaSegment    *tribuna_archive_find_segment            (TribunaArchive             *self,
                                                            const char                 *path,
                                                            GError                    **error);
/* In recording order (start wall clock, then id); @session_id 0 lists every session's. */
GPtrArray         *tribuna_archive_list_segments           (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            GError                    **error);

/* The audit trail. @session_id 0 when no session is open; @wall_us 0 for now. RTMP URLs in
 * @text are masked before they are stored. */
gint64             tribuna_archive_add_event               (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            TribunaEventKind            kind,
                                                            const char                 *text,
                                                            gint64                      wall_us,
                                                            GError                    **error);
/* Oldest first; @session_id 0 lists every event. */
GPtrArray         *tribuna_archive_list_events             (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            GError                    **error);

/* Clips: recorded once written. @clip's id and created_us are assigned here (created_us
 * when 0); its path is stored relative to the data directory when inside it. */
gint64             tribuna_archive_add_clip                (TribunaArchive             *self,
                                                            const TribunaClip          *clip,
                                                            GError                    **error);
/* Oldest first; @session_id 0 lists every clip. */
GPtrArray         *tribuna_archive_list_clips              (TribunaArchive             *self,
                                                            gint64                      session_id,
                                                            GError                    **error);

/* A path relative to the data directory for one inside it (absolute or already relative);
 * %NULL with TRIBUNA_ARCHIVE_ERROR_INVALID for one outside it or with "..". */
char              *tribuna_archive_relative_path           (TribunaArchive             *self,
                                                            const char                 *path,
                                                            GError                    **error);

G_END_DECLS
