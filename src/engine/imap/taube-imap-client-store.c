/* taube-imap-client-store.c — UID STORE, UID EXPUNGE, UID COPY and UID MOVE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §6.4.6-§6.4.9, RFC 7162 §3.1.3 (UNCHANGEDSINCE), RFC 4315 (UIDPLUS: UID
 * EXPUNGE, COPYUID) and RFC 6851 (MOVE). Expunging only ever names UIDs: a plain EXPUNGE
 * would also remove messages someone else marked \Deleted, so without UIDPLUS it is
 * refused rather than risked.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-client-private.h"
#include "taube-imap-error.h"

/**
 * taube_imap_copy_uid_free:
 * @copy_uid: (nullable): a #TaubeImapCopyUid
 */
void
taube_imap_copy_uid_free (TaubeImapCopyUid *copy_uid)
{
  if (copy_uid == NULL)
    return;
  g_clear_pointer (&copy_uid->source_uids, taube_imap_sequence_set_free);
  g_clear_pointer (&copy_uid->destination_uids, taube_imap_sequence_set_free);
  g_free (copy_uid);
}

static gboolean
has_uidplus (TaubeImapClient *self)
{
  return taube_imap_client_has_capability (self, "UIDPLUS")
         || taube_imap_client_has_capability (self, "IMAP4rev2");
}

/* -- UID STORE ---------------------------------------------------------------------------- */

static char *
store_command (TaubeImapClient     *self,
               const char          *uids,
               TaubeImapStoreMode   mode,
               const char * const  *flags,
               gboolean             silent,
               guint64              unchanged_since,
               GError             **error)
{
  static const char *const prefixes[] = { "+", "-", "" };
  g_autofree char *set = _taube_imap_client_uid_set_argument (uids, error);
  g_autofree char *list = NULL;
  g_autofree char *modifier = NULL;

  if (set == NULL)
    return NULL;
  list = _taube_imap_client_flag_list (flags, error);
  if (list == NULL)
    return NULL;
  if (unchanged_since > 0)
    {
      if (!taube_imap_client_has_capability (self, "CONDSTORE")
          && !taube_imap_client_has_capability (self, "QRESYNC"))
        {
          g_propagate_error (error, _taube_imap_client_not_supported (self, "CONDSTORE"));
          return NULL;
        }
      modifier = g_strdup_printf (" (UNCHANGEDSINCE %" G_GUINT64_FORMAT ")", unchanged_since);
    }
  return g_strdup_printf ("UID STORE %s%s %sFLAGS%s %s", set, modifier != NULL ? modifier : "",
                          prefixes[mode], silent ? ".SILENT" : "", list);
}

static void
taube_imap_client_store_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) response = _taube_imap_client_finish_ok (task, result);
  TaubeImapSequenceSet *modified = NULL;

  if (response == NULL)
    return;
  /* RFC 7162 §3.1.3: the messages left alone because they changed meanwhile. */
  if (g_strcmp0 (taube_imap_response_get_code_name (response), "MODIFIED") == 0)
    modified = _taube_imap_client_code_set (response, 0);
  if (modified == NULL)
    modified = taube_imap_sequence_set_new ();
  _taube_imap_client_release_task (task);
  g_task_return_pointer (task, modified, (GDestroyNotify) taube_imap_sequence_set_free);
}

/* Untagged data of STORE (new flags, EXPUNGE) is nobody's own: it goes to the signals. */
static const TaubeImapExchangeHandler signals_only_handler = { NULL };

/**
 * taube_imap_client_store_async:
 * @self: a #TaubeImapClient with a mailbox selected
 * @uids: the UID set, e.g. "4,7:9"
 * @mode: add, remove or replace
 * @flags: (nullable) (array zero-terminated=1): flags such as "\Seen" or "$Junk"
 * @silent: whether the server may skip reporting the new flags (.SILENT)
 * @unchanged_since: with a value > 0, change only messages whose MODSEQ is not higher
 *   (RFC 7162 §3.1.3; needs CONDSTORE)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered
 * @user_data: data for @callback
 *
 * Sends UID STORE. The new flags the server reports come as "flags-changed" signals.
 */
