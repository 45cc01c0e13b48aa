/* main.c: tribuna, the operator console
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <locale.h>
#include <signal.h>

#include "tribuna-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TribunaApplication) app = NULL;
  const char *localedir = g_getenv ("TRIBUNA_LOCALEDIR");

  /* The interface follows the locale; TRIBUNA_LOCALEDIR runs it from a build tree. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A write to a closed RTMP socket must never kill the process recording the hall. */
  signal (SIGPIPE, SIG_IGN);
  gst_init (&argc, &argv);

  app = tribuna_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
