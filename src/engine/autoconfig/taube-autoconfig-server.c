/* taube-autoconfig-server.c — one server a provider's settings name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A server is immutable once the parser has filled it in: the assistant copies what it needs
 * into the account and never changes a detected server behind the person's back.
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include "taube-autoconfig-private.h"

struct _TaubeAutoconfigServer
{
  GObject parent_instance;

  gboolean outgoing;
  TaubeProtocol protocol;
  char *hostname;
  guint port;
  TaubeSecurity security;
  char *username;
  GArray *authentication;

  /* -1 while the provider says nothing about leaving mail on the server. */
  int pop3_leave;
  guint pop3_days;
};

G_DEFINE_FINAL_TYPE (TaubeAutoconfigServer, taube_autoconfig_server, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (TaubeAutoconfigAuth, taube_autoconfig_auth,
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT, "password-cleartext"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED, "password-encrypted"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_AUTH_OAUTH2, "oauth2"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_AUTH_NTLM, "ntlm"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_AUTH_GSSAPI, "gssapi"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_AUTH_CLIENT_IP_ADDRESS, "client-ip-address"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_AUTH_TLS_CLIENT_CERT, "tls-client-cert"),
  G_DEFINE_ENUM_VALUE (TAUBE_AUTOCONFIG_AUTH_NONE, "none"))

/* The spellings found in the format and in old ISPDB files ("plain" and "secure" were the
 * names before version 1.1; "GSAPI" is the format's own misspelling of GSSAPI). */
static const struct
{
  const char *text;
  TaubeAutoconfigAuth auth;
} auth_names[] = {
  { "password-cleartext", TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT },
  { "plain", TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT },
  { "password-encrypted", TAUBE_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED },
  { "secure", TAUBE_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED },
  { "OAuth2", TAUBE_AUTOCONFIG_AUTH_OAUTH2 },
  { "NTLM", TAUBE_AUTOCONFIG_AUTH_NTLM },
  { "GSAPI", TAUBE_AUTOCONFIG_AUTH_GSSAPI },
  { "GSSAPI", TAUBE_AUTOCONFIG_AUTH_GSSAPI },
  { "client-IP-address", TAUBE_AUTOCONFIG_AUTH_CLIENT_IP_ADDRESS },
  { "TLS-client-cert", TAUBE_AUTOCONFIG_AUTH_TLS_CLIENT_CERT },
  { "none", TAUBE_AUTOCONFIG_AUTH_NONE },
};

/**
 * taube_autoconfig_auth_from_string:
 * @text: an `<authentication>` value, e.g. "password-cleartext" or "OAuth2"
 * @auth: (out): where the value goes
 *
 * Letter case is ignored, as providers' own files are not consistent about it.
 *
 * Returns: %TRUE if @text names a known method
 */
gboolean
taube_autoconfig_auth_from_string (const char          *text,
                                   TaubeAutoconfigAuth *auth)
{
  g_return_val_if_fail (auth != NULL, FALSE);

  for (gsize i = 0; text != NULL && i < G_N_ELEMENTS (auth_names); i++)
    {
      if (g_ascii_strcasecmp (text, auth_names[i].text) == 0)
        {
          *auth = auth_names[i].auth;
          return TRUE;
        }
    }
  return FALSE;
}

static void
taube_autoconfig_server_finalize (GObject *object)
{
  TaubeAutoconfigServer *self = TAUBE_AUTOCONFIG_SERVER (object);

  g_free (self->hostname);
  g_free (self->username);
  g_array_unref (self->authentication);

  G_OBJECT_CLASS (taube_autoconfig_server_parent_class)->finalize (object);
}

static void
taube_autoconfig_server_class_init (TaubeAutoconfigServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_autoconfig_server_finalize;
}

static void
taube_autoconfig_server_init (TaubeAutoconfigServer *self)
{
  self->authentication = g_array_new (FALSE, FALSE, sizeof (TaubeAutoconfigAuth));
  self->pop3_leave = -1;
}

