/* test-message-flags.c — IMAP flags to the bitmask and back, folder roles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-store.h"

static void
test_from_imap (void)
{
  static const char *const atoms[] = {
    "\\Seen", "\\answered", "\\FLAGGED", "$Forwarded", "$junk", "$MDNSent", "\\Recent",
    "$label1", "Work", "\\*", "\\Unknown", "", NULL,
  };
  static const char *const expected_keywords[] = { "$label1", "Work", NULL };
  g_auto(GStrv) keywords = NULL;
  TaubeMessageFlags flags;

  flags = taube_message_flags_from_imap (atoms, &keywords);
  g_assert_cmpint (flags, ==, TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_ANSWERED
                              | TAUBE_MESSAGE_FLAG_FLAGGED | TAUBE_MESSAGE_FLAG_FORWARDED
                              | TAUBE_MESSAGE_FLAG_JUNK | TAUBE_MESSAGE_FLAG_MDN_SENT
                              | TAUBE_MESSAGE_FLAG_RECENT);
  g_assert_cmpstrv (keywords, expected_keywords);

  g_assert_cmpint (taube_message_flags_from_imap (NULL, NULL), ==, TAUBE_MESSAGE_FLAG_NONE);
}

static void
test_to_imap (void)
{
  static const char *const extra[] = { "$label2", NULL };
  static const char *const expected[] = { "\\Seen", "\\Deleted", "\\Draft", "$NotJunk",
                                          "$Phishing", "$label2", NULL };
  g_auto(GStrv) atoms = NULL;
  g_auto(GStrv) none = NULL;

  atoms = taube_message_flags_to_imap (TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_DELETED
                                       | TAUBE_MESSAGE_FLAG_DRAFT | TAUBE_MESSAGE_FLAG_RECENT
                                       | TAUBE_MESSAGE_FLAG_NOT_JUNK
                                       | TAUBE_MESSAGE_FLAG_PHISHING, extra);
  /* \Recent is the server's to set (RFC 3501 §2.3.2). */
  g_assert_cmpstrv (atoms, expected);
  none = taube_message_flags_to_imap (TAUBE_MESSAGE_FLAG_NONE, NULL);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

/* Every flag but \Recent survives the trip to IMAP and back. */
static void
test_round_trip (void)
{
  GFlagsClass *klass = g_type_class_ref (TAUBE_TYPE_MESSAGE_FLAGS);

  for (guint i = 0; i < klass->n_values; i++)
    {
      TaubeMessageFlags flag = klass->values[i].value;
      g_auto(GStrv) atoms = taube_message_flags_to_imap (flag, NULL);
      g_auto(GStrv) keywords = NULL;

      if (flag == TAUBE_MESSAGE_FLAG_RECENT)
        continue;
      g_assert_cmpint (taube_message_flags_from_imap ((const char *const *) atoms, &keywords), ==,
                       flag);
      g_assert_cmpuint (g_strv_length (keywords), ==, 0);
    }
  g_type_class_unref (klass);
}

static void
test_folder_roles (void)
{
  g_assert_cmpint (taube_folder_role_from_special_use ("\\Sent"), ==, TAUBE_FOLDER_ROLE_SENT);
  g_assert_cmpint (taube_folder_role_from_special_use ("\\trash"), ==, TAUBE_FOLDER_ROLE_TRASH);
  g_assert_cmpint (taube_folder_role_from_special_use ("\\Important"), ==,
                   TAUBE_FOLDER_ROLE_IMPORTANT);
  g_assert_cmpint (taube_folder_role_from_special_use ("\\HasChildren"), ==,
                   TAUBE_FOLDER_ROLE_NONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/flags/from-imap", test_from_imap);
  g_test_add_func ("/store/flags/to-imap", test_to_imap);
  g_test_add_func ("/store/flags/round-trip", test_round_trip);
  g_test_add_func ("/store/flags/folder-roles", test_folder_roles);

  return g_test_run ();
}
