/* taube-pop3-client-mailbox.c — the TRANSACTION state: STAT, LIST, UIDL, TOP, RETR, DELE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RETR and TOP stream the message into a GOutputStream through the connection's bounded
 * buffer and a dot-unstuffer, so a message of any size takes the same memory. When the
 * stream fails half-way (the server went away, the size limit was hit) the operation
 * fails: whatever was written to the output must be thrown away by the caller.
 */
#define G_LOG_DOMAIN "taube-pop3"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-pop3-client-private.h"
#include "taube-pop3-error.h"
#include "taube-pop3-unstuffer.h"

/* Pipelined commands go out in windows, so neither side's socket buffer can fill up
 * with replies nobody reads yet (RFC 2449 §6.6). */
#define PIPELINE_WINDOW 64

static void
exchange_one (TaubePop3Client     *self,
              GTask               *task,
              const char          *command,
              TaubePop3ReplyKind   kind,
              GAsyncReadyCallback  callback)
{
  const char *commands[] = { command, NULL };

  _taube_pop3_client_exchange_async (self, commands, &kind, NULL, g_task_get_cancellable (task),
                                     callback, g_object_ref (task));
}

static GError *
protocol_error (TaubePop3Client *self,
                const GError    *detail)
{
  return _taube_pop3_client_protocol_error (self, detail);
}

static GError *
not_supported_error (TaubePop3Client *self,
                     const char      *command)
{
  /* Translators: %s is a server name, the second %s a POP3 command such as UIDL. */
  return g_error_new (TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_NOT_SUPPORTED,
                      _("The server %s does not support the %s command, which Taube needs. "
                        "Ask the provider, or use IMAP instead."),
                      taube_connection_get_host (taube_pop3_client_get_connection (self)),
                      command);
}

/* -- STAT ----------------------------------------------------------------------------- */

typedef struct
{
  guint count;
  guint64 size;
} Stat;

static void
taube_pop3_client_stat_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) detail = NULL;
  g_autofree Stat *stat = g_new0 (Stat, 1);
  GError *error = NULL;
  TaubePop3Reply *reply;

  replies = _taube_pop3_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  reply = g_ptr_array_index (replies, 0);
  if (reply->status != TAUBE_POP3_STATUS_OK)
    {
      _taube_pop3_client_fail (task, _taube_pop3_client_reply_error (self, reply), FALSE);
      return;
    }
  /* RFC 1939 §5: "+OK nn mm", the same shape as a scan listing. */
  if (!taube_pop3_parse_listing (reply->text, &stat->count, &stat->size, &detail))
    {
      _taube_pop3_client_fail (task, protocol_error (self, detail), TRUE);
      return;
    }
  _taube_pop3_client_release (self);
  g_task_return_pointer (task, g_steal_pointer (&stat), g_free);
}

/**
 * taube_pop3_client_stat_async:
 * @self: a logged-in #TaubePop3Client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the mailbox's size
 * @user_data: data for @callback
 *
 * Asks how many messages there are and how many octets they take (RFC 1939 §5 STAT).
 */
void
taube_pop3_client_stat_async (TaubePop3Client     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));

  task = _taube_pop3_client_begin (self, taube_pop3_client_stat_async, TRUE, cancellable,
                                   callback, user_data);
  if (task != NULL)
    exchange_one (self, task, "STAT", TAUBE_POP3_REPLY_SINGLE, taube_pop3_client_stat_cb);
}

/**
 * taube_pop3_client_stat_finish:
 * @self: a #TaubePop3Client
 * @result: the result
 * @count: (out) (optional): the number of messages
 * @size: (out) (optional): their total size in octets
 * @error: return location for a #GError
 */
gboolean
taube_pop3_client_stat_finish (TaubePop3Client  *self,
                               GAsyncResult     *result,
                               guint            *count,
                               guint64          *size,
                               GError          **error)
{
  g_autofree Stat *stat = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_pop3_client_stat_async, FALSE);

  stat = g_task_propagate_pointer (G_TASK (result), error);
  if (stat == NULL)
    return FALSE;
  if (count != NULL)
    *count = stat->count;
  if (size != NULL)
    *size = stat->size;
  return TRUE;
}

