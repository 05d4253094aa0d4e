/* taube-smtp-client-send.c — one mail transaction: MAIL, RCPT, DATA (RFC 5321 §3.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MAIL FROM and every RCPT TO go out in one write when the server offers PIPELINING
 * (RFC 2920); then DATA, and the message streams from a GInputStream through the
 * dot-stuffer in pieces of CHUNK bytes, so its size does not matter. A message larger
 * than the server's SIZE is refused before anything is sent (RFC 1870).
 *
 * Some recipients refused and some accepted is a success: the message goes to the
 * accepted ones and the result lists everybody with the server's answer. If the
 * transaction fails after MAIL, RSET puts the session back for the next message.
 */
#define G_LOG_DOMAIN "taube-smtp"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "taube-smtp-client-private.h"
#include "taube-smtp-error.h"
#include "taube-smtp-stuffer.h"

#define CHUNK (64 * 1024)

typedef struct
{
  GInputStream *message;
  GPtrArray *recipients;  /* TaubeSmtpRecipient */
  TaubeSmtpStuffer stuffer;
  GError *error;          /* kept while RSET runs */
} Send;

static void
send_free (Send *send)
{
  g_clear_object (&send->message);
  g_clear_pointer (&send->recipients, g_ptr_array_unref);
  g_clear_error (&send->error);
  g_free (send);
}

static gboolean
is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 0x80)
      return FALSE;
  return TRUE;
}

/* An address goes between < and > as it is; anything that could end the command or
 * smuggle in another is refused. */
static gboolean
is_valid_path (const char *address)
{
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == '<' || *p == '>' || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static void
taube_smtp_client_reset_done_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;

  replies = _taube_smtp_client_exchange_finish (self, result, &error);
  _taube_smtp_client_fail (task, g_steal_pointer (&send->error),
                           replies == NULL || ((TaubeSmtpReply *) replies->pdata[0])->code != 250);
}

/* Fails the send with @error (taken) after RSET, so the session can send again. */
static void
fail_and_reset (GTask  *task,
                GError *error)
{
  TaubeSmtpClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  const char *commands[] = { "RSET", NULL };

  send->error = error;
  _taube_smtp_client_exchange_async (self, commands, NULL, g_task_get_cancellable (task),
                                     taube_smtp_client_reset_done_cb, g_object_ref (task));
}

static void
taube_smtp_client_data_end_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  g_autoptr(GPtrArray) replies = NULL;
  GError *error = NULL;
  TaubeSmtpReply *reply;

  replies = _taube_smtp_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_smtp_client_fail (task, error, TRUE);
      return;
    }
  reply = g_ptr_array_index (replies, 0);
  /* RFC 5321 §4.1.1.4: after the final dot the transaction is over either way. */
  if (taube_smtp_reply_get_class (reply) != 2)
    {
      _taube_smtp_client_fail (task, _taube_smtp_client_reply_error (self, reply), FALSE);
      return;
    }
  _taube_smtp_client_release (self);
  g_task_return_pointer (task, g_ptr_array_ref (send->recipients),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void send_next_chunk (GTask *task);

static void
taube_smtp_client_chunk_written_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!taube_connection_write_finish (TAUBE_CONNECTION (object), result, &error))
    {
      _taube_smtp_client_fail (task, error, TRUE);
      return;
    }
  if (g_task_get_task_data (task) != NULL
      && ((Send *) g_task_get_task_data (task))->message == NULL)
    _taube_smtp_client_read_reply_async (self, g_task_get_cancellable (task),
                                         taube_smtp_client_data_end_cb, g_object_ref (task));
  else
    send_next_chunk (task);
}

static void
taube_smtp_client_chunk_read_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) output = NULL;
  GError *error = NULL;
  guint8 *buffer;
  gsize length;
  gsize input_length;
  const guint8 *data;

  input = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (input == NULL)
    {
      /* Half a message was sent; only dropping the connection keeps it from going out. */
      _taube_smtp_client_fail (task, error, TRUE);
      return;
    }
  data = g_bytes_get_data (input, &input_length);
  buffer = g_malloc (2 * input_length + 2 + TAUBE_SMTP_STUFFER_FINISH_SIZE);
  length = taube_smtp_stuffer_feed (&send->stuffer, data, input_length, buffer);
  if (input_length == 0)
    {
      length += taube_smtp_stuffer_finish (&send->stuffer, buffer + length);
      g_clear_object (&send->message);
    }
  output = g_bytes_new_take (buffer, length);
  taube_connection_write_bytes_async (taube_smtp_client_get_connection (self), output,
                                      g_task_get_cancellable (task),
                                      taube_smtp_client_chunk_written_cb, g_object_ref (task));
}

