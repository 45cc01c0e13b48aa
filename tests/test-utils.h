/* test-utils.h: what every Tribuna test shares: loopback servers, media checks, the daemon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_TEST_ERROR (tribuna_test_error_quark ())

typedef enum {
  TRIBUNA_TEST_ERROR_FAILED,         /* a helper tool or server misbehaved */
  TRIBUNA_TEST_ERROR_NOT_FOUND,      /* a program or module the tests need is not installed */
  TRIBUNA_TEST_ERROR_TIMEOUT,        /* something did not happen before its deadline */
  TRIBUNA_TEST_ERROR_NOT_PERMITTED,  /* needs privileges this machine does not give (mounts) */
  TRIBUNA_TEST_ERROR_MEDIA,          /* a file does not probe or decode as it should */
} TribunaTestError;

GQuark     tribuna_test_error_quark   (void);

/* Files and folders. find_files: regular files under @dir (recursively) whose names end in
 * @suffix, full paths sorted bytewise; empty when @dir does not exist. */
char      *tribuna_test_make_tmpdir   (const char   *tmpl,
                                       GError      **error);
gboolean   tribuna_test_rm_rf         (const char   *path,
                                       GError      **error);
GPtrArray *tribuna_test_find_files    (const char   *dir,
                                       const char   *suffix);

/* A TCP port nothing listens on at 127.0.0.1 right now; 0 on error */
guint      tribuna_test_free_port     (GError      **error);

/* Waiting. Every wait iterates the thread-default main context (the default one in a test's
 * main thread), so an engine running on it keeps working while the test waits. */
typedef gboolean (*TribunaTestPredicate) (gpointer user_data);

gboolean   tribuna_test_wait_until    (TribunaTestPredicate  predicate,
                                       gpointer              user_data,
                                       double                timeout_s);
void       tribuna_test_iterate_for   (double                seconds);

/* An engine on @config_text (a tribuna.conf as text), its data in @data_dir; fails the
 * test if either is refused. */
TribunaEngine *tribuna_test_engine_new          (const char *data_dir,
                                                 const char *config_text);
/* A TribunaTestPredicate on an engine: its recorder is recording. */
gboolean       tribuna_test_engine_is_recording (gpointer    engine);

/* nginx with the RTMP module on 127.0.0.1, recording every publish, optionally behind a
 * TLS-terminating proxy (the stream module, self-signed certificate for CN=localhost) for
 * rtmps://. Applications: "live" (records KEY-<unix time>.flv per publish into the record dir)
 * and "deny" (closes the connection at publish). Everything lives in one temporary folder that
 * free() removes. kill() is a crash (SIGKILL to master and workers, returns once the ports
 * refuse connections); restart() brings it back on the same ports; freeze()/thaw() SIGSTOP and
 * SIGCONT master and workers. recordings() lists KEY's files oldest first;
 * wait_recording_grows() waits for a file beyond the first @n_files_before to appear and grow.
 * Servers and daemons started here are killed if the test aborts. */
typedef struct _TribunaTestNginx TribunaTestNginx;

TribunaTestNginx *tribuna_test_nginx_start                 (gboolean           with_tls,
                                                            GError           **error);
guint             tribuna_test_nginx_get_rtmp_port         (TribunaTestNginx  *self);
guint             tribuna_test_nginx_get_rtmps_port        (TribunaTestNginx  *self);
const char       *tribuna_test_nginx_get_record_dir        (TribunaTestNginx  *self);
char             *tribuna_test_nginx_get_error_log         (TribunaTestNginx  *self);
char             *tribuna_test_nginx_url                   (TribunaTestNginx  *self,
                                                            const char        *app,
                                                            const char        *key);
char             *tribuna_test_nginx_rtmps_url             (TribunaTestNginx  *self,
                                                            const char        *app,
                                                            const char        *key);
gboolean          tribuna_test_nginx_kill                  (TribunaTestNginx  *self,
                                                            GError           **error);
gboolean          tribuna_test_nginx_restart               (TribunaTestNginx  *self,
                                                            GError           **error);
gboolean          tribuna_test_nginx_freeze                (TribunaTestNginx  *self,
                                                            GError           **error);
gboolean          tribuna_test_nginx_thaw                  (TribunaTestNginx  *self,
                                                            GError           **error);
GPtrArray        *tribuna_test_nginx_recordings            (TribunaTestNginx  *self,
                                                            const char        *key);
