/* taube-setup-assistant.c — the account assistant: its pages, navigation and first page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-password.h"
#include "taube-setup-assistant-private.h"

G_DEFINE_FINAL_TYPE (TaubeSetupAssistant, taube_setup_assistant, ADW_TYPE_WINDOW)

/* The address's domain: the part after the last "@", or NULL when the address is not
 * plausible (no text on either side). */
static const char *
address_domain (const char *address)
{
  const char *at = address != NULL ? strrchr (address, '@') : NULL;

  if (at == NULL || at == address || at[1] == '\0' || strchr (at + 1, '.') == NULL
      || strpbrk (address, " \t\r\n") != NULL)
    return NULL;
  return at + 1;
}

const char *
taube_setup_get_address (TaubeSetupAssistant *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->address_row));
}

const char *
taube_setup_get_domain (TaubeSetupAssistant *self)
{
  return address_domain (taube_setup_get_address (self));
}

static const char *
page_title (TaubeSetupAssistant *self,
            const char          *name)
{
  if (g_strcmp0 (name, "detect") == 0)
    return _("Looking Up Settings");
  if (g_strcmp0 (name, "protocol") == 0)
    return _("IMAP or POP3");
  if (g_strcmp0 (name, "manual") == 0)
    return _("Server Settings");
  if (g_strcmp0 (name, "verify") == 0)
    return _("Logging In");
  return self->editing != NULL ? _("Edit Account") : _("Add Account");
}

/* Keeps the header and the default button in step with the page shown, so Enter always
 * does the page's main thing. */
static void
pages_changed_cb (TaubeSetupAssistant *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->pages);
  GtkWidget *default_widget = NULL;

  adw_window_title_set_title (self->window_title, page_title (self, name));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), g_strcmp0 (name, "identity") != 0);
  if (g_strcmp0 (name, "protocol") == 0)
    default_widget = GTK_WIDGET (self->protocol_continue);
  else if (g_strcmp0 (name, "manual") == 0)
    default_widget = GTK_WIDGET (self->manual_continue);
  gtk_window_set_default_widget (GTK_WINDOW (self), default_widget);
}

void
taube_setup_show_page (TaubeSetupAssistant *self,
                       const char          *name)
{
  gtk_stack_set_visible_child_name (self->pages, name);
  if (g_strcmp0 (name, "identity") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  else if (g_strcmp0 (name, "protocol") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->protocol_continue));
  else if (g_strcmp0 (name, "manual") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->in_host_row));
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TaubeSetupAssistant *self = TAUBE_SETUP_ASSISTANT (widget);
  const char *name = gtk_stack_get_visible_child_name (self->pages);

  taube_setup_detect_stop (self);
  taube_setup_verify_stop (self);
  if (g_strcmp0 (name, "verify") == 0 && self->verify_from != NULL)
    taube_setup_show_page (self, self->verify_from);
  else if (g_strcmp0 (name, "manual") == 0 && self->detected != NULL)
    taube_setup_show_page (self, "protocol");
  else
    taube_setup_show_page (self, "identity");
}

/* One account per address: a second one would sync the same mailbox twice. */
static gboolean
address_taken (TaubeSetupAssistant *self,
               const char          *address)
{
  GListModel *accounts = G_LIST_MODEL (self->manager);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (accounts, i);

      if (account != self->editing
          && g_ascii_strcasecmp (taube_account_get_email_address (account), address) == 0)
        return TRUE;
    }
  return FALSE;
}

/* "Continue" needs a plausible address and a password; the name may be empty (recipients
 * then see the address alone). */
static gboolean
identity_is_valid (TaubeSetupAssistant *self)
{
  const char *address = taube_setup_get_address (self);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  return address_domain (address) != NULL && password[0] != '\0'
         && !address_taken (self, address);
}

static void
identity_changed_cb (TaubeSetupAssistant *self)
{
  const char *address = taube_setup_get_address (self);
  gboolean address_ok = address[0] == '\0' || address_domain (address) != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->identity_continue), identity_is_valid (self));
  if (address_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
  if (!address_ok)
    gtk_label_set_text (self->identity_hint, _("An email address looks like name@example.org."));
  else if (address_taken (self, address))
    gtk_label_set_text (self->identity_hint, _("Taube has an account for this address already."));
  else
    gtk_label_set_text (self->identity_hint, "");
}

