/* tribuna-clip-export.c: clips for news posts, from a recorded session to MP4 in seconds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The queue and the properties live on the caller's main context; each export runs in a
 * GTask thread (tribuna-clip-job.c), which reports progress back here through
 * tribuna_main_context_post(), at most ten times a second.
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include "tribuna-clip-export.h"
#include "tribuna-clip-private.h"
#include "tribuna-main-context.h"

#define PROGRESS_INTERVAL_US (100 * 1000)
/* Below this, an estimate of the time left is a guess. */
#define ESTIMATE_AFTER_PROGRESS 0.02
#define ESTIMATE_AFTER_US (300 * 1000)

typedef struct {
  GTask   *task;             /* the caller's */
  GSource *cancel_source;    /* takes it out of the queue when cancelled while waiting */
} Waiting;

struct _TribunaClipExport
{
  GObject       parent_instance;

  GMainContext *context;
  GQueue        waiting;        /* Waiting */
  GTask        *running;        /* the caller's task of the export in the worker */
  guint         generation;     /* which export progress reports belong to */
  gint64        started_us;

  /* State, as properties */
  double        progress;
  double        remaining;
  gboolean      busy;

  /* Shared with the worker */
  GMutex        lock;
  double        reported;
  guint         reported_generation;
  gboolean      report_pending;
  gint64        last_report_us;
};

G_DEFINE_FINAL_TYPE (TribunaClipExport, tribuna_clip_export, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROGRESS,
  PROP_REMAINING_SECONDS,
  PROP_BUSY,
  PROP_QUEUED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_next (TribunaClipExport *self);

static void
tribuna_clip_export_finalize (GObject *object)
{
  TribunaClipExport *self = (TribunaClipExport *)object;

  /* every queued or running task holds a reference: nothing can be left here */
  g_assert (self->running == NULL && g_queue_is_empty (&self->waiting));
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tribuna_clip_export_parent_class)->finalize (object);
}

static void
tribuna_clip_export_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TribunaClipExport *self = TRIBUNA_CLIP_EXPORT (object);

  switch (prop_id)
    {
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;

    case PROP_REMAINING_SECONDS:
      g_value_set_double (value, self->remaining);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    case PROP_QUEUED:
      g_value_set_uint (value, self->waiting.length);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_clip_export_class_init (TribunaClipExportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tribuna_clip_export_finalize;
  object_class->get_property = tribuna_clip_export_get_property;

  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REMAINING_SECONDS] =
    g_param_spec_double ("remaining-seconds", NULL, NULL, -1.0, G_MAXDOUBLE, -1.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_QUEUED] =
    g_param_spec_uint ("queued", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tribuna_clip_export_init (TribunaClipExport *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->remaining = -1.0;
  g_queue_init (&self->waiting);
  g_mutex_init (&self->lock);
}

TribunaClipExport *
tribuna_clip_export_new (void)
{
  return g_object_new (TRIBUNA_TYPE_CLIP_EXPORT, NULL);
}

/* State */

static void
set_progress (TribunaClipExport *self,
              double             progress,
              double             remaining)
{
  if (self->progress != progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  if (self->remaining != remaining)
    {
      self->remaining = remaining;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING_SECONDS]);
    }
}

static void
set_busy (TribunaClipExport *self,
          gboolean           busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Progress, from the worker */

static gboolean
apply_report (gpointer user_data)
{
  TribunaClipExport *self = user_data;
  double fraction, remaining = -1.0;
  guint generation;
  gint64 elapsed;

  g_mutex_lock (&self->lock);
  fraction = self->reported;
  generation = self->reported_generation;
  self->report_pending = FALSE;
  g_mutex_unlock (&self->lock);

  /* a report that arrives after its export ended says nothing any more */
  if (generation != self->generation || self->running == NULL)
    return G_SOURCE_REMOVE;

  elapsed = g_get_monotonic_time () - self->started_us;
  if (fraction >= ESTIMATE_AFTER_PROGRESS && elapsed >= ESTIMATE_AFTER_US)
    remaining = (elapsed / (double) G_USEC_PER_SEC) * (1.0 - fraction) / fraction;

  set_progress (self, MAX (fraction, self->progress), remaining);
  return G_SOURCE_REMOVE;
}

typedef struct {
  TribunaClipExport *self;
  guint              generation;
} Reporter;

/* In the worker thread */
static void
report_progress (double   fraction,
                 gpointer user_data)
{
  Reporter *reporter = user_data;
  TribunaClipExport *self = reporter->self;
  gint64 now = g_get_monotonic_time ();
  gboolean schedule = FALSE;

  g_mutex_lock (&self->lock);
  self->reported = fraction;
  self->reported_generation = reporter->generation;
  if (!self->report_pending && now - self->last_report_us >= PROGRESS_INTERVAL_US)
    {
      self->report_pending = TRUE;
      self->last_report_us = now;
      schedule = TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (schedule)
    tribuna_main_context_post (self->context, apply_report, g_object_ref (self), g_object_unref);
}

/* Running */

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TribunaClipExport *self = source_object;
  TribunaClipRequest *request = task_data;
  Reporter reporter = { self, 0 };
  g_autoptr(GError) error = NULL;
  TribunaClipResult *result;

  g_mutex_lock (&self->lock);
  reporter.generation = self->generation;
  g_mutex_unlock (&self->lock);

  result = _tribuna_clip_job_run (request, cancellable, report_progress, &reporter, &error);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) tribuna_clip_result_unref);
}

