/* test-utils.c: what every Tribuna test shares: loopback servers, media checks, the daemon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-test"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "test-utils.h"

/* How long a server gets to start listening, or to let go of its port */
#define SERVER_DEADLINE_S 10.0

/* Decode errors this close to the end are a file cut short by kill -9, not damage */
#define DECODE_TAIL_TOLERANCE_S 1.5

G_DEFINE_QUARK (tribuna-test-error-quark, tribuna_test_error)

/* Files and folders ********************************************************************/

char *
tribuna_test_make_tmpdir (const char  *tmpl,
                          GError     **error)
{
  return g_dir_make_tmp (tmpl != NULL ? tmpl : "tribuna-test-XXXXXX", error);
}

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "Cannot %s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

/* Never follows symbolic links: only what lies under @path goes. */
gboolean
tribuna_test_rm_rf (const char  *path,
                    GError     **error)
{
  GStatBuf st;

  if (path == NULL)
    return TRUE;

  if (g_lstat (path, &st) != 0)
    return errno == ENOENT ? TRUE : set_errno_error (error, errno, "inspect", path);

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      /* a test may have made a folder read-only to provoke an error */
      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, error);
      if (dir == NULL)
        return FALSE;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (!tribuna_test_rm_rf (child, error))
            return FALSE;
        }
    }

  if (g_remove (path) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, "remove", path);

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
find_files_in (const char *dir,
               const char *suffix,
               GPtrArray  *found)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        find_files_in (path, suffix, found);
      else if (S_ISREG (st.st_mode) && g_str_has_suffix (name, suffix))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

/* Regular files under @dir whose names end in @suffix, as full paths sorted bytewise (so
 * recordings/YYYY/MM/DD/... come out in time order). Empty when @dir does not exist. */
GPtrArray *
tribuna_test_find_files (const char *dir,
                         const char *suffix)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (dir != NULL, found);

  find_files_in (dir, suffix != NULL ? suffix : "", found);
  g_ptr_array_sort (found, compare_strings);
  return found;
}

/* Loopback ports ***********************************************************************/

static GSocket *
bind_loopback (guint   *port,
               GError **error)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) any_port = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL)
    return NULL;

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  any_port = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_bind (sock, any_port, FALSE, error))
    return NULL;

  bound = g_socket_get_local_address (sock, error);
  if (bound == NULL)
    return NULL;

  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&sock);
}

/* A TCP port on 127.0.0.1 that nothing listens on right now; 0 on error. */
guint
tribuna_test_free_port (GError **error)
{
  g_autoptr(GSocket) sock = NULL;
  guint port = 0;

  sock = bind_loopback (&port, error);
  if (sock == NULL)
    {
      g_prefix_error (error, "Cannot find a free port on 127.0.0.1: ");
      return 0;
    }
  g_socket_close (sock, NULL);
  return port;
}

static gboolean
port_accepts (guint port)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  gboolean connected;

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (sock == NULL)
    return FALSE;

  g_socket_set_timeout (sock, 2);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  connected = g_socket_connect (sock, address, NULL, NULL);
  g_socket_close (sock, NULL);
  return connected;
}

/* Waiting ******************************************************************************/

static gboolean
tick_cb (G_GNUC_UNUSED gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the thread-default main context until @predicate returns TRUE (checked at least
 * every 25 ms) or @timeout_s passes. Returns the predicate's last answer. */
gboolean
tribuna_test_wait_until (TribunaTestPredicate predicate,
                         gpointer             user_data,
                         double               timeout_s)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  GSource *tick;
  gboolean done;

  g_return_val_if_fail (predicate != NULL, FALSE);

  tick = g_timeout_source_new (25);
  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, context);

  while (!(done = predicate (user_data)) && g_get_monotonic_time () < deadline)
    {
      /* another thread may own the context: then only sleep */
      if (g_main_context_acquire (context))
        {
          g_main_context_iteration (context, TRUE);
          g_main_context_release (context);
        }
      else
        g_usleep (10 * 1000);
    }

  g_source_destroy (tick);
  g_source_unref (tick);
  return done;
}

static gboolean
never (G_GNUC_UNUSED gpointer user_data)
{
  return FALSE;
}

/* Lets the main context run for @seconds: a sleep that does not starve the engine. */
void
tribuna_test_iterate_for (double seconds)
{
  tribuna_test_wait_until (never, NULL, seconds);
}

/* Processes ****************************************************************************/

/* Servers and daemons must not outlive a test that fails. Each runs in a process group of its
 * own, registered here; a failed g_assert (SIGABRT), g_error (SIGTRAP), a crash, a meson
 * timeout (SIGTERM) or ^C kills every registered group before the test dies.
 * PR_SET_PDEATHSIG covers the rest (SIGKILL), for the direct child at least. */
#define MAX_GROUPS 32

static volatile sig_atomic_t process_groups[MAX_GROUPS];
static const int fatal_signals[] = {
  SIGABRT, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTERM, SIGINT, SIGHUP, SIGQUIT,
};
static struct sigaction previous_actions[G_N_ELEMENTS (fatal_signals)];

