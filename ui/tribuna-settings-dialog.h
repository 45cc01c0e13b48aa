/* tribuna-settings-dialog.h: destinations, program quality, data folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tribuna-accounts.h"
#include "tribuna-engine.h"

G_BEGIN_DECLS

#define TRIBUNA_TYPE_SETTINGS_DIALOG (tribuna_settings_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TribunaSettingsDialog, tribuna_settings_dialog, TRIBUNA, SETTINGS_DIALOG,
                      AdwPreferencesWindow)

/* @config_path: the tribuna.conf the quality and folder are saved to. */
GtkWidget  *tribuna_settings_dialog_new                (TribunaEngine         *engine,
                                                        TribunaAccounts       *accounts,
                                                        const char            *config_path);
/* What the operator types into "Add a destination", and the Add button: for tests and
 * screenshots, through the same widgets. */
void        tribuna_settings_dialog_fill_destination   (TribunaSettingsDialog *self,
                                                        const char            *name,
                                                        const char            *url,
                                                        const char            *key);
gboolean    tribuna_settings_dialog_add_destination    (TribunaSettingsDialog *self);
gboolean    tribuna_settings_dialog_remove_destination (TribunaSettingsDialog *self,
                                                        const char            *name);
/* The Program page: @quality is the row of the quality list (the file's own size first
 * when it matches no preset), then Save. */
void        tribuna_settings_dialog_fill_program       (TribunaSettingsDialog *self,
                                                        guint                  quality,
                                                        const char            *data_dir);
gboolean    tribuna_settings_dialog_save_program       (TribunaSettingsDialog *self);
/* The Sources page: add (the fields, then Add Source), remove, and the break slate. */
void        tribuna_settings_dialog_fill_source        (TribunaSettingsDialog *self,
                                                        const char            *name,
                                                        const char            *uri);
gboolean    tribuna_settings_dialog_add_source         (TribunaSettingsDialog *self);
gboolean    tribuna_settings_dialog_remove_source      (TribunaSettingsDialog *self,
                                                        const char            *name);
void        tribuna_settings_dialog_fill_slate         (TribunaSettingsDialog *self,
                                                        const char            *title,
                                                        const char            *subtitle);
gboolean    tribuna_settings_dialog_save_slate         (TribunaSettingsDialog *self);
/* The lower third: font family, background colour, logo PNG (or ""), clock; then Save. */
void        tribuna_settings_dialog_fill_overlays      (TribunaSettingsDialog *self,
                                                        const char            *font,
                                                        const GdkRGBA         *background,
                                                        const char            *logo,
                                                        gboolean               clock);
gboolean    tribuna_settings_dialog_save_overlays      (TribunaSettingsDialog *self);
/* The reason shown next to a field ("name", "url", "key", "data-dir", "source-name",
 * "source-uri", "slate", "overlays"), or NULL. */
const char *tribuna_settings_dialog_get_field_error    (TribunaSettingsDialog *self,
                                                        const char            *field);
/* The key entry's text: empty once a destination was saved. */
const char *tribuna_settings_dialog_get_key_text       (TribunaSettingsDialog *self);

G_END_DECLS