static TaubeAutoconfigServer *
server_new (gboolean       outgoing,
            TaubeProtocol  protocol,
            const char    *hostname,
            guint          port,
            TaubeSecurity  security,
            const char    *username)
{
  TaubeAutoconfigServer *self = g_object_new (TAUBE_TYPE_AUTOCONFIG_SERVER, NULL);

  self->outgoing = outgoing;
  self->protocol = protocol;
  self->hostname = g_strdup (hostname);
  self->port = port;
  self->security = security;
  self->username = g_strdup (username);
  return self;
}

/**
 * taube_autoconfig_server_new_incoming:
 * @protocol: IMAP or POP3
 * @hostname: the server's host name (may hold %EMAIL…% placeholders)
 * @port: 1 to 65535
 * @security: how the connection is protected
 * @username: (nullable): the login name or its template, e.g. "%EMAILADDRESS%"
 *
 * Returns: (transfer full): a server to fetch mail from
 */
TaubeAutoconfigServer *
taube_autoconfig_server_new_incoming (TaubeProtocol  protocol,
                                      const char    *hostname,
                                      guint          port,
                                      TaubeSecurity  security,
                                      const char    *username)
{
  g_return_val_if_fail (hostname != NULL, NULL);
  g_return_val_if_fail (port >= 1 && port <= 65535, NULL);

  return server_new (FALSE, protocol, hostname, port, security, username);
}

/**
 * taube_autoconfig_server_new_outgoing:
 * @hostname: the SMTP submission server's host name
 * @port: 1 to 65535
 * @security: how the connection is protected
 * @username: (nullable): the login name or its template
 *
 * Returns: (transfer full): a server to send mail through
 */
TaubeAutoconfigServer *
taube_autoconfig_server_new_outgoing (const char    *hostname,
                                      guint          port,
                                      TaubeSecurity  security,
                                      const char    *username)
{
  g_return_val_if_fail (hostname != NULL, NULL);
  g_return_val_if_fail (port >= 1 && port <= 65535, NULL);

  /* The protocol field means nothing for SMTP; IMAP is just the zero value. */
  return server_new (TRUE, TAUBE_PROTOCOL_IMAP, hostname, port, security, username);
}

void
_taube_autoconfig_server_add_authentication (TaubeAutoconfigServer *self,
                                             TaubeAutoconfigAuth    auth)
{
  g_assert (TAUBE_IS_AUTOCONFIG_SERVER (self));

  /* Some providers' files repeat a method; the list stays a set in file order. */
  if (!taube_autoconfig_server_has_authentication (self, auth))
    g_array_append_val (self->authentication, auth);
}

void
_taube_autoconfig_server_set_pop3 (TaubeAutoconfigServer *self,
                                   int                    leave,
                                   guint                  days)
{
  g_assert (TAUBE_IS_AUTOCONFIG_SERVER (self));
  g_assert (leave >= -1 && leave <= 1);

  self->pop3_leave = leave;
  self->pop3_days = days;
}

/* A copy with the placeholders in host and user name replaced, or NULL if the host name
 * that results is not one (a template like "%EMAILLOCALPART%.example.com" and an address
 * with a space in its local part). */
TaubeAutoconfigServer *
_taube_autoconfig_server_expand (TaubeAutoconfigServer        *self,
                                 const TaubeAutoconfigAddress *address)
{
  g_autofree char *hostname = _taube_autoconfig_expand (self->hostname, address);
  g_autofree char *username = _taube_autoconfig_expand (self->username, address);
  TaubeAutoconfigServer *copy;

  if (!_taube_autoconfig_is_host_name (hostname, FALSE))
    {
      g_debug ("Dropping server “%s”: not a host name once expanded", self->hostname);
      return NULL;
    }
  copy = server_new (self->outgoing, self->protocol, hostname, self->port, self->security,
                     username);
  g_array_append_vals (copy->authentication, self->authentication->data,
                       self->authentication->len);
  copy->pop3_leave = self->pop3_leave;
  copy->pop3_days = self->pop3_days;
  return copy;
}

/**
 * taube_autoconfig_server_is_outgoing:
 * @self: a #TaubeAutoconfigServer
 *
 * Returns: %TRUE for an SMTP server, %FALSE for IMAP or POP3
 */
gboolean
taube_autoconfig_server_is_outgoing (TaubeAutoconfigServer *self)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), FALSE);
  return self->outgoing;
}

