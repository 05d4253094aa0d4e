/* taube-imap-quota.c — QUOTAROOT and QUOTA responses (RFC 9208)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GETQUOTAROOT answers with "* QUOTAROOT mailbox root ..." and one
 * "* QUOTA root (resource usage limit ...)" per root (RFC 9208 §4.2.2, §5).
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-error.h"
#include "taube-imap-mailbox-data.h"
#include "taube-imap-quota.h"

static void
resource_free (TaubeImapQuotaResource *resource)
{
  g_free (resource->name);
  g_free (resource);
}

void
taube_imap_quota_free (TaubeImapQuota *quota)
{
  if (quota == NULL)
    return;
  g_free (quota->root);
  g_clear_pointer (&quota->resources, g_ptr_array_unref);
  g_free (quota);
}

/**
 * taube_imap_quota_parse:
 * @response: a "* QUOTA root (resource usage limit ...)" response
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the quota, or %NULL on error
 */
TaubeImapQuota *
taube_imap_quota_parse (const TaubeImapResponse  *response,
                        GError                  **error)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  const char *root = taube_imap_value_get_astring (taube_imap_value_get_item (data, 0), NULL);
  const TaubeImapValue *list = taube_imap_value_get_item (data, 1);
  guint n = taube_imap_value_get_length (list);
  g_autoptr(TaubeImapQuota) quota = NULL;

  if (!taube_imap_response_is_keyword (response, "QUOTA") || root == NULL
      || !taube_imap_value_is_list (list) || n % 3 != 0)
    return _taube_imap_malformed_error (error, "QUOTA");
  quota = g_new0 (TaubeImapQuota, 1);
  quota->root = g_strdup (root);
  quota->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) resource_free);
  for (guint i = 0; i < n; i += 3)
    {
      const char *name = taube_imap_value_get_atom (taube_imap_value_get_item (list, i));
      TaubeImapQuotaResource *resource;
      guint64 usage;
      guint64 limit;

      if (name == NULL
          || !taube_imap_value_get_number (taube_imap_value_get_item (list, i + 1), &usage)
          || !taube_imap_value_get_number (taube_imap_value_get_item (list, i + 2), &limit))
        return _taube_imap_malformed_error (error, "QUOTA");
      resource = g_new0 (TaubeImapQuotaResource, 1);
      resource->name = g_ascii_strup (name, -1);
      resource->usage = usage;
      resource->limit = limit;
      g_ptr_array_add (quota->resources, resource);
    }
  return g_steal_pointer (&quota);
}

/**
 * taube_imap_quota_root_parse:
 * @response: a "* QUOTAROOT mailbox root ..." response
 * @utf8: whether UTF8=ACCEPT is enabled
 * @mailbox: (out): the mailbox in UTF-8
 * @roots: (out): its quota roots, possibly none
 * @error: return location for a #GError
 *
 * Returns: whether @response was a well-formed QUOTAROOT response
 */
gboolean
taube_imap_quota_root_parse (const TaubeImapResponse  *response,
                             gboolean                  utf8,
                             char                    **mailbox,
                             GStrv                    *roots,
                             GError                  **error)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  const char *name = taube_imap_value_get_astring (taube_imap_value_get_item (data, 0), NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (!taube_imap_response_is_keyword (response, "QUOTAROOT") || name == NULL)
    {
      _taube_imap_malformed_error (error, "QUOTAROOT");
      return FALSE;
    }
  for (guint i = 1; i < taube_imap_value_get_length (data); i++)
    {
      const char *root = taube_imap_value_get_astring (taube_imap_value_get_item (data, i), NULL);

      if (root == NULL)
        {
          _taube_imap_malformed_error (error, "QUOTAROOT");
          return FALSE;
        }
      g_strv_builder_add (builder, root);
    }
  *mailbox = taube_imap_mailbox_decode (name, utf8);
  *roots = g_strv_builder_end (builder);
  return TRUE;
}

void
taube_imap_quota_info_free (TaubeImapQuotaInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->mailbox);
  g_strfreev (info->roots);
  g_clear_pointer (&info->quotas, g_ptr_array_unref);
  g_free (info);
}

/**
 * taube_imap_quota_info_lookup:
 * @info: the quota of a mailbox
 * @resource: "STORAGE", "MESSAGE" …, in any case
 * @usage: (out) (optional): how much is used
 * @limit: (out) (optional): the limit
 *
 * Looks through the roots in order and takes the first that limits @resource.
 *
 * Returns: whether any quota root limits @resource
 */
gboolean
taube_imap_quota_info_lookup (const TaubeImapQuotaInfo *info,
                              const char               *resource,
                              guint64                  *usage,
                              guint64                  *limit)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  for (guint i = 0; i < info->quotas->len; i++)
    {
      TaubeImapQuota *quota = g_ptr_array_index (info->quotas, i);

      for (guint j = 0; j < quota->resources->len; j++)
        {
          TaubeImapQuotaResource *entry = g_ptr_array_index (quota->resources, j);

          if (g_ascii_strcasecmp (entry->name, resource) != 0)
            continue;
          if (usage != NULL)
            *usage = entry->usage;
          if (limit != NULL)
            *limit = entry->limit;
          return TRUE;
        }
    }
  return FALSE;
}
