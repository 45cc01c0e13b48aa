/* tribuna-archive-check.c: the index against the files: checking it, rebuilding it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The files are the truth and the index is a cache of them that must never lie: check
 * says where it does, rebuild makes it true again from the files and the sidecar log the
 * recorder keeps beside them (segments.jsonl), which survives a lost or damaged database.
 */
#define G_LOG_DOMAIN "tribuna-archive"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tribuna-archive-check.h"
#include "tribuna-archive-private.h"
#include "tribuna-mpegts.h"

#define RECORDINGS_DIR  "recordings"
#define SIDECAR_NAME    "segments.jsonl"
#define SEGMENT_SUFFIX  ".ts"
#define CHUNK           (1024 * 1024)

const char *
tribuna_archive_problem_kind_to_string (TribunaArchiveProblemKind kind)
{
  switch (kind)
    {
    case TRIBUNA_ARCHIVE_PROBLEM_MISSING:
      return "missing";
    case TRIBUNA_ARCHIVE_PROBLEM_SIZE:
      return "size";
    case TRIBUNA_ARCHIVE_PROBLEM_CHECKSUM:
      return "checksum";
    case TRIBUNA_ARCHIVE_PROBLEM_UNREADABLE:
      return "unreadable";
    case TRIBUNA_ARCHIVE_PROBLEM_ORPHAN:
      return "orphan";
    case TRIBUNA_ARCHIVE_PROBLEM_UNCLOSED:
      return "unclosed";
    default:
      return "unknown";
    }
}

gboolean
tribuna_archive_problem_is_damage (TribunaArchiveProblemKind kind)
{
  return kind != TRIBUNA_ARCHIVE_PROBLEM_UNCLOSED;
}

void
tribuna_archive_problem_free (TribunaArchiveProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->path);
  g_free (problem->message);
  g_free (problem);
}

static void
add_problem (GPtrArray                 *problems,
             TribunaArchiveProblemKind  kind,
             const TribunaSegment      *segment,
             const char                *path,
             char                      *message)   /* owned */
{
  TribunaArchiveProblem *problem = g_new0 (TribunaArchiveProblem, 1);

  problem->kind = kind;
  problem->path = g_strdup (segment ? segment->path : path);
  problem->session_id = segment ? segment->session_id : 0;
  problem->segment_id = segment ? segment->id : 0;
  problem->message = message;
  g_ptr_array_add (problems, problem);
}

gboolean
tribuna_archive_hash_file (const char    *path,
                           gint64        *bytes,
                           char         **sha256,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *chunk = NULL;
  gint64 total = 0;
  FILE *file;
  size_t n;

  g_return_val_if_fail (path != NULL, FALSE);

  file = g_fopen (path, "rb");
  if (file == NULL)
    goto failed;

  chunk = g_malloc (CHUNK);
  while ((n = fread (chunk, 1, CHUNK, file)) > 0)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          fclose (file);
          return FALSE;
        }
      g_checksum_update (checksum, chunk, n);
      total += (gint64) n;
    }
  if (ferror (file))
    {
      int saved_errno = errno;

      fclose (file);
      errno = saved_errno;
      goto failed;
    }
  fclose (file);

  if (bytes != NULL)
    *bytes = total;
  if (sha256 != NULL)
    *sha256 = g_strdup (g_checksum_get_string (checksum));
  return TRUE;

failed:
  {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "cannot read %s: %s", path, g_strerror (saved_errno));
    return FALSE;
  }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Every .ts file and every folder holding .ts files or a sidecar, under recordings/. */
