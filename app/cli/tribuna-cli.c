/* tribuna-cli.c: offline work on the archive, also while tribunad records into it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One binary with subcommands. Output is UTF-8 whatever the locale (titles are Albanian),
 * data on stdout, diagnostics on stderr; lists are one line per row, tab-separated, the id
 * first, so scripts can cut them.
 */
#define G_LOG_DOMAIN "tribuna-cli"

#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <gst/gst.h>
#include <signal.h>

#include "tribuna-agenda.h"
#include "tribuna-archive-check.h"
#include "tribuna-archive.h"
#include "tribuna-clip-plan.h"
#include "tribuna-timeline.h"

/* Exit statuses scripts can rely on (as tribunad's). */
enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,   /* the work failed, or `archive check` found damage */
  EXIT_USAGE = 2,    /* bad command line: the message says what to fix */
};

typedef struct {
  const char *data_dir;
  const char *command;    /* "agenda import", for messages */
} Cli;

typedef int (*CommandFunc) (Cli *cli, int argc, char **argv);

typedef struct {
  const char  *name;
  const char  *subcommand;   /* NULL for one-word commands */
  CommandFunc  run;
  const char  *parameters;   /* for the usage line */
  const char  *summary;
  gboolean     creates;      /* may create the data folder and the database */
} Command;

/* Output ******************************************************************************/

/* g_print() would convert to the locale's charset and mangle ë in a C locale. */
static void
out (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
out (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stdout, format, args);
  va_end (args);
}

static void
err (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
err (const char *format,
     ...)
{
  va_list args;

  fputs ("tribuna-cli: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
}

static int
usage_error (Cli        *cli,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static int
usage_error (Cli        *cli,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  err ("%s", message);
  fprintf (stderr, "See “tribuna-cli %s--help”.\n", cli->command ? cli->command : "");
  return EXIT_USAGE;
}

static int
failed (GError *error)
{
  err ("%s", error->message);
  return EXIT_FAILED;
}

/* Helpers *****************************************************************************/

static char *
format_clock (gint64 ns)
{
  gint64 s = MAX (ns, 0) / G_GINT64_CONSTANT (1000000000);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                          (int) (s % 60));
}

static gboolean
parse_session_id (Cli         *cli,
                  const char  *text,
                  gint64      *id,
                  int         *status)
{
  gint64 value;

  if (text == NULL)
    {
      *status = usage_error (cli, "which session? Give its id, as `tribuna-cli sessions` lists "
                             "them");
      return FALSE;
    }
  if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      *status = usage_error (cli, "“%s” is not a session id: give the number `tribuna-cli "
                             "sessions` lists first", text);
      return FALSE;
    }

  *id = value;
  return TRUE;
}

static GOptionContext *
command_context (Cli           *cli,
                 const Command *command,
                 GOptionEntry  *entries)
{
  GOptionContext *context = g_option_context_new (command->parameters);

  g_option_context_set_summary (context, command->summary);
  g_option_context_set_description (context,
    "Exit status: 0 done, 1 failed (or damage found), 2 bad command line.\n");
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  return context;
}

/* Parses the command's options; FALSE with *status set on a usage error. */
static gboolean
parse_command (Cli           *cli,
               const Command *command,
               GOptionEntry  *entries,
               int           *argc,
               char        ***argv,
               guint          n_positional,
               int           *status)
{
  g_autoptr(GOptionContext) context = command_context (cli, command, entries);
  g_autoptr(GError) error = NULL;
  gboolean help = FALSE;
  GOptionEntry help_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL },
    { NULL }
  };

  /* GOption prints its own help with g_print(), which turns “…” into "?" in a C locale. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, help_entries, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = usage_error (cli, "%s", error->message);
      return FALSE;
    }
  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      out ("%s", text);
      *status = EXIT_OK;
      return FALSE;
    }
  if ((guint) *argc - 1 > n_positional)
    {
      *status = usage_error (cli, "unexpected “%s”; the command takes %s", (*argv)[n_positional + 1],
                             command->parameters[0] ? command->parameters : "no arguments");
      return FALSE;
    }

  return TRUE;
}

static TribunaArchive *
open_archive (Cli            *cli,
              const Command  *command,
              GError        **error)
{
  g_autofree char *path = g_build_filename (cli->data_dir, TRIBUNA_ARCHIVE_FILE_NAME, NULL);

  /* A mistyped --data-dir must not quietly start an empty archive. */
  if (!command->creates && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_NOT_FOUND,
                   "there is no archive in %s (no %s); check --data-dir", cli->data_dir,
                   TRIBUNA_ARCHIVE_FILE_NAME);
      return NULL;
    }

  return tribuna_archive_open (cli->data_dir, error);
}

