/* tribuna-http-events.c: live status as Server-Sent Events, pushed from notify signals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nothing here polls: the engine's and each destination's property notifications mark
 * what changed, one idle callback formats each change once and writes it to every open
 * stream. The only timer is the keep-alive comment on an otherwise quiet stream.
 */
#define G_LOG_DOMAIN "tribuna-http"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "tribuna-http-events.h"

struct _TribunaHttpEvents
{
  GObject                      parent_instance;

  TribunaEngine               *engine;
  TribunaHttpEventsFormatFunc  format;
  gpointer                     format_data;

  GPtrArray                   *clients;        /* Client, each a stream */
  GHashTable                  *pending;        /* "kind" or "destination\nNAME" → itself */
  GHashTable                  *destinations;   /* TribunaDestination → handler id */
  TribunaRecorder             *recorder;       /* watched for its disk space */
  gulong                       recorder_handler;
  guint                        flush_id;
  guint                        keepalive_id;
  int                          clip_percent;   /* the last clip progress sent */
  gint64                       levels_sent_us; /* the last program levels sent */
};

/* An open stream, and a watch on its socket: a client that goes says nothing, and
 * without the watch it would only be noticed at the next write. */
typedef struct {
  SoupServerMessage *msg;
  GSource           *hangup;
  gsize              unsent;    /* appended, not yet written */
} Client;

G_DEFINE_FINAL_TYPE (TribunaHttpEvents, tribuna_http_events, G_TYPE_OBJECT)

static void
client_free (Client *client)
{
  if (client->hangup != NULL)
    g_source_destroy (client->hangup);
  g_clear_pointer (&client->hangup, g_source_unref);
  g_clear_object (&client->msg);
  g_free (client);
}

static Client *
find_client (TribunaHttpEvents *self,
             SoupServerMessage *msg,
             guint             *index)
{
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);

      if (client->msg == msg)
        {
          *index = i;
          return client;
        }
    }

  return NULL;
}

/* Ends the stream: the last chunk is written (or fails), and libsoup finishes it. */
static void
end_stream (SoupServerMessage *msg)
{
  soup_message_body_complete (soup_server_message_get_response_body (msg));
  soup_server_message_unpause (msg);
}

/* Engine properties, and the event each one changes. */
static const struct {
  const char *property;
  const char *kind;
} engine_properties[] = {
  { "program-state", "program" },
  { "recorder-state", "recorder" },
  { "on-air", "on-air" },
  { "last-error", "error" },
  { "session-id", "session" },
  { "session-title", "session" },
  { "item-number", "session" },
  { "item-title", "session" },
  { "speaker-name", "session" },
  { "speaker-role", "session" },
  { "on-break", "session" },
  { "private", "session" },
  { "program-source", "mixer" },
  { "preview-source", "mixer" },
  { "layout", "mixer" },
  { "silence-alarm", "mixer" },
  { "lower-third-visible", "mixer" },
};

/* Program levels reach a client at most this often: a web meter needs no more. */
#define LEVELS_INTERVAL_US (G_USEC_PER_SEC / 5)

/* What the operator needs to see at once; the bit rates are in GET /status. */
static const char * const destination_properties[] = {
  "state", "wanted", "attempts", "reconnects", "last-error", NULL
};
static const char * const recorder_properties[] = {
  "current-file", "segment-count", "low-disk", "last-error", NULL
};

