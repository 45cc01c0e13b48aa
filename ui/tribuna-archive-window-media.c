/* tribuna-archive-window-media.c: the archive window's item thumbnails and its player
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thumbnails come from the engine one at a time, in agenda order, so a long agenda does not
 * put a dozen decoders on a 2-core box at once while the hall may be live; each lands in
 * its row as it arrives. Playback is GTK's own media stream (GtkMediaFile, whose GStreamer
 * backend Debian ships as libgtk-4-media-gstreamer) on the playlist the engine writes of
 * the session: its time line is the session axis, so an item's start is where to seek.
 */
#define G_LOG_DOMAIN "tribuna-archive-window"

#include "config.h"

#include "tribuna-archive-window-private.h"
#include "tribuna-format.h"

/* Pixels asked of the engine; the row shows it at 96×54, this leaves room for HiDPI. */
#define THUMBNAIL_WIDTH 192

/* Thumbnails */

GtkWidget *
_tribuna_archive_window_make_item_picture (TribunaArchiveWindow *self)
{
  GtkWidget *picture = gtk_picture_new ();

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, 96, 54);
  gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (picture, "item-thumbnail");
  g_ptr_array_add (self->item_pictures, picture);
  return picture;
}

static void request_next_thumbnail (TribunaArchiveWindow *self);

static void
show_item_thumbnail (TribunaArchiveWindow *self,
                     guint                 index,
                     GBytes               *jpeg,
                     const GError         *error)
{
  GtkPicture *picture = g_ptr_array_index (self->item_pictures, index);
  g_autoptr(GError) texture_error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (jpeg != NULL)
    texture = gdk_texture_new_from_bytes (jpeg, &texture_error);
  if (texture != NULL)
    {
      gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
      return;
    }
  /* Said where it would have been: an item private throughout has none on purpose. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (picture),
                               error ? error->message : texture_error->message);
}

static void
on_item_thumbnail (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TribunaArchiveWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = NULL;

  jpeg = tribuna_engine_item_thumbnail_finish (TRIBUNA_ENGINE (object), result, &error);
  /* Cancelled: another session was chosen, or the window closed; its rows are gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("item %u: no thumbnail: %s", self->next_thumbnail + 1, error->message);
  show_item_thumbnail (self, self->next_thumbnail, jpeg, error);
  self->next_thumbnail++;
  request_next_thumbnail (self);
}

static void
request_next_thumbnail (TribunaArchiveWindow *self)
{
  GPtrArray *ranges = tribuna_timeline_get_item_ranges (self->timeline);

  while (self->next_thumbnail < ranges->len
         && ((const TribunaItemRange *) g_ptr_array_index (ranges, self->next_thumbnail))
              ->start_ns < 0)
    self->next_thumbnail++;
  if (self->next_thumbnail >= ranges->len)
    return;
  tribuna_engine_item_thumbnail_async (self->engine, self->session_id, self->next_thumbnail,
                                       THUMBNAIL_WIDTH, self->thumbnails_cancellable,
                                       on_item_thumbnail, g_object_ref (self));
}

/* Playback */

static void
show_playback_message (TribunaArchiveWindow *self,
                       const char           *text,
                       gboolean              is_error)
{
  gtk_label_set_label (self->playback_message, text);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->playback_message), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->playback_message), "error");
}

static void
start_pending_seek (TribunaArchiveWindow *self)
{
  if (self->media == NULL || self->pending_seek_us < 0
      || !gtk_media_stream_is_prepared (self->media))
    return;
  gtk_media_stream_seek (self->media, self->pending_seek_us);
  gtk_media_stream_play (self->media);
  self->pending_seek_us = -1;
}

static void
on_media_prepared (TribunaArchiveWindow *self)
{
  start_pending_seek (self);
}

static void
on_media_error (TribunaArchiveWindow *self)
{
  const GError *error = self->media ? gtk_media_stream_get_error (self->media) : NULL;
  g_autofree char *text = NULL;

  if (error == NULL)
    return;
  text = g_strdup_printf (_("Playback failed: %s"), error->message);
  show_playback_message (self, text, TRUE);
}

static void
drop_media (TribunaArchiveWindow *self)
{
  if (self->media != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->media, self);
      gtk_media_stream_pause (self->media);
    }
  gtk_video_set_media_stream (self->player, NULL);
  g_clear_object (&self->media);
  self->pending_seek_us = -1;
  self->playable_ns = 0;
}

/* GTK without its media backend hands out a stream that can only fail; say what to
 * install rather than GTK's "could not find a media module". */
static gboolean
have_media_backend (GtkMediaStream *media)
{
  return !g_str_equal (G_OBJECT_TYPE_NAME (media), "GtkNoMediaFile");
}

static gboolean
open_media (TribunaArchiveWindow *self,
            const char           *playlist)
{
  drop_media (self);
  self->media = GTK_MEDIA_STREAM (gtk_media_file_new_for_filename (playlist));
  self->media_session_id = self->session_id;
  if (!have_media_backend (self->media))
    {
      show_playback_message (self, _("Playback needs GTK’s GStreamer media module: install "
                                     "the package libgtk-4-media-gstreamer"), TRUE);
      g_clear_object (&self->media);
      return FALSE;
    }
  g_signal_connect_swapped (self->media, "notify::prepared", G_CALLBACK (on_media_prepared),
                            self);
  g_signal_connect_swapped (self->media, "notify::error", G_CALLBACK (on_media_error), self);
  gtk_video_set_media_stream (self->player, self->media);
  gtk_widget_set_visible (GTK_WIDGET (self->player), TRUE);
  return TRUE;
}

