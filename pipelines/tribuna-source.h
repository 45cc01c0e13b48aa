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
} TribunaSourceError;

typedef enum {
  TRIBUNA_SOURCE_KIND_TEST,   /* test:<pattern>     videotestsrc pattern, plus the test tone */
  TRIBUNA_SOURCE_KIND_FILE,   /* file:///path       played in real time */
  TRIBUNA_SOURCE_KIND_RTSP,   /* rtsp://...         IP camera */
  TRIBUNA_SOURCE_KIND_V4L2,   /* v4l2:///dev/videoN capture device */
} TribunaSourceKind;

typedef struct {
  char              *name;      /* from the group name: [source Salla] */
  char              *uri;       /* as written in the config */
  TribunaSourceKind  kind;
  char              *location;  /* pattern name, file path, rtsp URI or device path */
  /* Where the program mixes its sound: gain (dB, -60 to +20), muted, and how
   * much later than the picture the sound plays (ms, 0 to 1000). */
  double             gain_db;
  gboolean           muted;
  int                av_offset_ms;
} TribunaSourceConfig;

GQuark               tribuna_source_error_quark  (void);

/* Checks the uri= value; the error message says what is allowed. */
TribunaSourceConfig *tribuna_source_config_parse (const char                *name,
                                                  const char                *uri,
                                                  GError                   **error);
TribunaSourceConfig *tribuna_source_config_copy  (const TribunaSourceConfig *self);
void                 tribuna_source_config_free  (TribunaSourceConfig       *self);

/* The names test:<pattern> accepts, NULL-terminated (videotestsrc's nicks). */
const char * const  *tribuna_source_test_patterns (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaSourceConfig, tribuna_source_config_free)

G_END_DECLS
