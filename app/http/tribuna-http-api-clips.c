/* tribuna-http-api-clips.c: clips for news posts: create, follow, cancel, list, download
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A clip is made by the engine (tribuna_engine_export_clip_async), which queues it on its
 * one TribunaClipExport and records the written clip in the archive with who asked. Here
 * each request becomes a job, kept in memory while the server runs: its state, and while it
 * runs the export's progress and remaining time. The export runs jobs one at a time in the
 * order they were queued, and this server is the only one queueing on the daemon's engine,
 * so the running job is the oldest one still queued or running.
 *
 * The request is checked here before it is queued (the same plan the engine makes), so an
 * unknown session, an item never recorded, a bad range or a range inside private time is a
 * 4xx at once rather than a failed job later.
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <string.h>

#include "tribuna-clip-plan.h"
#include "tribuna-http-private.h"
#include "tribuna-timeline.h"

/* Finished jobs remembered for GET /clips/jobs/ID; the clips themselves are in the archive. */
#define MAX_FINISHED_JOBS 100

typedef enum {
  JOB_QUEUED,
  JOB_RUNNING,
  JOB_DONE,
  JOB_FAILED,
  JOB_CANCELLED,
} JobState;

static const char * const job_state_codes[] = { "queued", "running", "done", "failed",
                                                "cancelled" };

typedef struct {
  guint             id;
  JobState          state;
  gint64            session_id;
  char             *item;
  gint64            in_ns;
  gint64            out_ns;
  TribunaClipMode   mode;
  TribunaClipPreset preset;
  char             *created_by;
  gint64            created_us;
  GCancellable     *cancellable;
  char             *error;
  gint64            clip_id;
  TribunaHttpEvents *events;       /* told when the job ends */
} Job;

static void
job_clear (Job *job)
{
  g_free (job->item);
  g_free (job->created_by);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->events);
  g_free (job->error);
}

static Job *
job_ref (Job *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
job_unref (Job *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) job_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

static GPtrArray *
jobs_of (TribunaHttpServer *self)
{
  if (self->clip_jobs == NULL)
    self->clip_jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_unref);
  return self->clip_jobs;
}

static gboolean
job_is_pending (const Job *job)
{
  return job->state == JOB_QUEUED || job->state == JOB_RUNNING;
}

/* The export takes jobs in order: the oldest pending one is the one it is working on. */
static void
update_running (TribunaHttpServer *self)
{
  TribunaClipExport *export = tribuna_engine_get_clip_export (self->engine);
  GPtrArray *jobs = jobs_of (self);

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      if (job_is_pending (job))
        {
          job->state = tribuna_clip_export_get_busy (export) ? JOB_RUNNING : JOB_QUEUED;
          return;
        }
    }
}

/* Forgets the oldest finished jobs beyond the limit. */
static void
trim_jobs (TribunaHttpServer *self)
{
  GPtrArray *jobs = jobs_of (self);
  guint finished = 0;

  for (guint i = 0; i < jobs->len; i++)
    finished += !job_is_pending (g_ptr_array_index (jobs, i));

  for (guint i = 0; i < jobs->len && finished > MAX_FINISHED_JOBS;)
    {
      if (!job_is_pending (g_ptr_array_index (jobs, i)))
        {
          g_ptr_array_remove_index (jobs, i);
          finished--;
        }
      else
        i++;
    }
}

void
_tribuna_http_clips_clear (TribunaHttpServer *self)
{
  for (guint i = 0; self->clip_jobs != NULL && i < self->clip_jobs->len; i++)
    g_cancellable_cancel (((Job *) g_ptr_array_index (self->clip_jobs, i))->cancellable);
  g_clear_pointer (&self->clip_jobs, g_ptr_array_unref);
}

/* JSON */

