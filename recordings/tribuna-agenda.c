/* tribuna-agenda.c: reading an agenda as the municipality publishes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The formats and rules are described in tribuna-agenda.h. Agendas are typed by people in
 * Word, Excel and e-mail: every rule here answers a file someone really sends, and every
 * refusal says what to change.
 */
#define G_LOG_DOMAIN "tribuna-agenda"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tribuna-agenda.h"

#define MAX_DEPTH    2
#define QUOTE_CHARS  60

G_DEFINE_QUARK (tribuna-agenda-error-quark, tribuna_agenda_error)

/* Who presents an item, as agendas say it. */
#define PRESENTER_KEYS \
  "propozues(?:i|e)?|propozon|raportues(?:i|e)?|raporton|paraqet|paraqitës|prezanton|" \
  "prezantues(?:i|e)?|presenter|proposer"

static GRegex *presenter_suffix_regex;
static GRegex *presenter_line_regex;
static GRegex *csv_number_regex;
static GRegex *markdown_link_regex;

static void
init_regexes (void)
{
  static gsize initialized;

  if (!g_once_init_enter (&initialized))
    return;

  presenter_suffix_regex =
    g_regex_new ("^(.*?)\\s*(?:\\(\\s*(?:" PRESENTER_KEYS ")\\s*[:\\-–]\\s*([^()]+?)\\s*\\)"
                 "|\\s[–—-]\\s*(?:" PRESENTER_KEYS ")\\s*:\\s*(.+?))\\s*$",
                 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
  presenter_line_regex =
    g_regex_new ("^\\(?\\s*(?:" PRESENTER_KEYS ")\\s*:\\s*(.+?)\\s*\\)?$",
                 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
  csv_number_regex =
    g_regex_new ("^(?:(?:pika\\s+)?(\\d{1,3}(?:\\.\\d{1,3})*(?:\\.?\\p{Ll})?|\\p{Ll}))[.):]?$",
                 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
  markdown_link_regex = g_regex_new ("\\[([^\\]]*)\\]\\([^)]*\\)", G_REGEX_OPTIMIZE, 0, NULL);
  g_assert (presenter_suffix_regex && presenter_line_regex && csv_number_regex
            && markdown_link_regex);

  g_once_init_leave (&initialized, 1);
}

const char *
tribuna_agenda_format_to_string (TribunaAgendaFormat format)
{
  switch (format)
    {
    case TRIBUNA_AGENDA_FORMAT_TEXT:
      return "text";
    case TRIBUNA_AGENDA_FORMAT_MARKDOWN:
      return "markdown";
    case TRIBUNA_AGENDA_FORMAT_CSV:
      return "csv";
    case TRIBUNA_AGENDA_FORMAT_JSON:
      return "json";
    case TRIBUNA_AGENDA_FORMAT_AUTO:
    default:
      return "auto";
    }
}

gboolean
tribuna_agenda_format_from_string (const char          *name,
                                   TribunaAgendaFormat *out)
{
  static const TribunaAgendaFormat formats[] = {
    TRIBUNA_AGENDA_FORMAT_AUTO, TRIBUNA_AGENDA_FORMAT_TEXT, TRIBUNA_AGENDA_FORMAT_MARKDOWN,
    TRIBUNA_AGENDA_FORMAT_CSV, TRIBUNA_AGENDA_FORMAT_JSON,
  };

  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (name, tribuna_agenda_format_to_string (formats[i])) == 0)
      {
        *out = formats[i];
        return TRUE;
      }
  if (g_strcmp0 (name, "md") == 0 || g_strcmp0 (name, "txt") == 0)
    {
      *out = name[0] == 'm' ? TRIBUNA_AGENDA_FORMAT_MARKDOWN : TRIBUNA_AGENDA_FORMAT_TEXT;
      return TRUE;
    }

  return FALSE;
}

void
tribuna_agenda_free (TribunaAgenda *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_free (self);
}

static void
add_note (TribunaAgenda *agenda,
          const char    *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
add_note (TribunaAgenda *agenda,
          const char    *format,
          ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (agenda->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

/* The start of a line, for messages that quote it. */
static char *
quote (const char *text)
{
  if (g_utf8_strlen (text, -1) <= QUOTE_CHARS)
    return g_strdup (text);

  {
    g_autofree char *head = g_utf8_substring (text, 0, QUOTE_CHARS);

    return g_strconcat (head, "…", NULL);
  }
}

/* Collapses runs of white space (tabs, no-break spaces) to one space and trims. */
static char *
clean_text (const char *text)
{
  GString *clean = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x00a0 || c == 0x202f)
        {
          space = clean->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (clean, ' ');
      space = FALSE;
      g_string_append_unichar (clean, c);
    }

  return g_string_free (clean, FALSE);
}

/* Decoding *****************************************************************************/

static guint
line_at (const char *data,
         gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

static gboolean
refuse_binary (const char  *data,
               gsize        length,
               const char  *name,
               GError     **error)
{
  static const struct {
    const char *magic;
    gsize       length;
    const char *what;
  } kinds[] = {
    { "%PDF", 4, "a PDF document" },
    { "PK\x03\x04", 4, "a Word (.docx), OpenDocument or other zipped document" },
    { "\xd0\xcf\x11\xe0", 4, "an old Word (.doc) or Excel (.xls) document" },
    { "{\\rtf", 5, "a rich-text (.rtf) document" },
    { "\x89PNG", 4, "a PNG image" },
    { "\xff\xd8\xff", 3, "a JPEG image" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (length >= kinds[i].length && memcmp (data, kinds[i].magic, kinds[i].length) == 0)
      {
        g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NOT_TEXT,
                     "%s is %s, not text; save the agenda as plain text (.txt), CSV or "
                     "Markdown and import that", name, kinds[i].what);
        return TRUE;
      }

  if (memchr (data, '\0', length) != NULL)
    {
      gsize offset = (const char *) memchr (data, '\0', length) - data;

      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NOT_TEXT,
                   "%s:%u: the file holds binary data (a NUL byte), not text; save the agenda "
                   "as plain text (.txt), CSV or Markdown and import that", name,
                   line_at (data, offset));
      return TRUE;
    }

  return FALSE;
}

/* Whether the data holds at least one well-formed multi-byte UTF-8 sequence. */
static gboolean
has_utf8_sequences (const char *data,
                    gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      guchar byte = (guchar) data[i];
      gunichar c;

      if (byte < 0xc2 || byte > 0xf4)
        continue;
      c = g_utf8_get_char_validated (data + i, (gssize) (length - i));
      if (c != (gunichar) -1 && c != (gunichar) -2)
        return TRUE;
    }

  return FALSE;
}

/* The letters each code page makes of the bytes where the two differ, scored by how
 * likely they are in an agenda from here: 1250 gives Serbian and Bosnian names their
 * č ć đ but Czech, Polish or Romanian letters nobody here writes; 1252 gives Italian and
 * French names their è à ò but Nordic letters nobody here writes. */
static int
score (const char *text,
       const char *likely,
       const char *unlikely)
{
  int total = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80)
        continue;
      if (g_utf8_strchr (likely, -1, c) != NULL)
        total++;
      else if (g_utf8_strchr (unlikely, -1, c) != NULL)
        total--;
    }
  return total;
}

static char *
decode_windows (const char     *data,
                gsize           length,
                const char     *name,
                gsize           bad_offset,
                TribunaAgenda  *agenda,
                GError        **error)
{
  g_autofree char *cp1250 = g_convert (data, (gssize) length, "UTF-8", "WINDOWS-1250",
                                       NULL, NULL, NULL);
  g_autofree char *cp1252 = g_convert (data, (gssize) length, "UTF-8", "WINDOWS-1252",
                                       NULL, NULL, NULL);
  guint line = line_at (data, bad_offset);

  if (has_utf8_sequences (data, length))
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_ENCODING,
                   "%s:%u: the file mixes UTF-8 with another encoding (byte 0x%02x here is not "
                   "UTF-8, other lines are); save it again as UTF-8", name, line,
                   (guchar) data[bad_offset]);
      return NULL;
    }

  /* Albanian ë ç Ë Ç are the same bytes in both pages, and Windows writes Albanian in
   * 1250: it wins unless the letters say otherwise. */
  if (cp1250 != NULL
      && (cp1252 == NULL
          || score (cp1250, "čćđČĆĐ", "ŕňůěęńăőűřťďľĺŔŇŮĚĘŃĂŐŰŘŤĎĽĹ")
             >= score (cp1252, "èàòùìêñãõûÈÀÒÙÌÊÑ", "æðþÆÐÞ")))
    {
      agenda->encoding = "WINDOWS-1250";
      add_note (agenda, "%s is not UTF-8 (from line %u on); it was read as Windows-1250", name,
                line);
      return g_steal_pointer (&cp1250);
    }
  if (cp1252 != NULL)
    {
      agenda->encoding = "WINDOWS-1252";
      add_note (agenda, "%s is not UTF-8 (from line %u on); it was read as Windows-1252", name,
                line);
      return g_steal_pointer (&cp1252);
    }

  g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_ENCODING,
               "%s:%u: byte 0x%02x is neither UTF-8 nor Windows-1250/1252 text; save the file "
               "as UTF-8", name, line, (guchar) data[bad_offset]);
  return NULL;
}

