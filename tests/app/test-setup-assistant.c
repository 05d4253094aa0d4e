/* test-setup-assistant.c — the account assistant end to end, against the rig's Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real widgets under Xvfb: address -> detection (the provider database, with an
 * extra entry for example.test that points at the rig's Dovecot) -> protocol page -> the
 * real login -> saved account and keyring entry.  Run three ways (see meson.build):
 * in English, in German (LANGUAGE=de), and without the rig's CA (TAUBE_TEST_UNTRUSTED=1)
 * for the certificate case.  Screenshots of every page go to _build/screenshots.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "taube-application.h"
#include "taube-password.h"
#include "taube-store.h"
#include "taube-preferences-window.h"
#include "taube-setup-assistant.h"
#include "taube-test-resolver.h"
#include "taube-test-ui.h"
#include "taube-window.h"

static TaubeApplication *app;
static const char *lang_suffix = "";

/* --- helpers ----------------------------------------------------------------------- */

static guint
env_port (const char *name)
{
  const char *value = g_getenv (name);

  g_assert_nonnull (value);
  return (guint) g_ascii_strtoull (value, NULL, 10);
}

static GtkWidget *
find (GtkWidget  *root,
      const char *name)
{
  GtkWidget *widget = taube_test_find_by_name (root, name);

  if (widget == NULL)
    g_error ("no widget named %s", name);
  return widget;
}

static gboolean
transition_done (gpointer data)
{
  return !gtk_stack_get_transition_running (GTK_STACK (data));
}

static void
shot (GtkWidget  *widget,
      const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s%s.png", name, lang_suffix);
  g_autofree char *path = NULL;

  GtkWidget *stack = taube_test_find_by_type (widget, GTK_TYPE_STACK, 0);

  taube_test_run_briefly (300);
  if (stack != NULL)
    g_assert_true (taube_test_wait_until (transition_done, stack, 5000));
  path = taube_test_screenshot (widget, file);
  g_assert_cmpuint (taube_test_count_colours (path), >, 10);
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

static gboolean
toplevel_gone (gpointer data)
{
  return find_toplevel ((GType) GPOINTER_TO_SIZE (data)) == NULL;
}

static TaubeWindow *
main_window (void)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (TAUBE_IS_WINDOW (window));
  return TAUBE_WINDOW (window);
}

static TaubeAccountManager *
accounts (void)
{
  return taube_application_get_account_manager (app);
}

static TaubeSetupAssistant *
open_assistant (void)
{
  TaubeSetupAssistant *assistant;

  main_window ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  g_assert_true (taube_test_wait_until (toplevel_shown,
                                        GSIZE_TO_POINTER (TAUBE_TYPE_SETUP_ASSISTANT), 10000));
  assistant = TAUBE_SETUP_ASSISTANT (find_toplevel (TAUBE_TYPE_SETUP_ASSISTANT));
  /* Without the slide, a screenshot shows the page just switched to. */
  gtk_stack_set_transition_type (GTK_STACK (taube_test_find_by_type (GTK_WIDGET (assistant),
                                                                     GTK_TYPE_STACK, 0)),
                                 GTK_STACK_TRANSITION_TYPE_NONE);
  taube_test_run_briefly (200);
  return assistant;
}

static void
close_assistant (TaubeSetupAssistant *assistant)
{
  gtk_window_close (GTK_WINDOW (assistant));
  g_assert_true (taube_test_wait_until (toplevel_gone,
                                        GSIZE_TO_POINTER (TAUBE_TYPE_SETUP_ASSISTANT), 10000));
}

typedef struct
{
  TaubeSetupAssistant *assistant;
  const char *page;
} PageWait;

static gboolean
on_page (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (taube_setup_assistant_get_page (wait->assistant), wait->page) == 0;
}

static void
wait_for_page (TaubeSetupAssistant *assistant,
               const char          *page,
               guint                timeout_ms)
{
  PageWait wait = { assistant, page };

  if (!taube_test_wait_until (on_page, &wait, timeout_ms))
    g_error ("the assistant shows page %s, not %s", taube_setup_assistant_get_page (assistant),
             page);
}

static void
set_text (GtkWidget  *root,
          const char *name,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find (root, name)), text);
}

static void
click (GtkWidget  *root,
       const char *name)
{
  GtkWidget *button = find (root, name);

  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static guint
spin_value (GtkWidget  *root,
            const char *name)
{
  return (guint) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find (root, name)));
}

static guint
combo_selected (GtkWidget  *root,
                const char *name)
{
  return adw_combo_row_get_selected (ADW_COMBO_ROW (find (root, name)));
}

static const char *
row_subtitle (GtkWidget  *root,
              const char *name)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (find (root, name)));
}

static const char *
label_text (GtkWidget  *root,
            const char *name)
{
  return gtk_label_get_text (GTK_LABEL (find (root, name)));
}

static gboolean
allocated (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) > 0;
}

/* Not yet allocated (width 0) does not count: the window must really be narrow. */
static gboolean
width_at_most (gpointer data)
{
  int width = gtk_widget_get_width (GTK_WIDGET (data));

  return width > 0 && width <= 400;
}

