/* test-account.c — account settings: key files, validation, the manager's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "taube-account-manager.h"

static TaubeAccount *
make_account (const char *id,
              const char *address)
{
  TaubeAccount *account = taube_account_new (id);

  g_object_set (account,
                "display-name", "Alice Example",
                "email-address", address,
                "protocol", TAUBE_PROTOCOL_POP3,
                "incoming-host", "pop.example.test",
                "incoming-port", 995,
                "incoming-security", TAUBE_SECURITY_TLS,
                "incoming-username", address,
                "outgoing-host", "smtp.example.test",
                "outgoing-port", 587,
                "outgoing-security", TAUBE_SECURITY_STARTTLS,
                NULL);
  return account;
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("taube-accounts-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
test_defaults (void)
{
  g_autoptr(TaubeAccount) account = taube_account_new (NULL);
  gboolean leave;
  guint days;
  gboolean plaintext;

  /* A new account gets a random, unique id. */
  g_assert_true (g_uuid_string_is_valid (taube_account_get_id (account)));
  g_object_get (account, "pop3-leave-on-server", &leave, "pop3-delete-after-days", &days,
                "allow-plaintext", &plaintext, NULL);
  g_assert_true (leave);
  g_assert_cmpuint (days, ==, 14);
  g_assert_false (plaintext);
}

static void
test_keyfile_round_trip (void)
{
  g_autoptr(TaubeAccount) account = make_account ("a1", "alice@example.test");
  g_autoptr(TaubeAccount) copy = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GError) error = NULL;
  const char *pins[] = { "ab12", "cd34", NULL };
  g_auto(GStrv) copy_pins = NULL;
  g_autofree char *security_text = NULL;
  TaubeSecurity security;
  guint port;

  g_object_set (account, "pinned-certificates", pins, "ca-file", "/etc/company-ca.pem",
                "pop3-leave-on-server", FALSE, NULL);
  keyfile = taube_account_to_keyfile (account);
  security_text = g_key_file_get_value (keyfile, "Outgoing", "Security", NULL);
  g_assert_cmpstr (security_text, ==, "starttls");

  copy = taube_account_new_from_keyfile (keyfile, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (taube_account_get_id (copy), ==, "a1");
  g_assert_cmpint (taube_account_get_protocol (copy), ==, TAUBE_PROTOCOL_POP3);
  g_object_get (copy, "outgoing-security", &security, "outgoing-port", &port,
                "pinned-certificates", &copy_pins, NULL);
  g_assert_cmpint (security, ==, TAUBE_SECURITY_STARTTLS);
  g_assert_cmpuint (port, ==, 587);
  g_assert_true (g_strv_equal ((const char * const *) copy_pins, pins));
  /* No SMTP user name of its own: the incoming one is used. */
  g_assert_cmpstr (taube_account_get_outgoing_username (copy), ==, "alice@example.test");
}