static void
on_worker_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TribunaClipExport *self = TRIBUNA_CLIP_EXPORT (object);
  g_autoptr(GTask) task = g_steal_pointer (&self->running);
  g_autoptr(GError) error = NULL;
  TribunaClipResult *clip = g_task_propagate_pointer (G_TASK (result), &error);

  set_progress (self, clip != NULL ? 1.0 : 0.0, clip != NULL ? 0.0 : -1.0);
  set_busy (self, FALSE);

  if (clip != NULL)
    g_task_return_pointer (task, clip, (GDestroyNotify) tribuna_clip_result_unref);
  else
    g_task_return_error (task, g_steal_pointer (&error));

  start_next (self);
}

static void
start_next (TribunaClipExport *self)
{
  g_autoptr(GTask) worker = NULL;
  Waiting *waiting;

  if (self->running != NULL || g_queue_is_empty (&self->waiting))
    return;

  waiting = g_queue_pop_head (&self->waiting);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUED]);
  g_source_destroy (waiting->cancel_source);
  g_source_unref (waiting->cancel_source);
  self->running = waiting->task;
  g_free (waiting);

  g_mutex_lock (&self->lock);
  self->generation++;
  self->last_report_us = 0;
  g_mutex_unlock (&self->lock);
  self->started_us = g_get_monotonic_time ();
  set_progress (self, 0.0, -1.0);
  set_busy (self, TRUE);

  /* The worker's task has its own callback (here, on this context), so the queue moves on
   * before the caller hears of the result. */
  worker = g_task_new (self, g_task_get_cancellable (self->running), on_worker_done, NULL);
  g_task_set_source_tag (worker, start_next);
  g_task_set_task_data (worker, tribuna_clip_request_ref (g_task_get_task_data (self->running)),
                        (GDestroyNotify) tribuna_clip_request_unref);
  g_task_run_in_thread (worker, run_in_thread);
}

static gboolean
on_cancelled_while_waiting (GCancellable *cancellable,
                            gpointer      user_data)
{
  GTask *task = user_data;
  TribunaClipExport *self = g_task_get_source_object (task);

  for (GList *link = self->waiting.head; link != NULL; link = link->next)
    {
      Waiting *waiting = link->data;

      if (waiting->task != task)
        continue;

      g_queue_delete_link (&self->waiting, link);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUED]);
      g_source_unref (waiting->cancel_source);
      g_free (waiting);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the clip export was cancelled before it started");
      g_object_unref (task);
      break;
    }

  return G_SOURCE_REMOVE;
}

void
tribuna_clip_export_run_async (TribunaClipExport   *self,
                               TribunaClipRequest  *request,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Waiting *waiting;

  g_return_if_fail (TRIBUNA_IS_CLIP_EXPORT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tribuna_clip_export_run_async);

  if (!tribuna_clip_request_validate (request, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, tribuna_clip_request_copy (request),
                        (GDestroyNotify) tribuna_clip_request_unref);

  /* A cancellable that is never cancelled still needs a source: use a fresh one. */
  waiting = g_new0 (Waiting, 1);
  waiting->task = g_steal_pointer (&task);
  if (cancellable == NULL)
    {
      g_autoptr(GCancellable) never = g_cancellable_new ();

      waiting->cancel_source = g_cancellable_source_new (never);
    }
  else
    waiting->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (waiting->cancel_source, G_SOURCE_FUNC (on_cancelled_while_waiting),
                         waiting->task, NULL);
  g_source_attach (waiting->cancel_source, self->context);

  g_queue_push_tail (&self->waiting, waiting);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUED]);
  start_next (self);
}

TribunaClipResult *
tribuna_clip_export_run_finish (TribunaClipExport  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (TRIBUNA_IS_CLIP_EXPORT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

double
tribuna_clip_export_get_progress (TribunaClipExport *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CLIP_EXPORT (self), 0.0);

  return self->progress;
}

double
tribuna_clip_export_get_remaining_seconds (TribunaClipExport *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CLIP_EXPORT (self), -1.0);

  return self->remaining;
}

gboolean
tribuna_clip_export_get_busy (TribunaClipExport *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CLIP_EXPORT (self), FALSE);

  return self->busy;
}

guint
tribuna_clip_export_get_queued (TribunaClipExport *self)
{
  g_return_val_if_fail (TRIBUNA_IS_CLIP_EXPORT (self), 0);

  return self->waiting.length;
}
