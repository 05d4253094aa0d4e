/* taube-application.c — the single-instance application object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-app"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-application.h"
#include "taube-background.h"
#include "taube-preferences-window.h"
#include "taube-setup-assistant.h"
#include "taube-window.h"

struct _TaubeApplication
{
  AdwApplication parent_instance;

  TaubeAccountManager *accounts;
  TaubeBackground *background;
};

G_DEFINE_FINAL_TYPE (TaubeApplication, taube_application, ADW_TYPE_APPLICATION)

static TaubeWindow *
get_or_create_window (TaubeApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (taube_window_new (self));
  return TAUBE_WINDOW (window);
}

/* GApplication makes Taube single-instance: a second `taube` only sends "activate"
 * over D-Bus to this one, which raises its window. */
static void
taube_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_or_create_window (TAUBE_APPLICATION (app))));
}

static void
taube_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  TaubeWindow *window = get_or_create_window (TAUBE_APPLICATION (app));

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      taube_window_show_unsupported_uri (window, uri);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char *developers[] = { "The Taube developers", NULL };
  GtkApplication *app = GTK_APPLICATION (user_data);
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  adw_about_window_set_application_name (about, _("Taube"));
  adw_about_window_set_application_icon (about, APPLICATION_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Taube developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_comments (about, _("Read and write email on the GNOME desktop"));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  /* Translators: put your names here, one per line */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
show_help_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TaubeWindow) window = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error))
    {
      g_debug ("Could not open help: %s", error->message);
      taube_window_show_toast (window, _("Could not open the help. Install the “Help” app "
                                         "(yelp) to read Taube’s manual."));
    }
}

static void
help_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TaubeWindow *window = get_or_create_window (TAUBE_APPLICATION (user_data));

  gtk_show_uri_full (GTK_WINDOW (window), "help:taube", GDK_CURRENT_TIME, NULL, show_help_cb,
                     g_object_ref (window));
}

static void
add_account_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TaubeApplication *self = TAUBE_APPLICATION (user_data);
  TaubeWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (taube_setup_assistant_new (GTK_WINDOW (window),
                                                             self->accounts)));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TaubeApplication *self = TAUBE_APPLICATION (user_data);
  TaubeWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (taube_preferences_window_new (GTK_WINDOW (window),
                                                                self->accounts)));
}

/* Shown in the window if one is open; the account stays stopped until it is edited. */
static void
account_error_cb (TaubeBackground *background,
                  const char      *account_id,
                  const char      *message,
                  gpointer         user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  TaubeAccount *account = taube_account_manager_lookup (
    TAUBE_APPLICATION (user_data)->accounts, account_id);
  g_autofree char *text = NULL;

  /* Translators: an account's e-mail address, then why it stopped syncing */
  text = g_strdup_printf (_("%s stopped syncing: %s"),
                          account != NULL ? taube_account_get_email_address (account)
                                          : account_id, message);
  g_message ("%s", text);
  if (TAUBE_IS_WINDOW (window))
    taube_window_show_toast (TAUBE_WINDOW (window), text);
}

static const GActionEntry app_actions[] = {
  { .name = "add-account", .activate = add_account_activated },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
  { .name = "help", .activate = help_activated },
};

static void
taube_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "F1", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  TaubeApplication *self = TAUBE_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (taube_application_parent_class)->startup (app);

  /* A broken account file is reported and skipped by the manager; the others still load. */
  self->accounts = taube_account_manager_new (NULL);
  if (!taube_account_manager_load (self->accounts, &error))
    g_debug ("Not every account could be loaded: %s", error->message);
  self->background = taube_background_new (app, self->accounts);
  g_signal_connect (self->background, "account-error", G_CALLBACK (account_error_cb), self);
  taube_background_start (self->background);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);
}

/* app.quit ends the main loop even while held; stop syncing and let go here. */
static void
taube_application_shutdown (GApplication *app)
{
  TaubeApplication *self = TAUBE_APPLICATION (app);

  if (self->background != NULL)
    taube_background_stop (self->background);
  G_APPLICATION_CLASS (taube_application_parent_class)->shutdown (app);
}

static void
taube_application_finalize (GObject *object)
{
  g_clear_object (&TAUBE_APPLICATION (object)->background);
  g_clear_object (&TAUBE_APPLICATION (object)->accounts);

  G_OBJECT_CLASS (taube_application_parent_class)->finalize (object);
}

static void
taube_application_class_init (TaubeApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = taube_application_finalize;
  app_class->activate = taube_application_activate;
  app_class->open = taube_application_open;
  app_class->startup = taube_application_startup;
  app_class->shutdown = taube_application_shutdown;
}

static void
taube_application_init (TaubeApplication *self)
{
}

TaubeApplication *
taube_application_new (void)
{
  return g_object_new (TAUBE_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/**
 * taube_application_get_account_manager:
 * @self: a #TaubeApplication
 *
 * Returns: (transfer none): the accounts, loaded at start-up
 */
TaubeAccountManager *
taube_application_get_account_manager (TaubeApplication *self)
{
  g_return_val_if_fail (TAUBE_IS_APPLICATION (self), NULL);

  return self->accounts;
}