/* sessions ****************************************************************************/

static void
print_session_line (const TribunaSession *session)
{
  out ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\n", session->id, session->date,
       tribuna_session_type_to_code (session->type),
       tribuna_session_state_to_code (session->state), session->title);
}

/* The archive checks dates too, but a bad one is a usage error, found before the archive
 * is opened. */
static gboolean
parse_date (Cli         *cli,
            const char  *option,
            const char  *text,
            int         *status)
{
  guint64 year, month, day;
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return TRUE;

  parts = g_strsplit (text, "-", -1);
  if (strlen (text) == 10 && g_strv_length (parts) == 3
      && g_ascii_string_to_unsigned (parts[0], 10, 1, 9999, &year, NULL)
      && g_ascii_string_to_unsigned (parts[1], 10, 1, 12, &month, NULL)
      && g_ascii_string_to_unsigned (parts[2], 10, 1, 31, &day, NULL)
      && g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return TRUE;

  *status = usage_error (cli, "%s: “%s” is not a date; write it as YYYY-MM-DD, e.g. 2024-03-28",
                         option, text);
  return FALSE;
}

static gboolean
parse_type (Cli                *cli,
            const char         *code,
            TribunaSessionType *type,
            int                *status)
{
  g_autofree char *codes = NULL;

  if (tribuna_session_type_from_code (code, type))
    return TRUE;

  codes = tribuna_session_type_list_codes ();
  *status = usage_error (cli, "“%s” is not a session type; use one of: %s", code, codes);
  return FALSE;
}

static const Command *current_command;

static int
run_sessions (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autofree char *type = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "type", 't', 0, G_OPTION_ARG_STRING, &type, "Only sessions of TYPE (assembly, kpf, …)",
      "TYPE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "Only sessions on or after DATE (YYYY-MM-DD)",
      "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Only sessions on or before DATE (YYYY-MM-DD)",
      "DATE" },
    { NULL }
  };
  TribunaSessionFilter filter = { FALSE, 0, NULL, NULL };
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!parse_command (cli, current_command, entries, &argc, &argv, 0, &status))
    return status;
  if ((type != NULL && !parse_type (cli, type, &filter.type, &status))
      || !parse_date (cli, "--from", from, &status) || !parse_date (cli, "--to", to, &status))
    return status;
  filter.by_type = type != NULL;
  filter.from_date = from;
  filter.to_date = to;

  archive = open_archive (cli, current_command, &error);
  if (archive == NULL)
    return failed (error);

  sessions = tribuna_archive_list_sessions (archive, &filter, &error);
  if (sessions == NULL)
    {
      if (g_error_matches (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID))
        return usage_error (cli, "%s", error->message);
      return failed (error);
    }

  for (guint i = 0; i < sessions->len; i++)
    print_session_line (g_ptr_array_index (sessions, i));
  return EXIT_OK;
}

/* session create **********************************************************************/