static void
walk (const char *data_dir,
      const char *relative,
      GPtrArray  *files,
      GPtrArray  *folders)
{
  g_autofree char *absolute = g_build_filename (data_dir, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (absolute, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean is_folder = FALSE;
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      const char *child_name = g_ptr_array_index (names, i);
      g_autofree char *child = g_build_filename (relative, child_name, NULL);
      g_autofree char *child_path = g_build_filename (data_dir, child, NULL);
      GStatBuf st;

      if (g_lstat (child_path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        walk (data_dir, child, files, folders);
      else if (S_ISREG (st.st_mode) && g_str_has_suffix (child_name, SEGMENT_SUFFIX))
        {
          if (files != NULL)
            g_ptr_array_add (files, g_steal_pointer (&child));
          is_folder = TRUE;
        }
      else if (S_ISREG (st.st_mode) && strcmp (child_name, SIDECAR_NAME) == 0)
        is_folder = TRUE;
    }

  if (is_folder && folders != NULL)
    g_ptr_array_add (folders, g_strdup (relative));
}

/* Check ********************************************************************************/

static void
check_segment (TribunaArchive        *archive,
               const TribunaSegment  *segment,
               gboolean               session_live,
               gboolean               verify_checksums,
               GPtrArray             *problems,
               GCancellable          *cancellable)
{
  g_autofree char *path = g_build_filename (tribuna_archive_get_data_dir (archive), segment->path,
                                            NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        add_problem (problems, TRIBUNA_ARCHIVE_PROBLEM_MISSING, segment, NULL,
                     g_strdup_printf ("segment %" G_GINT64_FORMAT " of session %" G_GINT64_FORMAT
                                      " is missing: the file is gone", segment->id,
                                      segment->session_id));
      else
        add_problem (problems, TRIBUNA_ARCHIVE_PROBLEM_UNREADABLE, segment, NULL,
                     g_strdup_printf ("cannot look at segment %" G_GINT64_FORMAT ": %s",
                                      segment->id, g_strerror (saved_errno)));
      return;
    }
  if (!S_ISREG (st.st_mode))
    {
      add_problem (problems, TRIBUNA_ARCHIVE_PROBLEM_UNREADABLE, segment, NULL,
                   g_strdup_printf ("segment %" G_GINT64_FORMAT " is not a regular file",
                                    segment->id));
      return;
    }

  if (segment->state == TRIBUNA_SEGMENT_OPEN)
    {
      /* Being written by tribunad right now: nothing to compare yet. */
      if (!session_live)
        add_problem (problems, TRIBUNA_ARCHIVE_PROBLEM_UNCLOSED, segment, NULL,
                     g_strdup_printf ("segment %" G_GINT64_FORMAT " was never closed (the "
                                      "recording stopped abruptly); `tribuna-cli archive "
                                      "rebuild` measures and closes it", segment->id));
      return;
    }

  if (segment->bytes >= 0 && st.st_size != segment->bytes)
    {
      add_problem (problems, TRIBUNA_ARCHIVE_PROBLEM_SIZE, segment, NULL,
                   g_strdup_printf ("segment %" G_GINT64_FORMAT " is %" G_GINT64_FORMAT " bytes; "
                                    "it closed with %" G_GINT64_FORMAT " (%s)", segment->id,
                                    (gint64) st.st_size, segment->bytes,
                                    st.st_size < segment->bytes ? "truncated" : "grown since"));
      return;
    }

  if (!verify_checksums || segment->sha256 == NULL)
    return;

  if (!tribuna_archive_hash_file (path, NULL, &sha256, cancellable, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        add_problem (problems, TRIBUNA_ARCHIVE_PROBLEM_UNREADABLE, segment, NULL,
                     g_strdup_printf ("segment %" G_GINT64_FORMAT ": %s", segment->id,
                                      error->message));
      return;
    }
  if (g_ascii_strcasecmp (sha256, segment->sha256) != 0)
    add_problem (problems, TRIBUNA_ARCHIVE_PROBLEM_CHECKSUM, segment, NULL,
                 g_strdup_printf ("segment %" G_GINT64_FORMAT " has the right size but other "
                                  "content: its SHA-256 is %s, it closed with %s", segment->id,
                                  sha256, segment->sha256));
}

GPtrArray *
tribuna_archive_check (TribunaArchive  *archive,
                       gboolean         verify_checksums,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GHashTable) live = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) indexed = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (archive), NULL);

  if ((sessions = tribuna_archive_list_sessions (archive, NULL, error)) == NULL
      || (segments = tribuna_archive_list_segments (archive, 0, error)) == NULL)
    return NULL;

  for (guint i = 0; i < sessions->len; i++)
    {
      TribunaSession *session = g_ptr_array_index (sessions, i);

      if (session->state == TRIBUNA_SESSION_LIVE)
        g_hash_table_add (live, &session->id);
    }

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_archive_problem_free);
  for (guint i = 0; i < segments->len; i++)
    {
      TribunaSegment *segment = g_ptr_array_index (segments, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_hash_table_add (indexed, segment->path);
      check_segment (archive, segment, g_hash_table_contains (live, &segment->session_id),
                     verify_checksums, problems, cancellable);
    }

  files = g_ptr_array_new_with_free_func (g_free);
  walk (tribuna_archive_get_data_dir (archive), RECORDINGS_DIR, files, NULL);
  g_ptr_array_sort (files, compare_strings);
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);

      if (!g_hash_table_contains (indexed, file))
        add_problem (problems, TRIBUNA_ARCHIVE_PROBLEM_ORPHAN, NULL, file,
                     g_strdup ("no segment row names this file; `tribuna-cli archive rebuild` "
                               "adds it"));
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&problems);
}

