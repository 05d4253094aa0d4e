/* taube-setup-detect.c — the assistant's second page: looking up the server settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-autoconfig-error.h"
#include "taube-setup-assistant-private.h"

/* The detector stops itself after this many seconds; the page shows the time running out
 * and, should the detector overrun, gives up a little later on its own. */
#define DETECT_TIMEOUT_S 15
#define DETECT_GRACE_S 3

/* An empty message would leave a gap between the title and what follows. */
static void
set_message (TaubeSetupAssistant *self,
             const char          *text)
{
  gtk_label_set_text (self->detect_message, text);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_message), text[0] != '\0');
}

static void
mark_last_step_done (TaubeSetupAssistant *self)
{
  GtkWidget *spinner;

  if (self->last_step_row == NULL)
    return;
  spinner = g_object_get_data (G_OBJECT (self->last_step_row), "spinner");
  gtk_spinner_stop (GTK_SPINNER (spinner));
  gtk_widget_set_visible (spinner, FALSE);
  self->last_step_row = NULL;
}

static void
progress_cb (TaubeAccountDetector  *detector,
             TaubeAutoconfigSource  step,
             const char            *message,
             TaubeSetupAssistant   *self)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spinner = gtk_spinner_new ();

  mark_last_step_done (self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), message);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_spinner_start (GTK_SPINNER (spinner));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
  g_object_set_data (G_OBJECT (row), "spinner", spinner);
  gtk_list_box_append (self->detect_steps, row);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_steps), TRUE);
  self->last_step_row = row;
  set_message (self, message);
}

static gboolean
detect_tick_cb (gpointer user_data)
{
  TaubeSetupAssistant *self = user_data;
  double elapsed = (g_get_monotonic_time () - self->detect_started) / (double) G_USEC_PER_SEC;

  gtk_progress_bar_set_fraction (self->detect_progress, MIN (elapsed / DETECT_TIMEOUT_S, 1.0));
  if (elapsed > DETECT_TIMEOUT_S + DETECT_GRACE_S && !self->detect_timed_out)
    {
      self->detect_timed_out = TRUE;
      g_cancellable_cancel (self->cancellable);
    }
  return G_SOURCE_CONTINUE;
}

static void
stop_running (TaubeSetupAssistant *self)
{
  g_clear_handle_id (&self->detect_tick_id, g_source_remove);
  gtk_spinner_stop (self->detect_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_spinner), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_progress), FALSE);
  mark_last_step_done (self);
}

/**
 * taube_setup_detect_stop:
 * @self: the assistant
 *
 * Cancels a detection that is still running; its result is then ignored.
 */
void
taube_setup_detect_stop (TaubeSetupAssistant *self)
{
  if (self->detector != NULL)
    g_signal_handlers_disconnect_by_data (self->detector, self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->detector);
  g_clear_handle_id (&self->detect_tick_id, g_source_remove);
}

static char *
source_description (TaubeSetupAssistant *self)
{
  const char *domain = taube_setup_get_domain (self);
  const char *name = taube_provider_config_get_display_name (self->detected);

  if (name == NULL)
    name = domain;
  switch (taube_provider_config_get_source (self->detected))
    {
    case TAUBE_AUTOCONFIG_SOURCE_DATABASE:
      /* Translators: %s is a provider's name, e.g. "GMX Freemail" */
      return g_strdup_printf (_("Settings for %s from Taube’s list of providers."), name);
    case TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG:
      /* Translators: %s is a mail domain, e.g. "example.org" */
      return g_strdup_printf (_("Settings published by %s on its own configuration server."),
                              domain);
    case TAUBE_AUTOCONFIG_SOURCE_SRV:
      /* Translators: %s is a mail domain */
      return g_strdup_printf (_("Settings from the DNS service records of %s."), domain);
    case TAUBE_AUTOCONFIG_SOURCE_MX:
      /* Translators: the first %s is a mail domain, the second a provider's name */
      return g_strdup_printf (_("The mail for %s is handled by %s; settings from Taube’s list "
                                "of providers."), domain, name);
    case TAUBE_AUTOCONFIG_SOURCE_PROBE:
    default:
      return g_strdup (_("Taube found these servers by trying the usual names and ports."));
    }
}

static char *
server_line (TaubeAutoconfigServer *server)
{
  if (server == NULL)
    return g_strdup (_("none found"));
  /* Translators: a server and port, e.g. "imap.example.org, port 993" */
  return g_strdup_printf (_("%s, port %u"), taube_autoconfig_server_get_hostname (server),
                          taube_autoconfig_server_get_port (server));
}

/* Settings from plain DNS, or pointing outside the address's domain, could have been
 * planted by someone else: show the servers and let the person decide. */