static JsonObject *
clip_json (TribunaHttpServer *self,
           const TribunaClip *clip)
{
  JsonObject *object = json_object_new ();
  g_autofree char *file = _tribuna_http_clip_file (self, clip);
  g_autofree char *created = _tribuna_http_iso_time (clip->created_us);
  g_autofree char *download = g_strdup_printf (TRIBUNA_HTTP_API_PREFIX "/clips/%" G_GINT64_FORMAT
                                               "/download", clip->id);
  g_autofree char *name = g_path_get_basename (clip->path);

  json_object_set_int_member (object, "id", clip->id);
  json_object_set_int_member (object, "session_id", clip->session_id);
  if (clip->item_id > 0)
    json_object_set_int_member (object, "item_id", clip->item_id);
  else
    json_object_set_null_member (object, "item_id");
  json_object_set_string_member (object, "name", name);
  json_object_set_int_member (object, "in_ms", clip->requested_start_ns / 1000000);
  json_object_set_int_member (object, "out_ms", clip->requested_end_ns / 1000000);
  json_object_set_string_member (object, "mode", clip->mode);
  json_object_set_string_member (object, "preset", clip->preset);
  json_object_set_string_member (object, "created_by", clip->created_by ? clip->created_by : "");
  json_object_set_string_member (object, "created", created ? created : "");
  json_object_set_boolean_member (object, "available", file != NULL);
  if (file != NULL)
    json_object_set_string_member (object, "download", download);
  else
    json_object_set_null_member (object, "download");
  return object;
}

static JsonObject *
job_json (TribunaHttpServer *self,
          const Job         *job)
{
  TribunaClipExport *export = tribuna_engine_get_clip_export (self->engine);
  JsonObject *object = json_object_new ();
  g_autofree char *created = _tribuna_http_iso_time (job->created_us);
  double progress = 0, remaining = -1;

  if (job->state == JOB_RUNNING)
    {
      progress = tribuna_clip_export_get_progress (export);
      remaining = tribuna_clip_export_get_remaining_seconds (export);
    }
  else if (job->state == JOB_DONE)
    progress = 1;

  json_object_set_int_member (object, "id", job->id);
  json_object_set_string_member (object, "state", job_state_codes[job->state]);
  json_object_set_int_member (object, "session_id", job->session_id);
  if (job->item != NULL)
    json_object_set_string_member (object, "item", job->item);
  else
    json_object_set_null_member (object, "item");
  json_object_set_string_member (object, "mode", tribuna_clip_mode_to_string (job->mode));
  json_object_set_string_member (object, "preset", tribuna_clip_preset_to_string (job->preset));
  json_object_set_int_member (object, "percent", (gint64) (progress * 100));
  if (remaining >= 0)
    json_object_set_int_member (object, "remaining_seconds", (gint64) (remaining + 0.5));
  else
    json_object_set_null_member (object, "remaining_seconds");
  json_object_set_string_member (object, "created_by", job->created_by);
  json_object_set_string_member (object, "created", created);
  if (job->error != NULL)
    json_object_set_string_member (object, "error", job->error);
  else
    json_object_set_null_member (object, "error");
  if (job->clip_id > 0)
    json_object_set_int_member (object, "clip_id", job->clip_id);
  else
    json_object_set_null_member (object, "clip_id");
  return object;
}

/* Errors of a plan or an export, as the API says them. */
static void
respond_clip_error (TribunaHttpRequest *request,
                    const GError       *error)
{
  if (error->domain == TRIBUNA_CLIP_ERROR)
    {
      switch ((TribunaClipError) error->code)
        {
        case TRIBUNA_CLIP_ERROR_RANGE:
        case TRIBUNA_CLIP_ERROR_UNSUPPORTED:
          _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                       "%s", error->message);
          return;
        case TRIBUNA_CLIP_ERROR_PRIVATE:
          _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "private", "%s",
                                       error->message);
          return;
        case TRIBUNA_CLIP_ERROR_SEGMENTS:
        case TRIBUNA_CLIP_ERROR_SOURCE:
          _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "no-recording", "%s",
                                       error->message);
          return;
        default:
          break;
        }
    }
  else if (error->domain == TRIBUNA_TIMELINE_ERROR)
    {
      gboolean empty = error->code == TRIBUNA_TIMELINE_ERROR_EMPTY;

      _tribuna_http_respond_error (request, empty ? SOUP_STATUS_CONFLICT
                                   : SOUP_STATUS_UNPROCESSABLE_ENTITY,
                                   empty ? "no-recording" : "invalid", "%s", error->message);
      return;
    }

  _tribuna_http_respond_gerror (request, error);
}

/* Creating */

