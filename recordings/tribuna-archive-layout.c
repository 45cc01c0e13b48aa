/* tribuna-archive-layout.c: where recordings live on disk, and the log beside them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-archive"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "tribuna-archive-layout.h"

#define SEGMENT_LOG_NAME "segments.jsonl"

char *
tribuna_archive_make_id (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
}

char *
tribuna_archive_recording_dir (const char *data_dir,
                               GDateTime  *time,
                               const char *id)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *year = NULL;
  g_autofree char *month = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (time != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  utc = g_date_time_to_utc (time);
  year = g_date_time_format (utc, "%Y");
  month = g_date_time_format (utc, "%m");
  day = g_date_time_format (utc, "%d");

  return g_build_filename (data_dir, "recordings", year, month, day, id, NULL);
}

char *
tribuna_archive_segment_name (GDateTime *opened,
                              guint      index)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (opened != NULL, NULL);

  id = tribuna_archive_make_id (opened);
  return g_strdup_printf ("%s-%05u.ts", id, index);
}

gboolean
tribuna_archive_query_free_space (const char  *path,
                                  guint64     *free_bytes,
                                  GError     **error)
{
  struct statvfs info;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (free_bytes != NULL, FALSE);

  if (statvfs (path, &info) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot tell the free space of %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  *free_bytes = (guint64) info.f_bavail * (guint64) info.f_frsize;
  return TRUE;
}

gboolean
tribuna_archive_append_log (const char  *directory,
                            const char  *json_line,
                            GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;
  gsize length;
  int fd;

  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (json_line != NULL, FALSE);

  path = g_build_filename (directory, SEGMENT_LOG_NAME, NULL);
  line = g_strconcat (json_line, "\n", NULL);
  length = strlen (line);

  fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    goto failed;

  /* One write of a short line with O_APPEND lands whole; the sync makes the
   * log at least as durable as the segments it describes. */
  if (write (fd, line, length) != (gssize) length || fdatasync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      errno = saved_errno;
      goto failed;
    }

  return g_close (fd, error);

failed:
  {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "cannot write the segment log %s: %s", path, g_strerror (saved_errno));
    return FALSE;
  }
}
