/* test-pop3-sync-policy.c — what a POP3 sync downloads and deletes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-pop3-sync-private.h"

#define DAY (24 * 60 * 60)
#define NOW ((gint64) 1800000000)

static const TaubePop3Policy defaults = { TRUE, 14, FALSE, 0 };

static void
test_download (void)
{
  TaubePop3UidlState seen = { NOW, 0, FALSE, FALSE };
  TaubePop3UidlState stored = { NOW, NOW, FALSE, FALSE };
  TaubePop3UidlState partial = { NOW, NOW, TRUE, FALSE };
  TaubePop3UidlState deleted = { NOW, NOW, FALSE, TRUE };

  g_assert_true (_taube_pop3_policy_should_download (NULL));
  g_assert_true (_taube_pop3_policy_should_download (&seen));
  g_assert_false (_taube_pop3_policy_should_download (&stored));
  g_assert_false (_taube_pop3_policy_should_download (&partial));
  g_assert_false (_taube_pop3_policy_should_download (&deleted));
}

static void
test_headers_only (void)
{
  TaubePop3Policy limited = { TRUE, 14, FALSE, 100 };

  g_assert_false (_taube_pop3_policy_headers_only (&defaults, G_MAXUINT64));
  g_assert_false (_taube_pop3_policy_headers_only (&limited, 100 * 1024));
  g_assert_true (_taube_pop3_policy_headers_only (&limited, 100 * 1024 + 1));
}

static void
test_leave_on_server (void)
{
  TaubePop3UidlState stored = { NOW - 20 * DAY, NOW - 14 * DAY, FALSE, FALSE };
  TaubePop3Policy forever = { TRUE, 0, FALSE, 0 };

  g_assert_true (_taube_pop3_policy_should_delete (&defaults, &stored, NOW));
  g_assert_false (_taube_pop3_policy_should_delete (&defaults, &stored, NOW - 1));
  g_assert_false (_taube_pop3_policy_should_delete (&forever, &stored, NOW + 3650 * DAY));
}

static void
test_never_unstored (void)
{
  TaubePop3Policy remove = { FALSE, 0, TRUE, 0 };
  TaubePop3UidlState seen = { NOW - 100 * DAY, 0, FALSE, FALSE };
  TaubePop3UidlState partial = { NOW - 100 * DAY, NOW - 100 * DAY, TRUE, FALSE };

  g_assert_false (_taube_pop3_policy_should_delete (&remove, NULL, NOW));
  g_assert_false (_taube_pop3_policy_should_delete (&remove, &seen, NOW));
  /* Only the header is here: the body exists only on the server. */
  g_assert_false (_taube_pop3_policy_should_delete (&remove, &partial, NOW));
  g_assert_false (_taube_pop3_policy_should_delete (&defaults, &partial, NOW));
}

static void
test_leave_off (void)
{
  TaubePop3Policy remove = { FALSE, 14, FALSE, 0 };
  TaubePop3UidlState stored = { NOW, NOW, FALSE, FALSE };

  g_assert_true (_taube_pop3_policy_should_delete (&remove, &stored, NOW));
}

static void
test_deleted_locally (void)
{
  TaubePop3Policy follow = { TRUE, 0, TRUE, 0 };
  TaubePop3UidlState deleted = { NOW, NOW, FALSE, TRUE };
  TaubePop3UidlState deleted_partial = { NOW, NOW, TRUE, TRUE };
  TaubePop3Policy remove = { FALSE, 0, FALSE, 0 };

  g_assert_true (_taube_pop3_policy_should_delete (&follow, &deleted, NOW));
  g_assert_true (_taube_pop3_policy_should_delete (&follow, &deleted_partial, NOW));
  g_assert_false (_taube_pop3_policy_should_delete (&defaults, &deleted, NOW));
  g_assert_true (_taube_pop3_policy_should_delete (&remove, &deleted, NOW));
  g_assert_false (_taube_pop3_policy_should_delete (&remove, &deleted_partial, NOW));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3-sync/policy/download", test_download);
  g_test_add_func ("/pop3-sync/policy/headers-only", test_headers_only);
  g_test_add_func ("/pop3-sync/policy/leave-on-server", test_leave_on_server);
  g_test_add_func ("/pop3-sync/policy/never-unstored", test_never_unstored);
  g_test_add_func ("/pop3-sync/policy/leave-off", test_leave_off);
  g_test_add_func ("/pop3-sync/policy/deleted-locally", test_deleted_locally);
  return g_test_run ();
}
