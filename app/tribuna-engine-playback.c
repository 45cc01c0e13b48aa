/* tribuna-engine-playback.c: a session's recording as one playable thing, for staff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A recording is many MPEG-TS segment files. An HLS VOD playlist listing them by their
 * absolute file: URIs is something any GStreamer playbin (and so GTK's media backend) plays
 * and seeks as one stream, with no copy and no server. Each EXTINF is the segment's length
 * as the timeline counts it, so a position on the playlist is a position on the session
 * axis. Unlike the public archive (tribuna-http-recording.c), nothing private is left out:
 * this is for the staff's console.
 */
#define G_LOG_DOMAIN "tribuna-engine"

#include "config.h"

#include <errno.h>

#include "tribuna-engine-private.h"
#include "tribuna-timeline.h"

/* Runs of the program restart the timestamps inside the files; the player must be told. */
static gboolean
same_run (const TribunaSegment *a,
          const TribunaSegment *b)
{
  gint64 epoch_a, epoch_b;

  if (a->start_running_time_ns < 0 || b->start_running_time_ns < 0)
    return FALSE;
  epoch_a = a->start_wall_us - a->start_running_time_ns / 1000;
  epoch_b = b->start_wall_us - b->start_running_time_ns / 1000;
  return ABS (epoch_a - epoch_b) <= TRIBUNA_TIMELINE_EPOCH_TOLERANCE_US;
}

static char *
segment_uri (TribunaEngine        *self,
             const TribunaSegment *segment)
{
  g_autofree char *path = g_path_is_absolute (segment->path)
                          ? g_strdup (segment->path)
                          : g_build_filename (self->data_dir, segment->path, NULL);

  return g_filename_to_uri (path, NULL, NULL);
}

/* The playlist's text, and how much of the axis it covers (0: nothing closed yet). */
static char *
format_playlist (TribunaEngine   *self,
                 TribunaTimeline *timeline,
                 gint64          *covered_ns)
{
  g_autoptr(GString) body = g_string_new (NULL);
  const TribunaSegment *previous = NULL;
  gint64 longest_ns = 0;
  char seconds[G_ASCII_DTOSTR_BUF_SIZE];

  *covered_ns = 0;
  for (guint i = 0; i < tribuna_timeline_get_n_segments (timeline); i++)
    {
      const TribunaSegment *segment = tribuna_timeline_get_segment (timeline, i, NULL, NULL);
      g_autofree char *uri = NULL;

      /* Its length is a guess until it is closed; a wrong EXTINF would misplace every seek. */
      if (segment->duration_ns <= 0 || (uri = segment_uri (self, segment)) == NULL)
        break;
      if (previous != NULL && !same_run (previous, segment))
        g_string_append (body, "#EXT-X-DISCONTINUITY\n");
      g_ascii_formatd (seconds, sizeof seconds, "%.6f", segment->duration_ns / 1e9);
      g_string_append_printf (body, "#EXTINF:%s,\n%s\n", seconds, uri);
      longest_ns = MAX (longest_ns, segment->duration_ns);
      *covered_ns += segment->duration_ns;
      previous = segment;
    }
  if (previous == NULL)
    return NULL;
  return g_strdup_printf ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n"
                          "#EXT-X-TARGETDURATION:%" G_GINT64_FORMAT "\n"
                          "#EXT-X-MEDIA-SEQUENCE:0\n%s#EXT-X-ENDLIST\n",
                          (longest_ns + GST_SECOND - 1) / GST_SECOND, body->str);
}

char *
tribuna_engine_write_session_playlist (TribunaEngine  *self,
                                       gint64          session_id,
                                       gint64         *duration_ns,
                                       GError        **error)
{
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autofree char *text = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gint64 covered_ns = 0;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  if ((timeline = tribuna_timeline_new_for_session (self->archive, session_id, error)) == NULL)
    return NULL;
  if ((text = format_playlist (self, timeline, &covered_ns)) == NULL)
    {
      g_set_error (error, TRIBUNA_ENGINE_ERROR, TRIBUNA_ENGINE_ERROR_RECORDING,
                   "no part of this session’s recording is closed yet");
      return NULL;
    }

  directory = g_build_filename (self->data_dir, "cache", "playback", NULL);
  name = g_strdup_printf ("session-%" G_GINT64_FORMAT ".m3u8", session_id);
  path = g_build_filename (directory, name, NULL);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot make the folder %s: %s", directory, g_strerror (saved));
      return NULL;
    }
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return NULL;
  if (duration_ns != NULL)
    *duration_ns = covered_ns;
  return g_steal_pointer (&path);
}
