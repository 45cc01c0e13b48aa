/* tribunad.c: the engine and its outputs with no GUI, for a screenless appliance and for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribunad"

#include "config.h"

#include <glib-unix.h>
#include <gst/gst.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tribuna-agenda.h"
#include "tribuna-engine.h"
#include "tribuna-http-server.h"
#include "tribuna-status-log.h"
#include "tribuna-audio-devices.h"
#include "tribuna-video-devices.h"

/* Exit statuses scripts can rely on. */
enum {
  EXIT_CLEAN = 0,
  EXIT_RUNTIME = 1,   /* the program or the recording could not run */
  EXIT_USAGE = 2,     /* bad flags or config: the message says what to fix */
};

typedef struct {
  /* Options */
  char           *config_path;
  char           *data_dir;
  gboolean        record;
  gboolean        on_air;
  char          **streams;
  guint           for_seconds;
  char           *session_type;
  char           *title;
  char           *place;
  char           *agenda;
  gint64          session_id;
  gboolean        list_devices;
  gboolean        version;
  char           *http;
  char           *create_admin;
  char           *create_token;

  /* Running */
  GMainLoop      *loop;
  TribunaEngine  *engine;
  TribunaHttpServer *http_server;
  gboolean        shutting_down;
  int             exit_status;
} Daemon;

static Daemon daemon_state;

static gboolean
parse_for (const char  *option_name,
           const char  *value,
           gpointer     data,
           GError     **error)
{
  guint64 seconds;

  if (!g_ascii_string_to_unsigned (value, 10, 1, 7 * 24 * 3600, &seconds, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--for takes a whole number of seconds from 1 to 604800, not “%s”", value);
      return FALSE;
    }

  daemon_state.for_seconds = (guint) seconds;
  return TRUE;
}

static const GOptionEntry entries[] = {
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, &daemon_state.config_path,
    "Read settings from FILE (tribuna.conf); without it the embedded defaults apply: "
    "a test pattern and tone at 1280x720, 30 fps", "FILE" },
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &daemon_state.data_dir,
    "Keep recordings under DIR (default: [paths] data-dir of the config, else "
    "$XDG_DATA_HOME/tribuna)", "DIR" },
  { "record", 'r', 0, G_OPTION_ARG_NONE, &daemon_state.record,
    "Start recording at launch, before any stream", NULL },
  { "on-air", 'a', 0, G_OPTION_ARG_NONE, &daemon_state.on_air,
    "Put every enabled destination of the config on air at launch", NULL },
  { "stream", 's', 0, G_OPTION_ARG_STRING_ARRAY, &daemon_state.streams,
    "Add a destination and put it on air; the stream key is the URL's last segment, "
    "e.g. rtmps://live-api-s.facebook.com:443/rtmp/KEY (repeatable)", "URL" },
  { "for", 0, 0, G_OPTION_ARG_CALLBACK, parse_for,
    "Stop cleanly after SECONDS (default: run until SIGINT or SIGTERM)", "SECONDS" },
  { "session-type", 't', 0, G_OPTION_ARG_STRING, &daemon_state.session_type,
    "Start a new session of this type on launch (assembly, kpf, communities, kksb, "
    "budget-hearing, public-debate, press, other): recording first, then the enabled "
    "destinations; needs --title", "TYPE" },
  { "title", 0, 0, G_OPTION_ARG_STRING, &daemon_state.title,
    "The new session's title", "TEXT" },
  { "place", 0, 0, G_OPTION_ARG_STRING, &daemon_state.place,
    "Where the new session is held", "TEXT" },
  { "agenda", 0, 0, G_OPTION_ARG_FILENAME, &daemon_state.agenda,
    "Import the session's agenda from FILE (text, Markdown, CSV or JSON)", "FILE" },
  { "session", 0, 0, G_OPTION_ARG_INT64, &daemon_state.session_id,
    "Start the planned or interrupted session ID on launch (an interrupted one "
    "continues with new segments)", "ID" },
  { "http", 0, 0, G_OPTION_ARG_STRING, &daemon_state.http,
    "Serve the API on ADDRESS:PORT, e.g. 127.0.0.1:8080 or [::1]:8080 (default: [http] of "
    "the config, else 127.0.0.1:8080); “off” for no server", "ADDRESS:PORT" },
  { "create-admin", 0, 0, G_OPTION_ARG_STRING, &daemon_state.create_admin,
    "Create the administrator account USER, with the password read from standard input "
    "(asked twice on a terminal), and exit", "USER" },
  { "create-token", 0, 0, G_OPTION_ARG_STRING, &daemon_state.create_token,
    "Create an API token for the account USER, print it (it is shown only once), and exit",
    "USER" },
  { "list-devices", 0, 0, G_OPTION_ARG_NONE, &daemon_state.list_devices,
    "List the cameras and microphones this machine has, with the [source] uri= of each, and exit", NULL },
  { "version", 'V', 0, G_OPTION_ARG_NONE, &daemon_state.version,
    "Print the version and exit", NULL },
  { NULL }
};

