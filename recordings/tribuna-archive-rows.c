/* tribuna-archive-rows.c: what the archive index holds, one plain struct per row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-archive"

#include "config.h"

#include <string.h>

#include "tribuna-archive-rows.h"

/* The nicks are the codes stored in the database: renaming one needs a migration. */
static const GEnumValue session_type_values[] = {
  { TRIBUNA_SESSION_TYPE_ASSEMBLY, "TRIBUNA_SESSION_TYPE_ASSEMBLY", "assembly" },
  { TRIBUNA_SESSION_TYPE_KPF, "TRIBUNA_SESSION_TYPE_KPF", "kpf" },
  { TRIBUNA_SESSION_TYPE_COMMUNITIES, "TRIBUNA_SESSION_TYPE_COMMUNITIES", "communities" },
  { TRIBUNA_SESSION_TYPE_KKSB, "TRIBUNA_SESSION_TYPE_KKSB", "kksb" },
  { TRIBUNA_SESSION_TYPE_BUDGET_HEARING, "TRIBUNA_SESSION_TYPE_BUDGET_HEARING", "budget-hearing" },
  { TRIBUNA_SESSION_TYPE_PUBLIC_DEBATE, "TRIBUNA_SESSION_TYPE_PUBLIC_DEBATE", "public-debate" },
  { TRIBUNA_SESSION_TYPE_PRESS, "TRIBUNA_SESSION_TYPE_PRESS", "press" },
  { TRIBUNA_SESSION_TYPE_OTHER, "TRIBUNA_SESSION_TYPE_OTHER", "other" },
  { 0, NULL, NULL }
};

static const GEnumValue session_state_values[] = {
  { TRIBUNA_SESSION_PLANNED, "TRIBUNA_SESSION_PLANNED", "planned" },
  { TRIBUNA_SESSION_LIVE, "TRIBUNA_SESSION_LIVE", "live" },
  { TRIBUNA_SESSION_ENDED, "TRIBUNA_SESSION_ENDED", "ended" },
  { TRIBUNA_SESSION_INTERRUPTED, "TRIBUNA_SESSION_INTERRUPTED", "interrupted" },
  { 0, NULL, NULL }
};

static const GEnumValue marker_kind_values[] = {
  { TRIBUNA_MARKER_ITEM_START, "TRIBUNA_MARKER_ITEM_START", "item-start" },
  { TRIBUNA_MARKER_SPEAKER, "TRIBUNA_MARKER_SPEAKER", "speaker" },
  { TRIBUNA_MARKER_BREAK_START, "TRIBUNA_MARKER_BREAK_START", "break-start" },
  { TRIBUNA_MARKER_BREAK_END, "TRIBUNA_MARKER_BREAK_END", "break-end" },
  { TRIBUNA_MARKER_PRIVATE_START, "TRIBUNA_MARKER_PRIVATE_START", "private-start" },
  { TRIBUNA_MARKER_PRIVATE_END, "TRIBUNA_MARKER_PRIVATE_END", "private-end" },
  { TRIBUNA_MARKER_NOTE, "TRIBUNA_MARKER_NOTE", "note" },
  { 0, NULL, NULL }
};

static const GEnumValue segment_state_values[] = {
  { TRIBUNA_SEGMENT_OPEN, "TRIBUNA_SEGMENT_OPEN", "open" },
  { TRIBUNA_SEGMENT_CLOSED, "TRIBUNA_SEGMENT_CLOSED", "closed" },
  { 0, NULL, NULL }
};

static const GEnumValue event_kind_values[] = {
  { TRIBUNA_EVENT_STREAM_STARTED, "TRIBUNA_EVENT_STREAM_STARTED", "stream-started" },
  { TRIBUNA_EVENT_STREAM_STOPPED, "TRIBUNA_EVENT_STREAM_STOPPED", "stream-stopped" },
  { TRIBUNA_EVENT_STREAM_RECONNECTED, "TRIBUNA_EVENT_STREAM_RECONNECTED", "stream-reconnected" },
  { TRIBUNA_EVENT_STREAM_FAILED, "TRIBUNA_EVENT_STREAM_FAILED", "stream-failed" },
  { TRIBUNA_EVENT_STREAM_REJECTED, "TRIBUNA_EVENT_STREAM_REJECTED", "stream-rejected" },
  { TRIBUNA_EVENT_RECORDER_STARTED, "TRIBUNA_EVENT_RECORDER_STARTED", "recorder-started" },
  { TRIBUNA_EVENT_RECORDER_STOPPED, "TRIBUNA_EVENT_RECORDER_STOPPED", "recorder-stopped" },
  { TRIBUNA_EVENT_RECORDER_FAILED, "TRIBUNA_EVENT_RECORDER_FAILED", "recorder-failed" },
  { 0, NULL, NULL }
};

