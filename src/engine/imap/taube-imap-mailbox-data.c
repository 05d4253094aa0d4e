/* taube-imap-mailbox-data.c — LIST, STATUS, VANISHED and flag-change responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Interpreters of parsed untagged responses about mailboxes. Names arrive in modified
 * UTF-7 (RFC 9051 §5.1.3) unless UTF8=ACCEPT is enabled (RFC 6855 §3); a name that does
 * not decode is kept as the server sent it, so that it can still be used.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-client.h"
#include "taube-imap-error.h"
#include "taube-imap-mailbox-data.h"
#include "taube-utf7.h"

/**
 * taube_imap_mailbox_decode:
 * @wire: a mailbox name as the server sent it
 * @utf8: whether UTF8=ACCEPT is enabled
 *
 * Returns: (transfer full): the name in UTF-8
 */
char *
taube_imap_mailbox_decode (const char *wire,
                           gboolean    utf8)
{
  char *name;

  if (utf8 && g_utf8_validate (wire, -1, NULL))
    return g_strdup (wire);
  name = taube_utf7_decode (wire, NULL);
  return name != NULL ? name : g_strdup (wire);
}

void
taube_imap_mailbox_status_free (TaubeImapMailboxStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->mailbox);
  g_free (status);
}

static gboolean
status_item (TaubeImapMailboxStatus *status,
             const char             *name,
             guint64                 number)
{
  static const struct {
    const char *name;
    TaubeImapStatusItems item;
  } items[] = {
    { "MESSAGES", TAUBE_IMAP_STATUS_ITEM_MESSAGES },
    { "UNSEEN", TAUBE_IMAP_STATUS_ITEM_UNSEEN },
    { "UIDNEXT", TAUBE_IMAP_STATUS_ITEM_UIDNEXT },
    { "UIDVALIDITY", TAUBE_IMAP_STATUS_ITEM_UIDVALIDITY },
    { "HIGHESTMODSEQ", TAUBE_IMAP_STATUS_ITEM_HIGHESTMODSEQ },
  };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      if (g_ascii_strcasecmp (name, items[i].name) != 0)
        continue;
      /* All but HIGHESTMODSEQ are 32-bit numbers (RFC 9051 §9 number, nz-number). */
      if (items[i].item != TAUBE_IMAP_STATUS_ITEM_HIGHESTMODSEQ && number > G_MAXUINT32)
        return FALSE;
      status->items |= items[i].item;
      switch (items[i].item)
        {
        case TAUBE_IMAP_STATUS_ITEM_MESSAGES:
          status->messages = (guint32) number;
          break;
        case TAUBE_IMAP_STATUS_ITEM_UNSEEN:
          status->unseen = (guint32) number;
          break;
        case TAUBE_IMAP_STATUS_ITEM_UIDNEXT:
          status->uidnext = (guint32) number;
          break;
        case TAUBE_IMAP_STATUS_ITEM_UIDVALIDITY:
          status->uidvalidity = (guint32) number;
          break;
        case TAUBE_IMAP_STATUS_ITEM_HIGHESTMODSEQ:
        default:
          status->highestmodseq = number;
          break;
        }
    }
  /* Items this client did not ask for (RECENT, SIZE, DELETED …) are skipped. */
  return TRUE;
}

/**
 * taube_imap_mailbox_status_parse:
 * @response: a "* STATUS mailbox (item number ...)" response (RFC 9051 §7.3.4)
 * @utf8: whether UTF8=ACCEPT is enabled
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the numbers, or %NULL on error
 */
TaubeImapMailboxStatus *
taube_imap_mailbox_status_parse (const TaubeImapResponse  *response,
                                 gboolean                  utf8,
                                 GError                  **error)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  const char *name = taube_imap_value_get_astring (taube_imap_value_get_item (data, 0), NULL);
  const TaubeImapValue *items = taube_imap_value_get_item (data, 1);
  g_autoptr(TaubeImapMailboxStatus) status = NULL;
  guint n = taube_imap_value_get_length (items);

  if (!taube_imap_response_is_keyword (response, "STATUS") || name == NULL
      || !taube_imap_value_is_list (items) || n % 2 != 0)
    return _taube_imap_malformed_error (error, "STATUS");
  status = g_new0 (TaubeImapMailboxStatus, 1);
  status->mailbox = taube_imap_mailbox_decode (name, utf8);
  for (guint i = 0; i < n; i += 2)
    {
      const char *item = taube_imap_value_get_atom (taube_imap_value_get_item (items, i));
      guint64 number;

      if (item == NULL
          || !taube_imap_value_get_number (taube_imap_value_get_item (items, i + 1), &number)
          || !status_item (status, item, number))
        return _taube_imap_malformed_error (error, "STATUS");
    }
  return g_steal_pointer (&status);
}

/**
 * taube_imap_list_parse:
 * @response: a "* LIST (attributes) delimiter name [extended data]" response
 *   (RFC 9051 §7.3.1, RFC 5258 §3.5)
 * @utf8: whether UTF8=ACCEPT is enabled
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the mailbox, or %NULL on error
 */
