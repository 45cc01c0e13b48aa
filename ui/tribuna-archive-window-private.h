/* tribuna-archive-window-private.h: shared by the archive window's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gi18n.h>

#include "tribuna-archive-window.h"
#include "tribuna-timeline.h"

G_BEGIN_DECLS

struct _TribunaArchiveWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkDropDown          *type_filter;
  GtkEntry             *from_entry;
  GtkEntry             *to_entry;
  GtkLabel             *filter_error;
  GtkListBox           *session_list;
  GtkLabel             *session_title;
  GtkLabel             *session_detail;
  GtkListBox           *item_list;
  GtkEntry             *in_entry;
  GtkEntry             *out_entry;
  GtkDropDown          *preset_dropdown;
  GtkCheckButton       *exact_check;
  GtkLabel             *range_error;
  GtkProgressBar       *progress_bar;
  GtkButton            *cancel_button;
  GtkButton            *export_button;
  GtkLabel             *result_label;
  GtkPicture           *thumbnail;
  GtkVideo             *player;
  GtkLabel             *playback_message;
  GtkButton            *play_button;

  /* Owned references */
  TribunaEngine        *engine;
  TribunaTimeline      *timeline;      /* of the selected session; NULL without recording */
  GCancellable         *cancellable;   /* of the running export */
  char                 *clip_path;
  char                 *message;
  GPtrArray            *item_pictures;  /* each item row's GtkPicture (owned by the rows) */
  GCancellable         *thumbnails_cancellable;
  GtkMediaStream       *media;          /* the playlist of media_session_id */

  gint64                session_id;
  int                   item_index;    /* the item whose range is in the fields, or -1 */
  guint                 next_thumbnail;
  gint64                media_session_id;
  gint64                playable_ns;    /* how much of the session axis the playlist covers */
  gint64                pending_seek_us; /* where to start once the stream is prepared, or -1 */
};

/* tribuna-archive-window-media.c: item thumbnails and playback */
void       _tribuna_archive_window_media_init     (TribunaArchiveWindow *self);
void       _tribuna_archive_window_media_clear    (TribunaArchiveWindow *self);
/* A new session is shown (or none): its thumbnails are fetched, the player emptied. */
void       _tribuna_archive_window_media_reset    (TribunaArchiveWindow *self);
GtkWidget *_tribuna_archive_window_make_item_picture (TribunaArchiveWindow *self);

G_END_DECLS