/* Line ends to \n, other control characters to spaces, letters to their composed form
 * (a Mac writes ë as e + ¨), so titles compare and display the same. */
static char *
normalize_text (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  g_autofree char *nfc = NULL;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else if ((guchar) *p < 0x20 && *p != '\n' && *p != '\t')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, *p);
    }

  nfc = g_utf8_normalize (out->str, -1, G_NORMALIZE_NFC);
  g_string_free (out, TRUE);
  return g_steal_pointer (&nfc);
}

static char *
decode (const char     *data,
        gsize           length,
        const char     *name,
        TribunaAgenda  *agenda,
        GError        **error)
{
  g_autofree char *converted = NULL;
  const char *end;

  if (length >= 2 && (((guchar) data[0] == 0xff && (guchar) data[1] == 0xfe)
                      || ((guchar) data[0] == 0xfe && (guchar) data[1] == 0xff)))
    {
      g_autoptr(GError) local_error = NULL;

      /* Notepad's "Unicode". */
      converted = g_convert (data, (gssize) length, "UTF-8", "UTF-16", NULL, NULL, &local_error);
      if (converted == NULL)
        {
          g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_ENCODING,
                       "%s starts as UTF-16 but is not valid UTF-16 (%s); save it as UTF-8",
                       name, local_error->message);
          return NULL;
        }
      agenda->encoding = "UTF-16";
      add_note (agenda, "%s is UTF-16; it was converted to UTF-8", name);
      data = converted;
      length = strlen (converted);
      if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
        {
          data += 3;
          length -= 3;
        }
    }
  else
    {
      if (refuse_binary (data, length, name, error))
        return NULL;
      if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
        {
          data += 3;
          length -= 3;
        }
    }

  if (!g_utf8_validate_len (data, length, &end))
    {
      g_autofree char *windows = decode_windows (data, length, name, end - data, agenda, error);

      return windows ? normalize_text (windows) : NULL;
    }

  {
    g_autofree char *copy = g_strndup (data, length);

    return normalize_text (copy);
  }
}