static void
write_to_all (TribunaHttpEvents *self,
              const char        *text)
{
  gsize length = strlen (text);

  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);

      /* A client that stopped reading would make the server keep every event for it. */
      if (client->unsent > TRIBUNA_HTTP_EVENTS_MAX_UNSENT)
        continue;
      client->unsent += length;
      if (client->unsent > TRIBUNA_HTTP_EVENTS_MAX_UNSENT)
        {
          g_message ("an event stream client stopped reading; closing its stream");
          end_stream (client->msg);
          continue;
        }

      soup_message_body_append (soup_server_message_get_response_body (client->msg),
                                SOUP_MEMORY_COPY, text, length);
      soup_server_message_unpause (client->msg);
    }
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
flush (gpointer user_data)
{
  TribunaHttpEvents *self = user_data;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  self->flush_id = 0;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_ptr_array_add (keys, key);
      g_hash_table_iter_steal (&iter);
    }

  /* In a fixed order, so a client sees a session change after the recorder's. */
  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (keys, i), "\n", 2);
      g_autofree char *data = self->format (parts[0], parts[1], self->format_data);
      g_autofree char *text = NULL;

      if (data == NULL)
        continue;
      /* One data line: the JSON is written without line breaks. */
      text = g_strdup_printf ("event: %s\ndata: %s\n\n", parts[0], data);
      write_to_all (self, text);
    }

  return G_SOURCE_REMOVE;
}

static void
mark (TribunaHttpEvents *self,
      const char        *kind,
      const char        *name)
{
  char *key = name ? g_strconcat (kind, "\n", name, NULL) : g_strdup (kind);

  if (self->clients->len == 0)
    {
      g_free (key);
      return;
    }

  g_hash_table_add (self->pending, key);
  if (self->flush_id == 0)
    self->flush_id = g_idle_add (flush, self);
}

static void
on_destination_notify (TribunaDestination *destination,
                       GParamSpec         *pspec,
                       TribunaHttpEvents  *self)
{
  if (g_strv_contains (destination_properties, pspec->name))
    mark (self, "destination", tribuna_destination_get_name (destination));
}

static void
watch_destinations (TribunaHttpEvents *self)
{
  GListModel *model = tribuna_engine_get_destinations (self->engine);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TribunaDestination) destination = g_list_model_get_item (model, i);
      gulong id;

      if (g_hash_table_contains (self->destinations, destination))
        continue;
      id = g_signal_connect_object (destination, "notify", G_CALLBACK (on_destination_notify),
                                    self, 0);
      g_hash_table_insert (self->destinations, g_object_ref (destination), GSIZE_TO_POINTER (id));
    }
}

static void
on_destinations_changed (GListModel        *model,
                         guint              position,
                         guint              removed,
                         guint              added,
                         TribunaHttpEvents *self)
{
  watch_destinations (self);
  mark (self, "destinations", NULL);
}

static void
on_recorder_notify (TribunaRecorder   *recorder,
                    GParamSpec        *pspec,
                    TribunaHttpEvents *self)
{
  if (g_strv_contains (recorder_properties, pspec->name))
    mark (self, "recorder", NULL);
}

static void
watch_recorder (TribunaHttpEvents *self)
{
  TribunaRecorder *recorder = tribuna_engine_get_recorder (self->engine);

  if (recorder == self->recorder)
    return;

  if (self->recorder != NULL)
    g_clear_signal_handler (&self->recorder_handler, self->recorder);
  g_set_object (&self->recorder, recorder);
  if (recorder != NULL)
    self->recorder_handler = g_signal_connect_object (recorder, "notify",
                                                      G_CALLBACK (on_recorder_notify), self, 0);
}

static void
on_engine_notify (TribunaEngine     *engine,
                  GParamSpec        *pspec,
                  TribunaHttpEvents *self)
{
  if (g_str_equal (pspec->name, "recorder"))
    {
      watch_recorder (self);
      mark (self, "recorder", NULL);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (engine_properties); i++)
    {
      if (g_str_equal (pspec->name, engine_properties[i].property))
        mark (self, engine_properties[i].kind, NULL);
    }
}

static void
on_levels (TribunaEngine      *engine,
           const char         *source,
           TribunaAudioLevels *levels,
           TribunaHttpEvents  *self)
{
  gint64 now = g_get_monotonic_time ();

  if (source != NULL || now - self->levels_sent_us < LEVELS_INTERVAL_US)
    return;
  self->levels_sent_us = now;
  mark (self, "levels", NULL);
}