TaubeImapMailboxInfo *
taube_imap_list_parse (const TaubeImapResponse  *response,
                       gboolean                  utf8,
                       GError                  **error)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  const TaubeImapValue *attributes = taube_imap_value_get_item (data, 0);
  const TaubeImapValue *delimiter = taube_imap_value_get_item (data, 1);
  const char *separator = taube_imap_value_get_string (delimiter, NULL);
  const char *name = taube_imap_value_get_astring (taube_imap_value_get_item (data, 2), NULL);
  g_autoptr(GStrvBuilder) flags = g_strv_builder_new ();
  TaubeImapMailboxInfo *info;

  if (!(taube_imap_response_is_keyword (response, "LIST")
        || taube_imap_response_is_keyword (response, "LSUB"))
      || !taube_imap_value_is_list (attributes) || name == NULL
      || (separator == NULL && !taube_imap_value_is_nil (delimiter)))
    return _taube_imap_malformed_error (error, "LIST");
  for (guint i = 0; i < taube_imap_value_get_length (attributes); i++)
    {
      const char *atom = taube_imap_value_get_atom (taube_imap_value_get_item (attributes, i));

      if (atom == NULL)
        return _taube_imap_malformed_error (error, "LIST");
      g_strv_builder_add (flags, atom);
    }
  info = g_new0 (TaubeImapMailboxInfo, 1);
  info->delimiter = separator != NULL ? separator[0] : '\0';
  info->flags = g_strv_builder_end (flags);
  info->name = taube_imap_mailbox_decode (name, utf8);
  return info;
}

/**
 * taube_imap_vanished_parse:
 * @response: a "* VANISHED [(EARLIER)] uid-set" response (RFC 7162 §3.2.10)
 * @earlier: (out) (optional): whether it reports expunges from before this session
 *   (EARLIER) rather than ones happening now
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the UIDs, or %NULL on error
 */
TaubeImapSequenceSet *
taube_imap_vanished_parse (const TaubeImapResponse  *response,
                           gboolean                 *earlier,
                           GError                  **error)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  const TaubeImapValue *first = taube_imap_value_get_item (data, 0);
  guint at = 0;
  TaubeImapSequenceSet *uids;

  if (earlier != NULL)
    *earlier = FALSE;
  if (!taube_imap_response_is_keyword (response, "VANISHED"))
    return _taube_imap_malformed_error (error, "VANISHED");
  if (taube_imap_value_is_list (first))
    {
      if (taube_imap_value_get_length (first) != 1
          || !taube_imap_value_is_atom (taube_imap_value_get_item (first, 0), "EARLIER"))
        return _taube_imap_malformed_error (error, "VANISHED");
      if (earlier != NULL)
        *earlier = TRUE;
      at = 1;
    }
  if (taube_imap_value_get_length (data) != at + 1)
    return _taube_imap_malformed_error (error, "VANISHED");
  uids = taube_imap_sequence_set_new_from_value (taube_imap_value_get_item (data, at), NULL);
  if (uids == NULL || taube_imap_sequence_set_contains (uids, TAUBE_IMAP_SEQUENCE_STAR))
    {
      /* "*" has no place in a list of UIDs that are gone. */
      g_clear_pointer (&uids, taube_imap_sequence_set_free);
      return _taube_imap_malformed_error (error, "VANISHED");
    }
  return uids;
}

void
taube_imap_flag_change_free (TaubeImapFlagChange *change)
{
  if (change == NULL)
    return;
  g_strfreev (change->flags);
  g_free (change);
}

/**
 * taube_imap_flag_change_parse:
 * @response: an untagged FETCH response
 *
 * Returns: (transfer full) (nullable): the flags it reports (RFC 9051 §7.5.2, with UID
 *   and MODSEQ when present, RFC 7162 §3.2.4), or %NULL if it carries no FLAGS
 */
TaubeImapFlagChange *
taube_imap_flag_change_parse (const TaubeImapResponse *response)
{
  const TaubeImapValue *flags = taube_imap_response_get_fetch_item (response, "FLAGS");
  const TaubeImapValue *modseq = taube_imap_response_get_fetch_item (response, "MODSEQ");
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  TaubeImapFlagChange *change;
  guint64 number = 0;

  if (!taube_imap_value_is_list (flags))
    return NULL;
  for (guint i = 0; i < taube_imap_value_get_length (flags); i++)
    {
      const char *atom = taube_imap_value_get_atom (taube_imap_value_get_item (flags, i));

      if (atom != NULL)
        g_strv_builder_add (names, atom);
    }
  change = g_new0 (TaubeImapFlagChange, 1);
  taube_imap_response_get_number (response, &number);
  change->seq = (guint32) MIN (number, G_MAXUINT32);
  number = 0;
  taube_imap_value_get_number (taube_imap_response_get_fetch_item (response, "UID"), &number);
  change->uid = (guint32) MIN (number, G_MAXUINT32);
  /* MODSEQ is a list of one number: MODSEQ (12345). */
  taube_imap_value_get_number (taube_imap_value_get_item (modseq, 0), &change->modseq);
  change->flags = g_strv_builder_end (names);
  return change;
}