/* -- LIST, UIDL and both -------------------------------------------------------------- */

typedef enum
{
  WANT_SIZE = 1 << 0,
  WANT_UID = 1 << 1,
} Want;

typedef struct
{
  Want want;
  guint number;      /* 0: every message */
  GHashTable *infos; /* number → TaubePop3MessageInfo */
} ListOp;

static void
list_op_free (ListOp *op)
{
  g_clear_pointer (&op->infos, g_hash_table_unref);
  g_free (op);
}

static TaubePop3MessageInfo *
lookup_info (ListOp *op,
             guint   number)
{
  TaubePop3MessageInfo *info = g_hash_table_lookup (op->infos, GUINT_TO_POINTER (number));

  if (info == NULL)
    {
      info = g_new0 (TaubePop3MessageInfo, 1);
      info->number = number;
      g_hash_table_insert (op->infos, GUINT_TO_POINTER (number), info);
    }
  return info;
}

static gboolean
add_listing (ListOp      *op,
             Want         kind,
             const char  *text,
             GError     **error)
{
  guint number;

  if (kind == WANT_SIZE)
    {
      guint64 size;

      if (!taube_pop3_parse_listing (text, &number, &size, error))
        return FALSE;
      lookup_info (op, number)->size = size;
    }
  else
    {
      g_autofree char *uid = NULL;
      TaubePop3MessageInfo *info;

      if (!taube_pop3_parse_unique_id (text, &number, &uid, error))
        return FALSE;
      info = lookup_info (op, number);
      g_free (info->uid);
      info->uid = g_steal_pointer (&uid);
    }
  return TRUE;
}

static gboolean
add_reply (ListOp          *op,
           Want             kind,
           TaubePop3Reply  *reply,
           GError         **error)
{
  if (op->number != 0)
    return add_listing (op, kind, reply->text, error);
  for (guint i = 0; reply->lines != NULL && i < reply->lines->len; i++)
    if (!add_listing (op, kind, g_ptr_array_index (reply->lines, i), error))
      return FALSE;
  return TRUE;
}

static int
compare_infos (gconstpointer a,
               gconstpointer b)
{
  const TaubePop3MessageInfo *x = *(TaubePop3MessageInfo * const *) a;
  const TaubePop3MessageInfo *y = *(TaubePop3MessageInfo * const *) b;

  return x->number < y->number ? -1 : x->number > y->number;
}

static GPtrArray *
list_op_steal_infos (ListOp *op)
{
  GPtrArray *infos = g_ptr_array_new_with_free_func (
    (GDestroyNotify) taube_pop3_message_info_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, op->infos);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (infos, value);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (infos, compare_infos);
  return infos;
}

