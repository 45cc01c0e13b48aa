/* tribuna-archive-window.h: past sessions, their agenda items, clips for news posts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tribuna-application.h"
#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_ARCHIVE_WINDOW (tribuna_archive_window_get_type ())
G_DECLARE_FINAL_TYPE (TribunaArchiveWindow, tribuna_archive_window, TRIBUNA, ARCHIVE_WINDOW,
                      AdwApplicationWindow)

GtkWidget  *tribuna_archive_window_new               (TribunaApplication   *application,
                                                      TribunaEngine        *engine);
/* What the operator does with the list and the fields, for tests and screenshots. */
/* @type: a TribunaSessionType, or -1 for all; dates "YYYY-MM-DD" or NULL. */
void        tribuna_archive_window_set_filter        (TribunaArchiveWindow *self,
                                                      int                   type,
                                                      const char           *from_date,
                                                      const char           *to_date);
guint       tribuna_archive_window_get_n_sessions    (TribunaArchiveWindow *self);
gboolean    tribuna_archive_window_select_session    (TribunaArchiveWindow *self,
                                                      gint64                session_id);
guint       tribuna_archive_window_get_n_items       (TribunaArchiveWindow *self);
gboolean    tribuna_archive_window_select_item       (TribunaArchiveWindow *self,
                                                      guint                 index);
/* "H:MM:SS" or "MM:SS" on the session's recorded time. */
void        tribuna_archive_window_set_range         (TribunaArchiveWindow *self,
                                                      const char           *in_text,
                                                      const char           *out_text);
/* Starts the export (the Export button); FALSE when a field is refused. */
gboolean    tribuna_archive_window_export            (TribunaArchiveWindow *self);
void        tribuna_archive_window_cancel_export     (TribunaArchiveWindow *self);
gboolean    tribuna_archive_window_get_exporting     (TribunaArchiveWindow *self);
double      tribuna_archive_window_get_progress      (TribunaArchiveWindow *self);
/* The last clip written, or NULL; the last refusal or failure, or NULL. */
const char *tribuna_archive_window_get_clip_path     (TribunaArchiveWindow *self);
const char *tribuna_archive_window_get_message       (TribunaArchiveWindow *self);
/* The last clip's thumbnail, as shown; NULL when none. */
GdkPaintable *tribuna_archive_window_get_thumbnail   (TribunaArchiveWindow *self);

/* Each item's first picture as its row shows it, NULL until the engine has made it (and
 * for items not taken up, or private throughout). */
GdkPaintable *tribuna_archive_window_get_item_thumbnail (TribunaArchiveWindow *self,
                                                         guint                 index);
/* Plays the recording from item @index's start (the row's activation and the Play button
 * call it); FALSE with the reason in the playback message when it cannot. */
gboolean    tribuna_archive_window_play_item         (TribunaArchiveWindow *self,
                                                      guint                 index);
/* Activates item @index's row, as a double-click or Enter on it does; FALSE when the row
 * cannot be activated (an item not taken up) or nothing plays. */
gboolean    tribuna_archive_window_activate_item     (TribunaArchiveWindow *self,
                                                      guint                 index);
/* The player's stream (of the session's playlist), or NULL before anything was played. */
GtkMediaStream *tribuna_archive_window_get_media_stream (TribunaArchiveWindow *self);
const char *tribuna_archive_window_get_playback_message (TribunaArchiveWindow *self);

G_END_DECLS
