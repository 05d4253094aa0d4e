/* test-window.c — the main window under Xvfb: panes, menu, About, folding
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "taube-application.h"
#include "taube-test-ui.h"
#include "taube-window.h"

static TaubeApplication *app;

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
width_at_most (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) <= 400;
}

static TaubeWindow *
main_window (void)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (TAUBE_IS_WINDOW (window));
  g_assert_true (taube_test_wait_until (widget_is_mapped, window, 10000));
  taube_test_run_briefly (300);
  return TAUBE_WINDOW (window);
}

static AdwStatusPage *
status_page_in (GtkWidget *pane)
{
  GtkWidget *page = taube_test_find_by_type (pane, ADW_TYPE_STATUS_PAGE, 0);

  g_assert_nonnull (page);
  return ADW_STATUS_PAGE (page);
}

static void
test_three_panes (void)
{
  TaubeWindow *window = main_window ();
  GtkWidget *root = GTK_WIDGET (window);
  const char *panes[] = { "sidebar-pane", "message-list-pane", "reader-pane" };
  g_autofree char *shot = NULL;
  int left = -1;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, _("Taube"));

  /* At the default size all three panes are side by side, left to right. */
  for (gsize i = 0; i < G_N_ELEMENTS (panes); i++)
    {
      GtkWidget *pane = taube_test_find_by_name (root, panes[i]);
      graphene_point_t origin;

      g_assert_nonnull (pane);
      g_assert_true (gtk_widget_get_mapped (pane));
      g_assert_cmpint (gtk_widget_get_width (pane), >=, 200);
      g_assert_true (gtk_widget_compute_point (pane, root, &GRAPHENE_POINT_INIT (0, 0), &origin));
      g_assert_cmpint ((int) origin.x, >, left);
      left = (int) origin.x;
    }

  /* The first-run placeholder greets a new user in the middle pane. */
  g_assert_cmpstr (adw_status_page_get_title (status_page_in (
                     taube_test_find_by_name (root, "message-list-pane"))),
                   ==, _("Welcome to Taube"));
  g_assert_cmpstr (adw_status_page_get_title (status_page_in (
                     taube_test_find_by_name (root, "sidebar-pane"))),
                   ==, _("No Accounts"));
  g_assert_cmpstr (adw_status_page_get_title (status_page_in (
                     taube_test_find_by_name (root, "reader-pane"))),
                   ==, _("No Message Selected"));

  shot = taube_test_screenshot (root, "main-window.png");
  g_assert_cmpuint (taube_test_count_colours (shot), >, 20);
}

static void
test_actions (void)
{
  TaubeWindow *window = main_window ();
  GtkWidget *menu_button = taube_test_find_by_type (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, 0);
  g_autofree char **quit_accels = NULL;

  for (const char *const *name = (const char *[]){ "quit", "about", "help", "add-account",
                                                   "preferences", NULL };
       *name; name++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), *name));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));

  quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_cmpstr (quit_accels[0], ==, "<Control>q");

  /* The primary menu offers adding an account and preferences, then shortcuts, help and
   * about. */
  g_assert_nonnull (menu_button);
  g_assert_true (gtk_menu_button_get_primary (GTK_MENU_BUTTON (menu_button)));
  g_assert_cmpint (g_menu_model_get_n_items (
                     g_menu_model_get_item_link (gtk_menu_button_get_menu_model (
                                                   GTK_MENU_BUTTON (menu_button)),
                                                 0, G_MENU_LINK_SECTION)),
                   ==, 2);
  g_assert_cmpint (g_menu_model_get_n_items (
                     g_menu_model_get_item_link (gtk_menu_button_get_menu_model (
                                                   GTK_MENU_BUTTON (menu_button)),
                                                 1, G_MENU_LINK_SECTION)),
                   ==, 3);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
toplevel_shown (gpointer data)
{
  return find_toplevel ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

static void
test_about_and_shortcuts (void)
{
  TaubeWindow *window = main_window ();
  GtkWindow *about;
  GtkWindow *shortcuts;
  g_autofree char *about_shot = NULL;
  g_autofree char *shortcuts_shot = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (taube_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW),
                                        10000));
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==,
                   GTK_LICENSE_GPL_3_0);
  taube_test_run_briefly (300);
  about_shot = taube_test_screenshot (GTK_WIDGET (about), "about.png");
  gtk_window_destroy (about);

  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  g_assert_true (taube_test_wait_until (toplevel_shown,
                                        GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 10000));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  taube_test_run_briefly (300);
  shortcuts_shot = taube_test_screenshot (GTK_WIDGET (shortcuts), "shortcuts.png");
  g_assert_cmpuint (taube_test_count_colours (shortcuts_shot), >, 10);
  gtk_window_close (shortcuts);
}

/* A phone-sized window shows one pane at a time with a way back. */
static void
test_narrow_folds (void)
{
  TaubeWindow *window = main_window ();
  GtkWidget *root = GTK_WIDGET (window);
  AdwLeaflet *leaflet = ADW_LEAFLET (taube_test_find_by_type (root, ADW_TYPE_LEAFLET, 0));
  g_autofree char *shot = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  g_assert_true (taube_test_wait_until (width_at_most, window, 10000));
  taube_test_run_briefly (500);

  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "sidebar");

  adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  taube_test_run_briefly (500);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "message-list");
  shot = taube_test_screenshot (root, "main-window-narrow.png");

  gtk_widget_activate_action (root, "win.navigate-back", NULL);
  taube_test_run_briefly (500);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "sidebar");

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  taube_test_run_briefly (500);
}

/* Run with LANGUAGE=de: a German speaker sees German, from the catalogue the build made. */
static void
test_german (void)
{
  TaubeWindow *window = main_window ();
  GtkWidget *root = GTK_WIDGET (window);
  g_autofree char *shot = NULL;

  g_assert_cmpstr (adw_status_page_get_title (status_page_in (
                     taube_test_find_by_name (root, "message-list-pane"))),
                   ==, "Willkommen bei Taube");
  g_assert_cmpstr (adw_status_page_get_title (status_page_in (
                     taube_test_find_by_name (root, "reader-pane"))),
                   ==, "Keine Nachricht ausgewählt");
  shot = taube_test_screenshot (root, "main-window-de.png");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TAUBE_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);

  app = taube_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  if (g_strcmp0 (g_getenv ("LANGUAGE"), "de") == 0)
    {
      g_test_add_func ("/app/window/german", test_german);
    }
  else
    {
      g_test_add_func ("/app/window/three-panes", test_three_panes);
      g_test_add_func ("/app/window/actions", test_actions);
      g_test_add_func ("/app/window/about-and-shortcuts", test_about_and_shortcuts);
      g_test_add_func ("/app/window/narrow-folds", test_narrow_folds);
    }

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