void
taube_imap_client_store_async (TaubeImapClient     *self,
                               const char          *uids,
                               TaubeImapStoreMode   mode,
                               const char * const  *flags,
                               gboolean             silent,
                               guint64              unchanged_since,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (uids != NULL);
  g_return_if_fail (mode <= TAUBE_IMAP_STORE_REPLACE);

  task = _taube_imap_client_begin_pipelined (self, taube_imap_client_store_async, cancellable,
                                             callback, user_data);
  if (task == NULL)
    return;
  command = store_command (self, uids, mode, flags, silent, unchanged_since, &error);
  if (command == NULL)
    {
      _taube_imap_client_refuse (task, error);
      return;
    }
  _taube_imap_client_exchange_with_handler_async (self, command, &signals_only_handler, NULL,
                                                  cancellable, taube_imap_client_store_cb,
                                                  g_steal_pointer (&task));
}

/**
 * taube_imap_client_store_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @modified: (out) (optional) (transfer full): the UIDs not changed because their MODSEQ
 *   was higher than asked (the MODIFIED code); empty if none
 * @error: return location for a #GError
 *
 * Returns: whether the server answered OK
 */
gboolean
taube_imap_client_store_finish (TaubeImapClient       *self,
                                GAsyncResult          *result,
                                TaubeImapSequenceSet **modified,
                                GError               **error)
{
  g_autoptr(TaubeImapSequenceSet) set = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_store_async, FALSE);

  set = g_task_propagate_pointer (G_TASK (result), error);
  if (modified != NULL)
    *modified = g_steal_pointer (&set);
  return !g_task_had_error (G_TASK (result));
}

/* -- UID EXPUNGE -------------------------------------------------------------------------- */

static void
taube_imap_client_expunge_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) response = _taube_imap_client_finish_ok (task, result);

  if (response == NULL)
    return;
  _taube_imap_client_release (TAUBE_IMAP_CLIENT (object));
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_imap_client_expunge_async:
 * @self: a #TaubeImapClient with a mailbox selected
 * @uids: the UIDs to remove for good, if they are marked \Deleted
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered
 * @user_data: data for @callback
 *
 * Sends UID EXPUNGE (RFC 4315 §2.1). Only the messages in @uids go, never others that
 * are marked \Deleted; so without UIDPLUS this fails with
 * %TAUBE_IMAP_ERROR_NOT_SUPPORTED. The removals come as "expunge" or "vanished" signals.
 */