static void
ask_confirmation (TaubeSetupAssistant *self,
                  const char          *source)
{
  g_autoptr(TaubeAutoconfigServer) in = taube_provider_config_get_recommended_incoming (
    self->detected);
  g_autoptr(TaubeAutoconfigServer) out = taube_provider_config_get_recommended_outgoing (
    self->detected);
  g_autofree char *in_line = server_line (in);
  g_autofree char *out_line = server_line (out);
  g_autofree char *text = NULL;

  /* Translators: 1: where the settings came from (a sentence); 2: the address's domain;
   * 3 and 4: "host, port" lines */
  text = g_strdup_printf (_("%s\n\nThese settings were not confirmed by %s itself, or they "
                            "name a server elsewhere. Use them only if these servers belong "
                            "to your provider:\n\nIncoming: %s\nOutgoing: %s"),
                          source, taube_setup_get_domain (self), in_line, out_line);
  gtk_label_set_text (self->detect_title, _("Please Check These Settings"));
  set_message (self, "");
  gtk_label_set_text (self->confirm_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_box), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_manual), TRUE);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->confirm_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_button));
}

static void
detected (TaubeSetupAssistant *self,
          TaubeProviderConfig *config)
{
  const char *address = taube_setup_get_address (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  TaubeProviderConfig *expanded = taube_provider_config_expand (config, address, &error);

  /* An expanded copy carries the same source; a failed expansion leaves the settings as
   * they are (the user names are then filled in from the address below). */
  if (expanded == NULL)
    {
      g_debug ("Could not expand the settings: %s", error->message);
      expanded = g_object_ref (config);
    }
  g_set_object (&self->detected, expanded);
  g_object_unref (expanded);
  taube_setup_servers_use_detected (self);
  source = source_description (self);
  gtk_label_set_text (self->source_label, source);
  if (taube_provider_config_needs_confirmation (config, address))
    ask_confirmation (self, source);
  else
    taube_setup_show_page (self, "protocol");
}

static void
not_found (TaubeSetupAssistant *self)
{
  g_autofree char *text = NULL;

  g_clear_object (&self->detected);
  taube_setup_servers_use_blank (self);
  /* Translators: %s is a mail domain */
  text = g_strdup_printf (_("Taube could not find the servers for %s. Enter them below; "
                            "your provider’s help pages list them."),
                          taube_setup_get_domain (self));
  taube_setup_servers_set_intro (self, text);
  taube_setup_show_page (self, "manual");
}

static void
detect_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TaubeSetupAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;

  config = taube_account_detector_detect_finish (TAUBE_ACCOUNT_DETECTOR (object), result, &error);
  /* A stopped detection (Cancel, Back, the window closed) leaves the page alone. */
  if (TAUBE_ACCOUNT_DETECTOR (object) != self->detector)
    return;
  stop_running (self);
  if (config != NULL)
    detected (self, config);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->detect_timed_out)
    taube_setup_show_page (self, "identity");
  else
    {
      /* NOT_FOUND, the time limit, or a failure of every step: all mean "ask the person". */
      if (!g_error_matches (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_NOT_FOUND))
        g_debug ("Detection failed: %s", error->message);
      not_found (self);
    }
  g_clear_object (&self->detector);
  g_clear_object (&self->cancellable);
}

static void
reset_page (TaubeSetupAssistant *self)
{
  GtkWidget *row;
  g_autofree char *title = NULL;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->detect_steps))) != NULL)
    gtk_list_box_remove (self->detect_steps, row);
  self->last_step_row = NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->detect_steps), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_box), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_manual), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_spinner), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->detect_progress), TRUE);
  gtk_spinner_start (self->detect_spinner);
  gtk_progress_bar_set_fraction (self->detect_progress, 0.0);
  /* Translators: %s is a mail domain */
  title = g_strdup_printf (_("Looking up the servers for %s"), taube_setup_get_domain (self));
  gtk_label_set_text (self->detect_title, title);
  set_message (self, "");
}

/**
 * taube_setup_detect_start:
 * @self: the assistant
 *
 * Shows the detection page and starts looking up the settings for the address entered.
 */
void
taube_setup_detect_start (TaubeSetupAssistant *self)
{
  taube_setup_detect_stop (self);
  reset_page (self);
  taube_setup_show_page (self, "detect");
  gtk_widget_grab_focus (GTK_WIDGET (self->detect_cancel));

  self->detector = taube_account_detector_new ();
  g_object_set (self->detector, "timeout", (guint) DETECT_TIMEOUT_S, NULL);
  self->cancellable = g_cancellable_new ();
  self->detect_started = g_get_monotonic_time ();
  self->detect_timed_out = FALSE;
  self->detect_tick_id = g_timeout_add (100, detect_tick_cb, self);
  g_signal_connect (self->detector, "progress", G_CALLBACK (progress_cb), self);
  taube_account_detector_detect_async (self->detector, taube_setup_get_address (self),
                                       self->cancellable, detect_done_cb, g_object_ref (self));
}

static void
detect_cancel_cb (TaubeSetupAssistant *self)
{
  taube_setup_detect_stop (self);
  stop_running (self);
  taube_setup_show_page (self, "identity");
}

static void
confirm_detected_cb (TaubeSetupAssistant *self)
{
  taube_setup_show_page (self, "protocol");
}

void
taube_setup_detect_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, detect_cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, confirm_detected_cb);
}
