/* taube-imap-client-folders.c — LIST with status, STATUS, CREATE, RENAME, DELETE, SUBSCRIBE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Listing asks for everything a folder list shows in as few round trips as the server
 * allows: with LIST-STATUS (RFC 5819) one LIST returns the special-use attributes
 * (RFC 6154) and the counts; without it, LIST is followed by one STATUS per selectable
 * mailbox (RFC 9051 §6.3.11).
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-client-op-private.h"
#include "taube-imap-error.h"
#include "taube-imap-mailbox-data.h"

void
taube_imap_mailbox_entry_free (TaubeImapMailboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_pointer (&entry->info, taube_imap_mailbox_info_free);
  g_clear_pointer (&entry->status, taube_imap_mailbox_status_free);
  g_free (entry);
}

static GPtrArray *
entries_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_mailbox_entry_free);
}

/* The STATUS items to ask for; HIGHESTMODSEQ only where the server knows it (RFC 7162). */
static char *
status_items (TaubeImapClient *self)
{
  return g_strdup_printf ("(MESSAGES UNSEEN UIDNEXT UIDVALIDITY%s)",
                          taube_imap_client_has_capability (self, "CONDSTORE")
                            ? " HIGHESTMODSEQ" : "");
}

static gboolean
is_selectable (const TaubeImapMailboxInfo *info)
{
  return !taube_imap_mailbox_info_has_flag (info, "\\Noselect")
         && !taube_imap_mailbox_info_has_flag (info, "\\NonExistent");
}

static TaubeImapMailboxEntry *
find_entry (GPtrArray  *entries,
            const char *name)
{
  for (guint i = 0; i < entries->len; i++)
    {
      TaubeImapMailboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->info->name, name))
        return entry;
    }
  return NULL;
}

/* Reads LIST and STATUS responses into @entries; %FALSE after failing @task. */
static gboolean
collect (GTask     *task,
         GPtrArray *untagged,
         GPtrArray *entries)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  gboolean utf8 = taube_imap_client_is_enabled (self, "UTF8=ACCEPT");

  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);
      g_autoptr(GError) error = NULL;

      if (taube_imap_response_is_keyword (response, "LIST")
          || taube_imap_response_is_keyword (response, "LSUB"))
        {
          TaubeImapMailboxEntry *entry = g_new0 (TaubeImapMailboxEntry, 1);

          entry->info = taube_imap_list_parse (response, utf8, &error);
          if (entry->info == NULL)
            {
              taube_imap_mailbox_entry_free (entry);
              _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                                error->message));
              return FALSE;
            }
          g_ptr_array_add (entries, entry);
        }
      else if (taube_imap_response_is_keyword (response, "STATUS"))
        {
          g_autoptr(TaubeImapMailboxStatus) status = NULL;
          TaubeImapMailboxEntry *entry;

          status = taube_imap_mailbox_status_parse (response, utf8, &error);
          if (status == NULL)
            {
              _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                                error->message));
              return FALSE;
            }
          entry = find_entry (entries, status->mailbox);
          if (entry != NULL)
            {
              g_clear_pointer (&entry->status, taube_imap_mailbox_status_free);
              entry->status = g_steal_pointer (&status);
            }
        }
    }
  return TRUE;
}

/* -- LIST ----------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *entries;
  guint next;       /* the next entry to ask STATUS for */
  char *items;
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_free (data->items);
  g_free (data);
}

static void status_next (GTask *task);

static void
status_one_done (GTask             *task,
                 TaubeImapResponse *tagged,
                 GPtrArray         *untagged)
{
  ListData *data = g_task_get_task_data (task);

  /* A NO (the mailbox went away since LIST) leaves that one without counts. */
  if (taube_imap_response_get_status (tagged) != TAUBE_IMAP_STATUS_OK)
    g_debug ("No STATUS for a listed mailbox: %s", taube_imap_response_get_text (tagged));
  else if (!collect (task, untagged, data->entries))
    return;
  status_next (task);
}

