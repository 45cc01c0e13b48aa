/* tribuna-clip-writer.c: coded frames into an MP4 (or M4A) with its moov in front
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   appsrc (AVC) ─┐
 *                 ├─► mp4mux (faststart) ─► filesink
 *   appsrc (AAC) ─┘
 *
 * mp4mux is an aggregator: it waits for a frame on every pad before it writes, so the two
 * streams are fed in time order from small queues here; a stream running ahead only fills
 * its own queue.
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include <gst/app/gstappsrc.h>
#include <string.h>

#include "tribuna-clip-private.h"
#include "tribuna-clip-writer.h"
#include "tribuna-elements.h"

#define WAIT_STEP_NS (100 * GST_MSECOND)
#define FINISH_TIMEOUT_US (600 * G_USEC_PER_SEC)

typedef struct {
  GstCaps   *caps;
  GstAppSrc *source;
  GQueue     pending;   /* GstBuffer, in time order */
  gboolean   ended;
} Stream;

struct _TribunaClipWriter
{
  char         *path;
  char         *faststart_path;
  GCancellable *cancellable;
  GstElement   *pipeline;
  Stream        streams[2];   /* [0] sound, [1] video */
};

TribunaClipWriter *
tribuna_clip_writer_new (const char   *path,
                         const char   *faststart_path,
                         GCancellable *cancellable)
{
  TribunaClipWriter *self = g_new0 (TribunaClipWriter, 1);

  self->path = g_strdup (path);
  self->faststart_path = g_strdup (faststart_path);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (self->streams); i++)
    g_queue_init (&self->streams[i].pending);

  return self;
}

void
tribuna_clip_writer_free (TribunaClipWriter *self)
{
  if (self == NULL)
    return;

  if (self->pipeline != NULL
      && gst_element_set_state (self->pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    g_warning ("the clip writer did not stop cleanly");
  gst_clear_object (&self->pipeline);

  for (guint i = 0; i < G_N_ELEMENTS (self->streams); i++)
    {
      g_queue_clear_full (&self->streams[i].pending, (GDestroyNotify) gst_buffer_unref);
      gst_clear_caps (&self->streams[i].caps);
      gst_clear_object (&self->streams[i].source);
    }
  g_clear_object (&self->cancellable);
  g_free (self->path);
  g_free (self->faststart_path);
  g_free (self);
}

void
tribuna_clip_writer_set_caps (TribunaClipWriter *self,
                              gboolean           is_video,
                              GstCaps           *caps)
{
  g_return_if_fail (self->pipeline == NULL);

  gst_caps_replace (&self->streams[is_video ? 1 : 0].caps, caps);
}

/* Turns the first error on the bus into @error, dropping everything else there. */
static gboolean
bus_error (TribunaClipWriter  *self,
           GError            **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);
  GstMessage *message;
  gboolean failed = FALSE;

  while ((message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR)) != NULL)
    {
      if (!failed)
        {
          g_autoptr(GError) gst_error = NULL;
          g_autofree char *debug = NULL;

          gst_message_parse_error (message, &gst_error, &debug);
          g_debug ("writing %s: %s", self->path, debug);
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                       "cannot write the clip %s: %s", self->path, gst_error->message);
          failed = TRUE;
        }
      gst_message_unref (message);
    }

  return failed;
}

gboolean
tribuna_clip_writer_start (TribunaClipWriter  *self,
                           GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  GstElement *muxer, *sink;

  g_return_val_if_fail (self->pipeline == NULL, FALSE);
  g_return_val_if_fail (self->streams[0].caps != NULL || self->streams[1].caps != NULL, FALSE);

  muxer = tribuna_make_element ("mp4mux", "muxer", &local_error);
  if (muxer == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("clip-writer"));
  sink = gst_element_factory_make ("filesink", NULL);
  /* faststart: the moov first, for web playback that starts before the download ends */
  g_object_set (muxer, "faststart", TRUE, "faststart-file", self->faststart_path, NULL);
  g_object_set (sink, "location", self->path, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (self->pipeline), muxer, sink, NULL);
  gst_element_link (muxer, sink);

  for (guint i = 0; i < G_N_ELEMENTS (self->streams); i++)
    {
      Stream *stream = &self->streams[i];
      GstElement *source;

      if (stream->caps == NULL)
        {
          stream->ended = TRUE;
          continue;
        }

      source = gst_element_factory_make ("appsrc", i == 1 ? "video" : "audio");
      g_object_set (source, "format", GST_FORMAT_TIME, "caps", stream->caps,
                    "block", TRUE, "max-bytes", (guint64) 8 * 1024 * 1024, NULL);
      gst_bin_add (GST_BIN (self->pipeline), source);
      if (!gst_element_link_pads (source, "src", muxer, i == 1 ? "video_%u" : "audio_%u"))
        {
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_PIPELINE,
                       "mp4mux does not take this %s stream", i == 1 ? "video" : "sound");
          return FALSE;
        }
      stream->source = GST_APP_SRC (g_object_ref (source));
    }

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!bus_error (self, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                     "cannot start writing the clip %s", self->path);
      return FALSE;
    }

  return TRUE;
}