static void
taube_pop3_client_list_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  ListOp *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) replies = NULL;
  GError *error = NULL;
  /* The order of the commands, see list_start(): UIDL first, so that a message deleted
   * in between cannot leave a size without a uid. */
  Want order[2] = { WANT_UID, WANT_SIZE };
  guint first = (op->want & WANT_UID) ? 0 : 1;

  replies = _taube_pop3_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  for (guint i = 0; i < replies->len; i++)
    {
      TaubePop3Reply *reply = g_ptr_array_index (replies, i);
      Want kind = order[first + i];
      g_autoptr(GError) detail = NULL;

      if (reply->status != TAUBE_POP3_STATUS_OK)
        {
          if (kind == WANT_UID && op->number == 0)
            _taube_pop3_client_fail (task, not_supported_error (self, "UIDL"), FALSE);
          else
            _taube_pop3_client_fail (task, _taube_pop3_client_reply_error (self, reply), FALSE);
          return;
        }
      if (!add_reply (op, kind, reply, &detail))
        {
          _taube_pop3_client_fail (task, protocol_error (self, detail), TRUE);
          return;
        }
    }
  _taube_pop3_client_release (self);
  g_task_return_pointer (task, list_op_steal_infos (op), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_start (TaubePop3Client     *self,
            gpointer             source_tag,
            Want                 want,
            guint                number,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func (g_free);
  TaubePop3ReplyKind kinds[2];
  ListOp *op;

  task = _taube_pop3_client_begin (self, source_tag, TRUE, cancellable, callback, user_data);
  if (task == NULL)
    return;
  op = g_new0 (ListOp, 1);
  op->want = want;
  op->number = number;
  op->infos = g_hash_table_new_full (NULL, NULL, NULL,
                                     (GDestroyNotify) taube_pop3_message_info_free);
  g_task_set_task_data (task, op, (GDestroyNotify) list_op_free);

  /* RFC 2449 §6.5: a server with CAPA lists UIDL if it has it. */
  if ((want & WANT_UID) && _taube_pop3_client_knows_capabilities (self)
      && !taube_pop3_client_has_capability (self, "UIDL"))
    {
      _taube_pop3_client_fail (task, not_supported_error (self, "UIDL"), FALSE);
      return;
    }
  for (guint i = 0; i < 2; i++)
    {
      Want kind = i == 0 ? WANT_UID : WANT_SIZE;
      const char *name = kind == WANT_UID ? "UIDL" : "LIST";

      if (!(want & kind))
        continue;
      kinds[commands->len] = number != 0 ? TAUBE_POP3_REPLY_SINGLE : TAUBE_POP3_REPLY_MULTI;
      g_ptr_array_add (commands, number != 0 ? g_strdup_printf ("%s %u", name, number)
                                             : g_strdup (name));
    }
  g_ptr_array_add (commands, NULL);
  _taube_pop3_client_exchange_async (self, (const char * const *) commands->pdata, kinds, NULL,
                                     cancellable, taube_pop3_client_list_cb,
                                     g_steal_pointer (&task));
}

/**
 * taube_pop3_client_list_async:
 * @self: a logged-in #TaubePop3Client
 * @number: a message number, or 0 for all messages
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the sizes; finish with taube_pop3_client_list_finish()
 * @user_data: data for @callback
 *
 * Asks for message sizes (RFC 1939 §5 LIST).
 */
void
taube_pop3_client_list_async (TaubePop3Client     *self,
                              guint                number,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));

  list_start (self, taube_pop3_client_list_async, WANT_SIZE, number, cancellable, callback,
              user_data);
}

/**
 * taube_pop3_client_uidl_async:
 * @self: a logged-in #TaubePop3Client
 * @number: a message number, or 0 for all messages
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the unique ids; finish with taube_pop3_client_list_finish()
 * @user_data: data for @callback
 *
 * Asks for the messages' unique ids (RFC 1939 §7 UIDL), which stay the same across
 * sessions while message numbers do not.
 */
void
taube_pop3_client_uidl_async (TaubePop3Client     *self,
                              guint                number,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));

  list_start (self, taube_pop3_client_uidl_async, WANT_UID, number, cancellable, callback,
              user_data);
}

/**
 * taube_pop3_client_scan_async:
 * @self: a logged-in #TaubePop3Client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with number, size and unique id of every message; finish with
 *   taube_pop3_client_list_finish()
 * @user_data: data for @callback
 *
 * UIDL and LIST together, in one round trip when the server offers PIPELINING.
 */
void
taube_pop3_client_scan_async (TaubePop3Client     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));

  list_start (self, taube_pop3_client_scan_async, WANT_SIZE | WANT_UID, 0, cancellable,
              callback, user_data);
}

/**
 * taube_pop3_client_list_finish:
 * @self: a #TaubePop3Client
 * @result: the result of taube_pop3_client_list_async(), _uidl_async() or _scan_async()
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type TaubePop3MessageInfo): the messages, sorted by
 *   number
 */
