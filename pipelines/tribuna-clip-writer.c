/* tribuna-clip-writer.c: coded frames into an MP4 (or M4A) with its moov in front
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small ISO BMFF writer for what a clip holds: one H.264 track and one AAC track, no
 * B-frames, in half-second chunks. It writes the media data once, behind room kept for the
 * moov, and puts the moov into that room at the end: the file starts with ftyp, moov, free,
 * mdat, as "fast start" wants, without the second pass over the data that mp4mux's
 * faststart (or ffmpeg's) needs. mp4mux was the first choice; on the appliance its
 * aggregator thread cost three times ffmpeg's time for a ten-minute copy (a futex per frame,
 * then the faststart copy), and this runs in the worker thread with one writev per chunk.
 *
 * When the room kept turns out too small (far more keyframes than a recording has), the
 * file is rewritten once with the moov in front: slower, never wrong.
 */
#define G_LOG_DOMAIN "tribuna-clip"
#define _GNU_SOURCE   /* copy_file_range */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tribuna-clip-private.h"
#include "tribuna-clip-writer.h"

#define CHUNK_NS (500 * GST_MSECOND)
#define MAX_IOV 256
#define MDAT_HEADER 16                 /* with a 64-bit size */
#define DEFAULT_ROOM (64 * 1024)
#define SECONDS_1904_TO_1970 G_GUINT64_CONSTANT (2082844800)
/* The movie's clock, for edit lists: 90 kHz places sound to the sample's worth, and still
 * counts thirteen hours in 32 bits. */
#define MOVIE_TIMESCALE 90000

typedef struct {
  guint64 offset;
  guint32 first_sample;   /* 0-based */
  guint32 count;
} Chunk;

typedef struct {
  gboolean  present;
  gboolean  is_video;
  guint32   id;
  guint32   timescale;
  gint64    frame_ticks;    /* video: one frame; times snap to this grid */
  GBytes   *codec_data;
  int       width;
  int       height;
  int       rate;
  int       channels;

  GQueue    pending;        /* GstBuffer, waiting for their chunk */
  GstBuffer *preroll;       /* sound: decoded before the first frame, never played */
  gint64    preroll_ticks;  /* its (negative) time */
  gboolean  ended;

  GArray   *sizes;          /* guint32 */
  GArray   *times;          /* gint64, in timescale ticks */
  GArray   *syncs;          /* guint32, 1-based sample numbers */
  GArray   *chunks;         /* Chunk */
  gint64    last_duration;  /* ticks */
  guint64   bytes;
} Track;

struct _TribunaClipWriter
{
  char         *path;
  GCancellable *cancellable;
  int           fd;
  Track         tracks[2];   /* [0] sound, [1] video: video chunks first in each round */
  gint64        expected_duration;
  guint         expected_pieces;
  guint64       room;        /* bytes before the mdat box */
  guint64       position;    /* where the next chunk goes */
  gint64        round_end;   /* frames before this (ns) make the current round of chunks */
  gboolean      started;
};

static void
track_init (Track *track)
{
  g_queue_init (&track->pending);
  track->sizes = g_array_new (FALSE, FALSE, sizeof (guint32));
  track->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  track->syncs = g_array_new (FALSE, FALSE, sizeof (guint32));
  track->chunks = g_array_new (FALSE, FALSE, sizeof (Chunk));
}

static void
track_clear (Track *track)
{
  g_queue_clear_full (&track->pending, (GDestroyNotify) gst_buffer_unref);
  gst_clear_buffer (&track->preroll);
  g_clear_pointer (&track->codec_data, g_bytes_unref);
  g_clear_pointer (&track->sizes, g_array_unref);
  g_clear_pointer (&track->times, g_array_unref);
  g_clear_pointer (&track->syncs, g_array_unref);
  g_clear_pointer (&track->chunks, g_array_unref);
}

TribunaClipWriter *
tribuna_clip_writer_new (const char   *path,
                         GCancellable *cancellable)
{
  TribunaClipWriter *self = g_new0 (TribunaClipWriter, 1);

  self->path = g_strdup (path);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->fd = -1;
  for (guint i = 0; i < G_N_ELEMENTS (self->tracks); i++)
    track_init (&self->tracks[i]);
  self->tracks[1].is_video = TRUE;

  return self;
}

void
tribuna_clip_writer_free (TribunaClipWriter *self)
{
  if (self == NULL)
    return;

  if (self->fd >= 0)
    close (self->fd);
  for (guint i = 0; i < G_N_ELEMENTS (self->tracks); i++)
    track_clear (&self->tracks[i]);
  g_clear_object (&self->cancellable);
  g_free (self->path);
  g_free (self);
}

static GBytes *
caps_codec_data (GstCaps *caps)
{
  const GValue *value = gst_structure_get_value (gst_caps_get_structure (caps, 0), "codec_data");
  GstBuffer *buffer;
  GstMapInfo map;
  GBytes *bytes;

  if (value == NULL || !G_VALUE_HOLDS (value, GST_TYPE_BUFFER))
    return NULL;

  buffer = gst_value_get_buffer (value);
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return NULL;
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  return bytes;
}