static gboolean
check_lines (char        **lines,
             const char   *name,
             GError      **error)
{
  for (guint i = 0; lines[i] != NULL; i++)
    {
      glong chars = g_utf8_strlen (lines[i], -1);

      if (chars > TRIBUNA_AGENDA_MAX_LINE_CHARS)
        {
          g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_LINE_TOO_LONG,
                       "%s:%u: the line is %ld characters long; an agenda line has at most %d "
                       "(is this the agenda, or is each item on its own line?)", name, i + 1,
                       chars, TRIBUNA_AGENDA_MAX_LINE_CHARS);
          return FALSE;
        }
    }

  return TRUE;
}

/* Format detection *********************************************************************/

static TribunaAgendaFormat
format_from_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (g_str_has_suffix (lower, ".txt") || g_str_has_suffix (lower, ".text"))
    return TRIBUNA_AGENDA_FORMAT_TEXT;
  if (g_str_has_suffix (lower, ".md") || g_str_has_suffix (lower, ".markdown"))
    return TRIBUNA_AGENDA_FORMAT_MARKDOWN;
  if (g_str_has_suffix (lower, ".csv"))
    return TRIBUNA_AGENDA_FORMAT_CSV;
  if (g_str_has_suffix (lower, ".json"))
    return TRIBUNA_AGENDA_FORMAT_JSON;
  return TRIBUNA_AGENDA_FORMAT_AUTO;
}

static int csv_column_for_header (const char *header);

/* A CSV line starts with an item number (or a column name) right before a separator. */
static gboolean
looks_like_csv_line (const char *line)
{
  const char *p = line;
  g_autofree char *first = NULL;
  gsize n;

  while (*p == ' ' || *p == '"')
    p++;
  n = strcspn (p, ",;\t\"");
  if (p[n] == '\0' || (p[n] == '"' && strchr (",;\t", p[n + 1]) == NULL))
    return FALSE;

  first = g_strndup (p, n);
  g_strstrip (first);
  init_regexes ();
  return g_regex_match (csv_number_regex, first, 0, NULL) || csv_column_for_header (first) >= 0;
}

static TribunaAgendaFormat
sniff_format (char **lines)
{
  guint n_lines = 0, n_csv = 0, n_markdown = 0;
  const char *first = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (line[0] == '\0')
        continue;
      if (first == NULL)
        first = lines[i];
      n_lines++;
      if (looks_like_csv_line (line))
        n_csv++;
      if (line[0] == '#' || g_str_has_prefix (line, "- ") || g_str_has_prefix (line, "* ")
          || g_str_has_prefix (line, "+ "))
        n_markdown++;
    }

  if (first != NULL)
    {
      const char *p = first;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '{' || *p == '[')
        return TRIBUNA_AGENDA_FORMAT_JSON;
    }
  if (n_lines > 0 && n_csv * 2 >= n_lines)
    return TRIBUNA_AGENDA_FORMAT_CSV;
  if (n_markdown > 0)
    return TRIBUNA_AGENDA_FORMAT_MARKDOWN;
  return TRIBUNA_AGENDA_FORMAT_TEXT;
}

/* Presenters ***************************************************************************/

/* Splits "Title (Propozues: X)" into its title and presenter. */
static void
split_presenter (const char  *text,
                 char       **title,
                 char       **presenter)
{
  g_autoptr(GMatchInfo) match = NULL;

  init_regexes ();
  if (g_regex_match (presenter_suffix_regex, text, 0, &match))
    {
      g_autofree char *in_parens = g_match_info_fetch (match, 2);
      g_autofree char *after_dash = g_match_info_fetch (match, 3);

      *title = g_match_info_fetch (match, 1);
      *presenter = clean_text (in_parens && in_parens[0] ? in_parens : after_dash);
      if ((*title)[0] != '\0')
        return;
      g_clear_pointer (title, g_free);
      g_clear_pointer (presenter, g_free);
    }

  *title = g_strdup (text);
  *presenter = NULL;
}

