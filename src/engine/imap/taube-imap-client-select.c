/* taube-imap-client-select.c — SELECT and EXAMINE with QRESYNC
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening a mailbox with what the caller already knows of it (RFC 7162 §3.2.5): its
 * UIDVALIDITY, the highest MODSEQ seen and the UIDs held. The server then answers with
 * the UIDs expunged since (VANISHED (EARLIER)) and FETCH responses for the messages
 * whose flags changed, so that a resync costs one round trip.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-client-op-private.h"
#include "taube-imap-error.h"
#include "taube-imap-mailbox-data.h"

void
taube_imap_select_result_free (TaubeImapSelectResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->vanished, taube_imap_sequence_set_free);
  g_clear_pointer (&result->changed, g_ptr_array_unref);
  g_strfreev (result->flags);
  g_free (result);
}

static guint64
code_number (TaubeImapResponse *response)
{
  guint64 number = 0;

  taube_imap_value_get_number (taube_imap_response_get_code_arg (response, 0), &number);
  return number;
}

static GStrv
atoms_of (const TaubeImapValue *list)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < taube_imap_value_get_length (list); i++)
    {
      const char *atom = taube_imap_value_get_atom (taube_imap_value_get_item (list, i));

      if (atom != NULL)
        g_strv_builder_add (builder, atom);
    }
  return g_strv_builder_end (builder);
}

/* Adds the UIDs of one VANISHED (EARLIER) response; %FALSE if it is malformed. */
static gboolean
add_vanished (TaubeImapSelectResult *result,
              TaubeImapResponse     *response)
{
  g_autoptr(TaubeImapSequenceSet) uids = taube_imap_vanished_parse (response, NULL, NULL);

  if (uids == NULL)
    return FALSE;
  for (guint i = 0; i < taube_imap_sequence_set_get_n_ranges (uids); i++)
    {
      guint32 first;
      guint32 last;

      taube_imap_sequence_set_get_range (uids, i, &first, &last);
      taube_imap_sequence_set_add_range (result->vanished, first, last);
    }
  return TRUE;
}

/* RFC 9051 §6.3.2 and RFC 7162 §3.2.5.1: what SELECT's untagged data says. */
static gboolean
read_untagged (TaubeImapSelectResult *result,
               TaubeImapResponse     *response)
{
  const char *code = taube_imap_response_get_code_name (response);

  if (taube_imap_response_is_keyword (response, "EXISTS"))
    taube_imap_response_get_number (response, &result->info.exists);
  else if (taube_imap_response_is_keyword (response, "FLAGS"))
    {
      g_strfreev (result->flags);
      result->flags = atoms_of (taube_imap_value_get_item (taube_imap_response_get_data (response),
                                                           0));
    }
  else if (taube_imap_response_is_keyword (response, "VANISHED"))
    return add_vanished (result, response);
  else if (taube_imap_response_is_keyword (response, "FETCH"))
    {
      TaubeImapFlagChange *change = taube_imap_flag_change_parse (response);

      if (change != NULL)
        g_ptr_array_add (result->changed, change);
    }
  else if (g_strcmp0 (code, "UIDVALIDITY") == 0)
    result->info.uidvalidity = (guint32) code_number (response);
  else if (g_strcmp0 (code, "UIDNEXT") == 0)
    result->info.uidnext = (guint32) code_number (response);
  else if (g_strcmp0 (code, "HIGHESTMODSEQ") == 0)
    result->info.highestmodseq = code_number (response);
  else if (g_strcmp0 (code, "NOMODSEQ") == 0)
    result->info.highestmodseq = 0;
  return TRUE;
}

/* The task's data: the result being filled in, until it is returned. */
typedef struct
{
  TaubeImapSelectResult *result;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_pointer (&data->result, taube_imap_select_result_free);
  g_free (data);
}

static void
open_done (GTask             *task,
           TaubeImapResponse *tagged,
           GPtrArray         *untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(TaubeImapSelectResult) result = g_steal_pointer (&data->result);

  for (guint i = 0; i < untagged->len; i++)
    if (!read_untagged (result, g_ptr_array_index (untagged, i)))
      {
        _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                          "bad VANISHED"));
        return;
      }
  result->info.read_only =
    g_strcmp0 (taube_imap_response_get_code_name (tagged), "READ-ONLY") == 0;
  _taube_imap_op_return (task, g_steal_pointer (&result),
                         (GDestroyNotify) taube_imap_select_result_free);
}

