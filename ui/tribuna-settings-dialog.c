/* tribuna-settings-dialog.c: destinations, program quality, data folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every field is checked by the code that will use it (the RTMP URL parser, the config
 * parser), and a refusal is shown next to the field in that code's words. A stream key goes
 * straight into the secrets file (TribunaAccounts, mode 0600), exactly as the HTTP API
 * stores one, and the entry is emptied: the console never shows a saved key again.
 * Sources, the slate, quality and data folder go to tribuna.conf through
 * tribuna-config-editor.c, which lets the config parser accept or refuse the new file.
 */
#define G_LOG_DOMAIN "tribuna-settings"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tribuna-config-editor.h"
#include "tribuna-settings-dialog.h"
#include "tribuna-audio-devices.h"
#include "tribuna-video-devices.h"

#define MAX_NAME_CHARS 64

struct _TribunaSettingsDialog
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwPreferencesGroup  *destinations_group;
  AdwEntryRow          *name_row;
  GtkLabel             *name_error;
  AdwEntryRow          *url_row;
  GtkLabel             *url_error;
  AdwEntryRow          *key_row;
  GtkLabel             *key_error;
  GtkSwitch            *tls_switch;
  GtkButton            *add_button;
  AdwPreferencesGroup  *sources_group;
  AdwEntryRow          *source_name_row;
  GtkLabel             *source_name_error;
  AdwEntryRow          *source_uri_row;
  GtkLabel             *source_uri_error;
  GtkMenuButton        *cameras_button;
  GtkMenuButton        *microphones_button;
  GtkButton            *add_source_button;
  GtkFontButton        *font_button;
  GtkColorButton       *background_button;
  GtkColorButton       *foreground_button;
  GtkColorButton       *accent_button;
  AdwEntryRow          *logo_row;
  GtkLabel             *overlays_error;
  GtkSwitch            *clock_switch;
  GtkButton            *save_overlays_button;
  AdwEntryRow          *slate_title_row;
  AdwEntryRow          *slate_subtitle_row;
  GtkLabel             *slate_error;
  GtkButton            *save_slate_button;
  AdwComboRow          *quality_row;
  AdwEntryRow          *data_dir_row;
  GtkLabel             *data_dir_error;
  AdwActionRow         *config_row;
  GtkButton            *save_button;

  /* Owned references */
  TribunaEngine        *engine;
  TribunaAccounts      *accounts;
  char                 *config_path;
  GPtrArray            *rows;          /* the destination rows shown, to remove them */
  GPtrArray            *source_rows;   /* the same for sources */
  gboolean              custom_quality;  /* the file's quality matches no preset */
};

G_DEFINE_FINAL_TYPE (TribunaSettingsDialog, tribuna_settings_dialog, ADW_TYPE_PREFERENCES_WINDOW)

typedef struct {
  const char *label;
  guint       width;
  guint       height;
  guint       framerate;
  guint       video_kbps;
} QualityPreset;

static const QualityPreset presets[] = {
  { N_("720p, 30 fps, 4 Mbit/s (recommended)"), 1280, 720, 30, 4000 },
  { N_("1080p, 30 fps, 6 Mbit/s (good connection)"), 1920, 1080, 30, 6000 },
  { N_("480p, 30 fps, 1.5 Mbit/s (poor connection)"), 854, 480, 30, 1500 },
};

/* Field errors */

/* The entry row a field is typed in. */
static GtkWidget *
field_row (TribunaSettingsDialog *self,
           const char            *field)
{
  if (g_str_equal (field, "name"))
    return GTK_WIDGET (self->name_row);
  if (g_str_equal (field, "url"))
    return GTK_WIDGET (self->url_row);
  if (g_str_equal (field, "key"))
    return GTK_WIDGET (self->key_row);
  if (g_str_equal (field, "source-name"))
    return GTK_WIDGET (self->source_name_row);
  if (g_str_equal (field, "source-uri"))
    return GTK_WIDGET (self->source_uri_row);
  if (g_str_equal (field, "slate"))
    return GTK_WIDGET (self->slate_title_row);
  if (g_str_equal (field, "overlays"))
    return GTK_WIDGET (self->logo_row);
  return GTK_WIDGET (self->data_dir_row);
}