static char *
match_presenter_line (const char *line)
{
  g_autoptr(GMatchInfo) match = NULL;

  init_regexes ();
  if (!g_regex_match (presenter_line_regex, line, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

/* Text and Markdown ********************************************************************/

typedef enum {
  LINE_NOT_ITEM,
  LINE_NUMBERED,   /* "1." "1)" "Pika 1:" "5.1" */
  LINE_LETTER,     /* "a)" */
  LINE_BULLET,     /* "- " with no number after it */
} LineKind;

/* "5", "5.1", "12.3.1": 1–3 digits, then up to two ".N" of 1–2 digits, no leading zeros;
 * a plain number needs its closing "." ")" or ":" so years and times are not items. */
static gboolean
parse_number (const char  *s,
              char       **number,
              const char **rest,
              guint       *dots)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *p = s;
  guint components = 0;
  gboolean delimited = FALSE;

  for (;;)
    {
      const char *start = p;
      gsize n;

      while (g_ascii_isdigit (*p))
        p++;
      n = p - start;
      if (n == 0 || n > (components == 0 ? 3u : 2u) || (n > 1 && *start == '0'))
        return FALSE;
      g_string_append_len (digits, start, n);
      components++;
      if (*p == '.' && g_ascii_isdigit (p[1]) && components < 3)
        {
          g_string_append_c (digits, '.');
          p++;
          continue;
        }
      break;
    }

  if (*p == '.' || *p == ')' || *p == ':')
    {
      delimited = TRUE;
      p++;
      if (*p == ')')   /* "1.)" */
        p++;
    }
  if (!delimited && components == 1)
    return FALSE;
  if (!delimited && *p != ' ' && *p != '\t')
    return FALSE;
  /* "10:30", "1.000": a time or an amount, not an item */
  if (g_ascii_isdigit (*p))
    return FALSE;

  while (*p == ' ' || *p == '\t')
    p++;
  *number = g_string_free (g_steal_pointer (&digits), FALSE);
  *rest = p;
  *dots = components - 1;
  return TRUE;
}

static LineKind
parse_item_line (const char  *s,
                 char       **number,
                 const char **rest,
                 guint       *dots)
{
  gunichar c = g_utf8_get_char (s);
  const char *after = g_utf8_next_char (s);

  *number = NULL;
  *dots = 0;

  /* "Pika 1:", "Pika e 5.1." */
  if (g_ascii_strncasecmp (s, "pika", 4) == 0 && (s[4] == ' ' || s[4] == '\t'))
    {
      const char *p = s + 4;

      while (*p == ' ' || *p == '\t')
        p++;
      if ((p[0] == 'e' || p[0] == 'E') && p[1] == ' ')
        p += 2;
      if (g_ascii_isdigit (*p))
        {
          /* "Pika 3 Raporti": the word Pika is delimiter enough */
          const char *q = p;

          while (g_ascii_isdigit (*q) || (*q == '.' && g_ascii_isdigit (q[1])))
            q++;
          if (*q == ' ')
            {
              *number = g_strndup (p, q - p);
              *dots = 0;
              for (const char *d = *number; *d; d++)
                *dots += *d == '.';
              while (*q == ' ' || *q == '-')
                q++;
              *rest = q;
              return LINE_NUMBERED;
            }
          if (parse_number (p, number, rest, dots))
            return LINE_NUMBERED;
        }
    }

  if (g_ascii_isdigit (*s) && parse_number (s, number, rest, dots))
    return LINE_NUMBERED;

  if (g_unichar_islower (c) && *after == ')' && (after[1] == ' ' || after[1] == '\t'))
    {
      *number = g_strndup (s, after - s);
      *rest = after + 1;
      while (**rest == ' ' || **rest == '\t')
        (*rest)++;
      return LINE_LETTER;
    }

  if ((strchr ("-*+", *s) != NULL && *s != '\0' && (s[1] == ' ' || s[1] == '\t'))
      || ((c == 0x2022 || c == 0x2013 || c == 0x25aa || c == 0x25cf) && *after == ' '))
    {
      const char *inner = (*s == '-' || *s == '*' || *s == '+') ? s + 1 : after;
      LineKind kind;

      while (*inner == ' ' || *inner == '\t')
        inner++;
      kind = parse_item_line (inner, number, rest, dots);
      if (kind == LINE_NUMBERED || kind == LINE_LETTER)
        return kind;
      g_clear_pointer (number, g_free);
      *dots = 0;
      *rest = inner;
      return LINE_BULLET;
    }

  return LINE_NOT_ITEM;
}

static int
indent_of (const char *line)
{
  int width = 0;

  for (const char *p = line; *p == ' ' || *p == '\t'; p++)
    width += *p == '\t' ? 4 : 1;
  return width;
}

/* **bold**, __bold__, `code` and [text](link) as their text. */
static char *
strip_markdown (const char *text)
{
  g_autofree char *no_links = NULL;
  GString *out;

  init_regexes ();
  no_links = g_regex_replace (markdown_link_regex, text, -1, 0, "\\1", 0, NULL);
  if (no_links == NULL)
    no_links = g_strdup (text);

  out = g_string_new (NULL);
  for (const char *p = no_links; *p != '\0'; p++)
    {
      if ((p[0] == '*' && p[1] == '*') || (p[0] == '_' && p[1] == '_'))
        {
          p++;
          continue;
        }
      if (*p == '`')
        continue;
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_markdown_rule (const char *s)
{
  guint marks = 0;

  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '-' || *p == '*' || *p == '_' || *p == '=')
        marks++;
      else if (*p != ' ')
        return FALSE;
    }
  return marks >= 3;
}

typedef struct {
  const char        *name;
  TribunaAgenda     *agenda;
  gboolean           markdown;
  TribunaAgendaItem *last;
  int                last_indent;
  guint              last_line;
  gboolean           pending_title;
  guint              last_number_depth;
  int                base_indent;
  guint              n_header;
  GArray            *top_numbered;    /* indexes of plain-numbered top-level items */
} LineParser;

static void
set_item_text (LineParser        *parser,
               TribunaAgendaItem *item,
               const char        *text)
{
  g_autofree char *plain = parser->markdown ? strip_markdown (text) : g_strdup (text);
  g_autofree char *title = NULL;
  g_autofree char *presenter = NULL;

  split_presenter (plain, &title, &presenter);
  g_free (item->title);
  item->title = clean_text (title);
  if (presenter != NULL && presenter[0] != '\0')
    {
      g_free (item->presenter);
      item->presenter = g_steal_pointer (&presenter);
    }
}

static guint
depth_from_indent (LineParser *parser,
                   int         indent)
{
  if (parser->base_indent < 0 || indent < parser->base_indent)
    {
      parser->base_indent = indent;
      return 0;
    }
  return MIN ((guint) (indent - parser->base_indent) / 2, MAX_DEPTH);
}

static void
add_line_item (LineParser *parser,
               LineKind    kind,
               char       *number,     /* owned */
               guint       dots,
               const char *text,
               int         indent,
               guint       line)
{
  TribunaAgendaItem *item = g_new0 (TribunaAgendaItem, 1);
  guint indent_depth = depth_from_indent (parser, indent);

  item->number = number;
  item->title = g_strdup ("");
  switch (kind)
    {
    case LINE_NUMBERED:
      item->depth = dots > 0 ? MIN (dots, MAX_DEPTH) : (parser->markdown ? indent_depth : 0);
      parser->last_number_depth = item->depth;
      if (item->depth == 0 && dots == 0)
        g_array_append_val (parser->top_numbered, parser->agenda->items->len);
      break;
    case LINE_LETTER:
      item->depth = MIN (parser->last_number_depth + 1, MAX_DEPTH);
      break;
    case LINE_BULLET:
    case LINE_NOT_ITEM:
    default:
      item->depth = indent_depth;
      parser->last_number_depth = item->depth;
      break;
    }

  set_item_text (parser, item, text);
  parser->pending_title = item->title[0] == '\0';
  parser->last = item;
  parser->last_indent = indent;
  parser->last_line = line;
  g_ptr_array_add (parser->agenda->items, item);
}

/* Markdown shows "1. 1. 1." as 1, 2, 3: number top-level items the way they show. */
static void
renumber_markdown (LineParser *parser)
{
  GArray *top = parser->top_numbered;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean repeated = FALSE;
  guint64 start = 1;

  for (guint i = 0; i < top->len; i++)
    {
      TribunaAgendaItem *item = g_ptr_array_index (parser->agenda->items,
                                                   g_array_index (top, guint, i));

      if (!g_hash_table_add (seen, item->number))
        repeated = TRUE;
    }
  if (!repeated)
    return;

  {
    TribunaAgendaItem *first = g_ptr_array_index (parser->agenda->items,
                                                  g_array_index (top, guint, 0));

    g_ascii_string_to_unsigned (first->number, 10, 0, 999, &start, NULL);
  }
  g_hash_table_remove_all (seen);
  for (guint i = 0; i < top->len; i++)
    {
      TribunaAgendaItem *item = g_ptr_array_index (parser->agenda->items,
                                                   g_array_index (top, guint, i));

      g_free (item->number);
      item->number = g_strdup_printf ("%" G_GUINT64_FORMAT, start + i);
    }
  add_note (parser->agenda, "%s numbers its list with repeated numbers, which Markdown shows as "
            "%" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT "; the items were numbered that way",
            parser->name, start, start + top->len - 1);
}

static gboolean
parse_lines (char          **lines,
             const char     *name,
             gboolean        markdown,
             TribunaAgenda  *agenda,
             GError        **error)
{
  LineParser parser = { name, agenda, markdown, NULL, 0, 0, FALSE, 0, -1, 0, NULL };
  g_autoptr(GArray) top_numbered = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_lines = 0;

  parser.top_numbered = top_numbered;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *s = g_strstrip (g_strdup (lines[i]));
      g_autofree char *number = NULL;
      g_autofree char *presenter = NULL;
      const char *text = s;
      const char *rest = NULL;
      int indent = indent_of (lines[i]);
      guint line = i + 1;
      guint dots;
      LineKind kind;

      if (s[0] == '\0')
        continue;
      n_lines++;

      if (markdown)
        {
          if (s[0] == '#' || is_markdown_rule (s))
            {
              if (agenda->items->len > 0 && s[0] == '#')
                add_note (agenda, "%s:%u: heading “%s” inside the list was ignored", name, line,
                          s);
              continue;
            }
          while (text[0] == '>')
            text = g_strstrip ((char *) text + 1);
        }

      if (parser.pending_title && parser.last != NULL)
        {
          set_item_text (&parser, parser.last, text);
          parser.pending_title = parser.last->title[0] == '\0';
          continue;
        }

      if (parser.last != NULL && (presenter = match_presenter_line (text)) != NULL)
        {
          g_free (parser.last->presenter);
          parser.last->presenter = clean_text (presenter);
          continue;
        }

      kind = parse_item_line (text, &number, &rest, &dots);
      if (kind != LINE_NOT_ITEM)
        {
          add_line_item (&parser, kind, g_steal_pointer (&number), dots, rest, indent, line);
          continue;
        }

      if (parser.last == NULL)
        {
          parser.n_header++;
          continue;
        }

      /* A wrapped title: indented under its item, or going on in lower case. */
      if (indent > parser.last_indent || g_unichar_islower (g_utf8_get_char (text)))
        {
          g_autofree char *joined = g_strconcat (parser.last->title, " ", text, NULL);

          set_item_text (&parser, parser.last, joined);
          continue;
        }

      {
        g_autofree char *quoted = quote (text);

        add_note (agenda, "%s:%u: “%s” is not an agenda item and was ignored", name, line,
                  quoted);
      }
    }

  if (parser.pending_title)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                   "%s:%u: item %s has a number but no title", name, parser.last_line,
                   parser.last->number ? parser.last->number : "");
      return FALSE;
    }

  if (agenda->items->len == 0)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NO_ITEMS,
                   "%s: no agenda item in its %u line(s); items start with “1.”, “1)”, "
                   "“Pika 1:”, “5.1”, “a)” or “- ”", name, n_lines);
      return FALSE;
    }

  if (parser.n_header > 0)
    add_note (agenda, "%s: %u header line(s) before the first item were skipped", name,
              parser.n_header);
  if (markdown && top_numbered->len > 1)
    renumber_markdown (&parser);

  return TRUE;
}

