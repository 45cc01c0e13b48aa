/* tribuna-ts-index.c: where the keyframes are in a recorded MPEG-TS segment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A recorded segment is minutes long; a phone opening the public archive at an
 * agenda item must not fetch all of it first. This reads a closed segment once
 * and lists its keyframes (byte offset, time) so the archive can serve it in
 * pieces of a few seconds, each starting at a keyframe. The recorder's muxer
 * writes every PES whole, so a cut just before a keyframe's packet splits no
 * frame and no sound; the file's leading PAT and PMT (its header) are what a
 * piece cut from the middle needs in front to stand alone.
 *
 * Only the Program Association and Program Map tables, the video PES headers
 * and the random-access flag are read: no GStreamer.
 */
#define G_LOG_DOMAIN "tribuna-ts-index"

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "tribuna-ts-index.h"

#define TS_PACKET     188
#define TS_SYNC       0x47
#define PID_PAT       0x0000
#define PID_NONE      0xFFFF
#define STREAM_H264   0x1B
#define STREAM_H265   0x24
#define PTS_WRAP      (G_GUINT64_CONSTANT (1) << 33)
#define READ_PACKETS  2048

struct _TribunaTsIndex
{
  GArray  *keyframes;     /* TribunaTsKeyframe */
  guint64  size;          /* whole packets only: a torn last packet is not counted */
  guint64  header_size;   /* the leading PAT/PMT packets */
};

typedef struct {
  guint    pmt_pid;
  guint    video_pid;
  gboolean in_header;
  guint64  first_pts;
  gboolean have_first_pts;
} Scan;

static guint
packet_pid (const guint8 *packet)
{
  return ((packet[1] & 0x1F) << 8) | packet[2];
}

static gboolean
packet_starts_unit (const guint8 *packet)
{
  return (packet[1] & 0x40) != 0;
}

/* Where the payload starts, or 0 when the packet has none. */
static guint
payload_start (const guint8 *packet)
{
  guint control = (packet[3] >> 4) & 0x3;
  guint start = 4;

  if (control & 0x2)
    start += 1 + packet[4];
  if (!(control & 0x1) || start >= TS_PACKET)
    return 0;
  return start;
}

static gboolean
is_random_access (const guint8 *packet)
{
  guint control = (packet[3] >> 4) & 0x3;

  return (control & 0x2) && packet[4] > 0 && (packet[5] & 0x40);
}

/* The first section of a PSI table in this packet, with its length; NULL if torn. */
static const guint8 *
psi_section (const guint8 *packet,
             guint         table_id,
             guint        *length)
{
  guint start = payload_start (packet);
  const guint8 *section;

  if (start == 0 || !packet_starts_unit (packet))
    return NULL;
  start += 1 + packet[start];   /* pointer_field */
  if (start + 3 > TS_PACKET)
    return NULL;
  section = packet + start;
  *length = ((section[1] & 0x0F) << 8) | section[2];
  if (section[0] != table_id || start + 3 + *length > TS_PACKET || *length < 9)
    return NULL;
  return section;
}

static void
read_pat (Scan         *scan,
          const guint8 *packet)
{
  guint length;
  const guint8 *section = psi_section (packet, 0x00, &length);

  if (section == NULL || scan->pmt_pid != PID_NONE)
    return;
  /* entries of 4 bytes between the 8-byte header and the 4-byte CRC */
  for (guint i = 8; i + 4 <= 3 + length - 4; i += 4)
    {
      guint program = (section[i] << 8) | section[i + 1];

      if (program != 0)
        {
          scan->pmt_pid = ((section[i + 2] & 0x1F) << 8) | section[i + 3];
          return;
        }
    }
}

static void
read_pmt (Scan         *scan,
          const guint8 *packet)
{
  guint length;
  const guint8 *section = psi_section (packet, 0x02, &length);
  guint i, end;

  if (section == NULL || scan->video_pid != PID_NONE)
    return;
  i = 12 + (((section[10] & 0x0F) << 8) | section[11]);   /* past program_info */
  end = 3 + length - 4;
  for (; i + 5 <= end; i += 5 + (((section[i + 3] & 0x0F) << 8) | section[i + 4]))
    if (section[i] == STREAM_H264 || section[i] == STREAM_H265)
      {
        scan->video_pid = ((section[i + 1] & 0x1F) << 8) | section[i + 2];
        return;
      }
}