static int
run_session_create (Cli   *cli,
                    int    argc,
                    char **argv)
{
  g_autofree char *type = NULL;
  g_autofree char *title = NULL;
  g_autofree char *date = NULL;
  g_autofree char *place = NULL;
  gboolean private = FALSE;
  GOptionEntry entries[] = {
    { "type", 't', 0, G_OPTION_ARG_STRING, &type,
      "The kind of meeting: assembly, kpf, communities, kksb, budget-hearing, public-debate, "
      "press or other", "TYPE" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Its title, as it is announced", "TITLE" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "Its date, YYYY-MM-DD (default: today)",
      "DATE" },
    { "place", 0, 0, G_OPTION_ARG_STRING, &place, "Where it is held", "PLACE" },
    { "private", 0, 0, G_OPTION_ARG_NONE, &private, "Not for the public (default: public)",
      NULL },
    { NULL }
  };
  TribunaSessionType session_type;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!parse_command (cli, current_command, entries, &argc, &argv, 0, &status))
    return status;
  if (type == NULL)
    return usage_error (cli, "--type is required (assembly, kpf, …)");
  if (title == NULL)
    return usage_error (cli, "--title is required");
  if (!parse_type (cli, type, &session_type, &status)
      || !parse_date (cli, "--date", date, &status))
    return status;

  archive = open_archive (cli, current_command, &error);
  if (archive == NULL)
    return failed (error);

  session = tribuna_archive_create_session (archive, session_type, title, date, place, !private,
                                            &error);
  if (session == NULL)
    {
      if (g_error_matches (error, TRIBUNA_ARCHIVE_ERROR, TRIBUNA_ARCHIVE_ERROR_INVALID))
        return usage_error (cli, "%s", error->message);
      return failed (error);
    }

  print_session_line (session);
  return EXIT_OK;
}

/* show ********************************************************************************/

static const TribunaItemRange *
range_of (GPtrArray *ranges,
          gint64     item_id)
{
  for (guint i = 0; i < ranges->len; i++)
    {
      TribunaItemRange *range = g_ptr_array_index (ranges, i);

      if (range->item->id == item_id)
        return range;
    }
  return NULL;
}

static int
run_show (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) markers = NULL;
  g_autoptr(GError) error = NULL;
  const TribunaSession *session;
  g_autofree char *recorded = NULL;
  GPtrArray *ranges;
  GArray *hidden;
  gint64 id;
  int status;

  if (!parse_command (cli, current_command, NULL, &argc, &argv, 1, &status)
      || !parse_session_id (cli, argv[1], &id, &status))
    return status;

  archive = open_archive (cli, current_command, &error);
  if (archive == NULL)
    return failed (error);

  timeline = tribuna_timeline_new_for_session (archive, id, &error);
  if (timeline == NULL
      || (items = tribuna_archive_list_items (archive, id, &error)) == NULL
      || (markers = tribuna_archive_list_markers (archive, id, &error)) == NULL)
    return failed (error);

  session = tribuna_timeline_get_session (timeline);
  recorded = format_clock (tribuna_timeline_get_duration (timeline));
  out ("Session %" G_GINT64_FORMAT ": %s\n", session->id, session->title);
  out ("Type:      %s (%s)\n", tribuna_session_type_to_code (session->type),
       tribuna_session_type_to_label (session->type));
  out ("Date:      %s\n", session->date);
  if (session->place != NULL)
    out ("Place:     %s\n", session->place);
  out ("State:     %s\n", tribuna_session_state_to_code (session->state));
  out ("Public:    %s\n", session->is_public ? "yes" : "no");
  if (tribuna_timeline_get_n_segments (timeline) > 0)
    out ("Recorded:  %s in %u segment(s)\n", recorded, tribuna_timeline_get_n_segments (timeline));
  else
    out ("Recorded:  nothing yet\n");
  out ("Markers:   %u\n", markers->len);

  hidden = tribuna_timeline_get_private_ranges (timeline);
  for (guint i = 0; i < hidden->len; i++)
    {
      TribunaTimeRange *range = &g_array_index (hidden, TribunaTimeRange, i);
      g_autofree char *start = format_clock (range->start_ns);
      g_autofree char *end = format_clock (range->end_ns);

      out ("Private:   %s – %s\n", start, end);
    }

  if (items->len == 0)
    {
      out ("Agenda:    none (import one with `tribuna-cli agenda import %" G_GINT64_FORMAT
           " FILE`)\n", id);
      return EXIT_OK;
    }

  out ("Agenda:\n");
  ranges = tribuna_timeline_get_item_ranges (timeline);
  for (guint i = 0; i < items->len; i++)
    {
      TribunaAgendaItem *item = g_ptr_array_index (items, i);
      const TribunaItemRange *range = range_of (ranges, item->id);
      g_autofree char *label = tribuna_agenda_item_label (item);
      g_autofree char *start = range && range->start_ns >= 0 ? format_clock (range->start_ns)
                                                             : g_strdup ("-:--:--");

      out ("  %s  %*s%s", start, (int) item->depth * 2, "", label);
      if (item->presenter != NULL)
        out ("  (%s)", item->presenter);
      out ("\n");
    }

  return EXIT_OK;
}

