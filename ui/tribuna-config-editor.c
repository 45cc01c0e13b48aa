/* tribuna-config-editor.c: changes to tribuna.conf, accepted only if the engine's parser is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The settings never judge a value themselves: they make the whole new file and let
 * tribuna_config_new_from_data() (what tribunad and the console read it with) accept or
 * refuse it, so the dialog and the program can never disagree about what is valid.
 */
#define G_LOG_DOMAIN "tribuna-config-editor"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tribuna-config-editor.h"

GKeyFile *
tribuna_config_editor_load (const char  *path,
                            GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  if (g_file_test (path, G_FILE_TEST_EXISTS)
      && !g_key_file_load_from_file (key_file, path, G_KEY_FILE_KEEP_COMMENTS, error))
    return NULL;
  return g_steal_pointer (&key_file);
}

GStrv
tribuna_config_editor_list_sources (GKeyFile *key_file)
{
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], "source "))
      g_strv_builder_add (names, groups[i] + strlen ("source "));
  return g_strv_builder_end (names);
}

/* The edited file's text, and its parse (NULL when refused). */
static TribunaConfig *
edit_and_parse (const char          *path,
                TribunaConfigEdit    edit,
                gpointer             user_data,
                char               **data,
                GError             **error)
{
  g_autoptr(GKeyFile) key_file = tribuna_config_editor_load (path, error);
  g_autofree char *dir = g_path_get_dirname (path);

  if (key_file == NULL || !edit (key_file, user_data, error))
    return NULL;

  *data = g_key_file_to_data (key_file, NULL, NULL);
  return tribuna_config_new_from_data (*data, path, dir, error);
}

TribunaConfig *
tribuna_config_editor_check (const char          *path,
                             TribunaConfigEdit    edit,
                             gpointer             user_data,
                             GError             **error)
{
  g_autofree char *data = NULL;

  return edit_and_parse (path, edit, user_data, &data, error);
}

gboolean
tribuna_config_editor_apply (const char          *path,
                             TribunaConfigEdit    edit,
                             gpointer             user_data,
                             GError             **error)
{
  g_autofree char *data = NULL;
  g_autoptr(TribunaConfig) check = edit_and_parse (path, edit, user_data, &data, error);
  g_autofree char *dir = g_path_get_dirname (path);

  if (check == NULL)
    return FALSE;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "cannot create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  return g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