void
taube_imap_client_expunge_async (TaubeImapClient     *self,
                                 const char          *uids,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *set = NULL;
  g_autofree char *command = NULL;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (uids != NULL);

  task = _taube_imap_client_begin (self, taube_imap_client_expunge_async, TRUE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  set = _taube_imap_client_uid_set_argument (uids, &error);
  if (set == NULL || !has_uidplus (self))
    {
      _taube_imap_client_refuse (task, error != NULL ? error : _taube_imap_client_not_supported (self, "UIDPLUS"));
      return;
    }
  command = g_strdup_printf ("UID EXPUNGE %s", set);
  _taube_imap_client_exchange_with_handler_async (self, command, &signals_only_handler, NULL,
                                                  cancellable, taube_imap_client_expunge_cb,
                                                  g_steal_pointer (&task));
}

gboolean
taube_imap_client_expunge_finish (TaubeImapClient  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_expunge_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- UID COPY and UID MOVE ---------------------------------------------------------------- */

typedef struct
{
  char *uids;                 /* normalised */
  char *mailbox;              /* quoted */
  TaubeImapCopyUid *copy_uid;
} Transfer;

static void
transfer_free (Transfer *transfer)
{
  g_free (transfer->uids);
  g_free (transfer->mailbox);
  taube_imap_copy_uid_free (transfer->copy_uid);
  g_free (transfer);
}

/* RFC 4315 §3: "COPYUID uidvalidity source-uids destination-uids". */
static void
take_copy_uid (Transfer          *transfer,
               TaubeImapResponse *response)
{
  TaubeImapCopyUid *copy_uid;
  guint64 uidvalidity = 0;

  if (g_strcmp0 (taube_imap_response_get_code_name (response), "COPYUID") != 0
      || !taube_imap_value_get_number (taube_imap_response_get_code_arg (response, 0),
                                       &uidvalidity)
      || uidvalidity == 0 || uidvalidity > G_MAXUINT32)
    return;
  copy_uid = g_new0 (TaubeImapCopyUid, 1);
  copy_uid->uidvalidity = (guint32) uidvalidity;
  copy_uid->source_uids = _taube_imap_client_code_set (response, 1);
  copy_uid->destination_uids = _taube_imap_client_code_set (response, 2);
  if (copy_uid->source_uids == NULL || copy_uid->destination_uids == NULL)
    {
      g_debug ("Ignoring a malformed COPYUID code");
      taube_imap_copy_uid_free (copy_uid);
      return;
    }
  taube_imap_copy_uid_free (transfer->copy_uid);
  transfer->copy_uid = copy_uid;
}

/* RFC 6851 §4.3: MOVE sends COPYUID in an untagged OK before the expunges. */
static gboolean
transfer_untagged (TaubeImapClient   *self,
                   TaubeImapResponse *response,
                   gpointer           data)
{
  if (taube_imap_response_get_status (response) != TAUBE_IMAP_STATUS_OK)
    return FALSE;
  take_copy_uid (data, response);
  return FALSE;
}

static const TaubeImapExchangeHandler transfer_handler = {
  .untagged = transfer_untagged,
};

static void
transfer_done (GTask *task)
{
  Transfer *transfer = g_task_get_task_data (task);

  _taube_imap_client_release (g_task_get_source_object (task));
  g_task_return_pointer (task, g_steal_pointer (&transfer->copy_uid),
                         (GDestroyNotify) taube_imap_copy_uid_free);
}

static void
taube_imap_client_transfer_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) response = _taube_imap_client_finish_ok (task, result);

  if (response == NULL)
    return;
  take_copy_uid (g_task_get_task_data (task), response);
  transfer_done (task);
}

/* Without MOVE (RFC 6851 §3.3): COPY, then mark the originals \Deleted, then expunge
 * exactly them. A failure after the copy leaves the originals in place: mail is then
 * in both mailboxes, never in neither. */
static void
taube_imap_client_fallback_expunge_cb (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) response = _taube_imap_client_finish_ok (task, result);

  if (response != NULL)
    transfer_done (task);
}

static void
taube_imap_client_fallback_store_cb (GObject      *object,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) response = _taube_imap_client_finish_ok (task, result);
  Transfer *transfer = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *command = NULL;

  if (response == NULL)
    return;
  command = g_strdup_printf ("UID EXPUNGE %s", transfer->uids);
  _taube_imap_client_exchange_with_handler_async (TAUBE_IMAP_CLIENT (object), command,
                                                  &signals_only_handler, NULL, cancellable,
                                                  taube_imap_client_fallback_expunge_cb,
                                                  g_steal_pointer (&task));
}

static void
taube_imap_client_fallback_copy_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) response = _taube_imap_client_finish_ok (task, result);
  Transfer *transfer = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *command = NULL;

  if (response == NULL)
    return;
  take_copy_uid (transfer, response);
  command = g_strdup_printf ("UID STORE %s +FLAGS.SILENT (\\Deleted)", transfer->uids);
  _taube_imap_client_exchange_with_handler_async (TAUBE_IMAP_CLIENT (object), command,
                                                  &signals_only_handler, NULL, cancellable,
                                                  taube_imap_client_fallback_store_cb,
                                                  g_steal_pointer (&task));
}

