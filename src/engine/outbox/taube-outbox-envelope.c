/* taube-outbox-envelope.c — from a message to what SMTP needs: recipients, flags, no Bcc
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All parsing and writing goes through GMime. An unchanged message is written back as it
 * was read: GMime keeps the raw text of headers and parts it did not touch, so what leaves
 * is byte for byte what was queued, minus the Bcc field.
 */
#define G_LOG_DOMAIN "taube-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "taube-outbox-private.h"

void
_taube_outbox_envelope_free (TaubeOutboxEnvelope *envelope)
{
  if (envelope == NULL)
    return;
  g_clear_pointer (&envelope->data, g_bytes_unref);
  g_strfreev (envelope->recipients);
  g_free (envelope->subject);
  g_free (envelope);
}

static GMimeMessage *
parse_message (GBytes  *raw,
               GError **error)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  GMimeMessage *message;

  g_mime_init ();
  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (raw, NULL),
                                              g_bytes_get_size (raw));
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  if (message == NULL)
    g_set_error (error, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_INVALID,
                 _("This is not an email message."));
  return message;
}

/* Whether @raw ends its first line with CRLF: a rewritten message keeps the line ends it had. */
static gboolean
uses_crlf (GBytes *raw)
{
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  const char *lf = memchr (data, '\n', len);

  return lf != NULL && lf > data && lf[-1] == '\r';
}

static GBytes *
write_message (GMimeMessage *message,
               GBytes       *original)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  g_autoptr(GMimeFormatOptions) options = g_mime_format_options_new ();
  GByteArray *array;

  g_mime_format_options_set_newline_format (options, uses_crlf (original)
                                                     ? GMIME_NEWLINE_FORMAT_DOS
                                                     : GMIME_NEWLINE_FORMAT_UNIX);
  g_mime_object_write_to_stream (GMIME_OBJECT (message), options, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

static void
add_addresses (GPtrArray           *out,
               InternetAddressList *list)
{
  int n = list != NULL ? internet_address_list_length (list) : 0;

  for (int i = 0; i < n; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        {
          add_addresses (out, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)));
          continue;
        }
      {
        const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));
        gboolean seen = FALSE;

        if (addr == NULL || *addr == '\0')
          continue;
        /* One RCPT per address, even if it is both in To and in Cc. */
        for (guint j = 0; j < out->len && !seen; j++)
          seen = g_ascii_strcasecmp (g_ptr_array_index (out, j), addr) == 0;
        if (!seen)
          g_ptr_array_add (out, g_strdup (addr));
      }
    }
}

static GStrv
collect_recipients (GMimeMessage *message)
{
  GPtrArray *out = g_ptr_array_new ();

  add_addresses (out, g_mime_message_get_to (message));
  add_addresses (out, g_mime_message_get_cc (message));
  add_addresses (out, g_mime_message_get_bcc (message));
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

static gboolean
is_ascii (const guint8 *data,
          gsize         len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] >= 0x80)
      return FALSE;
  return TRUE;
}

/* The header ends at the first empty line (CRLF or bare LF line ends). */
static gsize
header_length (const guint8 *bytes,
               gsize         len)
{
  for (gsize i = 0; i + 1 < len; i++)
    if (bytes[i] == '\n' && (bytes[i + 1] == '\n'
                             || (bytes[i + 1] == '\r' && i + 2 < len && bytes[i + 2] == '\n')))
      return i + 1;
  return len;
}

/* 8-bit bytes in the body need BODY=8BITMIME; in the header, SMTPUTF8 too. */
static TaubeSmtpSendFlags
send_flags (GBytes *data)
{
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  gsize header_len = header_length (bytes, len);
  TaubeSmtpSendFlags flags = TAUBE_SMTP_SEND_NONE;

  if (!is_ascii (bytes, header_len))
    flags |= TAUBE_SMTP_SEND_UTF8 | TAUBE_SMTP_SEND_8BIT;
  if (!is_ascii (bytes + header_len, len - header_len))
    flags |= TAUBE_SMTP_SEND_8BIT;
  return flags;
}

static char *
make_message_id (const char *from_address)
{
  const char *at = from_address != NULL ? strrchr (from_address, '@') : NULL;
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("%s@%s", uuid, at != NULL && at[1] != '\0' ? at + 1 : "taube.invalid");
}

/*
 * _taube_outbox_complete_message:
 * @raw: a message as written
 * @from_address: the account's address, for the Message-ID's domain
 * @subject: (out) (optional): its subject
 * @error: return location for a #GError
 *
 * Checks that @raw is a message with a sender and a recipient, and gives it a Date and a
 * Message-ID if it lacks them, so the copy in Sent and the copy sent are the same.
 *
 * Returns: (transfer full): the message to queue, or %NULL with %TAUBE_OUTBOX_ERROR_INVALID
 */
GBytes *
_taube_outbox_complete_message (GBytes      *raw,
                                const char  *from_address,
                                char       **subject,
                                GError     **error)
{
  g_autoptr(GMimeMessage) message = parse_message (raw, error);
  g_auto(GStrv) recipients = NULL;
  gboolean changed = FALSE;
  InternetAddressList *from;

  if (message == NULL)
    return NULL;
  from = g_mime_message_get_from (message);
  recipients = collect_recipients (message);
  if (from == NULL || internet_address_list_length (from) == 0)
    {
      g_set_error (error, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_INVALID,
                   _("The message has no sender (From)."));
      return NULL;
    }
  if (recipients[0] == NULL)
    {
      g_set_error (error, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_INVALID,
                   _("The message has no recipient (To, Cc or Bcc)."));
      return NULL;
    }
  if (g_mime_message_get_message_id (message) == NULL)
    {
      g_autofree char *id = make_message_id (from_address);

      g_mime_message_set_message_id (message, id);
      changed = TRUE;
    }
  if (g_mime_message_get_date (message) == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      g_mime_message_set_date (message, now);
      changed = TRUE;
    }
  if (subject != NULL)
    *subject = g_strdup (g_mime_message_get_subject (message));
  return changed ? write_message (message, raw) : g_bytes_ref (raw);
}

/*
 * _taube_outbox_envelope_new:
 * @raw: a queued message
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what to send, or %NULL with %TAUBE_OUTBOX_ERROR_INVALID
 */
TaubeOutboxEnvelope *
_taube_outbox_envelope_new (GBytes  *raw,
                            GError **error)
{
  g_autoptr(GMimeMessage) message = parse_message (raw, error);
  g_autoptr(TaubeOutboxEnvelope) envelope = NULL;
  GMimeHeaderList *headers;
  gboolean had_bcc = FALSE;

  if (message == NULL)
    return NULL;
  envelope = g_new0 (TaubeOutboxEnvelope, 1);
  envelope->recipients = collect_recipients (message);
  envelope->subject = g_strdup (g_mime_message_get_subject (message));
  if (envelope->recipients[0] == NULL)
    {
      g_set_error (error, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_INVALID,
                   _("The message has no recipient (To, Cc or Bcc)."));
      return NULL;
    }
  /* Bcc recipients get the message through the envelope only: nobody may see the field. */
  headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  while (g_mime_header_list_remove (headers, "Bcc"))
    had_bcc = TRUE;
  envelope->data = had_bcc ? write_message (message, raw) : g_bytes_ref (raw);
  envelope->flags = send_flags (envelope->data);
  return g_steal_pointer (&envelope);
}