static int
usage_error (const char *message)
{
  g_printerr ("tribunad: %s\n", message);
  return EXIT_USAGE;
}

static gboolean
parse_options (int      *argc,
               char   ***argv,
               GError  **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— record and stream a hall");

  g_option_context_set_summary (context,
    "Runs Tribuna's engine without a screen: one program (camera and sound), encoded\n"
    "once, recorded locally in crash-safe MPEG-TS segments and streamed to RTMP/RTMPS\n"
    "destinations that reconnect by themselves. Status changes are printed one line each.");
  g_option_context_set_description (context,
    "Signals: SIGINT and SIGTERM stop cleanly (recording finalised, exit status 0).\n"
    "Exit status: 0 clean stop, 1 the program or recording could not run,\n"
    "2 bad options or config. Stream keys are never printed.\n"
    "Recordings: DATA_DIR/recordings/YYYY/MM/DD/<start time>/*.ts\n");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());

  return g_option_context_parse (context, argc, argv, error);
}

static char *
choose_data_dir (TribunaConfig *config)
{
  if (daemon_state.data_dir != NULL)
    return g_canonicalize_filename (daemon_state.data_dir, NULL);
  if (tribuna_config_get_data_dir (config) != NULL)
    return g_strdup (tribuna_config_get_data_dir (config));

  return g_build_filename (g_get_user_data_dir (), "tribuna", NULL);
}

/* One line per device: its name, a tab, the uri= that opens it in a [source]. */
static int
list_devices (void)
{
  g_autoptr(GPtrArray) cameras = tribuna_video_devices_list ();
  g_autoptr(GPtrArray) microphones = tribuna_audio_devices_list ();

  if (cameras->len == 0)
    g_print ("No camera found; Tribuna shows a test pattern instead.\n");

  for (guint i = 0; i < cameras->len; i++)
    {
      TribunaVideoDevice *device = g_ptr_array_index (cameras, i);

      g_print ("%s\t%s%s\n", device->display_name,
               device->device_path ? "v4l2://" : "",
               device->device_path ? device->device_path : "(no device node)");
    }

  if (microphones->len == 0)
    g_print ("No microphone found; each camera or test pattern brings its own sound.\n");

  for (guint i = 0; i < microphones->len; i++)
    {
      TribunaAudioDevice *device = g_ptr_array_index (microphones, i);

      g_print ("%s\t%s\n", device->display_name, device->uri);
    }

  return EXIT_CLEAN;
}

/* Stopping */

static void
on_shutdown_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_shutdown_finish (TRIBUNA_ENGINE (object), result, &error))
    {
      tribuna_status_log_print (TRUE, "tribunad: did not stop cleanly: %s", error->message);
      daemon_state.exit_status = EXIT_RUNTIME;
    }

  tribuna_status_log_print (FALSE, "tribunad: stopped");
  g_main_loop_quit (daemon_state.loop);
}

static void
begin_shutdown (const char *reason)
{
  if (daemon_state.shutting_down)
    return;

  daemon_state.shutting_down = TRUE;
  tribuna_status_log_print (FALSE, "tribunad: stopping (%s)", reason);
  tribuna_engine_shutdown_async (daemon_state.engine, NULL, on_shutdown_done, NULL);
}

static gboolean
on_signal (gpointer user_data)
{
  if (daemon_state.shutting_down)
    {
      /* A second signal: the operator insists. MPEG-TS segments stay playable. */
      tribuna_status_log_print (TRUE, "tribunad: stopping at once");
      exit (EXIT_RUNTIME);
    }

  begin_shutdown (GPOINTER_TO_INT (user_data) == SIGINT ? "SIGINT" : "SIGTERM");
  return G_SOURCE_CONTINUE;
}

static gboolean
on_time_up (gpointer user_data)
{
  begin_shutdown ("--for elapsed");
  return G_SOURCE_REMOVE;
}