static void
transfer_start (TaubeImapClient     *self,
                gpointer             source_tag,
                const char          *uids,
                const char          *mailbox,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;
  gboolean move = source_tag == taube_imap_client_move_async;
  gboolean native = !move || taube_imap_client_has_capability (self, "MOVE");
  Transfer *transfer;
  GError *error = NULL;

  task = _taube_imap_client_begin (self, source_tag, TRUE, cancellable, callback, user_data);
  if (task == NULL)
    return;
  transfer = g_new0 (Transfer, 1);
  g_task_set_task_data (task, transfer, (GDestroyNotify) transfer_free);
  transfer->uids = _taube_imap_client_uid_set_argument (uids, &error);
  if (transfer->uids != NULL)
    transfer->mailbox = _taube_imap_client_mailbox_argument (mailbox, &error);
  if (error == NULL && !native && !has_uidplus (self))
    error = _taube_imap_client_not_supported (self, "MOVE");
  if (error != NULL)
    {
      _taube_imap_client_refuse (task, error);
      return;
    }
  command = g_strdup_printf ("UID %s %s %s", move && native ? "MOVE" : "COPY", transfer->uids,
                             transfer->mailbox);
  _taube_imap_client_exchange_with_handler_async (
    self, command, &transfer_handler, transfer, cancellable,
    native ? taube_imap_client_transfer_cb : taube_imap_client_fallback_copy_cb,
    g_steal_pointer (&task));
}

/**
 * taube_imap_client_copy_async:
 * @self: a #TaubeImapClient with a mailbox selected
 * @uids: the UID set to copy
 * @mailbox: the destination mailbox in UTF-8
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered
 * @user_data: data for @callback
 *
 * Sends UID COPY (RFC 9051 §6.4.7).
 */
void
taube_imap_client_copy_async (TaubeImapClient     *self,
                              const char          *uids,
                              const char          *mailbox,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (uids != NULL && mailbox != NULL);

  transfer_start (self, taube_imap_client_copy_async, uids, mailbox, cancellable, callback,
                  user_data);
}

/**
 * taube_imap_client_move_async:
 * @self: a #TaubeImapClient with a mailbox selected
 * @uids: the UID set to move
 * @mailbox: the destination mailbox in UTF-8
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered
 * @user_data: data for @callback
 *
 * Sends UID MOVE (RFC 6851); without MOVE, UID COPY, UID STORE +FLAGS.SILENT (\Deleted)
 * and UID EXPUNGE of just those UIDs, which needs UIDPLUS (else
 * %TAUBE_IMAP_ERROR_NOT_SUPPORTED before anything is sent). The originals' removal comes
 * as "expunge" or "vanished" signals.
 */
void
taube_imap_client_move_async (TaubeImapClient     *self,
                              const char          *uids,
                              const char          *mailbox,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (uids != NULL && mailbox != NULL);

  transfer_start (self, taube_imap_client_move_async, uids, mailbox, cancellable, callback,
                  user_data);
}

static gboolean
transfer_finish (TaubeImapClient   *self,
                 GAsyncResult      *result,
                 gpointer           source_tag,
                 TaubeImapCopyUid **copy_uid,
                 GError           **error)
{
  g_autoptr(TaubeImapCopyUid) got = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  got = g_task_propagate_pointer (G_TASK (result), error);
  if (copy_uid != NULL)
    *copy_uid = g_steal_pointer (&got);
  return !g_task_had_error (G_TASK (result));
}

/**
 * taube_imap_client_copy_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @copy_uid: (out) (optional) (transfer full) (nullable): the new UIDs (COPYUID,
 *   RFC 4315 §3), or %NULL when the server did not say
 * @error: return location for a #GError
 *
 * Returns: whether the messages were copied
 */
gboolean
taube_imap_client_copy_finish (TaubeImapClient   *self,
                               GAsyncResult      *result,
                               TaubeImapCopyUid **copy_uid,
                               GError           **error)
{
  return transfer_finish (self, result, taube_imap_client_copy_async, copy_uid, error);
}

/**
 * taube_imap_client_move_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @copy_uid: (out) (optional) (transfer full) (nullable): the new UIDs, or %NULL when the
 *   server did not say
 * @error: return location for a #GError
 *
 * Returns: whether the messages were moved
 */
gboolean
taube_imap_client_move_finish (TaubeImapClient   *self,
                               GAsyncResult      *result,
                               TaubeImapCopyUid **copy_uid,
                               GError           **error)
{
  return transfer_finish (self, result, taube_imap_client_move_async, copy_uid, error);
}
