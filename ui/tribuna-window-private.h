/* tribuna-window-private.h: what tribuna-window.c and tribuna-window-actions.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tribuna-window.h"

G_BEGIN_DECLS

struct _TribunaWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkWidget            *on_air_tile;
  GtkLabel             *on_air_label;
  GtkLabel             *on_air_detail;
  GtkToggleButton      *on_air_button;
  GtkWidget            *rec_tile;
  GtkLabel             *rec_label;
  GtkLabel             *rec_detail;
  GtkToggleButton      *rec_button;
  GtkListBox           *destination_list;
  GtkWidget            *session_panel;
  GtkWidget            *multiview;
  GtkWidget            *audio_strip;
  GtkWidget            *status_bar;
  GtkRevealer          *stopping_revealer;
  AdwToastOverlay      *toasts;

  /* Owned references */
  TribunaEngine        *engine;
  GPtrArray            *watched;        /* destinations whose notify we follow */
  AdwMessageDialog     *question;       /* weak: the open confirmation, if any */

  /* State */
  gint64                on_air_since_us;  /* monotonic, 0 when not on air */
  gint64                rec_since_us;     /* monotonic, 0 when not recording */
  guint                 tick_id;
};

typedef void (*TribunaWindowConfirmed) (TribunaWindow *self);

/* tribuna-window-actions.c */
void _tribuna_window_install_actions  (TribunaWindow *self);
void _tribuna_window_update_actions   (TribunaWindow *self);
void _tribuna_window_toast_error      (TribunaWindow *self,
                                       const GError  *error);
/* Asks before something that takes the hall off air or stops the recording; @confirmed runs
 * only when the operator chooses @verb. */
void _tribuna_window_ask              (TribunaWindow *self,
                                       const char    *heading,
                                       const char    *body,
                                       const char    *verb,
                                       TribunaWindowConfirmed confirmed);
gboolean _tribuna_window_is_live      (TribunaWindow *self);

G_END_DECLS