/* Rebuild ******************************************************************************/

/* What the sidecar, the file name and the file itself tell about one segment. */
typedef struct {
  char     *name;           /* file name in the folder */
  gboolean  opened;         /* the sidecar has its start */
  gboolean  closed;         /* the sidecar has its end */
  gint64    start_wall_us;
  gint64    start_running_time_ns;
  gint64    duration_ns;
  gint64    bytes;
  char     *sha256;
} Found;

static void
found_free (Found *found)
{
  g_free (found->name);
  g_free (found->sha256);
  g_free (found);
}

static Found *
found_get (GHashTable *by_name,
           GPtrArray  *order,
           const char *name)
{
  Found *found = g_hash_table_lookup (by_name, name);

  if (found != NULL)
    return found;

  found = g_new0 (Found, 1);
  found->name = g_strdup (name);
  found->start_running_time_ns = found->duration_ns = found->bytes = -1;
  g_hash_table_insert (by_name, found->name, found);
  g_ptr_array_add (order, found);
  return found;
}

static gint64
member_int (JsonObject *object,
            const char *member,
            gint64      if_missing)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return if_missing;
  return json_node_get_int (node);
}

/* One line of segments.jsonl. Two generations of the recorder wrote it: "closed" with the
 * segment's start and duration_ns/bytes/sha256, or with its end and segment_time_ns. */
static gboolean
read_sidecar_line (const char *line,
                   GHashTable *by_name,
                   GPtrArray  *order)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *event, *file;
  gint64 running_time, wall, duration;
  Found *found;

  if (!json_parser_load_from_data (parser, line, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  object = json_node_get_object (json_parser_get_root (parser));
  event = json_object_get_string_member_with_default (object, "event", NULL);
  file = json_object_get_string_member_with_default (object, "file", NULL);
  if (event == NULL || file == NULL || strchr (file, '/') != NULL || file[0] == '.')
    return FALSE;

  running_time = member_int (object, "running_time_ns", -1);
  wall = member_int (object, "wall_us", -1);
  found = found_get (by_name, order, file);

  if (strcmp (event, "opened") == 0)
    {
      found->opened = TRUE;
      found->start_running_time_ns = running_time;
      found->start_wall_us = wall;
      return TRUE;
    }
  if (strcmp (event, "closed") != 0)
    return FALSE;

  found->closed = TRUE;
  duration = member_int (object, "duration_ns", -1);
  if (duration >= 0)
    {
      const char *sha256 = json_object_get_string_member_with_default (object, "sha256", NULL);

      found->duration_ns = duration;
      found->bytes = member_int (object, "bytes", -1);
      g_free (found->sha256);
      found->sha256 = sha256 && strlen (sha256) == 64 ? g_ascii_strdown (sha256, -1) : NULL;
      if (!found->opened)
        {
          found->start_running_time_ns = running_time;
          found->start_wall_us = wall;
        }
    }
  else if ((duration = member_int (object, "segment_time_ns", -1)) >= 0)
    {
      found->duration_ns = duration;
      if (!found->opened && running_time >= 0 && wall >= 0)
        {
          found->start_running_time_ns = MAX (0, running_time - duration);
          found->start_wall_us = wall - duration / 1000;
        }
    }

  return TRUE;
}

static void
read_sidecar (const char           *folder_path,
              const char           *folder,
              GHashTable           *by_name,
              GPtrArray            *order,
              TribunaRebuildReport *report)
{
  g_autofree char *path = g_build_filename (folder_path, SIDECAR_NAME, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_strstrip (lines[i])[0] == '\0')
        continue;
      if (!read_sidecar_line (lines[i], by_name, order))
        g_ptr_array_add (report->notes,
                         g_strdup_printf ("%s/%s:%u: unreadable line skipped%s", folder,
                                          SIDECAR_NAME, i + 1,
                                          lines[i + 1] == NULL || lines[i + 2] == NULL
                                          ? " (cut short by a crash?)" : ""));
    }
}