static GtkLabel *
error_label (TribunaSettingsDialog *self,
             const char            *field)
{
  if (g_str_equal (field, "name"))
    return self->name_error;
  if (g_str_equal (field, "url"))
    return self->url_error;
  if (g_str_equal (field, "key"))
    return self->key_error;
  if (g_str_equal (field, "data-dir"))
    return self->data_dir_error;
  if (g_str_equal (field, "source-name"))
    return self->source_name_error;
  if (g_str_equal (field, "source-uri"))
    return self->source_uri_error;
  if (g_str_equal (field, "slate"))
    return self->slate_error;
  if (g_str_equal (field, "overlays"))
    return self->overlays_error;
  return NULL;
}

static void
set_field_error (TribunaSettingsDialog *self,
                 const char            *field,
                 const char            *message)
{
  GtkLabel *label = error_label (self, field);
  GtkWidget *row = field_row (self, field);

  /* The reason sits in its own row right under the field. */
  gtk_label_set_label (label, message ? message : "");
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (label), ADW_TYPE_PREFERENCES_ROW),
                          message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
  /* Screen readers hear the reason with the field. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  message ? message : "", -1);
}

/* Shows why @field is refused; FALSE, for "return refuse (…)". */
static gboolean
refuse (TribunaSettingsDialog *self,
        const char            *field,
        const char            *message)
{
  set_field_error (self, field, message);
  return FALSE;
}

static void
clear_destination_errors (TribunaSettingsDialog *self)
{
  set_field_error (self, "name", NULL);
  set_field_error (self, "url", NULL);
  set_field_error (self, "key", NULL);
}

/* Failures that belong to no field (the file, the engine). */
static void
show_file_error (TribunaSettingsDialog *self,
                 const GError          *error)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
}

/* The destinations list */

static gboolean
is_configured (TribunaSettingsDialog *self,
               const char            *name)
{
  TribunaConfig *engine_config = tribuna_engine_get_config (self->engine);
  GPtrArray *configured = tribuna_config_get_destinations (engine_config);

  for (guint i = 0; i < configured->len; i++)
    {
      const TribunaDestinationConfig *config = g_ptr_array_index (configured, i);

      if (g_str_equal (config->name, name))
        return TRUE;
    }
  return FALSE;
}

static void reload_destinations (TribunaSettingsDialog *self);

/* Only destinations added here or through the API: the config's belong to the file. */
gboolean
tribuna_settings_dialog_remove_destination (TribunaSettingsDialog *self,
                                            const char            *name)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), FALSE);

  if (is_configured (self, name))
    return FALSE;
  if (tribuna_engine_find_destination (self->engine, name) != NULL
      && !tribuna_engine_remove_destination (self->engine, name, &error))
    {
      show_file_error (self, error);
      return FALSE;
    }
  if (!tribuna_accounts_delete_destination (self->accounts, name, &error))
    {
      show_file_error (self, error);
      return FALSE;
    }
  reload_destinations (self);
  return TRUE;
}

static void
on_remove_clicked (GtkButton             *button,
                   TribunaSettingsDialog *self)
{
  tribuna_settings_dialog_remove_destination (self, g_object_get_data (G_OBJECT (button),
                                                                       "destination"));
}

