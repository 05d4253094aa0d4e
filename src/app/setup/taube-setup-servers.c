/* taube-setup-servers.c — the assistant's protocol choice and manual server settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both pages edit the draft account; taube_setup_servers_sync() puts the draft into the
 * widgets, and every change a person makes goes back into the draft at once.
 */
#define G_LOG_DOMAIN "taube-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-autoconfig-ports.h"
#include "taube-setup-assistant-private.h"

#define HELP_URI "help:taube/imap-or-pop3"

/* The rows of the security combo, in the order of the .ui file's string list. */
static const TaubeSecurity security_rows[] = {
  TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS, TAUBE_SECURITY_NONE,
};

static guint
security_to_row (TaubeSecurity security)
{
  for (guint i = 0; i < G_N_ELEMENTS (security_rows); i++)
    if (security_rows[i] == security)
      return i;
  return 0;
}

static TaubeSecurity
combo_security (AdwComboRow *combo)
{
  guint row = adw_combo_row_get_selected (combo);

  return row < G_N_ELEMENTS (security_rows) ? security_rows[row] : TAUBE_SECURITY_TLS;
}

static const char *
security_label (TaubeSecurity security)
{
  switch (security)
    {
    case TAUBE_SECURITY_TLS:
      return _("TLS");
    case TAUBE_SECURITY_STARTTLS:
      return _("STARTTLS");
    case TAUBE_SECURITY_NONE:
    default:
      return _("None (unencrypted)");
    }
}

static TaubeProtocol
draft_protocol (TaubeSetupAssistant *self)
{
  return taube_account_get_protocol (self->draft);
}

static char *
summary_text (TaubeAccount *account,
              gboolean      incoming)
{
  g_autofree char *host = NULL;
  guint port;
  TaubeSecurity security;

  g_object_get (account,
                incoming ? "incoming-host" : "outgoing-host", &host,
                incoming ? "incoming-port" : "outgoing-port", &port,
                incoming ? "incoming-security" : "outgoing-security", &security,
                NULL);
  if (host == NULL || host[0] == '\0')
    return g_strdup (_("Not set"));
  /* Translators: server, port and security, e.g. "imap.example.org, port 993, TLS" */
  return g_strdup_printf (_("%s, port %u, %s"), host, port, security_label (security));
}

static void
update_summaries (TaubeSetupAssistant *self)
{
  g_autofree char *in = summary_text (self->draft, TRUE);
  g_autofree char *out = summary_text (self->draft, FALSE);
  const char *protocol = draft_protocol (self) == TAUBE_PROTOCOL_POP3 ? _("POP3") : _("IMAP");
  g_autofree char *in_title = NULL;

  /* Translators: %s is "IMAP" or "POP3" */
  in_title = g_strdup_printf (_("Incoming (%s)"), protocol);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->incoming_summary), in_title);
  adw_action_row_set_subtitle (self->incoming_summary, in);
  adw_action_row_set_subtitle (self->outgoing_summary, out);
}

static gboolean
uses_plaintext (TaubeSetupAssistant *self)
{
  return combo_security (self->in_security_combo) == TAUBE_SECURITY_NONE
         || combo_security (self->out_security_combo) == TAUBE_SECURITY_NONE;
}

