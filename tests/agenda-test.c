/* agenda-test.c: agenda import in every format, and every bad input we know of
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-agenda-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tribuna-agenda.h"
#include "test-utils.h"

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "agendas", name, NULL);
}

static TribunaAgenda *
load_fixture (const char  *name,
              GError     **error)
{
  g_autofree char *path = fixture_path (name);

  return tribuna_agenda_load (path, TRIBUNA_AGENDA_FORMAT_AUTO, error);
}

static TribunaAgenda *
parse (const char           *text,
       const char           *name,
       TribunaAgendaFormat   format,
       GError              **error)
{
  return tribuna_agenda_parse (text, strlen (text), name, format, error);
}

static void
assert_item (TribunaAgenda *agenda,
             guint          index,
             const char    *number,
             const char    *title,
             const char    *presenter,
             guint          depth)
{
  TribunaAgendaItem *item;

  g_assert_cmpuint (index, <, agenda->items->len);
  item = g_ptr_array_index (agenda->items, index);
  g_assert_cmpstr (item->number, ==, number);
  g_assert_cmpstr (item->title, ==, title);
  g_assert_cmpstr (item->presenter, ==, presenter);
  g_assert_cmpuint (item->depth, ==, depth);
}

static gboolean
has_note (TribunaAgenda *agenda,
          const char    *fragment)
{
  for (guint i = 0; i < agenda->notes->len; i++)
    if (strstr (g_ptr_array_index (agenda->notes, i), fragment) != NULL)
      return TRUE;
  return FALSE;
}

/* The samples as the municipality publishes them ******************************************/

static void
test_sample_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("kuvendi-2024-03-28.txt", &error);

  g_assert_no_error (error);
  g_assert_cmpint (agenda->format, ==, TRIBUNA_AGENDA_FORMAT_TEXT);
  g_assert_cmpstr (agenda->encoding, ==, "UTF-8");
  g_assert_cmpuint (agenda->items->len, ==, 8);
  assert_item (agenda, 0, "1", "Konstatimi i prezencës së anëtarëve të Kuvendit", NULL, 0);
  assert_item (agenda, 4, "5", "Propozim-vendimi për dhënien në shfrytëzim të pronës komunale "
               "për ndërtimin e çerdhes në Lluzhan", NULL, 0);
  assert_item (agenda, 7, "8", "Të ndryshme", NULL, 0);
  /* The municipality, the date line, the hall and "Rendi i ditës:" */
  g_assert_true (has_note (agenda, "4 header line(s)"));
}

static void
test_sample_csv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("kpf-2024-06-13.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpint (agenda->format, ==, TRIBUNA_AGENDA_FORMAT_CSV);
  g_assert_cmpuint (agenda->items->len, ==, 5);
  assert_item (agenda, 0, "1", "Miratimi i rendit të ditës", "Kryesuesja e Kuvendit", 0);
  assert_item (agenda, 1, "2", "Shqyrtimi i Kornizës Afatmesme Buxhetore 2025–2027",
               "Drejtoria për Buxhet dhe Financa", 0);
  /* A quoted comma stays in the title. */
  assert_item (agenda, 3, "4", "Raporti tremujor i shpenzimeve, prill – qershor",
               "Drejtoria për Buxhet dhe Financa", 0);
  /* An empty presenter is no presenter. */
  assert_item (agenda, 4, "5", "Të ndryshme", NULL, 0);
}

static void
test_sample_markdown (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("degjim-buxhetor-2024-05-20.md", &error);

  g_assert_no_error (error);
  g_assert_cmpint (agenda->format, ==, TRIBUNA_AGENDA_FORMAT_MARKDOWN);
  g_assert_cmpuint (agenda->items->len, ==, 4);
  /* A plain parenthesis is part of the title: only "(Propozues: …)" names a presenter. */
  assert_item (agenda, 0, NULL,
               "Hapja e dëgjimit dhe prezantimi i qarqeve buxhetore (Kryetari i Komunës)",
               NULL, 0);
  assert_item (agenda, 2, NULL, "Pyetje, komente dhe propozime nga qytetarët e fshatrave Orllan, "
               "Lluzhan, Kërpimeh", NULL, 0);
  assert_item (agenda, 3, NULL, "Përmbyllja dhe hapat e ardhshëm", NULL, 0);
}

