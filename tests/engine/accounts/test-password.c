/* test-password.c — passwords go to the rig's real gnome-keyring, and nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "taube-password.h"

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

static gboolean
store (const TaubePasswordKey *key,
       const char             *password)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  taube_password_store_async (key, password, NULL, wait_cb, &wait);
  ok = taube_password_store_finish (wait_for (&wait), &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  return ok;
}

static char *
lookup (const TaubePasswordKey *key)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;
  char *password;

  taube_password_lookup_async (key, NULL, wait_cb, &wait);
  password = taube_password_lookup_finish (wait_for (&wait), &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  return password;
}

static void
clear (const char *account_id)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;
  char *copy = g_strdup (account_id);

  /* The caller's string may go away as soon as the call returns: overwrite and free it
   * before the removal runs, so a clear that still reads it would miss the entries. */
  taube_password_clear_async (copy, NULL, wait_cb, &wait);
  memset (copy, 'x', strlen (copy));
  g_free (copy);
  g_assert_true (taube_password_clear_finish (wait_for (&wait), &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
}

/* Walks @dir and fails if any file holds @needle in plain text. */
static void
assert_not_in_files (const char *dir,
                     const char *needle)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_not_in_files (path, needle);
      else if (g_file_get_contents (path, &contents, &length, NULL)
               && memmem (contents, length, needle, strlen (needle)) != NULL)
        g_error ("password found in plain text in %s", path);
    }
}

static void
test_store_lookup_clear (void)
{
  const TaubePasswordKey imap = { "acct-1", "imap", "imap.example.test", "alice@example.test" };
  const TaubePasswordKey smtp = { "acct-1", "smtp", "smtp.example.test", "alice@example.test" };
  const TaubePasswordKey other = { "acct-2", "imap", "imap.example.test", "alice@example.test" };
  g_autofree char *secret = g_strdup_printf ("s3cret-%08x-ü", g_random_int ());
  char *found;

  g_assert_null (lookup (&imap));
  g_assert_true (store (&imap, secret));
  g_assert_true (store (&smtp, "smtp-secret"));
  g_assert_true (store (&other, "other-secret"));

  found = lookup (&imap);
  g_assert_cmpstr (found, ==, secret);
  secret_password_free (found);
  found = lookup (&smtp);
  g_assert_cmpstr (found, ==, "smtp-secret");
  secret_password_free (found);

  /* Storing again replaces rather than adding a second entry. */
  g_assert_true (store (&imap, "changed"));
  found = lookup (&imap);
  g_assert_cmpstr (found, ==, "changed");
  secret_password_free (found);

  assert_not_in_files (g_getenv ("TAUBE_RIG_DIR"), secret);
  assert_not_in_files (g_getenv ("TAUBE_RIG_DIR"), "changed");

  /* Removing an account removes both of its passwords and nobody else's. */
  clear ("acct-1");
  g_assert_null (lookup (&imap));
  g_assert_null (lookup (&smtp));
  found = lookup (&other);
  g_assert_cmpstr (found, ==, "other-secret");
  secret_password_free (found);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL || g_getenv ("TAUBE_RIG_DIR") == NULL)
    g_error ("run this test under tests/rig/taube-rig --with keyring");

  g_test_add_func ("/accounts/password/store-lookup-clear", test_store_lookup_clear);

  return g_test_run ();
}
