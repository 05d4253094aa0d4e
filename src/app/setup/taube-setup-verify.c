/* taube-setup-verify.c — the assistant's last page: logging in, then saving
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-password.h"
#include "taube-setup-assistant-private.h"
#include "taube-setup-first-sync.h"

static void
show_buttons (TaubeSetupAssistant *self,
              gboolean             retry,
              gboolean             fix,
              gboolean             trust,
              gboolean             done)
{
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), retry);
  gtk_widget_set_visible (GTK_WIDGET (self->fix_button), fix);
  gtk_widget_set_visible (GTK_WIDGET (self->trust_button), trust);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), done);
  gtk_widget_set_visible (GTK_WIDGET (self->cert_group), trust);
}

static void
show_state (TaubeSetupAssistant *self,
            const char          *icon_name,
            const char          *title,
            const char          *message)
{
  gboolean busy = icon_name == NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->verify_spinner), busy);
  gtk_spinner_set_spinning (self->verify_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->verify_icon), !busy);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verify_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verify_icon), "warning");
  if (!busy)
    {
      gtk_image_set_from_icon_name (self->verify_icon, icon_name);
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_icon),
                                g_str_has_prefix (icon_name, "emblem-ok") ? "success" : "warning");
    }
  gtk_label_set_text (self->verify_title, title);
  gtk_label_set_text (self->verify_message, message);
}

void
taube_setup_verify_stop (TaubeSetupAssistant *self)
{
  if (self->verifier != NULL && self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->verifier);
}

static const char *
error_title (const GError *error)
{
  if (error->domain != TAUBE_VERIFY_ERROR)
    return _("Could Not Log In");
  switch ((TaubeVerifyError) error->code)
    {
    case TAUBE_VERIFY_ERROR_BAD_CREDENTIALS:
      return _("User Name or Password Not Accepted");
    case TAUBE_VERIFY_ERROR_HOST_NOT_FOUND:
      return _("Server Not Found");
    case TAUBE_VERIFY_ERROR_UNREACHABLE:
      return _("No Connection to the Server");
    case TAUBE_VERIFY_ERROR_CERTIFICATE:
      return _("Certificate Not Trusted");
    case TAUBE_VERIFY_ERROR_PLAINTEXT:
      return _("Unencrypted Login Refused");
    case TAUBE_VERIFY_ERROR_PROTOCOL:
      return _("Unexpected Answer from the Server");
    case TAUBE_VERIFY_ERROR_SERVER:
    default:
      return _("The Server Refused");
    }
}

static char *
format_date (GDateTime *date)
{
  return date != NULL ? g_date_time_format (date, "%x") : g_strdup ("?");
}

/* "84f244a0c5…" as "84F2 44A0 C5…": easier to compare with what the provider publishes,
 * and it wraps between groups on a narrow window. */
static char *
group_fingerprint (const char *fingerprint)
{
  GString *text = g_string_new (NULL);

  if (fingerprint == NULL)
    return g_string_free (text, FALSE);
  for (const char *p = fingerprint; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p))
        continue;
      if (text->len > 0 && text->len % 5 == 4)
        g_string_append_c (text, ' ');
      g_string_append_c (text, g_ascii_toupper (*p));
    }
  return g_string_free (text, FALSE);
}

static void
show_certificate (TaubeSetupAssistant *self)
{
  GTlsCertificate *certificate = taube_account_verifier_get_certificate (self->verifier);
  const char *fingerprint = taube_account_verifier_get_fingerprint (self->verifier);
  g_autofree char *subject = NULL, *issuer = NULL, *validity = NULL;
  g_autofree char *from = NULL, *until = NULL, *grouped = NULL;
  g_autoptr(GDateTime) not_before = NULL, not_after = NULL;

  if (certificate != NULL)
    {
      subject = g_tls_certificate_get_subject_name (certificate);
      issuer = g_tls_certificate_get_issuer_name (certificate);
      not_before = g_tls_certificate_get_not_valid_before (certificate);
      not_after = g_tls_certificate_get_not_valid_after (certificate);
    }
  from = format_date (not_before);
  until = format_date (not_after);
  /* Translators: a certificate's validity, e.g. "from 01/02/2026 until 01/02/2027" */
  validity = g_strdup_printf (_("from %s until %s"), from, until);
  adw_action_row_set_subtitle (self->cert_subject, subject != NULL ? subject : "?");
  adw_action_row_set_subtitle (self->cert_issuer, issuer != NULL ? issuer : "?");
  adw_action_row_set_subtitle (self->cert_validity, validity);
  grouped = group_fingerprint (fingerprint);
  adw_action_row_set_subtitle (self->cert_fingerprint, grouped);
  gtk_check_button_set_active (self->trust_check, FALSE);
}