/* Our own nasty ones ************************************************************************/

static void
test_crlf_bom_pika_subitems (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("komunitete-crlf-bom.txt", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (agenda->items->len, ==, 10);
  assert_item (agenda, 0, "1", "Hapja e mbledhjes dhe miratimi i rendit të ditës", NULL, 0);
  assert_item (agenda, 1, "2", "Raporti për kthimin e të zhvendosurve",
               "Zyra Komunale për Komunitete", 0);
  /* An indented line continues the title, and its "– Raportues:" names the presenter. */
  assert_item (agenda, 2, "3", "Informatë për projektet në fshatrat Llapashticë dhe Orllan",
               "Drejtoria për Zhvillim Ekonomik", 0);
  assert_item (agenda, 4, "4.1", "Ndarja e mjeteve për shkollat", NULL, 1);
  assert_item (agenda, 6, "a", "Festivali i Këngës", NULL, 2);
  assert_item (agenda, 7, "b", "Çerdhja në Lluzhan", NULL, 2);
  assert_item (agenda, 8, "ç", "Ëndrrat e fëmijëve", NULL, 2);
  /* "Propozues:" on a line of its own belongs to the item above it. */
  assert_item (agenda, 9, "5", "Të ndryshme", "Kryesuesi", 0);
  g_assert_true (has_note (agenda, ":17: “Kryesuesi i Komitetit” is not an agenda item"));

  /* No \r survives anywhere. */
  for (guint i = 0; i < agenda->items->len; i++)
    g_assert_null (strchr (((TribunaAgendaItem *) g_ptr_array_index (agenda->items, i))->title,
                           '\r'));
}

static void
test_numbering_styles (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;

  agenda = parse ("Seanca e 28.03.2024, ora 10:00\n"
                  "Nr. 01-011/24\n"
                  "2024 viti i buxhetit\n"
                  "1) Hapja\n"
                  "2. Raporti\n"
                  "3: Diskutimi\n"
                  "Pika 4: Votimi\n"
                  "PIKA 5 Informata\n"
                  "5.1. Nën-pika\n"
                  "5.2) Nën-pika tjetër\n"
                  "- Pa numër\n"
                  "10:30 Pushim\n"
                  "6.Të ndryshme\n",
                  "styles.txt", TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_no_error (error);
  /* Dates, file numbers and years before the items are a header; "10:30 …" is a time. */
  g_assert_cmpuint (agenda->items->len, ==, 9);
  assert_item (agenda, 0, "1", "Hapja", NULL, 0);
  assert_item (agenda, 1, "2", "Raporti", NULL, 0);
  assert_item (agenda, 2, "3", "Diskutimi", NULL, 0);
  assert_item (agenda, 3, "4", "Votimi", NULL, 0);
  assert_item (agenda, 4, "5", "Informata", NULL, 0);
  assert_item (agenda, 5, "5.1", "Nën-pika", NULL, 1);
  assert_item (agenda, 6, "5.2", "Nën-pika tjetër", NULL, 1);
  assert_item (agenda, 7, NULL, "Pa numër", NULL, 0);
  assert_item (agenda, 8, "6", "Të ndryshme", NULL, 0);
  g_assert_true (has_note (agenda, ":12: “10:30 Pushim” is not an agenda item"));
}

static void
test_wrapped_and_pending_title (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;

  agenda = parse ("1.\n"
                  "Konstatimi i prezencës\n"
                  "2. Raporti financiar i Komunës për periudhën\n"
                  "janar – dhjetor 2023\n",
                  "wrapped.txt", TRIBUNA_AGENDA_FORMAT_TEXT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agenda->items->len, ==, 2);
  assert_item (agenda, 0, "1", "Konstatimi i prezencës", NULL, 0);
  assert_item (agenda, 1, "2", "Raporti financiar i Komunës për periudhën janar – dhjetor 2023",
               NULL, 0);

  g_clear_pointer (&agenda, tribuna_agenda_free);
  agenda = parse ("1. Hapja\n2.\n", "dangling.txt", TRIBUNA_AGENDA_FORMAT_TEXT, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "dangling.txt:2: item 2 has a number but no title"));
  g_assert_null (agenda);
}

static void
test_windows_1250 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("kksb-windows-1250.txt", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (agenda->encoding, ==, "WINDOWS-1250");
  g_assert_true (has_note (agenda, "is not UTF-8 (from line 1 on); it was read as Windows-1250"));
  g_assert_cmpuint (agenda->items->len, ==, 4);
  assert_item (agenda, 0, "1", "Çështjet e sigurisë në shkolla", NULL, 0);
  assert_item (agenda, 1, "2", "Raporti i Stacionit Policor", "Dragan Đorđević", 0);
  assert_item (agenda, 2, "3", "Bashkëpunimi me komunitetin", "Miloš Stanković", 0);
}

static void
test_windows_1252 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("press-windows-1252.txt", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (agenda->encoding, ==, "WINDOWS-1252");
  assert_item (agenda, 0, "1", "Vizita e delegacionit nga Città di Castello dhe Forlì", NULL, 0);
  assert_item (agenda, 1, "2", "Pyetje të gazetarëve për marrëveshjen me Besançon", NULL, 0);
}

static void
test_mixed_encoding_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("mixed-encoding.txt", &error);

  g_assert_null (agenda);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "mixed-encoding.txt:3:"));
  g_assert_nonnull (strstr (error->message, "save it again as UTF-8"));
}

