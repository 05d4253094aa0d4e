/* taube-imap-fetch.c — one FETCH response as a TaubeImapFetchedMessage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §7.5.2: "* seq FETCH (name value name value …)". Body sections whose literal
 * was streamed by the parser appear in the tree only with their size; the fetch command
 * hands their bytes (or the stream they went to) in, in the order they came.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "taube-imap-error.h"
#include "taube-imap-fetch-private.h"
#include "taube-imap-parser-private.h"

static void
fetched_section_free (TaubeImapFetchedSection *section)
{
  g_free (section->section);
  g_clear_pointer (&section->data, g_bytes_unref);
  g_clear_object (&section->stream);
  g_free (section);
}

TaubeImapFetchedSection *
_taube_imap_fetched_section_new (const char *section,
                                 guint64     origin,
                                 guint64     size)
{
  TaubeImapFetchedSection *fetched = g_new0 (TaubeImapFetchedSection, 1);

  fetched->section = g_strdup (section);
  fetched->origin = origin;
  fetched->size = size;
  return fetched;
}

void
_taube_imap_fetched_section_free (gpointer section)
{
  if (section != NULL)
    fetched_section_free (section);
}

void
taube_imap_fetched_message_free (TaubeImapFetchedMessage *message)
{
  if (message == NULL)
    return;
  g_strfreev (message->flags);
  g_clear_pointer (&message->internaldate, g_date_time_unref);
  g_clear_pointer (&message->envelope, taube_imap_envelope_free);
  g_clear_pointer (&message->bodystructure, taube_imap_bodystructure_free);
  g_clear_pointer (&message->header_fields, g_bytes_unref);
  g_clear_pointer (&message->sections, g_ptr_array_unref);
  g_free (message);
}

/**
 * taube_imap_fetched_message_get_section:
 * @message: a message
 * @section: the section name as requested, e.g. "1.2" or "" for the whole message
 *
 * Returns: (nullable): the first fetched section of that name
 */
const TaubeImapFetchedSection *
taube_imap_fetched_message_get_section (const TaubeImapFetchedMessage *message,
                                        const char                    *section)
{
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);

  for (guint i = 0; i < message->sections->len; i++)
    {
      const TaubeImapFetchedSection *fetched = g_ptr_array_index (message->sections, i);

      if (g_ascii_strcasecmp (fetched->section, section) == 0)
        return fetched;
    }
  return NULL;
}

/* -- INTERNALDATE ---------------------------------------------------------------------- */

static int
month_number (const char *name)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

  for (int i = 0; i < 12; i++)
    if (g_ascii_strncasecmp (months + 3 * i, name, 3) == 0)
      return i + 1;
  return 0;
}

/**
 * taube_imap_parse_internaldate:
 * @text: an RFC 9051 date-time without its quotes, e.g. "17-Jul-1996 02:44:25 -0700"
 *   (the day may be padded with a space)
 *
 * Returns: (transfer full) (nullable): the time, or %NULL if @text is not a date-time
 */
GDateTime *
taube_imap_parse_internaldate (const char *text)
{
  char month[4] = { 0 };
  char zone[6] = { 0 };
  int day, year, hour, minute, second, consumed = 0;
  int month_no, offset;
  g_autoptr(GTimeZone) tz = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  while (*text == ' ')
    text++;
  if (sscanf (text, "%2d-%3c-%4d %2d:%2d:%2d %5[-+0-9]%n", &day, month, &year, &hour, &minute,
              &second, zone, &consumed) != 7 || text[consumed] != '\0')
    return NULL;
  month_no = month_number (month);
  if (month_no == 0 || strlen (zone) != 5 || (zone[0] != '+' && zone[0] != '-')
      || !_taube_imap_parser_is_digits ((const guint8 *) zone + 1, 4))
    return NULL;
  offset = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 3600
           + ((zone[3] - '0') * 10 + (zone[4] - '0')) * 60;
  tz = g_time_zone_new_offset (zone[0] == '-' ? -offset : offset);
  return g_date_time_new (tz, year, month_no, day, hour, minute, second);
}

/* -- Items ----------------------------------------------------------------------------- */

