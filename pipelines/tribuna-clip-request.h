/* tribuna-clip-request.h: what a clip export is asked to make
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All times are nanoseconds on the session's time axis: recorded time only, so segment k
 * starts where segment k-1 ended, whatever wall-clock gap lay between them (a reconnect, a
 * restart of the recording). Offsets inside a segment count from its first video frame, the
 * keyframe the recorder opened it with, which is where the segment log's "opened" record
 * puts it.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TRIBUNA_CLIP_ERROR (tribuna_clip_error_quark ())

typedef enum {
  TRIBUNA_CLIP_ERROR_RANGE,         /* negative, empty, reversed or past the end */
  TRIBUNA_CLIP_ERROR_PRIVATE,       /* the range lies inside private time */
  TRIBUNA_CLIP_ERROR_SEGMENTS,      /* no segments, or not in session order */
  TRIBUNA_CLIP_ERROR_SOURCE,        /* a segment file is missing or does not play */
  TRIBUNA_CLIP_ERROR_UNSUPPORTED,   /* e.g. fast mode asked to scale, crop, title or fade */
  TRIBUNA_CLIP_ERROR_OUTPUT,        /* the output folder or a file in it cannot be written */
  TRIBUNA_CLIP_ERROR_PIPELINE,      /* GStreamer failed while exporting */
} TribunaClipError;

GQuark      tribuna_clip_error_quark         (void);

typedef enum {
  TRIBUNA_CLIP_MODE_FAST,    /* stream copy: the start snaps back to a keyframe */
  TRIBUNA_CLIP_MODE_EXACT,   /* frame-accurate: re-encodes only where it must */
} TribunaClipMode;

typedef enum {
  TRIBUNA_CLIP_PRESET_WEB,        /* fits in 1280x720, never enlarged */
  TRIBUNA_CLIP_PRESET_FACEBOOK,   /* fits in 1920x1080, never enlarged: a 720p hall stays 720p */
  TRIBUNA_CLIP_PRESET_SQUARE,     /* centre crop to a square, 1080x1080 */
  TRIBUNA_CLIP_PRESET_AUDIO,      /* sound only, AAC in M4A */
} TribunaClipPreset;

#define TRIBUNA_TYPE_CLIP_MODE (tribuna_clip_mode_get_type ())
GType       tribuna_clip_mode_get_type       (void);
const char *tribuna_clip_mode_to_string      (TribunaClipMode     mode);
gboolean    tribuna_clip_mode_from_string    (const char         *text,
                                              TribunaClipMode    *mode);

#define TRIBUNA_TYPE_CLIP_PRESET (tribuna_clip_preset_get_type ())
GType       tribuna_clip_preset_get_type     (void);
const char *tribuna_clip_preset_to_string    (TribunaClipPreset   preset);
gboolean    tribuna_clip_preset_from_string  (const char         *text,
                                              TribunaClipPreset  *preset);

/* A range on the session axis, [start, end). */
typedef struct {
  gint64 start;
  gint64 end;
} TribunaClipRange;

typedef struct _TribunaClipRequest TribunaClipRequest;

#define TRIBUNA_TYPE_CLIP_REQUEST (tribuna_clip_request_get_type ())
GType               tribuna_clip_request_get_type            (void);

TribunaClipRequest *tribuna_clip_request_new                 (void);
TribunaClipRequest *tribuna_clip_request_ref                 (TribunaClipRequest  *self);
void                tribuna_clip_request_unref               (TribunaClipRequest  *self);
/* A deep copy: what an export works from, so the caller may go on changing theirs. */
TribunaClipRequest *tribuna_clip_request_copy                (TribunaClipRequest  *self);

/* The recording, segment by segment in session order. @duration_ns is the recorded time the
 * segment holds (the segment log's segment_time_ns); media past it in the file is ignored, so
 * no frame is taken twice where two segments meet. */
void                tribuna_clip_request_add_segment         (TribunaClipRequest  *self,
                                                              const char          *path,
                                                              gint64               start_ns,
                                                              gint64               duration_ns);
/* [in, out) on the session axis. */
void                tribuna_clip_request_set_range           (TribunaClipRequest  *self,
                                                              gint64               in_ns,
                                                              gint64               out_ns);
/* Time that must never leave the appliance (an in-camera session, a private remark). A range
 * inside one is refused; a range overlapping some has them cut out, joined end to end, and the
 * result lists what was cut. */
void                tribuna_clip_request_add_private_range   (TribunaClipRequest  *self,
                                                              gint64               start_ns,
                                                              gint64               end_ns);
void                tribuna_clip_request_set_mode            (TribunaClipRequest  *self,
                                                              TribunaClipMode      mode);
void                tribuna_clip_request_set_preset          (TribunaClipRequest  *self,
                                                              TribunaClipPreset    preset);
/* The item's title over the first @seconds of the picture (exact mode). NULL: none. */
void                tribuna_clip_request_set_title           (TribunaClipRequest  *self,
                                                              const char          *text,
                                                              double               seconds);
/* Picture and sound from and to black/silence over the first and last seconds (exact mode). */
void                tribuna_clip_request_set_fades           (TribunaClipRequest  *self,
                                                              double               fade_in_s,
                                                              double               fade_out_s);
/* The files are @directory/@base_name.mp4 (.m4a), .jpg and .json. An existing clip of that
 * name is kept and the new one gets "-2", "-3"... unless @overwrite. */
void                tribuna_clip_request_set_output          (TribunaClipRequest  *self,
                                                              const char          *directory,
                                                              const char          *base_name);
void                tribuna_clip_request_set_overwrite       (TribunaClipRequest  *self,
                                                              gboolean             overwrite);
/* Copied as "context" into the JSON sidecar: the session, the item, who made the clip. */
void                tribuna_clip_request_set_context         (TribunaClipRequest  *self,
                                                              JsonObject          *context);

/* Checks what can be checked without opening a file: a range that is negative, empty,
 * reversed, past the end of the recording or inside a private range; no segments; no output.
 * The export runs this before queueing, so a bad request fails at once. */
gboolean            tribuna_clip_request_validate            (TribunaClipRequest  *self,
                                                              GError             **error);

gint64              tribuna_clip_request_get_in              (TribunaClipRequest  *self);
gint64              tribuna_clip_request_get_out             (TribunaClipRequest  *self);
/* Where the recording ends on the session axis. */
gint64              tribuna_clip_request_get_recorded_end    (TribunaClipRequest  *self);
TribunaClipMode     tribuna_clip_request_get_mode            (TribunaClipRequest  *self);
TribunaClipPreset   tribuna_clip_request_get_preset          (TribunaClipRequest  *self);

/* "01:02:03.456" for a session time, as messages and the sidecar show it. */
char               *tribuna_clip_format_time                 (gint64               ns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaClipRequest, tribuna_clip_request_unref)

G_END_DECLS