static void
on_program_state (TribunaEngine *engine,
                  GParamSpec    *pspec,
                  gpointer       user_data)
{
  if (tribuna_engine_get_program_state (engine) == TRIBUNA_PROGRAM_FAILED)
    {
      daemon_state.exit_status = EXIT_RUNTIME;
      begin_shutdown ("the program failed");
    }
}

/* Starting */

static gboolean
wants_session (void)
{
  return daemon_state.session_type != NULL || daemon_state.session_id > 0;
}

/* Flags that only make sense together are checked before anything starts. */
static gboolean
check_session_options (GError **error)
{
  TribunaSessionType type;

  if (daemon_state.session_type != NULL && daemon_state.session_id > 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--session-type starts a new session and --session an existing one; "
                   "give only one of them");
      return FALSE;
    }
  if (daemon_state.session_type != NULL
      && !tribuna_session_type_from_code (daemon_state.session_type, &type))
    {
      g_autofree char *codes = tribuna_session_type_list_codes ();

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--session-type “%s” is not a session type; allowed: %s",
                   daemon_state.session_type, codes);
      return FALSE;
    }
  if (daemon_state.session_type != NULL && daemon_state.title == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "a new session needs a title: add --title \"…\"");
      return FALSE;
    }
  if (daemon_state.session_type == NULL
      && (daemon_state.title != NULL || daemon_state.place != NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--title and --place describe a new session: add --session-type TYPE");
      return FALSE;
    }
  if (daemon_state.agenda != NULL && !wants_session ())
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--agenda belongs to a session: add --session-type TYPE --title \"…\" "
                   "or --session ID");
      return FALSE;
    }

  return TRUE;
}

static gboolean
start_session (GError **error)
{
  TribunaEngine *engine = daemon_state.engine;
  gint64 id = daemon_state.session_id;

  if (daemon_state.session_type != NULL)
    {
      g_autoptr(TribunaSession) session = NULL;
      TribunaSessionType type;

      tribuna_session_type_from_code (daemon_state.session_type, &type);
      session = tribuna_engine_create_session (engine, type, daemon_state.title, NULL,
                                               daemon_state.place, TRUE, error);
      if (session == NULL)
        return FALSE;
      id = session->id;
    }

  if (!tribuna_engine_open_session (engine, id, error))
    return FALSE;
  if (daemon_state.agenda != NULL && !tribuna_engine_import_agenda (engine, daemon_state.agenda,
                                                                    error))
    return FALSE;
  if (!tribuna_engine_start_session (engine, error))
    return FALSE;

  tribuna_status_log_print (FALSE, "session: %" G_GINT64_FORMAT " live, %u agenda item(s)", id,
                            tribuna_engine_get_agenda (engine)->len);
  return TRUE;
}

static gboolean
start_outputs (GPtrArray  *stream_names,
               GError    **error)
{
  if (wants_session ())
    {
      if (!start_session (error))
        return FALSE;
    }
  else if (daemon_state.record && !tribuna_engine_start_recording (daemon_state.engine, error))
    return FALSE;

  if (daemon_state.on_air)
    return tribuna_engine_go_on_air (daemon_state.engine, error);

  for (guint i = 0; i < stream_names->len; i++)
    if (!tribuna_engine_start_destination (daemon_state.engine,
                                           g_ptr_array_index (stream_names, i), error))
      return FALSE;

  return TRUE;
}

/* --stream URL: added to the config so the engine treats it like any other. */
static gboolean
add_streams (TribunaConfig  *config,
             GPtrArray      *stream_names,
             GError        **error)
{
  GPtrArray *destinations = tribuna_config_get_destinations (config);

  for (guint i = 0; daemon_state.streams && daemon_state.streams[i]; i++)
    {
      TribunaDestinationConfig *added;

      if (!tribuna_config_add_destination_url (config, daemon_state.streams[i], error))
        return FALSE;
      added = g_ptr_array_index (destinations, destinations->len - 1);
      g_ptr_array_add (stream_names, g_strdup (added->name));
    }

  return TRUE;
}

/* Accounts, for the API: no default password exists, so the first admin is made here. */

static char *
read_password_line (const char *prompt,
                    gboolean    tty)
{
  char buffer[TRIBUNA_ACCOUNTS_MAX_PASSWORD_BYTES + 2];
  struct termios saved, quiet;
  char *line;
  gsize length;

  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (line == NULL)
    return NULL;

  length = strlen (buffer);
  while (length > 0 && (buffer[length - 1] == '\n' || buffer[length - 1] == '\r'))
    buffer[--length] = '\0';
  line = g_strdup (buffer);
  memset (buffer, 0, sizeof buffer);
  return line;
}

