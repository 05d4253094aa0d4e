/* taube-account.c — one mail account's settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An account is a bag of properties, saved as a key file (one per account) by
 * TaubeAccountManager. The table below maps each property to its group and key, so
 * loading, saving and validating walk one list instead of forty hand-written lines.
 * Passwords are not properties: they live in the keyring (taube-password.c).
 */
#define G_LOG_DOMAIN "taube-accounts"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "taube-account.h"

struct _TaubeAccount
{
  GObject parent_instance;

  char *id;
  char *display_name;
  char *email_address;

  TaubeProtocol protocol;
  char *incoming_host;
  guint incoming_port;
  TaubeSecurity incoming_security;
  char *incoming_username;

  char *outgoing_host;
  guint outgoing_port;
  TaubeSecurity outgoing_security;
  char *outgoing_username;

  gboolean allow_plaintext;
  char *ca_file;
  char **pinned_certificates;

  gboolean pop3_leave_on_server;
  guint pop3_delete_after_days;
  gboolean pop3_delete_when_deleted;
  guint pop3_max_size_kib;
};

G_DEFINE_FINAL_TYPE (TaubeAccount, taube_account, G_TYPE_OBJECT)
G_DEFINE_QUARK (taube-account-error-quark, taube_account_error)
G_DEFINE_ENUM_TYPE (TaubeProtocol, taube_protocol,
  G_DEFINE_ENUM_VALUE (TAUBE_PROTOCOL_IMAP, "imap"),
  G_DEFINE_ENUM_VALUE (TAUBE_PROTOCOL_POP3, "pop3"))

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_EMAIL_ADDRESS,
  PROP_PROTOCOL,
  PROP_INCOMING_HOST,
  PROP_INCOMING_PORT,
  PROP_INCOMING_SECURITY,
  PROP_INCOMING_USERNAME,
  PROP_OUTGOING_HOST,
  PROP_OUTGOING_PORT,
  PROP_OUTGOING_SECURITY,
  PROP_OUTGOING_USERNAME,
  PROP_ALLOW_PLAINTEXT,
  PROP_CA_FILE,
  PROP_PINNED_CERTIFICATES,
  PROP_POP3_LEAVE_ON_SERVER,
  PROP_POP3_DELETE_AFTER_DAYS,
  PROP_POP3_DELETE_WHEN_DELETED,
  PROP_POP3_MAX_SIZE_KIB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  guint prop_id;
  const char *group;
  const char *key;
  gboolean required;
} KeyfileField;

/* Where each property lives in the account's key file. */
static const KeyfileField fields[] = {
  { PROP_ID, "Account", "Id", TRUE },
  { PROP_DISPLAY_NAME, "Account", "Name", FALSE },
  { PROP_EMAIL_ADDRESS, "Account", "Address", TRUE },
  { PROP_PROTOCOL, "Incoming", "Protocol", TRUE },
  { PROP_INCOMING_HOST, "Incoming", "Host", TRUE },
  { PROP_INCOMING_PORT, "Incoming", "Port", TRUE },
  { PROP_INCOMING_SECURITY, "Incoming", "Security", TRUE },
  { PROP_INCOMING_USERNAME, "Incoming", "Username", TRUE },
  { PROP_OUTGOING_HOST, "Outgoing", "Host", TRUE },
  { PROP_OUTGOING_PORT, "Outgoing", "Port", TRUE },
  { PROP_OUTGOING_SECURITY, "Outgoing", "Security", TRUE },
  { PROP_OUTGOING_USERNAME, "Outgoing", "Username", FALSE },
  { PROP_ALLOW_PLAINTEXT, "Security", "AllowPlaintext", FALSE },
  { PROP_CA_FILE, "Security", "CAFile", FALSE },
  { PROP_PINNED_CERTIFICATES, "Security", "PinnedCertificates", FALSE },
  { PROP_POP3_LEAVE_ON_SERVER, "POP3", "LeaveOnServer", FALSE },
  { PROP_POP3_DELETE_AFTER_DAYS, "POP3", "DeleteAfterDays", FALSE },
  { PROP_POP3_DELETE_WHEN_DELETED, "POP3", "DeleteWhenDeletedLocally", FALSE },
  { PROP_POP3_MAX_SIZE_KIB, "POP3", "MaxSizeKiB", FALSE },
};