/* A JSON number of seconds on the session axis, as nanoseconds. */
static gboolean
get_seconds (TribunaHttpRequest *request,
             JsonObject         *body,
             const char         *member,
             gint64             *out_ns,
             gboolean           *present)
{
  JsonNode *node = json_object_get_member (body, member);
  GType type;
  double seconds;

  *present = node != NULL && !JSON_NODE_HOLDS_NULL (node);
  if (!*present)
    return TRUE;

  type = json_node_get_value_type (node);
  if (!JSON_NODE_HOLDS_VALUE (node) || (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type",
                                   "“%s” must be a number of seconds", member);
      return FALSE;
    }

  seconds = json_node_get_double (node);
  if (seconds < 0 || seconds > 7 * 24 * 3600.0)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“%s” must be between 0 and the session's length", member);
      return FALSE;
    }
  *out_ns = (gint64) (seconds * G_TIME_SPAN_SECOND) * 1000;
  return TRUE;
}

static gboolean
get_session_member (TribunaHttpRequest *request,
                    JsonObject         *body,
                    gint64             *id)
{
  JsonNode *node = json_object_get_member (body, "session");

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "missing",
                                   "“session” (the session's id) is required");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) <= 0)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "wrong-type",
                                   "“session” must be a session id (a positive integer)");
      return FALSE;
    }
  *id = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_choices (TribunaHttpRequest *request,
              JsonObject         *body,
              Job                *job)
{
  const char *mode = NULL, *preset = NULL;

  if (!_tribuna_http_get_string (request, body, "mode", FALSE, 16, &mode)
      || !_tribuna_http_get_string (request, body, "preset", FALSE, 16, &preset))
    return FALSE;

  job->mode = TRIBUNA_CLIP_MODE_FAST;
  job->preset = TRIBUNA_CLIP_PRESET_WEB;
  if (mode != NULL && !tribuna_clip_mode_from_string (mode, &job->mode))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“mode” must be fast or exact");
      return FALSE;
    }
  if (preset != NULL && !tribuna_clip_preset_from_string (preset, &job->preset))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“preset” must be web, facebook, square or audio");
      return FALSE;
    }
  return TRUE;
}

/* An item ("item": "5.1"), or a range ("in", "out": seconds on the session axis). */
static gboolean
read_what (TribunaHttpRequest *request,
           JsonObject         *body,
           Job                *job)
{
  const char *item = NULL;
  gboolean has_in = FALSE, has_out = FALSE;

  if (!_tribuna_http_get_string (request, body, "item", FALSE, 32, &item)
      || !get_seconds (request, body, "in", &job->in_ns, &has_in)
      || !get_seconds (request, body, "out", &job->out_ns, &has_out))
    return FALSE;

  if (item != NULL && (has_in || has_out))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "give either “item” or “in” and “out”, not both");
      return FALSE;
    }
  if (item == NULL && (!has_in || !has_out))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "missing",
                                   "give “item” (an agenda number) or both “in” and “out” "
                                   "(seconds)");
      return FALSE;
    }
  if (item == NULL && job->out_ns <= job->in_ns)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "“out” must come after “in”");
      return FALSE;
    }
  job->item = g_strdup (item);
  return TRUE;
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(TribunaClipResult) clip = NULL;
  g_autoptr(GError) error = NULL;

  clip = tribuna_engine_export_clip_finish (TRIBUNA_ENGINE (object), result, &error);
  if (clip == NULL)
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      job->state = cancelled ? JOB_CANCELLED : JOB_FAILED;
      job->error = cancelled ? NULL : g_strdup (error->message);
      tribuna_http_events_notify (job->events, "clips", NULL);
      return;
    }

  job->state = JOB_DONE;
  /* The engine recorded it: the newest clip of the session with this file. */
  {
    TribunaArchive *archive = tribuna_engine_get_archive (TRIBUNA_ENGINE (object));
    g_autoptr(GPtrArray) clips = tribuna_archive_list_clips (archive, job->session_id, NULL);
    g_autofree char *path = tribuna_archive_relative_path (archive,
                                                           tribuna_clip_result_get_media_path (clip),
                                                           NULL);

    for (guint i = 0; clips != NULL && i < clips->len; i++)
      {
        const TribunaClip *row = g_ptr_array_index (clips, i);

        if (g_strcmp0 (row->path, path) == 0
            || g_strcmp0 (row->path, tribuna_clip_result_get_media_path (clip)) == 0)
          job->clip_id = row->id;
      }
  }
  tribuna_http_events_notify (job->events, "clips", NULL);
}

