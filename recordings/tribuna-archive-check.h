/* tribuna-archive-check.h: the index against the files: checking it, rebuilding it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-archive.h"

G_BEGIN_DECLS

typedef enum {
  TRIBUNA_ARCHIVE_PROBLEM_MISSING,     /* a segment row whose file is gone */
  TRIBUNA_ARCHIVE_PROBLEM_SIZE,        /* the file is not the size it had when it closed */
  TRIBUNA_ARCHIVE_PROBLEM_CHECKSUM,    /* same size, other content */
  TRIBUNA_ARCHIVE_PROBLEM_UNREADABLE,  /* the file is there but cannot be read */
  TRIBUNA_ARCHIVE_PROBLEM_ORPHAN,      /* a .ts file under recordings/ that no row names */
  TRIBUNA_ARCHIVE_PROBLEM_UNCLOSED,    /* a segment of a session no longer live was never
                                        * closed (a crash): not damage, but unverifiable */
} TribunaArchiveProblemKind;

/**
 * TribunaArchiveProblem:
 * @path: relative to the data directory
 * @session_id, @segment_id: the row's, 0 for an orphan
 * @message: one sentence saying what is wrong and what to do
 */
typedef struct {
  TribunaArchiveProblemKind  kind;
  char                      *path;
  gint64                     session_id;
  gint64                     segment_id;
  char                      *message;
} TribunaArchiveProblem;

/**
 * TribunaRebuildReport:
 * @folders: recording folders looked at (those with .ts files or a segments.jsonl)
 * @segments_added: rows created for files the index did not know
 * @segments_completed: open rows closed, or closed rows given their checksum
 * @sessions_recovered: sessions created for folders no row claimed (type other, private,
 *   ended, titled "Regjistrim i rikuperuar (FOLDER)")
 * @folders_skipped: folders of a live session, left to the daemon that records them
 * @notes: char *, one sentence each: sidecar lines that could not be read, files measured
 *   instead of read from the sidecar, folders skipped
 */
typedef struct {
  guint      folders;
  guint      segments_added;
  guint      segments_completed;
  guint      sessions_recovered;
  guint      folders_skipped;
  GPtrArray *notes;
} TribunaRebuildReport;

const char *tribuna_archive_problem_kind_to_string (TribunaArchiveProblemKind  kind);
/* Everything but UNCLOSED: what makes `archive check` fail. */
gboolean    tribuna_archive_problem_is_damage      (TribunaArchiveProblemKind  kind);
void        tribuna_archive_problem_free           (TribunaArchiveProblem     *problem);

/* Every segment row's file exists and has the size it closed with; with @verify_checksums,
 * the SHA-256 it closed with too (reads every byte); every .ts file under recordings/ has a
 * row. Open segments of live sessions are skipped: tribunad is writing them. Returns the
 * problems found (TribunaArchiveProblem, empty when none), NULL on error. */
GPtrArray  *tribuna_archive_check                  (TribunaArchive            *archive,
                                                    gboolean                   verify_checksums,
                                                    GCancellable              *cancellable,
                                                    GError                   **error);

/* Reconstructs segment rows from the files and each folder's segments.jsonl: adds rows for
 * files the index lacks, closes rows a crash left open (from the sidecar's "closed" record,
 * else by measuring and hashing the file), and creates a session for folders no row claims
 * (a folder named after a lost session's id gets that id back). Idempotent: a second run
 * changes nothing. One transaction per folder. @report may be NULL; clear it with
 * tribuna_rebuild_report_clear(). */
gboolean    tribuna_archive_rebuild                (TribunaArchive            *archive,
                                                    TribunaRebuildReport      *report,
                                                    GCancellable              *cancellable,
                                                    GError                   **error);
void        tribuna_rebuild_report_clear           (TribunaRebuildReport      *report);

/* Size and hex SHA-256 of a file, read in 1 MiB chunks. */
gboolean    tribuna_archive_hash_file              (const char                *path,
                                                    gint64                    *bytes,
                                                    char                     **sha256,
                                                    GCancellable              *cancellable,
                                                    GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaArchiveProblem, tribuna_archive_problem_free)

G_END_DECLS