static void
add_destination_row (TribunaSettingsDialog *self,
                     const char            *name,
                     const char            *masked_url,
                     gboolean               from_config,
                     gboolean               wanted)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  subtitle = from_config
             ? g_strdup_printf (_("%s — from the configuration file; change it there"),
                                masked_url)
             : g_strdup (masked_url);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  if (!from_config)
    {
      button = gtk_button_new_with_label (_("Remove"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_sensitive (button, !wanted);
      gtk_widget_set_tooltip_text (button, wanted ? _("Stop this destination first") : NULL);
      g_object_set_data_full (G_OBJECT (button), "destination", g_strdup (name), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_remove_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  adw_preferences_group_add (self->destinations_group, row);
  g_ptr_array_add (self->rows, row);
}

static void
add_stored_rows (TribunaSettingsDialog *self)
{
  g_autoptr(GPtrArray) stored = tribuna_accounts_list_destinations (self->accounts, NULL);

  for (guint i = 0; stored != NULL && i < stored->len; i++)
    {
      const TribunaStoredDestination *destination = g_ptr_array_index (stored, i);
      g_autofree char *masked = NULL;

      if (tribuna_engine_find_destination (self->engine, destination->name) != NULL
          || is_configured (self, destination->name))
        continue;
      /* The stored URL holds no key; it is masked anyway, like everywhere else. */
      masked = tribuna_mask_url (destination->url);
      add_destination_row (self, destination->name, masked, FALSE, FALSE);
    }
}

static void
reload_destinations (TribunaSettingsDialog *self)
{
  GListModel *model = tribuna_engine_get_destinations (self->engine);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->destinations_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TribunaDestination) destination = g_list_model_get_item (model, i);
      const char *name = tribuna_destination_get_name (destination);

      add_destination_row (self, name, tribuna_destination_get_masked_url (destination),
                           is_configured (self, name),
                           tribuna_destination_get_wanted (destination));
    }
  add_stored_rows (self);
}

/* Adding one */

static gboolean
check_name (TribunaSettingsDialog *self,
            const char            *name)
{
  g_autoptr(TribunaStoredDestination) stored = NULL;

  if (*name == '\0')
    return refuse (self, "name", _("Give the destination a name"));
  if (g_utf8_strlen (name, -1) > MAX_NAME_CHARS)
    return refuse (self, "name", _("At most 64 characters"));
  /* The API addresses it as /destinations/NAME: one path segment. */
  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == '/' || *p == '\\')
      return refuse (self, "name", _("No “/”, “\\” or control characters"));
  if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    return refuse (self, "name", _("Cannot be “.” or “..”"));

  stored = tribuna_accounts_get_destination (self->accounts, name, NULL);
  if (stored != NULL || is_configured (self, name)
      || tribuna_engine_find_destination (self->engine, name) != NULL)
    return refuse (self, "name", _("A destination with this name exists"));

  return TRUE;
}

/* The URL parser of the engine decides; its message is shown as it is. */
static TribunaRtmpUrl *
check_url (TribunaSettingsDialog *self,
           const char            *url,
           const char            *key)
{
  g_autoptr(GError) error = NULL;
  TribunaRtmpUrl *parsed;

  if (*key != '\0' && !tribuna_rtmp_url_check_key (key, &error))
    {
      set_field_error (self, "key", error->message);
      return NULL;
    }

  parsed = tribuna_rtmp_url_parse (url, *key != '\0' ? key : NULL, &error);
  if (parsed == NULL)
    set_field_error (self, "url", error->message);
  return parsed;
}

static char *
base_url (const TribunaRtmpUrl *url)
{
  gboolean v6 = strchr (url->host, ':') != NULL;

  return g_strdup_printf ("%s://%s%s%s:%u/%s", url->scheme, v6 ? "[" : "", url->host,
                          v6 ? "]" : "", url->port, url->application);
}

static gboolean
store_destination (TribunaSettingsDialog *self,
                   const char            *name,
                   const TribunaRtmpUrl  *url)
{
  gboolean tls_verify = gtk_switch_get_active (self->tls_switch);
  g_autofree char *base = base_url (url);
  g_autoptr(TribunaStoredDestination) stored =
    tribuna_stored_destination_new (name, base, url->key, TRUE, tls_verify);
  g_autoptr(TribunaDestinationConfig) config =
    tribuna_destination_config_new (name, url, TRUE, tls_verify);
  g_autoptr(GError) error = NULL;

  if (!tribuna_accounts_add_destination (self->accounts, stored, &error))
    return refuse (self, "name", error->message);

  if (tribuna_engine_add_destination (self->engine, config, &error) == NULL)
    {
      g_autofree char *message = tribuna_redact (error->message, url->key);

      tribuna_accounts_delete_destination (self->accounts, name, NULL);
      return refuse (self, "url", message);
    }

  return TRUE;
}

gboolean
tribuna_settings_dialog_add_destination (TribunaSettingsDialog *self)
{
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  const char *key;
  g_autoptr(TribunaRtmpUrl) parsed = NULL;

  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), FALSE);

  clear_destination_errors (self);
  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));

  if (!check_name (self, name) || (parsed = check_url (self, url, key)) == NULL
      || !store_destination (self, name, parsed))
    return FALSE;

  /* Saved: the key is in the secrets file and nowhere on screen. */
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  reload_destinations (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Destination added")));
  return TRUE;
}