GPtrArray *
taube_pop3_client_list_finish (TaubePop3Client  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- RETR and TOP --------------------------------------------------------------------- */

typedef struct
{
  TaubePop3Unstuffer unstuffer;
  GOutputStream *output;
  guint64 max_size;
  guint64 written;
  guint8 *chunk;
  gsize chunk_size;
} Body;

static void
body_free (Body *body)
{
  g_clear_object (&body->output);
  g_free (body->chunk);
  g_free (body);
}

static void body_step (GTask *task);

static void
body_finished (GTask *task)
{
  TaubePop3Client *self = g_task_get_source_object (task);
  Body *body = g_task_get_task_data (task);
  guint64 *size = g_new (guint64, 1);

  *size = body->written;
  _taube_pop3_client_release (self);
  g_task_return_pointer (task, size, g_free);
}

static void
taube_pop3_client_body_written_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Body *body = g_task_get_task_data (task);
  GError *error = NULL;

  /* The caller's stream failing (a full disk) leaves the server mid-response. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  if (taube_pop3_unstuffer_is_done (&body->unstuffer))
    body_finished (task);
  else
    body_step (task);
}

static void
taube_pop3_client_body_fill_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_connection_fill_finish (TAUBE_CONNECTION (object), result, &error))
    {
      g_debug ("Message stream broke off: %s", error->message);
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  body_step (task);
}

static void
body_step (GTask *task)
{
  TaubePop3Client *self = g_task_get_source_object (task);
  TaubeConnection *connection = taube_pop3_client_get_connection (self);
  Body *body = g_task_get_task_data (task);
  const guint8 *input;
  gsize input_length;
  gsize output_length;
  gsize used;

  input = taube_connection_peek (connection, &input_length);
  if (input_length == 0)
    {
      taube_connection_fill_async (connection, g_task_get_cancellable (task),
                                   taube_pop3_client_body_fill_cb, g_object_ref (task));
      return;
    }
  if (body->chunk_size < input_length + 1)
    {
      body->chunk_size = input_length + 1;
      body->chunk = g_realloc (body->chunk, body->chunk_size);
    }
  used = taube_pop3_unstuffer_feed (&body->unstuffer, input, input_length, body->chunk,
                                    &output_length);
  taube_connection_consume (connection, used);
  body->written += output_length;

  if (body->max_size != 0 && body->written > body->max_size)
    {
      _taube_pop3_client_fail (task, g_error_new (
        TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_MESSAGE_TOO_BIG,
        /* Translators: %s is a server name, %lu a size limit in megabytes. */
        _("A message on the server %s is larger than %lu MB, the most Taube is set to "
          "download."), taube_connection_get_host (connection),
        (unsigned long) (body->max_size / (1024 * 1024))), TRUE);
      return;
    }
  if (output_length == 0)
    {
      if (taube_pop3_unstuffer_is_done (&body->unstuffer))
        body_finished (task);
      else
        body_step (task);
      return;
    }
  g_output_stream_write_all_async (body->output, body->chunk, output_length,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   taube_pop3_client_body_written_cb, g_object_ref (task));
}

static void
taube_pop3_client_body_status_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) replies = NULL;
  GError *error = NULL;
  TaubePop3Reply *reply;

  replies = _taube_pop3_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  reply = g_ptr_array_index (replies, 0);
  if (reply->status != TAUBE_POP3_STATUS_OK)
    {
      _taube_pop3_client_fail (task, _taube_pop3_client_reply_error (self, reply), FALSE);
      return;
    }
  body_step (task);
}

static void
body_start (TaubePop3Client     *self,
            gpointer             source_tag,
            const char          *command,
            GOutputStream       *output,
            guint64              max_size,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Body *body;

  task = _taube_pop3_client_begin (self, source_tag, TRUE, cancellable, callback, user_data);
  if (task == NULL)
    return;
  body = g_new0 (Body, 1);
  taube_pop3_unstuffer_init (&body->unstuffer);
  body->output = g_object_ref (output);
  body->max_size = max_size;
  g_task_set_task_data (task, body, (GDestroyNotify) body_free);
  exchange_one (self, task, command, TAUBE_POP3_REPLY_BODY, taube_pop3_client_body_status_cb);
}

