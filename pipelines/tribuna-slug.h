/* tribuna-slug.h: file-name parts from titles in Albanian (and Serbian, and anything else)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest slug tribuna_slugify() makes when asked for no limit (0): with a date, a session
 * type and an item number in front it keeps a clip's file name well under the 255 bytes every
 * file system allows. */
#define TRIBUNA_SLUG_DEFAULT_MAX 60

/* "Dhënia në shfrytëzim e pronës" -> "dhenia-ne-shfrytezim-e-prones": lowercase ASCII letters
 * and digits, every other run of characters one '-', none at either end. Letters with marks
 * lose them (ë->e, ç->c, š->s, đ->dj), Cyrillic is transliterated (Serbian style: ш->s... see
 * the .c), and anything without an ASCII spelling separates words. Cut at a word boundary to at
 * most @max_length bytes (0: TRIBUNA_SLUG_DEFAULT_MAX). Never NULL; "" when nothing is left. */
char *tribuna_slugify       (const char  *text,
                             gsize        max_length);

/* Joins non-empty parts with '_' after slugifying each one (a part that is already a slug
 * stays as it is): ("2024-03-28", "kuvendi", "pika-5", title) ->
 * "2024-03-28_kuvendi_pika-5_dhenia-ne-shfrytezim-e-prones". NULL ends the list. */
char *tribuna_slug_join     (const char  *first_part,
                             ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