#define DEFINE_ENUM_TYPE(func, Name, values)                                   \
  GType                                                                        \
  func (void)                                                                  \
  {                                                                            \
    static gsize type_id;                                                      \
                                                                               \
    if (g_once_init_enter (&type_id))                                          \
      g_once_init_leave (&type_id, g_enum_register_static (Name, values));     \
                                                                               \
    return type_id;                                                            \
  }

DEFINE_ENUM_TYPE (tribuna_session_type_get_type, "TribunaSessionType", session_type_values)
DEFINE_ENUM_TYPE (tribuna_session_state_get_type, "TribunaSessionState", session_state_values)
DEFINE_ENUM_TYPE (tribuna_marker_kind_get_type, "TribunaMarkerKind", marker_kind_values)
DEFINE_ENUM_TYPE (tribuna_event_kind_get_type, "TribunaEventKind", event_kind_values)

static const char *
value_to_code (const GEnumValue *values,
               int               value)
{
  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (values[i].value == value)
      return values[i].value_nick;

  return "unknown";
}

static gboolean
code_to_value (const GEnumValue *values,
               const char       *code,
               int              *out)
{
  if (code == NULL)
    return FALSE;

  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (strcmp (values[i].value_nick, code) == 0)
      {
        *out = values[i].value;
        return TRUE;
      }

  return FALSE;
}

#define DEFINE_CODES(prefix, Type, values)                                     \
  const char *                                                                 \
  prefix##_to_code (Type value)                                                \
  {                                                                            \
    return value_to_code (values, (int) value);                                \
  }                                                                            \
                                                                               \
  gboolean                                                                     \
  prefix##_from_code (const char *code,                                        \
                      Type       *out)                                         \
  {                                                                            \
    int value;                                                                 \
                                                                               \
    g_return_val_if_fail (out != NULL, FALSE);                                 \
                                                                               \
    if (!code_to_value (values, code, &value))                                 \
      return FALSE;                                                            \
    *out = (Type) value;                                                       \
    return TRUE;                                                               \
  }

DEFINE_CODES (tribuna_session_type, TribunaSessionType, session_type_values)
DEFINE_CODES (tribuna_session_state, TribunaSessionState, session_state_values)
DEFINE_CODES (tribuna_marker_kind, TribunaMarkerKind, marker_kind_values)
DEFINE_CODES (tribuna_segment_state, TribunaSegmentState, segment_state_values)
DEFINE_CODES (tribuna_event_kind, TribunaEventKind, event_kind_values)

const char *
tribuna_session_type_to_label (TribunaSessionType type)
{
  switch (type)
    {
    case TRIBUNA_SESSION_TYPE_ASSEMBLY:
      return "Seanca e Kuvendit Komunal";
    case TRIBUNA_SESSION_TYPE_KPF:
      return "Mbledhja e Komitetit për Politikë dhe Financa";
    case TRIBUNA_SESSION_TYPE_COMMUNITIES:
      return "Mbledhja e Komitetit për Komunitete";
    case TRIBUNA_SESSION_TYPE_KKSB:
      return "Mbledhja e Këshillit Komunal për Siguri në Bashkësi";
    case TRIBUNA_SESSION_TYPE_BUDGET_HEARING:
      return "Dëgjim buxhetor";
    case TRIBUNA_SESSION_TYPE_PUBLIC_DEBATE:
      return "Debat publik";
    case TRIBUNA_SESSION_TYPE_PRESS:
      return "Konferencë për media";
    case TRIBUNA_SESSION_TYPE_OTHER:
    default:
      return "Tjetër";
    }
}

const char *
tribuna_session_type_opening (TribunaSessionType type)
{
  switch (type)
    {
    case TRIBUNA_SESSION_TYPE_ASSEMBLY:
      return "Hapja e seancës";
    case TRIBUNA_SESSION_TYPE_KPF:
    case TRIBUNA_SESSION_TYPE_COMMUNITIES:
    case TRIBUNA_SESSION_TYPE_KKSB:
      return "Hapja e mbledhjes";
    case TRIBUNA_SESSION_TYPE_BUDGET_HEARING:
      return "Hapja e dëgjimit";
    case TRIBUNA_SESSION_TYPE_PUBLIC_DEBATE:
      return "Hapja e debatit";
    case TRIBUNA_SESSION_TYPE_PRESS:
    case TRIBUNA_SESSION_TYPE_OTHER:
    default:
      return "Hyrje";
    }
}