static void
on_add_clicked (GtkButton             *button,
                TribunaSettingsDialog *self)
{
  tribuna_settings_dialog_add_destination (self);
}

/* The program page: written to tribuna.conf, checked by the config parser first. */

static gboolean
check_data_dir (TribunaSettingsDialog *self,
                const char            *path)
{
  g_autofree char *parent = NULL;

  if (!g_path_is_absolute (path))
    return refuse (self, "data-dir", _("Give a full path, starting with “/”"));
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        return refuse (self, "data-dir", _("This is a file, not a folder"));
      if (g_access (path, W_OK) != 0)
        return refuse (self, "data-dir", _("Tribuna cannot write in this folder"));
      return TRUE;
    }

  parent = g_path_get_dirname (path);
  if (!g_file_test (parent, G_FILE_TEST_IS_DIR) || g_access (parent, W_OK) != 0)
    return refuse (self, "data-dir", _("The folder does not exist and cannot be created here"));
  return TRUE;
}

typedef struct {
  TribunaSettingsDialog *self;
  const char            *data_dir;
} ProgramEdit;

static gboolean
edit_program (GKeyFile  *key_file,
              gpointer   user_data,
              GError   **error)
{
  ProgramEdit *edit = user_data;
  TribunaSettingsDialog *self = edit->self;
  guint selected = adw_combo_row_get_selected (self->quality_row);

  if (!self->custom_quality || selected > 0)
    {
      const QualityPreset *preset = &presets[selected - (self->custom_quality ? 1 : 0)];

      g_key_file_set_integer (key_file, "program", "width", (int) preset->width);
      g_key_file_set_integer (key_file, "program", "height", (int) preset->height);
      g_key_file_set_integer (key_file, "program", "framerate", (int) preset->framerate);
      g_key_file_set_integer (key_file, "program", "video-bitrate", (int) preset->video_kbps);
    }
  g_key_file_set_string (key_file, "paths", "data-dir", edit->data_dir);
  return TRUE;
}

static gboolean
save_program (TribunaSettingsDialog  *self,
              GError                **error)
{
  ProgramEdit edit = { self, gtk_editable_get_text (GTK_EDITABLE (self->data_dir_row)) };

  set_field_error (self, "data-dir", NULL);
  if (!check_data_dir (self, edit.data_dir))
    return FALSE;

  /* The engine's own parser is the judge: what it refuses is never written. */
  return tribuna_config_editor_apply (self->config_path, edit_program, &edit, error);
}

gboolean
tribuna_settings_dialog_save_program (TribunaSettingsDialog *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), FALSE);

  if (save_program (self, &error))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
        adw_toast_new (_("Saved; it applies when Tribuna starts again")));
      return TRUE;
    }
  if (error != NULL)
    show_file_error (self, error);
  return FALSE;
}

static void
on_save_clicked (GtkButton             *button,
                 TribunaSettingsDialog *self)
{
  tribuna_settings_dialog_save_program (self);
}

static void
fill_program (TribunaSettingsDialog *self)
{
  TribunaConfig *config = tribuna_engine_get_config (self->engine);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint selected = 0;

  self->custom_quality = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (presets[i].width == tribuna_config_get_width (config)
        && presets[i].height == tribuna_config_get_height (config)
        && presets[i].framerate == tribuna_config_get_framerate (config)
        && presets[i].video_kbps == tribuna_config_get_video_bitrate (config))
      {
        self->custom_quality = FALSE;
        selected = i;
      }

  if (self->custom_quality)
    {
      g_autofree char *custom = g_strdup_printf (_("As in the file: %ux%u, %u fps, %u kbit/s"),
                                                 tribuna_config_get_width (config),
                                                 tribuna_config_get_height (config),
                                                 tribuna_config_get_framerate (config),
                                                 tribuna_config_get_video_bitrate (config));
      gtk_string_list_append (labels, custom);
    }
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    gtk_string_list_append (labels, _(presets[i].label));
  adw_combo_row_set_model (self->quality_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->quality_row, selected);

  gtk_editable_set_text (GTK_EDITABLE (self->data_dir_row),
                         tribuna_engine_get_data_dir (self->engine));
  adw_action_row_set_subtitle (self->config_row, self->config_path);
}

