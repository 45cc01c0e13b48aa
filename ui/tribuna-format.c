/* tribuna-format.c: the words and numbers the console shows, in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-format"

#include "config.h"

#include <glib/gi18n.h>

#include "tribuna-format.h"

char *
tribuna_format_elapsed (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  if (seconds < 3600)
    return g_strdup_printf ("%02d:%02d", (int) (seconds / 60), (int) (seconds % 60));

  return g_strdup_printf ("%d:%02d:%02d", (int) (seconds / 3600), (int) (seconds / 60 % 60),
                          (int) (seconds % 60));
}

gboolean
tribuna_format_parse_elapsed (const char *text,
                              gint64     *out_ns)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);
  guint n = g_strv_length (parts);
  double total = 0;

  if (n == 0 || n > 3)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      double value;

      g_strstrip (parts[i]);
      /* Only the seconds may have a fraction; minutes and seconds below 60 after a colon. */
      value = g_ascii_strtod (parts[i], &end);
      if (*parts[i] == '\0' || *end != '\0' || value < 0 || (i < n - 1 && value != (gint64) value)
          || (i > 0 && value >= 60))
        return FALSE;
      total = total * 60 + value;
    }

  *out_ns = (gint64) (total * G_TIME_SPAN_SECOND * 1000);
  return TRUE;
}

char *
tribuna_format_time_of_day (gint64 wall_us)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (wall_us == 0)
    return g_strdup ("");

  utc = g_date_time_new_from_unix_utc (wall_us / G_USEC_PER_SEC);
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%H:%M:%S");
}

const char *
tribuna_format_session_type (TribunaSessionType type)
{
  switch (type)
    {
    case TRIBUNA_SESSION_TYPE_ASSEMBLY:
      return _("Municipal Assembly session");
    case TRIBUNA_SESSION_TYPE_KPF:
      return _("Policy and Finance Committee");
    case TRIBUNA_SESSION_TYPE_COMMUNITIES:
      return _("Communities Committee");
    case TRIBUNA_SESSION_TYPE_KKSB:
      return _("Community Safety Council");
    case TRIBUNA_SESSION_TYPE_BUDGET_HEARING:
      return _("Budget hearing");
    case TRIBUNA_SESSION_TYPE_PUBLIC_DEBATE:
      return _("Public debate");
    case TRIBUNA_SESSION_TYPE_PRESS:
      return _("Press conference");
    case TRIBUNA_SESSION_TYPE_OTHER:
    default:
      return _("Other");
    }
}

const char *
tribuna_format_session_state (TribunaSessionState state)
{
  switch (state)
    {
    case TRIBUNA_SESSION_PLANNED:
      return _("planned");
    case TRIBUNA_SESSION_LIVE:
      return _("live");
    case TRIBUNA_SESSION_ENDED:
      return _("ended");
    case TRIBUNA_SESSION_INTERRUPTED:
      return _("interrupted (continue it to record more)");
    default:
      return "";
    }
}

/* "Connecting" and "Reconnecting" never say "air": only LIVE may look like being on air. */
const char *
tribuna_format_destination_state (TribunaDestinationState state)
{
  switch (state)
    {
    case TRIBUNA_DESTINATION_IDLE:
      return _("Ready");
    case TRIBUNA_DESTINATION_CONNECTING:
      return _("Connecting…");
    case TRIBUNA_DESTINATION_LIVE:
      return _("ON AIR");
    case TRIBUNA_DESTINATION_RECONNECTING:
      return _("Connection lost — retrying…");
    case TRIBUNA_DESTINATION_STOPPED:
      return _("Stopped");
    case TRIBUNA_DESTINATION_FAILED:
      return _("Failed");
    case TRIBUNA_DESTINATION_REJECTED:
      return _("Refused by the server");
    default:
      return "";
    }
}

double
tribuna_format_recording_hours (guint64 free_bytes,
                                guint   kbps)
{
  if (kbps == 0)
    return -1;

  return (double) free_bytes * 8.0 / (kbps * 1000.0) / 3600.0;
}