static gpointer
field_address (TaubeAccount *self,
               guint         prop_id)
{
  switch (prop_id)
    {
    case PROP_ID: return &self->id;
    case PROP_DISPLAY_NAME: return &self->display_name;
    case PROP_EMAIL_ADDRESS: return &self->email_address;
    case PROP_PROTOCOL: return &self->protocol;
    case PROP_INCOMING_HOST: return &self->incoming_host;
    case PROP_INCOMING_PORT: return &self->incoming_port;
    case PROP_INCOMING_SECURITY: return &self->incoming_security;
    case PROP_INCOMING_USERNAME: return &self->incoming_username;
    case PROP_OUTGOING_HOST: return &self->outgoing_host;
    case PROP_OUTGOING_PORT: return &self->outgoing_port;
    case PROP_OUTGOING_SECURITY: return &self->outgoing_security;
    case PROP_OUTGOING_USERNAME: return &self->outgoing_username;
    case PROP_ALLOW_PLAINTEXT: return &self->allow_plaintext;
    case PROP_CA_FILE: return &self->ca_file;
    case PROP_PINNED_CERTIFICATES: return &self->pinned_certificates;
    case PROP_POP3_LEAVE_ON_SERVER: return &self->pop3_leave_on_server;
    case PROP_POP3_DELETE_AFTER_DAYS: return &self->pop3_delete_after_days;
    case PROP_POP3_DELETE_WHEN_DELETED: return &self->pop3_delete_when_deleted;
    case PROP_POP3_MAX_SIZE_KIB: return &self->pop3_max_size_kib;
    default: g_assert_not_reached ();
    }
}

static void
taube_account_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  gpointer field = field_address (TAUBE_ACCOUNT (object), prop_id);
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (type == G_TYPE_STRING)
    g_value_set_string (value, *(char **) field);
  else if (type == G_TYPE_STRV)
    g_value_set_boxed (value, *(char ***) field);
  else if (type == G_TYPE_UINT)
    g_value_set_uint (value, *(guint *) field);
  else if (type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, *(gboolean *) field);
  else
    g_value_set_enum (value, *(int *) field);
}

/* g_set_str() arrived in GLib 2.76; Debian 12 has 2.74. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* Stores @value in the field; TRUE if that changed it. */
static gboolean
set_field (gpointer      field,
           const GValue *value)
{
  GType type = G_VALUE_TYPE (value);

  if (type == G_TYPE_STRING)
    return replace_string ((char **) field, g_value_get_string (value));
  if (type == G_TYPE_STRV)
    {
      char ***strv = field;

      if (*strv != NULL && g_value_get_boxed (value) != NULL
          && g_strv_equal ((const char * const *) *strv, g_value_get_boxed (value)))
        return FALSE;
      g_strfreev (*strv);
      *strv = g_value_dup_boxed (value);
      return TRUE;
    }
  if (type == G_TYPE_UINT || type == G_TYPE_BOOLEAN || G_TYPE_IS_ENUM (type))
    {
      int next = type == G_TYPE_UINT ? (int) g_value_get_uint (value)
                 : type == G_TYPE_BOOLEAN ? g_value_get_boolean (value)
                 : g_value_get_enum (value);

      if (*(int *) field == next)
        return FALSE;
      *(int *) field = next;
      return TRUE;
    }
  g_assert_not_reached ();
}

static void
taube_account_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  if (set_field (field_address (TAUBE_ACCOUNT (object), prop_id), value))
    g_object_notify_by_pspec (object, pspec);
}

