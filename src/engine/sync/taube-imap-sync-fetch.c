/* taube-imap-sync-fetch.c — FETCH responses to what the store keeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list needs sender, recipients, subject, date and the threading ids. They come from
 * ENVELOPE (RFC 9051 §7.5.2), which the client parses into its value tree: body sections
 * such as BODY[HEADER.FIELDS (...)] are streamed literals that the generic command does not
 * collect. The store indexes a message from its header, so the envelope is written back as
 * a small header; its strings are kept as the server sent them (still RFC 2047-encoded), so
 * GMime decodes them exactly as it would the original header. What ENVELOPE lacks
 * (References, the attachment flag) arrives with the body.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "taube-imap-envelope.h"
#include "taube-imap-sync-private.h"

static const char *const months[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* RFC 9051 §9 date-time: "17-Jul-1996 02:44:25 -0700" (the day may be space-padded). */
gint64
_taube_imap_sync_parse_internaldate (const char *text)
{
  char month[4] = { 0 };
  int day, year, hour, minute, second, zone;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *offset = NULL;

  if (text == NULL
      || sscanf (text, " %d-%3s-%d %d:%d:%d %d", &day, month, &year, &hour, &minute, &second,
                 &zone) != 7)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_ascii_strcasecmp (month, months[i]) == 0)
      {
        offset = g_strdup_printf ("%c%02d:%02d", zone < 0 ? '-' : '+', ABS (zone) / 100,
                                  ABS (zone) % 100);
        tz = g_time_zone_new_identifier (offset);
        if (tz == NULL)
          return 0;
        date = g_date_time_new (tz, year, i + 1, day, hour, minute, second);
        return date != NULL ? g_date_time_to_unix (date) : 0;
      }
  return 0;
}

/* FLAGS (\Seen $Forwarded ...) to the store's bits; other keywords into @keywords. */
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
 * @state: (out): what it says
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
  state->flags = _taube_imap_sync_parse_flags (flags, NULL);
  state->modseq = fetch_number (response, "MODSEQ");
  state->id = 0;
  return TRUE;
}

static void
append_addresses (GString    *header,
                  const char *name,
                  GPtrArray  *addresses)
{
  gboolean first = TRUE;

  if (addresses == NULL || addresses->len == 0)
    return;
  g_string_append_printf (header, "%s: ", name);
  for (guint i = 0; i < addresses->len; i++)
    {
      TaubeImapAddress *address = g_ptr_array_index (addresses, i);
      g_autofree char *email = NULL;

      /* Group markers (RFC 9051 §7.5.2) carry no mailbox to list. */
      if (address->host == NULL)
        continue;
      email = taube_imap_address_get_email (address);
      g_string_append (header, first ? "" : ", ");
      first = FALSE;
      if (address->name != NULL && address->name[0] != '\0')
        {
          /* An encoded word must stand alone (RFC 2047 §5), so it is not quoted. */
          if (strstr (address->name, "=?") != NULL)
            g_string_append_printf (header, "%s <%s>", address->name, email);
          else
            {
              g_autofree char *quoted = g_strescape (address->name, NULL);

              g_string_append_printf (header, "\"%s\" <%s>", quoted, email);
            }
        }
      else
        g_string_append (header, email);
    }
  g_string_append (header, "\r\n");
}

/* Header values from the server go into a header: a line break would start a new field. */
static void
append_field (GString    *header,
              const char *name,
              const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (header, "%s: ", name);
  for (const char *p = value; *p != '\0'; p++)
    g_string_append_c (header, *p == '\r' || *p == '\n' ? ' ' : *p);
  g_string_append (header, "\r\n");
}

static GBytes *
header_from_envelope (const TaubeImapEnvelope *envelope)
{
  GString *header = g_string_sized_new (512);

  append_field (header, "Date", envelope->date);
  append_addresses (header, "From", envelope->from);
  append_addresses (header, "To", envelope->to);
  append_addresses (header, "Cc", envelope->cc);
  append_field (header, "Subject", envelope->subject);
  append_field (header, "Message-ID", envelope->message_id);
  append_field (header, "In-Reply-To", envelope->in_reply_to);
  g_string_append (header, "\r\n");
  return g_string_free_to_bytes (header);
}

/*
 * _taube_imap_sync_parse_fetch_message:
 * @response: an untagged FETCH with UID, FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE
 *   (and MODSEQ with CONDSTORE)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the message for taube_store_add_messages_async(), or
 *   %NULL if @response lacks those items (a flag change reported meanwhile), with @error set
 *   only if the envelope is malformed
 */
TaubeNewMessage *
_taube_imap_sync_parse_fetch_message (TaubeImapResponse  *response,
                                      GError            **error)
{
  const TaubeImapValue *envelope_value = taube_imap_response_get_fetch_item (response,
                                                                             "ENVELOPE");
  const TaubeImapValue *flags = taube_imap_response_get_fetch_item (response, "FLAGS");
  const TaubeImapValue *date = taube_imap_response_get_fetch_item (response, "INTERNALDATE");
  g_autoptr(TaubeImapEnvelope) envelope = NULL;
  g_autoptr(TaubeNewMessage) message = NULL;
  g_autoptr(GBytes) header = NULL;
  guint32 uid = (guint32) fetch_number (response, "UID");

  if (uid == 0 || envelope_value == NULL)
    return NULL;
  envelope = taube_imap_envelope_new_from_value (envelope_value, error);
  if (envelope == NULL)
    return NULL;
  header = header_from_envelope (envelope);
  message = taube_new_message_new (header);
  message->headers_only = TRUE;
  message->uid = uid;
  message->modseq = fetch_number (response, "MODSEQ");
  message->flags = _taube_imap_sync_parse_flags (flags, &message->keywords);
  message->internal_date = _taube_imap_sync_parse_internaldate (
    date != NULL ? taube_imap_value_get_string (date, NULL) : NULL);
  message->size = (gint64) fetch_number (response, "RFC822.SIZE");
  return g_steal_pointer (&message);
}
