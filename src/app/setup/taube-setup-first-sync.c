/* taube-setup-first-sync.c — the first sync of an account the assistant just saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the local store and syncs the new account once, in the background; the main
 * window tells the person how it went.  The application is held meanwhile, so closing
 * the last window does not cut a download short.
 */
#define G_LOG_DOMAIN "taube-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-setup-first-sync.h"
#include "taube-sync-service.h"
#include "taube-window.h"

typedef struct
{
  GtkApplication *application;
  TaubeAccountManager *manager;
  TaubeAccount *account;
  TaubeSyncService *service;
} FirstSync;

static void
first_sync_free (FirstSync *sync)
{
  g_application_release (G_APPLICATION (sync->application));
  g_object_unref (sync->application);
  g_object_unref (sync->manager);
  g_object_unref (sync->account);
  g_clear_object (&sync->service);
  g_free (sync);
}

static void
tell (FirstSync  *sync,
      const char *text)
{
  GtkWindow *window = gtk_application_get_active_window (sync->application);
  GList *windows = gtk_application_get_windows (sync->application);

  /* The assistant may still be the active window: the toast belongs on the main one. */
  for (GList *l = windows; l != NULL && !TAUBE_IS_WINDOW (window); l = l->next)
    window = l->data;
  if (TAUBE_IS_WINDOW (window))
    taube_window_show_toast (TAUBE_WINDOW (window), text);
}

static void
report (FirstSync             *sync,
        const TaubeSyncResult *result)
{
  const char *address = taube_account_get_email_address (sync->account);
  g_autofree char *text = NULL;

  if (result->error == NULL)
    /* Translators: %u is a number of messages, %s an email address */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new message for %s",
                                         "%u new messages for %s", result->n_new),
                            result->n_new, address);
  /* BUSY: the background service (taube-background.c) started on the new account first
   * and holds its sync lock; the mail is on its way, nothing went wrong. */
  else if (g_error_matches (result->error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_CANCELLED)
           || g_error_matches (result->error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_NOT_SUPPORTED)
           || g_error_matches (result->error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_BUSY))
    return;
  else
    /* Translators: %s is an email address, the second %s what went wrong */
    text = g_strdup_printf (_("Could not fetch the mail for %s: %s"), address,
                            result->error->message);
  tell (sync, text);
}

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  FirstSync *sync = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = taube_sync_service_sync_finish (TAUBE_SYNC_SERVICE (object),
                                                                 result, &error);

  if (results == NULL)
    g_warning ("The first sync did not run: %s", error->message);
  for (guint i = 0; results != NULL && i < results->len; i++)
    report (sync, g_ptr_array_index (results, i));
  first_sync_free (sync);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FirstSync *sync = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeStore) store = taube_store_new_finish (result, &error);
  g_autofree char *text = NULL;

  if (store == NULL)
    {
      /* Translators: %s says what went wrong */
      text = g_strdup_printf (_("Could not open Taube’s mail store: %s"), error->message);
      tell (sync, text);
      first_sync_free (sync);
      return;
    }
  sync->service = taube_sync_service_new (sync->manager, store);
  taube_sync_service_sync_async (sync->service, taube_account_get_id (sync->account), NULL,
                                 synced_cb, sync);
}

/**
 * taube_setup_start_first_sync:
 * @application: the application, held until the sync ends
 * @manager: the accounts
 * @account: the account just saved
 *
 * Fetches the new account's mail once, in the background.
 */
void
taube_setup_start_first_sync (GtkApplication      *application,
                              TaubeAccountManager *manager,
                              TaubeAccount        *account)
{
  FirstSync *sync;

  g_return_if_fail (GTK_IS_APPLICATION (application));
  g_return_if_fail (TAUBE_IS_ACCOUNT (account));

  sync = g_new0 (FirstSync, 1);
  sync->application = g_object_ref (application);
  sync->manager = g_object_ref (manager);
  sync->account = g_object_ref (account);
  g_application_hold (G_APPLICATION (application));
  taube_store_new_async (NULL, NULL, store_opened_cb, sync);
}