static void
on_hls_notify (TribunaHlsOutput  *hls,
               GParamSpec        *pspec,
               TribunaHttpEvents *self)
{
  mark (self, "live", NULL);
}

/* Progress moves with every frame: a client hears of each whole percent. */
static void
on_clip_progress (TribunaClipExport *export,
                  GParamSpec        *pspec,
                  TribunaHttpEvents *self)
{
  int percent = (int) (tribuna_clip_export_get_progress (export) * 100);

  if (percent == self->clip_percent)
    return;
  self->clip_percent = percent;
  mark (self, "clips", NULL);
}

void
tribuna_http_events_notify (TribunaHttpEvents *self,
                            const char        *kind,
                            const char        *name)
{
  g_return_if_fail (TRIBUNA_IS_HTTP_EVENTS (self));

  mark (self, kind, name);
}

static gboolean
on_keepalive (gpointer user_data)
{
  TribunaHttpEvents *self = user_data;

  write_to_all (self, ": keep-alive\n\n");
  return G_SOURCE_CONTINUE;
}

static void
on_wrote_body_data (SoupServerMessage *msg,
                    guint              size,
                    TribunaHttpEvents *self)
{
  guint index;
  Client *client = find_client (self, msg, &index);

  if (client != NULL)
    client->unsent -= MIN (client->unsent, size);
}

static void
on_client_finished (SoupServerMessage *msg,
                    TribunaHttpEvents *self)
{
  guint index;

  g_signal_handlers_disconnect_by_data (msg, self);
  if (find_client (self, msg, &index) != NULL)
    g_ptr_array_remove_index (self->clients, index);
  if (self->clients->len == 0)
    g_clear_handle_id (&self->keepalive_id, g_source_remove);
}

typedef struct {
  TribunaHttpEvents *self;
  SoupServerMessage *msg;
} Hangup;

static gboolean
on_socket_ready (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Hangup *hangup = user_data;
  Client *client;
  guint index;
  char byte;
  gssize n;

  client = find_client (hangup->self, hangup->msg, &index);
  if (client == NULL)
    return G_SOURCE_REMOVE;

  /* A peek: the bytes, if any, stay for libsoup. Nothing to read but the end means the
   * client is gone; anything else (a TLS record, a stray byte) is left to the next write. */
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&client->hangup, g_source_unref);
  if (n <= 0)
    end_stream (client->msg);
  return G_SOURCE_REMOVE;
}

static void
watch_hangup (TribunaHttpEvents *self,
              Client            *client)
{
  GSocket *socket = soup_server_message_get_socket (client->msg);
  Hangup *hangup;

  if (socket == NULL)
    return;

  hangup = g_new0 (Hangup, 1);
  hangup->self = self;
  hangup->msg = client->msg;
  client->hangup = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (client->hangup, G_SOURCE_FUNC (on_socket_ready), hangup, g_free);
  g_source_attach (client->hangup, NULL);
}

/* GObject */

static void
disconnect_destination (gpointer key,
                        gpointer value,
                        gpointer user_data)
{
  g_signal_handler_disconnect (key, GPOINTER_TO_SIZE (value));
}

static void
tribuna_http_events_dispose (GObject *object)
{
  TribunaHttpEvents *self = (TribunaHttpEvents *) object;

  tribuna_http_events_close_all (self);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  if (self->recorder != NULL)
    g_clear_signal_handler (&self->recorder_handler, self->recorder);
  g_clear_object (&self->recorder);
  if (self->destinations != NULL)
    g_hash_table_foreach (self->destinations, disconnect_destination, NULL);
  g_clear_pointer (&self->destinations, g_hash_table_unref);
  if (self->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->engine, self);
      if (tribuna_engine_get_hls_output (self->engine) != NULL)
        g_signal_handlers_disconnect_by_data (tribuna_engine_get_hls_output (self->engine), self);
      g_signal_handlers_disconnect_by_data (tribuna_engine_get_destinations (self->engine), self);
      g_signal_handlers_disconnect_by_data (tribuna_engine_get_clip_export (self->engine), self);
    }
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (tribuna_http_events_parent_class)->dispose (object);
}