static gboolean
protocol_error (GError    **error,
                const char *what)
{
  g_set_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
               "The FETCH response has a malformed %s", what);
  return FALSE;
}

static gboolean
parse_flags (TaubeImapFetchedMessage  *message,
             const TaubeImapValue     *value,
             GError                  **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (!taube_imap_value_is_list (value))
    return protocol_error (error, "FLAGS");
  for (guint i = 0; i < taube_imap_value_get_length (value); i++)
    {
      const char *flag = taube_imap_value_get_atom (taube_imap_value_get_item (value, i));

      if (flag == NULL)
        return protocol_error (error, "FLAGS");
      g_strv_builder_add (builder, flag);
    }
  g_strfreev (message->flags);
  message->flags = g_strv_builder_end (builder);
  message->items |= TAUBE_IMAP_FETCH_FLAGS;
  return TRUE;
}

static gboolean
parse_number (const TaubeImapValue  *value,
              guint64               *number,
              guint64                max,
              const char            *what,
              GError               **error)
{
  if (!taube_imap_value_get_number (value, number) || *number > max)
    return protocol_error (error, what);
  return TRUE;
}

static gboolean
parse_simple (TaubeImapFetchedMessage  *message,
              const TaubeImapValue     *key,
              const TaubeImapValue     *value,
              GError                  **error)
{
  guint64 number = 0;

  if (taube_imap_value_is_atom (key, "UID"))
    {
      if (!parse_number (value, &number, G_MAXUINT32, "UID", error))
        return FALSE;
      if (number == 0)
        return protocol_error (error, "UID");
      message->uid = (guint32) number;
    }
  else if (taube_imap_value_is_atom (key, "FLAGS"))
    return parse_flags (message, value, error);
  else if (taube_imap_value_is_atom (key, "RFC822.SIZE"))
    {
      if (!parse_number (value, &message->size, G_MAXUINT64, "RFC822.SIZE", error))
        return FALSE;
      message->items |= TAUBE_IMAP_FETCH_SIZE;
    }
  else if (taube_imap_value_is_atom (key, "MODSEQ"))
    {
      /* RFC 7162 §3.1.4.1: "MODSEQ (" mod-sequence-value ")". */
      if (!taube_imap_value_is_list (value) || taube_imap_value_get_length (value) != 1)
        return protocol_error (error, "MODSEQ");
      if (!parse_number (taube_imap_value_get_item (value, 0), &message->modseq, G_MAXINT64,
                         "MODSEQ", error))
        return FALSE;
      message->items |= TAUBE_IMAP_FETCH_MODSEQ;
    }
  else if (taube_imap_value_is_atom (key, "INTERNALDATE"))
    {
      const char *text = taube_imap_value_get_string (value, NULL);

      g_clear_pointer (&message->internaldate, g_date_time_unref);
      message->internaldate = text != NULL ? taube_imap_parse_internaldate (text) : NULL;
      if (message->internaldate == NULL)
        return protocol_error (error, "INTERNALDATE");
      message->items |= TAUBE_IMAP_FETCH_INTERNALDATE;
    }
  /* Items nobody asked for (RFC 9051 allows the server to add some) are skipped. */
  return TRUE;
}

static gboolean
parse_structure (TaubeImapFetchedMessage  *message,
                 const TaubeImapValue     *key,
                 const TaubeImapValue     *value,
                 GError                  **error)
{
  if (taube_imap_value_is_atom (key, "ENVELOPE"))
    {
      g_clear_pointer (&message->envelope, taube_imap_envelope_free);
      message->envelope = taube_imap_envelope_new_from_value (value, error);
      message->items |= TAUBE_IMAP_FETCH_ENVELOPE;
      return message->envelope != NULL;
    }
  /* BODY without a section is the non-extensible form of BODYSTRUCTURE. */
  g_clear_pointer (&message->bodystructure, taube_imap_bodystructure_free);
  message->bodystructure = taube_imap_bodystructure_new_from_value (value, error);
  message->items |= TAUBE_IMAP_FETCH_BODYSTRUCTURE;
  return message->bodystructure != NULL;
}

static gboolean
is_header_fields (const char *spec)
{
  return g_ascii_strncasecmp (spec, "HEADER.FIELDS", strlen ("HEADER.FIELDS")) == 0;
}