static void
kill_groups_and_die (int signum)
{
  for (guint i = 0; i < MAX_GROUPS; i++)
    if (process_groups[i] > 0)
      kill (-process_groups[i], SIGKILL);

  /* then whatever would have happened without us: a fault happens again on return */
  for (guint i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
    if (fatal_signals[i] == signum)
      sigaction (signum, &previous_actions[i], NULL);
  raise (signum);
}

static void
install_fatal_handlers (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      struct sigaction action = { 0 };

      action.sa_handler = kill_groups_and_die;
      sigemptyset (&action.sa_mask);
      for (guint i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
        sigaction (fatal_signals[i], &action, &previous_actions[i]);
      g_once_init_leave (&installed, 1);
    }
}

/* Never kill (0) or kill (-0): that would be our own group */
static void
signal_group (GPid group,
              int  signum)
{
  if (group > 0)
    kill (-group, signum);
}

static void
register_group (GPid group)
{
  install_fatal_handlers ();
  for (guint i = 0; i < MAX_GROUPS; i++)
    if (process_groups[i] == 0)
      {
        process_groups[i] = group;
        return;
      }
  g_warning ("More than %u servers and daemons at once: process group %d may outlive the test",
             MAX_GROUPS, (int) group);
}

static void
unregister_group (GPid group)
{
  for (guint i = 0; i < MAX_GROUPS; i++)
    if (process_groups[i] == group)
      process_groups[i] = 0;
}

static void
die_with_parent (G_GNUC_UNUSED gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Killing the group also ends whatever the child started, which could hold its pipes open. */
static void
die_with_parent_in_own_group (gpointer user_data)
{
  die_with_parent (user_data);
  setpgid (0, 0);
}

static GPid
subprocess_pid (GSubprocess *process)
{
  const char *identifier = process != NULL ? g_subprocess_get_identifier (process) : NULL;

  return identifier != NULL ? atoi (identifier) : 0;
}

static void
kill_group (GSubprocess *process)
{
  signal_group (subprocess_pid (process), SIGKILL);
  g_subprocess_force_exit (process);
}

static char *
bytes_to_text (GBytes *bytes)
{
  gsize size = 0;
  const char *data;

  if (bytes == NULL)
    return g_strdup ("");
  data = g_bytes_get_data (bytes, &size);
  return g_utf8_make_valid (data != NULL ? data : "", size);
}

static int
wait_status_to_code (GSubprocess *process)
{
  if (g_subprocess_get_if_exited (process))
    return g_subprocess_get_exit_status (process);
  if (g_subprocess_get_if_signaled (process))
    return 128 + g_subprocess_get_term_sig (process);
  return -1;
}

/* Runs a helper program to completion; fails only when it cannot be run at all. */
static gboolean
run_tool (const char * const  *argv,
          GSubprocessFlags     flags,
          char               **out_stdout,
          char               **out_stderr,
          int                 *out_status,
          GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    {
      g_prefix_error (error, "Cannot run %s (is it installed?): ", argv[0]);
      return FALSE;
    }

  if (!g_subprocess_communicate (process, NULL, NULL,
                                 (flags & G_SUBPROCESS_FLAGS_STDOUT_PIPE) ? &out : NULL,
                                 (flags & G_SUBPROCESS_FLAGS_STDERR_PIPE) ? &err : NULL,
                                 error))
    {
      g_prefix_error (error, "Cannot read the output of %s: ", argv[0]);
      return FALSE;
    }

  if (out_stdout != NULL)
    *out_stdout = bytes_to_text (out);
  if (out_stderr != NULL)
    *out_stderr = bytes_to_text (err);
  *out_status = wait_status_to_code (process);
  return TRUE;
}

static gboolean
process_is_running (GSubprocess *process)
{
  /* GSubprocess reaps its child in GLib's worker thread and then forgets the pid */
  return process != NULL && g_subprocess_get_identifier (process) != NULL;
}

static gboolean
process_exited (gpointer user_data)
{
  return !process_is_running (user_data);
}

static char *
read_text_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("");
  return g_utf8_make_valid (contents, length);
}

/* The pids whose parent is @parent, found in /proc (works without CONFIG_PROC_CHILDREN). */
static GArray *
child_pids (GPid parent)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  if (proc == NULL)
    return pids;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = NULL;
      g_autofree char *stat = NULL;
      const char *after_comm;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      stat_path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid ...": comm may hold spaces and parentheses */
      after_comm = strrchr (stat, ')');
      if (after_comm == NULL || sscanf (after_comm + 1, " %c %d", &state, &ppid) != 2)
        continue;
      if (ppid == parent)
        {
          GPid pid = atoi (name);

          g_array_append_val (pids, pid);
        }
    }

  return pids;
}

/* Gone, or a zombie: either way its file descriptors (and sockets) are closed. */
static gboolean
pid_is_dead (GPid pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *after_comm;
  char state;

  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;
  after_comm = strrchr (stat, ')');
  return after_comm != NULL && sscanf (after_comm + 1, " %c", &state) == 1
         && (state == 'Z' || state == 'X');
}

typedef struct {
  GArray *pids;
} PidsDead;

static gboolean
pids_dead (gpointer user_data)
{
  PidsDead *data = user_data;

  for (guint i = 0; i < data->pids->len; i++)
    if (!pid_is_dead (g_array_index (data->pids, GPid, i)))
      return FALSE;
  return TRUE;
}

/* Engines *******************************************************************************/

TribunaEngine *
tribuna_test_engine_new (const char *data_dir,
                         const char *config_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaConfig) config = tribuna_config_new_from_data (config_text, "test.conf",
                                                                  data_dir, &error);
  TribunaEngine *engine;

  g_assert_no_error (error);
  engine = tribuna_engine_new (config, data_dir, &error);
  g_assert_no_error (error);
  return engine;
}

gboolean
tribuna_test_engine_is_recording (gpointer engine)
{
  return tribuna_engine_get_recorder_state (engine) == TRIBUNA_RECORDER_RECORDING;
}

/* nginx ********************************************************************************/

struct _TribunaTestNginx {
  char        *dir;
  char        *conf_path;
  char        *record_dir;
  char        *error_log_path;
  char        *output_path;
  guint        rtmp_port;
  guint        rtmps_port;      /* 0 without TLS */
  GSubprocess *process;
  GPid         group;           /* the master's pid; 0 when nothing runs */
  gboolean     frozen;
};

static char *
find_nginx_module (const char  *file,
                   const char  *package,
                   GError     **error)
{
  static const char * const dirs[] = {
    "/usr/lib/nginx/modules",
    "/usr/lib64/nginx/modules",
    "/usr/local/lib/nginx/modules",
    "/usr/local/nginx/modules",
  };
  const char *env_dir = g_getenv ("TRIBUNA_TEST_NGINX_MODULES");

  if (env_dir != NULL)
    {
      g_autofree char *path = g_build_filename (env_dir, file, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], file, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_NOT_FOUND,
               "The nginx module %s is not installed (apt-get install %s), or set "
               "TRIBUNA_TEST_NGINX_MODULES to the folder that holds it", file, package);
  return NULL;
}

static char *
find_nginx (GError **error)
{
  char *path = g_find_program_in_path ("nginx");

  if (path == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/usr/sbin/nginx");
  if (path == NULL)
    g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_NOT_FOUND,
                 "nginx is not installed (apt-get install nginx libnginx-mod-rtmp "
                 "libnginx-mod-stream)");
  return path;
}

static gboolean
make_certificate (TribunaTestNginx  *self,
                  GError           **error)
{
  g_autofree char *key = g_build_filename (self->dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (self->dir, "cert.pem", NULL);
  g_autofree char *output = NULL;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-subj", "/CN=localhost", "-keyout", key, "-out", cert, NULL,
  };
  int status;

  if (!run_tool (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                 &output, NULL, &status, error))
    return FALSE;

  if (status != 0)
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_FAILED,
                   "openssl could not make a self-signed certificate (exit %d): %s",
                   status, output);
      return FALSE;
    }
  return TRUE;
}

