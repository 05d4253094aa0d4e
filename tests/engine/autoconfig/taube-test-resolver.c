/* taube-test-resolver.c — a GResolver that answers from tables, for detection tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Names map to addresses (IPv4 only), SRV names to one target each, domains to MX records.
 * Anything else is NOT_FOUND at once, except names under the "slow" suffix: those are
 * never answered, only cancelled, like a DNS server that drops the queries.
 */
#include "taube-test-resolver.h"

struct _TaubeTestResolver
{
  GResolver parent_instance;

  GHashTable *hosts;      /* name -> address text */
  GHashTable *srv;        /* rrname -> GSrvTarget */
  GHashTable *mx;         /* domain -> GPtrArray of GVariant (qs) */
  char *slow_suffix;
  guint lookups;
};

G_DEFINE_FINAL_TYPE (TaubeTestResolver, taube_test_resolver, G_TYPE_RESOLVER)

typedef enum
{
  LOOKUP_NAME,
  LOOKUP_SERVICE,
  LOOKUP_MX,
} LookupKind;

static gboolean
is_slow (TaubeTestResolver *self,
         const char        *name)
{
  return self->slow_suffix != NULL && g_str_has_suffix (name, self->slow_suffix);
}

static GList *
answer (TaubeTestResolver  *self,
        LookupKind          kind,
        const char         *name,
        GError            **error)
{
  GList *list = NULL;

  self->lookups++;
  if (kind == LOOKUP_NAME && g_hash_table_contains (self->hosts, name))
    list = g_list_prepend (NULL, g_inet_address_new_from_string (
      g_hash_table_lookup (self->hosts, name)));
  else if (kind == LOOKUP_SERVICE && g_hash_table_contains (self->srv, name))
    list = g_list_prepend (NULL, g_srv_target_copy (g_hash_table_lookup (self->srv, name)));
  else if (kind == LOOKUP_MX && g_hash_table_contains (self->mx, name))
    {
      GPtrArray *records = g_hash_table_lookup (self->mx, name);

      for (guint i = 0; i < records->len; i++)
        list = g_list_append (list, g_variant_ref (g_ptr_array_index (records, i)));
    }
  if (list == NULL)
    g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "No record for “%s”",
                 name);
  return list;
}

static void
slow_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
}

static void
lookup_async (TaubeTestResolver   *self,
              LookupKind           kind,
              const char          *name,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  GList *list;

  g_task_set_check_cancellable (task, FALSE);
  if (is_slow (self, name))
    {
      self->lookups++;
      /* Answered only by the cancellation; without a cancellable it never is. */
      if (cancellable != NULL)
        g_cancellable_connect (cancellable, G_CALLBACK (slow_cancelled_cb), g_object_ref (task),
                               g_object_unref);
      return;
    }
  list = answer (self, kind, name, &error);
  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, NULL);
}

static GList *
lookup_finish (GResolver     *resolver,
               GAsyncResult  *result,
               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
lookup_by_name (GResolver     *resolver,
                const char    *hostname,
                GCancellable  *cancellable,
                GError       **error)
{
  return answer (TAUBE_TEST_RESOLVER (resolver), LOOKUP_NAME, hostname, error);
}

static GList *
lookup_by_name_with_flags (GResolver                 *resolver,
                           const char                *hostname,
                           GResolverNameLookupFlags   flags,
                           GCancellable              *cancellable,
                           GError                   **error)
{
  if (flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "No IPv6 here");
      return NULL;
    }
  return lookup_by_name (resolver, hostname, cancellable, error);
}

static void
lookup_by_name_with_flags_async (GResolver                *resolver,
                                 const char               *hostname,
                                 GResolverNameLookupFlags  flags,
                                 GCancellable             *cancellable,
                                 GAsyncReadyCallback       callback,
                                 gpointer                  user_data)
{
  if (flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY)
    {
      g_task_report_new_error (resolver, callback, user_data, lookup_by_name_with_flags_async,
                               G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "No IPv6 here");
      return;
    }
  lookup_async (TAUBE_TEST_RESOLVER (resolver), LOOKUP_NAME, hostname, cancellable, callback,
                user_data);
}