void
tribuna_clip_writer_set_caps (TribunaClipWriter *self,
                              gboolean           is_video,
                              GstCaps           *caps)
{
  Track *track = &self->tracks[is_video ? 1 : 0];
  GstStructure *structure = gst_caps_get_structure (caps, 0);

  g_return_if_fail (!self->started);

  track->present = TRUE;
  g_clear_pointer (&track->codec_data, g_bytes_unref);
  track->codec_data = caps_codec_data (caps);

  if (is_video)
    {
      int fps_n = 0, fps_d = 1;

      gst_structure_get_int (structure, "width", &track->width);
      gst_structure_get_int (structure, "height", &track->height);
      if (gst_structure_get_fraction (structure, "framerate", &fps_n, &fps_d) && fps_n > 0
          && fps_d > 0)
        {
          /* a whole number of ticks per frame: 30 fps -> 3000 a second, 100 a frame */
          track->timescale = (guint32) fps_n * 100;
          track->frame_ticks = (gint64) fps_d * 100;
        }
      else
        track->timescale = 90000;
    }
  else
    {
      if (!gst_structure_get_int (structure, "rate", &track->rate) || track->rate <= 0)
        track->rate = 48000;
      if (!gst_structure_get_int (structure, "channels", &track->channels))
        track->channels = 2;
      track->timescale = (guint32) track->rate;
    }
}

void
tribuna_clip_writer_set_expected (TribunaClipWriter *self,
                                  gint64             duration,
                                  guint              n_pieces)
{
  self->expected_duration = duration;
  self->expected_pieces = n_pieces;
}

/* Room for the moov, from what the clip will hold: generous with sizes, which are exact,
 * and with chunks, which are ours; it counts a keyframe every half second, where the
 * recorder makes one every two. */
static guint64
moov_room (TribunaClipWriter *self)
{
  double seconds = self->expected_duration / (double) GST_SECOND;
  guint64 pieces = self->expected_pieces + 1;
  guint64 chunks = (guint64) (seconds * GST_SECOND / CHUNK_NS) + 2 * pieces + 4;
  guint64 room = 4096;

  if (self->expected_duration <= 0)
    return DEFAULT_ROOM;

  for (guint i = 0; i < G_N_ELEMENTS (self->tracks); i++)
    {
      Track *track = &self->tracks[i];
      guint64 samples;

      if (!track->present)
        continue;

      if (track->is_video)
        samples = (guint64) (seconds * track->timescale / MAX (track->frame_ticks, 1));
      else
        samples = (guint64) (seconds * track->rate / 1024);
      samples += 4 * pieces + 8;

      room += 1024 + (track->codec_data ? g_bytes_get_size (track->codec_data) : 0);
      room += 4 * samples;                                   /* stsz */
      room += 8 * (8 + 4 * pieces + samples / 64);           /* stts */
      room += 20 * chunks;                                   /* stsc and co64 */
      if (track->is_video)
        room += 4 * (samples / 15 + pieces + 4);             /* stss */
    }

  return room + room / 50;
}

gboolean
tribuna_clip_writer_start (TribunaClipWriter  *self,
                           GError            **error)
{
  guint8 header[MDAT_HEADER] = { 0, 0, 0, 1, 'm', 'd', 'a', 't', };
  guint32 id = 1;

  g_return_val_if_fail (!self->started, FALSE);
  g_return_val_if_fail (self->tracks[0].present || self->tracks[1].present, FALSE);

  for (int i = G_N_ELEMENTS (self->tracks) - 1; i >= 0; i--)
    if (self->tracks[i].present)
      self->tracks[i].id = id++;
    else
      self->tracks[i].ended = TRUE;

  /* read too: a moov that outgrows its room has the data copied out again */
  self->fd = g_open (self->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (self->fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                   "cannot write the clip %s: %s", self->path, g_strerror (saved_errno));
      return FALSE;
    }

  self->room = moov_room (self);
  if (pwrite (self->fd, header, sizeof header, (off_t) self->room) != sizeof header)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                   "cannot write the clip %s: %s", self->path, g_strerror (saved_errno));
      return FALSE;
    }

  self->position = self->room + MDAT_HEADER;
  self->round_end = CHUNK_NS;
  self->started = TRUE;
  return TRUE;
}

/* Writing chunks */

static gboolean
write_error (TribunaClipWriter  *self,
             GError            **error)
{
  int saved_errno = errno;

  g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
               "cannot write the clip %s: %s", self->path,
               saved_errno != 0 ? g_strerror (saved_errno) : "short write");
  return FALSE;
}