static void
status_next (GTask *task)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);

  while (data->next < data->entries->len)
    {
      TaubeImapMailboxEntry *entry = g_ptr_array_index (data->entries, data->next++);
      g_autofree char *name = NULL;
      g_autofree char *command = NULL;

      if (entry->status != NULL || !is_selectable (entry->info))
        continue;
      name = _taube_imap_client_mailbox_arg (self, entry->info->name, NULL);
      if (name == NULL)
        continue;
      command = g_strdup_printf ("STATUS %s %s", name, data->items);
      _taube_imap_op_send_any (task, command, status_one_done);
      return;
    }
  _taube_imap_op_return (task, g_steal_pointer (&data->entries),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
list_done (GTask             *task,
           TaubeImapResponse *tagged,
           GPtrArray         *untagged)
{
  ListData *data = g_task_get_task_data (task);

  if (!collect (task, untagged, data->entries))
    return;
  if (data->items == NULL)
    {
      _taube_imap_op_return (task, g_steal_pointer (&data->entries),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  status_next (task);
}

static char *
list_command (TaubeImapClient    *self,
              TaubeImapListFlags  flags,
              const char         *items,
              gboolean           *separate_status)
{
  gboolean extended = taube_imap_client_has_capability (self, "LIST-EXTENDED");
  gboolean special_use = taube_imap_client_has_capability (self, "SPECIAL-USE");
  gboolean list_status = taube_imap_client_has_capability (self, "LIST-STATUS")
                         && !(flags & TAUBE_IMAP_LIST_NO_LIST_STATUS);
  g_autoptr(GString) command = g_string_new (NULL);
  g_autoptr(GPtrArray) returns = g_ptr_array_new_with_free_func (g_free);

  *separate_status = (flags & TAUBE_IMAP_LIST_WITH_STATUS) && !list_status;
  if ((flags & TAUBE_IMAP_LIST_SUBSCRIBED) && !extended)
    return g_strdup ("LSUB \"\" \"*\"");
  g_string_append (command, "LIST ");
  /* RFC 5258 §3: selection options, then return options. */
  if (flags & TAUBE_IMAP_LIST_SUBSCRIBED)
    g_string_append (command, "(SUBSCRIBED) ");
  g_string_append (command, "\"\" \"*\"");
  /* RFC 6154 §5.1: asking for SPECIAL-USE needs LIST-EXTENDED syntax; servers that have
   * SPECIAL-USE without it put the attributes in every LIST anyway. */
  if (special_use && extended)
    g_ptr_array_add (returns, g_strdup ("SPECIAL-USE"));
  /* RFC 5258 §4: with return options, \HasChildren comes only when asked for. */
  if (extended)
    g_ptr_array_add (returns, g_strdup ("CHILDREN"));
  if ((flags & TAUBE_IMAP_LIST_WITH_STATUS) && list_status)
    g_ptr_array_add (returns, g_strdup_printf ("STATUS %s", items));
  if (returns->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (returns, NULL);
      joined = g_strjoinv (" ", (char **) returns->pdata);
      g_string_append_printf (command, " RETURN (%s)", joined);
    }
  return g_string_free (g_steal_pointer (&command), FALSE);
}

/**
 * taube_imap_client_list_mailboxes_async:
 * @self: a logged-in #TaubeImapClient
 * @flags: which mailboxes, and whether with their counts
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the mailboxes
 * @user_data: data for @callback
 *
 * Lists the mailboxes with their special use (RFC 6154) and, with
 * %TAUBE_IMAP_LIST_WITH_STATUS, the STATUS counts of every selectable one: in the LIST
 * itself where LIST-STATUS is offered (RFC 5819), else by one STATUS each.
 */
void
taube_imap_client_list_mailboxes_async (TaubeImapClient     *self,
                                        TaubeImapListFlags   flags,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;
  g_autofree char *items = NULL;
  ListData *data;
  gboolean separate_status;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));

  task = _taube_imap_op_begin (self, taube_imap_client_list_mailboxes_async, cancellable,
                               callback, user_data);
  if (task == NULL)
    return;
  items = status_items (self);
  command = list_command (self, flags, items, &separate_status);
  data = g_new0 (ListData, 1);
  data->entries = entries_new ();
  data->items = separate_status ? g_steal_pointer (&items) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  _taube_imap_op_send (task, command, list_done);
}

/**
 * taube_imap_client_list_mailboxes_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type TaubeImapMailboxEntry): the mailboxes in
 *   the server's order, or %NULL on error
 */
GPtrArray *
taube_imap_client_list_mailboxes_finish (TaubeImapClient  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_list_mailboxes_async, error);
}

/* -- STATUS --------------------------------------------------------------------------- */

static void
status_done (GTask             *task,
             TaubeImapResponse *tagged,
             GPtrArray         *untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);

  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);
      TaubeImapMailboxStatus *status;
      g_autoptr(GError) error = NULL;

      if (!taube_imap_response_is_keyword (response, "STATUS"))
        continue;
      status = taube_imap_mailbox_status_parse (
        response, taube_imap_client_is_enabled (self, "UTF8=ACCEPT"), &error);
      if (status == NULL)
        {
          _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                            error->message));
          return;
        }
      _taube_imap_op_return (task, status, (GDestroyNotify) taube_imap_mailbox_status_free);
      return;
    }
  _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                    "no STATUS response"));
}

