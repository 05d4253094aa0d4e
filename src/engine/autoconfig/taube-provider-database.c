/* taube-provider-database.c — the provider settings shipped with Taube
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The files in data/providers/ (each naming its source; see SOURCES.md there) are compiled
 * into a GResource. The database parses them all once, keeps the templates (placeholders not
 * yet filled in) and indexes every domain they list in one hash table, so a lookup is a few
 * hash probes: the address's domain, or an MX host and each of its parent domains.
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include <string.h>

#include "taube-autoconfig-parser.h"
#include "taube-autoconfig-private.h"
#include "taube-provider-database.h"
#include "taube-provider-resources.h"

#define PROVIDERS_PATH RESOURCE_BASE "/providers/"

struct _TaubeProviderDatabase
{
  GObject parent_instance;

  GListStore *providers;
  /* Lower-case ASCII domain -> TaubeProviderConfig owned by @providers. */
  GHashTable *by_domain;
};

G_DEFINE_FINAL_TYPE (TaubeProviderDatabase, taube_provider_database, G_TYPE_OBJECT)

static void
taube_provider_database_finalize (GObject *object)
{
  TaubeProviderDatabase *self = TAUBE_PROVIDER_DATABASE (object);

  g_hash_table_unref (self->by_domain);
  g_object_unref (self->providers);

  G_OBJECT_CLASS (taube_provider_database_parent_class)->finalize (object);
}

static void
taube_provider_database_class_init (TaubeProviderDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_provider_database_finalize;
}

static void
taube_provider_database_init (TaubeProviderDatabase *self)
{
  self->providers = g_list_store_new (TAUBE_TYPE_PROVIDER_CONFIG);
  self->by_domain = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* "GMX.de.", " gmx.de" and the IDN "bücher.de" become "gmx.de" and "xn--bcher-kva.de". */
static char *
normalize_domain (const char *domain)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (domain));
  g_autofree char *ascii = NULL;
  gsize len = strlen (trimmed);

  if (len > 0 && trimmed[len - 1] == '.')
    trimmed[len - 1] = '\0';
  ascii = g_hostname_to_ascii (trimmed);
  if (ascii == NULL || *ascii == '\0')
    return NULL;
  return g_ascii_strdown (ascii, -1);
}

static gboolean
config_is_named (TaubeProviderConfig *config,
                 const char          *domain)
{
  const char *id = taube_provider_config_get_id (config);

  return id != NULL && g_ascii_strcasecmp (id, domain) == 0;
}

/* Two files may list one domain (yahoo.com.xml lists cox.net, which has a file of its own):
 * the provider whose id is that domain wins, otherwise the file that sorts first. */
static void
claim_domain (TaubeProviderDatabase *self,
              const char            *domain,
              TaubeProviderConfig   *config)
{
  g_autofree char *key = normalize_domain (domain);
  TaubeProviderConfig *owner;

  if (key == NULL)
    return;
  owner = g_hash_table_lookup (self->by_domain, key);
  if (owner == NULL || (!config_is_named (owner, key) && config_is_named (config, key)))
    g_hash_table_replace (self->by_domain, g_steal_pointer (&key), config);
}

static void
add_parsed (TaubeProviderDatabase *self,
            const char            *name,
            const char            *xml,
            gsize                  len,
            gboolean               overrides)
{
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = taube_autoconfig_parse (xml, len, NULL, &error);
  if (config == NULL)
    {
      /* The unit tests parse every shipped file, so this only happens to a broken build
       * or a broken file in TAUBE_PROVIDERS_EXTRA_DIR. */
      g_warning ("Provider settings %s: %s", name, error->message);
      return;
    }
  _taube_provider_config_set_source (config, TAUBE_AUTOCONFIG_SOURCE_DATABASE);
  g_list_store_append (self->providers, config);
  for (const char * const *domain = taube_provider_config_get_domains (config); *domain; domain++)
    {
      g_autofree char *key = overrides ? normalize_domain (*domain) : NULL;

      if (key != NULL)
        g_hash_table_replace (self->by_domain, g_steal_pointer (&key), config);
      else
        claim_domain (self, *domain, config);
    }
}