static void
test_invalid (void)
{
  static const struct
  {
    const char *property;
    const char *value;
  } broken[] = {
    { "email-address", "alice" },
    { "email-address", "@example.test" },
    { "incoming-host", "" },
    { "incoming-host", "imap example" },
    { "outgoing-host", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(TaubeAccount) account = make_account ("a1", "alice@example.test");
      g_autoptr(GError) error = NULL;

      g_object_set (account, broken[i].property, broken[i].value, NULL);
      g_assert_false (taube_account_validate (account, &error));
      g_assert_error (error, TAUBE_ACCOUNT_ERROR, TAUBE_ACCOUNT_ERROR_INVALID);
    }
}

static void
test_unknown_security_in_file (void)
{
  g_autoptr(TaubeAccount) account = make_account ("a1", "alice@example.test");
  g_autoptr(GKeyFile) keyfile = taube_account_to_keyfile (account);
  g_autoptr(TaubeAccount) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_key_file_set_string (keyfile, "Incoming", "Security", "ssl-maybe");
  copy = taube_account_new_from_keyfile (keyfile, &error);
  g_assert_null (copy);
  g_assert_error (error, TAUBE_ACCOUNT_ERROR, TAUBE_ACCOUNT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "ssl-maybe"));
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_manager_save_load_remove (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autoptr(TaubeAccountManager) manager = taube_account_manager_new (dir);
  g_autoptr(TaubeAccountManager) other = taube_account_manager_new (dir);
  g_autoptr(TaubeAccount) bob = make_account ("b", "bob@example.test");
  g_autoptr(TaubeAccount) alice = make_account ("a", "alice@example.test");
  g_autoptr(TaubeAccount) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "a.conf", NULL);
  g_autofree char *contents = NULL;
  GStatBuf st;
  guint changes = 0;

  g_signal_connect (manager, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_assert_true (taube_account_manager_load (manager, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);

  g_assert_true (taube_account_manager_save (manager, bob, &error));
  g_assert_true (taube_account_manager_save (manager, alice, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  g_assert_cmpuint (changes, >=, 3);

  /* Settings are private to the user. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "Password"));

  /* A second manager on the same profile (taube-cli beside the app) sees both, sorted. */
  g_assert_true (taube_account_manager_load (other, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (other), 0);
  g_assert_cmpstr (taube_account_get_email_address (first), ==, "alice@example.test");

  g_assert_true (taube_account_manager_remove (manager, "a", &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (taube_account_manager_lookup (manager, "a"));
  g_assert_nonnull (taube_account_manager_lookup (manager, "b"));
  g_assert_false (taube_account_manager_remove (manager, "a", &error));
  g_assert_error (error, TAUBE_ACCOUNT_ERROR, TAUBE_ACCOUNT_ERROR_NOT_FOUND);
}

static void
test_manager_skips_broken_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autoptr(TaubeAccountManager) manager = taube_account_manager_new (dir);
  g_autoptr(TaubeAccount) alice = make_account ("a", "alice@example.test");
  g_autofree char *broken = g_build_filename (dir, "broken.conf", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (taube_account_manager_save (manager, alice, NULL));
  g_assert_true (g_file_set_contents (broken, "[Account]\nId=x\nAddress=\n", -1, NULL));

  g_test_expect_message ("taube-accounts", G_LOG_LEVEL_WARNING, "*broken.conf*");
  g_assert_false (taube_account_manager_load (manager, &error));
  g_test_assert_expected_messages ();
  g_assert_nonnull (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
}

/* Lists show the name, or the address when the name is emptied by an edit. */
static void
test_title (void)
{
  g_autoptr(TaubeAccount) alice = make_account ("a", "alice@example.test");
  g_autoptr(GObject) target = g_object_new (TAUBE_TYPE_ACCOUNT, "id", "t", NULL);

  g_assert_cmpstr (taube_account_get_title (alice), ==, "Alice Example");
  taube_account_bind_title (alice, target, "display-name");
  g_object_set (alice, "display-name", "", NULL);
  g_assert_cmpstr (taube_account_get_title (alice), ==, "alice@example.test");
  g_assert_cmpstr (taube_account_get_title (TAUBE_ACCOUNT (target)), ==, "alice@example.test");
  g_object_set (alice, "display-name", "Alice B.", NULL);
  g_assert_cmpstr (taube_account_get_title (TAUBE_ACCOUNT (target)), ==, "Alice B.");
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The write happens in a worker; the list changes only when the caller's context runs,
 * and a second manager on the profile reads what was written. */
static void
test_manager_save_async (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autoptr(TaubeAccountManager) manager = taube_account_manager_new (dir);
  g_autoptr(TaubeAccountManager) other = taube_account_manager_new (dir);
  g_autoptr(TaubeAccount) alice = make_account ("a", "alice@example.test");
  g_autoptr(TaubeAccount) invalid = make_account ("x", "");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "a.conf", NULL);
  guint changes = 0;

  g_signal_connect (manager, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  taube_account_manager_save_async (manager, alice, NULL, saved_cb, &result);
  g_assert_cmpuint (changes, ==, 0);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (taube_account_manager_save_finish (manager, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (taube_account_manager_lookup (manager, "a") == alice);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (taube_account_manager_load (other, &error));
  g_assert_nonnull (taube_account_manager_lookup (other, "a"));

  g_clear_object (&result);
  taube_account_manager_save_async (manager, invalid, NULL, saved_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (taube_account_manager_save_finish (manager, result, &error));
  g_assert_nonnull (error);
  g_assert_null (taube_account_manager_lookup (manager, "x"));
  g_assert_cmpuint (changes, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/accounts/account/defaults", test_defaults);
  g_test_add_func ("/accounts/account/keyfile-round-trip", test_keyfile_round_trip);
  g_test_add_func ("/accounts/account/invalid", test_invalid);
  g_test_add_func ("/accounts/account/unknown-security-in-file", test_unknown_security_in_file);
  g_test_add_func ("/accounts/manager/save-load-remove", test_manager_save_load_remove);
  g_test_add_func ("/accounts/account/title", test_title);
  g_test_add_func ("/accounts/manager/save-async", test_manager_save_async);
  g_test_add_func ("/accounts/manager/skips-broken-file", test_manager_skips_broken_file);

  return g_test_run ();
}
