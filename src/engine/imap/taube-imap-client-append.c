/* taube-imap-client-append.c — APPEND, streaming the message as a literal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §6.3.12, RFC 7888 (LITERAL+ / LITERAL-) and RFC 4315 §3 (APPENDUID). The
 * message is read from a GInputStream in chunks and written straight to the connection,
 * so its size does not matter. With LITERAL+ (or LITERAL- for up to 4096 bytes) the
 * literal follows the command line at once; otherwise the server's "+" is awaited, and a
 * NO in its place (too big, no such mailbox) ends the command before any byte is sent.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-client-private.h"
#include "taube-imap-error.h"

#define CHUNK_SIZE (64 * 1024)
/* RFC 7888 §4: LITERAL- allows non-synchronizing literals up to this size. */
#define LITERAL_MINUS_MAX 4096

typedef struct
{
  GTask *task;               /* borrowed: it owns this */
  GInputStream *input;
  guint64 size;
  guint64 sent;
  gboolean nonsync;
  gboolean line_sent;        /* the command line is out */
  gboolean go_ahead;         /* LITERAL+, or the server said "+" */
  gboolean started;
  gboolean writing;
  GAsyncResult *finished;    /* the exchange's result, while the literal is still going */
} Append;

typedef struct
{
  guint32 uidvalidity;
  guint32 uid;
} AppendUid;

static void
append_free (Append *append)
{
  g_clear_object (&append->input);
  g_clear_object (&append->finished);
  g_free (append);
}

static void append_finished (GTask *task, GAsyncResult *result);

/* -- The literal ------------------------------------------------------------------------ */

static void read_next (Append *append);

static void
writing_failed (Append *append,
                GError *error)
{
  TaubeImapClient *self = g_task_get_source_object (append->task);

  append->writing = FALSE;
  if (append->finished != NULL)
    {
      /* The exchange ended meanwhile; its result tells what happened. */
      g_error_free (error);
      append_finished (append->task, append->finished);
      return;
    }
  _taube_imap_client_exchange_error (self, error);
}

static void
writing_done (Append *append)
{
  append->writing = FALSE;
  if (append->finished != NULL)
    append_finished (append->task, append->finished);
}

static void
taube_imap_client_append_write_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  Append *append = user_data;
  GError *error = NULL;

  if (!taube_connection_write_finish (TAUBE_CONNECTION (object), result, &error))
    {
      writing_failed (append, error);
      return;
    }
  if (append->sent == append->size)
    writing_done (append);
  else
    read_next (append);
}

static void
taube_imap_client_append_read_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  Append *append = user_data;
  TaubeImapClient *self = g_task_get_source_object (append->task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) last = NULL;
  GError *error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      writing_failed (append, error);
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      /* The literal's size was announced: the connection cannot be saved now. */
      writing_failed (append, g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                           "The message ended after %" G_GUINT64_FORMAT
                                           " of %" G_GUINT64_FORMAT " bytes",
                                           append->sent, append->size));
      return;
    }
  append->sent += g_bytes_get_size (bytes);
  if (append->sent == append->size)
    {
      /* RFC 9051 §6.3.12: the command line goes on after the literal; end it. */
      g_autoptr(GByteArray) tail = g_bytes_unref_to_array (g_steal_pointer (&bytes));

      g_byte_array_append (tail, (const guint8 *) "\r\n", 2);
      last = g_byte_array_free_to_bytes (g_steal_pointer (&tail));
    }
  taube_connection_write_bytes_async (taube_imap_client_get_connection (self),
                                      last != NULL ? last : bytes,
                                      g_task_get_cancellable (append->task),
                                      taube_imap_client_append_write_cb, append);
}

static void
read_next (Append *append)
{
  gsize want = (gsize) MIN ((guint64) CHUNK_SIZE, append->size - append->sent);

  g_input_stream_read_bytes_async (append->input, want, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (append->task),
                                   taube_imap_client_append_read_cb, append);
}