/* agenda import ***********************************************************************/

static int
run_agenda_import (Cli   *cli,
                   int    argc,
                   char **argv)
{
  g_autofree char *format_name = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      "text, markdown, csv or json (default: from the file name, else from its content)",
      "FORMAT" },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      "Print the items read, change nothing", NULL },
    { NULL }
  };
  TribunaAgendaFormat format = TRIBUNA_AGENDA_FORMAT_AUTO;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(TribunaSession) session = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status;

  if (!parse_command (cli, current_command, entries, &argc, &argv, 2, &status)
      || !parse_session_id (cli, argv[1], &id, &status))
    return status;
  if (argc < 3)
    return usage_error (cli, "which file? `tribuna-cli agenda import SESSION FILE`");
  if (format_name != NULL && (!tribuna_agenda_format_from_string (format_name, &format)))
    return usage_error (cli, "“%s” is not an agenda format; use text, markdown, csv or json",
                        format_name);

  agenda = tribuna_agenda_load (argv[2], format, &error);
  if (agenda == NULL)
    return failed (error);
  for (guint i = 0; i < agenda->notes->len; i++)
    err ("note: %s", (char *) g_ptr_array_index (agenda->notes, i));

  if (dry_run)
    {
      for (guint i = 0; i < agenda->items->len; i++)
        {
          TribunaAgendaItem *item = g_ptr_array_index (agenda->items, i);
          g_autofree char *label = tribuna_agenda_item_label (item);

          out ("%*s%s%s%s%s\n", (int) item->depth * 2, "", label,
               item->presenter ? " (" : "", item->presenter ? item->presenter : "",
               item->presenter ? ")" : "");
        }
      return EXIT_OK;
    }

  archive = open_archive (cli, current_command, &error);
  if (archive == NULL
      || (session = tribuna_archive_get_session (archive, id, &error)) == NULL
      || !tribuna_archive_set_agenda (archive, id, agenda->items, &error))
    return failed (error);

  out ("Imported %u item(s) into session %" G_GINT64_FORMAT " (%s, %s)\n", agenda->items->len, id,
       tribuna_agenda_format_to_string (agenda->format), agenda->encoding);
  return EXIT_OK;
}

/* chapters ****************************************************************************/

static int
run_chapters (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *opening = NULL;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      "youtube (a video description's chapter lines; the default), webvtt or json", "FORMAT" },
    { "opening", 0, 0, G_OPTION_ARG_STRING, &opening,
      "Title of the time before the first item (default: “Hapja e seancës”, … by type)",
      "TITLE" },
    { NULL }
  };
  TribunaChapterFormat format = TRIBUNA_CHAPTER_FORMAT_YOUTUBE;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(TribunaTimeline) timeline = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 id;
  int status;

  if (!parse_command (cli, current_command, entries, &argc, &argv, 1, &status)
      || !parse_session_id (cli, argv[1], &id, &status))
    return status;

  if (format_name == NULL || g_ascii_strcasecmp (format_name, "youtube") == 0)
    format = TRIBUNA_CHAPTER_FORMAT_YOUTUBE;
  else if (g_ascii_strcasecmp (format_name, "webvtt") == 0
           || g_ascii_strcasecmp (format_name, "vtt") == 0)
    format = TRIBUNA_CHAPTER_FORMAT_WEBVTT;
  else if (g_ascii_strcasecmp (format_name, "json") == 0)
    format = TRIBUNA_CHAPTER_FORMAT_JSON;
  else
    return usage_error (cli, "“%s” is not a chapter format; use youtube, webvtt or json",
                        format_name);

  archive = open_archive (cli, current_command, &error);
  if (archive == NULL
      || (timeline = tribuna_timeline_new_for_session (archive, id, &error)) == NULL
      || (text = tribuna_timeline_format_chapters (timeline, format, opening, warnings,
                                                   &error)) == NULL)
    return failed (error);

  /* JSON carries its warnings inside; elsewhere they would corrupt the output. */
  for (guint i = 0; i < warnings->len; i++)
    err ("warning: %s", (char *) g_ptr_array_index (warnings, i));
  out ("%s", text);
  return EXIT_OK;
}

