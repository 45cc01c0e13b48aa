/* tribuna-engine-clips.c: clips for news posts, through the engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The console and the HTTP API export clips here: the engine's one
 * TribunaClipExport queues them, reports progress, and every clip that is
 * written is recorded in the archive with who made it.
 */
#define G_LOG_DOMAIN "tribuna-engine"

#include "config.h"

#include "tribuna-clip-plan.h"
#include "tribuna-engine-private.h"

typedef struct {
  TribunaClipPlan   *plan;
  gint64             session_id;
  TribunaClipMode    mode;
  TribunaClipPreset  preset;
  char              *created_by;
} ClipJob;

static void
clip_job_free (ClipJob *job)
{
  g_clear_pointer (&job->plan, tribuna_clip_plan_free);
  g_free (job->created_by);
  g_free (job);
}

TribunaClipExport *
tribuna_engine_get_clip_export (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  if (self->clip_export == NULL)
    self->clip_export = tribuna_clip_export_new ();
  return self->clip_export;
}

static void
on_clip_exported (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TribunaEngine *self = g_task_get_source_object (task);
  ClipJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaClipResult) clip = NULL;

  clip = tribuna_clip_export_run_finish (TRIBUNA_CLIP_EXPORT (object), result, &error);
  if (clip == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Written is written: a failure to index it is said, not a failed export. */
  if (!tribuna_clip_plan_record (job->plan, self->archive, job->session_id, clip, job->mode,
                                 job->preset, job->created_by, &error))
    g_warning ("clip %s is written but not in the index: %s",
               tribuna_clip_result_get_media_path (clip), error->message);

  g_task_return_pointer (task, g_steal_pointer (&clip),
                         (GDestroyNotify) tribuna_clip_result_unref);
}

void
tribuna_engine_export_clip_async (TribunaEngine       *self,
                                  gint64               session_id,
                                  const char          *item_number,
                                  gint64               in_ns,
                                  gint64               out_ns,
                                  TribunaClipMode      mode,
                                  TribunaClipPreset    preset,
                                  const char          *output,
                                  const char          *created_by,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ClipJob *job;

  g_return_if_fail (TRIBUNA_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tribuna_engine_export_clip_async);

  job = g_new0 (ClipJob, 1);
  job->session_id = session_id;
  job->mode = mode;
  job->preset = preset;
  job->created_by = g_strdup (created_by);
  job->plan = tribuna_clip_plan_new (self->archive, session_id, item_number, in_ns, out_ns,
                                     output, created_by, &error);
  g_task_set_task_data (task, job, (GDestroyNotify) clip_job_free);
  if (job->plan == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  tribuna_clip_request_set_mode (job->plan->request, mode);
  tribuna_clip_request_set_preset (job->plan->request, preset);
  tribuna_clip_export_run_async (tribuna_engine_get_clip_export (self), job->plan->request,
                                 cancellable, on_clip_exported, g_steal_pointer (&task));
}

TribunaClipResult *
tribuna_engine_export_clip_finish (TribunaEngine  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
