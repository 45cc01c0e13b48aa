/* tribuna-application.c: the console process: one engine, its HTTP server, the windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The console owns the engine in process (previews come straight from the pipeline) and,
 * like tribunad, serves the API and the public page beside it. It takes tribunad's
 * --config, --data-dir and --http, so one appliance can run either.
 */
#define G_LOG_DOMAIN "tribuna-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <errno.h>
#include <signal.h>

#include "tribuna-application.h"
#include "tribuna-archive-window.h"
#include "tribuna-http-server.h"
#include "tribuna-settings-dialog.h"
#include "tribuna-window.h"

struct _TribunaApplication
{
  AdwApplication      parent_instance;

  /* Options */
  char               *config_path;
  char               *data_dir;
  char               *http;
  char               *settings_path;  /* the tribuna.conf the settings dialog writes */

  /* Owned references */
  TribunaEngine      *engine;
  TribunaAccounts    *accounts;
  TribunaHttpServer  *http_server;

  gint64              created_us;
  gint64              ready_us;
  gboolean            stopping;
  guint               sigint_id;
  guint               sigterm_id;
  guint               sighup_id;
};

G_DEFINE_FINAL_TYPE (TribunaApplication, tribuna_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_CONFIG_PATH,
  PROP_DATA_DIR,
  PROP_HTTP,
  PROP_STOPPING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry entries[] = {
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Read settings from FILE (tribuna.conf); without it the embedded defaults apply"),
    N_("FILE") },
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep recordings under DIR (default: [paths] data-dir of the config, else "
       "$XDG_DATA_HOME/tribuna)"), N_("DIR") },
  { "http", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Serve the API and the public page on ADDRESS:PORT (default: [http] of the config, "
       "else 127.0.0.1:8080); “off” for no server"), N_("ADDRESS:PORT") },
  { NULL }
};

TribunaApplication *
tribuna_application_new (void)
{
  /* Unique on a desktop session: launching it again raises the running control room
   * instead of starting a second engine that would record the same hall into the same
   * archive. (Without a session bus GApplication runs it as it is.) */
  return g_object_new (TRIBUNA_TYPE_APPLICATION,
                       "application-id", "org.tribuna.Console",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

TribunaEngine *
tribuna_application_get_engine (TribunaApplication *self)
{
  g_return_val_if_fail (TRIBUNA_IS_APPLICATION (self), NULL);

  return self->engine;
}

gboolean
tribuna_application_get_stopping (TribunaApplication *self)
{
  g_return_val_if_fail (TRIBUNA_IS_APPLICATION (self), FALSE);

  return self->stopping;
}

gint64
tribuna_application_get_ready_us (TribunaApplication *self)
{
  g_return_val_if_fail (TRIBUNA_IS_APPLICATION (self), 0);

  return self->ready_us;
}

TribunaAccounts *
tribuna_application_get_accounts (TribunaApplication *self)
{
  g_return_val_if_fail (TRIBUNA_IS_APPLICATION (self), NULL);

  return self->accounts;
}

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. Takes @value. */
static void
replace_string (char **field,
                char  *value)
{
  g_free (*field);
  *field = value;
}

/* Options */

static char *
option_path (GVariantDict *options,
             const char   *name)
{
  g_autofree char *value = NULL;

  if (!g_variant_dict_lookup (options, name, "^ay", &value))
    return NULL;
  return g_canonicalize_filename (value, NULL);
}

static int
tribuna_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  TribunaApplication *self = TRIBUNA_APPLICATION (app);
  g_autofree char *http = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  if (g_variant_dict_contains (options, "config"))
    replace_string (&self->config_path, option_path (options, "config"));
  if (g_variant_dict_contains (options, "data-dir"))
    replace_string (&self->data_dir, option_path (options, "data-dir"));
  if (g_variant_dict_lookup (options, "http", "s", &http))
    {
      if (g_strcmp0 (http, "off") != 0
          && !tribuna_http_parse_address (http, &address, &port, &error))
        {
          g_printerr ("tribuna: %s\n", error->message);
          return 2;
        }
      replace_string (&self->http, g_steal_pointer (&http));
    }

  return -1;
}

/* Starting */

static char *
choose_data_dir (TribunaApplication *self,
                 TribunaConfig      *config)
{
  if (self->data_dir != NULL)
    return g_strdup (self->data_dir);
  if (tribuna_config_get_data_dir (config) != NULL)
    return g_strdup (tribuna_config_get_data_dir (config));

  return g_build_filename (g_get_user_data_dir (), "tribuna", NULL);
}

/* The server object is made even with --http off: making it puts back the destinations
 * saved through the API or the settings, which the console must show either way. */
static void
start_http (TribunaApplication *self,
            TribunaConfig      *config)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_strdup (tribuna_config_get_http_address (config));
  guint port = tribuna_config_get_http_port (config);

  self->http_server = tribuna_http_server_new (self->engine, self->accounts);
  if (g_strcmp0 (self->http, "off") == 0)
    return;
  if (self->http != NULL)
    {
      g_clear_pointer (&address, g_free);
      tribuna_http_parse_address (self->http, &address, &port, NULL);
    }

  if (!tribuna_http_server_listen (self->http_server, address, port,
                                   tribuna_config_get_http_tls_certificate (config),
                                   tribuna_config_get_http_tls_key (config), &error))
    g_warning ("the API and the public page are off: %s", error->message);
}