/* nginx drops its workers to "nobody" when started as root; keep them as us, so they can
 * write the record folder and the tests can read and remove what they wrote. */
static char *
user_directive (void)
{
  struct passwd *pw;
  struct group *gr;

  if (geteuid () != 0)
    return g_strdup ("");

  pw = getpwuid (geteuid ());
  gr = getgrgid (getegid ());
  if (pw == NULL || gr == NULL)
    return g_strdup ("");
  return g_strdup_printf ("user %s %s;\n", pw->pw_name, gr->gr_name);
}

static gboolean
write_config (TribunaTestNginx  *self,
              GError           **error)
{
  g_autofree char *rtmp_module = NULL;
  g_autofree char *stream_module = NULL;
  g_autofree char *user = user_directive ();
  g_autoptr(GString) conf = g_string_new (NULL);

  rtmp_module = find_nginx_module ("ngx_rtmp_module.so", "libnginx-mod-rtmp", error);
  if (rtmp_module == NULL)
    return FALSE;

  g_string_append_printf (conf,
                          "# Written by Tribuna's tests: loopback only, nothing outside %s\n"
                          "load_module %s;\n", self->dir, rtmp_module);

  if (self->rtmps_port != 0)
    {
      stream_module = find_nginx_module ("ngx_stream_module.so", "libnginx-mod-stream", error);
      if (stream_module == NULL)
        return FALSE;
      g_string_append_printf (conf, "load_module %s;\n", stream_module);
    }

  g_string_append_printf (conf,
                          "daemon off;\n"
                          "master_process on;\n"
                          "worker_processes 1;\n"
                          "%s"
                          "pid %s/nginx.pid;\n"
                          "lock_file %s/nginx.lock;\n"
                          "error_log %s info;\n"
                          "events {\n"
                          "  worker_connections 256;\n"
                          "}\n"
                          "rtmp {\n"
                          "  server {\n"
                          "    listen 127.0.0.1:%u;\n"
                          "    chunk_size 4096;\n"
                          "    application live {\n"
                          "      live on;\n"
                          "      record all;\n"
                          "      record_path %s;\n"
                          "      record_unique on;\n"
                          "    }\n"
                          "    application deny {\n"
                          "      live on;\n"
                          "      deny publish all;\n"
                          "    }\n"
                          "  }\n"
                          "}\n",
                          user, self->dir, self->dir, self->error_log_path, self->rtmp_port,
                          self->record_dir);

  if (self->rtmps_port != 0)
    g_string_append_printf (conf,
                            "stream {\n"
                            "  server {\n"
                            "    listen 127.0.0.1:%u ssl;\n"
                            "    ssl_certificate %s/cert.pem;\n"
                            "    ssl_certificate_key %s/key.pem;\n"
                            "    proxy_pass 127.0.0.1:%u;\n"
                            "  }\n"
                            "}\n",
                            self->rtmps_port, self->dir, self->dir, self->rtmp_port);

  return g_file_set_contents (self->conf_path, conf->str, conf->len, error);
}

static GPid
nginx_master_pid (TribunaTestNginx *self)
{
  return subprocess_pid (self->process);
}

static void
nginx_forget_group (TribunaTestNginx *self)
{
  unregister_group (self->group);
  self->group = 0;
}

static gboolean
nginx_ready (gpointer user_data)
{
  TribunaTestNginx *self = user_data;
  g_autoptr(GArray) workers = NULL;
  GPid master = nginx_master_pid (self);

  if (master == 0)
    return TRUE;
  if (!port_accepts (self->rtmp_port))
    return FALSE;
  if (self->rtmps_port != 0 && !port_accepts (self->rtmps_port))
    return FALSE;
  /* the master listens before it forks: wait for the worker that serves */
  workers = child_pids (master);
  return workers->len > 0;
}

static gboolean
nginx_spawn (TribunaTestNginx  *self,
             GError           **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *nginx = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *log = NULL;
  int output_fd;

  nginx = find_nginx (error);
  if (nginx == NULL)
    return FALSE;

  output_fd = g_open (self->output_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (output_fd < 0)
    return set_errno_error (error, errno, "create", self->output_path);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_take_stdout_fd (launcher, output_fd);
  g_subprocess_launcher_set_cwd (launcher, self->dir);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent_in_own_group, NULL, NULL);

  prefix = g_strconcat (self->dir, "/", NULL);
  g_clear_object (&self->process);
  self->process = g_subprocess_launcher_spawn (launcher, error, nginx, "-p", prefix,
                                               "-c", self->conf_path,
                                               "-e", self->error_log_path, NULL);
  if (self->process == NULL)
    {
      g_prefix_error (error, "Cannot run %s: ", nginx);
      return FALSE;
    }
  self->frozen = FALSE;
  self->group = subprocess_pid (self->process);
  register_group (self->group);

  tribuna_test_wait_until (nginx_ready, self, SERVER_DEADLINE_S);
  if (nginx_ready (self) && process_is_running (self->process))
    return TRUE;

  log = tribuna_test_nginx_get_error_log (self);
  if (!process_is_running (self->process))
    {
      g_subprocess_wait (self->process, NULL, NULL);
      signal_group (self->group, SIGKILL);
      nginx_forget_group (self);
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_FAILED,
                   "nginx (%s) exited with status %d at start. Its log:\n%s",
                   self->conf_path, wait_status_to_code (self->process), log);
    }
  else
    {
      tribuna_test_nginx_kill (self, NULL);
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_TIMEOUT,
                   "nginx (%s) did not accept connections on 127.0.0.1:%u%s within %.0f s. "
                   "Its log:\n%s", self->conf_path, self->rtmp_port,
                   self->rtmps_port != 0 ? " and the TLS port" : "", SERVER_DEADLINE_S, log);
    }
  return FALSE;
}

/* Starts nginx-rtmp on 127.0.0.1 (and, @with_tls, its TLS proxy) in a fresh temporary folder,
 * and returns once both ports accept connections. */