static void
taube_account_finalize (GObject *object)
{
  TaubeAccount *self = TAUBE_ACCOUNT (object);

  g_free (self->id);
  g_free (self->display_name);
  g_free (self->email_address);
  g_free (self->incoming_host);
  g_free (self->incoming_username);
  g_free (self->outgoing_host);
  g_free (self->outgoing_username);
  g_free (self->ca_file);
  g_strfreev (self->pinned_certificates);

  G_OBJECT_CLASS (taube_account_parent_class)->finalize (object);
}

#define RW_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static GParamSpec *
string_param (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, RW_FLAGS);
}

static GParamSpec *
port_param (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, 65535, 0, RW_FLAGS);
}

static void
taube_account_class_init (TaubeAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = taube_account_finalize;
  object_class->get_property = taube_account_get_property;
  object_class->set_property = taube_account_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                             | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] = string_param ("display-name");
  properties[PROP_EMAIL_ADDRESS] = string_param ("email-address");
  properties[PROP_PROTOCOL] = g_param_spec_enum ("protocol", NULL, NULL, TAUBE_TYPE_PROTOCOL,
                                                 TAUBE_PROTOCOL_IMAP, RW_FLAGS);
  properties[PROP_INCOMING_HOST] = string_param ("incoming-host");
  properties[PROP_INCOMING_PORT] = port_param ("incoming-port");
  properties[PROP_INCOMING_SECURITY] = g_param_spec_enum ("incoming-security", NULL, NULL,
                                                          TAUBE_TYPE_SECURITY,
                                                          TAUBE_SECURITY_TLS, RW_FLAGS);
  properties[PROP_INCOMING_USERNAME] = string_param ("incoming-username");
  properties[PROP_OUTGOING_HOST] = string_param ("outgoing-host");
  properties[PROP_OUTGOING_PORT] = port_param ("outgoing-port");
  properties[PROP_OUTGOING_SECURITY] = g_param_spec_enum ("outgoing-security", NULL, NULL,
                                                          TAUBE_TYPE_SECURITY,
                                                          TAUBE_SECURITY_TLS, RW_FLAGS);
  properties[PROP_OUTGOING_USERNAME] = string_param ("outgoing-username");
  /* Off unless the person says so for this account: passwords never travel in the clear
   * by default. */
  properties[PROP_ALLOW_PLAINTEXT] = g_param_spec_boolean ("allow-plaintext", NULL, NULL, FALSE,
                                                           RW_FLAGS);
  properties[PROP_CA_FILE] = string_param ("ca-file");
  properties[PROP_PINNED_CERTIFICATES] = g_param_spec_boxed ("pinned-certificates", NULL, NULL,
                                                             G_TYPE_STRV, RW_FLAGS);
  /* Leaving mail on the server is the safe default: a second device still sees it. */
  properties[PROP_POP3_LEAVE_ON_SERVER] = g_param_spec_boolean ("pop3-leave-on-server", NULL,
                                                                NULL, TRUE, RW_FLAGS);
  properties[PROP_POP3_DELETE_AFTER_DAYS] = g_param_spec_uint ("pop3-delete-after-days", NULL,
                                                               NULL, 0, 3650, 14, RW_FLAGS);
  properties[PROP_POP3_DELETE_WHEN_DELETED] = g_param_spec_boolean ("pop3-delete-when-deleted",
                                                                    NULL, NULL, FALSE, RW_FLAGS);
  properties[PROP_POP3_MAX_SIZE_KIB] = g_param_spec_uint ("pop3-max-size-kib", NULL, NULL, 0,
                                                          G_MAXUINT, 0, RW_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
taube_account_init (TaubeAccount *self)
{
  self->pop3_leave_on_server = TRUE;
  self->pop3_delete_after_days = 14;
}

/**
 * taube_account_new:
 * @id: (nullable): a stable id, or %NULL for a new random one
 *
 * Returns: (transfer full): an account with default settings
 */
TaubeAccount *
taube_account_new (const char *id)
{
  g_autofree char *random_id = id == NULL ? g_uuid_string_random () : NULL;

  return g_object_new (TAUBE_TYPE_ACCOUNT, "id", id != NULL ? id : random_id, NULL);
}

static void
load_field (TaubeAccount       *self,
            GKeyFile           *keyfile,
            const KeyfileField *field,
            GError            **error)
{
  GParamSpec *pspec = properties[field->prop_id];
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, type);
  if (type == G_TYPE_STRV)
    g_value_take_boxed (&value, g_key_file_get_string_list (keyfile, field->group, field->key,
                                                             NULL, error));
  else if (type == G_TYPE_UINT)
    {
      guint64 number = g_key_file_get_uint64 (keyfile, field->group, field->key, error);

      g_value_set_uint (&value, (guint) MIN (number, G_MAXUINT));
    }
  else if (type == G_TYPE_BOOLEAN)
    g_value_set_boolean (&value, g_key_file_get_boolean (keyfile, field->group, field->key,
                                                         error));
  else
    {
      g_autofree char *text = g_key_file_get_string (keyfile, field->group, field->key, error);

      if (text != NULL && G_TYPE_IS_ENUM (type))
        {
          g_autoptr(GEnumClass) klass = g_type_class_ref (type);
          GEnumValue *nick = g_enum_get_value_by_nick (klass, text);

          if (nick == NULL)
            {
              /* Translators: e.g. "Unknown value “ssl” for Security in [Incoming]" */
              g_set_error (error, TAUBE_ACCOUNT_ERROR, TAUBE_ACCOUNT_ERROR_INVALID,
                           _("Unknown value “%s” for %s in [%s]"), text, field->key,
                           field->group);
              return;
            }
          g_value_set_enum (&value, nick->value);
        }
      else if (text != NULL)
        g_value_set_string (&value, text);
    }
  if (error == NULL || *error == NULL)
    g_object_set_property (G_OBJECT (self), pspec->name, &value);
}