/**
 * taube_pop3_client_retrieve_async:
 * @self: a logged-in #TaubePop3Client
 * @number: the message number
 * @output: where the message goes, exactly as the server has it (CRLF line ends)
 * @max_size: fail with %TAUBE_POP3_ERROR_MESSAGE_TOO_BIG beyond this many bytes; 0: no limit
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the whole message was written; finish with
 *   taube_pop3_client_retrieve_finish()
 * @user_data: data for @callback
 *
 * Downloads a message (RFC 1939 §5 RETR), streaming it to @output in bounded memory. On
 * failure @output holds part of the message and must be discarded.
 */
void
taube_pop3_client_retrieve_async (TaubePop3Client     *self,
                                  guint                number,
                                  GOutputStream       *output,
                                  guint64              max_size,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *command = NULL;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));
  g_return_if_fail (number > 0);
  g_return_if_fail (G_IS_OUTPUT_STREAM (output));

  command = g_strdup_printf ("RETR %u", number);
  body_start (self, taube_pop3_client_retrieve_async, command, output, max_size, cancellable,
              callback, user_data);
}

/**
 * taube_pop3_client_top_async:
 * @self: a logged-in #TaubePop3Client
 * @number: the message number
 * @lines: how many lines of the body to fetch after the header
 * @output: where the header and lines go
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with taube_pop3_client_retrieve_finish()
 * @user_data: data for @callback
 *
 * Fetches a message's header and the first @lines lines of its body (RFC 1939 §7 TOP).
 */
void
taube_pop3_client_top_async (TaubePop3Client     *self,
                             guint                number,
                             guint                lines,
                             GOutputStream       *output,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *command = NULL;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));
  g_return_if_fail (number > 0);
  g_return_if_fail (G_IS_OUTPUT_STREAM (output));

  /* RFC 2449 §6.3: a server with CAPA lists TOP if it has it. */
  if (_taube_pop3_client_knows_capabilities (self)
      && !taube_pop3_client_has_capability (self, "TOP"))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, taube_pop3_client_top_async);
      g_task_return_error (task, not_supported_error (self, "TOP"));
      return;
    }
  command = g_strdup_printf ("TOP %u %u", number, lines);
  body_start (self, taube_pop3_client_top_async, command, output, 0, cancellable, callback,
              user_data);
}

/**
 * taube_pop3_client_retrieve_finish:
 * @self: a #TaubePop3Client
 * @result: the result of taube_pop3_client_retrieve_async() or _top_async()
 * @size: (out) (optional): how many bytes were written
 * @error: return location for a #GError
 */
gboolean
taube_pop3_client_retrieve_finish (TaubePop3Client  *self,
                                   GAsyncResult     *result,
                                   guint64          *size,
                                   GError          **error)
{
  g_autofree guint64 *written = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  written = g_task_propagate_pointer (G_TASK (result), error);
  if (written == NULL)
    return FALSE;
  if (size != NULL)
    *size = *written;
  return TRUE;
}

/* -- DELE, NOOP, RSET ----------------------------------------------------------------- */

typedef struct
{
  GArray *numbers;
  guint next;
  GError *first_error;
} Delete;

static void
delete_free (Delete *delete)
{
  g_clear_pointer (&delete->numbers, g_array_unref);
  g_clear_error (&delete->first_error);
  g_free (delete);
}

static void delete_next_window (GTask *task);

static void
taube_pop3_client_delete_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  Delete *delete = g_task_get_task_data (task);
  g_autoptr(GPtrArray) replies = NULL;
  GError *error = NULL;

  replies = _taube_pop3_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  /* A -ERR (already deleted, no such message) does not stop the others. */
  for (guint i = 0; i < replies->len && delete->first_error == NULL; i++)
    {
      TaubePop3Reply *reply = g_ptr_array_index (replies, i);

      if (reply->status != TAUBE_POP3_STATUS_OK)
        delete->first_error = _taube_pop3_client_reply_error (self, reply);
    }
  delete_next_window (task);
}

