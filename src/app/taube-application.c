/* taube-application.c — the single-instance application object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-app"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-application.h"
#include "taube-window.h"

struct _TaubeApplication
{
  AdwApplication parent_instance;
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

static const GActionEntry app_actions[] = {
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

  G_APPLICATION_CLASS (taube_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
}

static void
taube_application_class_init (TaubeApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = taube_application_activate;
  app_class->open = taube_application_open;
  app_class->startup = taube_application_startup;
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
