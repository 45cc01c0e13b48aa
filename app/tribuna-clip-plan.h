/* tribuna-clip-plan.h: from a session in the archive to a clip export request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tribuna-archive.h"
#include "tribuna-clip-export.h"

G_BEGIN_DECLS

/**
 * TribunaClipPlan:
 * @request: ready to run: the session's segments and private time, the range, the
 *   output folder and name
 * @item: the agenda item exported, or %NULL for a range
 * @note: what the user should know about the choice made (an item taken up more than
 *   once: its first stretch), or %NULL
 */
typedef struct {
  TribunaClipRequest *request;
  TribunaAgendaItem  *item;
  char               *note;
} TribunaClipPlan;

/* @item_number selects an agenda item (its first stretch); otherwise [@in_ns, @out_ns) on
 * the session axis. @output is a file path, or NULL for DATA_DIR/clips/ with a name made
 * from the date, the session type, the item and its title. The JSON sidecar will say
 * which session and item it shows, and @created_by. */
TribunaClipPlan *tribuna_clip_plan_new  (TribunaArchive     *archive,
                                         gint64              session_id,
                                         const char         *item_number,
                                         gint64              in_ns,
                                         gint64              out_ns,
                                         const char         *output,
                                         const char         *created_by,
                                         GError            **error);
void             tribuna_clip_plan_free (TribunaClipPlan    *plan);

/* The exported clip, into the index (the office's count of videos). */
gboolean         tribuna_clip_plan_record (TribunaClipPlan    *plan,
                                           TribunaArchive     *archive,
                                           gint64              session_id,
                                           TribunaClipResult  *result,
                                           TribunaClipMode     mode,
                                           TribunaClipPreset   preset,
                                           const char         *created_by,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClipPlan, tribuna_clip_plan_free)

G_END_DECLS
