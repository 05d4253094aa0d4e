/* taube-account-detector-probe.c — trying the usual server names and ports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * imap./mail./the domain on 993 and 143, pop3./pop./mail./the domain on 995 and 110,
 * smtp./mail./the domain on 465 and 587, all at once. A probe counts only if the server
 * greets and answers CAPABILITY / CAPA / EHLO over a verified TLS connection (on the
 * STARTTLS ports after a successful STARTTLS): the real clients' connect does exactly that,
 * and sends no credentials. Plain-text ports are never tried.
 *
 * When the time limit cancels the probes, whatever answered until then is kept: a slow
 * firewall dropping port 995 should not hide a working IMAP server.
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include "taube-account-detector-private.h"
#include "taube-autoconfig-private.h"
#include "taube-imap-client.h"
#include "taube-pop3-client.h"
#include "taube-smtp-client.h"

#define PROBE_TIMEOUT_MS 6000

typedef enum
{
  KIND_IMAP,
  KIND_POP3,
  KIND_SMTP,
  N_KINDS,
} ProbeKind;

static const struct
{
  const char *prefixes[5];
  guint tls_port;
  guint starttls_port;
  const char *log_domain;
} kinds[N_KINDS] = {
  [KIND_IMAP] = { { "imap.", "mail.", "", NULL }, 993, 143, "taube-imap" },
  [KIND_POP3] = { { "pop3.", "pop.", "mail.", "", NULL }, 995, 110, "taube-pop3" },
  [KIND_SMTP] = { { "smtp.", "mail.", "", NULL }, 465, 587, "taube-smtp" },
};

typedef struct
{
  GTask *task;               /* the step's; held while this probe runs */
  ProbeKind kind;
  guint host_index;
  TaubeSecurity security;
  char *host;
  guint port;
  TaubeConnection *connection;
  GObject *client;
  gboolean answered;
} Probe;

typedef struct
{
  TaubeDetectContext *context;
  GPtrArray *probes;
  guint pending;
} ProbeOp;

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->client);
  g_clear_object (&probe->connection);
  g_free (probe->host);
  g_free (probe);
}

static void
probe_op_free (ProbeOp *op)
{
  g_ptr_array_unref (op->probes);
  _taube_detect_context_unref (op->context);
  g_free (op);
}

static guint
mapped_port (TaubeDetectContext *context,
             guint               port)
{
  gpointer mapped = g_hash_table_lookup (context->probe_ports, GUINT_TO_POINTER (port));

  return mapped != NULL ? GPOINTER_TO_UINT (mapped) : port;
}

/* The first host that answered for @kind and @security, in the order of the table. */
static Probe *
best_probe (ProbeOp       *op,
            ProbeKind      kind,
            TaubeSecurity  security)
{
  Probe *best = NULL;

  for (guint i = 0; i < op->probes->len; i++)
    {
      Probe *probe = g_ptr_array_index (op->probes, i);

      if (probe->answered && probe->kind == kind && probe->security == security
          && (best == NULL || probe->host_index < best->host_index))
        best = probe;
    }
  return best;
}

static void
add_server (TaubeProviderConfig *config,
            Probe               *probe,
            const char          *address)
{
  g_autoptr(TaubeAutoconfigServer) server = NULL;

  if (probe->kind == KIND_SMTP)
    server = taube_autoconfig_server_new_outgoing (probe->host, probe->port, probe->security,
                                                   address);
  else
    server = taube_autoconfig_server_new_incoming (probe->kind == KIND_IMAP ? TAUBE_PROTOCOL_IMAP
                                                                            : TAUBE_PROTOCOL_POP3,
                                                   probe->host, probe->port, probe->security,
                                                   address);
  _taube_autoconfig_server_add_authentication (server, TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT);
  _taube_provider_config_add_server (config, server);
}

static TaubeProviderConfig *
build_config (ProbeOp *op)
{
  static const TaubeSecurity order[] = { TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS };
  g_autoptr(TaubeProviderConfig) config = NULL;
  gboolean incoming = FALSE;

  config = _taube_detect_new_config (op->context, TAUBE_AUTOCONFIG_SOURCE_PROBE);
  for (ProbeKind kind = 0; kind < N_KINDS; kind++)
    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      {
        Probe *probe = best_probe (op, kind, order[i]);

        if (probe == NULL)
          continue;
        add_server (config, probe, op->context->address);
        incoming |= kind != KIND_SMTP;
      }
  return incoming ? g_steal_pointer (&config) : NULL;
}