/* CSV **********************************************************************************/

enum { COLUMN_NUMBER, COLUMN_TITLE, COLUMN_PRESENTER };

static int
csv_column_for_header (const char *header)
{
  static const char * const numbers[] = {
    "number", "no", "no.", "nr", "nr.", "numri", "numër", "nr. rendor", "#", "pika", "item",
  };
  static const char * const titles[] = {
    "title", "titulli", "tema", "pika e rendit", "pika e rendit të ditës", "rendi i ditës",
    "përshkrimi", "emërtimi", "çështja", "description",
  };
  static const char * const presenters[] = {
    "presenter", "propozues", "propozuesi", "propozuese", "raportues", "raportuesi",
    "raportuese", "paraqet", "prezanton", "propozuar nga",
  };
  g_autofree char *lower = g_utf8_strdown (header, -1);

  g_strstrip (lower);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (strcmp (lower, numbers[i]) == 0)
      return COLUMN_NUMBER;
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (strcmp (lower, titles[i]) == 0)
      return COLUMN_TITLE;
  for (guint i = 0; i < G_N_ELEMENTS (presenters); i++)
    if (strcmp (lower, presenters[i]) == 0)
      return COLUMN_PRESENTER;
  return -1;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

typedef struct {
  GPtrArray *fields;
  guint      line;
} CsvRecord;

static void
csv_record_free (CsvRecord *record)
{
  g_ptr_array_unref (record->fields);
  g_free (record);
}

static char
csv_separator (const char *text)
{
  guint commas = 0, semicolons = 0, tabs = 0;
  gboolean quoted = FALSE;

  for (const char *p = text; *p != '\0' && (quoted || *p != '\n'); p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted)
        {
          commas += *p == ',';
          semicolons += *p == ';';
          tabs += *p == '\t';
        }
    }

  if (semicolons > commas && semicolons >= tabs)
    return ';';
  if (tabs > commas && tabs > semicolons)
    return '\t';
  return ',';
}