/* archive check / rebuild *************************************************************/

static int
run_archive_check (Cli   *cli,
                   int    argc,
                   char **argv)
{
  gboolean quick = FALSE;
  GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "Compare sizes only, not checksums (does not read every file)", NULL },
    { NULL }
  };
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GError) error = NULL;
  guint damage = 0;
  int status;

  if (!parse_command (cli, current_command, entries, &argc, &argv, 0, &status))
    return status;

  archive = open_archive (cli, current_command, &error);
  if (archive == NULL
      || (segments = tribuna_archive_list_segments (archive, 0, &error)) == NULL
      || (problems = tribuna_archive_check (archive, !quick, NULL, &error)) == NULL)
    return failed (error);

  for (guint i = 0; i < problems->len; i++)
    {
      TribunaArchiveProblem *problem = g_ptr_array_index (problems, i);

      out ("%s\t%s\t%s\n", tribuna_archive_problem_kind_to_string (problem->kind), problem->path,
           problem->message);
      damage += tribuna_archive_problem_is_damage (problem->kind);
    }

  if (damage > 0)
    err ("%u problem(s) in %u segment(s) and the files under %s/recordings", damage,
         segments->len, tribuna_archive_get_data_dir (archive));
  else
    fprintf (stderr, "%u segment(s) checked%s: no damage\n", segments->len,
             quick ? " (sizes only)" : "");
  return damage > 0 ? EXIT_FAILED : EXIT_OK;
}

static int
run_archive_rebuild (Cli   *cli,
                     int    argc,
                     char **argv)
{
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(GError) error = NULL;
  TribunaRebuildReport report = { 0, };
  gboolean ok;
  int status;

  if (!parse_command (cli, current_command, NULL, &argc, &argv, 0, &status))
    return status;

  archive = open_archive (cli, current_command, &error);
  if (archive == NULL)
    return failed (error);

  ok = tribuna_archive_rebuild (archive, &report, NULL, &error);
  for (guint i = 0; report.notes != NULL && i < report.notes->len; i++)
    err ("note: %s", (char *) g_ptr_array_index (report.notes, i));
  if (ok)
    out ("%u folder(s): %u segment(s) added, %u completed, %u session(s) recovered, "
         "%u folder(s) of live sessions skipped\n", report.folders, report.segments_added,
         report.segments_completed, report.sessions_recovered, report.folders_skipped);
  tribuna_rebuild_report_clear (&report);

  return ok ? EXIT_OK : failed (error);
}

/* clip ********************************************************************************/

/* HH:MM:SS[.mmm] (or MM:SS, or seconds) from the session start. */
static gboolean
parse_time (const char *text,
            gint64     *ns)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);
  guint n = g_strv_length (parts);
  double seconds = 0;

  if (n == 0 || n > 3)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      double value = g_ascii_strtod (parts[i], &end);

      if (parts[i][0] == '\0' || end == NULL || *end != '\0' || value < 0
          || (i + 1 < n && strchr (parts[i], '.') != NULL) || (i > 0 && value >= 60))
        return FALSE;
      seconds = seconds * 60 + value;
    }

  *ns = (gint64) (seconds * 1e9 + 0.5);
  return TRUE;
}

static char *
format_precise (gint64 ns)
{
  gint64 ms = MAX (ns, 0) / 1000000;

  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d:%02d.%03d", ms / 3600000,
                          (int) (ms / 60000 % 60), (int) (ms / 1000 % 60), (int) (ms % 1000));
}

typedef struct {
  GMainLoop         *loop;
  TribunaClipResult *result;
  GError            *error;
  int                last_percent;
} ClipRun;

