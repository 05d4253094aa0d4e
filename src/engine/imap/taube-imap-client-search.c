/* taube-imap-client-search.c — UID SEARCH, with ESEARCH when the server offers it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §6.4.4 and RFC 4731: with ESEARCH (or IMAP4rev2) the answer is one compact
 * sequence set ("* ESEARCH (TAG "A5") UID ALL 1:4000,4002"); the old answer lists every
 * UID ("* SEARCH 1 2 3 …"). Either way the caller gets a TaubeImapSequenceSet.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <string.h>

#include "taube-imap-client-private.h"
#include "taube-imap-error.h"

typedef struct
{
  TaubeImapSequenceSet *uids;
} Search;

static void
search_free (Search *search)
{
  g_clear_pointer (&search->uids, taube_imap_sequence_set_free);
  g_free (search);
}

/* "* SEARCH 2 5 6 (MODSEQ 917162500)": numbers, and with CONDSTORE a trailing list. */
static gboolean
parse_search (Search               *search,
              const TaubeImapValue *data)
{
  guint n = taube_imap_value_get_length (data);

  for (guint i = 0; i < n; i++)
    {
      const TaubeImapValue *item = taube_imap_value_get_item (data, i);
      guint64 uid;

      if (taube_imap_value_is_list (item) && i == n - 1)
        break;  /* RFC 7162 §3.1.5: the highest MODSEQ of the matches */
      if (!taube_imap_value_get_number (item, &uid) || uid == 0 || uid > G_MAXUINT32)
        return FALSE;
      taube_imap_sequence_set_add_range (search->uids, (guint32) uid, (guint32) uid);
    }
  return TRUE;
}

/* RFC 4731 §3.1: "* ESEARCH [(TAG "x")] [UID] *(name value)". */
static gboolean
parse_esearch (Search               *search,
               const TaubeImapValue *data)
{
  guint n = taube_imap_value_get_length (data);
  guint i = 0;

  if (i < n && taube_imap_value_is_list (taube_imap_value_get_item (data, i)))
    i++;
  if (i < n && taube_imap_value_is_atom (taube_imap_value_get_item (data, i), "UID"))
    i++;
  for (; i + 1 < n; i += 2)
    if (taube_imap_value_is_atom (taube_imap_value_get_item (data, i), "ALL"))
      {
        g_autoptr(TaubeImapSequenceSet) all = NULL;
        guint ranges;

        all = taube_imap_sequence_set_new_from_value (taube_imap_value_get_item (data, i + 1),
                                                      NULL);
        if (all == NULL)
          return FALSE;
        ranges = taube_imap_sequence_set_get_n_ranges (all);
        for (guint r = 0; r < ranges; r++)
          {
            guint32 first, last;

            taube_imap_sequence_set_get_range (all, r, &first, &last);
            taube_imap_sequence_set_add_range (search->uids, first, last);
          }
      }
  return i == n;
}

static gboolean
search_untagged (TaubeImapClient   *self,
                 TaubeImapResponse *response,
                 gpointer           data)
{
  Search *search = data;
  const TaubeImapValue *values = taube_imap_response_get_data (response);
  gboolean ok;

  if (taube_imap_response_is_keyword (response, "SEARCH"))
    ok = parse_search (search, values);
  else if (taube_imap_response_is_keyword (response, "ESEARCH"))
    ok = parse_esearch (search, values);
  else
    return FALSE;
  if (!ok)
    _taube_imap_client_exchange_error (self, _taube_imap_client_protocol_error (
      self, "malformed SEARCH or ESEARCH response"));
  return TRUE;
}

static const TaubeImapExchangeHandler search_handler = {
  .untagged = search_untagged,
};

static void
taube_imap_client_search_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) response = _taube_imap_client_finish_ok (task, result);
  Search *search = g_task_get_task_data (task);

  if (response == NULL)
    return;
  _taube_imap_client_release (TAUBE_IMAP_CLIENT (object));
  g_task_return_pointer (task, g_steal_pointer (&search->uids),
                         (GDestroyNotify) taube_imap_sequence_set_free);
}

/**
 * taube_imap_client_search_async:
 * @self: a #TaubeImapClient with a mailbox selected
 * @criteria: IMAP search keys (RFC 9051 §6.4.4) as they go on the line, e.g. "UNSEEN" or
 *   `SINCE 1-Feb-2024 FROM "anna"`; quote strings yourself, 7-bit only
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the matching UIDs
 * @user_data: data for @callback
 *
 * Sends UID SEARCH, as RETURN (ALL) when the server offers ESEARCH (RFC 4731) so that the
 * answer comes as ranges. Criteria the server does not understand fail with
 * %TAUBE_IMAP_ERROR_SERVER_BAD and leave the session usable.
 */
void
taube_imap_client_search_async (TaubeImapClient     *self,
                                const char          *criteria,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;
  gboolean esearch;
  Search *search;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (criteria != NULL && criteria[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = _taube_imap_client_begin (self, taube_imap_client_search_async, TRUE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  if (strpbrk (criteria, "\r\n") != NULL)
    {
      _taube_imap_client_refuse (task, g_error_new_literal (
        G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Search criteria contain a line break"));
      return;
    }
  search = g_new0 (Search, 1);
  search->uids = taube_imap_sequence_set_new ();
  g_task_set_task_data (task, search, (GDestroyNotify) search_free);
  esearch = taube_imap_client_has_capability (self, "ESEARCH")
            || taube_imap_client_has_capability (self, "IMAP4rev2");
  command = g_strdup_printf ("UID SEARCH %s%s", esearch ? "RETURN (ALL) " : "", criteria);
  _taube_imap_client_exchange_with_handler_async (self, command, &search_handler, search,
                                                  cancellable, taube_imap_client_search_cb,
                                                  g_steal_pointer (&task));
}

/**
 * taube_imap_client_search_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the matching UIDs, an empty set if none, or %NULL
 *   on error
 */
TaubeImapSequenceSet *
taube_imap_client_search_finish (TaubeImapClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_search_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