static GPtrArray *
csv_records (const char  *text,
             char         separator,
             const char  *name,
             GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) csv_record_free);
  g_autoptr(GString) field = g_string_new (NULL);
  CsvRecord *record = NULL;
  gboolean quoted = FALSE;
  gboolean was_quoted = FALSE;
  guint line = 1, quote_line = 0;

  for (const char *p = text;; p++)
    {
      if (record == NULL && *p != '\0')
        {
          record = g_new0 (CsvRecord, 1);
          record->fields = g_ptr_array_new_with_free_func (g_free);
          record->line = line;
        }

      if (*p == '\0' && quoted)
        {
          g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                       "%s:%u: a double quote opened here is never closed", name, quote_line);
          if (record != NULL)
            csv_record_free (record);
          return NULL;
        }

      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (*p == '"')
            quoted = FALSE;
          else
            {
              if (*p == '\n')
                line++;
              /* A line break inside a title is a space in the title. */
              g_string_append_c (field, *p == '\n' ? ' ' : *p);
            }
          continue;
        }

      if (*p == '"' && !was_quoted && is_blank (field->str))
        {
          g_string_truncate (field, 0);
          quoted = TRUE;
          was_quoted = TRUE;
          quote_line = line;
        }
      else if (*p == separator || *p == '\n' || *p == '\0')
        {
          if (record != NULL)
            {
              g_ptr_array_add (record->fields, g_strstrip (g_strdup (field->str)));
              g_string_truncate (field, 0);
              was_quoted = FALSE;
            }
          if (*p != separator && record != NULL)
            g_ptr_array_add (records, g_steal_pointer (&record));
          if (*p == '\n')
            line++;
          if (*p == '\0')
            break;
        }
      else
        g_string_append_c (field, *p);
    }

  return g_steal_pointer (&records);
}

static gboolean
csv_record_is_blank (CsvRecord *record)
{
  for (guint i = 0; i < record->fields->len; i++)
    if (!is_blank (g_ptr_array_index (record->fields, i)))
      return FALSE;
  return TRUE;
}

