/* tribuna-clip-plan.c: from a session in the archive to a clip export request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the engine (for the console and the HTTP API) and tribuna-cli (which
 * works beside a running daemon and so never opens an engine of its own).
 */
#define G_LOG_DOMAIN "tribuna-clip"

#include "config.h"

#include "tribuna-clip-plan.h"
#include "tribuna-timeline.h"

/* The short name of a session type in file names, as the office writes them. */
static const char *
type_slug (TribunaSessionType type)
{
  switch (type)
    {
    case TRIBUNA_SESSION_TYPE_ASSEMBLY:
      return "kuvendi";
    case TRIBUNA_SESSION_TYPE_KPF:
      return "kpf";
    case TRIBUNA_SESSION_TYPE_COMMUNITIES:
      return "kk";
    case TRIBUNA_SESSION_TYPE_KKSB:
      return "kksb";
    case TRIBUNA_SESSION_TYPE_BUDGET_HEARING:
      return "degjim-buxhetor";
    case TRIBUNA_SESSION_TYPE_PUBLIC_DEBATE:
      return "debat-publik";
    case TRIBUNA_SESSION_TYPE_PRESS:
      return "konference";
    case TRIBUNA_SESSION_TYPE_OTHER:
    default:
      return "tjeter";
    }
}

static const TribunaItemRange *
find_item_range (TribunaTimeline *timeline,
                 const char      *number)
{
  GPtrArray *ranges = tribuna_timeline_get_item_ranges (timeline);

  for (guint i = 0; i < ranges->len; i++)
    {
      const TribunaItemRange *range = g_ptr_array_index (ranges, i);

      if (g_strcmp0 (range->item->number, number) == 0)
        return range;
    }

  return NULL;
}

/* Segments and private time on the session axis, as the timeline sees them. */
static void
describe_recording (TribunaArchive     *archive,
                    TribunaTimeline    *timeline,
                    TribunaClipRequest *request)
{
  GArray *private_ranges = tribuna_timeline_get_private_ranges (timeline);
  const char *data_dir = tribuna_archive_get_data_dir (archive);

  for (guint i = 0; i < tribuna_timeline_get_n_segments (timeline); i++)
    {
      gint64 start_ns, duration_ns;
      const TribunaSegment *segment = tribuna_timeline_get_segment (timeline, i, &start_ns,
                                                                   &duration_ns);
      g_autofree char *path = g_path_is_absolute (segment->path)
                              ? g_strdup (segment->path)
                              : g_build_filename (data_dir, segment->path, NULL);

      tribuna_clip_request_add_segment (request, path, start_ns, duration_ns);
    }

  for (guint i = 0; i < private_ranges->len; i++)
    {
      TribunaTimeRange *range = &g_array_index (private_ranges, TribunaTimeRange, i);

      tribuna_clip_request_add_private_range (request, range->start_ns, range->end_ns);
    }
}

static char *
format_clock (gint64 ns)
{
  gint64 ms = MAX (ns, 0) / 1000000;

  return g_strdup_printf ("%02" G_GINT64_FORMAT "-%02d-%02d", ms / 3600000,
                          (int) (ms / 60000 % 60), (int) (ms / 1000 % 60));
}

static void
set_output (TribunaClipPlan      *plan,
            TribunaArchive       *archive,
            const TribunaSession *session,
            gint64                in_ns,
            const char           *output)
{
  g_autofree char *directory = NULL;
  g_autofree char *base_name = NULL;

  if (output != NULL)
    {
      g_autofree char *name = g_path_get_basename (output);
      char *dot = strrchr (name, '.');

      if (dot != NULL && dot != name)
        *dot = '\0';
      directory = g_path_get_dirname (output);
      base_name = g_strdup (name);
    }
  else
    {
      g_autofree char *item_part = plan->item ? g_strdup_printf ("pika-%s", plan->item->number)
                                              : format_clock (in_ns);

      directory = g_build_filename (tribuna_archive_get_data_dir (archive), "clips", NULL);
      base_name = tribuna_slug_join (session->date, type_slug (session->type), item_part,
                                     plan->item ? plan->item->title : NULL, NULL);
    }

  tribuna_clip_request_set_output (plan->request, directory, base_name);
}