/* The Sources page: the [source NAME] groups of tribuna.conf; added and removed live on the
 * program too (issue #4's engine takes sources while it runs). */

static void reload_sources (TribunaSettingsDialog *self);

static gboolean
edit_remove_source (GKeyFile  *key_file,
                    gpointer   user_data,
                    GError   **error)
{
  g_autofree char *group = g_strdup_printf ("source %s", (const char *) user_data);

  return g_key_file_remove_group (key_file, group, error);
}

gboolean
tribuna_settings_dialog_remove_source (TribunaSettingsDialog *self,
                                       const char            *name)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), FALSE);

  /* Off the program first (the engine refuses the source on program), then out of the file. */
  if (tribuna_engine_find_source (self->engine, name) != NULL
      && !tribuna_engine_remove_source (self->engine, name, &error))
    {
      show_file_error (self, error);
      return FALSE;
    }
  if (!tribuna_config_editor_apply (self->config_path, edit_remove_source, (gpointer) name,
                                    &error))
    {
      show_file_error (self, error);
      return FALSE;
    }
  reload_sources (self);
  return TRUE;
}

static void
on_remove_source_clicked (GtkButton             *button,
                          TribunaSettingsDialog *self)
{
  tribuna_settings_dialog_remove_source (self, g_object_get_data (G_OBJECT (button), "source"));
}

static void
add_source_row (TribunaSettingsDialog *self,
                const char            *name,
                const char            *uri)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_label (_("Remove"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), uri ? uri : "");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "source", g_strdup (name), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_source_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_preferences_group_add (self->sources_group, row);
  g_ptr_array_add (self->source_rows, row);
}

static void
reload_sources (TribunaSettingsDialog *self)
{
  g_autoptr(GKeyFile) key_file = tribuna_config_editor_load (self->config_path, NULL);
  g_auto(GStrv) names = key_file ? tribuna_config_editor_list_sources (key_file) : NULL;

  for (guint i = 0; i < self->source_rows->len; i++)
    adw_preferences_group_remove (self->sources_group, g_ptr_array_index (self->source_rows, i));
  g_ptr_array_set_size (self->source_rows, 0);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *group = g_strdup_printf ("source %s", names[i]);
      g_autofree char *uri = g_key_file_get_string (key_file, group, "uri", NULL);

      add_source_row (self, names[i], uri);
    }
  if (names == NULL || names[0] == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No source in the file: a test pattern is shown"));
      adw_preferences_group_add (self->sources_group, row);
      g_ptr_array_add (self->source_rows, row);
    }
}

typedef struct {
  const char *name;
  const char *uri;
} SourceEdit;

static gboolean
edit_add_source (GKeyFile  *key_file,
                 gpointer   user_data,
                 GError   **error)
{
  SourceEdit *edit = user_data;
  g_autofree char *group = g_strdup_printf ("source %s", edit->name);

  g_key_file_set_string (key_file, group, "uri", edit->uri);
  return TRUE;
}

gboolean
tribuna_settings_dialog_add_source (TribunaSettingsDialog *self)
{
  g_autofree char *name = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  g_autofree char *group = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaConfig) check = NULL;
  SourceEdit edit;

  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), FALSE);

  set_field_error (self, "source-name", NULL);
  set_field_error (self, "source-uri", NULL);
  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->source_name_row))));
  uri = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->source_uri_row))));
  if (*name == '\0')
    return refuse (self, "source-name", _("Give the source a name"));
  if (*uri == '\0')
    return refuse (self, "source-uri", _("Give its address, or pick a camera"));

  key_file = tribuna_config_editor_load (self->config_path, NULL);
  group = g_strdup_printf ("source %s", name);
  if (key_file != NULL && g_key_file_has_group (key_file, group))
    return refuse (self, "source-name", _("A source with this name exists"));

  /* The config parser checks the name and the address (its words go under the address);
   * then the program takes it live, and the file keeps it for the next start. */
  edit = (SourceEdit) { name, uri };
  check = tribuna_config_editor_check (self->config_path, edit_add_source, &edit, &error);
  if (check == NULL)
    return refuse (self, "source-uri", error->message);
  if (!tribuna_engine_add_source (self->engine, name, uri, &error))
    return refuse (self, g_error_matches (error, TRIBUNA_ENGINE_ERROR,
                                          TRIBUNA_ENGINE_ERROR_DUPLICATE_SOURCE)
                         ? "source-name" : "source-uri", error->message);
  if (!tribuna_config_editor_apply (self->config_path, edit_add_source, &edit, &error))
    {
      tribuna_engine_remove_source (self->engine, name, NULL);
      return refuse (self, "source-uri", error->message);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->source_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->source_uri_row), "");
  reload_sources (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Source added")));
  return TRUE;
}