static gboolean
widget_visible (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (data));
}

/* Fills in page 1 and presses Enter in the password field; then waits for the protocol
 * page, confirming the detected settings if the assistant asks. */
static void
identity_and_detect (TaubeSetupAssistant *assistant,
                     const char          *name,
                     const char          *address,
                     const char          *password,
                     gboolean             screenshots)
{
  GtkWidget *root = GTK_WIDGET (assistant);
  GtkWidget *confirm_box = find (root, "confirm-box");
  gint64 deadline = g_get_monotonic_time () + 25 * G_USEC_PER_SEC;

  g_assert_cmpstr (taube_setup_assistant_get_page (assistant), ==, "identity");
  g_assert_false (gtk_widget_is_sensitive (find (root, "identity-continue")));
  set_text (root, "name-row", name);
  set_text (root, "address-row", "not-an-address");
  set_text (root, "password-row", password);
  /* An address without a domain keeps "Continue" off and says why. */
  g_assert_false (gtk_widget_is_sensitive (find (root, "identity-continue")));
  g_assert_cmpstr (label_text (root, "identity-hint"), !=, "");
  set_text (root, "address-row", address);
  g_assert_true (gtk_widget_is_sensitive (find (root, "identity-continue")));
  g_assert_cmpstr (label_text (root, "identity-hint"), ==, "");
  if (screenshots)
    shot (root, "setup-1-identity");

  g_signal_emit_by_name (find (root, "password-row"), "entry-activated");
  g_assert_cmpstr (taube_setup_assistant_get_page (assistant), ==, "detect");
  if (screenshots)
    {
      g_autofree char *file = g_strdup_printf ("setup-2-detect%s.png", lang_suffix);
      g_autofree char *path = NULL;

      taube_test_run_briefly (50);
      if (g_strcmp0 (taube_setup_assistant_get_page (assistant), "detect") == 0)
        path = taube_test_screenshot (root, file);
    }

  while (g_get_monotonic_time () < deadline
         && g_strcmp0 (taube_setup_assistant_get_page (assistant), "protocol") != 0)
    {
      if (gtk_widget_get_visible (confirm_box))
        {
          if (screenshots)
            shot (root, "setup-2-confirm");
          click (root, "confirm-button");
        }
      g_main_context_iteration (NULL, TRUE);
    }
  wait_for_page (assistant, "protocol", 100);
}

static void
wait_for_verify_end (TaubeSetupAssistant *assistant)
{
  GtkWidget *root = GTK_WIDGET (assistant);
  GtkWidget *done = find (root, "done-button");
  GtkWidget *retry = find (root, "retry-button");
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  wait_for_page (assistant, "verify", 2000);
  while (g_get_monotonic_time () < deadline && !gtk_widget_get_visible (done)
         && !gtk_widget_get_visible (retry))
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("verification: %s — %s", label_text (root, "verify-title"),
                  label_text (root, "verify-message"));
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
keyring_password (TaubeAccount *account)
{
  TaubePasswordKey key = {
    taube_account_get_id (account),
    taube_account_get_protocol (account) == TAUBE_PROTOCOL_POP3 ? "pop3" : "imap",
    taube_account_get_incoming_host (account),
    taube_account_get_incoming_username (account),
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  taube_password_lookup_async (&key, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  password = taube_password_lookup_finish (result, &error);
  g_assert_no_error (error);
  return password;
}

static TaubeAccount *
account_with_address (const char *address)
{
  GListModel *model = G_LIST_MODEL (accounts ());

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (model, i);

      if (g_strcmp0 (taube_account_get_email_address (account), address) == 0)
        return account;
    }
  return NULL;
}

/* Puts a message into @user's INBOX with Dovecot's own tool, as a delivery would. */
static void
deliver_to (const char *user)
{
  static const char message[] = "From: Alice <alice@example.test>\r\n"
                                "To: Bob <bob@example.test>\r\n"
                                "Subject: Welcome\r\n"
                                "Date: Sun, 29 Nov 2026 02:00:00 +0000\r\n"
                                "Message-ID: <welcome@example.test>\r\n"
                                "\r\n"
                                "Hello Bob.\r\n";
  g_autoptr(GBytes) input = g_bytes_new_static (message, sizeof message - 1);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                              &error, "doveadm", "-c", g_getenv ("TAUBE_RIG_DOVECOT_CONF"),
                              "save", "-u", user, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (process, input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
}

/* How many messages the local store holds for @account_id (read-only, a second handle). */
static guint
stored_messages (const char *account_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeStore) store = taube_store_new_sync (NULL, NULL, &error);
  g_autoptr(GListModel) folders = NULL;
  guint total = 0;

  g_assert_no_error (error);
  folders = taube_store_list_folders (store, account_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      total += taube_folder_get_total (folder);
    }
  return total;
}

static gboolean
has_mail (gpointer data)
{
  return stored_messages (data) >= 1;
}

/* The provider database entry the tests add for example.test: IMAP with TLS and
 * STARTTLS, POP3 with TLS, SMTP with TLS, all on the rig's (non-standard) ports. */
static char *
write_provider_file (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("TAUBE_RIG_DIR"), "providers", NULL);
  g_autofree char *path = g_build_filename (dir, "example.test.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<clientConfig version=\"1.1\">\n"
    " <emailProvider id=\"example.test\">\n"
    "  <domain>example.test</domain>\n"
    "  <displayName>Example Test Mail</displayName>\n"
    "  <displayShortName>Example</displayShortName>\n"
    "  <incomingServer type=\"imap\"><hostname>localhost</hostname><port>%s</port>"
    "<socketType>SSL</socketType><username>%%EMAILADDRESS%%</username>"
    "<authentication>password-cleartext</authentication></incomingServer>\n"
    "  <incomingServer type=\"imap\"><hostname>localhost</hostname><port>%s</port>"
    "<socketType>STARTTLS</socketType><username>%%EMAILADDRESS%%</username>"
    "<authentication>password-cleartext</authentication></incomingServer>\n"
    "  <incomingServer type=\"pop3\"><hostname>localhost</hostname><port>%s</port>"
    "<socketType>SSL</socketType><username>%%EMAILADDRESS%%</username>"
    "<authentication>password-cleartext</authentication></incomingServer>\n"
    "  <outgoingServer type=\"smtp\"><hostname>localhost</hostname><port>%s</port>"
    "<socketType>SSL</socketType><username>%%EMAILADDRESS%%</username>"
    "<authentication>password-cleartext</authentication></outgoingServer>\n"
    "  <documentation url=\"https://example.test/help\"><descr lang=\"en\">Help</descr>"
    "</documentation>\n"
    " </emailProvider>\n"
    "</clientConfig>\n",
    g_getenv ("TAUBE_RIG_IMAPS_PORT"), g_getenv ("TAUBE_RIG_IMAP_PORT"),
    g_getenv ("TAUBE_RIG_POP3S_PORT"), g_getenv ("TAUBE_RIG_SUBMISSIONS_PORT"));

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&dir);
}