/**
 * taube_account_new_from_keyfile:
 * @keyfile: an account's key file
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the account, or %NULL if the file is not valid
 */
TaubeAccount *
taube_account_new_from_keyfile (GKeyFile  *keyfile,
                                GError   **error)
{
  g_autofree char *id = NULL;
  g_autoptr(TaubeAccount) self = NULL;

  g_return_val_if_fail (keyfile != NULL, NULL);

  id = g_key_file_get_string (keyfile, "Account", "Id", error);
  if (id == NULL)
    return NULL;
  self = taube_account_new (id);
  for (gsize i = 1; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!fields[i].required && !g_key_file_has_key (keyfile, fields[i].group, fields[i].key,
                                                      NULL))
        continue;
      load_field (self, keyfile, &fields[i], &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  if (!taube_account_validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
save_field (TaubeAccount       *self,
            GKeyFile           *keyfile,
            const KeyfileField *field)
{
  GParamSpec *pspec = properties[field->prop_id];
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  gpointer data = field_address (self, field->prop_id);

  if (type == G_TYPE_STRING && *(char **) data != NULL)
    g_key_file_set_string (keyfile, field->group, field->key, *(char **) data);
  else if (type == G_TYPE_STRV && *(char ***) data != NULL)
    g_key_file_set_string_list (keyfile, field->group, field->key,
                                (const char * const *) *(char ***) data,
                                g_strv_length (*(char ***) data));
  else if (type == G_TYPE_UINT)
    g_key_file_set_uint64 (keyfile, field->group, field->key, *(guint *) data);
  else if (type == G_TYPE_BOOLEAN)
    g_key_file_set_boolean (keyfile, field->group, field->key, *(gboolean *) data);
  else if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (type);

      g_key_file_set_string (keyfile, field->group, field->key,
                             g_enum_get_value (klass, *(int *) data)->value_nick);
    }
}

/**
 * taube_account_to_keyfile:
 * @self: a #TaubeAccount
 *
 * Returns: (transfer full): the account's settings as a key file (no password)
 */
GKeyFile *
taube_account_to_keyfile (TaubeAccount *self)
{
  GKeyFile *keyfile;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);

  keyfile = g_key_file_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    save_field (self, keyfile, &fields[i]);
  return keyfile;
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, TAUBE_ACCOUNT_ERROR, TAUBE_ACCOUNT_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
is_host_name (const char *host)
{
  return host != NULL && *host != '\0' && strpbrk (host, " /:@\t") == NULL;
}

/**
 * taube_account_validate:
 * @self: a #TaubeAccount
 * @error: return location for a #GError
 *
 * Checks that the settings can be used to connect: an address, host names, ports.
 *
 * Returns: %TRUE if they can
 */
gboolean
taube_account_validate (TaubeAccount  *self,
                        GError       **error)
{
  const char *at;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), FALSE);

  at = self->email_address != NULL ? strchr (self->email_address, '@') : NULL;
  if (at == NULL || at == self->email_address || at[1] == '\0')
    return invalid (error, _("The email address must look like name@example.com."));
  if (!is_host_name (self->incoming_host))
    return invalid (error, _("The incoming server needs a host name, like imap.example.com."));
  if (!is_host_name (self->outgoing_host))
    return invalid (error, _("The outgoing server needs a host name, like smtp.example.com."));
  if (self->incoming_port == 0 || self->outgoing_port == 0)
    return invalid (error, _("Server ports must be numbers from 1 to 65535."));
  if (self->incoming_username == NULL || *self->incoming_username == '\0')
    return invalid (error, _("The incoming server needs a user name."));
  return TRUE;
}