static void
add_provider (TaubeProviderDatabase *self,
              GResource             *resource,
              const char            *name)
{
  g_autofree char *path = g_strconcat (PROVIDERS_PATH, name, NULL);
  g_autoptr(GBytes) bytes = g_resource_lookup_data (resource, path, 0, NULL);
  const char *xml;
  gsize len;

  g_assert (bytes != NULL);
  xml = g_bytes_get_data (bytes, &len);
  add_parsed (self, name, xml, len, FALSE);
}

static int compare_names (gconstpointer a,
                          gconstpointer b,
                          gpointer      user_data);

/* The TAUBE_PROVIDERS_EXTRA_DIR test hook (src/engine/README.md): the config-v1.1.xml files
 * in that folder are added, and win over built-in files listing the same domain, so a UI
 * test can point example.test at the rig's Dovecot. */
static void
load_extra_dir (TaubeProviderDatabase *self)
{
  const char *path = g_getenv ("TAUBE_PROVIDERS_EXTRA_DIR");
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;

  if (path == NULL || *path == '\0')
    return;
  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      g_warning ("TAUBE_PROVIDERS_EXTRA_DIR: %s", error->message);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".xml"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort_with_data (names, compare_names, NULL);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, names->pdata[i], NULL);
      g_autofree char *xml = NULL;
      gsize len = 0;

      if (!g_file_get_contents (file, &xml, &len, &error))
        {
          g_warning ("TAUBE_PROVIDERS_EXTRA_DIR: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      g_debug ("Adding provider settings %s (TAUBE_PROVIDERS_EXTRA_DIR)", file);
      add_parsed (self, file, xml, len, TRUE);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
load (TaubeProviderDatabase *self)
{
  GResource *resource = _taube_autoconfig_providers_get_resource ();
  g_auto(GStrv) names = g_resource_enumerate_children (resource, PROVIDERS_PATH, 0, NULL);

  g_assert (names != NULL);
  /* Resource order is a hash order; file-name order makes "the first file wins" mean one
   * thing on every build. */
  g_qsort_with_data (names, g_strv_length (names), sizeof (char *), compare_names, NULL);
  for (gsize i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_suffix (names[i], ".xml"))
        add_provider (self, resource, names[i]);
    }
  load_extra_dir (self);
  g_debug ("%u built-in providers, %u domains",
           g_list_model_get_n_items (G_LIST_MODEL (self->providers)),
           g_hash_table_size (self->by_domain));
}

/**
 * taube_provider_database_new:
 *
 * Parses the built-in provider files, once; keep the database for the assistant's lifetime.
 *
 * Returns: (transfer full): the database
 */
TaubeProviderDatabase *
taube_provider_database_new (void)
{
  TaubeProviderDatabase *self = g_object_new (TAUBE_TYPE_PROVIDER_DATABASE, NULL);

  load (self);
  return self;
}

/**
 * taube_provider_database_get_providers:
 * @self: a #TaubeProviderDatabase
 *
 * Returns: (transfer none): every provider, as #TaubeProviderConfig templates, by file name
 */
GListModel *
taube_provider_database_get_providers (TaubeProviderDatabase *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_DATABASE (self), NULL);
  return G_LIST_MODEL (self->providers);
}

/**
 * taube_provider_database_lookup_domain:
 * @self: a #TaubeProviderDatabase
 * @domain: a mail domain such as "gmx.de"; letter case and a trailing dot do not matter
 *
 * Returns: (transfer none) (nullable): the provider's settings with placeholders not filled
 *   in, or %NULL if no built-in provider lists @domain
 */