static void
maybe_start (Append *append)
{
  if (append->started || !append->line_sent || !append->go_ahead)
    return;
  append->started = TRUE;
  append->writing = TRUE;
  read_next (append);
}

static void
append_sent (TaubeImapClient *self,
             gpointer         data)
{
  Append *append = data;

  append->line_sent = TRUE;
  maybe_start (append);
}

static void
append_continuation (TaubeImapClient   *self,
                     TaubeImapResponse *response,
                     gpointer           data)
{
  Append *append = data;

  if (append->nonsync || append->go_ahead)
    {
      _taube_imap_client_exchange_error (self, _taube_imap_client_protocol_error (
        self, "unexpected continuation during APPEND"));
      return;
    }
  /* The "+" can be parsed before the write of the command line reported back. */
  append->go_ahead = TRUE;
  maybe_start (append);
}

static const TaubeImapExchangeHandler append_handler = {
  .sent = append_sent,
  .continuation = append_continuation,
};

/* -- The command ------------------------------------------------------------------------ */

static void
append_finished (GTask        *task,
                 GAsyncResult *result)
{
  g_autoptr(TaubeImapResponse) response = _taube_imap_client_finish_ok (task, result);
  AppendUid *append_uid;
  guint64 uidvalidity = 0, uid = 0;

  if (response == NULL)
    {
      g_object_unref (task);
      return;
    }
  append_uid = g_new0 (AppendUid, 1);
  /* RFC 4315 §3: "APPENDUID uidvalidity uid". */
  if (g_strcmp0 (taube_imap_response_get_code_name (response), "APPENDUID") == 0
      && taube_imap_value_get_number (taube_imap_response_get_code_arg (response, 0),
                                      &uidvalidity)
      && taube_imap_value_get_number (taube_imap_response_get_code_arg (response, 1), &uid)
      && uidvalidity <= G_MAXUINT32 && uid <= G_MAXUINT32)
    {
      append_uid->uidvalidity = (guint32) uidvalidity;
      append_uid->uid = (guint32) uid;
    }
  _taube_imap_client_release (g_task_get_source_object (task));
  g_task_return_pointer (task, append_uid, g_free);
  g_object_unref (task);
}

static void
taube_imap_client_append_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  GTask *task = user_data;
  Append *append = g_task_get_task_data (task);

  /* A write of the literal still under way must end before the next command may write. */
  if (append->writing)
    {
      append->finished = g_object_ref (result);
      return;
    }
  append_finished (task, result);
}

/* RFC 9051 §9 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz", English month names. */
static char *
format_date_time (GDateTime *date_time)
{
  static const char *const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };
  gint64 offset = g_date_time_get_utc_offset (date_time) / G_TIME_SPAN_MINUTE;
  gint64 magnitude = ABS (offset);

  return g_strdup_printf ("\"%02d-%s-%04d %02d:%02d:%02d %c%02d%02d\"",
                          g_date_time_get_day_of_month (date_time),
                          months[g_date_time_get_month (date_time) - 1],
                          g_date_time_get_year (date_time), g_date_time_get_hour (date_time),
                          g_date_time_get_minute (date_time), g_date_time_get_second (date_time),
                          offset < 0 ? '-' : '+', (int) (magnitude / 60), (int) (magnitude % 60));
}

static char *
append_command (TaubeImapClient     *self,
                const char          *mailbox,
                const char * const  *flags,
                GDateTime           *internaldate,
                Append              *append,
                GError             **error)
{
  g_autofree char *quoted = _taube_imap_client_mailbox_argument (mailbox, error);
  g_autofree char *list = NULL;
  g_autofree char *date = NULL;

  if (quoted == NULL)
    return NULL;
  list = _taube_imap_client_flag_list (flags, error);
  if (list == NULL)
    return NULL;
  if (append->size == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "An empty message cannot be appended");
      return NULL;
    }
  date = internaldate != NULL ? format_date_time (internaldate) : NULL;
  append->nonsync = taube_imap_client_has_capability (self, "LITERAL+")
                    || (taube_imap_client_has_capability (self, "LITERAL-")
                        && append->size <= LITERAL_MINUS_MAX);
  append->go_ahead = append->nonsync;
  /* RFC 9051 §6.3.12: the flag list and the date are optional. */
  return g_strdup_printf ("APPEND %s%s%s%s%s {%" G_GUINT64_FORMAT "%s}", quoted,
                          flags != NULL && flags[0] != NULL ? " " : "",
                          flags != NULL && flags[0] != NULL ? list : "",
                          date != NULL ? " " : "", date != NULL ? date : "", append->size,
                          append->nonsync ? "+" : "");
}

