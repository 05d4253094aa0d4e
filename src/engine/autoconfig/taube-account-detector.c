/* taube-account-detector.c — finds an address's server settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The steps run one after the other, each only if the ones before found nothing, from the
 * most to the least trustworthy: the provider database shipped with Taube, the provider's
 * own autoconfig over HTTPS (…-autoconfig.c), DNS SRV and MX (…-dns.c), probing the usual
 * names and ports (…-probe.c). One time limit covers them all; when it runs out, the step
 * running is cancelled and the detection ends with TAUBE_AUTOCONFIG_ERROR_NOT_FOUND
 * (or with what probing had found by then).
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "taube-account-detector-private.h"
#include "taube-autoconfig-error.h"
#include "taube-autoconfig-private.h"

#define DEFAULT_TIMEOUT_S 15

struct _TaubeAccountDetector
{
  GObject parent_instance;

  GResolver *resolver;
  GTlsDatabase *tls_database;
  guint timeout;
  guint autoconfig_port;
  GHashTable *probe_ports;
  TaubeProviderDatabase *database;
};

G_DEFINE_FINAL_TYPE (TaubeAccountDetector, taube_account_detector, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RESOLVER,
  PROP_TLS_DATABASE,
  PROP_TIMEOUT,
  PROP_AUTOCONFIG_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* -- The context the steps share ---------------------------------------------------- */

static void
detect_context_clear (TaubeDetectContext *context)
{
  g_free (context->address);
  g_free (context->domain);
  g_clear_object (&context->resolver);
  g_clear_object (&context->tls_database);
  g_clear_object (&context->trust);
  g_clear_object (&context->database);
  g_clear_pointer (&context->probe_ports, g_hash_table_unref);
}

TaubeDetectContext *
_taube_detect_context_ref (TaubeDetectContext *context)
{
  return g_rc_box_acquire (context);
}

void
_taube_detect_context_unref (TaubeDetectContext *context)
{
  g_rc_box_release_full (context, (GDestroyNotify) detect_context_clear);
}

/* How long a network operation may take: what is left of the time limit, at most @cap_ms,
 * at least a moment (the limit itself cancels it anyway). */
guint
_taube_detect_context_remaining_ms (TaubeDetectContext *context,
                                    guint               cap_ms)
{
  gint64 left = (context->deadline - g_get_monotonic_time ()) / 1000;

  return (guint) CLAMP (left, 100, (gint64) cap_ms);
}

TaubeProviderConfig *
_taube_detect_new_config (TaubeDetectContext    *context,
                          TaubeAutoconfigSource  source)
{
  TaubeProviderConfig *config = _taube_provider_config_new (context->domain);

  _taube_provider_config_set_names (config, context->domain, context->domain);
  _taube_provider_config_add_domain (config, context->domain);
  _taube_provider_config_set_source (config, source);
  return config;
}

static TaubeDetectContext *
detect_context_new (TaubeAccountDetector          *self,
                    const TaubeAutoconfigAddress  *address)
{
  TaubeDetectContext *context = g_rc_box_new0 (TaubeDetectContext);
  g_autoptr(GError) error = NULL;
  g_autofree char *ascii = g_hostname_to_ascii (address->domain);

  context->address = g_strdup (address->address);
  context->domain = g_strdup (ascii != NULL ? ascii : address->domain);
  context->resolver = self->resolver != NULL ? g_object_ref (self->resolver)
                                             : g_resolver_get_default ();
  g_set_object (&context->tls_database, self->tls_database);
  context->trust = taube_tls_trust_new ();
  if (self->tls_database != NULL)
    taube_tls_trust_add_database (context->trust, self->tls_database);
  if (!taube_tls_trust_add_test_ca_from_env (context->trust, &error))
    g_warning ("TAUBE_EXTRA_CA_FILE: %s", error->message);
  context->database = g_object_ref (self->database);
  context->autoconfig_port = self->autoconfig_port;
  context->probe_ports = g_hash_table_ref (self->probe_ports);
  context->deadline = g_get_monotonic_time () + (gint64) self->timeout * G_USEC_PER_SEC;
  return context;
}