static void
probe_done (Probe *probe)
{
  GTask *task = probe->task;
  ProbeOp *op = g_task_get_task_data (task);
  TaubeProviderConfig *config;

  probe->task = NULL;
  if (probe->connection != NULL && taube_connection_is_connected (probe->connection))
    taube_connection_close_async (probe->connection, NULL, NULL, NULL);
  g_assert (op->pending > 0);
  if (--op->pending > 0)
    {
      g_object_unref (task);
      return;
    }
  config = build_config (op);
  if (config != NULL)
    g_task_return_pointer (task, config, g_object_unref);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, NULL, NULL);
  g_object_unref (task);
}

static void
taube_detect_probe_connect_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;

  switch (probe->kind)
    {
    case KIND_IMAP:
      probe->answered = taube_imap_client_connect_finish (TAUBE_IMAP_CLIENT (object), result,
                                                          &error);
      break;
    case KIND_POP3:
      probe->answered = taube_pop3_client_connect_finish (TAUBE_POP3_CLIENT (object), result,
                                                          &error);
      break;
    case KIND_SMTP:
    case N_KINDS:
    default:
      probe->answered = taube_smtp_client_connect_finish (TAUBE_SMTP_CLIENT (object), result,
                                                          &error);
      break;
    }
  g_debug ("Probe %s:%u (%s): %s", probe->host, probe->port,
           taube_security_to_string (probe->security),
           probe->answered ? "answered" : error->message);
  probe_done (probe);
}

static void
start_probe (Probe        *probe,
             GCancellable *cancellable)
{
  ProbeOp *op = g_task_get_task_data (probe->task);
  guint timeout = _taube_detect_context_remaining_ms (op->context, PROBE_TIMEOUT_MS);

  probe->connection = taube_connection_new (probe->host, (guint16) probe->port, probe->security,
                                            op->context->trust, kinds[probe->kind].log_domain,
                                            timeout, timeout);
  switch (probe->kind)
    {
    case KIND_IMAP:
      probe->client = G_OBJECT (taube_imap_client_new (probe->connection));
      taube_imap_client_connect_async (TAUBE_IMAP_CLIENT (probe->client), cancellable,
                                       taube_detect_probe_connect_cb, probe);
      break;
    case KIND_POP3:
      probe->client = G_OBJECT (taube_pop3_client_new (probe->connection));
      taube_pop3_client_connect_async (TAUBE_POP3_CLIENT (probe->client), cancellable,
                                       taube_detect_probe_connect_cb, probe);
      break;
    case KIND_SMTP:
    case N_KINDS:
    default:
      probe->client = G_OBJECT (taube_smtp_client_new (probe->connection));
      taube_smtp_client_connect_async (TAUBE_SMTP_CLIENT (probe->client), cancellable,
                                       taube_detect_probe_connect_cb, probe);
      break;
    }
}

static void
add_probe (GTask         *task,
           ProbeKind      kind,
           guint          host_index,
           TaubeSecurity  security)
{
  ProbeOp *op = g_task_get_task_data (task);
  Probe *probe = g_new0 (Probe, 1);
  guint port = security == TAUBE_SECURITY_TLS ? kinds[kind].tls_port
                                              : kinds[kind].starttls_port;

  probe->kind = kind;
  probe->host_index = host_index;
  probe->security = security;
  probe->host = g_strconcat (kinds[kind].prefixes[host_index], op->context->domain, NULL);
  probe->port = mapped_port (op->context, port);
  g_ptr_array_add (op->probes, probe);
}

void
_taube_detect_probe_async (TaubeDetectContext  *context,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ProbeOp *op = g_new0 (ProbeOp, 1);

  g_task_set_source_tag (task, _taube_detect_probe_async);
  op->context = _taube_detect_context_ref (context);
  op->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_free);
  g_task_set_task_data (task, op, (GDestroyNotify) probe_op_free);

  for (ProbeKind kind = 0; kind < N_KINDS; kind++)
    for (guint host = 0; kinds[kind].prefixes[host] != NULL; host++)
      {
        add_probe (task, kind, host, TAUBE_SECURITY_TLS);
        add_probe (task, kind, host, TAUBE_SECURITY_STARTTLS);
      }
  op->pending = op->probes->len;
  for (guint i = 0; i < op->probes->len; i++)
    {
      Probe *probe = g_ptr_array_index (op->probes, i);

      probe->task = g_object_ref (task);
      start_probe (probe, cancellable);
    }
}

TaubeProviderConfig *
_taube_detect_probe_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