static void
send_next_chunk (GTask *task)
{
  Send *send = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (send->message, CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task),
                                   taube_smtp_client_chunk_read_cb, g_object_ref (task));
}

static void
taube_smtp_client_data_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) replies = NULL;
  GError *error = NULL;
  TaubeSmtpReply *reply;

  replies = _taube_smtp_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_smtp_client_fail (task, error, TRUE);
      return;
    }
  reply = g_ptr_array_index (replies, 0);
  if (reply->code != 354)
    {
      fail_and_reset (task, _taube_smtp_client_reply_error (self, reply));
      return;
    }
  send_next_chunk (task);
}

static GError *
recipients_error (TaubeSmtpClient *self,
                  GPtrArray       *recipients)
{
  g_autoptr(GString) details = g_string_new (NULL);
  gboolean all_transient = TRUE;

  for (guint i = 0; i < recipients->len; i++)
    {
      TaubeSmtpRecipient *recipient = g_ptr_array_index (recipients, i);

      if (details->len > 0)
        g_string_append (details, "; ");
      g_string_append_printf (details, "%s: %s", recipient->address, recipient->text);
      all_transient = all_transient && recipient->code / 100 == 4;
    }
  if (all_transient)
    /* Translators: %s is a server name, then what it said about each recipient. */
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_TRANSIENT,
                        _("The server %s cannot take the message for its recipients right "
                          "now. Try again later. The server said: “%s”"),
                        taube_connection_get_host (taube_smtp_client_get_connection (self)),
                        details->str);
  return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_RECIPIENT_REJECTED,
                      _("The server %s refused every recipient. Check the addresses. The "
                        "server said: “%s”"),
                      taube_connection_get_host (taube_smtp_client_get_connection (self)),
                      details->str);
}

static void
taube_smtp_client_envelope_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  g_autoptr(GPtrArray) replies = NULL;
  GError *error = NULL;
  TaubeSmtpReply *mail;
  guint accepted = 0;
  const char *commands[] = { "DATA", NULL };

  replies = _taube_smtp_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_smtp_client_fail (task, error, TRUE);
      return;
    }
  mail = g_ptr_array_index (replies, 0);
  for (guint i = 1; i < replies->len; i++)
    {
      TaubeSmtpReply *reply = g_ptr_array_index (replies, i);
      TaubeSmtpRecipient *recipient = g_ptr_array_index (send->recipients, i - 1);

      recipient->code = reply->code;
      recipient->text = taube_smtp_reply_get_text (reply);
      recipient->accepted = taube_smtp_reply_get_class (reply) == 2;
      accepted += recipient->accepted;
    }
  if (taube_smtp_reply_get_class (mail) != 2)
    fail_and_reset (task, _taube_smtp_client_reply_error (self, mail));
  else if (accepted == 0)
    fail_and_reset (task, recipients_error (self, send->recipients));
  else
    _taube_smtp_client_exchange_async (self, commands, NULL, g_task_get_cancellable (task),
                                       taube_smtp_client_data_cb, g_object_ref (task));
}

static GError *
check_send (TaubeSmtpClient     *self,
            const char          *from,
            const char * const  *recipients,
            gint64               size,
            TaubeSmtpSendFlags   flags)
{
  const char *host = taube_connection_get_host (taube_smtp_client_get_connection (self));
  guint64 max_size = taube_smtp_client_get_max_size (self);

  if (!is_valid_path (from) || recipients[0] == NULL)
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                _("The sender or recipient address is not valid."));
  for (guint i = 0; recipients[i] != NULL; i++)
    if (!is_valid_path (recipients[i]) || recipients[i][0] == '\0')
      return g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                          /* Translators: %s is a mail address. */
                          _("The recipient address “%s” is not valid."), recipients[i]);
  if (max_size > 0 && size > 0 && (guint64) size > max_size)
    /* Translators: %s is a server name; the sizes are in megabytes. */
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_MESSAGE_TOO_BIG,
                        _("The message is %.1f MB, but the server %s takes at most %.1f MB. "
                          "Remove attachments or share them another way."),
                        size / 1048576.0, host, max_size / 1048576.0);
  if ((flags & TAUBE_SMTP_SEND_UTF8) && taube_smtp_client_get_extension (self, "SMTPUTF8") == NULL)
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_NOT_SUPPORTED,
                        _("The server %s cannot send to or from addresses with non-ASCII "
                          "characters."), host);
  if ((flags & TAUBE_SMTP_SEND_8BIT) && taube_smtp_client_get_extension (self, "8BITMIME") == NULL)
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_NOT_SUPPORTED,
                        _("The server %s cannot send 8-bit messages; the message needs to be "
                          "encoded first."), host);
  return NULL;
}

