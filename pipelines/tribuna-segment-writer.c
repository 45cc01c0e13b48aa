/* tribuna-segment-writer.c: MPEG-TS from the muxer, into files split at keyframes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why not splitmuxsink: to choose where to split it holds back a whole GOP
 * (up to keyframe-interval seconds) in memory, and that much is lost when the
 * process is killed. Here every muxed buffer goes to the file with write(2)
 * as it comes, the file is synced once a second (a power cut loses at most
 * about that), and a new file starts exactly at the TS packet that opens a
 * keyframe — the muxer flags it with random_access_indicator — once the
 * segment is long enough. Each file starts with the PAT/PMT, so it plays on
 * its own.
 */
#define G_LOG_DOMAIN "tribuna-recorder"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tribuna-archive-layout.h"
#include "tribuna-segment-writer.h"

#define TS_PACKET_SIZE 188
#define SYNC_INTERVAL_US G_USEC_PER_SEC

struct _TribunaSegmentWriter
{
  /* Settings */
  char                    *directory;
  GstClockTime             segment_time;
  guint                    video_pid;
  TribunaSegmentEventFunc  func;
  gpointer                 user_data;

  GMutex                   lock;
  GQueue                   keyframes;      /* GstClockTime, boxed in pointers, oldest first */
  GstClockTime             video_end;
  GBytes                  *header;         /* PAT and PMT, from the caps' streamheader */

  /* The open segment */
  int                      fd;
  char                    *path;
  GstClockTime             start;
  guint                    index;
  gint64                   last_sync_us;
  gboolean                 failed;
};

void
tribuna_segment_event_free (TribunaSegmentEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->path);
  g_free (event->error);
  g_free (event);
}

static void
emit (TribunaSegmentWriter    *self,
      TribunaSegmentEventKind  kind,
      GstClockTime             duration,
      const char              *error)
{
  TribunaSegmentEvent *event = g_new0 (TribunaSegmentEvent, 1);

  event->kind = kind;
  event->path = g_strdup (self->path);
  event->start = self->start;
  event->duration = duration;
  event->error = g_strdup (error);
  self->func (event, self->user_data);
}

TribunaSegmentWriter *
tribuna_segment_writer_new (const char              *directory,
                            GstClockTime             segment_time,
                            guint                    video_pid,
                            TribunaSegmentEventFunc  func,
                            gpointer                 user_data)
{
  TribunaSegmentWriter *self = g_new0 (TribunaSegmentWriter, 1);

  self->directory = g_strdup (directory);
  self->segment_time = segment_time;
  self->video_pid = video_pid;
  self->func = func;
  self->user_data = user_data;
  self->fd = -1;
  self->video_end = GST_CLOCK_TIME_NONE;
  g_mutex_init (&self->lock);
  g_queue_init (&self->keyframes);

  return self;
}

void
tribuna_segment_writer_free (TribunaSegmentWriter *self)
{
  if (self == NULL)
    return;

  tribuna_segment_writer_close (self);
  g_queue_clear (&self->keyframes);
  g_clear_pointer (&self->header, g_bytes_unref);
  g_mutex_clear (&self->lock);
  g_free (self->directory);
  g_free (self);
}

void
tribuna_segment_writer_note_keyframe (TribunaSegmentWriter *self,
                                      GstClockTime          pts)
{
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->keyframes, GSIZE_TO_POINTER ((gsize) pts));
  g_mutex_unlock (&self->lock);
}

void
tribuna_segment_writer_note_video_end (TribunaSegmentWriter *self,
                                       GstClockTime          end)
{
  g_mutex_lock (&self->lock);
  if (!GST_CLOCK_TIME_IS_VALID (self->video_end) || end > self->video_end)
    self->video_end = end;
  g_mutex_unlock (&self->lock);
}

void
tribuna_segment_writer_set_caps (TribunaSegmentWriter *self,
                                 GstCaps              *caps)
{
  const GValue *headers = gst_structure_get_value (gst_caps_get_structure (caps, 0),
                                                   "streamheader");
  g_autoptr(GByteArray) joined = g_byte_array_new ();

  if (headers == NULL || !GST_VALUE_HOLDS_ARRAY (headers))
    return;

  for (guint i = 0; i < gst_value_array_get_size (headers); i++)
    {
      GstBuffer *header = gst_value_get_buffer (gst_value_array_get_value (headers, i));
      GstMapInfo map;

      if (gst_buffer_map (header, &map, GST_MAP_READ))
        {
          g_byte_array_append (joined, map.data, map.size);
          gst_buffer_unmap (header, &map);
        }
    }

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->header, g_bytes_unref);
  self->header = g_byte_array_free_to_bytes (g_steal_pointer (&joined));
  g_mutex_unlock (&self->lock);
}