static void
on_clip_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ClipRun *run = user_data;

  run->result = tribuna_clip_export_run_finish (TRIBUNA_CLIP_EXPORT (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_clip_progress (TribunaClipExport *export,
                  GParamSpec        *pspec,
                  ClipRun           *run)
{
  int percent = (int) (tribuna_clip_export_get_progress (export) * 100);
  double remaining = tribuna_clip_export_get_remaining_seconds (export);

  if (percent / 10 == run->last_percent / 10)
    return;

  run->last_percent = percent;
  if (remaining >= 0)
    err ("%d %% (%.0f s left)", percent, remaining);
  else
    err ("%d %%", percent);
}

static gboolean
on_clip_interrupt (gpointer user_data)
{
  /* The export removes what it had written. */
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

static void
report_clip (TribunaClipResult *result)
{
  TribunaClipRange requested = tribuna_clip_result_get_requested (result);
  TribunaClipRange actual = tribuna_clip_result_get_actual (result);
  g_autofree char *req_in = format_precise (requested.start);
  g_autofree char *req_out = format_precise (requested.end);
  g_autofree char *act_in = format_precise (actual.start);
  g_autofree char *act_out = format_precise (actual.end);
  const TribunaClipRange *cut;
  guint n_cut = 0;

  out ("%s\n", tribuna_clip_result_get_media_path (result));
  if (tribuna_clip_result_get_thumbnail_path (result) != NULL)
    out ("%s\n", tribuna_clip_result_get_thumbnail_path (result));
  out ("%s\n", tribuna_clip_result_get_sidecar_path (result));
  err ("requested %s–%s, exported %s–%s (%.3f s, %s)", req_in, req_out, act_in, act_out,
       tribuna_clip_result_get_duration (result) / 1e9,
       tribuna_clip_render_to_string (tribuna_clip_result_get_render (result)));

  cut = tribuna_clip_result_get_cut (result, &n_cut);
  for (guint i = 0; i < n_cut; i++)
    {
      g_autofree char *from = format_precise (cut[i].start);
      g_autofree char *to = format_precise (cut[i].end);

      err ("private time %s–%s was cut out of the clip", from, to);
    }
}

static int
run_clip (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autofree char *item = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *mode_name = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree char *output = NULL;
  double title_seconds = 0, fade_seconds = 0;
  GOptionEntry entries[] = {
    { "item", 'i', 0, G_OPTION_ARG_STRING, &item,
      "The agenda item to export, by its number as printed (5, 5.1, a)", "NUMBER" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "Or a range: its start, HH:MM:SS[.mmm] from the session start", "TIME" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "… and its end", "TIME" },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_name,
      "fast (no re-encode; starts at the keyframe before the in-point; the default) or exact "
      "(frame-accurate)", "MODE" },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset_name,
      "web (1280x720, the default), facebook (1920x1080 or the source size), square "
      "(1080x1080) or audio (M4A)", "PRESET" },
    { "title-card", 0, 0, G_OPTION_ARG_DOUBLE, &title_seconds,
      "Show the item's title over the first SECONDS (exact mode)", "SECONDS" },
    { "fade", 0, 0, G_OPTION_ARG_DOUBLE, &fade_seconds,
      "Fade in and out over SECONDS (exact mode)", "SECONDS" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write FILE (default: DATA_DIR/clips/DATE_TYPE_pika-N_TITLE.mp4)", "FILE" },
    { NULL }
  };
  TribunaClipMode mode = TRIBUNA_CLIP_MODE_FAST;
  TribunaClipPreset preset = TRIBUNA_CLIP_PRESET_WEB;
  g_autoptr(TribunaArchive) archive = NULL;
  g_autoptr(TribunaClipPlan) plan = NULL;
  g_autoptr(TribunaClipExport) export = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 id, in_ns = 0, out_ns = 0;
  ClipRun run = { 0, NULL, NULL, -10 };
  guint sigint;
  int status;

  if (!parse_command (cli, current_command, entries, &argc, &argv, 1, &status)
      || !parse_session_id (cli, argv[1], &id, &status))
    return status;

  /* Only this command needs GStreamer; the others stay quick to start. */
  gst_init (NULL, NULL);

  if ((item != NULL) == (from != NULL || to != NULL))
    return usage_error (cli, "say what to export: --item NUMBER, or --from TIME --to TIME");
  if (item == NULL && (from == NULL || to == NULL))
    return usage_error (cli, "a range needs both --from and --to");
  if (from != NULL && !parse_time (from, &in_ns))
    return usage_error (cli, "--from “%s” is not a time; write HH:MM:SS[.mmm]", from);
  if (to != NULL && !parse_time (to, &out_ns))
    return usage_error (cli, "--to “%s” is not a time; write HH:MM:SS[.mmm]", to);
  if (mode_name != NULL && !tribuna_clip_mode_from_string (mode_name, &mode))
    return usage_error (cli, "“%s” is not a mode; use fast or exact", mode_name);
  if (preset_name != NULL && !tribuna_clip_preset_from_string (preset_name, &preset))
    return usage_error (cli, "“%s” is not a preset; use web, facebook, square or audio",
                        preset_name);

  archive = open_archive (cli, current_command, &error);
  if (archive == NULL
      || (plan = tribuna_clip_plan_new (archive, id, item, in_ns, out_ns, output,
                                        g_get_user_name (), &error)) == NULL)
    return failed (error);
  if (plan->note != NULL)
    err ("note: %s", plan->note);

  tribuna_clip_request_set_mode (plan->request, mode);
  tribuna_clip_request_set_preset (plan->request, preset);
  if (title_seconds > 0)
    tribuna_clip_request_set_title (plan->request,
                                    plan->item ? plan->item->title : "", title_seconds);
  if (fade_seconds > 0)
    tribuna_clip_request_set_fades (plan->request, fade_seconds, fade_seconds);

  export = tribuna_clip_export_new ();
  run.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (export, "notify::progress", G_CALLBACK (on_clip_progress), &run);
  sigint = g_unix_signal_add (SIGINT, on_clip_interrupt, cancellable);
  tribuna_clip_export_run_async (export, plan->request, cancellable, on_clip_done, &run);
  g_main_loop_run (run.loop);
  g_source_remove (sigint);
  g_main_loop_unref (run.loop);

  if (run.result == NULL)
    {
      status = failed (run.error);
      g_clear_error (&run.error);
      return status;
    }

  report_clip (run.result);

  /* The office counts its videos: every clip is in the index. */
  if (!tribuna_clip_plan_record (plan, archive, id, run.result, mode, preset, g_get_user_name (),
                                 &error))
    err ("the clip is written but not in the index: %s", error->message);

  tribuna_clip_result_unref (run.result);
  return EXIT_OK;
}

/* Main ********************************************************************************/

static const Command commands[] = {
  { "sessions", NULL, run_sessions, "",
    "List sessions, one a line: id, date, type, state, title (tab-separated).", FALSE },
  { "session", "create", run_session_create, "",
    "Create a planned session, so its agenda can be prepared before the meeting.", TRUE },
  { "show", NULL, run_show, "SESSION",
    "Show a session and its agenda items with the time each started in the recording.",
    FALSE },
  { "agenda", "import", run_agenda_import, "SESSION FILE",
    "Replace the agenda of SESSION by the items of FILE (plain text, Markdown, CSV or JSON).",
    FALSE },
  { "chapters", NULL, run_chapters, "SESSION",
    "Print the chapters of a session's recording: YouTube description lines, WebVTT or JSON.",
    FALSE },
  { "clip", NULL, run_clip, "SESSION",
    "Export an agenda item or a time range as a clip for a news post: MP4 (or M4A), a "
    "thumbnail and a JSON sidecar. Private time is never exported.", FALSE },
  { "archive", "check", run_archive_check, "",
    "Check every recording segment against the index: exists, size, checksum; list files the "
    "index lacks. Exit status 1 when anything is damaged.", FALSE },
  { "archive", "rebuild", run_archive_rebuild, "",
    "Rebuild the index of recording segments from the files and their segments.jsonl.", TRUE },
};

static void
print_help (void)
{
  out ("Usage: tribuna-cli [--data-dir DIR] COMMAND [OPTION…]\n\n"
       "Offline work on Tribuna's archive; safe while tribunad records into it.\n\n"
       "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = g_strjoin (" ", commands[i].name, commands[i].subcommand,
                                         commands[i].parameters, NULL);

      out ("  %-28s %s\n", g_strstrip (name), commands[i].summary);
    }
  out ("\nOptions:\n"
       "  -d, --data-dir DIR           The data folder (default: $XDG_DATA_HOME/tribuna)\n"
       "  -V, --version                Print the version and exit\n"
       "  -h, --help                   This help; COMMAND --help for a command's options\n\n"
       "Exit status: 0 done, 1 failed (or damage found), 2 bad command line.\n");
}

static const Command *
find_command (const char *name,
              const char *subcommand,
              gboolean   *known_name)
{
  *known_name = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_strcmp0 (commands[i].name, name) != 0)
        continue;
      *known_name = TRUE;
      if (commands[i].subcommand == NULL || g_strcmp0 (commands[i].subcommand, subcommand) == 0)
        return &commands[i];
    }
  return NULL;
}