/* The PTS of the PES this packet starts, FALSE if it carries none. */
static gboolean
read_pts (const guint8 *packet,
          guint64      *pts)
{
  guint start = payload_start (packet);
  const guint8 *pes = packet + start;

  if (start == 0 || start + 14 > TS_PACKET || pes[0] != 0 || pes[1] != 0 || pes[2] != 1
      || !(pes[7] & 0x80))
    return FALSE;

  *pts = ((guint64) (pes[9] & 0x0E) << 29) | ((guint64) pes[10] << 22)
         | ((guint64) (pes[11] & 0xFE) << 14) | ((guint64) pes[12] << 7) | (pes[13] >> 1);
  return TRUE;
}

static void
read_packet (TribunaTsIndex *self,
             Scan           *scan,
             const guint8   *packet,
             guint64         offset)
{
  guint pid = packet_pid (packet);
  guint64 pts;

  if (pid == PID_PAT)
    read_pat (scan, packet);
  else if (pid == scan->pmt_pid)
    read_pmt (scan, packet);

  if (scan->in_header && (pid == PID_PAT || pid == scan->pmt_pid))
    self->header_size = offset + TS_PACKET;
  else
    scan->in_header = FALSE;

  if (pid == scan->video_pid && packet_starts_unit (packet) && is_random_access (packet)
      && read_pts (packet, &pts))
    {
      TribunaTsKeyframe keyframe = { .offset = offset };

      if (!scan->have_first_pts)
        {
          scan->first_pts = pts;
          scan->have_first_pts = TRUE;
        }
      /* 90 kHz, wrapping at 2^33 (26.5 hours) */
      keyframe.time_ns = (gint64) (((pts + PTS_WRAP - scan->first_pts) % PTS_WRAP) * 100000 / 9);
      g_array_append_val (self->keyframes, keyframe);
    }
}

TribunaTsIndex *
tribuna_ts_index_read (const char  *path,
                       GError     **error)
{
  g_autoptr(TribunaTsIndex) self = g_new0 (TribunaTsIndex, 1);
  g_autofree guint8 *buffer = g_malloc (TS_PACKET * READ_PACKETS);
  Scan scan = { .pmt_pid = PID_NONE, .video_pid = PID_NONE, .in_header = TRUE };
  FILE *file;
  gsize got;

  g_return_val_if_fail (path != NULL, NULL);

  self->keyframes = g_array_new (FALSE, FALSE, sizeof (TribunaTsKeyframe));
  file = fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot read the recording %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  while ((got = fread (buffer, TS_PACKET, READ_PACKETS, file)) > 0)
    for (gsize i = 0; i < got; i++)
      {
        const guint8 *packet = buffer + i * TS_PACKET;

        if (packet[0] != TS_SYNC)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "%s is not an MPEG-TS recording: no sync byte at offset %" G_GUINT64_FORMAT,
                         path, self->size);
            fclose (file);
            return NULL;
          }
        read_packet (self, &scan, packet, self->size);
        self->size += TS_PACKET;
      }
  fclose (file);

  if (self->keyframes->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s has no H.264 keyframe to start playing from", path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
tribuna_ts_index_free (TribunaTsIndex *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->keyframes, g_array_unref);
  g_free (self);
}

guint
tribuna_ts_index_get_n_keyframes (const TribunaTsIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->keyframes->len;
}

const TribunaTsKeyframe *
tribuna_ts_index_get_keyframe (const TribunaTsIndex *self,
                               guint                 index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->keyframes->len, NULL);

  return &g_array_index (self->keyframes, TribunaTsKeyframe, index);
}

/* The file's length in whole packets. */
guint64
tribuna_ts_index_get_size (const TribunaTsIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size;
}

/* The leading PAT and PMT packets: what a piece from the middle needs in front. */
guint64
tribuna_ts_index_get_header_size (const TribunaTsIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->header_size;
}
