/* tribuna-archive-layout.h: where recordings live on disk, and the log beside them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* "20261126T062300Z": sorts by time, safe in every file system. */
char     *tribuna_archive_make_id            (GDateTime   *time);

/* DATA_DIR/recordings/YYYY/MM/DD/ID */
char     *tribuna_archive_recording_dir      (const char  *data_dir,
                                              GDateTime   *time,
                                              const char  *id);

/* ID-NNNNN.ts, sorting by time within the recording directory. */
char     *tribuna_archive_segment_name       (GDateTime   *opened,
                                              guint        index);

/* Space an unprivileged writer may still use on the file system holding path. */
gboolean  tribuna_archive_query_free_space   (const char  *path,
                                              guint64     *free_bytes,
                                              GError     **error);

/* Appends one JSON object as a line to DIR/segments.jsonl and syncs it: the
 * sidecar log from which the index can be rebuilt. */
gboolean  tribuna_archive_append_log         (const char  *directory,
                                              const char  *json_line,
                                              GError     **error);

G_END_DECLS