TribunaTestNginx *
tribuna_test_nginx_start (gboolean   with_tls,
                          GError   **error)
{
  g_autoptr(TribunaTestNginx) self = g_new0 (TribunaTestNginx, 1);
  g_autoptr(GSocket) rtmp_sock = NULL;
  g_autoptr(GSocket) rtmps_sock = NULL;

  self->dir = tribuna_test_make_tmpdir ("tribuna-nginx-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  self->conf_path = g_build_filename (self->dir, "nginx.conf", NULL);
  self->record_dir = g_build_filename (self->dir, "recordings", NULL);
  self->error_log_path = g_build_filename (self->dir, "error.log", NULL);
  self->output_path = g_build_filename (self->dir, "output.log", NULL);

  if (g_mkdir (self->record_dir, 0755) != 0)
    {
      set_errno_error (error, errno, "create", self->record_dir);
      return NULL;
    }

  /* hold the first port while asking for the second, so they differ */
  rtmp_sock = bind_loopback (&self->rtmp_port, error);
  if (rtmp_sock == NULL)
    return NULL;
  if (with_tls)
    {
      rtmps_sock = bind_loopback (&self->rtmps_port, error);
      if (rtmps_sock == NULL)
        return NULL;
      g_socket_close (rtmps_sock, NULL);
    }
  g_socket_close (rtmp_sock, NULL);

  if (with_tls && !make_certificate (self, error))
    return NULL;
  if (!write_config (self, error))
    return NULL;
  if (!nginx_spawn (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

guint
tribuna_test_nginx_get_rtmp_port (TribunaTestNginx *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rtmp_port;
}

/* 0 when started without TLS */
guint
tribuna_test_nginx_get_rtmps_port (TribunaTestNginx *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rtmps_port;
}

const char *
tribuna_test_nginx_get_record_dir (TribunaTestNginx *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->record_dir;
}

/* nginx's error log, then anything it printed (startup errors land there) */
char *
tribuna_test_nginx_get_error_log (TribunaTestNginx *self)
{
  g_autofree char *log = NULL;
  g_autofree char *output = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  log = read_text_file (self->error_log_path);
  output = read_text_file (self->output_path);
  return g_strconcat (log, output, NULL);
}

/* rtmp://127.0.0.1:PORT/APP/KEY, or rtmp://127.0.0.1:PORT/APP when @key is NULL */
char *
tribuna_test_nginx_url (TribunaTestNginx *self,
                        const char       *app,
                        const char       *key)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (app != NULL, NULL);

  return g_strdup_printf ("rtmp://127.0.0.1:%u/%s%s%s", self->rtmp_port, app,
                          key != NULL ? "/" : "", key != NULL ? key : "");
}

char *
tribuna_test_nginx_rtmps_url (TribunaTestNginx *self,
                              const char       *app,
                              const char       *key)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->rtmps_port != 0, NULL);
  g_return_val_if_fail (app != NULL, NULL);

  return g_strdup_printf ("rtmps://127.0.0.1:%u/%s%s%s", self->rtmps_port, app,
                          key != NULL ? "/" : "", key != NULL ? key : "");
}

static gboolean
nginx_check_running (TribunaTestNginx  *self,
                     const char        *action,
                     GError           **error)
{
  if (process_is_running (self->process))
    return TRUE;
  g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_FAILED,
               "Cannot %s nginx: it is not running", action);
  return FALSE;
}

static void
signal_pids (GArray *pids,
             int     signum)
{
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, GPid, i), signum);
}

static gboolean
ports_closed (gpointer user_data)
{
  TribunaTestNginx *self = user_data;

  return !port_accepts (self->rtmp_port)
         && (self->rtmps_port == 0 || !port_accepts (self->rtmps_port));
}

/* Simulates a crash: SIGKILL to the master and its workers. Returns once every one of them
 * is dead and nothing listens on the ports any more. */
gboolean
tribuna_test_nginx_kill (TribunaTestNginx  *self,
                         GError           **error)
{
  g_autoptr(GArray) workers = NULL;
  PidsDead dead;
  GPid master;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!nginx_check_running (self, "kill", error))
    return FALSE;

  /* stopped first, the master cannot fork a replacement for a worker we kill */
  master = nginx_master_pid (self);
  kill (master, SIGSTOP);
  workers = child_pids (master);
  signal_pids (workers, SIGKILL);
  kill (master, SIGKILL);
  signal_group (self->group, SIGKILL);
  self->frozen = FALSE;

  dead.pids = workers;
  if (!tribuna_test_wait_until (process_exited, self->process, SERVER_DEADLINE_S)
      || !tribuna_test_wait_until (pids_dead, &dead, SERVER_DEADLINE_S))
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_TIMEOUT,
                   "nginx (master %d) survived SIGKILL for %.0f s", (int) master,
                   SERVER_DEADLINE_S);
      return FALSE;
    }
  g_subprocess_wait (self->process, NULL, NULL);
  nginx_forget_group (self);

  if (!tribuna_test_wait_until (ports_closed, self, SERVER_DEADLINE_S))
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_TIMEOUT,
                   "Something still accepts connections on 127.0.0.1:%u after nginx was "
                   "killed", self->rtmp_port);
      return FALSE;
    }
  return TRUE;
}

static gboolean
nginx_stop (TribunaTestNginx *self)
{
  GPid master;
  g_autoptr(GArray) workers = NULL;
  PidsDead dead;

  if (!process_is_running (self->process))
    return TRUE;

  master = nginx_master_pid (self);
  workers = child_pids (master);
  if (self->frozen)
    {
      signal_pids (workers, SIGCONT);
      kill (master, SIGCONT);
      self->frozen = FALSE;
    }

  /* SIGTERM is nginx's fast shutdown: the master stops its workers, then exits */
  kill (master, SIGTERM);
  if (!tribuna_test_wait_until (process_exited, self->process, SERVER_DEADLINE_S))
    {
      g_autoptr(GError) error = NULL;

      return tribuna_test_nginx_kill (self, &error);
    }
  g_subprocess_wait (self->process, NULL, NULL);

  dead.pids = workers;
  if (!tribuna_test_wait_until (pids_dead, &dead, SERVER_DEADLINE_S))
    signal_pids (workers, SIGKILL);
  nginx_forget_group (self);
  return TRUE;
}

/* Starts nginx again with the same ports, configuration and record folder (stopping it first
 * if it still runs), and returns once it accepts connections. */
gboolean
tribuna_test_nginx_restart (TribunaTestNginx  *self,
                            GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  nginx_stop (self);
  return nginx_spawn (self, error);
}