static void
show_failure (TaubeSetupAssistant *self,
              TaubeVerifyStep      step,
              const GError        *error)
{
  g_autofree char *message = NULL;
  g_autofree char *where = NULL;
  gboolean certificate = g_error_matches (error, TAUBE_VERIFY_ERROR,
                                          TAUBE_VERIFY_ERROR_CERTIFICATE)
                         && taube_account_verifier_get_fingerprint (self->verifier) != NULL;
  gboolean credentials = g_error_matches (error, TAUBE_VERIFY_ERROR,
                                          TAUBE_VERIFY_ERROR_BAD_CREDENTIALS);

  if (step == TAUBE_VERIFY_STEP_OUTGOING)
    /* Translators: %s is a server name; an explanation follows on the next lines */
    where = g_strdup_printf (_("While logging in to the outgoing server %s:"),
                             taube_account_get_outgoing_host (self->draft));
  else
    /* Translators: %s is a server name; an explanation follows on the next lines */
    where = g_strdup_printf (_("While logging in to the incoming server %s:"),
                             taube_account_get_incoming_host (self->draft));
  message = g_strdup_printf ("%s\n%s", where, error->message);
  show_state (self, "dialog-warning-symbolic", error_title (error), message);
  gtk_button_set_label (self->fix_button, credentials ? _("Change _Password")
                                                      : _("C_hange Settings"));
  g_object_set_data (G_OBJECT (self->fix_button), "to-identity", GINT_TO_POINTER (credentials));
  show_buttons (self, TRUE, TRUE, certificate, FALSE);
  if (certificate)
    show_certificate (self);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->fix_button));
  gtk_widget_grab_focus (GTK_WIDGET (certificate ? GTK_WIDGET (self->trust_check)
                                                 : GTK_WIDGET (self->fix_button)));
}

/* Saving: passwords to the keyring first, so a saved account always has one; then the
 * settings. An edited account's old keyring entries go first, since its server or user
 * name may have changed. */
typedef struct
{
  TaubeSetupAssistant *self;
  char *password;
  guint pending;
  GError *error;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_object_unref (job->self);
  if (job->password != NULL)
    memset (job->password, 0, strlen (job->password));
  g_free (job->password);
  g_clear_error (&job->error);
  g_free (job);
}

static void
save_failed (TaubeSetupAssistant *self,
             const GError        *error)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.back", TRUE);
  show_state (self, "dialog-error-symbolic", _("Could Not Save the Account"), error->message);
  show_buttons (self, TRUE, TRUE, FALSE, FALSE);
}

static void
cleared_after_failure_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(TaubeAccount) account = user_data;
  g_autoptr(GError) error = NULL;

  if (!taube_password_clear_finish (result, &error))
    g_debug ("Could not clear the passwords of %s: %s", taube_account_get_id (account),
             error->message);
}

static void
show_saved (TaubeSetupAssistant *self)
{
  TaubeAccount *target = self->editing != NULL ? self->editing : self->draft;
  g_autofree char *text = NULL;

  /* A new account's mail is fetched at once; an edited one syncs on its usual schedule. */
  if (self->editing == NULL && GTK_IS_APPLICATION (g_application_get_default ()))
    taube_setup_start_first_sync (GTK_APPLICATION (g_application_get_default ()), self->manager,
                                  target);
  /* Translators: %s is an email address */
  text = g_strdup_printf (_("Taube logged in to both servers and saved %s. Your password is "
                            "kept in your keyring."),
                          taube_account_get_email_address (target));
  show_state (self, "emblem-ok-symbolic",
              self->editing != NULL ? _("Account Changed") : _("Your Account Is Ready"), text);
  show_buttons (self, FALSE, FALSE, FALSE, TRUE);
  adw_window_title_set_title (self->window_title,
                              self->editing != NULL ? _("Edit Account") : _("Add Account"));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->done_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->done_button));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
}

static void
settings_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TaubeSetupAssistant) self = user_data;
  g_autoptr(GError) error = NULL;

  if (taube_account_manager_save_finish (TAUBE_ACCOUNT_MANAGER (object), result, &error))
    {
      show_saved (self);
      return;
    }
  /* A new account without settings must not leave its passwords behind. */
  if (self->editing == NULL)
    taube_password_clear_async (taube_account_get_id (self->draft), NULL,
                                cleared_after_failure_cb, g_object_ref (self->draft));
  save_failed (self, error);
}

/* The key file is written in a worker (it is fsynced): the window stays responsive. */
static void
save_settings (SaveJob *job)
{
  TaubeSetupAssistant *self = job->self;
  TaubeAccount *target = self->editing != NULL ? self->editing : self->draft;

  if (self->editing != NULL)
    taube_setup_copy_account_settings (self->draft, self->editing);
  taube_account_manager_save_async (self->manager, target, NULL, settings_saved_cb,
                                    g_object_ref (self));
}

static void
password_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SaveJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!taube_password_store_finish (result, &error) && job->error == NULL)
    job->error = g_steal_pointer (&error);
  if (--job->pending > 0)
    return;
  if (job->error != NULL)
    save_failed (job->self, job->error);
  else
    save_settings (job);
  save_job_free (job);
}