static gboolean
check_plan (TribunaHttpRequest *request,
            Job                *job)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  g_autoptr(TribunaClipPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  plan = tribuna_clip_plan_new (archive, job->session_id, job->item, job->in_ns, job->out_ns,
                                NULL, job->created_by, &error);
  if (plan != NULL)
    {
      tribuna_clip_request_set_mode (plan->request, job->mode);
      tribuna_clip_request_set_preset (plan->request, job->preset);
    }
  if (plan == NULL || !tribuna_clip_request_validate (plan->request, &error))
    {
      respond_clip_error (request, error);
      return FALSE;
    }
  return TRUE;
}

static void
create_clip (TribunaHttpRequest *request)
{
  static const char * const allowed[] = { "session", "item", "in", "out", "mode", "preset",
                                          NULL };
  TribunaHttpServer *self = request->server;
  g_autoptr(JsonObject) body = _tribuna_http_read_object (request, allowed);
  g_autoptr(Job) job = g_atomic_rc_box_new0 (Job);
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *location = NULL;

  job->created_by = g_strdup (_tribuna_http_request_get_user (request));
  if (body == NULL || !get_session_member (request, body, &job->session_id)
      || !read_what (request, body, job) || !read_choices (request, body, job)
      || !check_plan (request, job))
    return;

  job->id = ++self->clip_job_serial;
  job->state = JOB_QUEUED;
  job->created_us = g_get_real_time ();
  job->cancellable = g_cancellable_new ();
  job->events = g_object_ref (self->events);
  g_ptr_array_add (jobs_of (self), job_ref (job));
  tribuna_engine_export_clip_async (self->engine, job->session_id, job->item, job->in_ns,
                                    job->out_ns, job->mode, job->preset, NULL, job->created_by,
                                    job->cancellable, on_exported, job_ref (job));
  trim_jobs (self);
  update_running (self);
  tribuna_http_events_notify (self->events, "clips", NULL);

  location = g_strdup_printf (TRIBUNA_HTTP_API_PREFIX "/clips/jobs/%u", job->id);
  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                "Location", location);
  object = job_json (self, job);
  _tribuna_http_respond_object (request, SOUP_STATUS_ACCEPTED, object);
}

/* Jobs */

static Job *
find_job (TribunaHttpRequest *request)
{
  GPtrArray *jobs = jobs_of (request->server);
  gint64 id;

  if (!_tribuna_http_get_id (request, request->params[0], "clip job", &id))
    return NULL;

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      if (job->id == id)
        return job;
    }

  _tribuna_http_respond_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                               "there is no clip job %" G_GINT64_FORMAT, id);
  return NULL;
}

JsonArray *
_tribuna_http_clip_jobs_json (TribunaHttpServer *self)
{
  GPtrArray *jobs = jobs_of (self);
  JsonArray *array = json_array_new ();

  update_running (self);
  for (guint i = 0; i < jobs->len; i++)
    json_array_add_object_element (array, job_json (self, g_ptr_array_index (jobs, i)));
  return array;
}

static void
list_jobs (TribunaHttpRequest *request)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_array_member (object, "jobs", _tribuna_http_clip_jobs_json (request->server));
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
get_job (TribunaHttpRequest *request)
{
  Job *job = find_job (request);
  g_autoptr(JsonObject) object = NULL;

  if (job == NULL)
    return;
  update_running (request->server);
  object = job_json (request->server, job);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* Cancelling removes whatever the export had begun; the job says so once it has. */
static void
cancel_job (TribunaHttpRequest *request)
{
  Job *job = find_job (request);
  g_autoptr(JsonObject) object = NULL;

  if (job == NULL)
    return;
  if (!job_is_pending (job))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_CONFLICT, "finished",
                                   "clip job %u is already %s", job->id,
                                   job_state_codes[job->state]);
      return;
    }

  g_cancellable_cancel (job->cancellable);
  object = job_json (request->server, job);
  _tribuna_http_respond_object (request, SOUP_STATUS_ACCEPTED, object);
}

