/* taube-imap-envelope.c — the ENVELOPE FETCH item as a struct
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §7.5.2: ENVELOPE is a list of ten fields, date, subject, from, sender,
 * reply-to, to, cc, bcc, in-reply-to and message-id.  Servers differ in small ways
 * (NIL or "" for empty fields, atoms where strings belong, extra fields), so only a
 * value that is not a list of at least ten items is rejected.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-envelope.h"

#include "taube-imap-error.h"

enum
{
  FIELD_DATE,
  FIELD_SUBJECT,
  FIELD_FROM,
  FIELD_SENDER,
  FIELD_REPLY_TO,
  FIELD_TO,
  FIELD_CC,
  FIELD_BCC,
  FIELD_IN_REPLY_TO,
  FIELD_MESSAGE_ID,
  N_FIELDS
};

/**
 * taube_imap_envelope_free:
 * @envelope: (nullable): an envelope
 */
void
taube_imap_envelope_free (TaubeImapEnvelope *envelope)
{
  if (envelope == NULL)
    return;
  g_free (envelope->date);
  g_free (envelope->subject);
  g_clear_pointer (&envelope->from, g_ptr_array_unref);
  g_clear_pointer (&envelope->sender, g_ptr_array_unref);
  g_clear_pointer (&envelope->reply_to, g_ptr_array_unref);
  g_clear_pointer (&envelope->to, g_ptr_array_unref);
  g_clear_pointer (&envelope->cc, g_ptr_array_unref);
  g_clear_pointer (&envelope->bcc, g_ptr_array_unref);
  g_free (envelope->in_reply_to);
  g_free (envelope->message_id);
  g_free (envelope);
}

static char *
dup_nstring (const TaubeImapValue *value)
{
  gsize len = 0;
  const char *text = taube_imap_value_get_nstring (value, &len);

  return text != NULL ? g_strndup (text, len) : NULL;
}

static gboolean
take_addresses (const TaubeImapValue  *value,
                guint                  field,
                GPtrArray            **out,
                GError               **error)
{
  *out = taube_imap_address_list_new_from_value (taube_imap_value_get_item (value, field),
                                                 error);
  return *out != NULL;
}

/**
 * taube_imap_envelope_new_from_value:
 * @value: the value of an ENVELOPE FETCH item
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the envelope, or %NULL with
 *   %TAUBE_IMAP_ERROR_PROTOCOL if @value is not an envelope
 */
TaubeImapEnvelope *
taube_imap_envelope_new_from_value (const TaubeImapValue  *value,
                                    GError               **error)
{
  g_autoptr(TaubeImapEnvelope) envelope = NULL;

  if (!taube_imap_value_is_list (value) || taube_imap_value_get_length (value) < N_FIELDS)
    {
      g_set_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
                   "Malformed IMAP ENVELOPE: expected a list of %d fields, got %u", N_FIELDS,
                   taube_imap_value_get_length (value));
      return NULL;
    }

  envelope = g_new0 (TaubeImapEnvelope, 1);
  envelope->date = dup_nstring (taube_imap_value_get_item (value, FIELD_DATE));
  envelope->subject = dup_nstring (taube_imap_value_get_item (value, FIELD_SUBJECT));
  envelope->in_reply_to = dup_nstring (taube_imap_value_get_item (value, FIELD_IN_REPLY_TO));
  envelope->message_id = dup_nstring (taube_imap_value_get_item (value, FIELD_MESSAGE_ID));
  if (!take_addresses (value, FIELD_FROM, &envelope->from, error) ||
      !take_addresses (value, FIELD_SENDER, &envelope->sender, error) ||
      !take_addresses (value, FIELD_REPLY_TO, &envelope->reply_to, error) ||
      !take_addresses (value, FIELD_TO, &envelope->to, error) ||
      !take_addresses (value, FIELD_CC, &envelope->cc, error) ||
      !take_addresses (value, FIELD_BCC, &envelope->bcc, error))
    return NULL;
  return g_steal_pointer (&envelope);
}