const char *
taube_account_get_id (TaubeAccount *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);
  return self->id;
}

const char *
taube_account_get_email_address (TaubeAccount *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);
  return self->email_address;
}

/**
 * taube_account_get_title:
 * @self: a #TaubeAccount
 *
 * What lists call the account: the name, or the address when the name is empty (the
 * name is optional).
 *
 * Returns: (transfer none): the title
 */
const char *
taube_account_get_title (TaubeAccount *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);
  return self->display_name != NULL && self->display_name[0] != '\0' ? self->display_name
                                                                       : self->email_address;
}

static gboolean
title_transform (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_autoptr(GObject) account = g_binding_dup_source (binding);

  if (account == NULL)
    return FALSE;
  g_value_set_string (to, taube_account_get_title (TAUBE_ACCOUNT (account)));
  return TRUE;
}

/**
 * taube_account_bind_title:
 * @self: a #TaubeAccount
 * @target: the object to update, e.g. a label
 * @target_property: its string property, e.g. "label"
 *
 * Keeps @target_property at taube_account_get_title() as the name changes, so a list
 * row follows an edit without ever showing an empty title.
 *
 * Returns: (transfer none): the binding
 */
GBinding *
taube_account_bind_title (TaubeAccount *self,
                          gpointer      target,
                          const char   *target_property)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);
  return g_object_bind_property_full (self, "display-name", target, target_property,
                                      G_BINDING_SYNC_CREATE, title_transform, NULL, NULL,
                                      NULL);
}

const char *
taube_account_get_incoming_host (TaubeAccount *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);
  return self->incoming_host;
}

const char *
taube_account_get_incoming_username (TaubeAccount *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);
  return self->incoming_username;
}

const char *
taube_account_get_outgoing_host (TaubeAccount *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);
  return self->outgoing_host;
}

/**
 * taube_account_get_outgoing_username:
 * @self: a #TaubeAccount
 *
 * Returns: the SMTP login name; the incoming one when none was set
 */
const char *
taube_account_get_outgoing_username (TaubeAccount *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), NULL);
  return self->outgoing_username != NULL ? self->outgoing_username : self->incoming_username;
}

TaubeProtocol
taube_account_get_protocol (TaubeAccount *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (self), TAUBE_PROTOCOL_IMAP);
  return self->protocol;
}
