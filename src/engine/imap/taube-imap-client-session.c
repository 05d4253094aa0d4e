/* taube-imap-client-session.c — CAPABILITY, ID, ENABLE and NAMESPACE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Commands about the session as a whole. What ENABLE switched on is remembered with the
 * session, because it changes how the server talks from then on: UTF8=ACCEPT makes
 * mailbox names UTF-8 (RFC 6855 §3), QRESYNC adds VANISHED responses (RFC 7162 §3.2.5).
 * It is forgotten with the session (_taube_imap_client_session_reset()).
 *
 * Capabilities also arrive in response codes ([CAPABILITY ...] in the greeting and the
 * login OK); the client core takes them from there, so CAPABILITY is only needed when
 * the server did not send them.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "taube-imap-client-op-private.h"
#include "taube-imap-error.h"
#include "taube-imap-mailbox-data.h"
#include "taube-imap-session-data.h"
#include "taube-utf7.h"

typedef struct
{
  GHashTable *enabled;  /* upper-case extension names */
} SessionData;

static void
session_data_free (SessionData *data)
{
  g_clear_pointer (&data->enabled, g_hash_table_unref);
  g_free (data);
}

/* The session's data, kept on the client object so that the core need not know it. */
static SessionData *
session_data (TaubeImapClient *self)
{
  static GQuark quark;
  SessionData *data;

  if (quark == 0)
    quark = g_quark_from_static_string ("taube-imap-session-data");
  data = g_object_get_qdata (G_OBJECT (self), quark);
  if (data == NULL)
    {
      data = g_new0 (SessionData, 1);
      data->enabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_object_set_qdata_full (G_OBJECT (self), quark, data, (GDestroyNotify) session_data_free);
    }
  return data;
}

/* Forgets what the session enabled; called whenever the session ends. */
void
_taube_imap_client_session_reset (TaubeImapClient *self)
{
  g_hash_table_remove_all (session_data (self)->enabled);
}

/**
 * taube_imap_client_is_enabled:
 * @self: a #TaubeImapClient
 * @extension: an extension such as "QRESYNC", in any case
 *
 * Returns: whether the server confirmed enabling @extension in this session (RFC 5161)
 */
gboolean
taube_imap_client_is_enabled (TaubeImapClient *self,
                              const char      *extension)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (TAUBE_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);

  upper = g_ascii_strup (extension, -1);
  return g_hash_table_contains (session_data (self)->enabled, upper);
}

/* A mailbox name as an IMAP string: UTF-8 once UTF8=ACCEPT is on (RFC 6855 §3), modified
 * UTF-7 before (RFC 9051 §5.1.3). */
char *
_taube_imap_client_mailbox_arg (TaubeImapClient  *self,
                                const char       *name,
                                GError          **error)
{
  g_autofree char *encoded = NULL;
  GString *quoted;

  if (!g_utf8_validate (name, -1, NULL) || name[0] == '\0' || strpbrk (name, "\r\n") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot be used as a folder name."), name);
      return NULL;
    }
  if (!taube_imap_client_is_enabled (self, "UTF8=ACCEPT"))
    {
      encoded = taube_utf7_encode (name, error);
      if (encoded == NULL)
        return NULL;
      return _taube_imap_client_quote (encoded);
    }
  quoted = g_string_new ("\"");
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

char *
_taube_imap_client_mailbox_name (TaubeImapClient *self,
                                 const char      *wire)
{
  return taube_imap_mailbox_decode (wire, taube_imap_client_is_enabled (self, "UTF8=ACCEPT"));
}

static GError *
not_supported_error (TaubeImapClient *self,
                     const char      *extension)
{
  /* Translators: the first %s is a server name, the second an IMAP extension. */
  return g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED,
                      _("The server %s does not support %s."),
                      taube_connection_get_host (taube_imap_client_get_connection (self)),
                      extension);
}

