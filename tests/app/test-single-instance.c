/* test-single-instance.c — a second `taube` raises the first instead of starting again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#define OBJECT_PATH "/io/github/taubemail/Taube"

typedef struct
{
  gboolean owned;
} NameState;

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  ((NameState *) user_data)->owned = TRUE;
}

static void
name_vanished_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ((NameState *) user_data)->owned = FALSE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_for_owned (NameState *state,
                gboolean   owned,
                guint      seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timeout_cb, &timed_out);

  while (state->owned != owned && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return state->owned == owned;
}

static GSubprocess *
spawn_taube (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *exe = g_build_filename (g_getenv ("TAUBE_BUILD_DIR"), "src", "app", "taube",
                                           NULL);
  GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, exe, NULL);

  g_assert_no_error (error);
  return process;
}

/* Asks the running instance over D-Bus for its window's action list; exists only if
 * that window does. */
static gboolean
window_exists (GDBusConnection *bus,
               guint            number)
{
  g_autofree char *path = g_strdup_printf (OBJECT_PATH "/window/%u", number);
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, path, "org.gtk.Actions", "List",
                                       NULL, G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, NULL);
  return reply != NULL;
}

/* The bus name is taken before "activate" builds the window, so poll a while. */
static gboolean
wait_for_window (GDBusConnection *bus,
                 guint            number)
{
  for (int i = 0; i < 200; i++)
    {
      if (window_exists (bus, number))
        return TRUE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

static void
process_exited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Waits up to @seconds for @process to end; TRUE if it did. */
static gboolean
process_done (GSubprocess *process,
              guint        seconds)
{
  gboolean timed_out = FALSE;
  gboolean exited = FALSE;
  guint id;

  if (g_object_get_data (G_OBJECT (process), "exited") != NULL)
    return TRUE;
  id = g_timeout_add_seconds (seconds, timeout_cb, &timed_out);
  g_subprocess_wait_async (process, NULL, process_exited_cb, &exited);
  while (!exited && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  if (!exited)
    {
      /* Let the pending wait finish before the test's stack frame goes away. */
      g_subprocess_force_exit (process);
      while (!exited)
        g_main_context_iteration (NULL, TRUE);
      return FALSE;
    }
  g_object_set_data (G_OBJECT (process), "exited", GINT_TO_POINTER (1));
  return TRUE;
}

/* Still running: a zero-second wait must not see it end. */
static gboolean
process_running (GSubprocess *process)
{
  return g_object_get_data (G_OBJECT (process), "exited") == NULL;
}

static void
test_second_instance_raises_first (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  NameState state = { FALSE };
  guint watch;

  g_assert_nonnull (bus);
  watch = g_bus_watch_name_on_connection (bus, APPLICATION_ID, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, name_vanished_cb, &state, NULL);
  first = spawn_taube ();
  g_assert_true (wait_for_owned (&state, TRUE, 20));
  g_assert_true (wait_for_window (bus, 1));

  /* The second process hands over to the first and exits successfully at once. */
  second = spawn_taube ();
  g_assert_true (process_done (second, 20));
  g_assert_true (g_subprocess_get_successful (second));
  g_assert_true (process_running (first));
  g_assert_true (window_exists (bus, 1));
  g_assert_false (window_exists (bus, 2));

  /* app.quit over D-Bus ends the first instance cleanly. */
  g_dbus_connection_call_sync (bus, APPLICATION_ID, OBJECT_PATH, "org.freedesktop.Application",
                               "ActivateAction",
                               g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL,
                               G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (process_done (first, 20));
  g_assert_true (g_subprocess_get_successful (first));
  g_assert_true (wait_for_owned (&state, FALSE, 10));
  g_bus_unwatch_name (watch);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/single-instance/second-raises-first", test_second_instance_raises_first);

  return g_test_run ();
}