/* The playlist covers what was closed when it was written; a live session grows. */
static gboolean
ensure_media (TribunaArchiveWindow *self,
              gint64                needed_ns)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *playlist = NULL;
  gint64 playable_ns = 0;

  if (self->media != NULL && self->media_session_id == self->session_id
      && needed_ns < self->playable_ns)
    return TRUE;

  playlist = tribuna_engine_write_session_playlist (self->engine, self->session_id,
                                                    &playable_ns, &error);
  if (playlist == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot play this session: %s"),
                                               error->message);

      show_playback_message (self, text, TRUE);
      return FALSE;
    }
  if (needed_ns >= playable_ns)
    {
      show_playback_message (self, _("This part is still being recorded; it can be played "
                                     "in a few seconds"), TRUE);
      return FALSE;
    }
  if (!open_media (self, playlist))
    return FALSE;
  self->playable_ns = playable_ns;
  return TRUE;
}

gboolean
tribuna_archive_window_play_item (TribunaArchiveWindow *self,
                                  guint                 index)
{
  const TribunaItemRange *range;
  g_autofree char *label = NULL;
  g_autofree char *start = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), FALSE);

  if (self->timeline == NULL || index >= tribuna_timeline_get_item_ranges (self->timeline)->len)
    return FALSE;
  range = g_ptr_array_index (tribuna_timeline_get_item_ranges (self->timeline), index);
  if (range->start_ns < 0 || !ensure_media (self, range->start_ns))
    return FALSE;

  self->pending_seek_us = range->start_ns / 1000;
  start_pending_seek (self);
  label = tribuna_agenda_item_label (range->item);
  start = tribuna_format_elapsed (range->start_ns / GST_SECOND);
  text = g_strdup_printf (_("Playing from %s (at %s)"), label, start);
  show_playback_message (self, text, FALSE);
  return TRUE;
}

static void
on_item_activated (GtkListBox           *list,
                   GtkListBoxRow        *row,
                   TribunaArchiveWindow *self)
{
  tribuna_archive_window_play_item (self, (guint) gtk_list_box_row_get_index (row));
}

gboolean
tribuna_archive_window_activate_item (TribunaArchiveWindow *self,
                                      guint                 index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), FALSE);

  row = gtk_list_box_get_row_at_index (self->item_list, (int) index);
  if (row == NULL || !gtk_widget_activate (GTK_WIDGET (row)))
    return FALSE;
  /* Started: the seek waits for the stream to be prepared, the rest comes by notify. */
  return self->media != NULL
         && !gtk_widget_has_css_class (GTK_WIDGET (self->playback_message), "error");
}

static void
on_play_clicked (TribunaArchiveWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->item_list);

  if (row != NULL)
    tribuna_archive_window_play_item (self, (guint) gtk_list_box_row_get_index (row));
}

static void
on_item_selected (TribunaArchiveWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button),
                            gtk_list_box_get_selected_row (self->item_list) != NULL);
}

/* For tests */

GtkMediaStream *
tribuna_archive_window_get_media_stream (TribunaArchiveWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), NULL);

  return self->media;
}

GdkPaintable *
tribuna_archive_window_get_item_thumbnail (TribunaArchiveWindow *self,
                                           guint                 index)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), NULL);

  if (index >= self->item_pictures->len)
    return NULL;
  return gtk_picture_get_paintable (g_ptr_array_index (self->item_pictures, index));
}

const char *
tribuna_archive_window_get_playback_message (TribunaArchiveWindow *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE_WINDOW (self), NULL);

  return gtk_label_get_label (self->playback_message);
}

/* Life */

void
_tribuna_archive_window_media_reset (TribunaArchiveWindow *self)
{
  g_cancellable_cancel (self->thumbnails_cancellable);
  g_clear_object (&self->thumbnails_cancellable);
  self->next_thumbnail = 0;
  if (self->media_session_id != self->session_id)
    {
      drop_media (self);
      gtk_widget_set_visible (GTK_WIDGET (self->player), FALSE);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), FALSE);
  if (self->timeline == NULL)
    return;
  self->thumbnails_cancellable = g_cancellable_new ();
  request_next_thumbnail (self);
}

void
_tribuna_archive_window_media_init (TribunaArchiveWindow *self)
{
  self->item_pictures = g_ptr_array_new ();
  self->pending_seek_us = -1;
  self->media_session_id = -1;
  g_signal_connect (self->item_list, "row-activated", G_CALLBACK (on_item_activated), self);
  g_signal_connect_swapped (self->item_list, "row-selected", G_CALLBACK (on_item_selected),
                            self);
  g_signal_connect_swapped (self->play_button, "clicked", G_CALLBACK (on_play_clicked), self);
}

void
_tribuna_archive_window_media_clear (TribunaArchiveWindow *self)
{
  g_cancellable_cancel (self->thumbnails_cancellable);
  g_clear_object (&self->thumbnails_cancellable);
  /* The list unselects its rows as the template is disposed: no one to tell any more. */
  if (self->item_list != NULL)
    g_signal_handlers_disconnect_by_func (self->item_list, on_item_selected, self);
  if (self->player != NULL)
    drop_media (self);
  g_clear_pointer (&self->item_pictures, g_ptr_array_unref);
}