static GstClockTime
buffer_time (GstBuffer *buffer)
{
  return GST_BUFFER_DTS_IS_VALID (buffer) ? GST_BUFFER_DTS (buffer) : GST_BUFFER_PTS (buffer);
}

static gboolean
push_one (TribunaClipWriter  *self,
          Stream             *stream,
          GError            **error)
{
  GstBuffer *buffer = g_queue_pop_head (&stream->pending);
  GstFlowReturn ret = gst_app_src_push_buffer (stream->source, buffer);

  if (ret != GST_FLOW_OK)
    {
      if (!bus_error (self, error))
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                     "cannot write the clip %s (%s)", self->path, gst_flow_get_name (ret));
      return FALSE;
    }

  return TRUE;
}

/* Feeds mp4mux in time order, as far as both queues allow. */
static gboolean
drain (TribunaClipWriter  *self,
       GError            **error)
{
  Stream *audio = &self->streams[0];
  Stream *video = &self->streams[1];

  for (;;)
    {
      GstBuffer *a = g_queue_peek_head (&audio->pending);
      GstBuffer *v = g_queue_peek_head (&video->pending);
      Stream *next;

      if (a != NULL && v != NULL)
        next = buffer_time (a) <= buffer_time (v) ? audio : video;
      else if (a != NULL && video->ended)
        next = audio;
      else if (v != NULL && audio->ended)
        next = video;
      else
        return TRUE;

      if (!push_one (self, next, error))
        return FALSE;
    }
}

gboolean
tribuna_clip_writer_push (TribunaClipWriter  *self,
                          gboolean            is_video,
                          GstBuffer          *buffer,
                          GError            **error)
{
  Stream *stream = &self->streams[is_video ? 1 : 0];

  g_return_val_if_fail (stream->source != NULL && !stream->ended, FALSE);

  g_queue_push_tail (&stream->pending, buffer);
  if (bus_error (self, error))
    return FALSE;
  return drain (self, error);
}

gboolean
tribuna_clip_writer_end_stream (TribunaClipWriter  *self,
                                gboolean            is_video,
                                GError            **error)
{
  Stream *stream = &self->streams[is_video ? 1 : 0];

  if (stream->ended)
    return TRUE;

  stream->ended = TRUE;
  if (!drain (self, error))
    return FALSE;

  /* the other stream may still be queued behind this one: drain did push it */
  while (!g_queue_is_empty (&stream->pending))
    if (!push_one (self, stream, error))
      return FALSE;

  gst_app_src_end_of_stream (stream->source);
  return TRUE;
}

gboolean
tribuna_clip_writer_finish (TribunaClipWriter  *self,
                            GError            **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);
  gint64 deadline = g_get_monotonic_time () + FINISH_TIMEOUT_US;

  if (!tribuna_clip_writer_end_stream (self, TRUE, error)
      || !tribuna_clip_writer_end_stream (self, FALSE, error))
    return FALSE;

  /* At EOS mp4mux writes the moov, then copies the media data in after it. */
  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                       "writing the clip %s did not finish", self->path);
          return FALSE;
        }

      message = gst_bus_timed_pop_filtered (bus, WAIT_STEP_NS, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      if (message == NULL)
        continue;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
        break;

      {
        g_autoptr(GError) gst_error = NULL;

        gst_message_parse_error (message, &gst_error, NULL);
        g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                     "cannot write the clip %s: %s", self->path, gst_error->message);
        return FALSE;
      }
    }

  if (gst_element_set_state (self->pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_OUTPUT,
                   "the clip writer for %s did not stop cleanly", self->path);
      return FALSE;
    }
  gst_clear_object (&self->pipeline);
  return TRUE;
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
