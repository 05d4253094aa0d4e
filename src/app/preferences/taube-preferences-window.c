/* taube-preferences-window.c — Taube's preferences: add, edit and remove accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-password.h"
#include "taube-preferences-window.h"
#include "taube-remove-local-mail.h"
#include "taube-setup-assistant.h"

struct _TaubePreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  TaubeAccountManager *manager;
  GtkListBox *account_list;
};

G_DEFINE_FINAL_TYPE (TaubePreferencesWindow, taube_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static void
add_clicked_cb (TaubePreferencesWindow *self)
{
  gtk_window_present (GTK_WINDOW (taube_setup_assistant_new (GTK_WINDOW (self), self->manager)));
}

static void
edit_clicked_cb (GtkButton              *button,
                 TaubePreferencesWindow *self)
{
  TaubeAccount *account = g_object_get_data (G_OBJECT (button), "account");

  gtk_window_present (GTK_WINDOW (taube_setup_assistant_new_for_account (GTK_WINDOW (self),
                                                                         self->manager,
                                                                         account)));
}

static void
passwords_cleared_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autofree char *id = user_data;
  g_autoptr(GError) error = NULL;

  if (!taube_password_clear_finish (result, &error))
    g_warning ("Could not remove the passwords of account %s from the keyring: %s", id,
               error->message);
}

/* The settings file, the keyring entries and the mail kept on this computer go. */
static void
remove_account (TaubePreferencesWindow *self,
                TaubeAccount           *account)
{
  g_autoptr(GError) error = NULL;
  char *id = g_strdup (taube_account_get_id (account));

  if (!taube_account_manager_remove (self->manager, id, &error))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      g_free (id);
      return;
    }
  if (G_IS_APPLICATION (g_application_get_default ()))
    taube_remove_local_mail (g_application_get_default (), id);
  /* The keyring reads the id after this returns: the callback frees it. */
  taube_password_clear_async (id, NULL, passwords_cleared_cb, id);
}

static void
remove_response_cb (AdwMessageDialog       *dialog,
                    const char             *response,
                    TaubePreferencesWindow *self)
{
  TaubeAccount *account = g_object_get_data (G_OBJECT (dialog), "account");

  if (g_strcmp0 (response, "remove") == 0)
    remove_account (self, account);
}

static void
remove_clicked_cb (GtkButton              *button,
                   TaubePreferencesWindow *self)
{
  TaubeAccount *account = g_object_get_data (G_OBJECT (button), "account");
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  /* Translators: %s is an email address */
  adw_message_dialog_format_heading (dialog, _("Remove %s?"),
                                    taube_account_get_email_address (account));
  adw_message_dialog_set_body (dialog,
                               _("Taube forgets this account’s settings, removes its password "
                                 "from your keyring and deletes its mail from this computer. "
                                 "Mail that exists only here, such as mail downloaded with "
                                 "POP3 and deleted from the server, is then gone for good. The "
                                 "mail on the server is not touched."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account", g_object_ref (account), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* @label names the account too: a screen reader going down the list hears which account
 * each button is for, not "Edit, Remove, Edit, Remove". */
static GtkWidget *
row_button (TaubeAccount *account,
            const char   *icon_name,
            const char   *tooltip,
            const char   *label,
            const char   *name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "account", g_object_ref (account), g_object_unref);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  TaubePreferencesWindow *self = user_data;
  TaubeAccount *account = item;
  GtkWidget *row = adw_action_row_new ();
  const char *address = taube_account_get_email_address (account);
  /* Translators: read out by screen readers; %s is an email address */
  g_autofree char *edit_label = g_strdup_printf (_("Edit %s"), address);
  /* Translators: read out by screen readers; %s is an email address */
  g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), address);
  GtkWidget *edit = row_button (account, "document-edit-symbolic", _("Edit"), edit_label,
                                "edit-account");
  GtkWidget *remove = row_button (account, "user-trash-symbolic", _("Remove"), remove_label,
                                  "remove-account");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* An edit saves into the same account object: the row follows it. */
  taube_account_bind_title (account, row, "title");
  g_object_bind_property (account, "email-address", row, "subtitle", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (edit, "clicked", G_CALLBACK (edit_clicked_cb), self, 0);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);
  return row;
}

static void
taube_preferences_window_dispose (GObject *object)
{
  TaubePreferencesWindow *self = TAUBE_PREFERENCES_WINDOW (object);

  /* The list could outlive the window; it must not build rows for it any more. */
  if (self->account_list != NULL)
    gtk_list_box_bind_model (self->account_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TAUBE_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (taube_preferences_window_parent_class)->dispose (object);
}

static void
taube_preferences_window_class_init (TaubePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = taube_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, RESOURCE_BASE "/preferences/taube-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TaubePreferencesWindow, account_list);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
}

static void
taube_preferences_window_init (TaubePreferencesWindow *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  placeholder = gtk_label_new (_("No accounts yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->account_list, placeholder);
}

/**
 * taube_preferences_window_new:
 * @parent: (nullable): the window the preferences belong to
 * @manager: the accounts to show
 *
 * Returns: (transfer floating): the preferences window; present it
 */
TaubePreferencesWindow *
taube_preferences_window_new (GtkWindow           *parent,
                              TaubeAccountManager *manager)
{
  TaubePreferencesWindow *self;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (manager), NULL);

  self = g_object_new (TAUBE_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->manager = g_object_ref (manager);
  gtk_list_box_bind_model (self->account_list, G_LIST_MODEL (manager), create_row, self, NULL);
  return self;
}