static gboolean
nginx_signal_all (TribunaTestNginx  *self,
                  int                signum,
                  const char        *action,
                  GError           **error)
{
  g_autoptr(GArray) workers = NULL;
  GPid master;

  if (!nginx_check_running (self, action, error))
    return FALSE;

  master = nginx_master_pid (self);
  workers = child_pids (master);
  if (workers->len == 0)
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_FAILED,
                   "Cannot %s nginx: its master (%d) has no worker", action, (int) master);
      return FALSE;
    }

  /* the master first on the way down, last on the way up: it never sees a worker stopped
   * under a running master */
  if (signum == SIGSTOP)
    kill (master, signum);
  signal_pids (workers, signum);
  if (signum != SIGSTOP)
    kill (master, signum);
  return TRUE;
}

/* SIGSTOP to the master and its workers: the server stops reading, connections stay open */
gboolean
tribuna_test_nginx_freeze (TribunaTestNginx  *self,
                           GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!nginx_signal_all (self, SIGSTOP, "freeze", error))
    return FALSE;
  self->frozen = TRUE;
  return TRUE;
}

gboolean
tribuna_test_nginx_thaw (TribunaTestNginx  *self,
                         GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!nginx_signal_all (self, SIGCONT, "thaw", error))
    return FALSE;
  self->frozen = FALSE;
  return TRUE;
}

/* KEY-<digits>.flv, as record_unique names them */
static gboolean
is_recording_of (const char *name,
                 const char *key)
{
  size_t key_len = strlen (key);
  const char *p;

  if (strncmp (name, key, key_len) != 0 || name[key_len] != '-')
    return FALSE;
  p = name + key_len + 1;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  return strcmp (p, ".flv") == 0;
}

/* Full paths of the .flv files nginx recorded for @key, oldest first. */
GPtrArray *
tribuna_test_nginx_recordings (TribunaTestNginx *self,
                               const char       *key)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (self != NULL, found);
  g_return_val_if_fail (key != NULL, found);

  dir = g_dir_open (self->record_dir, 0, NULL);
  if (dir == NULL)
    return found;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_recording_of (name, key))
      g_ptr_array_add (found, g_build_filename (self->record_dir, name, NULL));

  /* same key, same number of digits until 2286: bytewise order is time order */
  g_ptr_array_sort (found, compare_strings);
  return found;
}

typedef struct {
  TribunaTestNginx *nginx;
  const char       *key;
  guint             n_files_before;
  char             *watched;
  goffset           first_size;
} RecordingGrows;

static gboolean
recording_grows (gpointer user_data)
{
  RecordingGrows *data = user_data;
  g_autoptr(GPtrArray) files = tribuna_test_nginx_recordings (data->nginx, data->key);
  const char *newest;
  GStatBuf st;

  if (files->len <= data->n_files_before)
    return FALSE;

  newest = g_ptr_array_index (files, files->len - 1);
  if (g_stat (newest, &st) != 0)
    return FALSE;

  if (g_strcmp0 (newest, data->watched) != 0)
    {
      g_free (data->watched);
      data->watched = g_strdup (newest);
      data->first_size = st.st_size;
      return FALSE;
    }
  return st.st_size > data->first_size;
}

/* Waits until nginx has opened a new recording for @key (more than @n_files_before of them)
 * and that file grows: a publish that really delivers media. */
gboolean
tribuna_test_nginx_wait_recording_grows (TribunaTestNginx *self,
                                         const char       *key,
                                         guint             n_files_before,
                                         double           timeout_s)
{
  RecordingGrows data = { self, key, n_files_before, NULL, 0 };
  gboolean grew;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  grew = tribuna_test_wait_until (recording_grows, &data, timeout_s);
  g_free (data.watched);
  return grew;
}

/* Stops nginx (thawing it first if frozen) and removes its folder, recordings included. */
void
tribuna_test_nginx_free (TribunaTestNginx *self)
{
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return;

  nginx_stop (self);
  if (self->dir != NULL && !tribuna_test_rm_rf (self->dir, &error))
    g_warning ("%s", error->message);

  g_clear_object (&self->process);
  g_free (self->dir);
  g_free (self->conf_path);
  g_free (self->record_dir);
  g_free (self->error_log_path);
  g_free (self->output_path);
  g_free (self);
}

/* Media ********************************************************************************/

static double
parse_rate (const char *rate)
{
  g_auto(GStrv) parts = NULL;
  double num, den;

  if (rate == NULL)
    return 0;
  parts = g_strsplit (rate, "/", 2);
  num = g_ascii_strtod (parts[0], NULL);
  den = parts[1] != NULL ? g_ascii_strtod (parts[1], NULL) : 1;
  return den > 0 ? num / den : 0;
}

static double
json_string_number (JsonObject *object,
                    const char *member,
                    double      missing)
{
  const char *text = json_object_get_string_member_with_default (object, member, NULL);

  return text != NULL ? g_ascii_strtod (text, NULL) : missing;
}

static void
read_stream (TribunaTestMedia *media,
             JsonObject       *stream)
{
  const char *type = json_object_get_string_member_with_default (stream, "codec_type", "");
  const char *codec = json_object_get_string_member_with_default (stream, "codec_name", "");

  if (g_str_equal (type, "video"))
    {
      if (media->n_video++ > 0)
        return;
      media->video_codec = g_strdup (codec);
      media->width = json_object_get_int_member_with_default (stream, "width", 0);
      media->height = json_object_get_int_member_with_default (stream, "height", 0);
      media->frame_rate = parse_rate (json_object_get_string_member_with_default (
                                        stream, "avg_frame_rate", NULL));
      if (media->frame_rate <= 0)
        media->frame_rate = parse_rate (json_object_get_string_member_with_default (
                                          stream, "r_frame_rate", NULL));
    }
  else if (g_str_equal (type, "audio"))
    {
      if (media->n_audio++ > 0)
        return;
      media->audio_codec = g_strdup (codec);
      media->sample_rate = (guint) json_string_number (stream, "sample_rate", 0);
      media->channels = json_object_get_int_member_with_default (stream, "channels", 0);
    }
}