static char *
mail_command (TaubeSmtpClient    *self,
              const char         *from,
              gint64              size,
              TaubeSmtpSendFlags  flags)
{
  GString *command = g_string_new (NULL);

  g_string_printf (command, "MAIL FROM:<%s>", from);
  if (size >= 0 && taube_smtp_client_get_extension (self, "SIZE") != NULL)
    g_string_append_printf (command, " SIZE=%" G_GINT64_FORMAT, size);
  if ((flags & (TAUBE_SMTP_SEND_8BIT | TAUBE_SMTP_SEND_UTF8))
      && taube_smtp_client_get_extension (self, "8BITMIME") != NULL)
    g_string_append (command, " BODY=8BITMIME");
  if (flags & TAUBE_SMTP_SEND_UTF8)
    g_string_append (command, " SMTPUTF8");
  return g_string_free (command, FALSE);
}

/**
 * taube_smtp_client_send_async:
 * @self: a connected (and, where needed, logged-in) #TaubeSmtpClient
 * @from: the envelope sender, a bare address
 * @recipients: (array zero-terminated=1): the envelope recipients, bare addresses
 * @message: the message, header and body, ideally with CRLF line ends
 * @size: its size in bytes for SIZE (RFC 1870), or -1 if unknown
 * @flags: what the message needs from the server; SMTPUTF8 is added for non-ASCII
 *   addresses
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server took the message, or did not
 * @user_data: data for @callback
 *
 * Sends one message. Succeeds if at least one recipient was accepted; check each entry of
 * the result. A failure is %TAUBE_SMTP_ERROR_TRANSIENT when retrying later may work.
 */
void
taube_smtp_client_send_async (TaubeSmtpClient     *self,
                              const char          *from,
                              const char * const  *recipients,
                              GInputStream        *message,
                              gint64               size,
                              TaubeSmtpSendFlags   flags,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func (g_free);
  GError *error;
  Send *send;

  g_return_if_fail (TAUBE_IS_SMTP_CLIENT (self));
  g_return_if_fail (from != NULL);
  g_return_if_fail (recipients != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (message));

  task = _taube_smtp_client_begin (self, taube_smtp_client_send_async, cancellable, callback,
                                   user_data);
  if (task == NULL)
    return;
  if (!is_ascii (from))
    flags |= TAUBE_SMTP_SEND_UTF8;
  for (guint i = 0; recipients[i] != NULL; i++)
    if (!is_ascii (recipients[i]))
      flags |= TAUBE_SMTP_SEND_UTF8;
  error = check_send (self, from, recipients, size, flags);
  if (error != NULL)
    {
      _taube_smtp_client_fail (task, error, FALSE);
      return;
    }

  send = g_new0 (Send, 1);
  send->message = g_object_ref (message);
  send->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_smtp_recipient_free);
  taube_smtp_stuffer_init (&send->stuffer);
  g_task_set_task_data (task, send, (GDestroyNotify) send_free);

  g_ptr_array_add (commands, mail_command (self, from, size, flags));
  for (guint i = 0; recipients[i] != NULL; i++)
    {
      TaubeSmtpRecipient *recipient = g_new0 (TaubeSmtpRecipient, 1);

      recipient->address = g_strdup (recipients[i]);
      g_ptr_array_add (send->recipients, recipient);
      g_ptr_array_add (commands, g_strdup_printf ("RCPT TO:<%s>", recipients[i]));
    }
  g_ptr_array_add (commands, NULL);
  _taube_smtp_client_exchange_async (self, (const char * const *) commands->pdata, NULL,
                                     cancellable, taube_smtp_client_envelope_cb,
                                     g_steal_pointer (&task));
}

/**
 * taube_smtp_client_send_finish:
 * @self: a #TaubeSmtpClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type TaubeSmtpRecipient): every recipient with
 *   whether the server accepted it and what it said
 */
GPtrArray *
taube_smtp_client_send_finish (TaubeSmtpClient  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