static char *
subcommands_of (const char *name)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0 && commands[i].subcommand != NULL)
      g_string_append_printf (list, "%s%s", list->len ? ", " : "", commands[i].subcommand);
  return g_string_free (list, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *command_name = NULL;
  g_autofree char *prgname = NULL;
  const Command *command;
  Cli cli = { NULL, NULL };
  gboolean known_name;
  int first = 1;

  setlocale (LC_ALL, "");

  /* Global options come before the command; the command parses the rest. */
  while (first < argc && argv[first][0] == '-')
    {
      const char *arg = argv[first];

      if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0)
        {
          print_help ();
          return EXIT_OK;
        }
      if (strcmp (arg, "--version") == 0 || strcmp (arg, "-V") == 0)
        {
          out ("tribuna-cli %s\n", PACKAGE_VERSION);
          return EXIT_OK;
        }
      if (strcmp (arg, "--data-dir") == 0 || strcmp (arg, "-d") == 0)
        {
          if (first + 1 >= argc)
            return usage_error (&cli, "%s needs a folder", arg);
          g_free (data_dir);
          data_dir = g_strdup (argv[first + 1]);
          first += 2;
          continue;
        }
      if (g_str_has_prefix (arg, "--data-dir="))
        {
          g_free (data_dir);
          data_dir = g_strdup (arg + strlen ("--data-dir="));
          first++;
          continue;
        }
      return usage_error (&cli, "unknown option “%s” (options of a command come after it)", arg);
    }

  if (first >= argc)
    return usage_error (&cli, "which command? sessions, session create, show, agenda import, "
                        "chapters, archive check or archive rebuild");

  command = find_command (argv[first], first + 1 < argc ? argv[first + 1] : NULL, &known_name);
  if (command == NULL && !known_name)
    return usage_error (&cli, "“%s” is not a command; commands: sessions, session create, show, "
                        "agenda import, chapters, archive check, archive rebuild", argv[first]);
  if (command == NULL)
    {
      g_autofree char *subcommands = subcommands_of (argv[first]);

      return usage_error (&cli, "“%s %s” is not a command; after “%s” comes one of: %s",
                          argv[first], first + 1 < argc ? argv[first + 1] : "…", argv[first],
                          subcommands);
    }

  command_name = g_strjoin (" ", command->name, command->subcommand, NULL);
  prgname = g_strdup_printf ("tribuna-cli %s", command_name);
  g_set_prgname (prgname);

  if (data_dir == NULL || data_dir[0] == '\0')
    {
      g_free (data_dir);
      data_dir = g_build_filename (g_get_user_data_dir (), "tribuna", NULL);
    }
  cli.data_dir = data_dir;
  {
    g_autofree char *with_space = g_strconcat (command_name, " ", NULL);

    cli.command = with_space;
    current_command = command;
    /* The command sees itself as argv[0], its arguments after. */
    first += command->subcommand != NULL ? 1 : 0;
    return command->run (&cli, argc - first, argv + first);
  }
}