/* A body section: its bytes in the tree (a quoted string, NIL) or streamed (@streamed). */
static gboolean
parse_section (TaubeImapFetchedMessage  *message,
               const TaubeImapValue     *key,
               const TaubeImapValue     *value,
               GQueue                   *streamed,
               GError                  **error)
{
  const char *spec = taube_imap_value_get_section_spec (key);
  g_autoptr(TaubeImapFetchedSection) fetched = NULL;
  guint64 origin = 0;

  taube_imap_value_get_section_origin (key, &origin);
  if (taube_imap_value_get_kind (value) == TAUBE_IMAP_VALUE_LITERAL_STREAMED)
    {
      fetched = streamed != NULL ? g_queue_pop_head (streamed) : NULL;
      if (fetched == NULL)
        fetched = _taube_imap_fetched_section_new (spec, origin,
                                                   taube_imap_value_get_streamed_size (value));
    }
  else
    {
      gsize len = 0;
      const char *data = taube_imap_value_get_nstring (value, &len);

      if (data == NULL && !taube_imap_value_is_nil (value))
        return protocol_error (error, "body section");
      fetched = _taube_imap_fetched_section_new (spec, origin, len);
      fetched->data = data != NULL ? g_bytes_new (data, len) : NULL;
    }
  if (is_header_fields (spec))
    {
      g_clear_pointer (&message->header_fields, g_bytes_unref);
      message->header_fields = fetched->data != NULL ? g_bytes_ref (fetched->data)
                                                     : g_bytes_new (NULL, 0);
      return TRUE;
    }
  g_ptr_array_add (message->sections, g_steal_pointer (&fetched));
  return TRUE;
}

/*
 * Builds the message of a FETCH @response. @streamed (nullable) holds, in order, a
 * TaubeImapFetchedSection for each body literal that was streamed; they are taken.
 */
TaubeImapFetchedMessage *
_taube_imap_fetched_message_parse (TaubeImapResponse  *response,
                                   GQueue             *streamed,
                                   GError            **error)
{
  g_autoptr(TaubeImapFetchedMessage) message = g_new0 (TaubeImapFetchedMessage, 1);
  const TaubeImapValue *items = taube_imap_value_get_item (taube_imap_response_get_data (response), 0);
  guint64 seq = 0;
  guint n;

  if (!taube_imap_response_is_keyword (response, "FETCH")
      || !taube_imap_response_get_number (response, &seq) || seq == 0 || seq > G_MAXUINT32
      || !taube_imap_value_is_list (items) || taube_imap_value_get_length (items) % 2 != 0)
    {
      protocol_error (error, "message data");
      return NULL;
    }
  message->seq = (guint32) seq;
  message->sections = g_ptr_array_new_with_free_func (_taube_imap_fetched_section_free);
  n = taube_imap_value_get_length (items);
  for (guint i = 0; i < n; i += 2)
    {
      const TaubeImapValue *key = taube_imap_value_get_item (items, i);
      const TaubeImapValue *value = taube_imap_value_get_item (items, i + 1);
      gboolean ok;

      if (taube_imap_value_get_section_name (key) != NULL)
        ok = parse_section (message, key, value, streamed, error);
      else if (taube_imap_value_is_atom (key, "ENVELOPE")
               || taube_imap_value_is_atom (key, "BODYSTRUCTURE")
               || taube_imap_value_is_atom (key, "BODY"))
        ok = parse_structure (message, key, value, error);
      else
        ok = parse_simple (message, key, value, error);
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&message);
}

/**
 * taube_imap_fetched_message_new_from_response:
 * @response: an untagged FETCH response
 * @error: return location for a #GError
 *
 * Body sections whose literal was streamed by the parser have their size but no data.
 * A message without UID is valid here (an unsolicited flag change); @uid is then 0.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with
 *   %TAUBE_IMAP_ERROR_PROTOCOL if an item is malformed
 */
TaubeImapFetchedMessage *
taube_imap_fetched_message_new_from_response (TaubeImapResponse  *response,
                                              GError            **error)
{
  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _taube_imap_fetched_message_parse (response, NULL, error);
}