/* What the JSON sidecar says the clip is of, and who made it. */
static void
set_context (TribunaClipPlan      *plan,
             const TribunaSession *session,
             const char           *created_by)
{
  g_autoptr(JsonObject) context = json_object_new ();

  json_object_set_int_member (context, "session_id", session->id);
  json_object_set_string_member (context, "session_title", session->title);
  json_object_set_string_member (context, "session_type",
                                 tribuna_session_type_to_code (session->type));
  json_object_set_string_member (context, "date", session->date);
  if (plan->item != NULL)
    {
      json_object_set_int_member (context, "item_id", plan->item->id);
      json_object_set_string_member (context, "item_number", plan->item->number);
      json_object_set_string_member (context, "item_title", plan->item->title);
    }
  if (created_by != NULL)
    json_object_set_string_member (context, "created_by", created_by);

  tribuna_clip_request_set_context (plan->request, context);
}

TribunaClipPlan *
tribuna_clip_plan_new (TribunaArchive  *archive,
                       gint64           session_id,
                       const char      *item_number,
                       gint64           in_ns,
                       gint64           out_ns,
                       const char      *output,
                       const char      *created_by,
                       GError         **error)
{
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(TribunaClipPlan) plan = g_new0 (TribunaClipPlan, 1);

  g_return_val_if_fail (TRIBUNA_IS_ARCHIVE (archive), NULL);

  timeline = tribuna_timeline_new_for_session (archive, session_id, error);
  if (timeline == NULL)
    return NULL;

  if (item_number != NULL)
    {
      const TribunaItemRange *range = find_item_range (timeline, item_number);
      const TribunaTimeRange *first;

      if (range == NULL)
        {
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_RANGE,
                       "session %" G_GINT64_FORMAT " has no agenda item numbered “%s”",
                       session_id, item_number);
          return NULL;
        }
      if (range->start_ns < 0)
        {
          g_set_error (error, TRIBUNA_CLIP_ERROR, TRIBUNA_CLIP_ERROR_RANGE,
                       "agenda item %s was never started in the recording; export a range "
                       "instead", item_number);
          return NULL;
        }

      /* An item the meeting came back to has several stretches: its first one. */
      first = &g_array_index (range->ranges, TribunaTimeRange, 0);
      in_ns = first->start_ns;
      out_ns = first->end_ns;
      plan->item = tribuna_agenda_item_copy (range->item);
      if (range->ranges->len > 1)
        plan->note = g_strdup_printf ("item %s was taken up %u times; this is the first, "
                                      "export a range for the others", item_number,
                                      range->ranges->len);
    }

  plan->request = tribuna_clip_request_new ();
  describe_recording (archive, timeline, plan->request);
  tribuna_clip_request_set_range (plan->request, in_ns, out_ns);
  set_output (plan, archive, tribuna_timeline_get_session (timeline), in_ns, output);
  set_context (plan, tribuna_timeline_get_session (timeline), created_by);

  return g_steal_pointer (&plan);
}

void
tribuna_clip_plan_free (TribunaClipPlan *plan)
{
  if (plan == NULL)
    return;

  g_clear_pointer (&plan->request, tribuna_clip_request_unref);
  g_clear_pointer (&plan->item, tribuna_agenda_item_free);
  g_free (plan->note);
  g_free (plan);
}

gboolean
tribuna_clip_plan_record (TribunaClipPlan    *plan,
                          TribunaArchive     *archive,
                          gint64              session_id,
                          TribunaClipResult  *result,
                          TribunaClipMode     mode,
                          TribunaClipPreset   preset,
                          const char         *created_by,
                          GError            **error)
{
  TribunaClip row = { 0 };

  row.session_id = session_id;
  row.item_id = plan->item ? plan->item->id : 0;
  row.path = (char *) tribuna_clip_result_get_media_path (result);
  row.requested_start_ns = tribuna_clip_result_get_requested (result).start;
  row.requested_end_ns = tribuna_clip_result_get_requested (result).end;
  row.actual_start_ns = tribuna_clip_result_get_actual (result).start;
  row.actual_end_ns = tribuna_clip_result_get_actual (result).end;
  row.mode = (char *) tribuna_clip_mode_to_string (mode);
  row.preset = (char *) tribuna_clip_preset_to_string (preset);
  row.created_by = (char *) created_by;

  return tribuna_archive_add_clip (archive, &row, error) > 0;
}