static void
on_add_source_clicked (GtkButton             *button,
                       TribunaSettingsDialog *self)
{
  tribuna_settings_dialog_add_source (self);
}

/* The cameras GStreamer can open now, offered as v4l2:// addresses. */
static void
fill_cameras_menu (TribunaSettingsDialog *self)
{
  g_autoptr(GPtrArray) devices = tribuna_video_devices_list ();
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; i < devices->len; i++)
    {
      TribunaVideoDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *uri = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (device->device_path == NULL)
        continue;
      uri = g_strdup_printf ("v4l2://%s", device->device_path);
      item = g_menu_item_new (device->display_name, NULL);
      g_menu_item_set_action_and_target (item, "settings.use-address", "s", uri);
      g_menu_append_item (menu, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (menu)) == 0)
    g_menu_append (menu, _("No camera found"), "settings.none-found");
  gtk_menu_button_set_menu_model (self->cameras_button, G_MENU_MODEL (menu));
}

/* The microphones the sound server (or ALSA) offers, as pulse: or alsa: addresses. */
static void
fill_microphones_menu (TribunaSettingsDialog *self)
{
  g_autoptr(GPtrArray) devices = tribuna_audio_devices_list ();
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; i < devices->len; i++)
    {
      TribunaAudioDevice *device = g_ptr_array_index (devices, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (device->display_name, NULL);

      g_menu_item_set_action_and_target (item, "settings.use-address", "s", device->uri);
      g_menu_append_item (menu, item);
    }
  if (devices->len == 0)
    g_menu_append (menu, _("No microphone found"), "settings.none-found");
  gtk_menu_button_set_menu_model (self->microphones_button, G_MENU_MODEL (menu));
}

static void
use_address_activated (GtkWidget  *widget,
                      const char *action,
                      GVariant   *parameter)
{
  TribunaSettingsDialog *self = TRIBUNA_SETTINGS_DIALOG (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->source_uri_row),
                         g_variant_get_string (parameter, NULL));
}

/* The lower third and logo: [overlays] of tribuna.conf. */

/* 0xAARRGGBB, as the engine's theme holds a colour, and "#RRGGBBAA", as the file writes it. */
static void
argb_to_rgba (guint32  argb,
              GdkRGBA *rgba)
{
  rgba->alpha = (argb >> 24 & 0xff) / 255.0;
  rgba->red = (argb >> 16 & 0xff) / 255.0;
  rgba->green = (argb >> 8 & 0xff) / 255.0;
  rgba->blue = (argb & 0xff) / 255.0;
}

static char *
colour_text (GtkColorButton *button)
{
  GdkRGBA rgba;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  return g_strdup_printf ("#%02X%02X%02X%02X", (guint) (rgba.red * 255 + 0.5),
                          (guint) (rgba.green * 255 + 0.5), (guint) (rgba.blue * 255 + 0.5),
                          (guint) (rgba.alpha * 255 + 0.5));
}

static gboolean
edit_overlays (GKeyFile  *key_file,
               gpointer   user_data,
               GError   **error)
{
  TribunaSettingsDialog *self = user_data;
  g_autofree char *font = gtk_font_chooser_get_font (GTK_FONT_CHOOSER (self->font_button));
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);
  const char *family = pango_font_description_get_family (description);
  const char *buttons[] = { "background", "foreground", "accent" };
  GtkColorButton *colours[] = { self->background_button, self->foreground_button,
                                self->accent_button };

  if (family != NULL)
    g_key_file_set_string (key_file, "overlays", "font", family);
  for (guint i = 0; i < G_N_ELEMENTS (colours); i++)
    {
      g_autofree char *text = colour_text (colours[i]);

      g_key_file_set_string (key_file, "overlays", buttons[i], text);
    }
  g_key_file_set_string (key_file, "overlays", "logo",
                         gtk_editable_get_text (GTK_EDITABLE (self->logo_row)));
  g_key_file_set_boolean (key_file, "overlays", "clock",
                          gtk_switch_get_active (self->clock_switch));
  return TRUE;
}