static char *
stripped_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* Everything filled in, and an unencrypted connection explicitly accepted. */
static void
update_validity (TaubeSetupAssistant *self)
{
  gboolean plaintext = uses_plaintext (self);
  gboolean complete = TRUE;
  gboolean ready;
  AdwEntryRow *required[] = { self->in_host_row, self->in_user_row, self->out_host_row };

  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autofree char *text = stripped_text (required[i]);

      complete = complete && text[0] != '\0';
    }
  gtk_widget_set_visible (GTK_WIDGET (self->plaintext_group), plaintext);
  ready = complete && (!plaintext || gtk_check_button_get_active (self->plaintext_check));
  /* Both pages continue to the same login, so the same rule holds for both. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->manual_continue), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->protocol_continue), ready);
}

/* The widgets of the manual page into the draft. */
static void
read_manual_page (TaubeSetupAssistant *self)
{
  g_autofree char *in_host = stripped_text (self->in_host_row);
  g_autofree char *in_user = stripped_text (self->in_user_row);
  g_autofree char *out_host = stripped_text (self->out_host_row);
  g_autofree char *out_user = stripped_text (self->out_user_row);

  g_object_set (self->draft,
                "incoming-host", in_host,
                "incoming-port", (guint) gtk_spin_button_get_value_as_int (self->in_port_spin),
                "incoming-security", combo_security (self->in_security_combo),
                "incoming-username", in_user,
                "outgoing-host", out_host,
                "outgoing-port", (guint) gtk_spin_button_get_value_as_int (self->out_port_spin),
                "outgoing-security", combo_security (self->out_security_combo),
                "outgoing-username", out_user[0] != '\0' ? out_user : NULL,
                "allow-plaintext", uses_plaintext (self)
                                   && gtk_check_button_get_active (self->plaintext_check),
                NULL);
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

/**
 * taube_setup_servers_sync:
 * @self: the assistant
 *
 * Shows the draft's settings on the protocol and manual pages.
 */
void
taube_setup_servers_sync (TaubeSetupAssistant *self)
{
  g_autofree char *in_host = NULL, *in_user = NULL, *out_host = NULL, *out_user = NULL;
  guint in_port, out_port, days;
  TaubeSecurity in_security, out_security;
  gboolean allow_plaintext, leave;
  gboolean pop3 = draft_protocol (self) == TAUBE_PROTOCOL_POP3;

  g_object_get (self->draft,
                "incoming-host", &in_host, "incoming-port", &in_port,
                "incoming-security", &in_security, "incoming-username", &in_user,
                "outgoing-host", &out_host, "outgoing-port", &out_port,
                "outgoing-security", &out_security, "outgoing-username", &out_user,
                "allow-plaintext", &allow_plaintext,
                "pop3-leave-on-server", &leave, "pop3-delete-after-days", &days,
                NULL);
  self->syncing = TRUE;
  gtk_check_button_set_active (pop3 ? self->pop3_check : self->imap_check, TRUE);
  adw_combo_row_set_selected (self->protocol_combo, pop3 ? 1 : 0);
  set_entry (self->in_host_row, in_host);
  adw_combo_row_set_selected (self->in_security_combo, security_to_row (in_security));
  gtk_spin_button_set_value (self->in_port_spin, in_port);
  set_entry (self->in_user_row, in_user);
  set_entry (self->out_host_row, out_host);
  adw_combo_row_set_selected (self->out_security_combo, security_to_row (out_security));
  gtk_spin_button_set_value (self->out_port_spin, out_port);
  set_entry (self->out_user_row, out_user);
  gtk_check_button_set_active (self->plaintext_check, allow_plaintext);
  gtk_switch_set_active (self->leave_switch, leave);
  gtk_spin_button_set_value (self->days_spin, days);
  gtk_widget_set_visible (GTK_WIDGET (self->pop3_group), pop3);
  self->in_security = in_security;
  self->out_security = out_security;
  self->syncing = FALSE;
  update_summaries (self);
  update_validity (self);
}

/* A server without a user name keeps the one the draft has (the address by default):
 * probing and SRV cannot know it. */
static void
apply_incoming_server (TaubeSetupAssistant   *self,
                       TaubeAutoconfigServer *server)
{
  const char *username = taube_autoconfig_server_get_username (server);
  gboolean leave;

  g_object_set (self->draft,
                "protocol", taube_autoconfig_server_get_protocol (server),
                "incoming-host", taube_autoconfig_server_get_hostname (server),
                "incoming-port", taube_autoconfig_server_get_port (server),
                "incoming-security", taube_autoconfig_server_get_security (server),
                NULL);
  if (username != NULL && username[0] != '\0')
    g_object_set (self->draft, "incoming-username", username, NULL);
  if (taube_autoconfig_server_get_pop3_leave_on_server (server, &leave))
    g_object_set (self->draft,
                  "pop3-leave-on-server", leave,
                  "pop3-delete-after-days", taube_autoconfig_server_get_pop3_days_to_leave (server),
                  NULL);
}

static gboolean
offers (TaubeProviderConfig *config,
        TaubeProtocol        protocol)
{
  g_autoptr(TaubeAutoconfigServer) server = NULL;

  if (config == NULL)
    return FALSE;
  server = taube_provider_config_get_recommended_incoming_for_protocol (config, protocol);
  return server != NULL;
}

static void
update_recommendation (TaubeSetupAssistant *self)
{
  gboolean imap = offers (self->detected, TAUBE_PROTOCOL_IMAP);
  gboolean pop3 = offers (self->detected, TAUBE_PROTOCOL_POP3);
  const char *text;

  if (imap && pop3)
    text = _("Your provider offers both. Taube recommends IMAP: it keeps your mail safe on the "
             "server and the same on all your devices.");
  else if (imap)
    text = _("Your provider’s settings name IMAP only, which Taube recommends anyway. POP3 "
             "uses the usual port on the same server.");
  else if (pop3)
    text = _("Your provider’s settings name POP3 only, so Taube suggests it. IMAP uses the "
             "usual port on the same server, if your provider offers it.");
  else
    text = _("If you are unsure, choose IMAP.");
  gtk_label_set_text (self->recommendation_label, text);
}

/* Standard ports and the address as user name; pinned certificates go too, since they
 * belonged to the servers found before. */
static void
reset_defaults (TaubeSetupAssistant *self)
{
  const char *address = taube_setup_get_address (self);

  g_object_set (self->draft,
                "protocol", TAUBE_PROTOCOL_IMAP,
                "incoming-host", "",
                "incoming-port", taube_autoconfig_standard_port (TAUBE_PROTOCOL_IMAP,
                                                                 TAUBE_SECURITY_TLS),
                "incoming-security", TAUBE_SECURITY_TLS,
                "incoming-username", address,
                "outgoing-host", "",
                "outgoing-port", taube_autoconfig_standard_smtp_port (TAUBE_SECURITY_TLS),
                "outgoing-security", TAUBE_SECURITY_TLS,
                "outgoing-username", NULL,
                "allow-plaintext", FALSE,
                "pinned-certificates", NULL,
                NULL);
}

/**
 * taube_setup_servers_use_detected:
 * @self: the assistant
 *
 * Puts the recommended servers of the detected settings into the draft (IMAP when
 * offered) and shows where they came from.
 */
void
taube_setup_servers_use_detected (TaubeSetupAssistant *self)
{
  g_autoptr(TaubeAutoconfigServer) in = NULL;
  g_autoptr(TaubeAutoconfigServer) out = NULL;
  g_autofree char *source = NULL;

  reset_defaults (self);
  in = taube_provider_config_get_recommended_incoming_for_protocol (self->detected,
                                                                    TAUBE_PROTOCOL_IMAP);
  if (in == NULL)
    in = taube_provider_config_get_recommended_incoming (self->detected);
  if (in != NULL)
    apply_incoming_server (self, in);
  out = taube_provider_config_get_recommended_outgoing (self->detected);
  if (out != NULL)
    {
      const char *username = taube_autoconfig_server_get_username (out);

      g_object_set (self->draft,
                    "outgoing-host", taube_autoconfig_server_get_hostname (out),
                    "outgoing-port", taube_autoconfig_server_get_port (out),
                    "outgoing-security", taube_autoconfig_server_get_security (out),
                    "outgoing-username", username != NULL && username[0] != '\0' ? username
                                                                                 : NULL,
                    NULL);
    }
  update_recommendation (self);
  taube_setup_servers_set_intro (self, _("Check the settings Taube found, or change them."));
  taube_setup_servers_sync (self);
}

/**
 * taube_setup_servers_use_blank:
 * @self: the assistant
 *
 * Standard ports and empty server names, for settings typed in by hand.
 */
void
taube_setup_servers_use_blank (TaubeSetupAssistant *self)
{
  reset_defaults (self);
  update_recommendation (self);
  gtk_label_set_text (self->source_label, _("You entered these settings yourself."));
  taube_setup_servers_sync (self);
}

void
taube_setup_servers_set_intro (TaubeSetupAssistant *self,
                               const char          *text)
{
  gtk_label_set_text (self->manual_intro, text);
}

/* IMAP <-> POP3: the incoming server, port and security change at once, to the detected
 * server for that protocol or the standard port on the same host. */
static void
switch_protocol (TaubeSetupAssistant *self,
                 TaubeProtocol        protocol)
{
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;
  TaubeSecurity security;
  g_autoptr(TaubeAutoconfigServer) server = NULL;

  if (protocol == draft_protocol (self))
    return;
  g_object_get (self->draft, "incoming-host", &host, "incoming-security", &security,
                "incoming-username", &user, NULL);
  server = taube_autoconfig_incoming_for_protocol (self->detected, protocol,
                                                   host != NULL ? host : "", security, user);
  apply_incoming_server (self, server);
  g_object_set (self->draft, "protocol", protocol, NULL);
  taube_setup_servers_sync (self);
}

static void
protocol_toggled_cb (TaubeSetupAssistant *self)
{
  if (self->syncing)
    return;
  switch_protocol (self, gtk_check_button_get_active (self->pop3_check) ? TAUBE_PROTOCOL_POP3
                                                                        : TAUBE_PROTOCOL_IMAP);
}

static void
manual_protocol_cb (TaubeSetupAssistant *self)
{
  if (self->syncing)
    return;
  read_manual_page (self);
  switch_protocol (self, adw_combo_row_get_selected (self->protocol_combo) == 1
                           ? TAUBE_PROTOCOL_POP3 : TAUBE_PROTOCOL_IMAP);
}

static void
pop3_options_changed_cb (TaubeSetupAssistant *self)
{
  if (self->syncing)
    return;
  g_object_set (self->draft,
                "pop3-leave-on-server", gtk_switch_get_active (self->leave_switch),
                "pop3-delete-after-days",
                (guint) gtk_spin_button_get_value_as_int (self->days_spin),
                NULL);
}

static void
manual_changed_cb (TaubeSetupAssistant *self)
{
  if (self->syncing)
    return;
  read_manual_page (self);
  update_summaries (self);
  update_validity (self);
}

/* A standard port moves to its partner (993 <-> 143, 995 <-> 110, 465 <-> 587); a port the
 * person chose stays as it is. */
static void
in_security_cb (TaubeSetupAssistant *self)
{
  TaubeSecurity to = combo_security (self->in_security_combo);
  guint port = (guint) gtk_spin_button_get_value_as_int (self->in_port_spin);

  if (self->syncing)
    return;
  port = taube_autoconfig_port_for_security (draft_protocol (self), port, self->in_security, to);
  self->in_security = to;
  self->syncing = TRUE;
  gtk_spin_button_set_value (self->in_port_spin, port);
  self->syncing = FALSE;
  manual_changed_cb (self);
}

static void
out_security_cb (TaubeSetupAssistant *self)
{
  TaubeSecurity to = combo_security (self->out_security_combo);
  guint port = (guint) gtk_spin_button_get_value_as_int (self->out_port_spin);

  if (self->syncing)
    return;
  port = taube_autoconfig_smtp_port_for_security (port, self->out_security, to);
  self->out_security = to;
  self->syncing = TRUE;
  gtk_spin_button_set_value (self->out_port_spin, port);
  self->syncing = FALSE;
  manual_changed_cb (self);
}

static void
go_manual_cb (TaubeSetupAssistant *self)
{
  taube_setup_detect_stop (self);
  taube_setup_servers_sync (self);
  taube_setup_show_page (self, "manual");
}

/**
 * taube_setup_servers_init:
 * @self: the assistant
 *
 * Sets the protocol page's link to the help page; the label opens it (click, or Tab and
 * Enter) with the desktop's help viewer.
 */
void
taube_setup_servers_init (TaubeSetupAssistant *self)
{
  g_autofree char *markup = g_markup_printf_escaped ("<a href=\"%s\">%s</a>", HELP_URI,
                                                     _("More about IMAP and POP3"));

  gtk_label_set_markup (self->help_link, markup);
}

void
taube_setup_servers_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, protocol_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, manual_protocol_cb);
  gtk_widget_class_bind_template_callback (widget_class, pop3_options_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, manual_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, in_security_cb);
  gtk_widget_class_bind_template_callback (widget_class, out_security_cb);
  gtk_widget_class_bind_template_callback (widget_class, go_manual_cb);
}
