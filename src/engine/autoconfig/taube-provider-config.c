/* taube-provider-config.c — one provider's mail settings, as the setup assistant sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A config is built once by the parser and not changed afterwards. Its host and user names
 * may still hold %EMAIL…% placeholders (the database keeps them that way, as one entry serves
 * every address of the provider); taube_provider_config_expand() makes the copy for one
 * address.
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "taube-autoconfig-error.h"
#include "taube-autoconfig-private.h"

typedef struct
{
  char *language;
  char *text;
} Instruction;

struct _TaubeProviderConfig
{
  GObject parent_instance;

  char *id;
  char *display_name;
  char *short_name;
  GPtrArray *domains;
  GListStore *incoming;
  GListStore *outgoing;
  GPtrArray *documentation;
  char *enable_url;
  GArray *instructions;
  TaubeAutoconfigSource source;
};

G_DEFINE_FINAL_TYPE (TaubeProviderConfig, taube_provider_config, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (TaubeAutoconfigSource, taube_autoconfig_source,
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_SOURCE_DATABASE, "database"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG, "autoconfig"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_SOURCE_SRV, "srv"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_SOURCE_MX, "mx"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_SOURCE_PROBE, "probe"))

static void
instruction_clear (gpointer data)
{
  Instruction *instruction = data;

  g_free (instruction->language);
  g_free (instruction->text);
}

static void
taube_provider_config_finalize (GObject *object)
{
  TaubeProviderConfig *self = TAUBE_PROVIDER_CONFIG (object);

  g_free (self->id);
  g_free (self->display_name);
  g_free (self->short_name);
  g_ptr_array_unref (self->domains);
  g_object_unref (self->incoming);
  g_object_unref (self->outgoing);
  g_ptr_array_unref (self->documentation);
  g_free (self->enable_url);
  g_array_unref (self->instructions);

  G_OBJECT_CLASS (taube_provider_config_parent_class)->finalize (object);
}

static void
taube_provider_config_class_init (TaubeProviderConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_provider_config_finalize;
}

static void
taube_provider_config_init (TaubeProviderConfig *self)
{
  /* NULL-terminated, so the getters can hand them out as string vectors. */
  self->domains = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  self->documentation = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  self->incoming = g_list_store_new (TAUBE_TYPE_AUTOCONFIG_SERVER);
  self->outgoing = g_list_store_new (TAUBE_TYPE_AUTOCONFIG_SERVER);
  self->instructions = g_array_new (FALSE, FALSE, sizeof (Instruction));
  g_array_set_clear_func (self->instructions, instruction_clear);
  self->source = TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG;
}

TaubeProviderConfig *
_taube_provider_config_new (const char *id)
{
  TaubeProviderConfig *self = g_object_new (TAUBE_TYPE_PROVIDER_CONFIG, NULL);

  self->id = g_strdup (id);
  return self;
}

void
_taube_provider_config_set_names (TaubeProviderConfig *self,
                                  const char          *display_name,
                                  const char          *short_name)
{
  /* Copied before freeing: the parser passes one of the current names back in. */
  char *display_copy = g_strdup (display_name);
  char *short_copy = g_strdup (short_name);

  g_assert (TAUBE_IS_PROVIDER_CONFIG (self));

  g_free (self->display_name);
  self->display_name = display_copy;
  g_free (self->short_name);
  self->short_name = short_copy;
}

void
_taube_provider_config_add_domain (TaubeProviderConfig *self,
                                   const char          *domain)
{
  g_assert (TAUBE_IS_PROVIDER_CONFIG (self));
  g_ptr_array_add (self->domains, g_strdup (domain));
}

void
_taube_provider_config_add_server (TaubeProviderConfig   *self,
                                   TaubeAutoconfigServer *server)
{
  g_assert (TAUBE_IS_PROVIDER_CONFIG (self));

  /* Appended, never replaced: a second server of a type is an alternative, not an update. */
  g_list_store_append (taube_autoconfig_server_is_outgoing (server) ? self->outgoing
                                                                    : self->incoming,
                       server);
}

