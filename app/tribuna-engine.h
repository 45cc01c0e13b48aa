/* tribuna-engine.h: the one API the console, the HTTP API, the daemon and the CLI call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tribuna-archive.h"
#include "tribuna-clip-export.h"
#include "tribuna-config.h"
#include "tribuna-destination.h"
#include "tribuna-hls-output.h"
#include "tribuna-program.h"
#include "tribuna-recorder.h"

G_BEGIN_DECLS

#define TRIBUNA_ENGINE_ERROR (tribuna_engine_error_quark ())

typedef enum {
  TRIBUNA_ENGINE_ERROR_NOT_RUNNING,     /* the program is not running */
  TRIBUNA_ENGINE_ERROR_NO_DESTINATION,  /* on air asked with no enabled destination */
  TRIBUNA_ENGINE_ERROR_UNKNOWN_DESTINATION,
  TRIBUNA_ENGINE_ERROR_DUPLICATE_DESTINATION,
  TRIBUNA_ENGINE_ERROR_SESSION,         /* no session, or not in a state that allows it */
  TRIBUNA_ENGINE_ERROR_AGENDA,          /* no agenda, or no such item */
  TRIBUNA_ENGINE_ERROR_UNKNOWN_SOURCE,  /* no source of that name */
  TRIBUNA_ENGINE_ERROR_VALUE,           /* a value outside what is allowed */
  TRIBUNA_ENGINE_ERROR_DUPLICATE_SOURCE,
  TRIBUNA_ENGINE_ERROR_RECORDING,       /* nothing (public) was recorded where it was asked */
} TribunaEngineError;

#define TRIBUNA_TYPE_ENGINE (tribuna_engine_get_type ())
G_DECLARE_FINAL_TYPE (TribunaEngine, tribuna_engine, TRIBUNA, ENGINE, GObject)

GQuark               tribuna_engine_error_quark         (void);

TribunaEngine       *tribuna_engine_new                 (TribunaConfig        *config,
                                                         const char           *data_dir,
                                                         GError              **error);
TribunaArchive      *tribuna_engine_get_archive         (TribunaEngine        *self);
TribunaConfig       *tribuna_engine_get_config          (TribunaEngine        *self);
const char          *tribuna_engine_get_data_dir        (TribunaEngine        *self);

/* The program: sources and the one encode. Everything else needs it running. */
gboolean             tribuna_engine_start               (TribunaEngine        *self,
                                                         GError              **error);
TribunaProgramState  tribuna_engine_get_program_state   (TribunaEngine        *self);

/* Recording: always started before any destination, never stopped by one. */
gboolean             tribuna_engine_start_recording     (TribunaEngine        *self,
                                                         GError              **error);