static void
test_undecodable_refused (void)
{
  g_autoptr(GError) error = NULL;
  /* 0x81 is undefined in both Windows-1250 and -1252. */
  const char data[] = "1. Hapja\n2. Raporti \x81 i punes\n";
  g_autoptr(TribunaAgenda) agenda = tribuna_agenda_parse (data, sizeof data - 1, "bad.txt",
                                                          TRIBUNA_AGENDA_FORMAT_AUTO, &error);

  g_assert_null (agenda);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "bad.txt:2: byte 0x81"));
}

static void
test_utf16_and_nfd (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) utf16 = load_fixture ("utf16-notepad.txt", &error);
  g_autoptr(TribunaAgenda) nfd = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (utf16->encoding, ==, "UTF-16");
  assert_item (utf16, 0, "1", "Hapja e seancës", NULL, 0);

  /* e + U+0308 (as a Mac saves it) becomes the one letter ë. */
  nfd = load_fixture ("nfd-mac.txt", &error);
  g_assert_no_error (error);
  assert_item (nfd, 0, "1", "Konstatimi i prezencës", NULL, 0);
  g_assert_nonnull (strstr (((TribunaAgendaItem *) g_ptr_array_index (nfd->items, 0))->title,
                            "\xc3\xab"));
}

static void
test_markdown_features (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("debat-publik-auto-numbered.md", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (agenda->items->len, ==, 6);
  /* "1. 1. 1. 1." shows as 1–4; bold and links become their text; nesting by indentation. */
  assert_item (agenda, 0, "1", "Hapja e debatit", NULL, 0);
  assert_item (agenda, 1, "2", "Prezantimi i KAB-it", NULL, 0);
  assert_item (agenda, 2, NULL, "Të hyrat", NULL, 1);
  assert_item (agenda, 3, NULL, "Shpenzimet", NULL, 1);
  assert_item (agenda, 4, "3", "Pyetjet e qytetarëve", NULL, 0);
  assert_item (agenda, 5, "4", "Përmbyllja", NULL, 0);
  g_assert_true (has_note (agenda, "Markdown shows as 1–4"));
}

static void
test_csv_excel_semicolon (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("kpf-excel-semicolon.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (agenda->items->len, ==, 5);
  assert_item (agenda, 0, "1", "Miratimi i procesverbalit", "Kryesuesja", 0);
  /* The separator inside quotes, doubled quotes, a line break inside quotes. */
  assert_item (agenda, 1, "2", "Buxheti 2025; rishikimi i parë", "Drejtoria për Buxhet dhe Financa",
               0);
  assert_item (agenda, 2, "3", "Raporti \"Transparenca\" për vitin 2024", NULL, 0);
  assert_item (agenda, 3, "3.1", "Pyetje nga anëtarët", NULL, 1);
  assert_item (agenda, 4, "4", "Të ndryshme", NULL, 0);
}

static void
test_csv_variants (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;

  /* No header */
  agenda = parse ("1,Hapja,Kryetari\n2,\"Raporti, financiar\"\n", "a.csv",
                  TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agenda->items->len, ==, 2);
  assert_item (agenda, 0, "1", "Hapja", "Kryetari", 0);
  assert_item (agenda, 1, "2", "Raporti, financiar", NULL, 0);
  g_clear_pointer (&agenda, tribuna_agenda_free);

  /* Columns in another order, and one we do not know, by their header */
  agenda = parse ("titulli,shënime,propozuesi,nr\nHapja,x,Kryetari,1\nTë ndryshme,,,2\n", "b.csv",
                  TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_no_error (error);
  assert_item (agenda, 0, "1", "Hapja", "Kryetari", 0);
  assert_item (agenda, 1, "2", "Të ndryshme", NULL, 0);
  g_clear_pointer (&agenda, tribuna_agenda_free);

  /* Tabs, "Pika 3", "5a" and "b)" as numbers */
  agenda = parse ("Pika 3\tRaporti\n5a\tNën-pika\nb)\tTjetër\n", "c.csv",
                  TRIBUNA_AGENDA_FORMAT_CSV, &error);
  g_assert_no_error (error);
  assert_item (agenda, 0, "3", "Raporti", NULL, 0);
  assert_item (agenda, 1, "5a", "Nën-pika", NULL, 1);
  assert_item (agenda, 2, "b", "Tjetër", NULL, 1);
  g_clear_pointer (&agenda, tribuna_agenda_free);

  /* A header in words we do not know: by position, with a note */
  agenda = parse ("Rendi,Përmbajtja,Kush\n1,Hapja,Kryetari\n", "d.csv", TRIBUNA_AGENDA_FORMAT_AUTO,
                  &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agenda->items->len, ==, 1);
  assert_item (agenda, 0, "1", "Hapja", "Kryetari", 0);
  g_assert_true (has_note (agenda, "d.csv:1: the first row was read as a header"));
}

static void
test_csv_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;

  agenda = load_fixture ("bad-quote.csv", &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "bad-quote.csv:2: a double quote opened here is "
                            "never closed"));
  g_clear_error (&error);

  agenda = load_fixture ("too-many-fields.csv", &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "too-many-fields.csv:2: 4 fields"));
  g_assert_nonnull (strstr (error->message, "double quotes"));
  g_clear_error (&error);

  agenda = parse ("1,Hapja\nHapja e seancës,Kryetari\n", "e.csv", TRIBUNA_AGENDA_FORMAT_CSV,
                  &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "e.csv:2: “Hapja e seancës” is not an item number"));
  g_clear_error (&error);

  agenda = parse ("number,title\n1,\n", "f.csv", TRIBUNA_AGENDA_FORMAT_CSV, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "f.csv:2: item 1 has no title"));
  g_clear_error (&error);

  agenda = parse ("number,presenter\n1,X\n", "g.csv", TRIBUNA_AGENDA_FORMAT_CSV, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "g.csv:1: the header names no title column"));
  g_clear_error (&error);

  agenda = parse ("number,title,presenter\n\n", "h.csv", TRIBUNA_AGENDA_FORMAT_CSV, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NO_ITEMS);
  g_assert_nonnull (strstr (error->message, "h.csv: the CSV has a header but no item rows"));
  g_clear_error (&error);

  agenda = parse ("Hapja\nTë ndryshme\n", "i.csv", TRIBUNA_AGENDA_FORMAT_CSV, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "i.csv:1: one field"));
  g_assert_null (agenda);
}