/* Clips in the archive */

static const TribunaClip *
find_clip (TribunaHttpRequest *request,
           GPtrArray          *clips)
{
  gint64 id;

  if (!_tribuna_http_get_id (request, request->params[0], "clip", &id))
    return NULL;

  for (guint i = 0; clips != NULL && i < clips->len; i++)
    {
      const TribunaClip *clip = g_ptr_array_index (clips, i);

      if (clip->id == id)
        return clip;
    }

  _tribuna_http_respond_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                               "there is no clip %" G_GINT64_FORMAT, id);
  return NULL;
}

static void
list_clips (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  const char *session_text = _tribuna_http_request_get_query (request, "session");
  g_autoptr(GPtrArray) clips = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *array;
  gint64 session_id = 0;

  if (session_text != NULL
      && !g_ascii_string_to_signed (session_text, 10, 1, G_MAXINT64, &session_id, NULL))
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_BAD_REQUEST, "invalid",
                                   "session must be a session id (a whole number from 1)");
      return;
    }

  clips = tribuna_archive_list_clips (archive, session_id, &error);
  if (clips == NULL)
    {
      _tribuna_http_respond_gerror (request, error);
      return;
    }

  array = json_array_new ();
  for (guint i = 0; i < clips->len; i++)
    json_array_add_object_element (array, clip_json (request->server,
                                                     g_ptr_array_index (clips, i)));
  json_object_set_array_member (object, "clips", array);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

static void
get_clip (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  g_autoptr(GPtrArray) clips = tribuna_archive_list_clips (archive, 0, NULL);
  const TribunaClip *clip = find_clip (request, clips);
  g_autoptr(JsonObject) object = NULL;

  if (clip == NULL)
    return;
  object = clip_json (request->server, clip);
  _tribuna_http_respond_object (request, SOUP_STATUS_OK, object);
}

/* Any clip, for staff; the published ones are also at /archive/clips/ID.mp4 for anyone. */
static void
download_clip (TribunaHttpRequest *request)
{
  TribunaArchive *archive = tribuna_engine_get_archive (request->server->engine);
  g_autoptr(GPtrArray) clips = tribuna_archive_list_clips (archive, 0, NULL);
  const TribunaClip *clip = find_clip (request, clips);
  g_autofree char *file = NULL;
  g_autofree char *disposition = NULL;
  const char *name;

  if (clip == NULL)
    return;
  file = _tribuna_http_clip_file (request->server, clip);
  if (file == NULL)
    {
      _tribuna_http_respond_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                                   "clip %" G_GINT64_FORMAT "'s file is not on the appliance",
                                   clip->id);
      return;
    }

  _tribuna_http_send_file (request->server, request->msg, file,
                           g_str_equal (clip->preset, "audio") ? "audio/mp4" : "video/mp4",
                           "private, no-store");
  /* The file name is made of [a-z0-9._-] only (tribuna-slug), safe in a header. */
  name = strrchr (file, '/') + 1;
  disposition = g_strdup_printf ("attachment; filename=\"%s\"", name);
  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                "Content-Disposition", disposition);
}

static const TribunaHttpRoute routes[] = {
  { "GET", "clips", TRIBUNA_HTTP_ACCESS_READ, list_clips, 0 },
  { "POST", "clips", TRIBUNA_HTTP_ACCESS_EDIT, create_clip, 0 },
  { "GET", "clips/jobs", TRIBUNA_HTTP_ACCESS_READ, list_jobs, 0 },
  { "GET", "clips/jobs/:id", TRIBUNA_HTTP_ACCESS_READ, get_job, 0 },
  { "DELETE", "clips/jobs/:id", TRIBUNA_HTTP_ACCESS_EDIT, cancel_job, 0 },
  { "GET", "clips/:id", TRIBUNA_HTTP_ACCESS_READ, get_clip, 0 },
  { "GET", "clips/:id/download", TRIBUNA_HTTP_ACCESS_READ, download_clip, 0 },
  { NULL }
};

const TribunaHttpRoute *
_tribuna_http_clips_routes (void)
{
  return routes;
}
