/* tribuna-session-panel.h: the session on program: agenda, current item, speaker, break
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_SESSION_PANEL (tribuna_session_panel_get_type ())
G_DECLARE_FINAL_TYPE (TribunaSessionPanel, tribuna_session_panel, TRIBUNA, SESSION_PANEL, GtkWidget)

void        tribuna_session_panel_set_engine          (TribunaSessionPanel  *self,
                                                       TribunaEngine        *engine);
/* Fills the "new session" form, as the operator would type it. */
void        tribuna_session_panel_fill_new_session    (TribunaSessionPanel  *self,
                                                       TribunaSessionType    type,
                                                       const char           *title);
/* Creates a planned session from the form and puts it on program. */
gboolean    tribuna_session_panel_open_new_session    (TribunaSessionPanel  *self,
                                                       GError              **error);
/* Shows the file chooser; the chosen file goes to import_agenda(). */
void        tribuna_session_panel_choose_agenda       (TribunaSessionPanel  *self);
/* Imports @path as the agenda of the session on program, opening one from the form first
 * when none is. */
gboolean    tribuna_session_panel_import_agenda       (TribunaSessionPanel  *self,
                                                       const char           *path,
                                                       GError              **error);
GtkListBox *tribuna_session_panel_get_agenda_list     (TribunaSessionPanel  *self);

G_END_DECLS
