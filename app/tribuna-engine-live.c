/* tribuna-engine-live.c: the appliance's own live stream (HLS), on the engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The public page may show a public session while it is live, and never a private part
 * of it. That is decided here, by whether the stream exists at all, not by what the web
 * server agrees to hand out: the HLS output runs only while the program runs and the
 * session on program is public, live and not private. Anything else stops it, which
 * empties its folder, in the same main-context dispatch as the change (the marker that
 * turns private on is committed, the property notifies, the output stops): no segment
 * of a private part is ever written past that instant, and none written before it stays.
 * When the private part ends, the stream starts again from a keyframe captured after
 * that instant (tribuna_feed_set_not_before), in new files with new names.
 */
#define G_LOG_DOMAIN "tribuna-engine"

#include "config.h"

#include "tribuna-engine-private.h"

#define HLS_SUBDIR          "hls/live"
#define HLS_TARGET_SECONDS  2
#define HLS_PLAYLIST_LENGTH 6

static gboolean
may_publish (TribunaEngine *self)
{
  return tribuna_program_get_state (self->program) == TRIBUNA_PROGRAM_RUNNING
         && self->session != NULL
         && self->session->is_public
         && self->session->state == TRIBUNA_SESSION_LIVE
         && !self->is_private;
}

static void
update_live (TribunaEngine *self)
{
  gboolean publish = may_publish (self);

  if (publish == tribuna_hls_output_get_wanted (self->hls))
    return;

  if (publish)
    tribuna_hls_output_start (self->hls, tribuna_program_get_running_time (self->program));
  else
    tribuna_hls_output_stop (self->hls);
}

static void
on_engine_changed (TribunaEngine *self,
                   GParamSpec    *pspec,
                   gpointer       user_data)
{
  update_live (self);
}

/* From tribuna_engine_new(): the output and its feed exist from the start, idle until a
 * public session goes live. */
void
_tribuna_engine_live_init (TribunaEngine *self)
{
  /* Each segment is at least one keyframe interval long: the target follows it. */
  guint target = MAX (HLS_TARGET_SECONDS, tribuna_config_get_keyframe_interval (self->config));
  g_autofree char *directory = g_build_filename (self->data_dir, HLS_SUBDIR, NULL);

  self->hls_feed = tribuna_feed_new (TRIBUNA_FEED_LOSSY);
  self->hls = tribuna_hls_output_new (directory, self->hls_feed);
  tribuna_hls_output_set_target_duration (self->hls, target);
  tribuna_hls_output_set_playlist_length (self->hls, HLS_PLAYLIST_LENGTH);
  tribuna_program_add_feed (self->program, self->hls_feed);

  /* Whatever a crash left in the folder is of an earlier run: never served. */
  tribuna_hls_output_stop (self->hls);

  /* The session goes live when its recording starts (notify::recorder); it stops being
   * live or on program with notify::session-id. */
  g_signal_connect (self, "notify::program-state", G_CALLBACK (on_engine_changed), NULL);
  g_signal_connect (self, "notify::recorder", G_CALLBACK (on_engine_changed), NULL);
  g_signal_connect (self, "notify::session-id", G_CALLBACK (on_engine_changed), NULL);
  g_signal_connect (self, "notify::private", G_CALLBACK (on_engine_changed), NULL);
}

void
_tribuna_engine_live_stop (TribunaEngine *self)
{
  if (self->hls != NULL)
    tribuna_hls_output_stop (self->hls);
}

void
_tribuna_engine_live_clear (TribunaEngine *self)
{
  g_signal_handlers_disconnect_by_func (self, on_engine_changed, NULL);
  _tribuna_engine_live_stop (self);
  if (self->program != NULL && self->hls_feed != NULL)
    tribuna_program_remove_feed (self->program, self->hls_feed);
  g_clear_object (&self->hls);
  g_clear_object (&self->hls_feed);
}

TribunaHlsOutput *
tribuna_engine_get_hls_output (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return self->hls;
}

const char *
tribuna_engine_get_hls_directory (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), NULL);

  return tribuna_hls_output_get_directory (self->hls);
}

/* What the public page may play right now: checked again at each request, beside the
 * output's own state, so a web server bug in ordering can never serve a private part. */
gboolean
tribuna_engine_get_live_public (TribunaEngine *self)
{
  g_return_val_if_fail (TRIBUNA_IS_ENGINE (self), FALSE);

  return may_publish (self) && tribuna_hls_output_get_state (self->hls) == TRIBUNA_HLS_LIVE;
}
