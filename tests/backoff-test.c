/* backoff-test.c: the retry schedule of a destination that lost its server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tribuna-backoff-test"

#include "config.h"

#include "tribuna-backoff.h"

/* The schedule of issue 2: start 2 s, ×1.5, capped, with jitter. */
#define INITIAL_MS 2000
#define FACTOR     1.5
#define MAX_MS     60000
#define JITTER     0.2

static void
test_first_delay (void)
{
  /* Many seeds, so a jitter that lengthened the delay would be caught. */
  for (guint32 seed = 1; seed <= 200; seed++)
    {
      g_autoptr(TribunaBackoff) backoff = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);
      guint delay;

      tribuna_backoff_set_seed (backoff, seed);
      delay = tribuna_backoff_next_ms (backoff);
      g_assert_cmpuint (delay, <=, INITIAL_MS);
      g_assert_cmpuint (delay, >=, INITIAL_MS * (1.0 - JITTER));
      g_assert_cmpuint (tribuna_backoff_get_attempt (backoff), ==, 1);
    }
}

static void
test_growth (void)
{
  g_autoptr(TribunaBackoff) backoff = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, 0.0);
  double expected = INITIAL_MS;

  /* Without jitter the schedule is exact: 2000, 3000, 4500, 6750, ... */
  g_assert_cmpuint (tribuna_backoff_next_ms (backoff), ==, 2000);
  g_assert_cmpuint (tribuna_backoff_next_ms (backoff), ==, 3000);
  g_assert_cmpuint (tribuna_backoff_next_ms (backoff), ==, 4500);
  g_assert_cmpuint (tribuna_backoff_next_ms (backoff), ==, 6750);

  tribuna_backoff_reset (backoff);
  for (guint i = 0; i < 8; i++)
    {
      guint delay = tribuna_backoff_next_ms (backoff);

      g_assert_cmpfloat_with_epsilon (delay, MIN (expected, MAX_MS), 0.51);
      expected *= FACTOR;
    }
}

static void
test_growth_with_jitter (void)
{
  g_autoptr(TribunaBackoff) backoff = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);
  double base = INITIAL_MS;

  tribuna_backoff_set_seed (backoff, 42);
  for (guint i = 0; i < 20; i++)
    {
      guint delay = tribuna_backoff_next_ms (backoff);
      double capped = MIN (base, MAX_MS);

      /* Each delay lies in [base × (1 − jitter), base] of its own attempt. */
      g_assert_cmpfloat (delay, <=, capped + 0.5);
      g_assert_cmpfloat (delay, >=, capped * (1.0 - JITTER) - 0.5);
      base *= FACTOR;
    }
}

static void
test_cap (void)
{
  g_autoptr(TribunaBackoff) backoff = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);
  g_autoptr(TribunaBackoff) exact = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, 0.0);
  guint reached_cap = 0;

  tribuna_backoff_set_seed (backoff, 7);
  for (guint i = 0; i < 50; i++)
    {
      guint delay = tribuna_backoff_next_ms (backoff);
      guint exact_delay = tribuna_backoff_next_ms (exact);

      g_assert_cmpuint (delay, <=, MAX_MS);
      g_assert_cmpuint (exact_delay, <=, MAX_MS);
      if (exact_delay == MAX_MS)
        reached_cap++;
    }

  /* 2000 × 1.5^9 > 60000: from the tenth attempt on the cap is what is waited. */
  g_assert_cmpuint (reached_cap, ==, 41);
  g_assert_cmpuint (tribuna_backoff_get_attempt (backoff), ==, 50);
}

static void
test_cap_long_run (void)
{
  g_autoptr(TribunaBackoff) backoff = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);

  /* Days of retrying must neither overflow nor slow down. */
  for (guint i = 0; i < 100000; i++)
    g_assert_cmpuint (tribuna_backoff_next_ms (backoff), <=, MAX_MS);
  g_assert_cmpuint (tribuna_backoff_next_ms (backoff), >=, MAX_MS * (1.0 - JITTER));
}

