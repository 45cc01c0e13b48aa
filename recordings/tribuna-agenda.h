/* tribuna-agenda.h: reading an agenda as the municipality publishes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Formats:
 *
 * - Plain text: lines before the first item (municipality, date, "Rendi i ditës:") are a
 *   header and ignored. An item starts "1." "1)" "1:" or "Pika 1:"; a sub-item "5.1" or
 *   "a)" (any lower-case letter, "ç)" too); "- " "* " "• " start an unnumbered item. A line
 *   that is indented or starts in lower case continues the item before it. A presenter is
 *   read from "(Propozues: …)" or "– Raportues: …" at the end of an item, or from a
 *   "Propozues: …" line under it (also Propozon, Raporton, Paraqet, Prezanton, Presenter).
 *   Other lines after the first item are ignored, with a note.
 * - Markdown: the same, plus "#" headings as header lines, nesting by indentation, "**" "__"
 *   "`" and [links](…) reduced to their text, and a list numbered "1. 1. 1." (which Markdown
 *   renders 1, 2, 3) renumbered as it shows.
 * - CSV: number,title,presenter; "," ";" or tab separated (whichever the first row uses);
 *   fields in double quotes may hold the separator, "" and line breaks. The first row is a
 *   header when it names columns (number/nr/numri/pika, title/titulli/tema,
 *   presenter/propozues/raportues…), which may then come in any order and among others.
 * - JSON: an object { "items": [ ITEM… ] } (other members ignored) or the bare array, where
 *   ITEM is { "number": "5" or 5, "title": "…", "presenter": "…", "items": [ sub-items ] }
 *   (only "title" is required) or a plain string, the title.
 *
 * The format comes from the extension (.txt .md .markdown .csv .json), else from the
 * content. Text is UTF-8 (a BOM is dropped, CRLF and CR line ends accepted, letters kept as
 * written, normalised to NFC) or UTF-16 with a BOM; a file that is not UTF-8 is read as
 * Windows-1250 (Windows-1252 when its letters fit that better), with a note saying so; a
 * file mixing UTF-8 with other bytes is refused. Every error names the file, and the line
 * where there is one.
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-archive-rows.h"

G_BEGIN_DECLS

#define TRIBUNA_AGENDA_ERROR (tribuna_agenda_error_quark ())

typedef enum {
  TRIBUNA_AGENDA_ERROR_READ,           /* the file cannot be opened or read */
  TRIBUNA_AGENDA_ERROR_TOO_LARGE,      /* above TRIBUNA_AGENDA_MAX_BYTES */
  TRIBUNA_AGENDA_ERROR_NOT_TEXT,       /* a PDF, a Word file, an image… */
  TRIBUNA_AGENDA_ERROR_ENCODING,       /* neither UTF-8 nor a Windows code page, or mixed */
  TRIBUNA_AGENDA_ERROR_LINE_TOO_LONG,  /* a line above TRIBUNA_AGENDA_MAX_LINE_CHARS */
  TRIBUNA_AGENDA_ERROR_EMPTY,          /* nothing but blanks */
  TRIBUNA_AGENDA_ERROR_NO_ITEMS,       /* text, but no agenda item in it */
  TRIBUNA_AGENDA_ERROR_SYNTAX,         /* malformed CSV or JSON */
} TribunaAgendaError;

typedef enum {
  TRIBUNA_AGENDA_FORMAT_AUTO,
  TRIBUNA_AGENDA_FORMAT_TEXT,
  TRIBUNA_AGENDA_FORMAT_MARKDOWN,
  TRIBUNA_AGENDA_FORMAT_CSV,
  TRIBUNA_AGENDA_FORMAT_JSON,
} TribunaAgendaFormat;

#define TRIBUNA_AGENDA_MAX_BYTES      (1024 * 1024)
#define TRIBUNA_AGENDA_MAX_LINE_CHARS 2000

/**
 * TribunaAgenda:
 * @items: the TribunaAgendaItems in order (id, session_id and position left 0)
 * @notes: what the import changed or skipped, one sentence each (char *), for the user
 * @format: the format it was read as
 * @encoding: "UTF-8", "UTF-16", "WINDOWS-1250" or "WINDOWS-1252"
 */
typedef struct {
  GPtrArray           *items;
  GPtrArray           *notes;
  TribunaAgendaFormat  format;
  const char          *encoding;
} TribunaAgenda;

GQuark               tribuna_agenda_error_quark       (void);

/* "text", "markdown", "csv", "json" (and "auto"). */
const char          *tribuna_agenda_format_to_string  (TribunaAgendaFormat   format);
gboolean             tribuna_agenda_format_from_string (const char          *name,
                                                        TribunaAgendaFormat *out);

TribunaAgenda       *tribuna_agenda_load              (const char           *path,
                                                       TribunaAgendaFormat   format,
                                                       GError              **error);
/* @name is what messages call the input, and whose extension picks the format for AUTO. */
TribunaAgenda       *tribuna_agenda_parse             (const char           *data,
                                                       gsize                 length,
                                                       const char           *name,
                                                       TribunaAgendaFormat   format,
                                                       GError              **error);
void                 tribuna_agenda_free              (TribunaAgenda        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaAgenda, tribuna_agenda_free)

G_END_DECLS
