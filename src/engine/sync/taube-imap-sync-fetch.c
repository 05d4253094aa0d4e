/* taube-imap-sync-fetch.c — FETCH answers to what the store keeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list needs sender, recipients, subject, date and the threading ids: the header
 * fields below, fetched as BODY.PEEK[HEADER.FIELDS (...)], which the store indexes exactly
 * as it would the whole message's header (GMime decodes them). Content-Type is among them
 * so that a multipart/mixed message can be told from a plain one before its body is here.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-sync-private.h"
#include "taube-parsed-message.h"

const char *const _taube_imap_sync_list_headers[] = {
  "Date", "From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References",
  "Content-Type", NULL,
};

/* FLAGS (\\Seen $Forwarded ...) to the store's bits; other keywords into @keywords. */
TaubeMessageFlags
_taube_imap_sync_parse_flags (const TaubeImapValue  *list,
                              GStrv                 *keywords)
{
  g_autoptr(GPtrArray) atoms = g_ptr_array_new ();

  for (guint i = 0; list != NULL && i < taube_imap_value_get_length (list); i++)
    {
      const char *atom = taube_imap_value_get_atom (taube_imap_value_get_item (list, i));

      if (atom != NULL)
        g_ptr_array_add (atoms, (gpointer) atom);
    }
  g_ptr_array_add (atoms, NULL);
  return taube_message_flags_from_imap ((const char *const *) atoms->pdata, keywords);
}

static guint64
fetch_number (TaubeImapResponse *response,
              const char        *name)
{
  const TaubeImapValue *value = taube_imap_response_get_fetch_item (response, name);
  guint64 number = 0;

  if (value != NULL && taube_imap_value_is_list (value))
    value = taube_imap_value_get_item (value, 0);   /* MODSEQ (12345) */
  if (value != NULL)
    taube_imap_value_get_number (value, &number);
  return number;
}

/*
 * _taube_imap_sync_parse_fetch_state:
 * @response: an untagged "* n FETCH (UID u FLAGS (...) ...)"
 * @state: (out): what it says; free its keywords with taube_store_uid_state_clear()
 *
 * Returns: %FALSE if @response is no FETCH with a UID and FLAGS
 */
gboolean
_taube_imap_sync_parse_fetch_state (TaubeImapResponse  *response,
                                    TaubeStoreUidState *state)
{
  const TaubeImapValue *flags = taube_imap_response_get_fetch_item (response, "FLAGS");

  state->uid = (guint32) fetch_number (response, "UID");
  if (state->uid == 0 || flags == NULL)
    return FALSE;
  state->keywords = NULL;
  state->flags = _taube_imap_sync_parse_flags (flags, &state->keywords);
  state->keywords = taube_store_keywords_normalize (state->keywords);
  state->modseq = fetch_number (response, "MODSEQ");
  state->id = 0;
  return TRUE;
}

/* The same rule as the store's body walk (taube-parsed-message.c), on BODYSTRUCTURE:
 * a part marked as attachment, an attached message, or a non-text leaf outside
 * multipart/related; signatures and encrypted bodies do not count. */
static gboolean
has_attachment (const TaubeImapBodystructure *body,
                gboolean                      in_related,
                guint                         depth)
{
  if (body == NULL || depth > 32)
    return FALSE;
  if (taube_imap_bodystructure_is_multipart (body))
    {
      if (g_ascii_strcasecmp (body->subtype, "encrypted") == 0)
        return FALSE;
      in_related = in_related || g_ascii_strcasecmp (body->subtype, "related") == 0;
      for (guint i = 0; body->parts != NULL && i < body->parts->len; i++)
        if (has_attachment (g_ptr_array_index (body->parts, i), in_related, depth + 1))
          return TRUE;
      return FALSE;
    }
  if (taube_parsed_message_is_security_type (body->type, body->subtype))
    return FALSE;
  if (body->disposition != NULL && g_ascii_strcasecmp (body->disposition, "attachment") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (body->type, "message") == 0
      && g_ascii_strcasecmp (body->subtype, "rfc822") == 0)
    return TRUE;
  return !in_related && g_ascii_strcasecmp (body->type, "text") != 0;
}

/*
 * _taube_imap_sync_new_message:
 * @fetched: a message fetched with FLAGS, INTERNALDATE, RFC822.SIZE, BODYSTRUCTURE, the list
 *   headers (and MODSEQ with CONDSTORE)
 *
 * Returns: (transfer full) (nullable): the message for taube_store_add_messages_async(), or
 *   %NULL if the server sent no header for it
 */
TaubeNewMessage *
_taube_imap_sync_new_message (const TaubeImapFetchedMessage *fetched)
{
  TaubeNewMessage *message;

  if (fetched->uid == 0 || fetched->header_fields == NULL)
    return NULL;
  message = taube_new_message_new (fetched->header_fields);
  message->headers_only = TRUE;
  message->uid = fetched->uid;
  message->modseq = fetched->modseq;
  message->flags = taube_message_flags_from_imap ((const char *const *) fetched->flags,
                                                  &message->keywords);
  message->internal_date = fetched->internaldate != NULL
                           ? g_date_time_to_unix (fetched->internaldate) : 0;
  message->size = (gint64) fetched->size;
  message->attachment_known = fetched->bodystructure != NULL;
  message->has_attachment = has_attachment (fetched->bodystructure, FALSE, 0);
  return message;
}