static gboolean
write_all (TribunaClipWriter  *self,
           struct iovec       *iov,
           int                 n_iov,
           guint64             offset,
           GError            **error)
{
  while (n_iov > 0)
    {
      gssize written = pwritev (self->fd, iov, n_iov, (off_t) offset);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return write_error (self, error);

      offset += (guint64) written;
      while (n_iov > 0 && (gsize) written >= iov->iov_len)
        {
          written -= iov->iov_len;
          iov++;
          n_iov--;
        }
      if (n_iov > 0)
        {
          iov->iov_base = (guint8 *) iov->iov_base + written;
          iov->iov_len -= written;
        }
    }

  return TRUE;
}

static GstClockTime
buffer_time (GstBuffer *buffer)
{
  return GST_BUFFER_PTS_IS_VALID (buffer) ? GST_BUFFER_PTS (buffer) : GST_BUFFER_DTS (buffer);
}

static gint64
ticks_of (Track     *track,
          GstBuffer *buffer)
{
  gint64 ticks = (gint64) gst_util_uint64_scale_round (buffer_time (buffer), track->timescale,
                                                       GST_SECOND);

  /* MPEG-TS rounds to 90 kHz: a frame that keeps the cadence within that jitter is put
   * exactly one frame after the last (sound: one AAC frame), so the durations stay one run
   * of equal values. A real irregularity (a looped source, a dropped frame) keeps its own
   * time. */
  if (track->times->len > 0 && (track->frame_ticks > 0 || track->last_duration > 0))
    {
      gint64 next = g_array_index (track->times, gint64, track->times->len - 1)
                    + (track->frame_ticks > 0 ? track->frame_ticks : track->last_duration);
      gint64 jitter = MAX (track->timescale / 90000 + 1, 2);

      if (ABS (ticks - next) <= jitter)
        ticks = next;
    }
  return ticks;
}