static void
test_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = load_fixture ("kuvendi-2024-10-31.json", &error);

  g_assert_no_error (error);
  g_assert_cmpint (agenda->format, ==, TRIBUNA_AGENDA_FORMAT_JSON);
  g_assert_cmpuint (agenda->items->len, ==, 5);
  assert_item (agenda, 0, "1", "Konstatimi i prezencës", NULL, 0);   /* number as a JSON number */
  assert_item (agenda, 1, "2", "Propozim-buxheti 2025", "Kryetari i Komunës", 0);
  assert_item (agenda, 2, "2.1", "Diskutimi", NULL, 1);
  assert_item (agenda, 3, NULL, "Votimi", NULL, 1);                  /* a plain string */
  assert_item (agenda, 4, NULL, "Të ndryshme", NULL, 0);
  g_clear_pointer (&agenda, tribuna_agenda_free);

  /* The bare array, on one long line (no line limit for JSON) */
  {
    g_autoptr(GString) text = g_string_new ("[");

    for (guint i = 1; i <= 200; i++)
      g_string_append_printf (text, "%s{\"number\":%u,\"title\":\"Pika e rendit numër %u\"}",
                              i > 1 ? "," : "", i, i);
    g_string_append (text, "]");
    agenda = parse (text->str, "one-line.json", TRIBUNA_AGENDA_FORMAT_AUTO, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (agenda->items->len, ==, 200);
    assert_item (agenda, 199, "200", "Pika e rendit numër 200", NULL, 0);
  }
}