static void
lookup_by_name_async (GResolver           *resolver,
                      const char          *hostname,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  lookup_async (TAUBE_TEST_RESOLVER (resolver), LOOKUP_NAME, hostname, cancellable, callback,
                user_data);
}

static GList *
lookup_service (GResolver     *resolver,
                const char    *rrname,
                GCancellable  *cancellable,
                GError       **error)
{
  return answer (TAUBE_TEST_RESOLVER (resolver), LOOKUP_SERVICE, rrname, error);
}

static void
lookup_service_async (GResolver           *resolver,
                      const char          *rrname,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  lookup_async (TAUBE_TEST_RESOLVER (resolver), LOOKUP_SERVICE, rrname, cancellable, callback,
                user_data);
}

static GList *
lookup_records (GResolver            *resolver,
                const char           *rrname,
                GResolverRecordType   record_type,
                GCancellable         *cancellable,
                GError              **error)
{
  if (record_type != G_RESOLVER_RECORD_MX)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "Only MX here");
      return NULL;
    }
  return answer (TAUBE_TEST_RESOLVER (resolver), LOOKUP_MX, rrname, error);
}

static void
lookup_records_async (GResolver           *resolver,
                      const char          *rrname,
                      GResolverRecordType  record_type,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  if (record_type != G_RESOLVER_RECORD_MX)
    {
      g_task_report_new_error (resolver, callback, user_data, lookup_records_async,
                               G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "Only MX here");
      return;
    }
  lookup_async (TAUBE_TEST_RESOLVER (resolver), LOOKUP_MX, rrname, cancellable, callback,
                user_data);
}

static void
taube_test_resolver_finalize (GObject *object)
{
  TaubeTestResolver *self = TAUBE_TEST_RESOLVER (object);

  g_hash_table_unref (self->hosts);
  g_hash_table_unref (self->srv);
  g_hash_table_unref (self->mx);
  g_free (self->slow_suffix);

  G_OBJECT_CLASS (taube_test_resolver_parent_class)->finalize (object);
}

static void
taube_test_resolver_class_init (TaubeTestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = taube_test_resolver_finalize;
  resolver_class->lookup_by_name = lookup_by_name;
  resolver_class->lookup_by_name_async = lookup_by_name_async;
  resolver_class->lookup_by_name_finish = lookup_finish;
  resolver_class->lookup_by_name_with_flags = lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = lookup_finish;
  resolver_class->lookup_service = lookup_service;
  resolver_class->lookup_service_async = lookup_service_async;
  resolver_class->lookup_service_finish = lookup_finish;
  resolver_class->lookup_records = lookup_records;
  resolver_class->lookup_records_async = lookup_records_async;
  resolver_class->lookup_records_finish = lookup_finish;
}

static void
taube_test_resolver_init (TaubeTestResolver *self)
{
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->srv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_srv_target_free);
  self->mx = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);
}

TaubeTestResolver *
taube_test_resolver_new (void)
{
  return g_object_new (TAUBE_TYPE_TEST_RESOLVER, NULL);
}

void
taube_test_resolver_add_host (TaubeTestResolver *self,
                              const char        *name,
                              const char        *ip_address)
{
  g_hash_table_replace (self->hosts, g_strdup (name), g_strdup (ip_address));
}

void
taube_test_resolver_add_srv (TaubeTestResolver *self,
                             const char        *rrname,
                             const char        *target,
                             guint16            port)
{
  g_hash_table_replace (self->srv, g_strdup (rrname), g_srv_target_new (target, port, 0, 0));
}

void
taube_test_resolver_add_mx (TaubeTestResolver *self,
                            const char        *domain,
                            guint16            preference,
                            const char        *host)
{
  GPtrArray *records = g_hash_table_lookup (self->mx, domain);

  if (records == NULL)
    {
      records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
      g_hash_table_insert (self->mx, g_strdup (domain), records);
    }
  g_ptr_array_add (records, g_variant_ref_sink (g_variant_new ("(qs)", preference, host)));
}

void
taube_test_resolver_set_slow (TaubeTestResolver *self,
                              const char        *suffix)
{
  g_free (self->slow_suffix);
  self->slow_suffix = g_strdup (suffix);
}

guint
taube_test_resolver_get_lookups (TaubeTestResolver *self)
{
  return self->lookups;
}