/**
 * taube_autoconfig_server_get_protocol:
 * @self: an incoming #TaubeAutoconfigServer
 *
 * Returns: IMAP or POP3
 */
TaubeProtocol
taube_autoconfig_server_get_protocol (TaubeAutoconfigServer *self)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), TAUBE_PROTOCOL_IMAP);
  g_return_val_if_fail (!self->outgoing, TAUBE_PROTOCOL_IMAP);
  return self->protocol;
}

/**
 * taube_autoconfig_server_get_hostname:
 * @self: a #TaubeAutoconfigServer
 *
 * Returns: the host name (or its template if the settings were not expanded for an address)
 */
const char *
taube_autoconfig_server_get_hostname (TaubeAutoconfigServer *self)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), NULL);
  return self->hostname;
}

/**
 * taube_autoconfig_server_get_port:
 * @self: a #TaubeAutoconfigServer
 *
 * Returns: the port, 1 to 65535
 */
guint
taube_autoconfig_server_get_port (TaubeAutoconfigServer *self)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), 0);
  return self->port;
}

/**
 * taube_autoconfig_server_get_security:
 * @self: a #TaubeAutoconfigServer
 *
 * Returns: implicit TLS for socketType "SSL", STARTTLS, or none for "plain"
 */
TaubeSecurity
taube_autoconfig_server_get_security (TaubeAutoconfigServer *self)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), TAUBE_SECURITY_NONE);
  return self->security;
}

/**
 * taube_autoconfig_server_get_username:
 * @self: a #TaubeAutoconfigServer
 *
 * Returns: (nullable): the login name (or its template if the settings were not expanded for
 *   an address), or %NULL if the provider gave none; the assistant then uses the address
 */
const char *
taube_autoconfig_server_get_username (TaubeAutoconfigServer *self)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), NULL);
  return self->username;
}

/**
 * taube_autoconfig_server_get_authentication:
 * @self: a #TaubeAutoconfigServer
 * @n_auth: (out): the number of methods
 *
 * Returns: (array length=n_auth) (transfer none): the methods in the provider's order of
 *   preference; empty if the provider named none or none Taube knows
 */
const TaubeAutoconfigAuth *
taube_autoconfig_server_get_authentication (TaubeAutoconfigServer *self,
                                            guint                 *n_auth)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), NULL);
  g_return_val_if_fail (n_auth != NULL, NULL);

  *n_auth = self->authentication->len;
  return (const TaubeAutoconfigAuth *) self->authentication->data;
}

/**
 * taube_autoconfig_server_has_authentication:
 * @self: a #TaubeAutoconfigServer
 * @auth: a method
 *
 * Returns: %TRUE if the provider lists @auth for this server
 */
gboolean
taube_autoconfig_server_has_authentication (TaubeAutoconfigServer *self,
                                            TaubeAutoconfigAuth    auth)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), FALSE);

  for (guint i = 0; i < self->authentication->len; i++)
    {
      if (g_array_index (self->authentication, TaubeAutoconfigAuth, i) == auth)
        return TRUE;
    }
  return FALSE;
}

/**
 * taube_autoconfig_server_get_pop3_leave_on_server:
 * @self: a POP3 #TaubeAutoconfigServer
 * @leave: (out) (optional): whether the provider wants mail left on the server
 *
 * Returns: %TRUE if the provider says (`<leaveMessagesOnServer>`), %FALSE if the account's
 *   own default applies
 */
gboolean
taube_autoconfig_server_get_pop3_leave_on_server (TaubeAutoconfigServer *self,
                                                  gboolean              *leave)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), FALSE);

  if (self->pop3_leave < 0)
    return FALSE;
  if (leave != NULL)
    *leave = self->pop3_leave == 1;
  return TRUE;
}

/**
 * taube_autoconfig_server_get_pop3_days_to_leave:
 * @self: a POP3 #TaubeAutoconfigServer
 *
 * Returns: `<daysToLeaveMessagesOnServer>`, or 0 if the provider gives none
 */
guint
taube_autoconfig_server_get_pop3_days_to_leave (TaubeAutoconfigServer *self)
{
  g_return_val_if_fail (TAUBE_IS_AUTOCONFIG_SERVER (self), 0);
  return self->pop3_days;
}