static gboolean
make_engine (TribunaApplication  *self,
             GError             **error)
{
  g_autoptr(TribunaConfig) config = NULL;
  g_autofree char *data_dir = NULL;

  /* Without --config, the file the settings dialog saves is read when it exists. */
  self->settings_path = self->config_path
                        ? g_strdup (self->config_path)
                        : g_build_filename (g_get_user_config_dir (), "tribuna", "tribuna.conf",
                                            NULL);
  if (self->config_path != NULL || g_file_test (self->settings_path, G_FILE_TEST_EXISTS))
    config = tribuna_config_new_from_file (self->settings_path, error);
  else
    config = tribuna_config_new ();
  if (config == NULL)
    return FALSE;

  data_dir = choose_data_dir (self, config);
  if (g_mkdir_with_parents (data_dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   _("Cannot create the data folder %s: %s"), data_dir, g_strerror (errno));
      return FALSE;
    }

  self->accounts = tribuna_accounts_open (data_dir, error);
  if (self->accounts == NULL)
    return FALSE;
  self->engine = tribuna_engine_new (config, data_dir, error);
  if (self->engine == NULL)
    return FALSE;

  start_http (self, config);
  return TRUE;
}

static void
check_ready (TribunaApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->ready_us != 0 || window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window))
      || tribuna_engine_get_program_state (self->engine) != TRIBUNA_PROGRAM_RUNNING)
    return;

  self->ready_us = g_get_monotonic_time () - self->created_us;
  g_debug ("usable after %.0f ms", self->ready_us / 1000.0);
}

static void
on_program_state (TribunaEngine      *engine,
                  GParamSpec         *pspec,
                  TribunaApplication *self)
{
  check_ready (self);
}

static void
on_window_mapped (GtkWidget          *window,
                  TribunaApplication *self)
{
  check_ready (self);
}

/* The window is shown first and the program started after, so the operator sees the
 * control room at once; the monitors fill in when the pipeline runs. */
static gboolean
start_program (gpointer user_data)
{
  TribunaApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_start (self->engine, &error))
    g_warning ("cannot start the program: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
show_fatal (TribunaApplication *self,
            const GError       *error)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (NULL, _("Tribuna cannot start"),
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
  g_printerr ("tribuna: %s\n", error->message);
}

static void
tribuna_application_activate (GApplication *app)
{
  TribunaApplication *self = TRIBUNA_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }
  if (self->engine == NULL && !make_engine (self, &error))
    {
      show_fatal (self, error);
      return;
    }

  window = GTK_WINDOW (tribuna_window_new (self, self->engine));
  g_signal_connect_object (window, "map", G_CALLBACK (on_window_mapped), self, 0);
  g_signal_connect_object (self->engine, "notify::program-state",
                           G_CALLBACK (on_program_state), self, 0);
  gtk_window_present (window);
  g_idle_add_full (G_PRIORITY_LOW, start_program, g_object_ref (self), g_object_unref);
}

/* Stopping */

static void
on_engine_stopped (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TribunaApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tribuna_engine_shutdown_finish (TRIBUNA_ENGINE (object), result, &error))
    g_warning ("did not stop cleanly: %s", error->message);

  if (self->http_server != NULL)
    tribuna_http_server_stop (self->http_server);
  g_application_release (G_APPLICATION (self));
  /* Windows go only now: until here they showed that the recording was being finalised. */
  g_list_foreach (gtk_application_get_windows (GTK_APPLICATION (self)),
                  (GFunc) gtk_window_destroy, NULL);
}

void
tribuna_application_stop_and_quit (TribunaApplication *self)
{
  g_return_if_fail (TRIBUNA_IS_APPLICATION (self));

  if (self->stopping)
    return;
  self->stopping = TRUE;

  if (self->engine == NULL)
    {
      g_application_quit (G_APPLICATION (self));
      return;
    }

  /* Held so that closing the last window cannot end the process mid-finalisation. */
  g_application_hold (G_APPLICATION (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STOPPING]);
  tribuna_engine_shutdown_async (self->engine, NULL, on_engine_stopped, g_object_ref (self));
}

/* A signal is the system asking (shutdown, systemd, the terminal closing): stop cleanly
 * without asking. */