/* What ffprobe reports of @input: container duration, first video and audio streams. */
TribunaTestMedia *
tribuna_test_probe (const char  *input,
                    GError     **error)
{
  g_autoptr(TribunaTestMedia) media = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = {
    "ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
    input, NULL,
  };
  JsonObject *root;
  JsonObject *format;
  JsonArray *streams;
  int status;

  g_return_val_if_fail (input != NULL, NULL);

  if (!run_tool (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                 &out, &err, &status, error))
    return NULL;

  if (status != 0)
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_MEDIA,
                   "ffprobe cannot read %s (exit %d): %s", input, status, g_strstrip (err));
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, out, -1, error))
    {
      g_prefix_error (error, "ffprobe printed something other than JSON for %s: ", input);
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  if (root == NULL)
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_MEDIA,
                   "ffprobe printed no object for %s", input);
      return NULL;
    }

  media = g_new0 (TribunaTestMedia, 1);
  media->duration = -1;

  format = json_object_has_member (root, "format")
           ? json_object_get_object_member (root, "format") : NULL;
  if (format != NULL)
    {
      media->duration = json_string_number (format, "duration", -1);
      media->format_name =
        g_strdup (json_object_get_string_member_with_default (format, "format_name", NULL));
    }

  streams = json_object_has_member (root, "streams")
            ? json_object_get_array_member (root, "streams") : NULL;
  for (guint i = 0; streams != NULL && i < json_array_get_length (streams); i++)
    {
      JsonObject *stream = json_array_get_object_element (streams, i);

      if (stream != NULL)
        read_stream (media, stream);
    }

  return g_steal_pointer (&media);
}

void
tribuna_test_media_free (TribunaTestMedia *media)
{
  if (media == NULL)
    return;
  g_free (media->format_name);
  g_free (media->video_codec);
  g_free (media->audio_codec);
  g_free (media);
}

typedef struct {
  gboolean is_video;
  gboolean is_audio;
  gint64   tb_num;
  gint64   tb_den;
  guint    frames;
  gint64   duration;        /* sum of durations, in tb */
  gint64   first_pts;
  gint64   end_pts;         /* last pts + its duration, in tb */
  gint64   at_first_error;  /* duration when the first error was printed, -1 before */
} DecodedStream;

static DecodedStream *
decoded_stream (GArray *streams,
                guint   index)
{
  if (index >= 64)
    return NULL;
  while (streams->len <= index)
    {
      DecodedStream blank = { FALSE, FALSE, 1, 1, 0, 0, 0, 0, -1 };

      g_array_append_val (streams, blank);
    }
  return &g_array_index (streams, DecodedStream, index);
}

static double
stream_seconds (const DecodedStream *s,
                gint64               ticks)
{
  return s->tb_den > 0 ? (double) ticks * s->tb_num / s->tb_den : 0;
}

/* "#tb 0: 1/30" and "#media_type 0: video" */
static void
parse_framecrc_header (GArray     *streams,
                       const char *line)
{
  guint index;
  long num, den;
  char type[16];
  DecodedStream *s;

  if (sscanf (line, "#tb %u: %ld/%ld", &index, &num, &den) == 3
      && (s = decoded_stream (streams, index)) != NULL)
    {
      s->tb_num = num;
      s->tb_den = den;
    }
  else if (sscanf (line, "#media_type %u: %15s", &index, type) == 2
           && (s = decoded_stream (streams, index)) != NULL)
    {
      s->is_video = g_str_equal (type, "video");
      s->is_audio = g_str_equal (type, "audio");
    }
}

/* "0,          0,          0,        1,  1382400, 0x4e1f0bc4": stream, dts, pts, duration,
 * size, checksum. Anything else on ffmpeg's merged output is one of its messages. */
static gboolean
parse_framecrc_frame (GArray     *streams,
                      const char *line)
{
  g_auto(GStrv) fields = g_strsplit (line, ",", 0);
  gint64 values[5];
  DecodedStream *s;

  if (g_strv_length (fields) < 6 || !g_str_has_prefix (g_strstrip (fields[5]), "0x"))
    return FALSE;
  for (guint i = 0; i < 5; i++)
    if (!g_ascii_string_to_signed (g_strstrip (fields[i]), 10, G_MININT64, G_MAXINT64,
                                   &values[i], NULL))
      return FALSE;

  s = decoded_stream (streams, (guint) values[0]);
  if (s == NULL)
    return FALSE;
  if (s->frames == 0)
    s->first_pts = values[2];
  s->frames++;
  s->duration += values[3];
  s->end_pts = MAX (s->end_pts, values[2] + values[3]);
  return TRUE;
}

static void
mark_first_error (GArray *streams)
{
  for (guint i = 0; i < streams->len; i++)
    {
      DecodedStream *s = &g_array_index (streams, DecodedStream, i);

      if (s->at_first_error < 0)
        s->at_first_error = s->duration;
    }
}

static void
summarise_decode (TribunaTestDecode *decode,
                  GArray            *streams,
                  gboolean           had_error)
{
  for (guint i = 0; i < streams->len; i++)
    {
      DecodedStream *s = &g_array_index (streams, DecodedStream, i);
      double seconds = stream_seconds (s, s->duration);

      if (s->is_video && decode->video_frames == 0)
        {
          decode->video_frames = s->frames;
          decode->video_duration = seconds;
        }
      else if (s->is_audio && decode->audio_frames == 0)
        {
          decode->audio_frames = s->frames;
          decode->audio_duration = seconds;
        }
      if (s->frames > 0)
        decode->timeline = MAX (decode->timeline, stream_seconds (s, s->end_pts - s->first_pts));
      if (had_error && s->at_first_error >= 0)
        decode->decoded_after_error = MAX (decode->decoded_after_error,
                                           stream_seconds (s, s->duration - s->at_first_error));
    }
  decode->duration = decode->video_frames > 0 ? decode->video_duration : decode->audio_duration;
}

/* Decodes all of @input and reports how much media came out and where ffmpeg complained.
 * Decode errors do not fail it; only an input ffmpeg cannot open or decode at all does. */
TribunaTestDecode *
tribuna_test_decode (const char  *input,
                     GError     **error)
{
  g_autoptr(TribunaTestDecode) decode = NULL;
  g_autoptr(GArray) streams = g_array_new (FALSE, TRUE, sizeof (DecodedStream));
  g_autoptr(GString) errors = g_string_new (NULL);
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  /* framecrc prints a line per decoded frame; flushed per frame and merged with stderr in
   * one pipe, each error lands between the frames it came with. One decoding thread keeps
   * that order exact. */
  const char *argv[] = {
    "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-threads", "1", "-i", input,
    "-fps_mode", "passthrough", "-flush_packets", "1", "-f", "framecrc", "-", NULL,
  };
  int status;

  g_return_val_if_fail (input != NULL, NULL);

  if (!run_tool (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                 &output, NULL, &status, error))
    return NULL;

  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strchomp (lines[i]);

      if (line[0] == '\0')
        continue;
      if (line[0] == '#')
        parse_framecrc_header (streams, line);
      else if (!parse_framecrc_frame (streams, line))
        {
          if (errors->len == 0)
            mark_first_error (streams);
          g_string_append_printf (errors, "%s\n", line);
        }
    }

  decode = g_new0 (TribunaTestDecode, 1);
  summarise_decode (decode, streams, errors->len > 0);
  if (errors->len > 0)
    decode->errors = g_strdup (errors->str);

  if (status != 0 || (decode->video_frames == 0 && decode->audio_frames == 0))
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_MEDIA,
                   "ffmpeg cannot decode %s (exit %d, %u video and %u audio frames): %s",
                   input, status, decode->video_frames, decode->audio_frames,
                   errors->len > 0 ? errors->str : "no message");
      return NULL;
    }

  return g_steal_pointer (&decode);
}

