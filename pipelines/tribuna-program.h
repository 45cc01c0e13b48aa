/* tribuna-program.h: the program pipeline: sources, the one encode, and its feeds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include <gio/gio.h>

#include "tribuna-audio-levels.h"
#include "tribuna-audio-mixer.h"
#include "tribuna-feed.h"
#include "tribuna-lower-third.h"
#include "tribuna-preview-frame.h"
#include "tribuna-source.h"
#include "tribuna-source-pipeline.h"
#include "tribuna-video-mixer.h"

G_BEGIN_DECLS

#define TRIBUNA_PROGRAM_ERROR (tribuna_program_error_quark ())

typedef enum {
  TRIBUNA_PROGRAM_ERROR_MISSING_ELEMENT,
  TRIBUNA_PROGRAM_ERROR_PIPELINE,
  TRIBUNA_PROGRAM_ERROR_SOURCE,
} TribunaProgramError;

typedef enum {
  TRIBUNA_PROGRAM_STOPPED,
  TRIBUNA_PROGRAM_STARTING,
  TRIBUNA_PROGRAM_RUNNING,
  TRIBUNA_PROGRAM_FAILED,
} TribunaProgramState;

#define TRIBUNA_TYPE_PROGRAM_STATE (tribuna_program_state_get_type ())
GType       tribuna_program_state_get_type  (void);
const char *tribuna_program_state_to_string (TribunaProgramState state);

typedef struct {
  guint  width;
  guint  height;
  guint  framerate;
  guint  video_kbps;
  guint  audio_kbps;
  guint  keyframe_seconds;
  char  *encoder_preset;
} TribunaProgramFormat;

#define TRIBUNA_TYPE_PROGRAM (tribuna_program_get_type ())
G_DECLARE_FINAL_TYPE (TribunaProgram, tribuna_program, TRIBUNA, PROGRAM, GObject)

GQuark               tribuna_program_error_quark     (void);

/* One source, or @sources (TribunaSourceConfig, the first on program), each in a
 * pipeline of its own mixed into this one. */
TribunaProgram      *tribuna_program_new             (const TribunaProgramFormat *format,
                                                      const TribunaSourceConfig  *source);
TribunaProgram      *tribuna_program_new_with_sources (const TribunaProgramFormat *format,
                                                       GPtrArray                  *sources);
gboolean             tribuna_program_start           (TribunaProgram             *self,
                                                      GError                    **error);
void                 tribuna_program_stop            (TribunaProgram             *self);
void                 tribuna_program_add_feed        (TribunaProgram             *self,
                                                      TribunaFeed                *feed);
void                 tribuna_program_remove_feed     (TribunaProgram             *self,
                                                      TribunaFeed                *feed);
TribunaProgramState  tribuna_program_get_state       (TribunaProgram             *self);
const char          *tribuna_program_get_last_error  (TribunaProgram             *self);
GstClockTime         tribuna_program_get_running_time (TribunaProgram            *self);
/* Wall-clock UTC (µs) at which the program's running time was zero. */
gint64               tribuna_program_get_epoch_us    (TribunaProgram             *self);

/* Sources and mixing. The mixers' cut, fade, layout, slate and hall mute act on
 * the running program; sources can be added and removed while it runs. */
GListModel          *tribuna_program_get_sources     (TribunaProgram             *self);
TribunaSourcePipeline *tribuna_program_find_source   (TribunaProgram             *self,
                                                      const char                 *name);
gboolean             tribuna_program_add_source      (TribunaProgram             *self,
                                                      const TribunaSourceConfig  *config,
                                                      GError                    **error);
gboolean             tribuna_program_remove_source   (TribunaProgram             *self,
                                                      const char                 *name,
                                                      GError                    **error);
TribunaVideoMixer   *tribuna_program_get_video_mixer (TribunaProgram             *self);
TribunaAudioMixer   *tribuna_program_get_audio_mixer (TribunaProgram             *self);
/* Before start: the break slate's text and image (PNG, or NULL). */
gboolean             tribuna_program_set_slate_card  (TribunaProgram             *self,
                                                      const char                 *title,
                                                      const char                 *subtitle,
                                                      const char                 *image_path,
                                                      GError                    **error);
/* Before start: the lower third and logo (NULL: none), and a clock top right. */
void                 tribuna_program_set_overlays    (TribunaProgram             *self,
                                                      TribunaLowerThird          *lower_third,
                                                      gboolean                    with_clock);
/* While private, the feeds marked public (the destinations) carry the slate and
 * silence from an encode of their own, the others (the recorder) the program. */
void                 tribuna_program_set_feed_public (TribunaProgram             *self,
                                                      TribunaFeed                *feed,
                                                      gboolean                    is_public);
void                 tribuna_program_set_private     (TribunaProgram             *self,
                                                      gboolean                    is_private);
/* "preview-frame" signals flow only while enabled (off at first: they cost a scale). */
void                 tribuna_program_set_previews_enabled (TribunaProgram        *self,
                                                           gboolean               enabled);
GBytes              *tribuna_program_snapshot_jpeg   (TribunaProgram             *self,
                                                      GError                    **error);

G_END_DECLS