gboolean
tribuna_settings_dialog_save_overlays (TribunaSettingsDialog *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), FALSE);

  set_field_error (self, "overlays", NULL);
  if (!tribuna_config_editor_apply (self->config_path, edit_overlays, self, &error))
    return refuse (self, "overlays", error->message);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
    adw_toast_new (_("Saved; it applies when Tribuna starts again")));
  return TRUE;
}

static void
on_save_overlays_clicked (GtkButton             *button,
                          TribunaSettingsDialog *self)
{
  tribuna_settings_dialog_save_overlays (self);
}

static void
fill_overlays (TribunaSettingsDialog *self)
{
  TribunaConfig *config = tribuna_engine_get_config (self->engine);
  const TribunaLowerThirdTheme *theme = tribuna_config_get_overlay_theme (config);
  const char *logo = tribuna_config_get_overlay_logo (config);
  GdkRGBA rgba;

  if (theme->font != NULL)
    gtk_font_chooser_set_font (GTK_FONT_CHOOSER (self->font_button), theme->font);
  argb_to_rgba (theme->background, &rgba);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->background_button), &rgba);
  argb_to_rgba (theme->foreground, &rgba);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->foreground_button), &rgba);
  argb_to_rgba (theme->accent, &rgba);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->accent_button), &rgba);
  gtk_editable_set_text (GTK_EDITABLE (self->logo_row), logo ? logo : "");
  gtk_switch_set_active (self->clock_switch, tribuna_config_get_overlay_clock (config));
}

void
tribuna_settings_dialog_fill_overlays (TribunaSettingsDialog *self,
                                       const char            *font,
                                       const GdkRGBA         *background,
                                       const char            *logo,
                                       gboolean               clock)
{
  g_return_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self));

  gtk_font_chooser_set_font (GTK_FONT_CHOOSER (self->font_button), font);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->background_button), background);
  gtk_editable_set_text (GTK_EDITABLE (self->logo_row), logo ? logo : "");
  gtk_switch_set_active (self->clock_switch, clock);
}

/* The break slate */

typedef struct {
  const char *title;
  const char *subtitle;
} SlateEdit;

static gboolean
edit_slate (GKeyFile  *key_file,
            gpointer   user_data,
            GError   **error)
{
  SlateEdit *edit = user_data;

  g_key_file_set_string (key_file, "slate", "title", edit->title);
  g_key_file_set_string (key_file, "slate", "subtitle", edit->subtitle);
  return TRUE;
}

gboolean
tribuna_settings_dialog_save_slate (TribunaSettingsDialog *self)
{
  SlateEdit edit;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), FALSE);

  set_field_error (self, "slate", NULL);
  edit = (SlateEdit) { gtk_editable_get_text (GTK_EDITABLE (self->slate_title_row)),
                       gtk_editable_get_text (GTK_EDITABLE (self->slate_subtitle_row)) };
  if (!tribuna_config_editor_apply (self->config_path, edit_slate, &edit, &error))
    return refuse (self, "slate", error->message);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
    adw_toast_new (_("Saved; it applies when Tribuna starts again")));
  return TRUE;
}

static void
on_save_slate_clicked (GtkButton             *button,
                       TribunaSettingsDialog *self)
{
  tribuna_settings_dialog_save_slate (self);
}

static void
fill_slate (TribunaSettingsDialog *self)
{
  TribunaConfig *config = tribuna_engine_get_config (self->engine);
  const char *title = tribuna_config_get_slate_title (config);
  const char *subtitle = tribuna_config_get_slate_subtitle (config);

  gtk_editable_set_text (GTK_EDITABLE (self->slate_title_row), title ? title : "");
  gtk_editable_set_text (GTK_EDITABLE (self->slate_subtitle_row), subtitle ? subtitle : "");
}

/* For tests */

