/* tribuna-backoff.h: the retry schedule of a destination that lost its server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TribunaBackoff TribunaBackoff;

TribunaBackoff *tribuna_backoff_new         (guint           initial_ms,
                                             double          factor,
                                             guint           max_ms,
                                             double          jitter);
void            tribuna_backoff_free        (TribunaBackoff *self);
void            tribuna_backoff_set_seed    (TribunaBackoff *self,
                                             guint32         seed);
guint           tribuna_backoff_next_ms     (TribunaBackoff *self);
guint           tribuna_backoff_get_attempt (TribunaBackoff *self);
void            tribuna_backoff_reset       (TribunaBackoff *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TribunaBackoff, tribuna_backoff_free)

G_END_DECLS