/* -- The object ------------------------------------------------------------------- */

static void
taube_account_detector_finalize (GObject *object)
{
  TaubeAccountDetector *self = TAUBE_ACCOUNT_DETECTOR (object);

  g_clear_object (&self->resolver);
  g_clear_object (&self->tls_database);
  g_clear_object (&self->database);
  g_hash_table_unref (self->probe_ports);

  G_OBJECT_CLASS (taube_account_detector_parent_class)->finalize (object);
}

static void
taube_account_detector_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TaubeAccountDetector *self = TAUBE_ACCOUNT_DETECTOR (object);

  switch (prop_id)
    {
    case PROP_RESOLVER:
      g_value_set_object (value, self->resolver);
      break;
    case PROP_TLS_DATABASE:
      g_value_set_object (value, self->tls_database);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_AUTOCONFIG_PORT:
      g_value_set_uint (value, self->autoconfig_port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint (TaubeAccountDetector *self,
          guint                *field,
          guint                 value,
          guint                 prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
taube_account_detector_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  TaubeAccountDetector *self = TAUBE_ACCOUNT_DETECTOR (object);

  switch (prop_id)
    {
    case PROP_RESOLVER:
      if (g_set_object (&self->resolver, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_TLS_DATABASE:
      if (g_set_object (&self->tls_database, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_TIMEOUT:
      set_uint (self, &self->timeout, g_value_get_uint (value), prop_id);
      break;
    case PROP_AUTOCONFIG_PORT:
      set_uint (self, &self->autoconfig_port, g_value_get_uint (value), prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_account_detector_class_init (TaubeAccountDetectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = taube_account_detector_finalize;
  object_class->get_property = taube_account_detector_get_property;
  object_class->set_property = taube_account_detector_set_property;

  /* For SRV and MX lookups; connections resolve names through the default resolver. */
  properties[PROP_RESOLVER] = g_param_spec_object ("resolver", NULL, NULL, G_TYPE_RESOLVER,
                                                   flags);
  /* HTTPS autoconfig trusts only these CAs when set; probes trust them besides the
   * system's (TaubeConnection always verifies against the system's CAs as well). */
  properties[PROP_TLS_DATABASE] = g_param_spec_object ("tls-database", NULL, NULL,
                                                       G_TYPE_TLS_DATABASE, flags);
  properties[PROP_TIMEOUT] = g_param_spec_uint ("timeout", NULL, NULL, 1, 600,
                                                DEFAULT_TIMEOUT_S, flags);
  /* Test hook: the HTTPS port autoconfig URLs use (443 in normal use). */
  properties[PROP_AUTOCONFIG_PORT] = g_param_spec_uint ("autoconfig-port", NULL, NULL, 1,
                                                        65535, 443, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, TAUBE_TYPE_AUTOCONFIG_SOURCE,
                                           G_TYPE_STRING);
}

static void
taube_account_detector_init (TaubeAccountDetector *self)
{
  self->timeout = DEFAULT_TIMEOUT_S;
  self->autoconfig_port = 443;
  self->probe_ports = g_hash_table_new (NULL, NULL);
  /* Parsing the 63 built-in files takes a few milliseconds, once per detector. */
  self->database = taube_provider_database_new ();
}

/**
 * taube_account_detector_new:
 *
 * Returns: (transfer full): a detector with the default resolver, the system's CAs and a
 *   time limit of 15 seconds
 */
TaubeAccountDetector *
taube_account_detector_new (void)
{
  return g_object_new (TAUBE_TYPE_ACCOUNT_DETECTOR, NULL);
}

/**
 * taube_account_detector_set_probe_port:
 * @self: a #TaubeAccountDetector
 * @standard_port: a port probing tries, such as 993
 * @port: the port to connect to instead, or 0 to undo
 *
 * Test hook: lets probes of the standard ports reach a test server's random ports.
 */
void
taube_account_detector_set_probe_port (TaubeAccountDetector *self,
                                       guint                 standard_port,
                                       guint                 port)
{
  g_return_if_fail (TAUBE_IS_ACCOUNT_DETECTOR (self));
  g_return_if_fail (standard_port > 0 && standard_port <= 65535 && port <= 65535);

  if (port == 0)
    g_hash_table_remove (self->probe_ports, GUINT_TO_POINTER (standard_port));
  else
    g_hash_table_insert (self->probe_ports, GUINT_TO_POINTER (standard_port),
                         GUINT_TO_POINTER (port));
}

/* -- Detection ---------------------------------------------------------------------- */

typedef struct
{
  TaubeDetectContext *context;
  GCancellable *cancellable;         /* the steps': cancelled by the caller or the limit */
  GCancellable *caller_cancellable;
  gulong cancelled_id;
  GSource *timer;
  gboolean timed_out;
} DetectOp;

static void
detect_op_free (DetectOp *op)
{
  if (op->caller_cancellable != NULL)
    g_cancellable_disconnect (op->caller_cancellable, op->cancelled_id);
  g_clear_object (&op->caller_cancellable);
  if (op->timer != NULL)
    g_source_destroy (op->timer);
  g_clear_pointer (&op->timer, g_source_unref);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->context, _taube_detect_context_unref);
  g_free (op);
}

static gboolean
cancel_steps_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Passed on from an idle on the detection's own context: the caller may cancel from
 * another thread, and cancelling right here could finish the detection inside the
 * caller's "cancelled" emission, where disconnecting from it (in detect_op_free)
 * would deadlock (GLib 2.74). */
static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  DetectOp *op = g_task_get_task_data (task);
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_source_set_callback (idle, cancel_steps_cb, g_object_ref (op->cancellable), g_object_unref);
  g_source_set_static_name (idle, "[taube] cancel detection");
  g_source_attach (idle, g_task_get_context (task));
}

static gboolean
time_limit_cb (gpointer user_data)
{
  DetectOp *op = user_data;

  g_debug ("Time limit reached for %s", op->context->domain);
  op->timed_out = TRUE;
  g_cancellable_cancel (op->cancellable);
  return G_SOURCE_REMOVE;
}

static void
emit_progress (GTask                 *task,
               TaubeAutoconfigSource  step)
{
  TaubeAccountDetector *self = g_task_get_source_object (task);
  DetectOp *op = g_task_get_task_data (task);
  const char *domain = op->context->domain;
  g_autofree char *message = NULL;

  switch (step)
    {
    case TAUBE_AUTOCONFIG_SOURCE_DATABASE:
      /* Translators: %s is a mail domain such as "example.org". */
      message = g_strdup_printf (_("Looking up %s in Taube’s list of providers…"), domain);
      break;
    case TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG:
      /* Translators: %s is a mail domain such as "example.org". */
      message = g_strdup_printf (_("Asking the configuration server of %s…"), domain);
      break;
    case TAUBE_AUTOCONFIG_SOURCE_SRV:
    case TAUBE_AUTOCONFIG_SOURCE_MX:
      /* Translators: %s is a mail domain such as "example.org". */
      message = g_strdup_printf (_("Looking up the mail servers of %s in DNS…"), domain);
      break;
    case TAUBE_AUTOCONFIG_SOURCE_PROBE:
    default:
      /* Translators: %s is a mail domain such as "example.org". */
      message = g_strdup_printf (_("Trying the usual server names of %s…"), domain);
      break;
    }
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, step, message);
}

static gboolean
caller_cancelled (DetectOp *op)
{
  return op->caller_cancellable != NULL && g_cancellable_is_cancelled (op->caller_cancellable);
}

static void
found (GTask               *task,
       TaubeProviderConfig *config)
{
  if (caller_cancelled (g_task_get_task_data (task)))
    {
      g_object_unref (config);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    }
  g_debug ("Settings found (source %d)", taube_provider_config_get_source (config));
  g_task_return_pointer (task, config, g_object_unref);
}

/* Nothing found, or stopped: the caller's cancel wins over the time limit. */
static void
found_nothing (GTask *task)
{
  DetectOp *op = g_task_get_task_data (task);

  if (caller_cancelled (op))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    }
  g_task_return_new_error (task, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_NOT_FOUND,
                           /* Translators: %s is a mail domain such as "example.org". */
                           _("No server settings were found for %s. Please enter them by "
                             "hand; your provider’s help pages list them."),
                           op->context->domain);
}

/* A step's result: a config ends the detection, nothing moves on to @next. */
static gboolean
step_found (GTask               *task,
            TaubeProviderConfig *config,
            GError              *error)
{
  DetectOp *op = g_task_get_task_data (task);

  if (config != NULL)
    {
      g_clear_error (&error);
      found (task, config);
      return TRUE;
    }
  if (error != NULL || g_cancellable_is_cancelled (op->cancellable))
    {
      g_clear_error (&error);
      found_nothing (task);
      return TRUE;
    }
  return FALSE;
}

static void
taube_account_detector_probe_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  TaubeProviderConfig *config = _taube_detect_probe_finish (result, &error);

  if (!step_found (task, config, error))
    found_nothing (task);
}

static void
taube_account_detector_dns_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DetectOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  TaubeProviderConfig *config = _taube_detect_dns_finish (result, &error);

  if (step_found (task, config, error))
    return;
  emit_progress (task, TAUBE_AUTOCONFIG_SOURCE_PROBE);
  _taube_detect_probe_async (op->context, op->cancellable, taube_account_detector_probe_cb,
                             g_object_ref (task));
}

static void
taube_account_detector_autoconfig_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DetectOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  TaubeProviderConfig *config = _taube_detect_autoconfig_finish (result, &error);

  if (step_found (task, config, error))
    return;
  emit_progress (task, TAUBE_AUTOCONFIG_SOURCE_SRV);
  _taube_detect_dns_async (op->context, op->cancellable, taube_account_detector_dns_cb,
                           g_object_ref (task));
}

static void
start (GTask *task)
{
  TaubeAccountDetector *self = g_task_get_source_object (task);
  DetectOp *op = g_task_get_task_data (task);
  TaubeProviderConfig *config;
  GError *error = NULL;

  if (caller_cancelled (op))
    {
      found_nothing (task);
      return;
    }
  emit_progress (task, TAUBE_AUTOCONFIG_SOURCE_DATABASE);
  config = taube_provider_database_lookup_address (self->database, op->context->address,
                                                   &error);
  if (step_found (task, config, error))
    return;
  emit_progress (task, TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG);
  _taube_detect_autoconfig_async (op->context, op->cancellable,
                                  taube_account_detector_autoconfig_cb, g_object_ref (task));
}

static void
start_time_limit (TaubeAccountDetector *self,
                  DetectOp             *op)
{
  /* Not _seconds (): its one-second granularity could end a 2 s limit after 1.1 s. */
  op->timer = g_timeout_source_new (self->timeout * 1000);
  g_source_set_callback (op->timer, time_limit_cb, op, NULL);
  g_source_set_static_name (op->timer, "[taube] detection time limit");
  g_source_attach (op->timer, g_main_context_get_thread_default ());
}

/**
 * taube_account_detector_detect_async:
 * @self: a #TaubeAccountDetector
 * @email_address: the address being set up
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the settings found, or when there are none
 * @user_data: data for @callback
 *
 * Looks for @email_address's servers; "progress" tells when each step starts.
 */
void
taube_account_detector_detect_async (TaubeAccountDetector *self,
                                     const char           *email_address,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_auto(TaubeAutoconfigAddress) address = { NULL, };
  DetectOp *op;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_ACCOUNT_DETECTOR (self));
  g_return_if_fail (email_address != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_account_detector_detect_async);
  /* The task's own cancellable would return CANCELLED at once, also for the time limit. */
  g_task_set_check_cancellable (task, FALSE);
  if (!_taube_autoconfig_address_init (&address, email_address, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  op = g_new0 (DetectOp, 1);
  op->context = detect_context_new (self, &address);
  op->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, op, (GDestroyNotify) detect_op_free);
  if (cancellable != NULL)
    {
      op->caller_cancellable = g_object_ref (cancellable);
      /* No reference to @task: the handler is disconnected before the task goes. */
      op->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                task, NULL);
    }
  start_time_limit (self, op);
  start (task);
}

/**
 * taube_account_detector_detect_finish:
 * @self: a #TaubeAccountDetector
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the settings, their source set; or %NULL with
 *   %TAUBE_AUTOCONFIG_ERROR_NOT_FOUND, %TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS or
 *   %G_IO_ERROR_CANCELLED
 */
TaubeProviderConfig *
taube_account_detector_detect_finish (TaubeAccountDetector  *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_account_detector_detect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- Confirmation ------------------------------------------------------------------- */

static gboolean
is_in_domain (const char *host,
              const char *domain)
{
  g_autofree char *lower = g_ascii_strdown (host, -1);
  gsize len = strlen (lower);
  g_autofree char *suffix = g_strconcat (".", domain, NULL);

  if (len > 0 && lower[len - 1] == '.')
    lower[len - 1] = '\0';
  return g_str_equal (lower, domain) || g_str_has_suffix (lower, suffix);
}

static gboolean
servers_in_domain (GListModel *servers,
                   const char *domain)
{
  for (guint i = 0; i < g_list_model_get_n_items (servers); i++)
    {
      g_autoptr(TaubeAutoconfigServer) server = g_list_model_get_item (servers, i);

      if (!is_in_domain (taube_autoconfig_server_get_hostname (server), domain))
        return FALSE;
    }
  return TRUE;
}

/**
 * taube_provider_config_needs_confirmation:
 * @config: settings the detector found
 * @email_address: the address they are for
 *
 * SRV and MX answers come over plain DNS, which anyone on the path can forge, and a
 * configuration server may name any host: such settings are shown to the person before
 * use. The provider database ships with Taube and was checked when it was written
 * (gmx.de's servers are in gmx.net), so its settings need no confirmation.
 *
 * Returns: %TRUE if the person must confirm the settings
 */
gboolean
taube_provider_config_needs_confirmation (TaubeProviderConfig *config,
                                          const char          *email_address)
{
  g_auto(TaubeAutoconfigAddress) address = { NULL, };
  g_autofree char *domain = NULL;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (config), TRUE);
  g_return_val_if_fail (email_address != NULL, TRUE);

  switch (taube_provider_config_get_source (config))
    {
    case TAUBE_AUTOCONFIG_SOURCE_SRV:
    case TAUBE_AUTOCONFIG_SOURCE_MX:
      return TRUE;
    case TAUBE_AUTOCONFIG_SOURCE_DATABASE:
      return FALSE;
    case TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG:
    case TAUBE_AUTOCONFIG_SOURCE_PROBE:
    default:
      break;
    }
  if (!_taube_autoconfig_address_init (&address, email_address, NULL))
    return TRUE;
  domain = g_hostname_to_ascii (address.domain);
  if (domain == NULL)
    return TRUE;
  return !servers_in_domain (taube_provider_config_get_incoming_servers (config), domain)
         || !servers_in_domain (taube_provider_config_get_outgoing_servers (config), domain);
}
