/* taube-window.c — the main window: accounts and folders / message list / reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-window"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-window.h"

struct _TaubeWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  AdwHeaderBar *sidebar_header;
  AdwHeaderBar *message_list_header;
  AdwHeaderBar *reader_header;
  GtkStack *sidebar_stack;
  GtkListBox *account_list;
  AdwStatusPage *welcome_page;
  GtkButton *add_account_button;

  TaubeAccountManager *accounts;
};

G_DEFINE_FINAL_TYPE (TaubeWindow, taube_window, ADW_TYPE_APPLICATION_WINDOW)

/* Unfolded, the window's title buttons belong at its outer edges only; folded, each
 * pane fills the window and needs them all. */
static void
taube_window_leaflet_folded_cb (TaubeWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  adw_header_bar_set_show_end_title_buttons (self->sidebar_header, folded);
  adw_header_bar_set_show_start_title_buttons (self->message_list_header, folded);
  adw_header_bar_set_show_end_title_buttons (self->message_list_header, folded);
  adw_header_bar_set_show_start_title_buttons (self->reader_header, folded);
}

static void
navigate_back_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TaubeWindow *self = TAUBE_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* One row per account: its name and address. The folder tree comes later. */
static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  TaubeAccount *account = item;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_name (box, taube_account_get_id (account));
  /* An edit in Preferences saves into the same account object: the row follows it. */
  taube_account_bind_title (account, title, "label");
  g_object_bind_property (account, "email-address", subtitle, "label", G_BINDING_SYNC_CREATE);
  return box;
}

static void
accounts_changed_cb (TaubeWindow *self)
{
  gboolean any = g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) > 0;

  gtk_stack_set_visible_child_name (self->sidebar_stack, any ? "accounts" : "empty");
  gtk_widget_set_visible (GTK_WIDGET (self->add_account_button), !any);
  adw_status_page_set_title (self->welcome_page,
                             any ? _("No Folder Selected") : _("Welcome to Taube"));
  adw_status_page_set_description (self->welcome_page,
                                   any ? NULL
                                       : _("Taube will set up your mail from your email "
                                           "address and password, and explain each choice "
                                           "it makes."));
}

/* GtkWindow gets its application after construction: the account list follows it. */
static void
application_changed_cb (TaubeWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (!TAUBE_IS_APPLICATION (app) || self->accounts != NULL)
    return;
  self->accounts = g_object_ref (taube_application_get_account_manager (TAUBE_APPLICATION (app)));
  gtk_list_box_bind_model (self->account_list, G_LIST_MODEL (self->accounts), create_account_row,
                           NULL, NULL);
  g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self,
                           G_CONNECT_SWAPPED);
  accounts_changed_cb (self);
}

static void
restore_window_state (TaubeWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
taube_window_close_request (GtkWindow *window)
{
  TaubeWindow *self = TAUBE_WINDOW (window);
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (taube_window_parent_class)->close_request (window);
}

static void
taube_window_dispose (GObject *object)
{
  TaubeWindow *self = TAUBE_WINDOW (object);

  if (self->account_list != NULL)
    gtk_list_box_bind_model (self->account_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TAUBE_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (taube_window_parent_class)->dispose (object);
}

static void
taube_window_class_init (TaubeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = taube_window_dispose;
  window_class->close_request = taube_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/window/taube-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, sidebar_header);
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, message_list_header);
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, reader_header);
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, account_list);
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, TaubeWindow, add_account_button);
  gtk_widget_class_bind_template_callback (widget_class, taube_window_leaflet_folded_cb);

  gtk_widget_class_install_action (widget_class, "win.navigate-back", NULL,
                                   navigate_back_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.navigate-back", NULL);
}

static void
taube_window_init (TaubeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  restore_window_state (self);
  taube_window_leaflet_folded_cb (self);
  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed_cb), NULL);
}

TaubeWindow *
taube_window_new (TaubeApplication *application)
{
  return g_object_new (TAUBE_TYPE_WINDOW, "application", application, NULL);
}

/**
 * taube_window_show_toast:
 * @self: a #TaubeWindow
 * @text: a translated, complete sentence
 *
 * Shows @text briefly over the window's content.
 */
void
taube_window_show_toast (TaubeWindow *self,
                         const char  *text)
{
  g_return_if_fail (TAUBE_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/**
 * taube_window_show_unsupported_uri:
 * @self: a #TaubeWindow
 * @uri: what the desktop asked Taube to open
 *
 * Tells the person that Taube could not open @uri, rather than doing nothing.
 */
void
taube_window_show_unsupported_uri (TaubeWindow *self,
                                   const char  *uri)
{
  g_autofree char *text = NULL;

  g_return_if_fail (TAUBE_IS_WINDOW (self));

  /* Translators: %s is a link or file name, e.g. "mailto:bob@example.com" */
  text = g_strdup_printf (_("Taube cannot open “%s” yet."), uri);
  taube_window_show_toast (self, text);
}