/* --- tests ------------------------------------------------------------------------- */

/* Address -> detection -> protocol page -> POP3 and back -> verify -> save. */
static void
test_end_to_end (void)
{
  TaubeSetupAssistant *assistant = open_assistant ();
  GtkWidget *root = GTK_WIDGET (assistant);
  const char *address = g_getenv ("TAUBE_RIG_USER");
  const char *password = g_getenv ("TAUBE_RIG_PASSWORD");
  TaubeAccount *draft = taube_setup_assistant_get_draft (assistant);
  TaubeAccount *saved;
  g_autofree char *stored = NULL;
  GtkWidget *account_list;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (assistant)), ==, _("Add Account"));
  identity_and_detect (assistant, "Alice Example", address, password, TRUE);

  /* The detected IMAP server, recommended, with where it came from. */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (find (root, "imap-check"))));
  g_assert_nonnull (strstr (label_text (root, "source-label"), "Example Test Mail"));
  /* The help link: its words as shown, its target, and reachable with Tab. */
  g_assert_cmpstr (label_text (root, "help-link"), ==, _("More about IMAP and POP3"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (find (root, "help-link"))),
                            "href=\"help:taube/imap-or-pop3\""));
  g_assert_true (gtk_widget_get_focusable (find (root, "help-link")));
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, env_port ("TAUBE_RIG_IMAPS_PORT"));
  g_assert_cmpuint (combo_selected (root, "in-security-combo"), ==, 0);
  g_assert_false (gtk_widget_get_visible (find (root, "pop3-group")));
  shot (root, "setup-3-protocol");
  /* Phone width: the explanations wrap, nothing is cut off. */
  gtk_window_set_default_size (GTK_WINDOW (assistant), 360, 700);
  g_assert_true (taube_test_wait_until (width_at_most, root, 10000));
  shot (root, "setup-3-protocol-narrow");
  gtk_window_set_default_size (GTK_WINDOW (assistant), 520, 680);

  /* POP3: server, port and security follow at once, and the POP3 options appear. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (root, "pop3-check")), TRUE);
  g_assert_cmpint (taube_account_get_protocol (draft), ==, TAUBE_PROTOCOL_POP3);
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, env_port ("TAUBE_RIG_POP3S_PORT"));
  g_assert_cmpuint (combo_selected (root, "in-security-combo"), ==, 0);
  g_assert_cmpuint (combo_selected (root, "protocol-combo"), ==, 1);
  g_assert_true (gtk_widget_get_visible (find (root, "pop3-group")));
  g_assert_nonnull (strstr (row_subtitle (root, "incoming-summary"),
                            g_getenv ("TAUBE_RIG_POP3S_PORT")));
  shot (root, "setup-3-protocol-pop3");

  /* And back to IMAP. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (root, "imap-check")), TRUE);
  g_assert_cmpint (taube_account_get_protocol (draft), ==, TAUBE_PROTOCOL_IMAP);
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, env_port ("TAUBE_RIG_IMAPS_PORT"));
  g_assert_false (gtk_widget_get_visible (find (root, "pop3-group")));

  /* The manual page shows the same settings; Back returns to the protocol page. */
  g_signal_emit_by_name (find (root, "change-settings-row"), "activated");
  wait_for_page (assistant, "manual", 1000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (root, "in-host-row"))), ==,
                   "localhost");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (root, "in-user-row"))), ==,
                   address);
  g_assert_cmpuint (spin_value (root, "out-port-spin"), ==,
                    env_port ("TAUBE_RIG_SUBMISSIONS_PORT"));
  shot (root, "setup-4-manual");
  gtk_window_set_default_size (GTK_WINDOW (assistant), 360, 700);
  g_assert_true (taube_test_wait_until (width_at_most, root, 10000));
  shot (root, "setup-4-manual-narrow");
  gtk_window_set_default_size (GTK_WINDOW (assistant), 520, 680);
  gtk_widget_activate_action (root, "setup.back", NULL);
  wait_for_page (assistant, "protocol", 1000);

  /* Enter does the page's main thing: "Continue" is the default widget. */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant))
                 == find (root, "protocol-continue"));
  gtk_widget_activate_action (root, "default.activate", NULL);
  wait_for_verify_end (assistant);
  g_assert_cmpstr (label_text (root, "verify-title"), ==, _("Your Account Is Ready"));
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (assistant))
                 == find (root, "done-button"));
  shot (root, "setup-5-done");

  /* Saved: the manager, the keyring and the main window's account list know it. */
  saved = account_with_address (address);
  g_assert_nonnull (saved);
  g_assert_cmpint (taube_account_get_protocol (saved), ==, TAUBE_PROTOCOL_IMAP);
  stored = keyring_password (saved);
  g_assert_cmpstr (stored, ==, password);
  click (root, "done-button");
  g_assert_true (taube_test_wait_until (toplevel_gone,
                                        GSIZE_TO_POINTER (TAUBE_TYPE_SETUP_ASSISTANT), 10000));
  account_list = find (GTK_WIDGET (main_window ()), "account-list");
  g_assert_true (taube_test_wait_until (widget_visible, account_list, 5000));
  g_assert_nonnull (taube_test_find_by_name (account_list, taube_account_get_id (saved)));
  g_assert_false (gtk_widget_get_visible (find (GTK_WIDGET (main_window ()),
                                                "add-account-button")));
  shot (GTK_WIDGET (main_window ()), "setup-6-main-window");
}

