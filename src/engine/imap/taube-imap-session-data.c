/* taube-imap-session-data.c — ENABLED, NAMESPACE and ID responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Interpreters of parsed untagged responses about the session as a whole. They only read
 * the value tree; a response of the wrong shape gives TAUBE_IMAP_ERROR_PROTOCOL.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-error.h"
#include "taube-imap-session-data.h"
#include "taube-utf7.h"

static void
namespace_free (TaubeImapNamespace *namespace)
{
  g_free (namespace->prefix);
  g_free (namespace);
}

void
taube_imap_namespaces_free (TaubeImapNamespaces *namespaces)
{
  if (namespaces == NULL)
    return;
  g_clear_pointer (&namespaces->personal, g_ptr_array_unref);
  g_clear_pointer (&namespaces->other_users, g_ptr_array_unref);
  g_clear_pointer (&namespaces->shared, g_ptr_array_unref);
  g_free (namespaces);
}

/* One namespace group: NIL or a list of ("prefix" "delimiter" *extension). */
static GPtrArray *
parse_namespace_group (const TaubeImapValue  *group,
                       gboolean               utf8,
                       GError               **error)
{
  g_autoptr(GPtrArray) result =
    g_ptr_array_new_with_free_func ((GDestroyNotify) namespace_free);

  if (taube_imap_value_is_nil (group))
    return g_steal_pointer (&result);
  if (!taube_imap_value_is_list (group))
    return _taube_imap_malformed_error (error, "NAMESPACE");
  for (guint i = 0; i < taube_imap_value_get_length (group); i++)
    {
      const TaubeImapValue *entry = taube_imap_value_get_item (group, i);
      const char *prefix = taube_imap_value_get_string (taube_imap_value_get_item (entry, 0),
                                                        NULL);
      const TaubeImapValue *delimiter = taube_imap_value_get_item (entry, 1);
      const char *separator = taube_imap_value_get_string (delimiter, NULL);
      TaubeImapNamespace *namespace;

      if (!taube_imap_value_is_list (entry) || prefix == NULL
          || (separator == NULL && !taube_imap_value_is_nil (delimiter)))
        return _taube_imap_malformed_error (error, "NAMESPACE");
      namespace = g_new0 (TaubeImapNamespace, 1);
      /* RFC 2342 §5: prefixes are mailbox names, so modified UTF-7 (RFC 9051 §5.1.3). */
      namespace->prefix = utf8 ? NULL : taube_utf7_decode (prefix, NULL);
      if (namespace->prefix == NULL)
        namespace->prefix = g_strdup (prefix);
      namespace->delimiter = separator != NULL ? separator[0] : '\0';
      g_ptr_array_add (result, namespace);
    }
  return g_steal_pointer (&result);
}

/**
 * taube_imap_namespaces_parse:
 * @response: a "* NAMESPACE personal other shared" response (RFC 2342 §5)
 * @utf8: whether UTF8=ACCEPT is enabled, so that prefixes are UTF-8 rather than modified
 *   UTF-7
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the three groups of namespaces, or %NULL on error
 */
TaubeImapNamespaces *
taube_imap_namespaces_parse (const TaubeImapResponse  *response,
                             gboolean                  utf8,
                             GError                  **error)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  g_autoptr(TaubeImapNamespaces) namespaces = g_new0 (TaubeImapNamespaces, 1);

  if (!taube_imap_response_is_keyword (response, "NAMESPACE")
      || taube_imap_value_get_length (data) < 3)
    return _taube_imap_malformed_error (error, "NAMESPACE");
  namespaces->personal = parse_namespace_group (taube_imap_value_get_item (data, 0), utf8,
                                                error);
  if (namespaces->personal == NULL)
    return NULL;
  namespaces->other_users = parse_namespace_group (taube_imap_value_get_item (data, 1), utf8,
                                                   error);
  if (namespaces->other_users == NULL)
    return NULL;
  namespaces->shared = parse_namespace_group (taube_imap_value_get_item (data, 2), utf8,
                                              error);
  if (namespaces->shared == NULL)
    return NULL;
  return g_steal_pointer (&namespaces);
}

/**
 * taube_imap_enabled_parse:
 * @response: a "* ENABLED ..." response (RFC 5161 §3.2)
 *
 * Returns: (transfer full): the extensions the server enabled, in upper case; empty for
 *   any other response
 */
GStrv
taube_imap_enabled_parse (const TaubeImapResponse *response)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  if (taube_imap_response_is_keyword (response, "ENABLED"))
    for (guint i = 0; i < taube_imap_value_get_length (data); i++)
      {
        const char *atom = taube_imap_value_get_atom (taube_imap_value_get_item (data, i));

        g_autofree char *upper = atom != NULL ? g_ascii_strup (atom, -1) : NULL;

        if (upper != NULL)
          g_strv_builder_add (names, upper);
      }
  return g_strv_builder_end (names);
}

/**
 * taube_imap_id_parse:
 * @response: a "* ID (field value ...)" or "* ID NIL" response (RFC 2971 §3.2)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the server's fields with lower-case names; values
 *   that were NIL are left out; %NULL on error
 */
GHashTable *
taube_imap_id_parse (const TaubeImapResponse  *response,
                     GError                  **error)
{
  const TaubeImapValue *list = taube_imap_value_get_item (taube_imap_response_get_data (response),
                                                         0);
  g_autoptr(GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint n = taube_imap_value_get_length (list);

  if (!taube_imap_response_is_keyword (response, "ID"))
    return _taube_imap_malformed_error (error, "ID");
  if (taube_imap_value_is_nil (list))
    return g_steal_pointer (&fields);
  if (!taube_imap_value_is_list (list) || n % 2 != 0)
    return _taube_imap_malformed_error (error, "ID");
  for (guint i = 0; i < n; i += 2)
    {
      const char *name = taube_imap_value_get_string (taube_imap_value_get_item (list, i), NULL);
      const TaubeImapValue *value = taube_imap_value_get_item (list, i + 1);
      const char *text = taube_imap_value_get_nstring (value, NULL);

      if (name == NULL || (text == NULL && !taube_imap_value_is_nil (value)))
        return _taube_imap_malformed_error (error, "ID");
      if (text != NULL)
        g_hash_table_replace (fields, g_ascii_strdown (name, -1), g_strdup (text));
    }
  return g_steal_pointer (&fields);
}
