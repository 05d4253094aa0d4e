/* taube-account-detector-dns.c — SRV records (RFC 6186, RFC 8314) and the MX host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All seven lookups run at once. SRV records name the domain's own servers; failing
 * those, the mail exchanger's domain may be a provider in the database (a custom domain
 * hosted at Google or Microsoft). Plain DNS can be spoofed, so both results are shown for
 * confirmation (taube_provider_config_needs_confirmation()).
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include "taube-account-detector-private.h"
#include "taube-autoconfig-private.h"

typedef struct
{
  const char *service;
  gboolean outgoing;
  TaubeProtocol protocol;
  TaubeSecurity security;
} SrvService;

/* RFC 8314 §5.1 prefers the implicit-TLS services; ranking does the same later. Plain
 * _imap/_pop3/_submission are only ever used with STARTTLS, never unencrypted. */
static const SrvService services[] = {
  { "imaps", FALSE, TAUBE_PROTOCOL_IMAP, TAUBE_SECURITY_TLS },
  { "imap", FALSE, TAUBE_PROTOCOL_IMAP, TAUBE_SECURITY_STARTTLS },
  { "pop3s", FALSE, TAUBE_PROTOCOL_POP3, TAUBE_SECURITY_TLS },
  { "pop3", FALSE, TAUBE_PROTOCOL_POP3, TAUBE_SECURITY_STARTTLS },
  { "submissions", TRUE, TAUBE_PROTOCOL_IMAP, TAUBE_SECURITY_TLS },
  { "submission", TRUE, TAUBE_PROTOCOL_IMAP, TAUBE_SECURITY_STARTTLS },
};

typedef struct
{
  TaubeDetectContext *context;
  guint pending;
  GSrvTarget *targets[G_N_ELEMENTS (services)];
  char *mx_host;
} DnsOp;

typedef struct
{
  GTask *task;
  guint index;
} SrvLookup;

static void
dns_op_free (DnsOp *op)
{
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    g_clear_pointer (&op->targets[i], g_srv_target_free);
  g_free (op->mx_host);
  _taube_detect_context_unref (op->context);
  g_free (op);
}

static void
add_srv_server (TaubeProviderConfig *config,
                const SrvService    *service,
                GSrvTarget          *target,
                const char          *address)
{
  const char *host = g_srv_target_get_hostname (target);
  guint port = g_srv_target_get_port (target);
  g_autoptr(TaubeAutoconfigServer) server = NULL;

  if (service->outgoing)
    server = taube_autoconfig_server_new_outgoing (host, port, service->security, address);
  else
    server = taube_autoconfig_server_new_incoming (service->protocol, host, port,
                                                   service->security, address);
  _taube_autoconfig_server_add_authentication (server, TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT);
  _taube_provider_config_add_server (config, server);
}

static TaubeProviderConfig *
config_from_srv (DnsOp *op)
{
  g_autoptr(TaubeProviderConfig) config = NULL;
  gboolean incoming = FALSE;

  config = _taube_detect_new_config (op->context, TAUBE_AUTOCONFIG_SOURCE_SRV);
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      if (op->targets[i] == NULL)
        continue;
      add_srv_server (config, &services[i], op->targets[i], op->context->address);
      incoming |= !services[i].outgoing;
    }
  /* Only an outgoing server is no account. */
  return incoming ? g_steal_pointer (&config) : NULL;
}

static void
finish (GTask *task)
{
  DnsOp *op = g_task_get_task_data (task);
  TaubeProviderConfig *config;

  if (g_task_return_error_if_cancelled (task))
    return;
  config = config_from_srv (op);
  if (config == NULL && op->mx_host != NULL)
    {
      config = taube_provider_database_lookup_address_by_mx (op->context->database,
                                                             op->context->address,
                                                             op->mx_host, NULL);
      g_debug ("MX %s: %s", op->mx_host, config != NULL ? "a known provider" : "not known");
    }
  g_task_return_pointer (task, config, g_object_unref);
}

static void
lookup_done (GTask *task)
{
  DnsOp *op = g_task_get_task_data (task);

  g_assert (op->pending > 0);
  if (--op->pending == 0)
    finish (task);
  g_object_unref (task);
}

/* RFC 2782: a target of "." means the service is decidedly not available. */
static gboolean
is_usable (GSrvTarget *target)
{
  const char *host = g_srv_target_get_hostname (target);

  return host != NULL && *host != '\0' && g_strcmp0 (host, ".") != 0
         && g_srv_target_get_port (target) != 0;
}

static void
taube_detect_dns_service_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  SrvLookup *lookup = user_data;
  DnsOp *op = g_task_get_task_data (lookup->task);
  GList *targets;
  g_autoptr(GError) error = NULL;

  targets = g_resolver_lookup_service_finish (G_RESOLVER (object), result, &error);
  targets = g_srv_target_list_sort (targets);
  if (targets != NULL && is_usable (targets->data))
    {
      op->targets[lookup->index] = g_srv_target_copy (targets->data);
      g_debug ("SRV _%s._tcp.%s: %s:%u", services[lookup->index].service, op->context->domain,
               g_srv_target_get_hostname (targets->data),
               g_srv_target_get_port (targets->data));
    }
  g_list_free_full (targets, (GDestroyNotify) g_srv_target_free);
  lookup_done (lookup->task);
  g_free (lookup);
}

static void
taube_detect_dns_mx_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  DnsOp *op = g_task_get_task_data (task);
  GList *records;
  guint16 best = G_MAXUINT16;

  records = g_resolver_lookup_records_finish (G_RESOLVER (object), result, NULL);
  for (GList *l = records; l != NULL; l = l->next)
    {
      guint16 preference;
      const char *host;

      g_variant_get (l->data, "(q&s)", &preference, &host);
      if (op->mx_host == NULL || preference < best)
        {
          best = preference;
          g_free (op->mx_host);
          op->mx_host = g_strdup (host);
        }
    }
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);
  lookup_done (task);
}

void
_taube_detect_dns_async (TaubeDetectContext  *context,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  DnsOp *op = g_new0 (DnsOp, 1);

  g_task_set_source_tag (task, _taube_detect_dns_async);
  op->context = _taube_detect_context_ref (context);
  g_task_set_task_data (task, op, (GDestroyNotify) dns_op_free);

  op->pending = G_N_ELEMENTS (services) + 1;
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      SrvLookup *lookup = g_new0 (SrvLookup, 1);

      lookup->task = g_object_ref (task);
      lookup->index = i;
      g_resolver_lookup_service_async (context->resolver, services[i].service, "tcp",
                                       context->domain, cancellable,
                                       taube_detect_dns_service_cb, lookup);
    }
  g_resolver_lookup_records_async (context->resolver, context->domain, G_RESOLVER_RECORD_MX,
                                   cancellable, taube_detect_dns_mx_cb, g_object_ref (task));
}

TaubeProviderConfig *
_taube_detect_dns_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