/* "5", "5.1", "5.1.", "Pika 5", "a)", "5a": the number as printed, without the closing mark. */
static char *
csv_number (const char *field)
{
  g_autoptr(GMatchInfo) match = NULL;

  init_regexes ();
  if (!g_regex_match (csv_number_regex, field, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

static guint
number_depth (const char *number)
{
  guint dots = 0;

  if (number == NULL)
    return 0;
  if (g_unichar_islower (g_utf8_get_char (number)))
    return 1;
  for (const char *p = number; *p != '\0'; p++)
    dots += *p == '.';
  if (dots == 0 && g_unichar_isalpha (g_utf8_get_char (number + strlen (number) - 1)))
    return 1;   /* "5a" */
  return MIN (dots, MAX_DEPTH);
}

static gboolean
parse_csv (const char     *text,
           const char     *name,
           TribunaAgenda  *agenda,
           GError        **error)
{
  char separator = csv_separator (text);
  const char *separator_name = separator == '\t' ? "<tab>" : separator == ';' ? ";" : ",";
  g_autoptr(GPtrArray) records = csv_records (text, separator, name, error);
  int columns[3] = { 0, 1, 2 };
  gboolean header = FALSE;
  guint first = 0;

  if (records == NULL)
    return FALSE;

  while (first < records->len && csv_record_is_blank (g_ptr_array_index (records, first)))
    first++;

  if (first < records->len)
    {
      CsvRecord *record = g_ptr_array_index (records, first);
      const char *head = g_ptr_array_index (record->fields, 0);
      g_autofree char *head_number = csv_number (head);
      gboolean named = FALSE;

      for (guint i = 0; i < record->fields->len; i++)
        named |= csv_column_for_header (g_ptr_array_index (record->fields, i)) >= 0;

      if (named && head_number == NULL)
        {
          columns[0] = columns[1] = columns[2] = -1;
          for (guint i = 0; i < record->fields->len; i++)
            {
              int column = csv_column_for_header (g_ptr_array_index (record->fields, i));

              if (column >= 0 && columns[column] < 0)
                columns[column] = (int) i;
            }
          if (columns[COLUMN_TITLE] < 0)
            {
              g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                           "%s:%u: the header names no title column; call it “title” (or "
                           "“titulli”, “tema”)", name, record->line);
              return FALSE;
            }
          header = TRUE;
        }
      else if (head_number == NULL && head[0] != '\0' && record->fields->len >= 2
               && records->len > first + 1)
        {
          /* A header in words we do not know: columns by position. */
          header = TRUE;
          add_note (agenda, "%s:%u: the first row was read as a header (number, title, "
                    "presenter in that order)", name, record->line);
        }
      if (header)
        first++;
    }

  for (guint r = first; r < records->len; r++)
    {
      CsvRecord *record = g_ptr_array_index (records, r);
      GPtrArray *fields = record->fields;
      const char *number_field, *title_field, *presenter_field;
      g_autofree char *number = NULL;
      TribunaAgendaItem *item;

      if (csv_record_is_blank (record))
        continue;

      if (!header && fields->len < 2)
        {
          g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                       "%s:%u: one field where number%stitle%spresenter are expected (are the "
                       "fields separated by commas?)", name, record->line, separator_name,
                       separator_name);
          return FALSE;
        }
      if (!header && fields->len > 3)
        {
          g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                       "%s:%u: %u fields where number%stitle%spresenter are expected; a title "
                       "holding a “%s” must be in double quotes", name, record->line,
                       fields->len, separator_name, separator_name, separator_name);
          return FALSE;
        }

#define FIELD(column) \
      (columns[column] >= 0 && (guint) columns[column] < fields->len \
       ? (const char *) g_ptr_array_index (fields, columns[column]) : "")

      number_field = FIELD (COLUMN_NUMBER);
      title_field = FIELD (COLUMN_TITLE);
      presenter_field = FIELD (COLUMN_PRESENTER);
#undef FIELD

      if (number_field[0] != '\0')
        {
          number = csv_number (number_field);
          if (number == NULL)
            {
              g_autofree char *quoted = quote (number_field);

              g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                           "%s:%u: “%s” is not an item number; the columns are "
                           "number,title,presenter", name, record->line, quoted);
              return FALSE;
            }
        }

      {
        g_autofree char *title = clean_text (title_field);
        g_autofree char *presenter = clean_text (presenter_field);

        if (title[0] == '\0')
          {
            g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                         "%s:%u: item %s has no title", name, record->line,
                         number ? number : "");
            return FALSE;
          }
        if (g_utf8_strlen (title, -1) > TRIBUNA_AGENDA_MAX_LINE_CHARS)
          {
            g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_LINE_TOO_LONG,
                         "%s:%u: the title is longer than %d characters", name, record->line,
                         TRIBUNA_AGENDA_MAX_LINE_CHARS);
            return FALSE;
          }

        item = tribuna_agenda_item_new (number, title, presenter[0] ? presenter : NULL,
                                        number_depth (number));
        g_ptr_array_add (agenda->items, item);
      }
    }

  if (agenda->items->len == 0)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NO_ITEMS,
                   "%s: the CSV has %s but no item rows", name,
                   header ? "a header" : "no rows");
      return FALSE;
    }

  return TRUE;
}

/* JSON *********************************************************************************/

static gboolean parse_json_items (JsonArray      *array,
                                  const char     *name,
                                  const char     *path,
                                  guint           depth,
                                  TribunaAgenda  *agenda,
                                  GError        **error);

static gboolean
json_syntax (GError     **error,
             const char  *name,
             const char  *path,
             const char  *problem)
{
  g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
               "%s: item %s %s; an item is {\"number\": \"1\", \"title\": \"…\", "
               "\"presenter\": \"…\"} or a string", name, path, problem);
  return FALSE;
}

static char *
json_string_member (JsonObject *object,
                    const char *member,
                    gboolean    allow_integer)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return clean_text (json_node_get_string (node));
  if (allow_integer && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static gboolean
parse_json_item (JsonNode       *node,
                 const char     *name,
                 const char     *path,
                 guint           depth,
                 TribunaAgenda  *agenda,
                 GError        **error)
{
  g_autofree char *number = NULL;
  g_autofree char *title = NULL;
  g_autofree char *presenter = NULL;
  JsonObject *object;
  JsonNode *children;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    title = clean_text (json_node_get_string (node));
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      object = json_node_get_object (node);
      title = json_string_member (object, "title", FALSE);
      number = json_string_member (object, "number", TRUE);
      presenter = json_string_member (object, "presenter", FALSE);
      if (title == NULL)
        return json_syntax (error, name, path, "has a “title” that is not a string");
      if (number == NULL)
        return json_syntax (error, name, path, "has a “number” that is neither text nor a whole "
                            "number");
      if (presenter == NULL)
        return json_syntax (error, name, path, "has a “presenter” that is not a string");
    }
  else
    return json_syntax (error, name, path, "is neither an object nor a string");

  if (title[0] == '\0')
    return json_syntax (error, name, path, "has no “title”");
  if (g_utf8_strlen (title, -1) > TRIBUNA_AGENDA_MAX_LINE_CHARS)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_LINE_TOO_LONG,
                   "%s: item %s: the title is longer than %d characters", name, path,
                   TRIBUNA_AGENDA_MAX_LINE_CHARS);
      return FALSE;
    }

  g_ptr_array_add (agenda->items,
                   tribuna_agenda_item_new (number && number[0] ? number : NULL, title,
                                            presenter && presenter[0] ? presenter : NULL, depth));

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  children = json_object_get_member (json_node_get_object (node), "items");
  if (children == NULL || JSON_NODE_HOLDS_NULL (children))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (children))
    return json_syntax (error, name, path, "has “items” that are not a list");
  if (depth >= MAX_DEPTH)
    return json_syntax (error, name, path, "nests sub-items deeper than two levels");

  return parse_json_items (json_node_get_array (children), name, path, depth + 1, agenda, error);
}

