/* taube-autoconfig-rank.c — which of a provider's servers the assistant suggests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order, as shared/docs/mail-protocols.md sets it out: encrypted before plain, IMAP before
 * POP3, implicit TLS before STARTTLS (RFC 8314 §3), and otherwise the provider's own order.
 * A plain-text server is listed last and never recommended: the person may still pick it by
 * hand, but Taube does not send a password in the clear on its own initiative.
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include "taube-provider-config.h"

static int
security_rank (TaubeSecurity security)
{
  switch (security)
    {
    case TAUBE_SECURITY_TLS: return 0;
    case TAUBE_SECURITY_STARTTLS: return 1;
    case TAUBE_SECURITY_NONE: return 2;
    default: g_assert_not_reached ();
    }
}

static gboolean
is_plain (TaubeAutoconfigServer *server)
{
  return taube_autoconfig_server_get_security (server) == TAUBE_SECURITY_NONE;
}

static int
compare_servers (gconstpointer a,
                 gconstpointer b)
{
  TaubeAutoconfigServer *first = *(TaubeAutoconfigServer **) a;
  TaubeAutoconfigServer *second = *(TaubeAutoconfigServer **) b;
  int order = (int) is_plain (first) - (int) is_plain (second);

  if (order == 0 && !taube_autoconfig_server_is_outgoing (first))
    order = (int) taube_autoconfig_server_get_protocol (first)
            - (int) taube_autoconfig_server_get_protocol (second);
  if (order == 0)
    order = security_rank (taube_autoconfig_server_get_security (first))
            - security_rank (taube_autoconfig_server_get_security (second));
  return order;
}

static GListModel *
rank (GListModel *servers)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func (g_object_unref);
  GListStore *store = g_list_store_new (TAUBE_TYPE_AUTOCONFIG_SERVER);

  for (guint i = 0; i < g_list_model_get_n_items (servers); i++)
    g_ptr_array_add (sorted, g_list_model_get_item (servers, i));
  /* Stable since GLib 2.32, so equal servers keep the provider's order. */
  g_ptr_array_sort (sorted, compare_servers);
  g_list_store_splice (store, 0, 0, sorted->pdata, sorted->len);
  return G_LIST_MODEL (store);
}

/**
 * taube_provider_config_rank_incoming:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (transfer full): the IMAP and POP3 servers, best first; plain-text ones last
 */
GListModel *
taube_provider_config_rank_incoming (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return rank (taube_provider_config_get_incoming_servers (self));
}

/**
 * taube_provider_config_rank_outgoing:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (transfer full): the SMTP servers, best first; plain-text ones last
 */
GListModel *
taube_provider_config_rank_outgoing (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return rank (taube_provider_config_get_outgoing_servers (self));
}

static TaubeAutoconfigServer *
first_encrypted (GListModel *ranked,
                 gboolean    any_protocol,
                 TaubeProtocol protocol)
{
  for (guint i = 0; i < g_list_model_get_n_items (ranked); i++)
    {
      g_autoptr(TaubeAutoconfigServer) server = g_list_model_get_item (ranked, i);

      if (is_plain (server))
        break;
      if (any_protocol || taube_autoconfig_server_get_protocol (server) == protocol)
        return g_steal_pointer (&server);
    }
  return NULL;
}

/**
 * taube_provider_config_get_recommended_incoming:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (transfer full) (nullable): the server the assistant suggests, or %NULL if the
 *   provider offers only plain-text servers (the person must then choose)
 */
TaubeAutoconfigServer *
taube_provider_config_get_recommended_incoming (TaubeProviderConfig *self)
{
  g_autoptr(GListModel) ranked = NULL;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);

  ranked = taube_provider_config_rank_incoming (self);
  return first_encrypted (ranked, TRUE, TAUBE_PROTOCOL_IMAP);
}

/**
 * taube_provider_config_get_recommended_incoming_for_protocol:
 * @self: a #TaubeProviderConfig
 * @protocol: the protocol the person chose
 *
 * Returns: (transfer full) (nullable): the best encrypted server of @protocol, or %NULL
 */
TaubeAutoconfigServer *
taube_provider_config_get_recommended_incoming_for_protocol (TaubeProviderConfig *self,
                                                             TaubeProtocol        protocol)
{
  g_autoptr(GListModel) ranked = NULL;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);

  ranked = taube_provider_config_rank_incoming (self);
  return first_encrypted (ranked, FALSE, protocol);
}

/**
 * taube_provider_config_get_recommended_outgoing:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (transfer full) (nullable): the SMTP server the assistant suggests, or %NULL if
 *   there is none or only plain-text ones
 */
TaubeAutoconfigServer *
taube_provider_config_get_recommended_outgoing (TaubeProviderConfig *self)
{
  g_autoptr(GListModel) ranked = NULL;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);

  ranked = taube_provider_config_rank_outgoing (self);
  return first_encrypted (ranked, TRUE, TAUBE_PROTOCOL_IMAP);
}
