/* tribuna-backoff.c: the retry schedule of a destination that lost its server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-backoff"

#include "config.h"

#include "tribuna-backoff.h"

struct _TribunaBackoff
{
  guint   initial_ms;
  double  factor;
  guint   max_ms;
  double  jitter;

  guint   attempt;
  GRand  *rand;
};

TribunaBackoff *
tribuna_backoff_new (guint  initial_ms,
                     double factor,
                     guint  max_ms,
                     double jitter)
{
  TribunaBackoff *self;

  /* Written so that NaN fails every guard. */
  g_return_val_if_fail (factor >= 1.0, NULL);
  g_return_val_if_fail (max_ms >= initial_ms, NULL);
  g_return_val_if_fail (jitter >= 0.0 && jitter <= 1.0, NULL);

  self = g_new0 (TribunaBackoff, 1);
  self->initial_ms = initial_ms;
  self->factor = factor;
  self->max_ms = max_ms;
  self->jitter = jitter;
  /* An own generator, not g_random_*: tests seed it without touching anyone
   * else's randomness, and destinations that failed together (one network
   * outage) still spread their retries. */
  self->rand = g_rand_new ();

  return self;
}

void
tribuna_backoff_free (TribunaBackoff *self)
{
  if (self == NULL)
    return;

  g_rand_free (self->rand);
  g_free (self);
}

void
tribuna_backoff_set_seed (TribunaBackoff *self,
                          guint32         seed)
{
  g_return_if_fail (self != NULL);

  g_rand_set_seed (self->rand, seed);
}

guint
tribuna_backoff_next_ms (TribunaBackoff *self)
{
  double delay;

  g_return_val_if_fail (self != NULL, 0);

  /* Multiplied step by step rather than with pow(): the loop stops at the cap, so
   * a destination retrying for days never overflows, and no libm is needed. */
  delay = self->initial_ms;
  for (guint i = 0; i < self->attempt && delay > 0 && delay < self->max_ms && self->factor > 1.0;
       i++)
    delay *= self->factor;
  delay = MIN (delay, (double) self->max_ms);

  /* Jitter only ever shortens the delay, so max_ms stays a hard ceiling. */
  delay *= 1.0 - self->jitter * g_rand_double (self->rand);

  if (self->attempt < G_MAXUINT)
    self->attempt++;

  return MIN ((guint) (delay + 0.5), self->max_ms);
}

guint
tribuna_backoff_get_attempt (TribunaBackoff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->attempt;
}

void
tribuna_backoff_reset (TribunaBackoff *self)
{
  g_return_if_fail (self != NULL);

  self->attempt = 0;
}