void
tribuna_test_decode_free (TribunaTestDecode *decode)
{
  if (decode == NULL)
    return;
  g_free (decode->errors);
  g_free (decode);
}

/* Seconds of media that decode from @input (the video's, if it has video). Decode errors are
 * an error unless they come only at the very end, as when kill -9 cut the last packet in
 * half. Returns -1 on error. */
double
tribuna_test_decode_duration (const char  *input,
                              GError     **error)
{
  g_autoptr(TribunaTestDecode) decode = tribuna_test_decode (input, error);

  if (decode == NULL)
    return -1;

  if (decode->errors != NULL && decode->decoded_after_error > DECODE_TAIL_TOLERANCE_S)
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_MEDIA,
                   "%s has decode errors %.1f s before its end (of %.1f s decoded):\n%s",
                   input, decode->decoded_after_error, decode->duration, decode->errors);
      return -1;
    }

  return decode->duration;
}

/* "concat:a.ts|b.ts": ffmpeg's concat protocol, for segments of one MPEG-TS stream */
char *
tribuna_test_concat_input (GPtrArray *paths)
{
  g_autoptr(GString) input = g_string_new ("concat:");

  g_return_val_if_fail (paths != NULL && paths->len > 0, NULL);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);

      g_return_val_if_fail (strchr (path, '|') == NULL, NULL);
      if (i > 0)
        g_string_append_c (input, '|');
      g_string_append (input, path);
    }
  return g_string_free (g_steal_pointer (&input), FALSE);
}

/* tmpfs ********************************************************************************/

/* Mounts a tmpfs of @size_mb MB on @dir. The mount outlives a test that aborts: unmount it
 * in the teardown, and keep the mount point inside the test's temporary folder. */
gboolean
tribuna_test_mount_tmpfs (const char  *dir,
                          guint        size_mb,
                          GError     **error)
{
  g_autofree char *options = g_strdup_printf ("size=%um", size_mb);
  int saved_errno;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (size_mb > 0, FALSE);

  if (mount ("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) == 0)
    return TRUE;

  saved_errno = errno;
  g_set_error (error, TRIBUNA_TEST_ERROR,
               saved_errno == EPERM || saved_errno == EACCES
               ? TRIBUNA_TEST_ERROR_NOT_PERMITTED : TRIBUNA_TEST_ERROR_FAILED,
               "Cannot mount a %u MB tmpfs on %s: %s%s", size_mb, dir, g_strerror (saved_errno),
               saved_errno == EPERM || saved_errno == EACCES
               ? " (this needs root with CAP_SYS_ADMIN, which this container does not give)"
               : "");
  return FALSE;
}

gboolean
tribuna_test_umount (const char  *dir,
                     GError     **error)
{
  g_return_val_if_fail (dir != NULL, FALSE);

  /* something may still hold a file open there (a daemon being killed): detach then */
  if (umount2 (dir, 0) == 0 || (errno == EBUSY && umount2 (dir, MNT_DETACH) == 0))
    return TRUE;
  return set_errno_error (error, errno, "unmount", dir);
}

/* The daemon ***************************************************************************/

struct _TribunaTestDaemon {
  GSubprocess  *process;
  GPid          pid;            /* also its process group */
  GThread      *reader;
  GCancellable *cancellable;

  GMutex        lock;
  /* Guarded by lock */
  GPtrArray    *lines;
  GString      *text;
  gboolean      eof;
};

static GSubprocess *
spawn_tribunad (const char * const  *args,
                GSubprocessFlags     flags,
                GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *tribunad = g_getenv ("TRIBUNAD");
  GSubprocess *process;

  if (tribunad == NULL || tribunad[0] == '\0')
    {
      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_NOT_FOUND,
                   "TRIBUNAD is not set: run the tests with `meson test`, or set it to the path "
                   "of the built tribunad");
      return NULL;
    }

  g_ptr_array_add (argv, (gpointer) tribunad);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent_in_own_group, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  if (process == NULL)
    g_prefix_error (error, "Cannot run %s: ", tribunad);
  return process;
}

typedef struct {
  GSubprocess *process;
  GBytes      *out;
  GBytes      *err;
  GError      *error;
  gboolean     done;
  gboolean     timed_out;
} DaemonRun;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  DaemonRun *run = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &run->out, &run->err,
                                   &run->error);
  run->done = TRUE;
}

static gboolean
run_timeout_cb (gpointer user_data)
{
  DaemonRun *run = user_data;

  run->timed_out = TRUE;
  kill_group (run->process);
  return G_SOURCE_REMOVE;
}

/* Runs tribunad with @args to its end, stdout and stderr apart. @out_status is its exit status,
 * or 128 + the signal that killed it. Fails when it cannot run or outlives @timeout_s (then it
 * is killed). */
