/* tribuna-status-log.h: one line per status change, for a person and for journald
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tribuna-engine.h"

G_BEGIN_DECLS

typedef struct _TribunaStatusLog TribunaStatusLog;

TribunaStatusLog *tribuna_status_log_new   (TribunaEngine    *engine);
void              tribuna_status_log_free  (TribunaStatusLog *self);
void              tribuna_status_log_print (gboolean          is_error,
                                            const char       *format,
                                            ...) G_GNUC_PRINTF (2, 3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaStatusLog, tribuna_status_log_free)

G_END_DECLS