/* Settings from DNS SRV records come over plain DNS: the assistant shows the servers and
 * goes on only when the person confirms them.  The engine's table-driven test resolver
 * answers the SRV lookups for srv.test. */
static void
test_confirmation (void)
{
  g_autoptr(GResolver) original = g_resolver_get_default ();
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  TaubeSetupAssistant *assistant;
  GtkWidget *root;
  GtkWidget *confirm_box;

  taube_test_resolver_add_host (resolver, "localhost", "127.0.0.1");
  taube_test_resolver_add_srv (resolver, "_imaps._tcp.srv.test", "localhost",
                               (guint16) env_port ("TAUBE_RIG_IMAPS_PORT"));
  taube_test_resolver_add_srv (resolver, "_submissions._tcp.srv.test", "localhost",
                               (guint16) env_port ("TAUBE_RIG_SUBMISSIONS_PORT"));
  g_resolver_set_default (G_RESOLVER (resolver));

  assistant = open_assistant ();
  root = GTK_WIDGET (assistant);
  confirm_box = find (root, "confirm-box");
  set_text (root, "name-row", "Carol");
  set_text (root, "address-row", "carol@srv.test");
  set_text (root, "password-row", "secret");
  click (root, "identity-continue");
  g_assert_true (taube_test_wait_until (widget_visible, confirm_box, 25000));
  g_assert_cmpstr (taube_setup_assistant_get_page (assistant), ==, "detect");
  g_assert_nonnull (strstr (label_text (root, "confirm-label"), "localhost"));
  g_assert_nonnull (strstr (label_text (root, "confirm-label"),
                            g_getenv ("TAUBE_RIG_IMAPS_PORT")));
  g_assert_true (gtk_widget_get_visible (find (root, "detect-manual")));
  shot (root, "setup-2-confirm");

  click (root, "confirm-button");
  wait_for_page (assistant, "protocol", 1000);
  g_assert_nonnull (strstr (label_text (root, "source-label"), "srv.test"));
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, env_port ("TAUBE_RIG_IMAPS_PORT"));
  close_assistant (assistant);
  g_resolver_set_default (original);
}