static gboolean
parse_json_items (JsonArray      *array,
                  const char     *name,
                  const char     *path,
                  guint           depth,
                  TribunaAgenda  *agenda,
                  GError        **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = path ? g_strdup_printf ("%s.%u", path, i + 1)
                                    : g_strdup_printf ("%u", i + 1);

      if (!parse_json_item (json_array_get_element (array, i), name, child, depth, agenda, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_json (const char     *text,
            const char     *name,
            TribunaAgenda  *agenda,
            GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *items = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &local_error))
    {
      const char *message = local_error->message;

      /* json-glib names the input "<data>"; the user knows it by its file name. */
      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                   "%s:%s", name, message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    items = json_node_get_array (root);
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (root), "items");

      if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
        items = json_node_get_array (member);
    }

  if (items == NULL)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX,
                   "%s: expected {\"items\": [ … ]} or a list of items", name);
      return FALSE;
    }

  if (!parse_json_items (items, name, NULL, 0, agenda, error))
    return FALSE;

  if (agenda->items->len == 0)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NO_ITEMS,
                   "%s: the list of items is empty", name);
      return FALSE;
    }

  return TRUE;
}

/* Entry points *************************************************************************/

TribunaAgenda *
tribuna_agenda_parse (const char           *data,
                      gsize                 length,
                      const char           *name,
                      TribunaAgendaFormat   format,
                      GError              **error)
{
  g_autoptr(TribunaAgenda) agenda = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean ok = FALSE;
  gboolean blank = TRUE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  agenda = g_new0 (TribunaAgenda, 1);
  agenda->items = g_ptr_array_new_with_free_func ((GDestroyNotify) tribuna_agenda_item_free);
  agenda->notes = g_ptr_array_new_with_free_func (g_free);
  agenda->encoding = "UTF-8";

  if (length > TRIBUNA_AGENDA_MAX_BYTES)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_TOO_LARGE,
                   "%s is %" G_GSIZE_FORMAT " KiB; an agenda is at most %d KiB (is this the "
                   "right file?)", name, length / 1024, TRIBUNA_AGENDA_MAX_BYTES / 1024);
      return NULL;
    }

  text = decode (data ? data : "", length, name, agenda, error);
  if (text == NULL)
    return NULL;

  for (const char *p = text; *p != '\0' && blank; p++)
    blank = g_ascii_isspace (*p);
  if (blank)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_EMPTY,
                   "%s is empty%s", name, length > 0 ? " (only blank lines)" : "");
      return NULL;
    }

  lines = g_strsplit (text, "\n", -1);
  if (format == TRIBUNA_AGENDA_FORMAT_AUTO)
    format = format_from_name (name);
  if (format == TRIBUNA_AGENDA_FORMAT_AUTO)
    format = sniff_format (lines);
  agenda->format = format;

  /* A minified JSON file is one long line, and is fine. */
  if (format != TRIBUNA_AGENDA_FORMAT_JSON && !check_lines (lines, name, error))
    return NULL;

  switch (format)
    {
    case TRIBUNA_AGENDA_FORMAT_MARKDOWN:
      ok = parse_lines (lines, name, TRUE, agenda, error);
      break;
    case TRIBUNA_AGENDA_FORMAT_CSV:
      ok = parse_csv (text, name, agenda, error);
      break;
    case TRIBUNA_AGENDA_FORMAT_JSON:
      ok = parse_json (text, name, agenda, error);
      break;
    case TRIBUNA_AGENDA_FORMAT_TEXT:
    case TRIBUNA_AGENDA_FORMAT_AUTO:
    default:
      ok = parse_lines (lines, name, FALSE, agenda, error);
      break;
    }

  return ok ? g_steal_pointer (&agenda) : NULL;
}

TribunaAgenda *
tribuna_agenda_load (const char           *path,
                     TribunaAgendaFormat   format,
                     GError              **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  /* Stat first: a mistaken 4 GB video is refused before it is read. */
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_READ,
                   "cannot read the agenda %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_READ,
                   "cannot read the agenda %s: it is not a regular file", path);
      return NULL;
    }
  if (st.st_size > TRIBUNA_AGENDA_MAX_BYTES)
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_TOO_LARGE,
                   "%s is %" G_GINT64_FORMAT " KiB; an agenda is at most %d KiB (is this the "
                   "right file?)", path, (gint64) st.st_size / 1024,
                   TRIBUNA_AGENDA_MAX_BYTES / 1024);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_READ,
                   "cannot read the agenda: %s", local_error->message);
      return NULL;
    }

  return tribuna_agenda_parse (contents, length, path, format, error);
}