static void
add_sample (Track     *track,
            GstBuffer *buffer,
            gint64     ticks,
            guint32    size)
{
  guint32 number;

  if (track->times->len > 0)
    {
      gint64 last = g_array_index (track->times, gint64, track->times->len - 1);

      if (ticks <= last)
        ticks = last + MAX (track->frame_ticks, 1);   /* never backwards, never twice */
    }

  g_array_append_val (track->sizes, size);
  g_array_append_val (track->times, ticks);
  number = track->sizes->len;
  if (!track->is_video || !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
    g_array_append_val (track->syncs, number);

  track->last_duration = GST_BUFFER_DURATION_IS_VALID (buffer)
                         ? (gint64) gst_util_uint64_scale_round (GST_BUFFER_DURATION (buffer),
                                                                 track->timescale, GST_SECOND)
                         : MAX (track->frame_ticks, 1);
  if (track->frame_ticks > 0)
    track->last_duration = track->frame_ticks;
  track->bytes += size;
}

/* Writes the track's pending frames before @until (ns) as one chunk. */
static gboolean
write_chunk (TribunaClipWriter  *self,
             Track              *track,
             GstClockTime        until,
             GError            **error)
{
  struct iovec iov[MAX_IOV];
  GstMapInfo maps[MAX_IOV];
  GstBuffer *buffers[MAX_IOV];
  Chunk chunk = { self->position, track->sizes->len, 0 };
  gboolean ok = TRUE;
  guint64 bytes = 0;
  int n = 0;

  /* the sound's pre-roll frame goes first, just before the first frame that plays */
  if (track->preroll != NULL && track->sizes->len == 0 && !g_queue_is_empty (&track->pending)
      && buffer_time (g_queue_peek_head (&track->pending)) < until
      && gst_buffer_map (track->preroll, &maps[0], GST_MAP_READ))
    {
      buffers[0] = g_steal_pointer (&track->preroll);
      iov[0].iov_base = maps[0].data;
      iov[0].iov_len = maps[0].size;
      bytes += maps[0].size;
      add_sample (track, buffers[0], track->preroll_ticks, (guint32) maps[0].size);
      n++;
    }

  while (!g_queue_is_empty (&track->pending)
         && buffer_time (g_queue_peek_head (&track->pending)) < until && n < MAX_IOV)
    {
      buffers[n] = g_queue_pop_head (&track->pending);
      if (!gst_buffer_map (buffers[n], &maps[n], GST_MAP_READ))
        {
          gst_buffer_unref (buffers[n]);
          continue;
        }
      iov[n].iov_base = maps[n].data;
      iov[n].iov_len = maps[n].size;
      bytes += maps[n].size;
      add_sample (track, buffers[n], ticks_of (track, buffers[n]), (guint32) maps[n].size);
      n++;
    }

  if (n > 0)
    {
      ok = write_all (self, iov, n, self->position, error);
      chunk.count = n;
      g_array_append_val (track->chunks, chunk);
      self->position += bytes;
    }

  for (int i = 0; i < n; i++)
    {
      gst_buffer_unmap (buffers[i], &maps[i]);
      gst_buffer_unref (buffers[i]);
    }

  /* a chunk cut short by MAX_IOV goes on in the next one */
  if (ok && n == MAX_IOV)
    return write_chunk (self, track, until, error);
  return ok;
}

/* Whether every frame of @track before @until has arrived. */
static gboolean
track_ready (Track        *track,
             GstClockTime  until)
{
  GstBuffer *tail = g_queue_peek_tail (&track->pending);

  return !track->present || track->ended || (tail != NULL && buffer_time (tail) >= until);
}

static gboolean
drain (TribunaClipWriter  *self,
       GError            **error)
{
  Track *audio = &self->tracks[0];
  Track *video = &self->tracks[1];

  while (track_ready (video, self->round_end) && track_ready (audio, self->round_end))
    {
      if (g_queue_is_empty (&video->pending) && g_queue_is_empty (&audio->pending)
          && (video->ended || !video->present) && (audio->ended || !audio->present))
        return TRUE;

      if (!write_chunk (self, video, self->round_end, error)
          || !write_chunk (self, audio, self->round_end, error))
        return FALSE;
      self->round_end += CHUNK_NS;
    }

  return TRUE;
}

gboolean
tribuna_clip_writer_push (TribunaClipWriter  *self,
                          gboolean            is_video,
                          GstBuffer          *buffer,
                          GError            **error)
{
  Track *track = &self->tracks[is_video ? 1 : 0];

  g_return_val_if_fail (self->started && track->present && !track->ended, FALSE);

  g_queue_push_tail (&track->pending, buffer);
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;
  return drain (self, error);
}

gboolean
tribuna_clip_writer_push_preroll (TribunaClipWriter  *self,
                                  GstBuffer          *buffer,
                                  gint64              clip_time,
                                  GError            **error)
{
  Track *track = &self->tracks[0];

  g_return_val_if_fail (self->started && track->present, FALSE);
  g_return_val_if_fail (track->sizes->len == 0 && g_queue_is_empty (&track->pending), FALSE);
  g_return_val_if_fail (clip_time < 0, FALSE);

  gst_clear_buffer (&track->preroll);
  track->preroll = buffer;
  track->preroll_ticks = -(gint64) gst_util_uint64_scale_round ((guint64) -clip_time,
                                                                track->timescale, GST_SECOND);
  return TRUE;
}

gboolean
tribuna_clip_writer_end_stream (TribunaClipWriter  *self,
                                gboolean            is_video,
                                GError            **error)
{
  Track *track = &self->tracks[is_video ? 1 : 0];

  track->ended = TRUE;
  return drain (self, error);
}

/* The moov */

typedef GByteArray Box;

static void
put_u8 (Box    *box,
        guint8  value)
{
  g_byte_array_append (box, &value, 1);
}

static void
put_u16 (Box     *box,
         guint16  value)
{
  guint8 bytes[2] = { value >> 8, value & 0xff };

  g_byte_array_append (box, bytes, 2);
}

static void
put_u32 (Box     *box,
         guint32  value)
{
  guint8 bytes[4] = { value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (box, bytes, 4);
}

static void
put_u64 (Box     *box,
         guint64  value)
{
  put_u32 (box, (guint32) (value >> 32));
  put_u32 (box, (guint32) value);
}

static void
put_bytes (Box          *box,
           const void   *data,
           gsize         size)
{
  g_byte_array_append (box, data, (guint) size);
}

static void
put_zeros (Box   *box,
           gsize  count)
{
  for (gsize i = 0; i < count; i++)
    put_u8 (box, 0);
}

/* Opens a box: returns where its size goes, patched by close_box(). */
static guint
open_box (Box        *box,
          const char *type)
{
  guint at = box->len;

  put_u32 (box, 0);
  put_bytes (box, type, 4);
  return at;
}

static guint
open_full_box (Box        *box,
               const char *type,
               guint8      version,
               guint32     flags)
{
  guint at = open_box (box, type);

  put_u32 (box, ((guint32) version << 24) | (flags & 0xffffff));
  return at;
}

static void
close_box (Box  *box,
           guint at)
{
  guint32 size = box->len - at;

  box->data[at] = size >> 24;
  box->data[at + 1] = (size >> 16) & 0xff;
  box->data[at + 2] = (size >> 8) & 0xff;
  box->data[at + 3] = size & 0xff;
}

static void
put_matrix (Box *box)
{
  static const guint32 unity[9] = { 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000 };

  for (guint i = 0; i < G_N_ELEMENTS (unity); i++)
    put_u32 (box, unity[i]);
}

static gint64
track_first (Track *track)
{
  return track->times->len > 0 ? g_array_index (track->times, gint64, 0) : 0;
}

/* From the first sample to the end of the last, in the track's ticks */
static gint64
track_media_duration (Track *track)
{
  if (track->times->len == 0)
    return 0;

  return g_array_index (track->times, gint64, track->times->len - 1) + track->last_duration
         - track_first (track);
}

static guint64
to_movie (Track  *track,
          gint64  ticks)
{
  return gst_util_uint64_scale_round ((guint64) MAX (ticks, 0), MOVIE_TIMESCALE,
                                      track->timescale);
}

static void
put_esds (Box   *box,
          Track *track)
{
  gsize asc_size = track->codec_data ? g_bytes_get_size (track->codec_data) : 0;
  guint64 duration = (guint64) MAX (track_media_duration (track), 1);
  guint32 bitrate = (guint32) MIN (track->bytes * 8 * track->timescale / duration, G_MAXUINT32);
  guint at = open_full_box (box, "esds", 0, 0);

  put_u8 (box, 0x03);                            /* ES_Descriptor */
  put_u8 (box, (guint8) (3 + 2 + 13 + 2 + asc_size + 3));
  put_u16 (box, (guint16) track->id);
  put_u8 (box, 0);
  put_u8 (box, 0x04);                            /* DecoderConfigDescriptor */
  put_u8 (box, (guint8) (13 + 2 + asc_size));
  put_u8 (box, 0x40);                            /* MPEG-4 audio */
  put_u8 (box, 0x15);                            /* audio stream */
  put_u8 (box, 0);                               /* bufferSizeDB, 24 bits */
  put_u16 (box, 0x1800);
  put_u32 (box, bitrate);
  put_u32 (box, bitrate);
  put_u8 (box, 0x05);                            /* DecoderSpecificInfo: the AudioSpecificConfig */
  put_u8 (box, (guint8) asc_size);
  if (asc_size > 0)
    put_bytes (box, g_bytes_get_data (track->codec_data, NULL), asc_size);
  put_u8 (box, 0x06);                            /* SLConfigDescriptor */
  put_u8 (box, 1);
  put_u8 (box, 0x02);
  close_box (box, at);
}

static void
put_sample_entry (Box   *box,
                  Track *track)
{
  guint at = open_box (box, track->is_video ? "avc1" : "mp4a");

  put_zeros (box, 6);
  put_u16 (box, 1);                              /* data_reference_index */

  if (track->is_video)
    {
      guint8 name[32] = { 0, };
      guint avcc;

      put_zeros (box, 16);
      put_u16 (box, (guint16) track->width);
      put_u16 (box, (guint16) track->height);
      put_u32 (box, 0x00480000);                 /* 72 dpi */
      put_u32 (box, 0x00480000);
      put_u32 (box, 0);
      put_u16 (box, 1);                          /* one frame per sample */
      name[0] = (guint8) strlen ("Tribuna");
      memcpy (name + 1, "Tribuna", name[0]);
      put_bytes (box, name, sizeof name);
      put_u16 (box, 0x0018);
      put_u16 (box, 0xffff);
      avcc = open_box (box, "avcC");
      if (track->codec_data != NULL)
        put_bytes (box, g_bytes_get_data (track->codec_data, NULL),
                   g_bytes_get_size (track->codec_data));
      close_box (box, avcc);
    }
  else
    {
      put_zeros (box, 8);
      put_u16 (box, (guint16) track->channels);
      put_u16 (box, 16);
      put_u32 (box, 0);
      put_u32 (box, (guint32) track->rate << 16);
      put_esds (box, track);
    }

  close_box (box, at);
}

static void
put_stbl (Box      *box,
          Track    *track,
          gint64    shift,
          gboolean  co64)
{
  guint stbl = open_box (box, "stbl");
  guint at, count_at, entries = 0;

  at = open_full_box (box, "stsd", 0, 0);
  put_u32 (box, 1);
  put_sample_entry (box, track);
  close_box (box, at);

  /* stts: runs of equal sample durations */
  at = open_full_box (box, "stts", 0, 0);
  count_at = box->len;
  put_u32 (box, 0);
  for (guint i = 0; i < track->times->len;)
    {
      gint64 delta = i + 1 < track->times->len
                     ? g_array_index (track->times, gint64, i + 1)
                       - g_array_index (track->times, gint64, i)
                     : track->last_duration;
      guint run = 1;

      while (i + run < track->times->len)
        {
          gint64 next = i + run + 1 < track->times->len
                        ? g_array_index (track->times, gint64, i + run + 1)
                          - g_array_index (track->times, gint64, i + run)
                        : track->last_duration;

          if (next != delta)
            break;
          run++;
        }
      put_u32 (box, run);
      put_u32 (box, (guint32) delta);
      entries++;
      i += run;
    }
  memcpy (box->data + count_at, (guint8[]) { entries >> 24, (entries >> 16) & 0xff,
                                             (entries >> 8) & 0xff, entries & 0xff }, 4);
  close_box (box, at);

  if (track->is_video && track->syncs->len < track->sizes->len)
    {
      at = open_full_box (box, "stss", 0, 0);
      put_u32 (box, track->syncs->len);
      for (guint i = 0; i < track->syncs->len; i++)
        put_u32 (box, g_array_index (track->syncs, guint32, i));
      close_box (box, at);
    }

  /* stsc: runs of chunks with the same number of samples */
  at = open_full_box (box, "stsc", 0, 0);
  count_at = box->len;
  put_u32 (box, 0);
  entries = 0;
  for (guint i = 0; i < track->chunks->len; i++)
    {
      Chunk *chunk = &g_array_index (track->chunks, Chunk, i);

      if (i > 0 && g_array_index (track->chunks, Chunk, i - 1).count == chunk->count)
        continue;
      put_u32 (box, i + 1);
      put_u32 (box, chunk->count);
      put_u32 (box, 1);
      entries++;
    }
  memcpy (box->data + count_at, (guint8[]) { entries >> 24, (entries >> 16) & 0xff,
                                             (entries >> 8) & 0xff, entries & 0xff }, 4);
  close_box (box, at);

  at = open_full_box (box, "stsz", 0, 0);
  put_u32 (box, 0);
  put_u32 (box, track->sizes->len);
  for (guint i = 0; i < track->sizes->len; i++)
    put_u32 (box, g_array_index (track->sizes, guint32, i));
  close_box (box, at);

  at = open_full_box (box, co64 ? "co64" : "stco", 0, 0);
  put_u32 (box, track->chunks->len);
  for (guint i = 0; i < track->chunks->len; i++)
    {
      guint64 offset = g_array_index (track->chunks, Chunk, i).offset + shift;

      if (co64)
        put_u64 (box, offset);
      else
        put_u32 (box, (guint32) offset);
    }
  close_box (box, at);

  close_box (box, stbl);
}

static void
put_trak (Box      *box,
          Track    *track,
          guint32   now,
          gint64    shift,
          gboolean  co64)
{
  gint64 media = track_media_duration (track);
  gint64 lead = track_first (track);   /* where its first sample plays */
  guint64 total = to_movie (track, lead + media);
  guint trak = open_box (box, "trak");
  guint at, mdia, minf, dinf;

  at = open_full_box (box, "tkhd", 0, 0x000003);   /* enabled, in the movie */
  put_u32 (box, now);
  put_u32 (box, now);
  put_u32 (box, track->id);
  put_u32 (box, 0);
  put_u32 (box, (guint32) total);
  put_zeros (box, 8);
  put_u16 (box, 0);                                /* layer */
  put_u16 (box, 0);                                /* alternate group */
  put_u16 (box, track->is_video ? 0 : 0x0100);     /* volume */
  put_u16 (box, 0);
  put_matrix (box);
  put_u32 (box, (guint32) (track->is_video ? track->width : 0) << 16);
  put_u32 (box, (guint32) (track->is_video ? track->height : 0) << 16);
  close_box (box, at);

  if (lead < 0)
    {
      /* a pre-roll frame before the picture's start: decoded, not played */
      guint edts = open_box (box, "edts");

      at = open_full_box (box, "elst", 0, 0);
      put_u32 (box, 1);
      put_u32 (box, (guint32) total);
      put_u32 (box, (guint32) -lead);
      put_u32 (box, 0x00010000);
      close_box (box, at);
      close_box (box, edts);
    }
  else if (lead > 0)
    {
      /* sound that starts a little after the picture: an empty edit first */
      guint edts = open_box (box, "edts");

      at = open_full_box (box, "elst", 0, 0);
      put_u32 (box, 2);
      put_u32 (box, (guint32) to_movie (track, lead));
      put_u32 (box, 0xffffffff);
      put_u32 (box, 0x00010000);
      put_u32 (box, (guint32) to_movie (track, media));
      put_u32 (box, 0);
      put_u32 (box, 0x00010000);
      close_box (box, at);
      close_box (box, edts);
    }

  mdia = open_box (box, "mdia");
  at = open_full_box (box, "mdhd", 0, 0);
  put_u32 (box, now);
  put_u32 (box, now);
  put_u32 (box, track->timescale);
  put_u32 (box, (guint32) media);
  put_u16 (box, 0x55c4);                           /* "und" */
  put_u16 (box, 0);
  close_box (box, at);

  at = open_full_box (box, "hdlr", 0, 0);
  put_u32 (box, 0);
  put_bytes (box, track->is_video ? "vide" : "soun", 4);
  put_zeros (box, 12);
  put_bytes (box, track->is_video ? "VideoHandler" : "SoundHandler", 13);
  close_box (box, at);

  minf = open_box (box, "minf");
  if (track->is_video)
    {
      at = open_full_box (box, "vmhd", 0, 1);
      put_zeros (box, 8);
    }
  else
    {
      at = open_full_box (box, "smhd", 0, 0);
      put_zeros (box, 4);
    }
  close_box (box, at);

  dinf = open_box (box, "dinf");
  at = open_full_box (box, "dref", 0, 0);
  put_u32 (box, 1);
  close_box (box, open_full_box (box, "url ", 0, 1));   /* the data is in this file */
  close_box (box, at);
  close_box (box, dinf);

  put_stbl (box, track, shift, co64);
  close_box (box, minf);
  close_box (box, mdia);
  close_box (box, trak);
}

static Box *
build_header (TribunaClipWriter *self,
              gint64             shift,
              gboolean           co64)
{
  Box *box = g_byte_array_new ();
  gboolean video = self->tracks[1].present;
  guint32 now = (guint32) ((guint64) (g_get_real_time () / G_USEC_PER_SEC)
                           + SECONDS_1904_TO_1970);
  guint64 duration = 0;
  guint at, moov;

  at = open_box (box, "ftyp");
  if (video)
    {
      put_bytes (box, "isom", 4);
      put_u32 (box, 0x200);
      put_bytes (box, "isomiso2avc1mp41", 16);
    }
  else
    {
      put_bytes (box, "M4A ", 4);
      put_u32 (box, 0);
      put_bytes (box, "M4A isommp42", 12);
    }
  close_box (box, at);

  for (guint i = 0; i < G_N_ELEMENTS (self->tracks); i++)
    if (self->tracks[i].present)
      duration = MAX (duration, to_movie (&self->tracks[i], track_first (&self->tracks[i])
                                          + track_media_duration (&self->tracks[i])));

  moov = open_box (box, "moov");
  at = open_full_box (box, "mvhd", 0, 0);
  put_u32 (box, now);
  put_u32 (box, now);
  put_u32 (box, MOVIE_TIMESCALE);
  put_u32 (box, (guint32) duration);
  put_u32 (box, 0x00010000);                       /* rate 1.0 */
  put_u16 (box, 0x0100);                           /* volume 1.0 */
  put_zeros (box, 10);
  put_matrix (box);
  put_zeros (box, 24);
  put_u32 (box, 3);                                /* next track id */
  close_box (box, at);

  for (int i = G_N_ELEMENTS (self->tracks) - 1; i >= 0; i--)
    if (self->tracks[i].present)
      put_trak (box, &self->tracks[i], now, shift, co64);
  close_box (box, moov);

  return box;
}

/* The room kept was too small: the whole file once more, moov first. */
static gboolean
rewrite_with_header (TribunaClipWriter  *self,
                     Box                *header,
                     GError            **error)
{
  g_autofree char *rewritten = g_strdup_printf ("%s.moov", self->path);
  guint64 length = self->position - self->room;
  loff_t from = (loff_t) self->room;
  int fd;

  fd = g_open (rewritten, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return write_error (self, error);

  if (write (fd, header->data, header->len) != (gssize) header->len)
    goto failed;
  while (length > 0)
    {
      gssize copied = copy_file_range (self->fd, &from, fd, NULL, MIN (length, G_MAXSSIZE),
                                       0);

      if (copied <= 0)
        goto failed;
      length -= (guint64) copied;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  if (g_rename (rewritten, self->path) != 0)
    {
      g_unlink (rewritten);
      return write_error (self, error);
    }
  return TRUE;

failed:
  write_error (self, error);
  if (fd >= 0)
    close (fd);
  g_unlink (rewritten);
  return FALSE;
}

gboolean
tribuna_clip_writer_finish (TribunaClipWriter  *self,
                            GError            **error)
{
  g_autoptr(GByteArray) header = NULL;
  guint8 mdat_size[8];
  guint64 size;
  gboolean co64;
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (self->tracks); i++)
    self->tracks[i].ended = TRUE;
  if (!drain (self, error))
    return FALSE;

  size = self->position - self->room;
  co64 = self->position + self->room > G_MAXUINT32;

  for (int i = 7; i >= 0; i--, size >>= 8)
    mdat_size[i] = size & 0xff;
  if (pwrite (self->fd, mdat_size, 8, (off_t) (self->room + 8)) != 8)
    return write_error (self, error);

  header = build_header (self, 0, co64);
  if (header->len + 8 <= self->room || header->len == self->room)
    {
      /* the rest of the room becomes a free box */
      guint64 rest = self->room - header->len;

      if (rest > 0)
        {
          put_u32 (header, (guint32) rest);
          put_bytes (header, "free", 4);
          g_byte_array_set_size (header, (guint) self->room);
          memset (header->data + header->len - (rest - 8), 0, rest - 8);
        }
      if (pwrite (self->fd, header->data, header->len, 0) != (gssize) header->len)
        return write_error (self, error);
      ok = TRUE;
    }
  else
    {
      /* the same header, its chunk offsets moved by what it outgrew the room by */
      g_autoptr(GByteArray) moved = NULL;
      gint64 shift = (gint64) header->len - (gint64) self->room;

      g_debug ("the moov (%u bytes) outgrew its room (%" G_GUINT64_FORMAT "): rewriting",
               header->len, self->room);
      co64 = self->position + shift > G_MAXUINT32;
      moved = build_header (self, shift, co64);
      shift = (gint64) moved->len - (gint64) self->room;
      g_byte_array_unref (moved);
      moved = build_header (self, shift, co64);
      ok = rewrite_with_header (self, moved, error);
    }

  if (close (self->fd) != 0 && ok)
    ok = write_error (self, error);
  self->fd = -1;
  return ok;
}

/* avcC */

typedef struct {
  guint8  type;    /* 7 SPS, 8 PPS */
  guint   id;
  GBytes *nal;
} ParameterSet;

static void
clear_parameter_set (gpointer data)
{
  ParameterSet *set = data;

  g_clear_pointer (&set->nal, g_bytes_unref);
}

/* ue(v) from the RBSP of a NAL, after @skip_bits bits; emulation prevention removed first. */
static gboolean
read_ue (const guint8 *nal,
         gsize         size,
         guint         skip_bits,
         guint        *value)
{
  guint8 rbsp[32];
  gsize n = 0;
  guint bit = skip_bits, zeros = 0;

  for (gsize i = 1, run = 0; i < size && n < sizeof rbsp; i++)
    {
      if (run >= 2 && nal[i] == 3)
        {
          run = 0;
          continue;
        }
      run = nal[i] == 0 ? run + 1 : 0;
      rbsp[n++] = nal[i];
    }

#define BIT(b) ((rbsp[(b) / 8] >> (7 - (b) % 8)) & 1)
  while (bit < n * 8 && BIT (bit) == 0)
    {
      zeros++;
      bit++;
    }
  if (zeros > 16 || bit + 1 + zeros > n * 8)
    return FALSE;

  bit++;
  *value = 1;
  for (guint i = 0; i < zeros; i++, bit++)
    *value = (*value << 1) | BIT (bit);
  *value -= 1;
#undef BIT
  return TRUE;
}

static gboolean
parse_avcc (GBytes *blob,
            GArray *sets)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (blob, &size);
  gsize offset = 6;

  if (size < 7 || data[0] != 1)
    return FALSE;

  for (guint kind = 0; kind < 2; kind++)
    {
      guint count;

      if (kind == 1)
        {
          if (offset >= size)
            return FALSE;
          count = data[offset++];
        }
      else
        count = data[5] & 0x1f;

      for (guint i = 0; i < count; i++)
        {
          ParameterSet set = { 0, };
          guint length;

          if (offset + 2 > size)
            return FALSE;
          length = GST_READ_UINT16_BE (data + offset);
          offset += 2;
          if (length < 2 || offset + length > size)
            return FALSE;

          set.type = data[offset] & 0x1f;
          /* the SPS id follows profile, constraints and level; the PPS id comes first */
          if (!read_ue (data + offset, length, set.type == 7 ? 24 : 0, &set.id))
            return FALSE;
          set.nal = g_bytes_new (data + offset, length);
          g_array_append_val (sets, set);
          offset += length;
        }
    }

  return TRUE;
}

GBytes *
tribuna_clip_merge_avcc (GBytes **blobs,
                         guint    n_blobs)
{
  g_autoptr(GArray) all = g_array_new (FALSE, TRUE, sizeof (ParameterSet));
  g_autoptr(GArray) kept = g_array_new (FALSE, TRUE, sizeof (ParameterSet));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *first;
  guint8 header[5];

  g_array_set_clear_func (all, clear_parameter_set);

  for (guint i = 0; i < n_blobs; i++)
    if (!parse_avcc (blobs[i], all))
      return NULL;

  for (guint i = 0; i < all->len; i++)
    {
      ParameterSet *set = &g_array_index (all, ParameterSet, i);
      gboolean duplicate = FALSE;

      for (guint j = 0; j < kept->len; j++)
        {
          ParameterSet *other = &g_array_index (kept, ParameterSet, j);

          if (other->type != set->type || other->id != set->id)
            continue;
          if (!g_bytes_equal (other->nal, set->nal))
            return NULL;   /* same id, other content: they cannot share a sample entry */
          duplicate = TRUE;
        }
      if (!duplicate)
        g_array_append_val (kept, *set);
    }

  first = g_bytes_get_data (blobs[0], NULL);
  memcpy (header, first, 4);
  header[4] = 0xff;   /* 4-byte NAL lengths */
  g_byte_array_append (out, header, 5);

  for (guint8 type = 7; type <= 8; type++)
    {
      guint8 count = 0;
      guint count_at = out->len;

      g_byte_array_append (out, &count, 1);
      for (guint j = 0; j < kept->len; j++)
        {
          ParameterSet *set = &g_array_index (kept, ParameterSet, j);
          gsize length;
          const guint8 *nal = g_bytes_get_data (set->nal, &length);
          guint8 be[2] = { length >> 8, length & 0xff };

          if (set->type != type)
            continue;
          g_byte_array_append (out, be, 2);
          g_byte_array_append (out, nal, length);
          count++;
        }
      out->data[count_at] = type == 7 ? (0xe0 | count) : count;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