void
_taube_provider_config_add_documentation (TaubeProviderConfig *self,
                                          const char          *url)
{
  g_assert (TAUBE_IS_PROVIDER_CONFIG (self));
  g_ptr_array_add (self->documentation, g_strdup (url));
}

void
_taube_provider_config_set_enable_url (TaubeProviderConfig *self,
                                       const char          *url)
{
  g_assert (TAUBE_IS_PROVIDER_CONFIG (self));

  g_free (self->enable_url);
  self->enable_url = g_strdup (url);
}

void
_taube_provider_config_add_instruction (TaubeProviderConfig *self,
                                        const char          *language,
                                        const char          *text)
{
  Instruction instruction = { g_strdup (language), g_strdup (text) };

  g_assert (TAUBE_IS_PROVIDER_CONFIG (self));
  g_array_append_val (self->instructions, instruction);
}

void
_taube_provider_config_set_source (TaubeProviderConfig   *self,
                                   TaubeAutoconfigSource  source)
{
  g_assert (TAUBE_IS_PROVIDER_CONFIG (self));
  self->source = source;
}

/**
 * taube_provider_config_get_id:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (nullable): the provider's id, usually its main domain, e.g. "gmx.net"
 */
const char *
taube_provider_config_get_id (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return self->id;
}

/**
 * taube_provider_config_get_display_name:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (nullable): the provider's name, e.g. "GMX Freemail"
 */
const char *
taube_provider_config_get_display_name (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return self->display_name;
}

/**
 * taube_provider_config_get_short_name:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (nullable): a short form of the name, e.g. "GMX"
 */
const char *
taube_provider_config_get_short_name (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return self->short_name;
}

/**
 * taube_provider_config_get_domains:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (transfer none): the mail domains (and MX host domains) the settings are for
 */
const char * const *
taube_provider_config_get_domains (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return (const char * const *) self->domains->pdata;
}

/**
 * taube_provider_config_get_incoming_servers:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (transfer none): the IMAP and POP3 servers, as #TaubeAutoconfigServer, in the
 *   order of the provider's file
 */
GListModel *
taube_provider_config_get_incoming_servers (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return G_LIST_MODEL (self->incoming);
}

/**
 * taube_provider_config_get_outgoing_servers:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (transfer none): the SMTP servers in the order of the provider's file
 */
GListModel *
taube_provider_config_get_outgoing_servers (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return G_LIST_MODEL (self->outgoing);
}

/**
 * taube_provider_config_get_documentation_urls:
 * @self: a #TaubeProviderConfig
 *
 * Returns: (transfer none): the provider's help pages about these settings (may be empty)
 */
const char * const *
taube_provider_config_get_documentation_urls (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return (const char * const *) self->documentation->pdata;
}

/**
 * taube_provider_config_get_enable_url:
 * @self: a #TaubeProviderConfig
 *
 * Some providers switch IMAP and POP3 off until the person turns them on in webmail (or
 * sets up an app password). The assistant shows this page before it tries to log in.
 *
 * Returns: (nullable): the page where access is switched on, or %NULL if none is needed
 */
const char *
taube_provider_config_get_enable_url (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  return self->enable_url;
}

/* "de_DE.UTF-8", "de-AT" and "de" all start with the language "de". */
static gboolean
language_matches (const char *wanted,
                  const char *offered)
{
  gsize len = strcspn (wanted, "_-.@");

  return strlen (offered) == len && g_ascii_strncasecmp (wanted, offered, len) == 0;
}

/**
 * taube_provider_config_get_enable_instruction:
 * @self: a #TaubeProviderConfig
 * @language: (nullable): a language code such as "de" or "de_DE", or %NULL for the default
 *
 * Returns: (nullable): the provider's text on what to switch on, in @language if it has one,
 *   otherwise its default text (usually English)
 */