char *
tribuna_session_type_list_codes (void)
{
  GString *codes = g_string_new (NULL);

  for (guint i = 0; session_type_values[i].value_nick != NULL; i++)
    g_string_append_printf (codes, "%s%s", i > 0 ? ", " : "", session_type_values[i].value_nick);

  return g_string_free (codes, FALSE);
}

/* Rows */

TribunaSession *
tribuna_session_copy (const TribunaSession *self)
{
  TribunaSession *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->title = g_strdup (self->title);
  copy->date = g_strdup (self->date);
  copy->place = g_strdup (self->place);
  return copy;
}

void
tribuna_session_free (TribunaSession *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_free (self->date);
  g_free (self->place);
  g_free (self);
}

TribunaAgendaItem *
tribuna_agenda_item_new (const char *number,
                         const char *title,
                         const char *presenter,
                         guint       depth)
{
  TribunaAgendaItem *self;

  g_return_val_if_fail (title != NULL, NULL);

  self = g_new0 (TribunaAgendaItem, 1);
  self->number = g_strdup (number);
  self->title = g_strdup (title);
  self->presenter = g_strdup (presenter);
  self->depth = depth;
  return self;
}

TribunaAgendaItem *
tribuna_agenda_item_copy (const TribunaAgendaItem *self)
{
  TribunaAgendaItem *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->number = g_strdup (self->number);
  copy->title = g_strdup (self->title);
  copy->presenter = g_strdup (self->presenter);
  return copy;
}

void
tribuna_agenda_item_free (TribunaAgendaItem *self)
{
  if (self == NULL)
    return;

  g_free (self->number);
  g_free (self->title);
  g_free (self->presenter);
  g_free (self);
}

char *
tribuna_agenda_item_label (const TribunaAgendaItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->number == NULL || self->number[0] == '\0')
    return g_strdup (self->title);

  /* Lettered ones read "a)" or "5a)", dotted numbers stand alone, plain numbers take a
   * period: the way agendas print them. */
  if (g_unichar_isalpha (g_utf8_get_char (g_utf8_prev_char (self->number + strlen (self->number)))))
    return g_strdup_printf ("%s) %s", self->number, self->title);
  if (strchr (self->number, '.') != NULL)
    return g_strdup_printf ("%s %s", self->number, self->title);
  return g_strdup_printf ("%s. %s", self->number, self->title);
}

TribunaMarker *
tribuna_marker_new (TribunaMarkerKind kind)
{
  TribunaMarker *self = g_new0 (TribunaMarker, 1);

  self->kind = kind;
  self->running_time_ns = -1;
  return self;
}

TribunaMarker *
tribuna_marker_copy (const TribunaMarker *self)
{
  TribunaMarker *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->speaker_name = g_strdup (self->speaker_name);
  copy->speaker_role = g_strdup (self->speaker_role);
  copy->text = g_strdup (self->text);
  copy->set_by = g_strdup (self->set_by);
  return copy;
}

void
tribuna_marker_free (TribunaMarker *self)
{
  if (self == NULL)
    return;

  g_free (self->speaker_name);
  g_free (self->speaker_role);
  g_free (self->text);
  g_free (self->set_by);
  g_free (self);
}

TribunaSegment *
tribuna_segment_copy (const TribunaSegment *self)
{
  TribunaSegment *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->path = g_strdup (self->path);
  copy->sha256 = g_strdup (self->sha256);
  return copy;
}

void
tribuna_segment_free (TribunaSegment *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_free (self->sha256);
  g_free (self);
}

TribunaEvent *
tribuna_event_copy (const TribunaEvent *self)
{
  TribunaEvent *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->text = g_strdup (self->text);
  return copy;
}

void
tribuna_event_free (TribunaEvent *self)
{
  if (self == NULL)
    return;

  g_free (self->text);
  g_free (self);
}

TribunaClip *
tribuna_clip_copy (const TribunaClip *self)
{
  TribunaClip *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->path = g_strdup (self->path);
  copy->mode = g_strdup (self->mode);
  copy->preset = g_strdup (self->preset);
  copy->created_by = g_strdup (self->created_by);
  return copy;
}

void
tribuna_clip_free (TribunaClip *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_free (self->mode);
  g_free (self->preset);
  g_free (self->created_by);
  g_free (self);
}