static void
tribuna_http_events_finalize (GObject *object)
{
  TribunaHttpEvents *self = (TribunaHttpEvents *) object;

  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (tribuna_http_events_parent_class)->finalize (object);
}

static void
tribuna_http_events_class_init (TribunaHttpEventsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tribuna_http_events_dispose;
  object_class->finalize = tribuna_http_events_finalize;
}

static void
tribuna_http_events_init (TribunaHttpEvents *self)
{
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->destinations = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

TribunaHttpEvents *
tribuna_http_events_new (TribunaEngine               *engine,
                         TribunaHttpEventsFormatFunc  format,
                         gpointer                     user_data)
{
  TribunaHttpEvents *self;

  g_return_val_if_fail (TRIBUNA_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (format != NULL, NULL);

  self = g_object_new (TRIBUNA_TYPE_HTTP_EVENTS, NULL);
  self->engine = g_object_ref (engine);
  self->format = format;
  self->format_data = user_data;

  g_signal_connect (engine, "notify", G_CALLBACK (on_engine_notify), self);
  g_signal_connect (engine, "levels", G_CALLBACK (on_levels), self);
  g_signal_connect (tribuna_engine_get_hls_output (engine), "notify::state",
                    G_CALLBACK (on_hls_notify), self);
  g_signal_connect (tribuna_engine_get_destinations (engine), "items-changed",
                    G_CALLBACK (on_destinations_changed), self);
  g_signal_connect (tribuna_engine_get_clip_export (engine), "notify::progress",
                    G_CALLBACK (on_clip_progress), self);
  watch_destinations (self);
  watch_recorder (self);

  return self;
}

void
tribuna_http_events_add_client (TribunaHttpEvents *self,
                                SoupServerMessage *msg,
                                const char        *first)
{
  SoupMessageHeaders *headers;
  SoupMessageBody *body;
  g_autofree char *text = NULL;
  Client *client;

  g_return_if_fail (TRIBUNA_IS_HTTP_EVENTS (self));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  /* A proxy that buffers would hold the events back. */
  soup_message_headers_replace (headers, "X-Accel-Buffering", "no");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);

  /* What was sent is not kept: a stream may stay open for a whole meeting. */
  body = soup_server_message_get_response_body (msg);
  soup_message_body_set_accumulate (body, FALSE);
  text = g_strdup_printf ("retry: 2000\nevent: status\ndata: %s\n\n", first ? first : "{}");
  soup_message_body_append (body, SOUP_MEMORY_COPY, text, strlen (text));

  client = g_new0 (Client, 1);
  client->msg = g_object_ref (msg);
  g_ptr_array_add (self->clients, client);
  watch_hangup (self, client);
  g_signal_connect (msg, "finished", G_CALLBACK (on_client_finished), self);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), self);
  if (self->keepalive_id == 0)
    self->keepalive_id = g_timeout_add_seconds (TRIBUNA_HTTP_EVENTS_KEEPALIVE_S, on_keepalive,
                                                self);
}

guint
tribuna_http_events_get_n_clients (TribunaHttpEvents *self)
{
  g_return_val_if_fail (TRIBUNA_IS_HTTP_EVENTS (self), 0);

  return self->clients->len;
}

void
tribuna_http_events_close_all (TribunaHttpEvents *self)
{
  g_autoptr(GPtrArray) clients = NULL;

  g_return_if_fail (TRIBUNA_IS_HTTP_EVENTS (self));

  /* Taken out first: ending a stream may finish it at once, which removes it. */
  clients = g_steal_pointer (&self->clients);
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      g_signal_handlers_disconnect_by_data (client->msg, self);
      end_stream (client->msg);
    }
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
}