static void
delete_next_window (GTask *task)
{
  TaubePop3Client *self = g_task_get_source_object (task);
  Delete *delete = g_task_get_task_data (task);
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func (g_free);
  TaubePop3ReplyKind kinds[PIPELINE_WINDOW];
  guint count = MIN (PIPELINE_WINDOW, delete->numbers->len - delete->next);

  if (count == 0)
    {
      if (delete->first_error != NULL)
        _taube_pop3_client_fail (task, g_steal_pointer (&delete->first_error), FALSE);
      else
        {
          _taube_pop3_client_release (self);
          g_task_return_boolean (task, TRUE);
        }
      return;
    }
  for (guint i = 0; i < count; i++)
    {
      kinds[i] = TAUBE_POP3_REPLY_SINGLE;
      g_ptr_array_add (commands, g_strdup_printf ("DELE %u", g_array_index (delete->numbers,
                                                                            guint,
                                                                            delete->next + i)));
    }
  delete->next += count;
  g_ptr_array_add (commands, NULL);
  _taube_pop3_client_exchange_async (self, (const char * const *) commands->pdata, kinds, NULL,
                                     g_task_get_cancellable (task),
                                     taube_pop3_client_delete_cb, g_object_ref (task));
}

/**
 * taube_pop3_client_delete_async:
 * @self: a logged-in #TaubePop3Client
 * @numbers: (array length=n_numbers): message numbers
 * @n_numbers: how many
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when all are marked; finish with taube_pop3_client_command_finish()
 * @user_data: data for @callback
 *
 * Marks messages as deleted (RFC 1939 §5 DELE), pipelined when the server offers it. The
 * server deletes them only at taube_pop3_client_quit_async(); taube_pop3_client_reset_async()
 * unmarks them. If some numbers fail, the others are still marked and the first failure
 * is returned.
 */
void
taube_pop3_client_delete_async (TaubePop3Client     *self,
                                const guint         *numbers,
                                guint                n_numbers,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Delete *delete;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));
  g_return_if_fail (numbers != NULL || n_numbers == 0);

  task = _taube_pop3_client_begin (self, taube_pop3_client_delete_async, TRUE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  delete = g_new0 (Delete, 1);
  delete->numbers = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_numbers);
  g_array_append_vals (delete->numbers, numbers, n_numbers);
  g_task_set_task_data (task, delete, (GDestroyNotify) delete_free);
  delete_next_window (task);
}

static void
taube_pop3_client_simple_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) replies = NULL;
  GError *error = NULL;
  TaubePop3Reply *reply;

  replies = _taube_pop3_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  reply = g_ptr_array_index (replies, 0);
  if (reply->status != TAUBE_POP3_STATUS_OK)
    {
      _taube_pop3_client_fail (task, _taube_pop3_client_reply_error (self, reply), FALSE);
      return;
    }
  _taube_pop3_client_release (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_pop3_client_noop_async:
 * @self: a logged-in #TaubePop3Client
 * @cancellable: (nullable): a #GCancellable
 * @callback: finish with taube_pop3_client_command_finish()
 * @user_data: data for @callback
 *
 * Keeps the session alive (RFC 1939 §5 NOOP).
 */
void
taube_pop3_client_noop_async (TaubePop3Client     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));

  task = _taube_pop3_client_begin (self, taube_pop3_client_noop_async, TRUE, cancellable,
                                   callback, user_data);
  if (task != NULL)
    exchange_one (self, task, "NOOP", TAUBE_POP3_REPLY_SINGLE, taube_pop3_client_simple_cb);
}

/**
 * taube_pop3_client_reset_async:
 * @self: a logged-in #TaubePop3Client
 * @cancellable: (nullable): a #GCancellable
 * @callback: finish with taube_pop3_client_command_finish()
 * @user_data: data for @callback
 *
 * Unmarks every message marked as deleted in this session (RFC 1939 §5 RSET).
 */
void
taube_pop3_client_reset_async (TaubePop3Client     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));

  task = _taube_pop3_client_begin (self, taube_pop3_client_reset_async, TRUE, cancellable,
                                   callback, user_data);
  if (task != NULL)
    exchange_one (self, task, "RSET", TAUBE_POP3_REPLY_SINGLE, taube_pop3_client_simple_cb);
}