static int
create_admin (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAccounts) accounts = NULL;
  g_autoptr(TribunaAccount) account = NULL;
  g_autofree char *password = NULL;
  g_autofree char *again = NULL;
  g_autofree char *hash = NULL;
  gboolean tty = isatty (STDIN_FILENO);

  if (!tribuna_accounts_check_name (daemon_state.create_admin, &error))
    return usage_error (error->message);

  password = read_password_line ("Password: ", tty);
  if (tty && password != NULL)
    again = read_password_line ("The same password again: ", tty);
  if (password == NULL)
    return usage_error ("--create-admin reads the password from standard input; none came");
  if (tty && g_strcmp0 (password, again) != 0)
    return usage_error ("the two passwords differ; nothing was created");
  if (!tribuna_accounts_check_password (password, &error))
    return usage_error (error->message);

  accounts = tribuna_accounts_open (data_dir, &error);
  if (accounts == NULL)
    {
      g_printerr ("tribunad: %s\n", error->message);
      return EXIT_RUNTIME;
    }
  hash = tribuna_accounts_hash_password (password, &error);
  memset (password, 0, strlen (password));
  if (hash != NULL)
    account = tribuna_accounts_create (accounts, daemon_state.create_admin, TRIBUNA_ROLE_ADMIN,
                                       hash, &error);
  if (account == NULL)
    {
      g_printerr ("tribunad: %s\n", error->message);
      return g_error_matches (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_EXISTS)
             ? EXIT_USAGE : EXIT_RUNTIME;
    }

  g_print ("administrator “%s” created in %s\n", account->name,
           tribuna_accounts_get_path (accounts));
  return EXIT_CLEAN;
}

static int
create_token (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAccounts) accounts = tribuna_accounts_open (data_dir, &error);
  g_autofree char *token = NULL;

  if (accounts != NULL)
    token = tribuna_accounts_create_token (accounts, daemon_state.create_token,
                                           "tribunad --create-token", NULL, &error);
  if (token == NULL)
    {
      g_printerr ("tribunad: %s\n", error->message);
      return g_error_matches (error, TRIBUNA_ACCOUNTS_ERROR, TRIBUNA_ACCOUNTS_ERROR_NOT_FOUND)
             ? EXIT_USAGE : EXIT_RUNTIME;
    }

  /* Alone on stdout, for scripts: TOKEN=$(tribunad --create-token NAME). */
  g_print ("%s\n", token);
  return EXIT_CLEAN;
}

/* The API beside the engine. A server that cannot start is reported and the appliance
 * goes on recording and streaming without it. */
