/* taube-imap-address.c — one address of an ENVELOPE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §7.5.2 (ENVELOPE): an address is (name adl mailbox host).  A NIL host marks
 * RFC 5322 group syntax: with a mailbox it opens a group named by the mailbox, without
 * one it closes the group.  The markers are folded into each member's @group.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-address.h"

#include "taube-imap-error.h"

/**
 * taube_imap_address_free:
 * @address: (nullable): an address
 */
void
taube_imap_address_free (TaubeImapAddress *address)
{
  if (address == NULL)
    return;
  g_free (address->name);
  g_free (address->route);
  g_free (address->mailbox);
  g_free (address->host);
  g_free (address->group);
  g_free (address);
}

/**
 * taube_imap_address_get_email:
 * @address: an address
 *
 * Returns: (transfer full) (nullable): "mailbox@host", the mailbox alone if there is no
 *   host, or %NULL if there is neither
 */
char *
taube_imap_address_get_email (const TaubeImapAddress *address)
{
  g_return_val_if_fail (address != NULL, NULL);

  if (address->mailbox == NULL)
    return g_strdup (address->host);
  if (address->host == NULL)
    return g_strdup (address->mailbox);
  return g_strdup_printf ("%s@%s", address->mailbox, address->host);
}

/* Servers send "" where NIL is meant; both mean "absent" for an address field. */
static char *
dup_field (const TaubeImapValue *value)
{
  gsize len = 0;
  const char *text = taube_imap_value_get_nstring (value, &len);

  return text != NULL && len > 0 ? g_strndup (text, len) : NULL;
}

static TaubeImapAddress *
address_new_from_value (const TaubeImapValue *value)
{
  TaubeImapAddress *address = g_new0 (TaubeImapAddress, 1);

  address->name = dup_field (taube_imap_value_get_item (value, 0));
  address->route = dup_field (taube_imap_value_get_item (value, 1));
  address->mailbox = dup_field (taube_imap_value_get_item (value, 2));
  address->host = dup_field (taube_imap_value_get_item (value, 3));
  return address;
}

/* Handles one item of the list; returns FALSE for group markers, which are not kept. */
static gboolean
take_address (const TaubeImapValue  *item,
              char                 **group,
              TaubeImapAddress     **out)
{
  g_autoptr(TaubeImapAddress) address = address_new_from_value (item);

  *out = NULL;
  if (taube_imap_value_is_nil (taube_imap_value_get_item (item, 3)))
    {
      g_free (*group);
      *group = g_steal_pointer (&address->mailbox);
      return FALSE;
    }
  address->group = g_strdup (*group);
  *out = g_steal_pointer (&address);
  return TRUE;
}

/**
 * taube_imap_address_list_new_from_value:
 * @value: (nullable): an ENVELOPE address list: a list of addresses, or NIL
 * @error: return location for a #GError
 *
 * Items that are not 4-item lists are skipped, as some servers send broken ones.
 *
 * Returns: (transfer full) (element-type TaubeImapAddress): the addresses, empty for
 *   NIL or a missing list, or %NULL with %TAUBE_IMAP_ERROR_PROTOCOL if @value is neither
 *   a list nor NIL
 */
GPtrArray *
taube_imap_address_list_new_from_value (const TaubeImapValue  *value,
                                        GError               **error)
{
  g_autoptr(GPtrArray) addresses = NULL;
  g_autofree char *group = NULL;
  gsize len = 0;

  addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_address_free);
  /* Some servers write an empty address list as "" rather than NIL. */
  if (value == NULL || taube_imap_value_is_nil (value) ||
      (taube_imap_value_get_string (value, &len) != NULL && len == 0))
    return g_steal_pointer (&addresses);
  if (!taube_imap_value_is_list (value))
    {
      g_set_error_literal (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
                           "Malformed IMAP ENVELOPE: an address list is neither a list nor NIL");
      return NULL;
    }

  for (guint i = 0; i < taube_imap_value_get_length (value); i++)
    {
      const TaubeImapValue *item = taube_imap_value_get_item (value, i);
      TaubeImapAddress *address;

      if (!taube_imap_value_is_list (item) || taube_imap_value_get_length (item) < 4)
        {
          g_debug ("Skipping a malformed ENVELOPE address");
          continue;
        }
      if (take_address (item, &group, &address))
        g_ptr_array_add (addresses, address);
    }
  return g_steal_pointer (&addresses);
}