void
tribuna_settings_dialog_fill_source (TribunaSettingsDialog *self,
                                     const char            *name,
                                     const char            *uri)
{
  g_return_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->source_name_row), name ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->source_uri_row), uri ? uri : "");
}

void
tribuna_settings_dialog_fill_slate (TribunaSettingsDialog *self,
                                    const char            *title,
                                    const char            *subtitle)
{
  g_return_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->slate_title_row), title ? title : "");
  gtk_editable_set_text (GTK_EDITABLE (self->slate_subtitle_row), subtitle ? subtitle : "");
}

void
tribuna_settings_dialog_fill_destination (TribunaSettingsDialog *self,
                                          const char            *name,
                                          const char            *url,
                                          const char            *key)
{
  g_return_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url ? url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), key ? key : "");
}

void
tribuna_settings_dialog_fill_program (TribunaSettingsDialog *self,
                                      guint                  quality,
                                      const char            *data_dir)
{
  g_return_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self));

  adw_combo_row_set_selected (self->quality_row, quality);
  gtk_editable_set_text (GTK_EDITABLE (self->data_dir_row), data_dir);
}

const char *
tribuna_settings_dialog_get_field_error (TribunaSettingsDialog *self,
                                         const char            *field)
{
  GtkLabel *label;

  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), NULL);

  label = error_label (self, field);
  if (label == NULL || *gtk_label_get_label (label) == '\0')
    return NULL;
  return gtk_label_get_label (label);
}

const char *
tribuna_settings_dialog_get_key_text (TribunaSettingsDialog *self)
{
  g_return_val_if_fail (TRIBUNA_IS_SETTINGS_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->key_row));
}

static void
tribuna_settings_dialog_dispose (GObject *object)
{
  TribunaSettingsDialog *self = TRIBUNA_SETTINGS_DIALOG (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->source_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRIBUNA_TYPE_SETTINGS_DIALOG);
  g_clear_object (&self->engine);
  g_clear_object (&self->accounts);
  g_clear_pointer (&self->config_path, g_free);

  G_OBJECT_CLASS (tribuna_settings_dialog_parent_class)->dispose (object);
}

static void
tribuna_settings_dialog_class_init (TribunaSettingsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tribuna_settings_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tribuna/Console/tribuna-settings-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, destinations_group);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, url_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, key_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, sources_group);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, source_name_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, source_name_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, source_uri_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, source_uri_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, cameras_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, microphones_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, add_source_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, font_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, background_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, foreground_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, accent_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, logo_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, overlays_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, clock_switch);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, save_overlays_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, slate_title_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, slate_subtitle_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, slate_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, save_slate_button);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, quality_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, data_dir_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, data_dir_error);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, config_row);
  gtk_widget_class_bind_template_child (widget_class, TribunaSettingsDialog, save_button);

  gtk_widget_class_install_action (widget_class, "settings.use-address", "s",
                                   use_address_activated);
}

static void
tribuna_settings_dialog_init (TribunaSettingsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->source_rows = g_ptr_array_new ();
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (on_add_clicked), self);
  g_signal_connect (self->add_source_button, "clicked", G_CALLBACK (on_add_source_clicked), self);
  g_signal_connect (self->save_slate_button, "clicked", G_CALLBACK (on_save_slate_clicked), self);
  g_signal_connect (self->save_overlays_button, "clicked", G_CALLBACK (on_save_overlays_clicked),
                    self);
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (on_save_clicked), self);
}

GtkWidget *
tribuna_settings_dialog_new (TribunaEngine   *engine,
                             TribunaAccounts *accounts,
                             const char      *config_path)
{
  TribunaSettingsDialog *self;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (TRIBUNA_IS_ACCOUNTS (accounts), NULL);
  g_return_val_if_fail (config_path != NULL, NULL);

  self = g_object_new (TRIBUNA_TYPE_SETTINGS_DIALOG, NULL);
  self->engine = g_object_ref (engine);
  self->accounts = g_object_ref (accounts);
  self->config_path = g_strdup (config_path);
  reload_destinations (self);
  reload_sources (self);
  fill_cameras_menu (self);
  fill_microphones_menu (self);
  fill_slate (self);
  fill_overlays (self);
  fill_program (self);
  return GTK_WIDGET (self);
}
