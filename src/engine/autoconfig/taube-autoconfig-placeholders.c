/* taube-autoconfig-placeholders.c — %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN%
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Providers write user and host names as templates, because one file serves every address
 * of the provider: "%EMAILLOCALPART%" for web.de, "mail.%EMAILDOMAIN%" for inbox.lv.
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "taube-autoconfig-error.h"
#include "taube-autoconfig-private.h"

static const struct
{
  const char *name;
  gsize offset;
} placeholders[] = {
  { "EMAILADDRESS", G_STRUCT_OFFSET (TaubeAutoconfigAddress, address) },
  { "EMAILLOCALPART", G_STRUCT_OFFSET (TaubeAutoconfigAddress, local_part) },
  { "EMAILDOMAIN", G_STRUCT_OFFSET (TaubeAutoconfigAddress, domain) },
};

/**
 * _taube_autoconfig_is_host_name:
 * @host: (nullable): text from a settings file or after expansion
 * @allow_placeholders: whether "%" may appear (a template not yet expanded)
 *
 * Letters, digits, "-", "_" and "." (and UTF-8 for internationalised names); anything that
 * would let a settings file smuggle a path, a port or a space into a host name is refused.
 *
 * Returns: %TRUE if @host can be a host name
 */
gboolean
_taube_autoconfig_is_host_name (const char *host,
                                gboolean    allow_placeholders)
{
  if (host == NULL || *host == '\0' || strlen (host) > 253 || *host == '.' || *host == '-')
    return FALSE;
  for (const guchar *p = (const guchar *) host; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '.' || *p == '_' || *p >= 0x80)
        continue;
      if (*p == '%' && allow_placeholders)
        continue;
      return FALSE;
    }
  return TRUE;
}

gboolean
_taube_autoconfig_address_init (TaubeAutoconfigAddress  *address,
                                const char              *email_address,
                                GError                 **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (email_address));
  const char *at = strrchr (trimmed, '@');

  if (at == NULL || at == trimmed || !_taube_autoconfig_is_host_name (at + 1, FALSE))
    {
      g_set_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS,
                   /* Translators: %s is what the person typed as their email address. */
                   _("“%s” is not an email address. It must look like name@example.com."),
                   email_address);
      return FALSE;
    }
  address->local_part = g_strndup (trimmed, at - trimmed);
  /* Host names are case-insensitive; lower case keeps "mail.%EMAILDOMAIN%" tidy. */
  address->domain = g_ascii_strdown (at + 1, -1);
  address->address = g_steal_pointer (&trimmed);
  return TRUE;
}

void
_taube_autoconfig_address_clear (TaubeAutoconfigAddress *address)
{
  g_clear_pointer (&address->address, g_free);
  g_clear_pointer (&address->local_part, g_free);
  g_clear_pointer (&address->domain, g_free);
}

/* How many bytes after the opening "%" form a placeholder, 0 if none does. */
static gsize
match_placeholder (const char                    *text,
                   const TaubeAutoconfigAddress  *address,
                   const char                   **value)
{
  for (gsize i = 0; i < G_N_ELEMENTS (placeholders); i++)
    {
      gsize len = strlen (placeholders[i].name);

      if (g_ascii_strncasecmp (text, placeholders[i].name, len) != 0)
        continue;
      *value = G_STRUCT_MEMBER (const char *, address, placeholders[i].offset);
      /* Some real files lose the closing "%" (office365.com has "%EMAILADDRESS"); the name
       * alone is unambiguous, so it counts as closed. */
      return text[len] == '%' ? len + 1 : len;
    }
  return 0;
}

/**
 * _taube_autoconfig_expand:
 * @text: (nullable): a template such as "%EMAILLOCALPART%" or "mail.%EMAILDOMAIN%"
 * @address: the address the settings are for
 *
 * Unknown "%WORDS%" are left as they are.
 *
 * Returns: (transfer full) (nullable): @text with the placeholders replaced
 */
char *
_taube_autoconfig_expand (const char                   *text,
                          const TaubeAutoconfigAddress *address)
{
  GString *out;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0';)
    {
      const char *value = NULL;
      gsize used = *p == '%' ? match_placeholder (p + 1, address, &value) : 0;

      if (used > 0)
        {
          g_string_append (out, value);
          p += 1 + used;
        }
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}
