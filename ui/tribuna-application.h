/* tribuna-application.h: the console process: one engine, its HTTP server, the windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tribuna-accounts.h"
#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_APPLICATION (tribuna_application_get_type ())
G_DECLARE_FINAL_TYPE (TribunaApplication, tribuna_application, TRIBUNA, APPLICATION,
                      AdwApplication)

TribunaApplication *tribuna_application_new            (void);
/* The engine, once the first activation made it; NULL before, or when it could not start. */
TribunaEngine      *tribuna_application_get_engine     (TribunaApplication *self);
/* The secrets file: destinations added in the settings keep their keys there. */
TribunaAccounts    *tribuna_application_get_accounts   (TribunaApplication *self);
/* Streams off, recording finalised, session ended, program stopped, then the process quits.
 * No question asked: callers that need the operator's consent ask first. */
void                tribuna_application_stop_and_quit  (TribunaApplication *self);
gboolean            tribuna_application_get_stopping  (TribunaApplication *self);
/* Microseconds (monotonic) from the application's creation to the control room being
 * usable (shown, and the program running); 0 until then. */
gint64              tribuna_application_get_ready_us   (TribunaApplication *self);

G_END_DECLS