static void
test_json_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;

  agenda = load_fixture ("broken.json", &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "broken.json:3:"));
  g_clear_error (&error);

  agenda = load_fixture ("no-title.json", &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "no-title.json: item 2 has no “title”"));
  g_clear_error (&error);

  agenda = parse ("{\"items\": [{\"title\": \"A\", \"items\": [42]}]}", "x.json",
                  TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "x.json: item 1.1 is neither an object nor a string"));
  g_clear_error (&error);

  agenda = parse ("{\"items\": [{\"title\": \"A\", \"number\": 1.5}]}", "y.json",
                  TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "item 1 has a “number” that is neither"));
  g_clear_error (&error);

  agenda = parse ("{\"agenda\": []}", "z.json", TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "z.json: expected {\"items\": [ … ]}"));
  g_clear_error (&error);

  agenda = parse ("{\"items\": []}", "empty.json", TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NO_ITEMS);
  g_assert_null (agenda);
}

static void
test_empty_and_no_items (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;

  agenda = load_fixture ("empty.txt", &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "empty.txt is empty"));
  g_clear_error (&error);

  agenda = load_fixture ("blank.txt", &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "blank.txt is empty (only blank lines)"));
  g_clear_error (&error);

  /* A BOM alone is empty too. */
  agenda = parse ("\xef\xbb\xbf\r\n", "bom.txt", TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_EMPTY);
  g_clear_error (&error);

  agenda = load_fixture ("no-items.txt", &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NO_ITEMS);
  g_assert_nonnull (strstr (error->message, "no-items.txt: no agenda item in its 3 line(s)"));
  g_clear_error (&error);

  agenda = parse ("# Rendi i ditës\n\nAsgjë ende.\n", "x.md", TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NO_ITEMS);
  g_assert_null (agenda);
}