gboolean
tribuna_test_daemon_run (const char * const  *args,
                         double               timeout_s,
                         char               **out_stdout,
                         char               **out_stderr,
                         int                 *out_status,
                         GError             **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSubprocess) process = NULL;
  DaemonRun run = { NULL, };
  GSource *timeout;
  GPid group;

  g_return_val_if_fail (out_status != NULL, FALSE);

  process = spawn_tribunad (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                            | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (process == NULL)
    return FALSE;

  group = subprocess_pid (process);
  register_group (group);

  /* a private context: the callbacks run here whichever thread calls */
  g_main_context_push_thread_default (context);
  run.process = process;
  g_subprocess_communicate_async (process, NULL, NULL, communicate_cb, &run);
  timeout = g_timeout_source_new ((guint) (timeout_s * 1000));
  g_source_set_callback (timeout, run_timeout_cb, &run, NULL);
  g_source_attach (timeout, context);
  while (!run.done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_main_context_pop_thread_default (context);
  /* whatever it left behind goes with it */
  signal_group (group, SIGKILL);
  unregister_group (group);

  if (run.error != NULL)
    {
      g_propagate_prefixed_error (error, run.error, "Cannot read tribunad's output: ");
      g_clear_pointer (&run.out, g_bytes_unref);
      g_clear_pointer (&run.err, g_bytes_unref);
      return FALSE;
    }

  g_subprocess_wait (process, NULL, NULL);
  if (run.timed_out)
    {
      g_autofree char *out = bytes_to_text (run.out);
      g_autofree char *err = bytes_to_text (run.err);

      g_set_error (error, TRIBUNA_TEST_ERROR, TRIBUNA_TEST_ERROR_TIMEOUT,
                   "tribunad did not exit within %.0f s, so it was killed. Its output:\n%s%s",
                   timeout_s, out, err);
    }
  else
    {
      if (out_stdout != NULL)
        *out_stdout = bytes_to_text (run.out);
      if (out_stderr != NULL)
        *out_stderr = bytes_to_text (run.err);
      *out_status = wait_status_to_code (process);
    }

  g_clear_pointer (&run.out, g_bytes_unref);
  g_clear_pointer (&run.err, g_bytes_unref);
  return !run.timed_out;
}

static gpointer
read_output_thread (gpointer user_data)
{
  TribunaTestDaemon *self = user_data;
  g_autoptr(GDataInputStream) input = NULL;
  char *line;

  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  while ((line = g_data_input_stream_read_line (input, NULL, self->cancellable, NULL)) != NULL)
    {
      char *text = g_utf8_make_valid (line, -1);

      g_free (line);
      g_strchomp (text);
      /* in the test log, beside the test's own messages */
      g_printerr ("tribunad| %s\n", text);

      g_mutex_lock (&self->lock);
      g_string_append_printf (self->text, "%s\n", text);
      g_ptr_array_add (self->lines, text);
      g_mutex_unlock (&self->lock);
    }

  g_mutex_lock (&self->lock);
  self->eof = TRUE;
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* Starts tribunad with @args, its stdout and stderr merged and collected line by line (and
 * copied to our stderr, prefixed "tribunad| "). */
TribunaTestDaemon *
tribuna_test_daemon_spawn (const char * const  *args,
                           GError             **error)
{
  TribunaTestDaemon *self;
  GSubprocess *process;

  process = spawn_tribunad (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                            | G_SUBPROCESS_FLAGS_STDERR_MERGE, error);
  if (process == NULL)
    return NULL;

  self = g_new0 (TribunaTestDaemon, 1);
  self->process = process;
  self->pid = subprocess_pid (process);
  register_group (self->pid);
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  self->lines = g_ptr_array_new_with_free_func (g_free);
  self->text = g_string_new (NULL);
  self->reader = g_thread_new ("tribunad-output", read_output_thread, self);
  return self;
}

typedef struct {
  TribunaTestDaemon *daemon;
  const char        *substring;
  gboolean           found;
} LineSeen;

static gboolean
line_seen (gpointer user_data)
{
  LineSeen *data = user_data;
  gboolean eof;

  g_mutex_lock (&data->daemon->lock);
  for (guint i = 0; !data->found && i < data->daemon->lines->len; i++)
    data->found = strstr (g_ptr_array_index (data->daemon->lines, i), data->substring) != NULL;
  eof = data->daemon->eof;
  g_mutex_unlock (&data->daemon->lock);

  /* after the end of the output, nothing more will come */
  return data->found || eof;
}

/* TRUE once a line containing @substring has been printed, whether before or during this call.
 * FALSE at @timeout_s, or as soon as the daemon's output ends without it. */
gboolean
tribuna_test_daemon_wait_line (TribunaTestDaemon *self,
                               const char        *substring,
                               double             timeout_s)
{
  LineSeen data = { self, substring, FALSE };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (substring != NULL, FALSE);

  tribuna_test_wait_until (line_seen, &data, timeout_s);
  return data.found;
}

/* Everything printed so far, one "\n"-terminated line after the other */
char *
tribuna_test_daemon_output (TribunaTestDaemon *self)
{
  char *text;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->lock);
  text = g_strdup (self->text->str);
  g_mutex_unlock (&self->lock);
  return text;
}

/* A copy of the lines printed so far, without their line ends */
GPtrArray *
tribuna_test_daemon_lines (TribunaTestDaemon *self)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (self != NULL, lines);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->lines->len; i++)
    g_ptr_array_add (lines, g_strdup (g_ptr_array_index (self->lines, i)));
  g_mutex_unlock (&self->lock);
  return lines;
}

void
tribuna_test_daemon_signal (TribunaTestDaemon *self,
                            int                signum)
{
  g_return_if_fail (self != NULL);

  g_subprocess_send_signal (self->process, signum);
}

static gboolean
output_ended (gpointer user_data)
{
  TribunaTestDaemon *self = user_data;
  gboolean eof;

  g_mutex_lock (&self->lock);
  eof = self->eof;
  g_mutex_unlock (&self->lock);
  return eof;
}

/* Waits for the daemon to exit and for the rest of its output. Returns its exit status, 128 +
 * the signal that killed it, or -1 when it outlived @timeout_s (it is then killed). */
int
tribuna_test_daemon_wait_exit (TribunaTestDaemon *self,
                               double             timeout_s)
{
  gboolean exited;

  g_return_val_if_fail (self != NULL, -1);

  exited = tribuna_test_wait_until (process_exited, self->process, timeout_s);
  if (!exited)
    kill_group (self->process);
  g_subprocess_wait (self->process, NULL, NULL);

  /* a child it left behind could hold the pipe open: do not wait forever for that */
  tribuna_test_wait_until (output_ended, self, 2.0);

  return exited ? wait_status_to_code (self->process) : -1;
}

/* Kills the daemon if it still runs */
void
tribuna_test_daemon_free (TribunaTestDaemon *self)
{
  if (self == NULL)
    return;

  if (process_is_running (self->process))
    kill_group (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  if (!tribuna_test_wait_until (output_ended, self, 2.0))
    {
      /* something it started still holds the pipe */
      signal_group (self->pid, SIGKILL);
      if (!tribuna_test_wait_until (output_ended, self, 2.0))
        g_cancellable_cancel (self->cancellable);
    }
  g_thread_join (self->reader);
  unregister_group (self->pid);

  g_clear_object (&self->process);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->lines);
  g_string_free (self->text, TRUE);
  g_mutex_clear (&self->lock);
  g_free (self);
}