static void
identity_continue_cb (TaubeSetupAssistant *self)
{
  const char *address = taube_setup_get_address (self);

  if (!identity_is_valid (self))
    return;
  /* Back on this page after a refused password: the servers are known already. */
  if (self->editing == NULL && self->verify_from != NULL
      && g_strcmp0 (address, taube_account_get_email_address (self->draft)) == 0)
    {
      g_object_set (self->draft, "display-name",
                    gtk_editable_get_text (GTK_EDITABLE (self->name_row)), NULL);
      taube_setup_show_page (self, self->verify_from);
      return;
    }
  self->verify_from = NULL;
  g_object_set (self->draft,
                "display-name", gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                "email-address", address,
                NULL);
  /* Editing keeps the servers the account has; they are changed on the next page. */
  if (self->editing != NULL)
    {
      taube_setup_servers_set_intro (self, _("Change what you need. Taube logs in with the "
                                             "new settings before it saves them."));
      taube_setup_servers_sync (self);
      taube_setup_show_page (self, "manual");
      return;
    }
  taube_setup_detect_start (self);
}

/* Enter in a field moves on to the next empty one, or continues when all are filled. */
static void
identity_activated_cb (TaubeSetupAssistant *self)
{
  AdwEntryRow *rows[] = { self->name_row, self->address_row, self->password_row };

  if (identity_is_valid (self))
    {
      identity_continue_cb (self);
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    if (gtk_editable_get_text (GTK_EDITABLE (rows[i]))[0] == '\0'
        || (rows[i] == self->address_row && taube_setup_get_domain (self) == NULL))
      {
        gtk_widget_grab_focus (GTK_WIDGET (rows[i]));
        return;
      }
}

static void
taube_setup_assistant_dispose (GObject *object)
{
  TaubeSetupAssistant *self = TAUBE_SETUP_ASSISTANT (object);

  taube_setup_detect_stop (self);
  taube_setup_verify_stop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TAUBE_TYPE_SETUP_ASSISTANT);
  g_clear_object (&self->manager);
  g_clear_object (&self->editing);
  g_clear_object (&self->draft);
  g_clear_object (&self->detected);
  g_clear_object (&self->detector);
  g_clear_object (&self->verifier);

  G_OBJECT_CLASS (taube_setup_assistant_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TaubeSetupAssistant, name)

static void
bind_children (GtkWidgetClass *widget_class)
{
  BIND (toast_overlay); BIND (back_button); BIND (window_title); BIND (pages);
  BIND (name_row); BIND (address_row); BIND (password_row); BIND (identity_hint);
  BIND (identity_continue);
  BIND (detect_spinner); BIND (detect_title); BIND (detect_message); BIND (detect_progress);
  BIND (detect_steps); BIND (confirm_box); BIND (confirm_label); BIND (confirm_button);
  BIND (detect_cancel); BIND (detect_manual);
  BIND (source_label); BIND (imap_check); BIND (pop3_check); BIND (imap_row); BIND (pop3_row);
  BIND (recommendation_label); BIND (help_link); BIND (pop3_group); BIND (leave_switch); BIND (days_spin);
  BIND (incoming_summary); BIND (outgoing_summary); BIND (protocol_continue);
  BIND (manual_intro); BIND (protocol_combo); BIND (in_host_row); BIND (in_security_combo);
  BIND (in_port_spin); BIND (in_user_row); BIND (out_host_row); BIND (out_security_combo);
  BIND (out_port_spin); BIND (out_user_row); BIND (plaintext_group); BIND (plaintext_check);
  BIND (manual_continue);
  BIND (verify_spinner); BIND (verify_icon); BIND (verify_title); BIND (verify_message);
  BIND (cert_group); BIND (cert_subject); BIND (cert_issuer); BIND (cert_validity);
  BIND (cert_fingerprint); BIND (trust_check); BIND (trust_button); BIND (retry_button);
  BIND (fix_button); BIND (done_button);
}

#undef BIND

static void
taube_setup_assistant_class_init (TaubeSetupAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = taube_setup_assistant_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/setup/taube-setup-assistant.ui");
  bind_children (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, pages_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, identity_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, identity_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, identity_continue_cb);
  taube_setup_detect_class_init (widget_class);
  taube_setup_servers_class_init (widget_class);
  taube_setup_verify_class_init (widget_class);

  gtk_widget_class_install_action (widget_class, "setup.back", NULL, back_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "setup.back",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
}

static void
taube_setup_assistant_init (TaubeSetupAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  taube_setup_servers_init (self);
  self->in_security = TAUBE_SECURITY_TLS;
  self->out_security = TAUBE_SECURITY_TLS;
  pages_changed_cb (self);
}

static TaubeSetupAssistant *
assistant_new (GtkWindow           *parent,
               TaubeAccountManager *manager)
{
  TaubeSetupAssistant *self = g_object_new (TAUBE_TYPE_SETUP_ASSISTANT,
                                            "transient-for", parent,
                                            NULL);

  self->manager = g_object_ref (manager);
  return self;
}

/**
 * taube_setup_assistant_new:
 * @parent: (nullable): the window the assistant belongs to
 * @manager: where the new account is saved
 *
 * Returns: (transfer floating): an assistant that adds an account; present it
 */
TaubeSetupAssistant *
taube_setup_assistant_new (GtkWindow           *parent,
                           TaubeAccountManager *manager)
{
  TaubeSetupAssistant *self;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (manager), NULL);

  self = assistant_new (parent, manager);
  self->draft = taube_account_new (NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return self;
}

/* Every writable setting but the id: the draft is copied into the saved account. */
void
taube_setup_copy_account_settings (TaubeAccount *from,
                                   TaubeAccount *to)
{
  guint n_specs;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (from),
                                                                  &n_specs);

  for (guint i = 0; i < n_specs; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if ((specs[i]->flags & G_PARAM_CONSTRUCT_ONLY) || !(specs[i]->flags & G_PARAM_WRITABLE))
        continue;
      g_value_init (&value, specs[i]->value_type);
      g_object_get_property (G_OBJECT (from), specs[i]->name, &value);
      g_object_set_property (G_OBJECT (to), specs[i]->name, &value);
    }
}

static void
password_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TaubeSetupAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = taube_password_lookup_finish (result, &error);

  if (password == NULL)
    {
      if (error != NULL)
        g_debug ("No stored password: %s", error->message);
      return;
    }
  if (gtk_editable_get_text (GTK_EDITABLE (self->password_row))[0] == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  memset (password, 0, strlen (password));
}

/**
 * taube_setup_assistant_new_for_account:
 * @parent: (nullable): the window the assistant belongs to
 * @manager: the manager that holds @account
 * @account: the account to change
 *
 * The same pages for an existing account: its settings are shown for editing and saved
 * only after logging in with them succeeded.
 *
 * Returns: (transfer floating): the assistant; present it
 */
TaubeSetupAssistant *
taube_setup_assistant_new_for_account (GtkWindow           *parent,
                                       TaubeAccountManager *manager,
                                       TaubeAccount        *account)
{
  TaubeSetupAssistant *self;
  g_autofree char *name = NULL;
  TaubePasswordKey key = { 0 };

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), NULL);

  self = assistant_new (parent, manager);
  self->editing = g_object_ref (account);
  self->draft = taube_account_new (taube_account_get_id (account));
  taube_setup_copy_account_settings (account, self->draft);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Account"));
  pages_changed_cb (self);

  g_object_get (account, "display-name", &name, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->address_row),
                         taube_account_get_email_address (account));

  key.account_id = taube_account_get_id (account);
  key.protocol = taube_account_get_protocol (account) == TAUBE_PROTOCOL_POP3 ? "pop3" : "imap";
  key.host = taube_account_get_incoming_host (account);
  key.user = taube_account_get_incoming_username (account);
  taube_password_lookup_async (&key, NULL, password_loaded_cb, g_object_ref (self));
  return self;
}

/**
 * taube_setup_assistant_get_draft:
 * @self: a #TaubeSetupAssistant
 *
 * Returns: (transfer none): the settings as the pages show them now
 */
TaubeAccount *
taube_setup_assistant_get_draft (TaubeSetupAssistant *self)
{
  g_return_val_if_fail (TAUBE_IS_SETUP_ASSISTANT (self), NULL);

  return self->draft;
}

/**
 * taube_setup_assistant_get_page:
 * @self: a #TaubeSetupAssistant
 *
 * Returns: the page shown: "identity", "detect", "protocol", "manual" or "verify"
 */
const char *
taube_setup_assistant_get_page (TaubeSetupAssistant *self)
{
  g_return_val_if_fail (TAUBE_IS_SETUP_ASSISTANT (self), NULL);

  return gtk_stack_get_visible_child_name (self->pages);
}