void                 tribuna_engine_stop_recording_async  (TribunaEngine        *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             tribuna_engine_stop_recording_finish (TribunaEngine        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
TribunaRecorder     *tribuna_engine_get_recorder        (TribunaEngine        *self);
TribunaRecorderState tribuna_engine_get_recorder_state  (TribunaEngine        *self);

/* Destinations: a GListModel of TribunaDestination. */
GListModel          *tribuna_engine_get_destinations    (TribunaEngine        *self);
TribunaDestination  *tribuna_engine_add_destination     (TribunaEngine                  *self,
                                                         const TribunaDestinationConfig *config,
                                                         GError                        **error);
TribunaDestination  *tribuna_engine_find_destination    (TribunaEngine        *self,
                                                         const char           *name);
gboolean             tribuna_engine_remove_destination  (TribunaEngine        *self,
                                                         const char           *name,
                                                         GError              **error);
/* Enabled destinations are the ones go_on_air() starts (as the config's enabled= says). */
gboolean             tribuna_engine_set_destination_enabled (TribunaEngine    *self,
                                                             const char       *name,
                                                             gboolean          enabled,
                                                             GError          **error);
gboolean             tribuna_engine_get_destination_enabled (TribunaEngine      *self,
                                                             TribunaDestination *destination);
gboolean             tribuna_engine_start_destination   (TribunaEngine        *self,
                                                         const char           *name,
                                                         GError              **error);
gboolean             tribuna_engine_stop_destination    (TribunaEngine        *self,
                                                         const char           *name,
                                                         GError              **error);
gboolean             tribuna_engine_go_on_air           (TribunaEngine        *self,
                                                         GError              **error);
void                 tribuna_engine_go_off_air          (TribunaEngine        *self);
gboolean             tribuna_engine_get_on_air          (TribunaEngine        *self);

const char          *tribuna_engine_get_last_error      (TribunaEngine        *self);
/* Encoded buffers the outputs dropped because they fell behind (tribuna-engine-health.c);
 * removed destinations' drops are no longer counted. */
guint64              tribuna_engine_get_dropped_buffers (TribunaEngine        *self);

/* The public page's own live stream (tribuna-engine-live.c): it runs only while the
 * program runs and a public session is live, outside its private parts. */
TribunaHlsOutput    *tribuna_engine_get_hls_output      (TribunaEngine        *self);
const char          *tribuna_engine_get_hls_directory   (TribunaEngine        *self);
gboolean             tribuna_engine_get_live_public     (TribunaEngine        *self);

/* Sessions (tribuna-engine-session.c). Every recording belongs to one: started
 * without, it gets an ad-hoc session that ends with it. */
TribunaSession      *tribuna_engine_create_session      (TribunaEngine        *self,
                                                         TribunaSessionType    type,
                                                         const char           *title,
                                                         const char           *date,
                                                         const char           *place,
                                                         gboolean              is_public,
                                                         GError              **error);
/* Type, title, place and public flag of @session->id, as given (the rest is ignored).
 * The public flag of the session on program cannot change (TRIBUNA_ENGINE_ERROR_SESSION). */
gboolean             tribuna_engine_update_session      (TribunaEngine        *self,
                                                         const TribunaSession *session,
                                                         GError              **error);
gboolean             tribuna_engine_open_session        (TribunaEngine        *self,
                                                         gint64                session_id,
                                                         GError              **error);
gboolean             tribuna_engine_import_agenda       (TribunaEngine        *self,
                                                         const char           *path,
                                                         GError              **error);
gboolean             tribuna_engine_start_session       (TribunaEngine        *self,
                                                         GError              **error);
void                 tribuna_engine_end_session_async   (TribunaEngine        *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean             tribuna_engine_end_session_finish  (TribunaEngine        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
const TribunaSession *tribuna_engine_get_session        (TribunaEngine        *self);
GPtrArray           *tribuna_engine_get_agenda          (TribunaEngine        *self);

/* Markers, committed to the archive before they return. @set_by names who set
 * it (an operator, "api"), or %NULL. */
gboolean             tribuna_engine_next_item           (TribunaEngine        *self,
                                                         const char           *set_by,
                                                         GError              **error);
gboolean             tribuna_engine_previous_item       (TribunaEngine        *self,
                                                         const char           *set_by,
                                                         GError              **error);
gboolean             tribuna_engine_jump_to_item        (TribunaEngine        *self,
                                                         const char           *number,
                                                         const char           *set_by,
                                                         GError              **error);
gboolean             tribuna_engine_set_speaker         (TribunaEngine        *self,
                                                         const char           *name,
                                                         const char           *role,
                                                         const char           *set_by,
                                                         GError              **error);
gboolean             tribuna_engine_set_break           (TribunaEngine        *self,
                                                         gboolean              on,
                                                         const char           *set_by,
                                                         GError              **error);
gboolean             tribuna_engine_set_private         (TribunaEngine        *self,
                                                         gboolean              on,
                                                         const char           *set_by,
                                                         GError              **error);
gboolean             tribuna_engine_add_note            (TribunaEngine        *self,
                                                         const char           *text,
                                                         const char           *set_by,
                                                         GError              **error);

/* Clips (tribuna-engine-clips.c): an agenda item (@item_number) or [@in_ns, @out_ns)
 * of a session's recording, queued on the engine's TribunaClipExport (its progress
 * and queue are properties there), recorded in the archive once written. @output
 * is a file path or NULL for DATA_DIR/clips/. */
TribunaClipExport   *tribuna_engine_get_clip_export     (TribunaEngine        *self);
void                 tribuna_engine_export_clip_async   (TribunaEngine        *self,
                                                         gint64                session_id,
                                                         const char           *item_number,
                                                         gint64                in_ns,
                                                         gint64                out_ns,
                                                         TribunaClipMode       mode,
                                                         TribunaClipPreset     preset,
                                                         const char           *output,
                                                         const char           *created_by,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
TribunaClipResult   *tribuna_engine_export_clip_finish  (TribunaEngine        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Archive pictures and playback (tribuna-engine-thumbnails.c, tribuna-engine-playback.c).
 *
 * The first picture of agenda item @item_index (in agenda order, as
 * tribuna_timeline_get_item_ranges() lists them) of a session: the first keyframe at or
 * after the item's start, decoded in a worker thread, @width pixels wide, as JPEG bytes.
 * Only public time counts: an item that starts in private time gets the first keyframe of
 * its public part, never a private picture (likewise a stretch too short to hold a
 * keyframe is passed over for the next). An item private throughout, never taken up, or
 * with no keyframe in its public part fails with TRIBUNA_ENGINE_ERROR_RECORDING. Kept in
 * memory per session, item and width. */
void                 tribuna_engine_item_thumbnail_async  (TribunaEngine        *self,
                                                           gint64                session_id,
                                                           guint                 item_index,
                                                           int                   width,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
GBytes              *tribuna_engine_item_thumbnail_finish (TribunaEngine        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
/* Writes DATA_DIR/cache/playback/session-ID.m3u8, an HLS VOD playlist of the session's
 * recording for staff (private time included): its closed segment files in the order of
 * the session axis, with EXT-X-DISCONTINUITY where the program's run changes, so the
 * playlist's time line is the session axis (an item's start_ns is its place on it). Stops
 * at the first segment whose length is not known yet (the one being written); @duration_ns
 * is how much of the axis it covers. Returns the playlist's path. */
char                *tribuna_engine_write_session_playlist (TribunaEngine       *self,
                                                            gint64               session_id,
                                                            gint64              *duration_ns,
                                                            GError             **error);

/* Stops every destination, finalises the recording, ends the session, then
 * stops the program. */
void                 tribuna_engine_shutdown_async      (TribunaEngine        *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean             tribuna_engine_shutdown_finish     (TribunaEngine        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Vision and sound (tribuna-engine-vision.c).
 *
 * Sources: a GListModel of TribunaSourcePipeline, one per [source] of the config,
 * in its order, each with properties "name", "state" (TribunaSourceState:
 * stopped, starting, live, no-signal), "last-error", "gain-db", "muted" and
 * "av-offset-ms". A source that fails or sends no picture for 2 s shows a "no
 * signal" card in its place and is rebuilt with backoff (1 s doubling to 8 s);
 * the program never stops for it.
 *
 * Program and preview: engine properties "program-source" and "preview-source"
 * (names). cut() and fade() put the preview source on program and the old
 * program source on preview; fade() blends over [mixer] fade-ms. Layout
 * ("layout" property): FULL, or PIP with an inset (default: the preview source)
 * a third of the frame, top right, over the program source.
 *
 * Break: tribuna_engine_set_break() also puts the slate ([slate] of the config)
 * over the whole frame on every output and mutes the hall's sound.
 *
 * Private: tribuna_engine_set_private() also switches the destinations (RTMP)
 * to the slate and silence, from an encode of their own that runs only while
 * private, at a keyframe; the recording keeps the hall. (The public page's own
 * stream stops while private, as before.)
 *
 * Sound: per-source gain (dB, -60 to +20), mute and A/V offset (ms the sound
 * plays later than the picture, 0 to 1000). "levels" signal (source name, or
 * NULL for the program, and a TribunaAudioLevels: peak and RMS dBFS per channel)
 * 20 times a second each while meters are enabled (set_meters_enabled); when
 * not, only the program's, 10 a second. "silence-alarm" property: TRUE once the
 * program has been below -50 dBFS for [mixer] silence-seconds while on air.
 *
 * Previews: while enabled, "preview-frame" signal (source name or NULL for the
 * program, and a TribunaPreviewFrame: RGB pixels, 320x180 a source, 640x360 the
 * program, at most 10 a second each) on the main context; the latest of each is
 * also kept for tribuna_engine_get_preview_frame(). Snapshots are JPEG at the
 * program's size. */
GListModel          *tribuna_engine_get_sources         (TribunaEngine        *self);
TribunaSourcePipeline *tribuna_engine_find_source       (TribunaEngine        *self,
                                                         const char           *name);
/* While the program runs too: @uri as [source] uri= takes it. The source on
 * program cannot be removed (cut away first). */
gboolean             tribuna_engine_add_source          (TribunaEngine        *self,
                                                         const char           *name,
                                                         const char           *uri,
                                                         GError              **error);
gboolean             tribuna_engine_remove_source       (TribunaEngine        *self,
                                                         const char           *name,
                                                         GError              **error);
const char          *tribuna_engine_get_program_source  (TribunaEngine        *self);
const char          *tribuna_engine_get_preview_source  (TribunaEngine        *self);
gboolean             tribuna_engine_set_preview_source  (TribunaEngine        *self,
                                                         const char           *name,
                                                         GError              **error);
gboolean             tribuna_engine_cut                 (TribunaEngine        *self,
                                                         GError              **error);
gboolean             tribuna_engine_fade                (TribunaEngine        *self,
                                                         GError              **error);
/* @inset: the picture-in-picture's source, NULL for the preview source; ignored for FULL. */
gboolean             tribuna_engine_set_layout          (TribunaEngine        *self,
                                                         TribunaLayout         layout,
                                                         const char           *inset,
                                                         GError              **error);
TribunaLayout        tribuna_engine_get_layout          (TribunaEngine        *self);
const char          *tribuna_engine_get_pip_source      (TribunaEngine        *self);

gboolean             tribuna_engine_set_source_gain     (TribunaEngine        *self,
                                                         const char           *name,
                                                         double                gain_db,
                                                         GError              **error);
gboolean             tribuna_engine_set_source_muted    (TribunaEngine        *self,
                                                         const char           *name,
                                                         gboolean              muted,
                                                         GError              **error);
gboolean             tribuna_engine_set_source_av_offset (TribunaEngine       *self,
                                                          const char          *name,
                                                          int                  offset_ms,
                                                          GError             **error);
/* Meters are off until enabled (a console shows them; the daemon needs only the
 * program's, for the silence alarm). */
void                 tribuna_engine_set_meters_enabled  (TribunaEngine        *self,
                                                         gboolean              enabled);
/* The latest program reading, NULL before the first. */
const TribunaAudioLevels *tribuna_engine_get_program_levels (TribunaEngine    *self);
gboolean             tribuna_engine_get_silence_alarm   (TribunaEngine        *self);

/* The lower third: the current speaker's name and role and the current agenda
 * item (the engine's speaker-* and item-* properties, redrawn as they change),
 * faded in and out; "lower-third-visible" property (the operator's choice: the
 * break slate hides it until the break ends). Needs the program running. */
gboolean             tribuna_engine_set_lower_third_visible (TribunaEngine    *self,
                                                             gboolean          visible,
                                                             GError          **error);
gboolean             tribuna_engine_get_lower_third_visible (TribunaEngine    *self);

/* Previews are off until enabled: they cost a scale per frame kept. */
void                 tribuna_engine_set_previews_enabled (TribunaEngine       *self,
                                                          gboolean             enabled);
/* The latest preview of @source (NULL: the program), or NULL; unref when done. */
TribunaPreviewFrame *tribuna_engine_get_preview_frame   (TribunaEngine        *self,
                                                         const char           *source);
/* The latest frame of @source (NULL: the program) at the program's size, as JPEG. */
GBytes              *tribuna_engine_snapshot_jpeg       (TribunaEngine        *self,
                                                         const char           *source,
                                                         GError              **error);

G_END_DECLS