TaubeProviderConfig *
taube_provider_database_lookup_domain (TaubeProviderDatabase *self,
                                       const char            *domain)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_DATABASE (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  key = normalize_domain (domain);
  return key != NULL ? g_hash_table_lookup (self->by_domain, key) : NULL;
}

/**
 * taube_provider_database_lookup_mx_host:
 * @self: a #TaubeProviderDatabase
 * @mx_host: the host name of a mail exchanger, e.g. "mx00.emig.gmx.net"
 *
 * Tries @mx_host and then each parent domain ("emig.gmx.net", "gmx.net"), but never a bare
 * top-level domain. Providers list their MX domains as domains (office365.com lists
 * "mail.protection.outlook.com"), so a custom domain hosted there is found this way.
 *
 * Returns: (transfer none) (nullable): the provider's settings template, or %NULL
 */
TaubeProviderConfig *
taube_provider_database_lookup_mx_host (TaubeProviderDatabase *self,
                                        const char            *mx_host)
{
  g_autofree char *host = NULL;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_DATABASE (self), NULL);
  g_return_val_if_fail (mx_host != NULL, NULL);

  host = normalize_domain (mx_host);
  for (const char *candidate = host; candidate != NULL && strchr (candidate, '.') != NULL;)
    {
      TaubeProviderConfig *config = g_hash_table_lookup (self->by_domain, candidate);
      const char *dot = strchr (candidate, '.');

      if (config != NULL)
        return config;
      candidate = dot + 1;
    }
  return NULL;
}

static TaubeProviderConfig *
expand_for (TaubeProviderConfig    *config,
            const char             *email_address,
            TaubeAutoconfigSource   source,
            GError                **error)
{
  TaubeProviderConfig *copy = taube_provider_config_expand (config, email_address, error);

  if (copy != NULL)
    _taube_provider_config_set_source (copy, source);
  return copy;
}

/**
 * taube_provider_database_lookup_address:
 * @self: a #TaubeProviderDatabase
 * @email_address: the address being set up
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the settings for @email_address, with source
 *   %TAUBE_AUTOCONFIG_SOURCE_DATABASE; %NULL without an error if the domain is not known,
 *   %NULL with %TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS if @email_address is not an address
 */
TaubeProviderConfig *
taube_provider_database_lookup_address (TaubeProviderDatabase  *self,
                                        const char             *email_address,
                                        GError                **error)
{
  g_auto(TaubeAutoconfigAddress) address = { NULL, };
  TaubeProviderConfig *config;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_DATABASE (self), NULL);
  g_return_val_if_fail (email_address != NULL, NULL);

  if (!_taube_autoconfig_address_init (&address, email_address, error))
    return NULL;
  config = taube_provider_database_lookup_domain (self, address.domain);
  if (config == NULL)
    return NULL;
  return expand_for (config, email_address, TAUBE_AUTOCONFIG_SOURCE_DATABASE, error);
}

/**
 * taube_provider_database_lookup_address_by_mx:
 * @self: a #TaubeProviderDatabase
 * @email_address: the address being set up
 * @mx_host: the best (lowest preference) MX host of the address's domain
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the MX provider's settings for @email_address, with
 *   source %TAUBE_AUTOCONFIG_SOURCE_MX, or %NULL as for
 *   taube_provider_database_lookup_address()
 */
TaubeProviderConfig *
taube_provider_database_lookup_address_by_mx (TaubeProviderDatabase  *self,
                                              const char             *email_address,
                                              const char             *mx_host,
                                              GError                **error)
{
  TaubeProviderConfig *config;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_DATABASE (self), NULL);
  g_return_val_if_fail (email_address != NULL, NULL);
  g_return_val_if_fail (mx_host != NULL, NULL);

  config = taube_provider_database_lookup_mx_host (self, mx_host);
  if (config == NULL)
    return NULL;
  return expand_for (config, email_address, TAUBE_AUTOCONFIG_SOURCE_MX, error);
}