/**
 * taube_imap_client_status_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox name in UTF-8
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the counts
 * @user_data: data for @callback
 *
 * Asks for MESSAGES, UNSEEN, UIDNEXT, UIDVALIDITY and, with CONDSTORE, HIGHESTMODSEQ of
 * @mailbox (RFC 9051 §6.3.11) without selecting it.
 */
void
taube_imap_client_status_async (TaubeImapClient     *self,
                                const char          *mailbox,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *items = NULL;
  g_autofree char *command = NULL;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);

  task = _taube_imap_op_begin_pipelined (self, taube_imap_client_status_async, cancellable,
                                         callback, user_data);
  if (task == NULL)
    return;
  name = _taube_imap_client_mailbox_arg (self, mailbox, &error);
  if (name == NULL)
    {
      _taube_imap_op_return_error (task, error);
      return;
    }
  items = status_items (self);
  command = g_strdup_printf ("STATUS %s %s", name, items);
  _taube_imap_op_send (task, command, status_done);
}

/**
 * taube_imap_client_status_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the counts, or %NULL on error
 */
TaubeImapMailboxStatus *
taube_imap_client_status_finish (TaubeImapClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_status_async, error);
}

/* -- CREATE, RENAME, DELETE, SUBSCRIBE, UNSUBSCRIBE ----------------------------------- */

static void
done (GTask             *task,
      TaubeImapResponse *tagged,
      GPtrArray         *untagged)
{
  _taube_imap_op_return (task, GINT_TO_POINTER (TRUE), NULL);
}

/* Sends "@verb name[ other]" for the public functions below. */
static void
mailbox_command (TaubeImapClient     *self,
                 gpointer             source_tag,
                 const char          *verb,
                 const char          *mailbox,
                 const char          *other,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *second = NULL;
  g_autofree char *command = NULL;
  GError *error = NULL;

  task = _taube_imap_op_begin (self, source_tag, cancellable, callback, user_data);
  if (task == NULL)
    return;
  name = _taube_imap_client_mailbox_arg (self, mailbox, &error);
  if (name != NULL && other != NULL)
    second = _taube_imap_client_mailbox_arg (self, other, &error);
  if (error != NULL)
    {
      _taube_imap_op_return_error (task, error);
      return;
    }
  command = g_strdup_printf ("%s %s%s%s", verb, name, second != NULL ? " " : "",
                             second != NULL ? second : "");
  _taube_imap_op_send (task, command, done);
}

/**
 * taube_imap_client_create_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the new mailbox's name in UTF-8, with the server's hierarchy delimiter
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Creates @mailbox (RFC 9051 §6.3.4). A name that exists fails with
 * %TAUBE_IMAP_ERROR_SERVER_NO.
 */
void
taube_imap_client_create_async (TaubeImapClient     *self,
                                const char          *mailbox,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);

  mailbox_command (self, taube_imap_client_create_async, "CREATE", mailbox, NULL, cancellable,
                   callback, user_data);
}

gboolean
taube_imap_client_create_finish (TaubeImapClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_create_async, error) != NULL;
}

/**
 * taube_imap_client_rename_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox's name in UTF-8
 * @new_name: its new name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Renames @mailbox with its children (RFC 9051 §6.3.6).
 */
void
taube_imap_client_rename_async (TaubeImapClient     *self,
                                const char          *mailbox,
                                const char          *new_name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL && new_name != NULL);

  mailbox_command (self, taube_imap_client_rename_async, "RENAME", mailbox, new_name,
                   cancellable, callback, user_data);
}

gboolean
taube_imap_client_rename_finish (TaubeImapClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_rename_async, error) != NULL;
}

/**
 * taube_imap_client_delete_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox's name in UTF-8
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Deletes @mailbox and the messages in it (RFC 9051 §6.3.5).
 */
void
taube_imap_client_delete_async (TaubeImapClient     *self,
                                const char          *mailbox,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);

  mailbox_command (self, taube_imap_client_delete_async, "DELETE", mailbox, NULL, cancellable,
                   callback, user_data);
}

gboolean
taube_imap_client_delete_finish (TaubeImapClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_delete_async, error) != NULL;
}

/**
 * taube_imap_client_subscribe_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox's name in UTF-8
 * @subscribe: %TRUE for SUBSCRIBE, %FALSE for UNSUBSCRIBE (RFC 9051 §6.3.7, §6.3.8)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
taube_imap_client_subscribe_async (TaubeImapClient     *self,
                                   const char          *mailbox,
                                   gboolean             subscribe,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);

  mailbox_command (self, taube_imap_client_subscribe_async,
                   subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE", mailbox, NULL, cancellable,
                   callback, user_data);
}

gboolean
taube_imap_client_subscribe_finish (TaubeImapClient  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_subscribe_async, error)
         != NULL;
}
