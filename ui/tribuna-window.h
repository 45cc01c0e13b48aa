/* tribuna-window.h: the control room
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tribuna-application.h"
#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_WINDOW (tribuna_window_get_type ())
G_DECLARE_FINAL_TYPE (TribunaWindow, tribuna_window, TRIBUNA, WINDOW, AdwApplicationWindow)

GtkWidget     *tribuna_window_new                (TribunaApplication *application,
                                                  TribunaEngine      *engine);
TribunaEngine *tribuna_window_get_engine         (TribunaWindow      *self);
/* The open question (stop the stream? quit while recording?), or NULL: for tests. */
AdwMessageDialog *tribuna_window_get_question    (TribunaWindow      *self);
/* What the big tiles say now, as shown: for tests and screen readers. */
const char    *tribuna_window_get_on_air_text    (TribunaWindow      *self);
const char    *tribuna_window_get_rec_text       (TribunaWindow      *self);
GtkWidget     *tribuna_window_get_session_panel  (TribunaWindow      *self);
GtkWidget     *tribuna_window_get_status_bar     (TribunaWindow      *self);
GtkWidget     *tribuna_window_get_multiview      (TribunaWindow      *self);
GtkWidget     *tribuna_window_get_audio_strip    (TribunaWindow      *self);

G_END_DECLS