/* An address nobody knows: after at most the time limit, the manual page, explained. */
static void
test_nothing_found (void)
{
  TaubeSetupAssistant *assistant = open_assistant ();
  GtkWidget *root = GTK_WIDGET (assistant);
  GtkWidget *steps = find (root, "detect-steps");
  gint64 started = g_get_monotonic_time ();
  g_autofree char *shot_path = NULL;

  set_text (root, "name-row", "Nobody");
  set_text (root, "address-row", "nobody@nothing.invalid");
  set_text (root, "password-row", "secret");

  /* Cancel goes back to the first page at once, with what was typed kept. */
  click (root, "identity-continue");
  g_assert_cmpstr (taube_setup_assistant_get_page (assistant), ==, "detect");
  click (root, "detect-cancel");
  g_assert_cmpstr (taube_setup_assistant_get_page (assistant), ==, "identity");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (root, "address-row"))), ==,
                   "nobody@nothing.invalid");
  taube_test_run_briefly (500);
  g_assert_cmpstr (taube_setup_assistant_get_page (assistant), ==, "identity");

  started = g_get_monotonic_time ();
  click (root, "identity-continue");
  g_assert_cmpstr (taube_setup_assistant_get_page (assistant), ==, "detect");
  /* The detector reports its steps as they start, and Cancel has the focus, so Enter or
   * Space stops the search.  The rows stay after the page changes, so this holds even if
   * every lookup failed at once; only the screenshot needs the page still shown. */
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (assistant)) == find (root, "detect-cancel"));
  g_assert_true (taube_test_wait_until ((TaubeTestCondition) gtk_widget_get_first_child, steps,
                                        3000));
  if (g_strcmp0 (taube_setup_assistant_get_page (assistant), "detect") == 0)
    {
      g_autofree char *file = g_strdup_printf ("setup-2-detect-progress%s.png", lang_suffix);

      g_assert_cmpstr (label_text (root, "detect-message"), !=, "");
      g_assert_true (gtk_widget_get_visible (find (root, "detect-progress")));
      shot_path = taube_test_screenshot (root, file);
    }
  wait_for_page (assistant, "manual", 25000);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (label_text (root, "manual-intro"), "nothing.invalid"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (root, "in-host-row"))), ==, "");
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, 993);
  g_assert_cmpuint (spin_value (root, "out-port-spin"), ==, 465);
  g_assert_false (gtk_widget_is_sensitive (find (root, "manual-continue")));
  shot (root, "setup-4-manual-nothing-found");
  close_assistant (assistant);
}

static gboolean
is_saving (gpointer data)
{
  return g_strcmp0 (label_text (data, "verify-title"), _("Saving")) == 0;
}

static gboolean
account_saved (gpointer data)
{
  return account_with_address (data) != NULL;
}

/* Standard ports move with the security, custom ones stay; then a login with a custom
 * STARTTLS port and an explicit "none" that needs confirming. */
static void
test_manual_custom_port (void)
{
  TaubeSetupAssistant *assistant = open_assistant ();
  GtkWidget *root = GTK_WIDGET (assistant);
  const char *address = g_getenv ("TAUBE_RIG_USER2");
  const char *password = g_getenv ("TAUBE_RIG_PASSWORD2");
  GtkWidget *in_security = find (root, "in-security-combo");
  GtkWidget *out_security = find (root, "out-security-combo");
  GtkSpinButton *in_port = GTK_SPIN_BUTTON (find (root, "in-port-spin"));
  GtkSpinButton *out_port = GTK_SPIN_BUTTON (find (root, "out-port-spin"));
  TaubeAccount *saved;
  g_autofree char *stored = NULL;
  guint port;
  gboolean allow_plaintext;
  TaubeSecurity security;

  identity_and_detect (assistant, "Bob", address, password, FALSE);
  g_signal_emit_by_name (find (root, "change-settings-row"), "activated");
  wait_for_page (assistant, "manual", 1000);

  /* A custom port is left alone when the security changes. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_security), 1);
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, env_port ("TAUBE_RIG_IMAPS_PORT"));
  /* Standard ports move to their partner: 993 <-> 143, 465 <-> 587, 995 <-> 110. */
  gtk_spin_button_set_value (in_port, 143);
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_security), 0);
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, 993);
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_security), 1);
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, 143);
  gtk_spin_button_set_value (out_port, 465);
  adw_combo_row_set_selected (ADW_COMBO_ROW (out_security), 1);
  g_assert_cmpuint (spin_value (root, "out-port-spin"), ==, 587);
  adw_combo_row_set_selected (ADW_COMBO_ROW (find (root, "protocol-combo")), 1);
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, env_port ("TAUBE_RIG_POP3S_PORT"));
  gtk_spin_button_set_value (in_port, 995);
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_security), 1);
  g_assert_cmpuint (spin_value (root, "in-port-spin"), ==, 110);
  adw_combo_row_set_selected (ADW_COMBO_ROW (find (root, "protocol-combo")), 0);

  /* No encryption: a warning, and no way on until it is accepted explicitly. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (out_security), 2);
  g_assert_true (gtk_widget_get_visible (find (root, "plaintext-group")));
  g_assert_false (gtk_widget_is_sensitive (find (root, "manual-continue")));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (root, "plaintext-check")), TRUE);
  g_assert_true (gtk_widget_is_sensitive (find (root, "manual-continue")));
  g_object_get (taube_setup_assistant_get_draft (assistant), "allow-plaintext", &allow_plaintext,
                NULL);
  g_assert_true (allow_plaintext);
  shot (root, "setup-4-manual-plaintext");
  adw_combo_row_set_selected (ADW_COMBO_ROW (out_security), 1);
  g_assert_false (gtk_widget_get_visible (find (root, "plaintext-group")));
  g_object_get (taube_setup_assistant_get_draft (assistant), "allow-plaintext", &allow_plaintext,
                NULL);
  g_assert_false (allow_plaintext);

  /* A port nothing listens on: the failure says so, and leads back to the settings. */
  gtk_spin_button_set_value (in_port, 1);
  g_signal_emit_by_name (find (root, "manual-continue"), "clicked");
  wait_for_verify_end (assistant);
  g_assert_cmpstr (label_text (root, "verify-title"), ==, _("No Connection to the Server"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find (root, "fix-button"))), ==,
                   _("C_hange Settings"));
  shot (root, "setup-5-no-connection");
  click (root, "fix-button");
  wait_for_page (assistant, "manual", 1000);
  g_assert_null (account_with_address (address));

  /* POP3 on the rig's STARTTLS ports, typed in. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find (root, "protocol-combo")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_security), 1);
  gtk_spin_button_set_value (in_port, env_port ("TAUBE_RIG_POP3_PORT"));
  gtk_spin_button_set_value (out_port, env_port ("TAUBE_RIG_SUBMISSION_PORT"));
  g_signal_emit_by_name (find (root, "manual-continue"), "clicked");

  /* Escape (window.close) while the account is being saved: it is saved all the same,
   * with its password in the keyring, not half of it. */
  g_assert_true (taube_test_wait_until (is_saving, root, 60000));
  gtk_widget_activate_action (root, "window.close", NULL);
  g_assert_true (taube_test_wait_until (toplevel_gone,
                                        GSIZE_TO_POINTER (TAUBE_TYPE_SETUP_ASSISTANT), 10000));
  g_assert_true (taube_test_wait_until (account_saved, (gpointer) address, 10000));
  saved = account_with_address (address);
  g_object_get (saved, "incoming-port", &port, "incoming-security", &security, NULL);
  g_assert_cmpint (taube_account_get_protocol (saved), ==, TAUBE_PROTOCOL_POP3);
  g_assert_cmpuint (port, ==, env_port ("TAUBE_RIG_POP3_PORT"));
  g_assert_cmpint (security, ==, TAUBE_SECURITY_STARTTLS);
  stored = keyring_password (saved);
  g_assert_cmpstr (stored, ==, password);
}

