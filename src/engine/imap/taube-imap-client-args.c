/* taube-imap-client-args.c — arguments and results the message commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a caller passes is checked before it goes into a command line: an argument
 * that could break the line apart is refused with G_IO_ERROR_INVALID_ARGUMENT and the
 * session stays as it was.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "taube-imap-client-private.h"
#include "taube-imap-error.h"
#include "taube-utf7.h"

/* A mailbox name as an IMAP astring: modified UTF-7 (RFC 9051 §5.1.3), quoted. */
char *
_taube_imap_client_mailbox_argument (const char  *mailbox,
                                     GError     **error)
{
  g_autofree char *encoded = taube_utf7_encode (mailbox, error);
  char *quoted;

  if (encoded == NULL)
    return NULL;
  /* Modified UTF-7 is 7-bit, so it can always be quoted; only CR and LF could not. */
  quoted = _taube_imap_client_quote (encoded);
  if (quoted == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "Mailbox name contains a line break");
  return quoted;
}

/* RFC 9051 §9: flag = "\" atom (system flags) or a keyword atom. */
static gboolean
is_flag (const char *flag)
{
  const char *p = flag[0] == '\\' ? flag + 1 : flag;

  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f || strchr ("(){}\"\\%*]", *p) != NULL)
      return FALSE;
  return TRUE;
}

/* "(\Seen $Junk)" for @flags (nullable: "()"), or NULL with @error for a bad flag. */
char *
_taube_imap_client_flag_list (const char * const  *flags,
                              GError             **error)
{
  g_autoptr(GString) list = g_string_new ("(");

  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      if (!is_flag (flags[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” is not an IMAP flag", flags[i]);
          return NULL;
        }
      if (i > 0)
        g_string_append_c (list, ' ');
      g_string_append (list, flags[i]);
    }
  g_string_append_c (list, ')');
  return g_string_free (g_steal_pointer (&list), FALSE);
}

/* @uids as a normalised sequence set string, or NULL with @error. */
char *
_taube_imap_client_uid_set_argument (const char  *uids,
                                     GError     **error)
{
  g_autoptr(TaubeImapSequenceSet) set = taube_imap_sequence_set_parse (uids, error);

  if (set == NULL)
    return NULL;
  return taube_imap_sequence_set_to_string (set);
}

/* Fails @task for a refused argument (taken) before anything was sent: the session is
 * untouched and free for the next command. */
void
_taube_imap_client_refuse (GTask  *task,
                           GError *error)
{
  _taube_imap_client_release_task (task);
  g_task_return_error (task, error);
}

/* The tagged response of an exchange if it was OK; else fails @task and returns NULL. */
TaubeImapResponse *
_taube_imap_client_finish_ok (GTask        *task,
                              GAsyncResult *result)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  g_autoptr(TaubeImapResponse) response = NULL;
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, NULL, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return NULL;
    }
  if (taube_imap_response_get_status (response) != TAUBE_IMAP_STATUS_OK)
    {
      _taube_imap_client_fail (task, _taube_imap_client_status_error (self, response));
      return NULL;
    }
  return g_steal_pointer (&response);
}

/* The sequence set that is argument @index of @response's code, or NULL. */
TaubeImapSequenceSet *
_taube_imap_client_code_set (TaubeImapResponse *response,
                             guint              index)
{
  const TaubeImapValue *value = taube_imap_response_get_code_arg (response, index);

  return value != NULL ? taube_imap_sequence_set_new_from_value (value, NULL) : NULL;
}

/* The error for an operation that needs an extension the server did not offer. */
GError *
_taube_imap_client_not_supported (TaubeImapClient *self,
                                  const char      *capability)
{
  /* Translators: the first %s is a server name, the second an IMAP extension such as
   * "MOVE" or "CONDSTORE". */
  return g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED,
                      _("The server %s does not support %s."),
                      taube_connection_get_host (taube_imap_client_get_connection (self)),
                      capability);
}
