/* tribuna-mpegts.c: measuring a recorded MPEG-TS segment without GStreamer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * recordings/ links no GStreamer element, and a rebuild of a large archive must not decode
 * anything: the PES headers at the head and the tail of the file are enough to know how much
 * media it holds.
 */
#define G_LOG_DOMAIN "tribuna-archive"

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "tribuna-mpegts.h"

#define PACKET        188
#define SYNC          0x47
#define WINDOW        (4 * 1024 * 1024)
#define PTS_HZ        90000
#define PTS_WRAP      (G_GINT64_CONSTANT (1) << 33)
#define MAX_PIDS      8192

G_DEFINE_QUARK (tribuna-mpegts-error-quark, tribuna_mpegts_error)

typedef struct {
  gint64 first;       /* the lowest PTS in the head window, -1 if none */
  gint64 last[MAX_PIDS];
  gint64 spacing[MAX_PIDS];
} Scan;

/* The offset of the first of three packets in a row that start with the sync byte. */
static gssize
find_sync (const guint8 *data,
           gsize         length)
{
  for (gsize i = 0; i + 2 * PACKET < length && i < PACKET; i++)
    if (data[i] == SYNC && data[i + PACKET] == SYNC && data[i + 2 * PACKET] == SYNC)
      return (gssize) i;

  return -1;
}

/* The PTS of a packet that starts a PES packet carrying one, else -1. */
static gint64
packet_pts (const guint8 *packet,
            guint        *pid)
{
  const guint8 *payload;
  guint adaptation;
  gsize offset = 4;

  *pid = ((packet[1] & 0x1f) << 8) | packet[2];
  if ((packet[1] & 0x40) == 0)          /* no payload unit start */
    return -1;

  adaptation = (packet[3] >> 4) & 0x3;
  if ((adaptation & 0x1) == 0)          /* no payload */
    return -1;
  if (adaptation & 0x2)
    offset += 1 + packet[4];
  if (offset + 14 > PACKET)
    return -1;

  payload = packet + offset;
  if (payload[0] != 0 || payload[1] != 0 || payload[2] != 1)
    return -1;
  /* Audio, video and private streams carry the optional PES header with PTS. */
  if (!(payload[3] >= 0xc0 && payload[3] <= 0xef) && payload[3] != 0xbd)
    return -1;
  if ((payload[7] & 0x80) == 0)
    return -1;

  return ((gint64) (payload[9] & 0x0e) << 29) | ((gint64) payload[10] << 22)
         | ((gint64) (payload[11] & 0xfe) << 14) | ((gint64) payload[12] << 7)
         | ((gint64) payload[13] >> 1);
}

static gboolean
scan_window (const guint8 *data,
             gsize         length,
             gboolean      head,
             Scan         *scan)
{
  gssize start = find_sync (data, length);

  if (start < 0)
    return FALSE;

  for (gsize i = (gsize) start; i + PACKET <= length; i += PACKET)
    {
      guint pid;
      gint64 pts;

      if (data[i] != SYNC)
        continue;
      pts = packet_pts (data + i, &pid);
      if (pts < 0)
        continue;

      if (head && (scan->first < 0 || pts < scan->first))
        scan->first = pts;
      if (!head)
        {
          if (scan->last[pid] >= 0 && pts > scan->last[pid]
              && (scan->spacing[pid] < 0 || pts - scan->last[pid] < scan->spacing[pid]))
            scan->spacing[pid] = pts - scan->last[pid];
          if (pts > scan->last[pid])
            scan->last[pid] = pts;
        }
    }

  return TRUE;
}

static gboolean
read_window (FILE        *file,
             gint64       offset,
             guint8      *buffer,
             gsize       *length,
             const char  *path,
             GError     **error)
{
  if (fseeko (file, offset, SEEK_SET) != 0)
    goto failed;

  *length = fread (buffer, 1, WINDOW, file);
  if (ferror (file))
    goto failed;
  return TRUE;

failed:
  {
    int saved_errno = errno;

    g_set_error (error, TRIBUNA_MPEGTS_ERROR, TRIBUNA_MPEGTS_ERROR_READ,
                 "cannot read %s: %s", path, g_strerror (saved_errno));
    return FALSE;
  }
}

gboolean
tribuna_mpegts_measure (const char  *path,
                        gint64      *duration_ns,
                        GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  g_autofree Scan *scan = NULL;
  GStatBuf st;
  FILE *file;
  gsize length;
  gint64 end = -1;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (duration_ns != NULL, FALSE);

  file = g_fopen (path, "rb");
  if (file == NULL || g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_MPEGTS_ERROR, TRIBUNA_MPEGTS_ERROR_READ,
                   "cannot read %s: %s", path, g_strerror (saved_errno));
      if (file != NULL)
        fclose (file);
      return FALSE;
    }

  buffer = g_malloc (WINDOW);
  scan = g_new (Scan, 1);
  scan->first = -1;
  for (guint i = 0; i < MAX_PIDS; i++)
    scan->last[i] = scan->spacing[i] = -1;

  /* Each window finds its own packet boundary, so a file cut in the middle of a packet
   * (kill -9) is measured up to its last whole packet. */
  ok = read_window (file, 0, buffer, &length, path, error);
  if (ok && !scan_window (buffer, length, TRUE, scan))
    {
      g_set_error (error, TRIBUNA_MPEGTS_ERROR, TRIBUNA_MPEGTS_ERROR_NOT_MPEGTS,
                   "%s is not an MPEG-TS file (no 188-byte packets)", path);
      ok = FALSE;
    }
  if (ok)
    {
      gint64 tail = MAX (0, (gint64) st.st_size - WINDOW);

      ok = read_window (file, tail, buffer, &length, path, error);
      if (ok)
        scan_window (buffer, length, FALSE, scan);
    }
  fclose (file);
  if (!ok)
    return FALSE;

  for (guint pid = 0; pid < MAX_PIDS; pid++)
    if (scan->last[pid] >= 0)
      {
        gint64 last = scan->last[pid];

        if (scan->first >= 0 && last < scan->first)
          last += PTS_WRAP;
        end = MAX (end, last + MAX (scan->spacing[pid], 0));
      }

  if (scan->first < 0 || end < 0)
    {
      g_set_error (error, TRIBUNA_MPEGTS_ERROR, TRIBUNA_MPEGTS_ERROR_NO_TIMESTAMPS,
                   "%s holds no timestamped audio or video", path);
      return FALSE;
    }

  *duration_ns = (end - scan->first) * G_GINT64_CONSTANT (1000000000) / PTS_HZ;
  return TRUE;
}
