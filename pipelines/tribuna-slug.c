/* tribuna-slug.c: file-name parts from titles in Albanian (and Serbian, and anything else)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Clip files go to the municipal website, to Facebook and to staff's USB sticks: plain
 * lowercase ASCII is the one spelling every one of them keeps intact.
 */
#define G_LOG_DOMAIN "tribuna-slug"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "tribuna-slug.h"

/* Serbian Cyrillic (the Communities Committee's minutes are in Serbian too), spelt the way
 * Serbian Latin writes it without its marks: ђ->dj as in "Đorđe"->"djordje". */
static const struct {
  gunichar    letter;
  const char *ascii;
} cyrillic[] = {
  { 0x0430, "a" }, { 0x0431, "b" }, { 0x0432, "v" }, { 0x0433, "g" }, { 0x0434, "d" },
  { 0x0452, "dj" }, { 0x0435, "e" }, { 0x0436, "z" }, { 0x0437, "z" }, { 0x0438, "i" },
  { 0x0458, "j" }, { 0x043a, "k" }, { 0x043b, "l" }, { 0x0459, "lj" }, { 0x043c, "m" },
  { 0x043d, "n" }, { 0x045a, "nj" }, { 0x043e, "o" }, { 0x043f, "p" }, { 0x0440, "r" },
  { 0x0441, "s" }, { 0x0442, "t" }, { 0x045b, "c" }, { 0x0443, "u" }, { 0x0444, "f" },
  { 0x0445, "h" }, { 0x0446, "c" }, { 0x0447, "c" }, { 0x045f, "dz" }, { 0x0448, "s" },
  /* Russian and Macedonian letters that also turn up in names */
  { 0x0439, "j" }, { 0x0451, "e" }, { 0x044b, "y" }, { 0x044d, "e" }, { 0x044e, "ju" },
  { 0x044f, "ja" }, { 0x0449, "sc" }, { 0x0453, "gj" }, { 0x045c, "kj" }, { 0x0455, "dz" },
};

static const char *
transliterate_special (gunichar c)
{
  if (c == 0x0111)   /* đ: "d" alone would lose the sound */
    return "dj";
  if (c == 0x00df)   /* ß */
    return "ss";

  for (guint i = 0; i < G_N_ELEMENTS (cyrillic); i++)
    if (cyrillic[i].letter == c)
      return cyrillic[i].ascii;

  return NULL;
}

/* Appends the ASCII letters and digits @c stands for, or a separator. */
static void
append_char (GString  *slug,
             gunichar  c)
{
  const char *special = transliterate_special (c);
  g_autofree char *ascii = NULL;
  char utf8[8] = { 0, };

  if (special != NULL)
    {
      g_string_append (slug, special);
      return;
    }

  g_unichar_to_utf8 (c, utf8);
  /* "C": the generic table (ë->e, ç->c, š->s), not the reader's locale */
  ascii = c < 0x80 ? g_strdup (utf8) : g_str_to_ascii (utf8, "C");

  for (const char *p = ascii; *p != '\0'; p++)
    {
      char lower = g_ascii_tolower (*p);

      if (g_ascii_isalnum (lower))
        g_string_append_c (slug, lower);
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
}

char *
tribuna_slugify (const char *text,
                 gsize       max_length)
{
  g_autoptr(GString) slug = g_string_new (NULL);
  g_autofree char *valid = NULL;

  if (text == NULL)
    return g_strdup ("");

  if (max_length == 0)
    max_length = TRIBUNA_SLUG_DEFAULT_MAX;

  valid = g_utf8_make_valid (text, -1);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    append_char (slug, g_unichar_tolower (g_utf8_get_char (p)));

  if (slug->len > max_length)
    {
      const char *cut;

      g_string_truncate (slug, max_length);
      /* end on a whole word, unless that would throw away most of it */
      cut = strrchr (slug->str, '-');
      if (cut != NULL && (gsize) (cut - slug->str) >= max_length / 2)
        g_string_truncate (slug, cut - slug->str);
    }

  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);

  return g_string_free (g_steal_pointer (&slug), FALSE);
}

char *
tribuna_slug_join (const char *first_part,
                   ...)
{
  g_autoptr(GString) joined = g_string_new (NULL);
  va_list args;

  va_start (args, first_part);
  for (const char *part = first_part; part != NULL; part = va_arg (args, const char *))
    {
      g_autofree char *slug = tribuna_slugify (part, 0);

      if (slug[0] == '\0')
        continue;
      if (joined->len > 0)
        g_string_append_c (joined, '_');
      g_string_append (joined, slug);
    }
  va_end (args);

  return g_string_free (g_steal_pointer (&joined), FALSE);
}