static void
test_sizes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TribunaAgenda) agenda = NULL;
  g_autofree char *dir = tribuna_test_make_tmpdir (NULL, &error);
  g_autofree char *long_line = g_strnfill (TRIBUNA_AGENDA_MAX_LINE_CHARS + 1, 'e');
  g_autofree char *text = g_strdup_printf ("1. Hapja\n2. %s\n", long_line);
  g_autofree char *big_path = NULL;
  g_autofree char *big = NULL;

  g_assert_no_error (error);

  /* Characters, not bytes: 2000 ë (4000 bytes) are still one acceptable line. */
  {
    GString *letters = g_string_new ("1. ");

    for (guint i = 0; i < TRIBUNA_AGENDA_MAX_LINE_CHARS - 3; i++)
      g_string_append (letters, "ë");
    agenda = parse (letters->str, "ok.txt", TRIBUNA_AGENDA_FORMAT_TEXT, &error);
    g_string_free (letters, TRUE);
    g_assert_no_error (error);
    g_clear_pointer (&agenda, tribuna_agenda_free);
  }

  agenda = parse (text, "long.txt", TRIBUNA_AGENDA_FORMAT_TEXT, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_LINE_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "long.txt:2: the line is 2004 characters long"));
  g_clear_error (&error);

  /* A file over 1 MiB is refused before it is read. */
  big_path = g_build_filename (dir, "video.txt", NULL);
  big = g_malloc0 (TRIBUNA_AGENDA_MAX_BYTES + 1);
  memset (big, 'x', TRIBUNA_AGENDA_MAX_BYTES);
  g_file_set_contents (big_path, big, TRIBUNA_AGENDA_MAX_BYTES + 1, &error);
  g_assert_no_error (error);
  agenda = tribuna_agenda_load (big_path, TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, big_path));
  g_assert_nonnull (strstr (error->message, "at most 1024 KiB"));
  g_clear_error (&error);

  agenda = tribuna_agenda_parse (big, TRIBUNA_AGENDA_MAX_BYTES + 1, "memory.txt",
                                 TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_TOO_LARGE);
  g_clear_error (&error);

  agenda = tribuna_agenda_load (dir, TRIBUNA_AGENDA_FORMAT_AUTO, &error);
  g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_READ);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  {
    g_autofree char *missing = g_build_filename (dir, "nope.txt", NULL);

    agenda = tribuna_agenda_load (missing, TRIBUNA_AGENDA_FORMAT_AUTO, &error);
    g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_READ);
    g_assert_nonnull (strstr (error->message, missing));
    g_clear_error (&error);
  }

  tribuna_test_rm_rf (dir, &error);
  g_assert_no_error (error);
}

static void
test_binary_refused (void)
{
  static const struct {
    const char *data;
    gsize       length;
    const char *says;
  } files[] = {
    { "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 14, "a PDF document" },
    { "PK\x03\x04\x14\x00\x06\x00", 8, "a Word (.docx)" },
    { "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an old Word (.doc)" },
    { "{\\rtf1\\ansi 1. Hapja}", 21, "a rich-text (.rtf)" },
    { "1. Hapja\n2. Raporti\0\0\0", 23, "binary data (a NUL byte)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TribunaAgenda) agenda = tribuna_agenda_parse (files[i].data, files[i].length,
                                                              "rendi.txt",
                                                              TRIBUNA_AGENDA_FORMAT_AUTO, &error);

      g_assert_null (agenda);
      g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NOT_TEXT);
      g_assert_nonnull (strstr (error->message, files[i].says));
      g_assert_nonnull (strstr (error->message, "rendi.txt"));
    }
}