/* Fails @task unless the server offers @capability; the session stays as it was. */
static gboolean
require (GTask      *task,
         const char *capability)
{
  TaubeImapClient *self = g_task_get_source_object (task);

  if (taube_imap_client_has_capability (self, capability))
    return TRUE;
  _taube_imap_op_return_error (task, not_supported_error (self, capability));
  return FALSE;
}

/* -- CAPABILITY ----------------------------------------------------------------------- */

static void
capability_done (GTask             *task,
                 TaubeImapResponse *tagged,
                 GPtrArray         *untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);

  /* The core took the list from the untagged CAPABILITY response as it came. */
  if (!_taube_imap_client_knows_capabilities (self))
    {
      _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self, "no CAPABILITY"));
      return;
    }
  _taube_imap_op_return (task, GINT_TO_POINTER (TRUE), NULL);
}

/**
 * taube_imap_client_capability_async:
 * @self: a logged-in #TaubeImapClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the capabilities are known again
 * @user_data: data for @callback
 *
 * Asks for the capabilities again (RFC 9051 §6.1.1); afterwards
 * taube_imap_client_has_capability() answers from the new list.
 */
void
taube_imap_client_capability_async (TaubeImapClient     *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));

  task = _taube_imap_op_begin (self, taube_imap_client_capability_async, cancellable,
                               callback, user_data);
  if (task != NULL)
    _taube_imap_op_send (task, "CAPABILITY", capability_done);
}

gboolean
taube_imap_client_capability_finish (TaubeImapClient  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_capability_async, error)
         != NULL;
}

/* -- ID ------------------------------------------------------------------------------- */

static void
id_done (GTask             *task,
         TaubeImapResponse *tagged,
         GPtrArray         *untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);

  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);
      GHashTable *fields;
      g_autoptr(GError) error = NULL;

      if (!taube_imap_response_is_keyword (response, "ID"))
        continue;
      fields = taube_imap_id_parse (response, &error);
      if (fields == NULL)
        {
          _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                            error->message));
          return;
        }
      _taube_imap_op_return (task, fields, (GDestroyNotify) g_hash_table_unref);
      return;
    }
  /* RFC 2971 §3.2: the server must answer with ID, if only "ID NIL". */
  _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self, "no ID response"));
}

/**
 * taube_imap_client_id_async:
 * @self: a connected #TaubeImapClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the server's answer
 * @user_data: data for @callback
 *
 * Tells the server the client's name and version with ID (RFC 2971) and nothing more
 * (§7: no details about the user's system). Fails with %TAUBE_IMAP_ERROR_NOT_SUPPORTED
 * without the ID capability.
 */
void
taube_imap_client_id_async (TaubeImapClient     *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));

  /* ID is allowed before login too (RFC 2971 §3.1). */
  task = _taube_imap_client_begin (self, taube_imap_client_id_async, FALSE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  if (_taube_imap_client_get_state (self) == TAUBE_IMAP_CLIENT_DISCONNECTED)
    {
      _taube_imap_op_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                                      _("Not connected to the server %s."),
                                                      taube_connection_get_host (
                                                        taube_imap_client_get_connection (self))));
      return;
    }
  if (!require (task, "ID"))
    return;
  command = g_strdup_printf ("ID (\"name\" \"Taube\" \"version\" \"%s\")", PACKAGE_VERSION);
  _taube_imap_op_send (task, command, id_done);
}

/**
 * taube_imap_client_id_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8 utf8): the server's fields with lower-case
 *   names, such as "name" and "version" (empty for "ID NIL"), or %NULL on error
 */
GHashTable *
taube_imap_client_id_finish (TaubeImapClient  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_id_async, error);
}

/* -- ENABLE --------------------------------------------------------------------------- */