/**
 * taube_imap_client_append_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox in UTF-8
 * @flags: (nullable) (array zero-terminated=1): flags to set, e.g. "\Seen"
 * @internaldate: (nullable): the date the server should record, or %NULL for now
 * @message: the message, CRLF line ends, exactly @size bytes
 * @size: its size in bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered
 * @user_data: data for @callback
 *
 * Stores a message in @mailbox (RFC 9051 §6.3.12), reading @message in chunks as the
 * connection takes them. A message shorter than @size fails with
 * %G_IO_ERROR_PARTIAL_INPUT and closes the session (the server waits for the rest).
 */
void
taube_imap_client_append_async (TaubeImapClient     *self,
                                const char          *mailbox,
                                const char * const  *flags,
                                GDateTime           *internaldate,
                                GInputStream        *message,
                                guint64              size,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;
  Append *append;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (message));

  task = _taube_imap_client_begin (self, taube_imap_client_append_async, TRUE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  append = g_new0 (Append, 1);
  append->task = task;
  append->input = g_object_ref (message);
  append->size = size;
  g_task_set_task_data (task, append, (GDestroyNotify) append_free);
  command = append_command (self, mailbox, flags, internaldate, append, &error);
  if (command == NULL)
    {
      _taube_imap_client_refuse (task, error);
      return;
    }
  _taube_imap_client_exchange_with_handler_async (self, command, &append_handler, append,
                                                  cancellable, taube_imap_client_append_cb,
                                                  g_steal_pointer (&task));
}

/**
 * taube_imap_client_append_bytes_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox in UTF-8
 * @flags: (nullable) (array zero-terminated=1): flags to set
 * @internaldate: (nullable): the date the server should record
 * @message: the message, CRLF line ends
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered; finish with taube_imap_client_append_finish()
 * @user_data: data for @callback
 */
void
taube_imap_client_append_bytes_async (TaubeImapClient     *self,
                                      const char          *mailbox,
                                      const char * const  *flags,
                                      GDateTime           *internaldate,
                                      GBytes              *message,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GInputStream) input = NULL;

  g_return_if_fail (message != NULL);

  input = g_memory_input_stream_new_from_bytes (message);
  taube_imap_client_append_async (self, mailbox, flags, internaldate, input,
                                  g_bytes_get_size (message), cancellable, callback, user_data);
}

/**
 * taube_imap_client_append_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @uidvalidity: (out) (optional): the mailbox's UIDVALIDITY from APPENDUID, or 0
 * @uid: (out) (optional): the new message's UID from APPENDUID (RFC 4315 §3), or 0 when
 *   the server did not say
 * @error: return location for a #GError
 *
 * Returns: whether the message was stored
 */
gboolean
taube_imap_client_append_finish (TaubeImapClient  *self,
                                 GAsyncResult     *result,
                                 guint32          *uidvalidity,
                                 guint32          *uid,
                                 GError          **error)
{
  g_autofree AppendUid *got = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_append_async, FALSE);

  got = g_task_propagate_pointer (G_TASK (result), error);
  if (uidvalidity != NULL)
    *uidvalidity = got != NULL ? got->uidvalidity : 0;
  if (uid != NULL)
    *uid = got != NULL ? got->uid : 0;
  return got != NULL;
}