static void
test_reset (void)
{
  g_autoptr(TribunaBackoff) backoff = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);
  guint delay;

  g_assert_cmpuint (tribuna_backoff_get_attempt (backoff), ==, 0);
  for (guint i = 0; i < 12; i++)
    tribuna_backoff_next_ms (backoff);
  g_assert_cmpuint (tribuna_backoff_get_attempt (backoff), ==, 12);
  g_assert_cmpuint (tribuna_backoff_next_ms (backoff), >, INITIAL_MS);

  tribuna_backoff_reset (backoff);
  g_assert_cmpuint (tribuna_backoff_get_attempt (backoff), ==, 0);
  delay = tribuna_backoff_next_ms (backoff);
  g_assert_cmpuint (delay, <=, INITIAL_MS);
  g_assert_cmpuint (delay, >=, INITIAL_MS * (1.0 - JITTER));
  g_assert_cmpuint (tribuna_backoff_get_attempt (backoff), ==, 1);
}

static void
test_seeded (void)
{
  g_autoptr(TribunaBackoff) a = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);
  g_autoptr(TribunaBackoff) b = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);
  g_autoptr(TribunaBackoff) c = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);
  gboolean all_same_as_c = TRUE;

  tribuna_backoff_set_seed (a, 1234);
  tribuna_backoff_set_seed (b, 1234);
  tribuna_backoff_set_seed (c, 4321);

  for (guint i = 0; i < 30; i++)
    {
      guint delay_a = tribuna_backoff_next_ms (a);

      g_assert_cmpuint (delay_a, ==, tribuna_backoff_next_ms (b));
      if (delay_a != tribuna_backoff_next_ms (c))
        all_same_as_c = FALSE;
    }

  /* A different seed gives a different schedule: the jitter is really random. */
  g_assert_false (all_same_as_c);
}

static void
test_jitter_spreads (void)
{
  guint min_seen = G_MAXUINT;
  guint max_seen = 0;

  /* Destinations that failed together must not retry together. */
  for (guint32 seed = 1; seed <= 100; seed++)
    {
      g_autoptr(TribunaBackoff) backoff = tribuna_backoff_new (INITIAL_MS, FACTOR, MAX_MS, JITTER);
      guint delay;

      tribuna_backoff_set_seed (backoff, seed);
      delay = tribuna_backoff_next_ms (backoff);
      min_seen = MIN (min_seen, delay);
      max_seen = MAX (max_seen, delay);
    }

  g_assert_cmpuint (max_seen - min_seen, >=, 200);
}

static void
test_no_jitter_full_jitter (void)
{
  g_autoptr(TribunaBackoff) none = tribuna_backoff_new (500, 2.0, 4000, 0.0);
  g_autoptr(TribunaBackoff) full = tribuna_backoff_new (500, 2.0, 4000, 1.0);

  g_assert_cmpuint (tribuna_backoff_next_ms (none), ==, 500);
  g_assert_cmpuint (tribuna_backoff_next_ms (none), ==, 1000);
  g_assert_cmpuint (tribuna_backoff_next_ms (none), ==, 2000);
  g_assert_cmpuint (tribuna_backoff_next_ms (none), ==, 4000);
  g_assert_cmpuint (tribuna_backoff_next_ms (none), ==, 4000);

  for (guint i = 0; i < 20; i++)
    g_assert_cmpuint (tribuna_backoff_next_ms (full), <=, 4000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pipelines/backoff/first-delay", test_first_delay);
  g_test_add_func ("/pipelines/backoff/growth", test_growth);
  g_test_add_func ("/pipelines/backoff/growth-with-jitter", test_growth_with_jitter);
  g_test_add_func ("/pipelines/backoff/cap", test_cap);
  g_test_add_func ("/pipelines/backoff/cap-long-run", test_cap_long_run);
  g_test_add_func ("/pipelines/backoff/reset", test_reset);
  g_test_add_func ("/pipelines/backoff/seeded", test_seeded);
  g_test_add_func ("/pipelines/backoff/jitter-spreads", test_jitter_spreads);
  g_test_add_func ("/pipelines/backoff/no-jitter-full-jitter", test_no_jitter_full_jitter);

  return g_test_run ();
}