static gboolean
on_unix_signal (gpointer user_data)
{
  TribunaApplication *self = user_data;

  if (self->stopping)
    {
      /* A second signal: the MPEG-TS segments on disk stay playable as they are. */
      g_printerr ("tribuna: stopping at once\n");
      exit (1);
    }
  tribuna_application_stop_and_quit (self);
  return G_SOURCE_CONTINUE;
}

/* Actions */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TribunaApplication *self = user_data;

  /* The control room asks first when anything is live (its close-request), whichever
   * window the operator was in. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (TRIBUNA_IS_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        gtk_window_close (l->data);
        return;
      }
  tribuna_application_stop_and_quit (self);
}

static void
settings_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TribunaApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;

  if (self->engine == NULL)
    return;
  dialog = tribuna_settings_dialog_new (self->engine, self->accounts, self->settings_path);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
archive_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TribunaApplication *self = user_data;
  GtkWidget *window;

  if (self->engine == NULL)
    return;
  window = tribuna_archive_window_new (self, self->engine);
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "settings", settings_activated },
  { "archive", archive_activated },
};

static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/org/tribuna/Console/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
tribuna_application_startup (GApplication *app)
{
  TribunaApplication *self = TRIBUNA_APPLICATION (app);
  GtkApplication *gtk_app = GTK_APPLICATION (app);

  G_APPLICATION_CLASS (tribuna_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (gtk_app, "app.quit", (const char *[]) { "<Ctrl>q", NULL });
  gtk_application_set_accels_for_action (gtk_app, "app.settings",
                                         (const char *[]) { "<Ctrl>comma", NULL });
  gtk_application_set_accels_for_action (gtk_app, "app.archive",
                                         (const char *[]) { "<Ctrl>o", NULL });
  load_style ();

  self->sigint_id = g_unix_signal_add (SIGINT, on_unix_signal, self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, on_unix_signal, self);
  self->sighup_id = g_unix_signal_add (SIGHUP, on_unix_signal, self);
}

static void
tribuna_application_shutdown (GApplication *app)
{
  TribunaApplication *self = TRIBUNA_APPLICATION (app);

  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sighup_id, g_source_remove);
  G_APPLICATION_CLASS (tribuna_application_parent_class)->shutdown (app);
}

static void
tribuna_application_dispose (GObject *object)
{
  TribunaApplication *self = TRIBUNA_APPLICATION (object);

  g_clear_object (&self->http_server);
  g_clear_object (&self->engine);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (tribuna_application_parent_class)->dispose (object);
}

static void
tribuna_application_finalize (GObject *object)
{
  TribunaApplication *self = TRIBUNA_APPLICATION (object);

  g_free (self->config_path);
  g_free (self->data_dir);
  g_free (self->http);
  g_free (self->settings_path);

  G_OBJECT_CLASS (tribuna_application_parent_class)->finalize (object);
}

static void
tribuna_application_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TribunaApplication *self = TRIBUNA_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CONFIG_PATH:
      g_value_set_string (value, self->config_path);
      break;
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_HTTP:
      g_value_set_string (value, self->http);
      break;
    case PROP_STOPPING:
      g_value_set_boolean (value, self->stopping);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_application_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TribunaApplication *self = TRIBUNA_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CONFIG_PATH:
      replace_string (&self->config_path, g_value_dup_string (value));
      break;
    case PROP_DATA_DIR:
      replace_string (&self->data_dir, g_value_dup_string (value));
      break;
    case PROP_HTTP:
      replace_string (&self->http, g_value_dup_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tribuna_application_class_init (TribunaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tribuna_application_dispose;
  object_class->finalize = tribuna_application_finalize;
  object_class->get_property = tribuna_application_get_property;
  object_class->set_property = tribuna_application_set_property;
  app_class->handle_local_options = tribuna_application_handle_local_options;
  app_class->startup = tribuna_application_startup;
  app_class->activate = tribuna_application_activate;
  app_class->shutdown = tribuna_application_shutdown;

  /* Set by the options, or directly by tests. */
  properties[PROP_CONFIG_PATH] = g_param_spec_string ("config-path", NULL, NULL, NULL, flags);
  properties[PROP_DATA_DIR] = g_param_spec_string ("data-dir", NULL, NULL, NULL, flags);
  properties[PROP_HTTP] = g_param_spec_string ("http", NULL, NULL, NULL, flags);
  /* The engine is being stopped: windows show that the recording is being finalised. */
  properties[PROP_STOPPING] =
    g_param_spec_boolean ("stopping", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tribuna_application_init (TribunaApplication *self)
{
  self->created_us = g_get_monotonic_time ();
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("The operator console of Tribuna: the control room of the hall's livestream and "
      "recording, and the archive of past sessions."));
}
