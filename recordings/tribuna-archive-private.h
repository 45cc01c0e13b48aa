/* tribuna-archive-private.h: the archive's SQLite handle, for recordings/ and the tests only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nothing outside recordings/ and tests/ includes this: no sqlite3 handle crosses a layer.
 */
#pragma once

#include <sqlite3.h>

#include "tribuna-archive.h"

G_BEGIN_DECLS

/* A cached prepared statement: g_autoptr(TribunaStmt) resets it and clears its bindings
 * when it goes out of scope, so no statement keeps a WAL read snapshot open. */
typedef sqlite3_stmt TribunaStmt;

void            _tribuna_stmt_release                (TribunaStmt     *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaStmt, _tribuna_stmt_release)

/* Tests: a file migrated only up to @version (0 = an empty file), to migrate from later. */
TribunaArchive *_tribuna_archive_open_at_version     (const char      *data_dir,
                                                      guint            version,
                                                      GError         **error);
guint           _tribuna_archive_get_schema_version  (TribunaArchive  *self);
sqlite3        *_tribuna_archive_get_db              (TribunaArchive  *self);

/* @sql must be a string constant: statements are cached by its address, so a statement is
 * in use once at a time (never nest two uses of the same SQL). */
TribunaStmt    *_tribuna_archive_prepare             (TribunaArchive  *self,
                                                      const char      *sql,
                                                      GError         **error);
/* Sets @error from the connection's last error, @doing saying what failed ("add a marker"). */
gboolean        _tribuna_archive_fail                (TribunaArchive  *self,
                                                      int              rc,
                                                      const char      *doing,
                                                      GError         **error);

/* Transactions nest: only the outermost begin/commit reach SQLite (BEGIN IMMEDIATE, so a
 * writer waits for the lock up front instead of failing half-way). A rollback at any depth
 * makes the outermost commit roll back. */
gboolean        _tribuna_archive_begin               (TribunaArchive  *self,
                                                      GError         **error);
gboolean        _tribuna_archive_commit              (TribunaArchive  *self,
                                                      GError         **error);
void            _tribuna_archive_rollback            (TribunaArchive  *self);

/* For archive rebuild: a session for recordings no row claims, with @wanted_id when it is
 * free (the folder was named after a lost session), else a new id; private, state ended. */
gint64          _tribuna_archive_add_recovered_session (TribunaArchive  *self,
                                                        gint64           wanted_id,
                                                        const char      *title,
                                                        const char      *date,
                                                        gint64           started_us,
                                                        gint64           ended_us,
                                                        GError         **error);
/* Rewrites every field of the segment row @segment->id. */
gboolean        _tribuna_archive_update_segment      (TribunaArchive        *self,
                                                      const TribunaSegment  *segment,
                                                      GError               **error);

G_END_DECLS
