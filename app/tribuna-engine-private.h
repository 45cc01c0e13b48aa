/* tribuna-engine-private.h: what tribuna-engine.c and tribuna-engine-session.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tribuna-archive.h"
#include "tribuna-clip-export.h"
#include "tribuna-engine.h"

G_BEGIN_DECLS

struct _TribunaEngine
{
  GObject              parent_instance;

  /* Owned references */
  TribunaConfig       *config;
  char                *data_dir;
  TribunaArchive      *archive;
  TribunaProgram      *program;
  TribunaRecorder     *recorder;
  TribunaFeed         *recorder_feed;
  GListStore          *destinations;
  GHashTable          *destination_feeds;   /* TribunaDestination → TribunaFeed */
  TribunaHlsOutput    *hls;                 /* the public page's stream (tribuna-engine-live.c) */
  TribunaFeed         *hls_feed;
  GHashTable          *disabled;            /* TribunaDestinations "on air" leaves alone */

  TribunaClipExport   *clip_export;         /* made on first use (tribuna-engine-clips.c) */
  GHashTable          *thumbnails;          /* "session/item/width" → JPEG GBytes */

  /* The session on program (tribuna-engine-session.c) */
  TribunaSession      *session;             /* NULL when none is open */
  gboolean             session_is_ad_hoc;   /* made for a recording started without one */
  GPtrArray           *items;               /* its TribunaAgendaItems */
  int                  item_index;          /* the current item, -1 before the first */
  char                *speaker_name;
  char                *speaker_role;
  gboolean             on_break;
  gboolean             is_private;
  GHashTable          *segment_ids;         /* segment path → archive row id */

  /* Vision and sound (tribuna-engine-vision.c) */
  char                *program_source;
  char                *preview_source;
  GHashTable          *preview_frames;      /* source name ("" for the program) → latest */
  TribunaAudioLevels   program_levels;
  gint64               sound_seen_us;       /* last time the program was not silent on air */
  gboolean             silence_alarm;
  TribunaLowerThird   *lower_third;
  gboolean             lower_third_wanted;  /* the operator's choice; hidden on a break */

  /* State, as properties */
  gboolean             on_air;
  char                *last_error;
};

enum {
  ENGINE_PROP_0,
  ENGINE_PROP_CONFIG,
  ENGINE_PROP_DATA_DIR,
  ENGINE_PROP_ARCHIVE,
  ENGINE_PROP_PROGRAM_STATE,
  ENGINE_PROP_RECORDER,
  ENGINE_PROP_RECORDER_STATE,
  ENGINE_PROP_DESTINATIONS,
  ENGINE_PROP_ON_AIR,
  ENGINE_PROP_LAST_ERROR,
  ENGINE_PROP_SESSION_ID,
  ENGINE_PROP_SESSION_TITLE,
  ENGINE_PROP_ITEM_NUMBER,
  ENGINE_PROP_ITEM_TITLE,
  ENGINE_PROP_SPEAKER_NAME,
  ENGINE_PROP_SPEAKER_ROLE,
  ENGINE_PROP_ON_BREAK,
  ENGINE_PROP_PRIVATE,
  ENGINE_PROP_SOURCES,
  ENGINE_PROP_PROGRAM_SOURCE,
  ENGINE_PROP_PREVIEW_SOURCE,
  ENGINE_PROP_LAYOUT,
  ENGINE_PROP_SILENCE_ALARM,
  ENGINE_PROP_LOWER_THIRD_VISIBLE,
  ENGINE_N_PROPS
};

extern GParamSpec *_tribuna_engine_properties[ENGINE_N_PROPS];

void     _tribuna_engine_notify              (TribunaEngine      *self,
                                              guint               prop_id);
void     _tribuna_engine_set_last_error      (TribunaEngine      *self,
                                              const char         *message);
gboolean _tribuna_engine_check_program       (TribunaEngine      *self,
                                              GError            **error);

/* tribuna-engine-session.c */
void     _tribuna_engine_session_init        (TribunaEngine      *self);
void     _tribuna_engine_session_clear       (TribunaEngine      *self);
void     _tribuna_engine_install_session_properties (GParamSpec **properties);
gboolean _tribuna_engine_get_session_property (TribunaEngine     *self,
                                               guint              prop_id,
                                               GValue            *value);
/* The folder the next recording goes to; opens an ad-hoc session when none is. */
char    *_tribuna_engine_recording_dir       (TribunaEngine      *self,
                                              GError            **error);
void     _tribuna_engine_watch_recorder      (TribunaEngine      *self,
                                              TribunaRecorder    *recorder);
void     _tribuna_engine_recording_stopped   (TribunaEngine      *self);
void     _tribuna_engine_end_current_session (TribunaEngine      *self);
void     _tribuna_engine_log_event           (TribunaEngine      *self,
                                              TribunaEventKind    kind,
                                              const char         *text);

/* tribuna-engine-live.c */
void     _tribuna_engine_live_init           (TribunaEngine      *self);
void     _tribuna_engine_live_stop           (TribunaEngine      *self);
void     _tribuna_engine_live_clear          (TribunaEngine      *self);

/* tribuna-engine-vision.c */
gboolean _tribuna_engine_vision_init         (TribunaEngine      *self,
                                              GError            **error);
void     _tribuna_engine_vision_clear        (TribunaEngine      *self);
void     _tribuna_engine_install_vision_properties (GObjectClass *klass,
                                                    GParamSpec  **properties);
gboolean _tribuna_engine_get_vision_property (TribunaEngine      *self,
                                              guint               prop_id,
                                              GValue             *value);

G_END_DECLS
