/* tribuna-engine-health.c: what the console's status bar reports about the outputs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each output (recorder, destinations, the live page) reads the one encode through its own
 * TribunaFeed, which drops encoded buffers when that output falls too far behind rather
 * than slow the encoder down. Their sum is the operator's "dropped" figure: zero on a
 * healthy appliance, growing when the disk or a network cannot keep up.
 */
#define G_LOG_DOMAIN "tribuna-engine"

#include "config.h"

#include "tribuna-engine-private.h"

guint64
tribuna_engine_get_dropped_buffers (TribunaEngine *self)
{
  GHashTableIter iter;
  gpointer feed;
  guint64 dropped = 0;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), 0);

  if (self->recorder_feed != NULL)
    dropped += tribuna_feed_get_dropped (self->recorder_feed);
  if (self->hls_feed != NULL)
    dropped += tribuna_feed_get_dropped (self->hls_feed);

  g_hash_table_iter_init (&iter, self->destination_feeds);
  while (g_hash_table_iter_next (&iter, NULL, &feed))
    dropped += tribuna_feed_get_dropped (feed);

  return dropped;
}
