/* tribuna-main-context.c: handing work from a streaming thread to a main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not g_main_context_invoke(): whenever no thread owns the context (a test iterating it
 * by hand, a window opened before the application runs), it calls the function at once in
 * the calling thread, and a streaming thread would then emit the engine's signals, touch
 * widgets and write SQLite beside the main thread.
 */
#include "config.h"

#include "tribuna-main-context.h"

/**
 * tribuna_main_context_post:
 * @context: (nullable): where @func runs; %NULL for the default context
 * @func: called once, in the thread that iterates @context
 * @data: for @func
 * @notify: (nullable): frees @data afterwards (or when the context goes away first)
 *
 * Runs @func later on @context, never in the calling thread.
 */
void
tribuna_main_context_post (GMainContext   *context,
                           GSourceFunc     func,
                           gpointer        data,
                           GDestroyNotify  notify)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[tribuna] from a streaming thread");
  g_source_attach (source, context);
}