static TaubePreferencesWindow *
open_preferences (void)
{
  main_window ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (taube_test_wait_until (toplevel_shown,
                                        GSIZE_TO_POINTER (TAUBE_TYPE_PREFERENCES_WINDOW), 10000));
  taube_test_run_briefly (300);
  return TAUBE_PREFERENCES_WINDOW (find_toplevel (TAUBE_TYPE_PREFERENCES_WINDOW));
}

/* Preferences: edit an account (same pages, logs in again) and remove one. */
static void
test_preferences (void)
{
  TaubePreferencesWindow *preferences = open_preferences ();
  GtkWidget *root = GTK_WIDGET (preferences);
  const char *address = g_getenv ("TAUBE_RIG_USER2");
  TaubeAccount *account = account_with_address (address);
  g_autofree char **accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                     "app.preferences");
  TaubeSetupAssistant *assistant;
  GtkWidget *list = find (root, "preferences-account-list");
  GtkWidget *row = NULL;
  g_autofree char *name = NULL;
  g_autofree char *stored = NULL;
  AdwMessageDialog *dialog;

  g_assert_cmpstr (accels[0], ==, "<Control>comma");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts ())), ==, 2);
  shot (root, "preferences");

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child)
        && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (child)), address) == 0)
      row = child;
  g_assert_nonnull (row);

  /* Edit: the password comes from the keyring, the change is saved after logging in. */
  g_signal_emit_by_name (find (row, "edit-account"), "clicked");
  g_assert_true (taube_test_wait_until (toplevel_shown,
                                        GSIZE_TO_POINTER (TAUBE_TYPE_SETUP_ASSISTANT), 10000));
  assistant = TAUBE_SETUP_ASSISTANT (find_toplevel (TAUBE_TYPE_SETUP_ASSISTANT));
  g_assert_true (taube_test_wait_until ((TaubeTestCondition) gtk_widget_is_sensitive,
                                        find (GTK_WIDGET (assistant), "identity-continue"),
                                        10000));
  set_text (GTK_WIDGET (assistant), "name-row", "Bob Builder");
  click (GTK_WIDGET (assistant), "identity-continue");
  wait_for_page (assistant, "manual", 1000);
  g_assert_cmpuint (spin_value (GTK_WIDGET (assistant), "in-port-spin"), ==,
                    env_port ("TAUBE_RIG_POP3_PORT"));
  click (GTK_WIDGET (assistant), "manual-continue");
  wait_for_verify_end (assistant);
  g_assert_cmpstr (label_text (GTK_WIDGET (assistant), "verify-title"), ==, _("Account Changed"));
  click (GTK_WIDGET (assistant), "done-button");
  g_assert_true (taube_test_wait_until (toplevel_gone,
                                        GSIZE_TO_POINTER (TAUBE_TYPE_SETUP_ASSISTANT), 10000));
  g_object_get (account, "display-name", &name, NULL);
  g_assert_cmpstr (name, ==, "Bob Builder");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Bob Builder");
  stored = keyring_password (account);
  g_assert_cmpstr (stored, ==, g_getenv ("TAUBE_RIG_PASSWORD2"));
  g_clear_pointer (&stored, g_free);

  /* Remove: asks first; then the settings and the keyring entries are gone. */
  g_object_ref (account);
  g_signal_emit_by_name (find (row, "remove-account"), "clicked");
  g_assert_true (taube_test_wait_until (toplevel_shown,
                                        GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  shot (GTK_WIDGET (dialog), "preferences-remove");
  g_assert_nonnull (account_with_address (address));
  adw_message_dialog_response (dialog, "remove");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (account_with_address (address));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts ())), ==, 1);
  taube_test_run_briefly (1000);
  stored = keyring_password (account);
  g_assert_null (stored);
  g_object_unref (account);
  gtk_window_close (GTK_WINDOW (preferences));
}