gboolean          tribuna_test_nginx_wait_recording_grows  (TribunaTestNginx  *self,
                                                            const char        *key,
                                                            guint              n_files_before,
                                                            double             timeout_s);
void              tribuna_test_nginx_free                  (TribunaTestNginx  *self);

/* Media, checked with ffprobe and ffmpeg. An input is a path or a "concat:a.ts|b.ts" string
 * (tribuna_test_concat_input()). decode() decodes everything and reports; decode_duration()
 * returns the seconds decoded but fails when ffmpeg reports errors more than 1.5 s of media
 * before the end (errors at the very end are what kill -9 leaves, and are tolerated). */
typedef struct {
  double  duration;       /* the container's duration in seconds, -1 when unknown */
  char   *format_name;    /* e.g. "mpegts", "flv" */
  guint   n_video;        /* number of video streams */
  guint   n_audio;        /* number of audio streams */
  char   *video_codec;    /* first video stream, e.g. "h264"; NULL without video */
  guint   width;
  guint   height;
  double  frame_rate;     /* average frames per second, 0 when unknown */
  char   *audio_codec;    /* first audio stream, e.g. "aac"; NULL without audio */
  guint   sample_rate;
  guint   channels;
} TribunaTestMedia;

typedef struct {
  double  duration;            /* seconds decoded: the video's if any, else the audio's */
  double  video_duration;      /* sum of the decoded video frames' durations */
  double  audio_duration;      /* sum of the decoded audio frames' durations */
  double  timeline;            /* last timestamp minus first; above duration when there are gaps */
  guint   video_frames;
  guint   audio_frames;
  double  decoded_after_error; /* seconds decoded after ffmpeg's first error, 0 if none */
  char   *errors;              /* the errors ffmpeg printed, NULL if none */
} TribunaTestDecode;

TribunaTestMedia  *tribuna_test_probe            (const char         *input,
                                                  GError            **error);
void               tribuna_test_media_free       (TribunaTestMedia   *media);
TribunaTestDecode *tribuna_test_decode           (const char         *input,
                                                  GError            **error);
void               tribuna_test_decode_free      (TribunaTestDecode  *decode);
double             tribuna_test_decode_duration  (const char         *input,
                                                  GError            **error);
char              *tribuna_test_concat_input     (GPtrArray          *paths);

/* A small filesystem, to run the recorder out of space. Needs root (CAP_SYS_ADMIN). */
gboolean   tribuna_test_mount_tmpfs   (const char   *dir,
                                       guint         size_mb,
                                       GError      **error);
gboolean   tribuna_test_umount        (const char   *dir,
                                       GError      **error);

/* The built tribunad ($TRIBUNAD), run as a subprocess. Exit statuses are the process's own,
 * 128 + N when signal N killed it, -1 when it outlived the timeout (it is then killed).
 * run(): to its end, stdout and stderr apart. spawn(): in the background, stdout and stderr
 * merged and collected line by line (also copied to the test's stderr as "tribunad| ...");
 * wait_line() is TRUE once any line so far contains @substring. */
typedef struct _TribunaTestDaemon TribunaTestDaemon;

gboolean           tribuna_test_daemon_run        (const char * const  *args,
                                                   double               timeout_s,
                                                   char               **out_stdout,
                                                   char               **out_stderr,
                                                   int                 *out_status,
                                                   GError             **error);
TribunaTestDaemon *tribuna_test_daemon_spawn      (const char * const  *args,
                                                   GError             **error);
gboolean           tribuna_test_daemon_wait_line  (TribunaTestDaemon   *self,
                                                   const char          *substring,
                                                   double               timeout_s);
char              *tribuna_test_daemon_output     (TribunaTestDaemon   *self);
GPtrArray         *tribuna_test_daemon_lines      (TribunaTestDaemon   *self);
void               tribuna_test_daemon_signal     (TribunaTestDaemon   *self,
                                                   int                  signum);
int                tribuna_test_daemon_wait_exit  (TribunaTestDaemon   *self,
                                                   double               timeout_s);
void               tribuna_test_daemon_free       (TribunaTestDaemon   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaTestNginx, tribuna_test_nginx_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaTestMedia, tribuna_test_media_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaTestDecode, tribuna_test_decode_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaTestDaemon, tribuna_test_daemon_free)

G_END_DECLS