/* "20261126T064143Z-00001.ts" was opened at 2026-11-26 06:41:43 UTC. */
static gint64
wall_from_name (const char *name)
{
  int year, month, day, hour, minute, second;
  g_autoptr(GDateTime) time = NULL;

  if (sscanf (name, "%4d%2d%2dT%2d%2d%2dZ", &year, &month, &day, &hour, &minute, &second) != 6)
    return -1;
  time = g_date_time_new_utc (year, month, day, hour, minute, second);
  return time ? g_date_time_to_unix (time) * G_USEC_PER_SEC : -1;
}

/* Whatever the sidecar did not say, from the file itself. */
static void
complete_from_file (const char           *path,
                    const char           *relative,
                    Found                *found,
                    TribunaRebuildReport *report,
                    GCancellable         *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (found->start_wall_us <= 0)
    found->start_wall_us = wall_from_name (found->name);
  if (found->start_wall_us <= 0)
    {
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        found->start_wall_us = (gint64) st.st_mtime * G_USEC_PER_SEC;
    }

  if (found->duration_ns < 0)
    {
      if (!tribuna_mpegts_measure (path, &found->duration_ns, &error))
        {
          g_ptr_array_add (report->notes, g_strdup_printf ("%s: %s; its duration is taken as 0",
                                                           relative, error->message));
          found->duration_ns = 0;
          g_clear_error (&error);
        }
      else
        g_ptr_array_add (report->notes,
                         g_strdup_printf ("%s: no “closed” record; measured %.3f s from the file",
                                          relative, found->duration_ns / 1e9));
    }

  if (found->bytes < 0 || found->sha256 == NULL)
    {
      g_autofree char *sha256 = NULL;
      gint64 bytes;

      if (tribuna_archive_hash_file (path, &bytes, &sha256, cancellable, &error))
        {
          if (found->bytes < 0)
            found->bytes = bytes;
          /* A checksum of what is there now is only right if the size still matches. */
          if (found->sha256 == NULL && bytes == found->bytes)
            found->sha256 = g_steal_pointer (&sha256);
        }
      else
        g_ptr_array_add (report->notes, g_strdup_printf ("%s: %s", relative, error->message));
    }
}