const char *
taube_provider_config_get_enable_instruction (TaubeProviderConfig *self,
                                              const char          *language)
{
  const char *fallback = NULL;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);

  for (guint i = 0; i < self->instructions->len; i++)
    {
      Instruction *instruction = &g_array_index (self->instructions, Instruction, i);

      if (instruction->language == NULL)
        fallback = fallback != NULL ? fallback : instruction->text;
      else if (language != NULL && language_matches (language, instruction->language))
        return instruction->text;
    }
  if (fallback == NULL && self->instructions->len > 0)
    fallback = g_array_index (self->instructions, Instruction, 0).text;
  return fallback;
}

/**
 * taube_provider_config_get_source:
 * @self: a #TaubeProviderConfig
 *
 * Returns: where the settings came from
 */
TaubeAutoconfigSource
taube_provider_config_get_source (TaubeProviderConfig *self)
{
  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG);
  return self->source;
}

void
_taube_autoconfig_set_no_servers_error (GError **error)
{
  g_set_error_literal (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_NO_SERVERS,
                       _("The provider’s settings name no incoming mail server that Taube can "
                         "use. Enter the server settings by hand."));
}

static void
copy_expanded_servers (GListModel                   *servers,
                       TaubeProviderConfig          *copy,
                       const TaubeAutoconfigAddress *address)
{
  for (guint i = 0; i < g_list_model_get_n_items (servers); i++)
    {
      g_autoptr(TaubeAutoconfigServer) server = g_list_model_get_item (servers, i);
      g_autoptr(TaubeAutoconfigServer) expanded = _taube_autoconfig_server_expand (server,
                                                                                   address);

      if (expanded != NULL)
        _taube_provider_config_add_server (copy, expanded);
    }
}

static void
copy_texts (TaubeProviderConfig          *self,
            TaubeProviderConfig          *copy,
            const TaubeAutoconfigAddress *address)
{
  g_autofree char *display_name = _taube_autoconfig_expand (self->display_name, address);
  g_autofree char *short_name = _taube_autoconfig_expand (self->short_name, address);

  _taube_provider_config_set_names (copy, display_name, short_name);
  for (guint i = 0; i < self->domains->len; i++)
    _taube_provider_config_add_domain (copy, g_ptr_array_index (self->domains, i));
  for (guint i = 0; i < self->documentation->len; i++)
    _taube_provider_config_add_documentation (copy, g_ptr_array_index (self->documentation, i));
  _taube_provider_config_set_enable_url (copy, self->enable_url);
  for (guint i = 0; i < self->instructions->len; i++)
    {
      Instruction *instruction = &g_array_index (self->instructions, Instruction, i);

      _taube_provider_config_add_instruction (copy, instruction->language, instruction->text);
    }
}

/**
 * taube_provider_config_expand:
 * @self: a #TaubeProviderConfig
 * @email_address: the address being set up, e.g. "alice@gmx.de"
 * @error: return location for a #GError
 *
 * Replaces %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% in the host names, user names
 * and provider names. A server whose host name is no longer one afterwards is left out.
 *
 * Returns: (transfer full) (nullable): the settings for @email_address, or %NULL with
 *   %TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS or %TAUBE_AUTOCONFIG_ERROR_NO_SERVERS
 */
TaubeProviderConfig *
taube_provider_config_expand (TaubeProviderConfig  *self,
                              const char           *email_address,
                              GError              **error)
{
  g_auto(TaubeAutoconfigAddress) address = { NULL, };
  g_autoptr(TaubeProviderConfig) copy = NULL;

  g_return_val_if_fail (TAUBE_IS_PROVIDER_CONFIG (self), NULL);
  g_return_val_if_fail (email_address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_taube_autoconfig_address_init (&address, email_address, error))
    return NULL;
  copy = _taube_provider_config_new (self->id);
  copy->source = self->source;
  copy_texts (self, copy, &address);
  copy_expanded_servers (G_LIST_MODEL (self->incoming), copy, &address);
  copy_expanded_servers (G_LIST_MODEL (self->outgoing), copy, &address);
  if (g_list_model_get_n_items (G_LIST_MODEL (copy->incoming)) == 0)
    {
      _taube_autoconfig_set_no_servers_error (error);
      return NULL;
    }
  return g_steal_pointer (&copy);
}
