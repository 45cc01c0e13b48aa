/* tribuna-source.h: what a configured source is, and the GStreamer bin that plays it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define TRIBUNA_SOURCE_ERROR (tribuna_source_error_quark ())

typedef enum {
  TRIBUNA_SOURCE_ERROR_URI,       /* the uri= value is not one Tribuna can play */
  TRIBUNA_SOURCE_ERROR_MISSING,   /* a GStreamer element the source needs is not installed */
  TRIBUNA_SOURCE_ERROR_NO_PICTURE, /* asked for a picture of a source of sound only */
} TribunaSourceError;

typedef enum {
  TRIBUNA_SOURCE_KIND_TEST,   /* test:<pattern>     videotestsrc pattern, plus the test tone */
  TRIBUNA_SOURCE_KIND_FILE,   /* file:///path       played in real time */
  TRIBUNA_SOURCE_KIND_RTSP,   /* rtsp://...         IP camera */
  TRIBUNA_SOURCE_KIND_V4L2,   /* v4l2:///dev/videoN capture device */
  /* Sound only: mixed into the program, never a picture to cut to. */
  TRIBUNA_SOURCE_KIND_TONE,   /* tone:<hertz>       a test tone at -20 dBFS */
  TRIBUNA_SOURCE_KIND_ALSA,   /* alsa:<device>      an ALSA capture device (hw:1,0; default) */
  TRIBUNA_SOURCE_KIND_PULSE,  /* pulse:<source>     a PulseAudio/PipeWire source (empty: default) */
} TribunaSourceKind;

typedef struct {
  char              *name;      /* from the group name: [source Salla] */
  char              *uri;       /* as written in the config */
  TribunaSourceKind  kind;
  char              *location;  /* pattern name, file path, rtsp URI, device path or name,
                                 * tone frequency; "" for the sound server's default */
  /* Where the program mixes its sound: gain (dB, -60 to +20), muted, and how
   * much later than the picture the sound plays (ms, 0 to 1000). */
  double             gain_db;
  gboolean           muted;
  int                av_offset_ms;
  /* The tone of test: and tone:, in Hz; 0 for none. TRIBUNA_SOURCE_TONE_AUTO (what test:
   * is parsed to) lets the program choose a pitch no other test source has: two test
   * sources on one pitch can meet in opposite phase and cancel out in the mix. */
  int                tone_hz;
} TribunaSourceConfig;

#define TRIBUNA_SOURCE_TONE_AUTO (-1)
/* The test tone's pitch: tone: alone, and the first test source. */
#define TRIBUNA_SOURCE_TONE_DEFAULT_HZ 1000

GQuark               tribuna_source_error_quark  (void);

/* Checks the uri= value; the error message says what is allowed. */
TribunaSourceConfig *tribuna_source_config_parse (const char                *name,
                                                  const char                *uri,
                                                  GError                   **error);
TribunaSourceConfig *tribuna_source_config_copy  (const TribunaSourceConfig *self);
/* FALSE for a microphone or a tone: a source of sound only. */
gboolean             tribuna_source_config_has_picture (const TribunaSourceConfig *self);
void                 tribuna_source_config_free  (TribunaSourceConfig       *self);

/* The names test:<pattern> accepts, NULL-terminated (videotestsrc's nicks). */
const char * const  *tribuna_source_test_patterns (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaSourceConfig, tribuna_source_config_free)

G_END_DECLS