static gboolean
is_all_digits (const char *text)
{
  if (text[0] == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* The session a folder belongs to: the one its rows name, else the one it is named after,
 * else 0 (none). @wanted_id gets a lost session's id from the folder name. */
static gint64
folder_session (TribunaArchive *archive,
                const char     *folder,
                GPtrArray      *order,
                GHashTable     *rows,
                gint64         *wanted_id)
{
  g_autofree char *base = g_path_get_basename (folder);
  g_autoptr(TribunaSession) named = NULL;
  guint64 id = 0;

  *wanted_id = 0;
  for (guint i = 0; i < order->len; i++)
    {
      Found *found = g_ptr_array_index (order, i);
      g_autofree char *relative = g_build_filename (folder, found->name, NULL);
      TribunaSegment *row = g_hash_table_lookup (rows, relative);

      if (row != NULL)
        return row->session_id;
    }

  if (is_all_digits (base) && g_ascii_string_to_unsigned (base, 10, 1, G_MAXINT64, &id, NULL))
    {
      named = tribuna_archive_get_session (archive, (gint64) id, NULL);
      if (named != NULL)
        return named->id;
      *wanted_id = (gint64) id;
    }

  return 0;
}

static gint64
recover_session (TribunaArchive  *archive,
                 const char      *folder,
                 gint64           wanted_id,
                 GPtrArray       *order,
                 GError         **error)
{
  g_autofree char *base = g_path_get_basename (folder);
  g_autofree char *title = g_strdup_printf ("Regjistrim i rikuperuar (%s)", base);
  g_autofree char *date = NULL;
  g_autoptr(GDateTime) first_time = NULL;
  gint64 first = G_MAXINT64, last = 0;

  for (guint i = 0; i < order->len; i++)
    {
      Found *found = g_ptr_array_index (order, i);

      if (found->start_wall_us <= 0)
        continue;
      first = MIN (first, found->start_wall_us);
      last = MAX (last, found->start_wall_us + MAX (found->duration_ns, 0) / 1000);
    }
  if (first == G_MAXINT64)
    first = last = g_get_real_time ();

  first_time = g_date_time_new_from_unix_local (first / G_USEC_PER_SEC);
  date = g_date_time_format (first_time, "%Y-%m-%d");
  return _tribuna_archive_add_recovered_session (archive, wanted_id, title, date, first, last,
                                                 error);
}

static int
compare_found (gconstpointer a,
               gconstpointer b)
{
  const Found *x = *(const Found * const *) a;
  const Found *y = *(const Found * const *) b;

  if (x->start_wall_us != y->start_wall_us)
    return x->start_wall_us < y->start_wall_us ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

static gboolean
rebuild_folder (TribunaArchive        *archive,
                const char            *folder,
                GHashTable            *rows,
                TribunaRebuildReport  *report,
                GCancellable          *cancellable,
                GError               **error)
{
  const char *data_dir = tribuna_archive_get_data_dir (archive);
  g_autofree char *folder_path = g_build_filename (data_dir, folder, NULL);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func ((GDestroyNotify) found_free);
  g_autoptr(GPtrArray) present = g_ptr_array_new ();
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  gint64 session_id, wanted_id;

  report->folders++;
  read_sidecar (folder_path, folder, by_name, order, report);

  dir = g_dir_open (folder_path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, SEGMENT_SUFFIX))
      found_get (by_name, order, name);

  /* Only what is on disk can be indexed; a file the sidecar names but that is gone stays
   * for `archive check` to report if a row names it. */
  for (guint i = 0; i < order->len; i++)
    {
      Found *found = g_ptr_array_index (order, i);
      g_autofree char *path = g_build_filename (folder_path, found->name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (present, found);
      else if (found->opened || found->closed)
        g_ptr_array_add (report->notes,
                         g_strdup_printf ("%s/%s: in %s but not on disk", folder, found->name,
                                          SIDECAR_NAME));
    }
  if (present->len == 0)
    return TRUE;

  session_id = folder_session (archive, folder, present, rows, &wanted_id);
  if (session_id > 0)
    {
      session = tribuna_archive_get_session (archive, session_id, error);
      if (session == NULL)
        return FALSE;
      if (session->state == TRIBUNA_SESSION_LIVE)
        {
          report->folders_skipped++;
          g_ptr_array_add (report->notes,
                           g_strdup_printf ("%s: session %" G_GINT64_FORMAT " is live; its "
                                            "recordings are left to tribunad", folder,
                                            session_id));
          return TRUE;
        }
    }

  /* Hashing takes a while: it is done before the write lock is taken, so tribunad's
   * markers never wait for it. */
  for (guint i = 0; i < present->len; i++)
    {
      Found *found = g_ptr_array_index (present, i);
      g_autofree char *relative = g_build_filename (folder, found->name, NULL);
      g_autofree char *path = g_build_filename (folder_path, found->name, NULL);
      TribunaSegment *row = g_hash_table_lookup (rows, relative);

      if (row == NULL || row->state != TRIBUNA_SEGMENT_CLOSED)
        complete_from_file (path, relative, found, report, cancellable);
    }
  g_ptr_array_sort (present, compare_found);

  if (!_tribuna_archive_begin (archive, error))
    return FALSE;

  if (session_id == 0)
    {
      session_id = recover_session (archive, folder, wanted_id, present, error);
      if (session_id == 0)
        goto failed;
      report->sessions_recovered++;
    }

  for (guint i = 0; i < present->len; i++)
    {
      Found *found = g_ptr_array_index (present, i);
      g_autofree char *relative = g_build_filename (folder, found->name, NULL);
      TribunaSegment *row = g_hash_table_lookup (rows, relative);
      g_autoptr(TribunaSegment) added = NULL;
      TribunaSegment update;

      if (row != NULL && row->state == TRIBUNA_SEGMENT_CLOSED)
        {
          /* Closed without a checksum, which the sidecar has: only that is filled in. */
          if (row->sha256 != NULL || found->sha256 == NULL)
            continue;
          update = *row;
          update.sha256 = found->sha256;
          report->segments_completed++;
        }
      else
        {
          if (row == NULL)
            {
              if (tribuna_archive_add_segment (archive, session_id, relative,
                                               MAX (found->start_wall_us, 1),
                                               found->start_running_time_ns, error) == 0
                  || (added = tribuna_archive_find_segment (archive, relative, error)) == NULL)
                goto failed;
              row = added;
              report->segments_added++;
            }
          else
            report->segments_completed++;

          /* The row's start came from the recorder as it happened: it stays. */
          update = *row;
          if (update.start_running_time_ns < 0)
            update.start_running_time_ns = found->start_running_time_ns;
          update.duration_ns = MAX (found->duration_ns, 0);
          update.bytes = MAX (found->bytes, 0);
          update.sha256 = found->sha256;
          update.state = TRIBUNA_SEGMENT_CLOSED;
        }

      if (!_tribuna_archive_update_segment (archive, &update, error))
        goto failed;
    }

  return _tribuna_archive_commit (archive, error);

failed:
  _tribuna_archive_rollback (archive);
  return FALSE;
}

gboolean
tribuna_archive_rebuild (TribunaArchive        *archive,
                         TribunaRebuildReport  *report,
                         GCancellable          *cancellable,
                         GError               **error)
{
  TribunaRebuildReport own_report = { 0, };
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = TRUE;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (archive), FALSE);

  if (report == NULL)
    report = &own_report;
  memset (report, 0, sizeof *report);
  report->notes = g_ptr_array_new_with_free_func (g_free);

  segments = tribuna_archive_list_segments (archive, 0, error);
  if (segments == NULL)
    ok = FALSE;

  for (guint i = 0; ok && i < segments->len; i++)
    {
      TribunaSegment *segment = g_ptr_array_index (segments, i);

      g_hash_table_insert (rows, segment->path, segment);
    }

  if (ok)
    {
      walk (tribuna_archive_get_data_dir (archive), RECORDINGS_DIR, NULL, folders);
      g_ptr_array_sort (folders, compare_strings);
    }

  for (guint i = 0; ok && i < folders->len; i++)
    ok = !g_cancellable_set_error_if_cancelled (cancellable, error)
         && rebuild_folder (archive, g_ptr_array_index (folders, i), rows, report, cancellable,
                            error);

  tribuna_rebuild_report_clear (&own_report);
  return ok;
}

void
tribuna_rebuild_report_clear (TribunaRebuildReport *report)
{
  g_return_if_fail (report != NULL);

  g_clear_pointer (&report->notes, g_ptr_array_unref);
}