static void
test_format_detection (void)
{
  static const struct {
    const char          *text;
    TribunaAgendaFormat  format;
    guint                n_items;
  } cases[] = {
    { "number,title\n1,Hapja\n2,Të ndryshme\n", TRIBUNA_AGENDA_FORMAT_CSV, 2 },
    { "1;Hapja;Kryetari\n2;Të ndryshme;\n", TRIBUNA_AGENDA_FORMAT_CSV, 2 },
    { "  {\"items\": [\"Hapja\"]}", TRIBUNA_AGENDA_FORMAT_JSON, 1 },
    { "[\"Hapja\", \"Të ndryshme\"]", TRIBUNA_AGENDA_FORMAT_JSON, 2 },
    { "# Rendi\n- Hapja\n- Të ndryshme\n", TRIBUNA_AGENDA_FORMAT_MARKDOWN, 2 },
    { "Rendi i ditës, 28 mars\n1. Hapja, përshëndetja\n2. Të ndryshme\n",
      TRIBUNA_AGENDA_FORMAT_TEXT, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TribunaAgenda) agenda = parse (cases[i].text, "agenda.dat",
                                               TRIBUNA_AGENDA_FORMAT_AUTO, &error);

      g_assert_no_error (error);
      g_assert_cmpint (agenda->format, ==, cases[i].format);
      g_assert_cmpuint (agenda->items->len, ==, cases[i].n_items);
    }

  /* The extension wins over the content, an explicit format over both. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TribunaAgenda) agenda = parse ("1,Hapja\n", "a.txt", TRIBUNA_AGENDA_FORMAT_AUTO,
                                             &error);

    g_assert_error (error, TRIBUNA_AGENDA_ERROR, TRIBUNA_AGENDA_ERROR_NO_ITEMS);
    g_clear_error (&error);
    agenda = parse ("1,Hapja\n", "a.txt", TRIBUNA_AGENDA_FORMAT_CSV, &error);
    g_assert_no_error (error);
    assert_item (agenda, 0, "1", "Hapja", NULL, 0);
  }

  {
    TribunaAgendaFormat format;

    g_assert_true (tribuna_agenda_format_from_string ("Markdown", &format));
    g_assert_cmpint (format, ==, TRIBUNA_AGENDA_FORMAT_MARKDOWN);
    g_assert_true (tribuna_agenda_format_from_string ("md", &format));
    g_assert_cmpint (format, ==, TRIBUNA_AGENDA_FORMAT_MARKDOWN);
    g_assert_false (tribuna_agenda_format_from_string ("docx", &format));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recordings/agenda/sample/text", test_sample_text);
  g_test_add_func ("/recordings/agenda/sample/csv", test_sample_csv);
  g_test_add_func ("/recordings/agenda/sample/markdown", test_sample_markdown);
  g_test_add_func ("/recordings/agenda/text/crlf-bom-pika-subitems", test_crlf_bom_pika_subitems);
  g_test_add_func ("/recordings/agenda/text/numbering-styles", test_numbering_styles);
  g_test_add_func ("/recordings/agenda/text/wrapped-and-pending", test_wrapped_and_pending_title);
  g_test_add_func ("/recordings/agenda/encoding/windows-1250", test_windows_1250);
  g_test_add_func ("/recordings/agenda/encoding/windows-1252", test_windows_1252);
  g_test_add_func ("/recordings/agenda/encoding/mixed", test_mixed_encoding_refused);
  g_test_add_func ("/recordings/agenda/encoding/undecodable", test_undecodable_refused);
  g_test_add_func ("/recordings/agenda/encoding/utf16-nfd", test_utf16_and_nfd);
  g_test_add_func ("/recordings/agenda/markdown/features", test_markdown_features);
  g_test_add_func ("/recordings/agenda/csv/excel-semicolon", test_csv_excel_semicolon);
  g_test_add_func ("/recordings/agenda/csv/variants", test_csv_variants);
  g_test_add_func ("/recordings/agenda/csv/errors", test_csv_errors);
  g_test_add_func ("/recordings/agenda/json/valid", test_json);
  g_test_add_func ("/recordings/agenda/json/errors", test_json_errors);
  g_test_add_func ("/recordings/agenda/bad/empty-no-items", test_empty_and_no_items);
  g_test_add_func ("/recordings/agenda/bad/sizes", test_sizes);
  g_test_add_func ("/recordings/agenda/bad/binary", test_binary_refused);
  g_test_add_func ("/recordings/agenda/format-detection", test_format_detection);

  return g_test_run ();
}