static void
enable_done (GTask             *task,
             TaubeImapResponse *tagged,
             GPtrArray         *untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  GHashTable *enabled = session_data (self)->enabled;

  for (guint i = 0; i < untagged->len; i++)
    {
      g_auto(GStrv) names = taube_imap_enabled_parse (g_ptr_array_index (untagged, i));

      for (guint j = 0; names[j] != NULL; j++)
        {
          g_debug ("Enabled %s", names[j]);
          g_hash_table_add (enabled, g_strdup (names[j]));
          /* RFC 7162 §3.2.3: enabling QRESYNC enables CONDSTORE too. */
          if (g_str_equal (names[j], "QRESYNC"))
            g_hash_table_add (enabled, g_strdup ("CONDSTORE"));
        }
    }
  _taube_imap_op_return (task, GINT_TO_POINTER (TRUE), NULL);
}

/**
 * taube_imap_client_enable_async:
 * @self: a logged-in #TaubeImapClient
 * @extensions: (array zero-terminated=1): extensions such as "CONDSTORE", "QRESYNC",
 *   "UTF8=ACCEPT"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Enables those of @extensions that the server offers (RFC 5161); ask
 * taube_imap_client_is_enabled() which ones it confirmed. Fails with
 * %TAUBE_IMAP_ERROR_NOT_SUPPORTED without the ENABLE capability; when the server offers
 * none of @extensions, nothing is sent.
 */
void
taube_imap_client_enable_async (TaubeImapClient     *self,
                                const char * const  *extensions,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) command = g_string_new ("ENABLE");

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (extensions != NULL);
  for (guint i = 0; extensions[i] != NULL; i++)
    g_return_if_fail (extensions[i][0] != '\0' && strpbrk (extensions[i], " \r\n()\"") == NULL);

  task = _taube_imap_op_begin (self, taube_imap_client_enable_async, cancellable, callback,
                               user_data);
  if (task == NULL || !require (task, "ENABLE"))
    return;
  /* Only what the server offers: an extension it does not know is a BAD otherwise. */
  for (guint i = 0; extensions[i] != NULL; i++)
    if (taube_imap_client_has_capability (self, extensions[i]))
      g_string_append_printf (command, " %s", extensions[i]);
  if (g_str_equal (command->str, "ENABLE"))
    {
      _taube_imap_op_return (task, GINT_TO_POINTER (TRUE), NULL);
      return;
    }
  _taube_imap_op_send (task, command->str, enable_done);
}

gboolean
taube_imap_client_enable_finish (TaubeImapClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_enable_async, error) != NULL;
}

/* -- NAMESPACE ------------------------------------------------------------------------ */

static void
namespace_done (GTask             *task,
                TaubeImapResponse *tagged,
                GPtrArray         *untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  gboolean utf8 = taube_imap_client_is_enabled (self, "UTF8=ACCEPT");

  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);
      TaubeImapNamespaces *namespaces;
      g_autoptr(GError) error = NULL;

      if (!taube_imap_response_is_keyword (response, "NAMESPACE"))
        continue;
      namespaces = taube_imap_namespaces_parse (response, utf8, &error);
      if (namespaces == NULL)
        {
          _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                            error->message));
          return;
        }
      _taube_imap_op_return (task, namespaces, (GDestroyNotify) taube_imap_namespaces_free);
      return;
    }
  _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                    "no NAMESPACE response"));
}

/**
 * taube_imap_client_namespace_async:
 * @self: a logged-in #TaubeImapClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the namespaces
 * @user_data: data for @callback
 *
 * Asks for the personal, other users' and shared namespaces (RFC 2342, RFC 9051 §6.3.10).
 * Fails with %TAUBE_IMAP_ERROR_NOT_SUPPORTED without the NAMESPACE capability.
 */
void
taube_imap_client_namespace_async (TaubeImapClient     *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));

  task = _taube_imap_op_begin (self, taube_imap_client_namespace_async, cancellable, callback,
                               user_data);
  if (task != NULL && require (task, "NAMESPACE"))
    _taube_imap_op_send (task, "NAMESPACE", namespace_done);
}

/**
 * taube_imap_client_namespace_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the namespaces, or %NULL on error
 */
TaubeImapNamespaces *
taube_imap_client_namespace_finish (TaubeImapClient  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_namespace_async, error);
}