static gboolean
has_no_folders (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeStore) store = taube_store_new_sync (NULL, NULL, &error);
  g_autoptr(GListModel) folders = NULL;

  g_assert_no_error (error);
  folders = taube_store_list_folders (store, data, &error);
  g_assert_no_error (error);
  return g_list_model_get_n_items (folders) == 0;
}

/* Removing an account in Preferences also deletes its mail from this computer. */
static void
remove_in_preferences (TaubeAccount *account)
{
  TaubePreferencesWindow *preferences = open_preferences ();
  GtkWidget *list = find (GTK_WIDGET (preferences), "preferences-account-list");
  g_autofree char *id = g_strdup (taube_account_get_id (account));
  AdwMessageDialog *dialog;

  g_signal_emit_by_name (find (list, "remove-account"), "clicked");
  g_assert_true (taube_test_wait_until (toplevel_shown,
                                        GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "remove");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts ())), ==, 0);
  g_assert_true (taube_test_wait_until (has_no_folders, id, 20000));
  g_assert_cmpuint (stored_messages (id), ==, 0);
  gtk_window_close (GTK_WINDOW (preferences));
}

/* A wrong password: the right message, and a way back to the password. */
static void
test_wrong_password (void)
{
  TaubeSetupAssistant *assistant = open_assistant ();
  GtkWidget *root = GTK_WIDGET (assistant);
  guint n_accounts = g_list_model_get_n_items (G_LIST_MODEL (accounts ()));

  /* Alice has an account already: the assistant will not add her address twice. */
  set_text (root, "address-row", g_getenv ("TAUBE_RIG_USER"));
  set_text (root, "password-row", "x");
  g_assert_false (gtk_widget_is_sensitive (find (root, "identity-continue")));
  set_text (root, "address-row", "");

  /* A second address, but logging in as Alice with a wrong password. */
  identity_and_detect (assistant, "Alice", "alice.other@example.test", "not the password",
                       FALSE);
  g_signal_emit_by_name (find (root, "change-settings-row"), "activated");
  wait_for_page (assistant, "manual", 1000);
  set_text (root, "in-user-row", g_getenv ("TAUBE_RIG_USER"));
  set_text (root, "out-user-row", g_getenv ("TAUBE_RIG_USER"));
  click (root, "manual-continue");
  wait_for_verify_end (assistant);
  g_assert_cmpstr (label_text (root, "verify-title"), ==, _("User Name or Password Not Accepted"));
  g_assert_true (gtk_widget_get_visible (find (root, "retry-button")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find (root, "fix-button"))), ==,
                   _("Change _Password"));
  g_assert_false (gtk_widget_get_visible (find (root, "cert-group")));
  shot (root, "setup-5-wrong-password");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts ())), ==, n_accounts);

  click (root, "fix-button");
  wait_for_page (assistant, "identity", 1000);
  g_assert_true (gtk_widget_has_focus (find (root, "password-row"))
                 || gtk_widget_is_focus (find (root, "password-row"))
                 || gtk_widget_get_focus_child (find (root, "password-row")) != NULL);
  close_assistant (assistant);
}

/* Without the rig's CA the server's certificate is untrusted: its details are shown, and
 * trusting it takes an explicit tick before the button does anything. */
