/* tribuna-engine.h: the one API the console, the HTTP API, the daemon and the CLI call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-config.h"
#include "tribuna-destination.h"
#include "tribuna-program.h"
#include "tribuna-recorder.h"

G_BEGIN_DECLS

#define TRIBUNA_ENGINE_ERROR (tribuna_engine_error_quark ())

typedef enum {
  TRIBUNA_ENGINE_ERROR_NOT_RUNNING,     /* the program is not running */
  TRIBUNA_ENGINE_ERROR_NO_DESTINATION,  /* on air asked with no enabled destination */
  TRIBUNA_ENGINE_ERROR_UNKNOWN_DESTINATION,
  TRIBUNA_ENGINE_ERROR_DUPLICATE_DESTINATION,
} TribunaEngineError;

#define TRIBUNA_TYPE_ENGINE (tribuna_engine_get_type ())
G_DECLARE_FINAL_TYPE (TribunaEngine, tribuna_engine, TRIBUNA, ENGINE, GObject)

GQuark               tribuna_engine_error_quark         (void);

TribunaEngine       *tribuna_engine_new                 (TribunaConfig        *config,
                                                         const char           *data_dir);
TribunaConfig       *tribuna_engine_get_config          (TribunaEngine        *self);
const char          *tribuna_engine_get_data_dir        (TribunaEngine        *self);

/* The program: sources and the one encode. Everything else needs it running. */
gboolean             tribuna_engine_start               (TribunaEngine        *self,
                                                         GError              **error);
TribunaProgramState  tribuna_engine_get_program_state   (TribunaEngine        *self);

/* Recording: always started before any destination, never stopped by one. */
gboolean             tribuna_engine_start_recording     (TribunaEngine        *self,
                                                         GError              **error);
void                 tribuna_engine_stop_recording_async  (TribunaEngine        *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             tribuna_engine_stop_recording_finish (TribunaEngine        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
TribunaRecorder     *tribuna_engine_get_recorder        (TribunaEngine        *self);
TribunaRecorderState tribuna_engine_get_recorder_state  (TribunaEngine        *self);

/* Destinations: a GListModel of TribunaDestination. */
GListModel          *tribuna_engine_get_destinations    (TribunaEngine        *self);
TribunaDestination  *tribuna_engine_add_destination     (TribunaEngine                  *self,
                                                         const TribunaDestinationConfig *config,
                                                         GError                        **error);
TribunaDestination  *tribuna_engine_find_destination    (TribunaEngine        *self,
                                                         const char           *name);
gboolean             tribuna_engine_start_destination   (TribunaEngine        *self,
                                                         const char           *name,
                                                         GError              **error);
gboolean             tribuna_engine_stop_destination    (TribunaEngine        *self,
                                                         const char           *name,
                                                         GError              **error);
gboolean             tribuna_engine_go_on_air           (TribunaEngine        *self,
                                                         GError              **error);
void                 tribuna_engine_go_off_air          (TribunaEngine        *self);
gboolean             tribuna_engine_get_on_air          (TribunaEngine        *self);

const char          *tribuna_engine_get_last_error      (TribunaEngine        *self);

/* Stops every destination, finalises the recording, then stops the program. */
void                 tribuna_engine_shutdown_async      (TribunaEngine        *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean             tribuna_engine_shutdown_finish     (TribunaEngine        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