static void
store_passwords (SaveJob *job)
{
  TaubeAccount *draft = job->self->draft;
  TaubePasswordKey incoming = {
    taube_account_get_id (draft),
    taube_account_get_protocol (draft) == TAUBE_PROTOCOL_POP3 ? "pop3" : "imap",
    taube_account_get_incoming_host (draft),
    taube_account_get_incoming_username (draft),
  };
  TaubePasswordKey outgoing = {
    taube_account_get_id (draft),
    "smtp",
    taube_account_get_outgoing_host (draft),
    taube_account_get_outgoing_username (draft),
  };

  job->pending = 2;
  taube_password_store_async (&incoming, job->password, NULL, password_stored_cb, job);
  taube_password_store_async (&outgoing, job->password, NULL, password_stored_cb, job);
}

static void
old_passwords_cleared_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  SaveJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!taube_password_clear_finish (result, &error))
    g_debug ("Could not clear the old passwords: %s", error->message);
  store_passwords (job);
}

static void
save_account (TaubeSetupAssistant *self)
{
  SaveJob *job = g_new0 (SaveJob, 1);

  job->self = g_object_ref (self);
  job->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  show_state (self, NULL, _("Saving"), "");
  /* No way back while saving: the page shows how it ended. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.back", FALSE);
  /* The job holds the assistant, and so the account whose id the keyring reads later. */
  if (self->editing != NULL)
    taube_password_clear_async (taube_account_get_id (self->editing), NULL,
                                old_passwords_cleared_cb, job);
  else
    store_passwords (job);
}

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TaubeSetupAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  TaubeVerifyStep step = TAUBE_VERIFY_STEP_INCOMING;
  gboolean ok;

  ok = taube_account_verifier_verify_finish (TAUBE_ACCOUNT_VERIFIER (object), result, &step,
                                             &error);
  /* A verification stopped by Back or closing the window leaves the pages alone. */
  if (TAUBE_ACCOUNT_VERIFIER (object) != self->verifier)
    return;
  g_clear_object (&self->cancellable);
  if (ok)
    save_account (self);
  else
    show_failure (self, step, error);
}

static void
start_verify_cb (TaubeSetupAssistant *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->pages);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (name, "verify") != 0)
    self->verify_from = g_strcmp0 (name, "manual") == 0 ? "manual" : "protocol";
  if (!taube_account_validate (self->draft, &error))
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  taube_setup_verify_stop (self);
  g_clear_object (&self->cancellable);
  /* Translators: the first %s is the incoming server, the second the outgoing one */
  message = g_strdup_printf (_("Logging in to %s and %s…"),
                             taube_account_get_incoming_host (self->draft),
                             taube_account_get_outgoing_host (self->draft));
  show_state (self, NULL, _("Checking Your Settings"), message);
  show_buttons (self, FALSE, FALSE, FALSE, FALSE);
  taube_setup_show_page (self, "verify");

  self->verifier = taube_account_verifier_new (self->draft);
  self->cancellable = g_cancellable_new ();
  taube_account_verifier_verify_async (self->verifier,
                                       gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                       self->cancellable, verify_done_cb, g_object_ref (self));
}

/* Pinning happens only here, after the person ticked the box: the fingerprint joins the
 * account's pinned certificates and the login is tried again. */
static void
trust_certificate_cb (TaubeSetupAssistant *self)
{
  const char *fingerprint = taube_account_verifier_get_fingerprint (self->verifier);
  g_auto(GStrv) pinned = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  if (fingerprint == NULL || !gtk_check_button_get_active (self->trust_check))
    return;
  g_object_get (self->draft, "pinned-certificates", &pinned, NULL);
  if (pinned != NULL)
    g_strv_builder_addv (builder, (const char **) pinned);
  if (pinned == NULL || !g_strv_contains ((const char * const *) pinned, fingerprint))
    g_strv_builder_add (builder, fingerprint);
  updated = g_strv_builder_end (builder);
  g_object_set (self->draft, "pinned-certificates", updated, NULL);
  start_verify_cb (self);
}

static void
fix_settings_cb (TaubeSetupAssistant *self)
{
  taube_setup_verify_stop (self);
  if (g_object_get_data (G_OBJECT (self->fix_button), "to-identity") != NULL)
    {
      taube_setup_show_page (self, "identity");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  taube_setup_servers_sync (self);
  taube_setup_show_page (self, "manual");
}

static void
done_cb (TaubeSetupAssistant *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

void
taube_setup_verify_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, start_verify_cb);
  gtk_widget_class_bind_template_callback (widget_class, trust_certificate_cb);
  gtk_widget_class_bind_template_callback (widget_class, fix_settings_cb);
  gtk_widget_class_bind_template_callback (widget_class, done_cb);
}