static void
test_untrusted_certificate (void)
{
  TaubeSetupAssistant *assistant = open_assistant ();
  GtkWidget *root = GTK_WIDGET (assistant);
  const char *address = g_getenv ("TAUBE_RIG_USER");
  const char *fingerprint;
  g_auto(GStrv) pinned = NULL;
  TaubeAccount *saved;

  /* POP3 this time, with a message waiting: the first sync after saving fetches it
   * through the pinned certificate. */
  deliver_to (address);
  identity_and_detect (assistant, "Alice", address, g_getenv ("TAUBE_RIG_PASSWORD"), FALSE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (root, "pop3-check")), TRUE);
  click (root, "protocol-continue");
  wait_for_verify_end (assistant);
  g_assert_cmpstr (label_text (root, "verify-title"), ==, _("Certificate Not Trusted"));
  g_assert_true (gtk_widget_get_visible (find (root, "cert-group")));
  g_assert_true (gtk_widget_get_visible (find (root, "trust-button")));
  g_assert_false (gtk_widget_is_sensitive (find (root, "trust-button")));
  g_assert_nonnull (strstr (row_subtitle (root, "cert-subject"),
                            "localhost"));
  g_assert_nonnull (strstr (row_subtitle (root, "cert-issuer"),
                            "Taube"));
  fingerprint = row_subtitle (root, "cert-fingerprint");
  /* 64 hex digits in groups of four. */
  g_assert_cmpuint (strlen (fingerprint), ==, 64 + 15);
  g_assert_cmpstr (row_subtitle (root, "cert-validity"),
                   !=, "");
  shot (root, "setup-5-certificate");
  /* Phone width: the fingerprint and the long explanation wrap instead of widening it. */
  gtk_window_set_default_size (GTK_WINDOW (assistant), 360, 700);
  g_assert_true (taube_test_wait_until (width_at_most, root, 10000));
  shot (root, "setup-5-certificate-narrow");
  g_assert_true (width_at_most (root));
  gtk_window_set_default_size (GTK_WINDOW (assistant), 520, 680);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (root, "trust-check")), TRUE);
  click (root, "trust-button");
  wait_for_verify_end (assistant);
  g_assert_cmpstr (label_text (root, "verify-title"), ==, _("Your Account Is Ready"));
  saved = account_with_address (address);
  g_assert_nonnull (saved);
  g_object_get (saved, "pinned-certificates", &pinned, NULL);
  g_assert_nonnull (pinned);
  g_assert_cmpuint (g_strv_length (pinned), ==, 1);
  click (root, "done-button");

  /* The first sync starts by itself and brings the delivered message down. */
  g_assert_true (taube_test_wait_until (has_mail, (gpointer) taube_account_get_id (saved),
                                        30000));
  g_assert_cmpuint (stored_messages (taube_account_get_id (saved)), ==, 1);
  shot (GTK_WIDGET (main_window ()), "setup-6-first-sync");
  remove_in_preferences (saved);
}

/* The German run: every page in German, nothing English left on them. */
static void
test_german (void)
{
  TaubeSetupAssistant *assistant = open_assistant ();
  GtkWidget *root = GTK_WIDGET (assistant);
  TaubePreferencesWindow *preferences;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (assistant)), ==, "Konto hinzufügen");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find (root, "identity-continue"))), ==,
                   "_Weiter");
  close_assistant (assistant);
  test_end_to_end ();
  test_nothing_found ();

  preferences = open_preferences ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (preferences)), ==, "Einstellungen");
  shot (GTK_WIDGET (preferences), "preferences");
  gtk_window_close (GTK_WINDOW (preferences));
}

/* Narrow: the assistant still fits a phone-sized window. */
static void
test_narrow (void)
{
  GtkWidget *add_button = find (GTK_WIDGET (main_window ()), "add-account-button");
  TaubeSetupAssistant *assistant;
  GtkWidget *root;

  /* Before any account, the welcome page offers the assistant. */
  g_assert_true (gtk_widget_get_visible (add_button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (add_button)), ==,
                   "app.add-account");
  assistant = open_assistant ();
  root = GTK_WIDGET (assistant);

  /* A size set before the window's first allocation is overridden by it. */
  g_assert_true (taube_test_wait_until (allocated, root, 10000));
  gtk_window_set_default_size (GTK_WINDOW (assistant), 360, 640);
  g_assert_true (taube_test_wait_until (width_at_most, root, 10000));
  shot (root, "setup-1-identity-narrow");
  g_assert_true (width_at_most (root));
  close_assistant (assistant);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *providers = NULL;
  gboolean german = g_strcmp0 (g_getenv ("LANGUAGE"), "de") == 0;
  gboolean untrusted = g_getenv ("TAUBE_TEST_UNTRUSTED") != NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TAUBE_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The engine's test hooks: example.test in the provider database, and the rig's CA
   * trusted unless this run is about an untrusted certificate. */
  providers = write_provider_file ();
  g_setenv ("TAUBE_PROVIDERS_EXTRA_DIR", providers, TRUE);
  if (!untrusted)
    g_setenv ("TAUBE_EXTRA_CA_FILE", g_getenv ("TAUBE_RIG_CA"), TRUE);
  if (german)
    lang_suffix = "-de";

  gtk_test_init (&argc, &argv, NULL);

  app = taube_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  if (untrusted)
    g_test_add_func ("/app/setup/untrusted-certificate", test_untrusted_certificate);
  else if (german)
    g_test_add_func ("/app/setup/german", test_german);
  else
    {
      g_test_add_func ("/app/setup/narrow", test_narrow);
      g_test_add_func ("/app/setup/end-to-end", test_end_to_end);
      g_test_add_func ("/app/setup/nothing-found", test_nothing_found);
      g_test_add_func ("/app/setup/confirmation", test_confirmation);
      g_test_add_func ("/app/setup/manual-custom-port", test_manual_custom_port);
      g_test_add_func ("/app/setup/preferences", test_preferences);
      /* Last: Dovecot slows logins down after a failed one. */
      g_test_add_func ("/app/setup/wrong-password", test_wrong_password);
    }

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
