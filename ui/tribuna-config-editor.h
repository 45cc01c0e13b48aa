/* tribuna-config-editor.h: changes to tribuna.conf, accepted only if the engine's parser is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tribuna-config.h"

G_BEGIN_DECLS

/* Changes @key_file (loaded from the file, comments kept); FALSE with @error refuses. */
typedef gboolean (*TribunaConfigEdit) (GKeyFile  *key_file,
                                       gpointer   user_data,
                                       GError   **error);

/* Loads @path (or starts empty when it does not exist), applies @edit, checks the result
 * with tribuna_config_new_from_data() and writes it (mode 0600: it may hold stream keys).
 * Nothing is written when @edit or the parser refuses; the parser's message is @error. */
gboolean  tribuna_config_editor_apply        (const char         *path,
                                              TribunaConfigEdit   edit,
                                              gpointer            user_data,
                                              GError            **error);
/* What apply() would write, parsed, without writing it: NULL with the parser's @error. */
TribunaConfig *tribuna_config_editor_check   (const char         *path,
                                              TribunaConfigEdit   edit,
                                              gpointer            user_data,
                                              GError            **error);
/* The file as it is on disk, or an empty key file; NULL only when it cannot be read. */
GKeyFile *tribuna_config_editor_load         (const char         *path,
                                              GError            **error);
/* The NAMEs of its [source NAME] groups, in file order. */
GStrv     tribuna_config_editor_list_sources (GKeyFile           *key_file);

G_END_DECLS
