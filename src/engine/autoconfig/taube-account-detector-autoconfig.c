/* taube-account-detector-autoconfig.c — asking the provider's own configuration server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thunderbird's autoconfig convention: the provider publishes its config-v1.1.xml at
 * https://autoconfig.DOMAIN/mail/config-v1.1.xml?emailaddress=ADDRESS or at
 * https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml. Only HTTPS with a verified
 * certificate, no redirects (a redirect could leave HTTPS or the domain), and at most
 * TAUBE_AUTOCONFIG_MAX_SIZE bytes: anyone on the path could otherwise hand out settings
 * that send the password to their own server.
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include <libsoup/soup.h>

#include "taube-account-detector-private.h"
#include "taube-autoconfig-parser.h"
#include "taube-autoconfig-private.h"

/* One slow URL must leave time for DNS and probing. */
#define REQUEST_TIMEOUT_MS 6000

typedef struct
{
  TaubeDetectContext *context;
  SoupSession *session;
  GPtrArray *urls;
  guint next;
  SoupMessage *message;
} AutoconfigOp;

static void
autoconfig_op_free (AutoconfigOp *op)
{
  g_clear_object (&op->message);
  g_clear_object (&op->session);
  g_clear_pointer (&op->urls, g_ptr_array_unref);
  g_clear_pointer (&op->context, _taube_detect_context_unref);
  g_free (op);
}

static char *
port_suffix (guint port)
{
  return port == 443 ? g_strdup ("") : g_strdup_printf (":%u", port);
}

static GPtrArray *
build_urls (TaubeDetectContext *context)
{
  GPtrArray *urls = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *port = port_suffix (context->autoconfig_port);
  g_autofree char *address = g_uri_escape_string (context->address, NULL, FALSE);

  g_ptr_array_add (urls, g_strdup_printf ("https://autoconfig.%s%s/mail/config-v1.1.xml"
                                          "?emailaddress=%s", context->domain, port, address));
  g_ptr_array_add (urls, g_strdup_printf ("https://%s%s/.well-known/autoconfig/mail/"
                                          "config-v1.1.xml", context->domain, port));
  return urls;
}

/* The system's CAs (or the detector's database) said no; TAUBE_EXTRA_CA_FILE may say yes. */
static gboolean
taube_detect_autoconfig_accept_certificate_cb (SoupMessage          *message,
                                               GTlsCertificate      *certificate,
                                               GTlsCertificateFlags  errors,
                                               gpointer              user_data)
{
  TaubeDetectContext *context = user_data;
  GUri *uri = soup_message_get_uri (message);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (g_uri_get_host (uri),
                                                                  (guint16) g_uri_get_port (uri));

  return taube_tls_trust_accepts (context->trust, certificate, errors, identity);
}

static void try_next (GTask *task);

static void
taube_detect_autoconfig_splice_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AutoconfigOp *op = g_task_get_task_data (task);
  GMemoryOutputStream *buffer = G_MEMORY_OUTPUT_STREAM (object);
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* G_IO_ERROR_NO_SPACE: more than TAUBE_AUTOCONFIG_MAX_SIZE. */
      g_debug ("Autoconfig answer unusable: %s", error->message);
      try_next (g_steal_pointer (&task));
      return;
    }
  config = taube_autoconfig_parse (g_memory_output_stream_get_data (buffer),
                                   g_memory_output_stream_get_data_size (buffer),
                                   op->context->address, &error);
  if (config == NULL)
    {
      g_debug ("Autoconfig answer unusable: %s", error->message);
      try_next (g_steal_pointer (&task));
      return;
    }
  _taube_provider_config_set_source (config, TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG);
  g_task_return_pointer (task, g_steal_pointer (&config), g_object_unref);
}

static void
read_body (GTask        *task,
           GInputStream *body)
{
  AutoconfigOp *op = g_task_get_task_data (task);
  goffset length;
  g_autoptr(GOutputStream) buffer = NULL;

  length = soup_message_headers_get_content_length (
    soup_message_get_response_headers (op->message));
  if (length > TAUBE_AUTOCONFIG_MAX_SIZE)
    {
      g_debug ("Autoconfig answer of %" G_GOFFSET_FORMAT " bytes refused", length);
      try_next (task);
      return;
    }
  /* A fixed buffer of the allowed size: one byte more fails with G_IO_ERROR_NO_SPACE. */
  buffer = g_memory_output_stream_new (g_malloc (TAUBE_AUTOCONFIG_MAX_SIZE),
                                       TAUBE_AUTOCONFIG_MAX_SIZE, NULL, g_free);
  g_output_stream_splice_async (buffer, body,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE
                                | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                taube_detect_autoconfig_splice_cb, task);
}

static void
taube_detect_autoconfig_send_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  GTask *task = user_data;
  AutoconfigOp *op = g_task_get_task_data (task);
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_task_return_error_if_cancelled (task))
        {
          g_object_unref (task);
          return;
        }
      g_debug ("Autoconfig %s: %s", g_uri_get_host (soup_message_get_uri (op->message)),
               error->message);
      try_next (task);
      return;
    }
  status = soup_message_get_status (op->message);
  if (status != SOUP_STATUS_OK)
    {
      g_debug ("Autoconfig %s: HTTP %u", g_uri_get_host (soup_message_get_uri (op->message)),
               status);
      try_next (task);
      return;
    }
  read_body (task, body);
}

/* Takes over the caller's reference to @task. */
static void
try_next (GTask *task)
{
  AutoconfigOp *op = g_task_get_task_data (task);
  const char *url;

  g_clear_object (&op->message);
  if (op->next >= op->urls->len || g_task_return_error_if_cancelled (task))
    {
      if (!g_task_had_error (task))
        g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }
  url = g_ptr_array_index (op->urls, op->next++);
  g_debug ("Asking %s", url);
  op->message = soup_message_new (SOUP_METHOD_GET, url);
  if (op->message == NULL)
    {
      /* A domain that makes no valid URL has no autoconfig server either. */
      try_next (task);
      return;
    }
  soup_message_add_flags (op->message, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect (op->message, "accept-certificate",
                    G_CALLBACK (taube_detect_autoconfig_accept_certificate_cb), op->context);
  soup_session_set_timeout (op->session,
                            _taube_detect_context_remaining_ms (op->context,
                                                                REQUEST_TIMEOUT_MS) / 1000 + 1);
  soup_session_send_async (op->session, op->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), taube_detect_autoconfig_send_cb, task);
}

void
_taube_detect_autoconfig_async (TaubeDetectContext  *context,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  AutoconfigOp *op = g_new0 (AutoconfigOp, 1);

  g_task_set_source_tag (task, _taube_detect_autoconfig_async);
  op->context = _taube_detect_context_ref (context);
  op->urls = build_urls (context);
  op->session = soup_session_new_with_options ("user-agent", "Taube ", NULL);
  if (context->tls_database != NULL)
    g_object_set (op->session, "tls-database", context->tls_database, NULL);
  g_task_set_task_data (task, op, (GDestroyNotify) autoconfig_op_free);
  try_next (task);
}

TaubeProviderConfig *
_taube_detect_autoconfig_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