static void
start_http (TribunaConfig *config,
            const char    *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAccounts) accounts = NULL;
  g_autofree char *address = g_strdup (tribuna_config_get_http_address (config));
  g_autofree char *url = NULL;
  guint port = tribuna_config_get_http_port (config);

  if (g_strcmp0 (daemon_state.http, "off") == 0)
    return;
  if (daemon_state.http != NULL)
    {
      g_clear_pointer (&address, g_free);
      tribuna_http_parse_address (daemon_state.http, &address, &port, NULL);
    }

  accounts = tribuna_accounts_open (data_dir, &error);
  if (accounts == NULL)
    {
      tribuna_status_log_print (TRUE, "http: the API is off: %s", error->message);
      return;
    }

  daemon_state.http_server = tribuna_http_server_new (daemon_state.engine, accounts);
  if (!tribuna_http_server_listen (daemon_state.http_server, address, port,
                                   tribuna_config_get_http_tls_certificate (config),
                                   tribuna_config_get_http_tls_key (config), &error))
    {
      tribuna_status_log_print (TRUE, "http: the API is off: %s", error->message);
      return;
    }

  url = tribuna_http_server_get_url (daemon_state.http_server);
  tribuna_status_log_print (FALSE, "http: API on %s/api/v1%s", url,
                            tribuna_accounts_count (accounts) == 0
                            ? " (no account yet: create one with tribunad --create-admin NAME)"
                            : "");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaConfig) config = NULL;
  g_autoptr(TribunaStatusLog) status_log = NULL;
  g_autoptr(GPtrArray) stream_names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data_dir = NULL;

  setlocale (LC_ALL, "");
  /* rtmp2sink reports a dropped connection as an error; a write to a closed
   * socket must never kill the process that is recording the hall. */
  signal (SIGPIPE, SIG_IGN);

  if (!parse_options (&argc, &argv, &error))
    {
      g_printerr ("tribunad: %s\nRun “tribunad --help” to see the options.\n", error->message);
      return EXIT_USAGE;
    }
  if (argc > 1)
    return usage_error ("unexpected argument; see “tribunad --help”");
  if (daemon_state.version)
    {
      g_print ("tribunad %s\n", PACKAGE_VERSION);
      return EXIT_CLEAN;
    }
  if (daemon_state.list_devices)
    return list_devices ();
  if (daemon_state.http != NULL && g_strcmp0 (daemon_state.http, "off") != 0)
    {
      g_autofree char *address = NULL;
      guint port;

      if (!tribuna_http_parse_address (daemon_state.http, &address, &port, &error))
        return usage_error (error->message);
    }

  if (daemon_state.config_path != NULL)
    config = tribuna_config_new_from_file (daemon_state.config_path, &error);
  else
    config = tribuna_config_new ();
  if (config == NULL || !add_streams (config, stream_names, &error)
      || !check_session_options (&error))
    return usage_error (error->message);

  data_dir = choose_data_dir (config);
  if (g_mkdir_with_parents (data_dir, 0755) != 0)
    {
      g_printerr ("tribunad: cannot create the data directory %s: %s\n", data_dir,
                  g_strerror (errno));
      return EXIT_RUNTIME;
    }
  if (daemon_state.create_admin != NULL)
    return create_admin (data_dir);
  if (daemon_state.create_token != NULL)
    return create_token (data_dir);

  daemon_state.loop = g_main_loop_new (NULL, FALSE);
  daemon_state.engine = tribuna_engine_new (config, data_dir, &error);
  if (daemon_state.engine == NULL)
    {
      g_printerr ("tribunad: %s\n", error->message);
      return EXIT_RUNTIME;
    }
  status_log = tribuna_status_log_new (daemon_state.engine);
  g_signal_connect (daemon_state.engine, "notify::program-state", G_CALLBACK (on_program_state),
                    NULL);
  tribuna_status_log_print (FALSE, "tribunad %s: data directory %s", PACKAGE_VERSION, data_dir);
  /* Before the outputs start: it puts the destinations saved through the API back. */
  start_http (config, data_dir);

  if (!tribuna_engine_start (daemon_state.engine, &error))
    {
      tribuna_status_log_print (TRUE, "tribunad: cannot start the program: %s", error->message);
      return EXIT_RUNTIME;
    }
  if (!start_outputs (stream_names, &error))
    {
      /* What the operator asked for cannot be: say so as a usage error. */
      gboolean usage = g_error_matches (error, TRIBUNA_ENGINE_ERROR,
                                        TRIBUNA_ENGINE_ERROR_NO_DESTINATION)
                       || error->domain == TRIBUNA_AGENDA_ERROR
                       || error->domain == TRIBUNA_ARCHIVE_ERROR
                       || error->domain == TRIBUNA_ENGINE_ERROR;

      tribuna_status_log_print (TRUE, "tribunad: %s", error->message);
      daemon_state.exit_status = usage ? EXIT_USAGE : EXIT_RUNTIME;
      begin_shutdown ("could not start");
    }

  g_unix_signal_add (SIGINT, on_signal, GINT_TO_POINTER (SIGINT));
  g_unix_signal_add (SIGTERM, on_signal, GINT_TO_POINTER (SIGTERM));
  /* Not g_timeout_add_seconds(): it rounds to a shared second boundary and may fire up
   * to a second early, and --for promises at least that long on air. */
  if (daemon_state.for_seconds > 0)
    g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (daemon_state.for_seconds * 1000),
                        on_time_up, NULL, NULL);

  g_main_loop_run (daemon_state.loop);

  if (daemon_state.http_server != NULL)
    tribuna_http_server_stop (daemon_state.http_server);
  g_clear_object (&daemon_state.http_server);
  g_clear_pointer (&status_log, tribuna_status_log_free);
  g_clear_object (&daemon_state.engine);
  g_clear_pointer (&daemon_state.loop, g_main_loop_unref);
  g_strfreev (daemon_state.streams);
  g_free (daemon_state.config_path);
  g_free (daemon_state.session_type);
  g_free (daemon_state.title);
  g_free (daemon_state.place);
  g_free (daemon_state.agenda);
  g_free (daemon_state.data_dir);
  g_free (daemon_state.http);
  g_free (daemon_state.create_admin);
  g_free (daemon_state.create_token);

  return daemon_state.exit_status;
}