/* VANISHED (EARLIER) and the FETCH flag changes answer the QRESYNC parameters: they are
 * the result, not news to signal (RFC 7162 §3.2.5.1). */
static gboolean
is_resync_data (TaubeImapResponse *response)
{
  return taube_imap_response_is_keyword (response, "VANISHED")
         || taube_imap_response_is_keyword (response, "FETCH");
}

/* The parameter list after the mailbox name: QRESYNC, CONDSTORE or nothing. */
static char *
select_parameters (TaubeImapClient              *self,
                   const TaubeImapQresyncParams *qresync,
                   TaubeImapSelectResult        *result)
{
  g_autofree char *known = NULL;

  if (qresync != NULL && qresync->uidvalidity != 0 && qresync->modseq != 0
      && taube_imap_client_is_enabled (self, "QRESYNC"))
    {
      result->qresync = TRUE;
      if (qresync->known_uids != NULL
          && taube_imap_sequence_set_get_n_ranges (qresync->known_uids) > 0)
        known = taube_imap_sequence_set_to_string (qresync->known_uids);
      /* RFC 7162 §3.2.5: QRESYNC (uidvalidity modseq [known-uids]). */
      return g_strdup_printf (" (QRESYNC (%u %" G_GUINT64_FORMAT "%s%s))",
                              qresync->uidvalidity, qresync->modseq,
                              known != NULL ? " " : "", known != NULL ? known : "");
    }
  if (taube_imap_client_has_capability (self, "CONDSTORE"))
    return g_strdup (" (CONDSTORE)");
  return g_strdup ("");
}

/**
 * taube_imap_client_open_mailbox_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox name in UTF-8
 * @read_only: %TRUE for EXAMINE (RFC 9051 §6.3.3), %FALSE for SELECT
 * @qresync: (nullable): what the caller knows of @mailbox; used only when QRESYNC was
 *   enabled (taube_imap_client_enable_async()) and both numbers are set
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the mailbox is open
 * @user_data: data for @callback
 *
 * Opens @mailbox. With QRESYNC, the result carries the UIDs expunged and the flags changed
 * since @qresync's modseq, as long as the UIDVALIDITY is still the same; compare
 * #TaubeImapSelectInfo.uidvalidity, a different one means everything known is void.
 */
void
taube_imap_client_open_mailbox_async (TaubeImapClient              *self,
                                      const char                   *mailbox,
                                      gboolean                      read_only,
                                      const TaubeImapQresyncParams *qresync,
                                      GCancellable                 *cancellable,
                                      GAsyncReadyCallback           callback,
                                      gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *parameters = NULL;
  g_autofree char *command = NULL;
  TaubeImapSelectResult *result;
  OpenData *data;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);

  task = _taube_imap_op_begin (self, taube_imap_client_open_mailbox_async, cancellable,
                               callback, user_data);
  if (task == NULL)
    return;
  name = _taube_imap_client_mailbox_arg (self, mailbox, &error);
  if (name == NULL)
    {
      _taube_imap_op_return_error (task, error);
      return;
    }
  result = g_new0 (TaubeImapSelectResult, 1);
  result->vanished = taube_imap_sequence_set_new ();
  result->changed = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_flag_change_free);
  data = g_new0 (OpenData, 1);
  data->result = result;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  parameters = select_parameters (self, qresync, result);
  command = g_strdup_printf ("%s %s%s", read_only ? "EXAMINE" : "SELECT", name, parameters);
  if (result->qresync)
    _taube_imap_op_send_claiming (task, command, is_resync_data, open_done);
  else
    _taube_imap_op_send (task, command, open_done);
}

/**
 * taube_imap_client_open_mailbox_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what the server reported, or %NULL on error
 */
TaubeImapSelectResult *
taube_imap_client_open_mailbox_finish (TaubeImapClient  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_open_mailbox_async, error);
}