/* A TS packet of the video PID that starts a PES and carries random_access_indicator. */
static gboolean
is_keyframe_packet (TribunaSegmentWriter *self,
                    const guint8         *packet)
{
  guint pid = ((packet[1] & 0x1f) << 8) | packet[2];
  gboolean payload_start = (packet[1] & 0x40) != 0;
  gboolean has_adaptation = (packet[3] & 0x20) != 0;

  return packet[0] == 0x47 && pid == self->video_pid && payload_start && has_adaptation
         && packet[4] > 0 && (packet[5] & 0x40) != 0;
}

static gboolean
fail (TribunaSegmentWriter *self,
      const char           *what,
      int                   saved_errno)
{
  g_autofree char *message = g_strdup_printf ("%s %s: %s", what, self->path,
                                              g_strerror (saved_errno));

  self->failed = TRUE;
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
  emit (self, TRIBUNA_SEGMENT_FAILED, 0, message);
  g_clear_pointer (&self->path, g_free);
  return FALSE;
}

static gboolean
write_all (TribunaSegmentWriter *self,
           const guint8         *data,
           gsize                 size)
{
  while (size > 0)
    {
      gssize written = write (self->fd, data, size);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return fail (self, "cannot write", errno);

      data += written;
      size -= written;
    }

  if (g_get_monotonic_time () - self->last_sync_us >= SYNC_INTERVAL_US)
    {
      if (fdatasync (self->fd) != 0)
        return fail (self, "cannot sync", errno);
      self->last_sync_us = g_get_monotonic_time ();
    }

  return TRUE;
}

static void
close_segment (TribunaSegmentWriter *self,
               GstClockTime          end)
{
  if (self->fd < 0)
    return;

  if (fdatasync (self->fd) != 0 || close (self->fd) != 0)
    {
      self->fd = -1;
      fail (self, "cannot finish", errno);
      return;
    }

  self->fd = -1;
  emit (self, TRIBUNA_SEGMENT_CLOSED,
        GST_CLOCK_TIME_IS_VALID (end) && end > self->start ? end - self->start : 0, NULL);
  g_clear_pointer (&self->path, g_free);
}

static gboolean
open_segment (TribunaSegmentWriter *self,
              GstClockTime          start)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *name = tribuna_archive_segment_name (now, ++self->index);

  self->path = g_build_filename (self->directory, name, NULL);
  self->start = start;
  self->fd = g_open (self->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (self->fd < 0)
    return fail (self, "cannot create", errno);

  self->last_sync_us = g_get_monotonic_time ();
  emit (self, TRIBUNA_SEGMENT_OPENED, 0, NULL);

  if (self->header != NULL)
    return write_all (self, g_bytes_get_data (self->header, NULL), g_bytes_get_size (self->header));
  return TRUE;
}

/* At a keyframe: the first segment starts, or a long enough one ends here. */
static gboolean
at_keyframe (TribunaSegmentWriter *self)
{
  GstClockTime pts = GPOINTER_TO_SIZE (g_queue_pop_head (&self->keyframes));

  if (self->fd < 0)
    return open_segment (self, pts);

  if (pts - self->start < self->segment_time)
    return TRUE;

  close_segment (self, pts);
  return !self->failed && open_segment (self, pts);
}

gboolean
tribuna_segment_writer_write (TribunaSegmentWriter *self,
                              GstBuffer            *buffer)
{
  GstMapInfo map;
  gsize written_up_to = 0;
  gboolean ok = TRUE;

  g_mutex_lock (&self->lock);
  if (self->failed || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }

  for (gsize offset = 0; ok && offset + TS_PACKET_SIZE <= map.size; offset += TS_PACKET_SIZE)
    {
      if (!is_keyframe_packet (self, map.data + offset) || g_queue_is_empty (&self->keyframes))
        continue;

      /* Up to here belongs to the segment that is ending (or to nothing yet). */
      if (self->fd >= 0 && offset > written_up_to)
        ok = write_all (self, map.data + written_up_to, offset - written_up_to);
      written_up_to = offset;
      ok = ok && at_keyframe (self);
    }

  if (ok && self->fd >= 0 && map.size > written_up_to)
    ok = write_all (self, map.data + written_up_to, map.size - written_up_to);

  gst_buffer_unmap (buffer, &map);
  g_mutex_unlock (&self->lock);
  return ok;
}

void
tribuna_segment_writer_close (TribunaSegmentWriter *self)
{
  g_mutex_lock (&self->lock);
  close_segment (self, self->video_end);
  g_mutex_unlock (&self->lock);
}
