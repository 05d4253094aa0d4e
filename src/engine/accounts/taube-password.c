/* taube-password.c — account passwords in the keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-accounts"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-password.h"

const SecretSchema *
taube_password_get_schema (void)
{
  static const SecretSchema schema = {
    APPLICATION_ID ".Password",
    SECRET_SCHEMA_NONE,
    {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "protocol", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static GHashTable *
key_attributes (const TaubePasswordKey *key)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "account", (gpointer) key->account_id);
  g_hash_table_insert (attributes, (gpointer) "protocol", (gpointer) key->protocol);
  g_hash_table_insert (attributes, (gpointer) "host", (gpointer) key->host);
  g_hash_table_insert (attributes, (gpointer) "user", (gpointer) key->user);
  return attributes;
}

static gboolean
key_is_valid (const TaubePasswordKey *key)
{
  return key != NULL && key->account_id != NULL && key->protocol != NULL && key->host != NULL
         && key->user != NULL;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * taube_password_store_async:
 * @key: which password this is
 * @password: the secret
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the keyring has it
 * @user_data: data for @callback
 *
 * Stores @password in the default keyring, replacing an earlier one with the same key.
 */
void
taube_password_store_async (const TaubePasswordKey *key,
                            const char             *password,
                            GCancellable           *cancellable,
                            GAsyncReadyCallback     callback,
                            gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (key_is_valid (key));
  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_password_store_async);

  attributes = key_attributes (key);
  /* Translators: the label of a keyring entry, e.g. "Taube: alice@example.com on imap.example.com" */
  label = g_strdup_printf (_("Taube: %s on %s"), key->user, key->host);
  secret_password_storev (taube_password_get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                          label, password, cancellable, store_cb, g_steal_pointer (&task));
}

gboolean
taube_password_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

/**
 * taube_password_lookup_async:
 * @key: which password to find
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Looks the password up; taube_password_lookup_finish() returns %NULL without an
 * error when there is none.
 */
void
taube_password_lookup_async (const TaubePasswordKey *key,
                             GCancellable           *cancellable,
                             GAsyncReadyCallback     callback,
                             gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (key_is_valid (key));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_password_lookup_async);
  attributes = key_attributes (key);
  secret_password_lookupv (taube_password_get_schema (), attributes, cancellable, lookup_cb,
                           g_steal_pointer (&task));
}

/**
 * taube_password_lookup_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the password, to be freed with
 *   secret_password_free(), or %NULL
 */
char *
taube_password_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* secret_password_clear_finish() is FALSE both for "nothing to remove" and errors. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * taube_password_clear_async:
 * @account_id: the account whose passwords go
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes every password stored for @account_id (incoming and outgoing).
 */
void
taube_password_clear_async (const char          *account_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (account_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_password_clear_async);
  /* libsecret may read the attributes after this returns (the search runs later), and
   * the caller's id need not live that long: the task owns a copy until it completes. */
  attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (attributes, (gpointer) "account", g_strdup (account_id));
  g_task_set_task_data (task, g_hash_table_ref (attributes),
                        (GDestroyNotify) g_hash_table_unref);
  secret_password_clearv (taube_password_get_schema (), attributes, cancellable, clear_cb,
                          g_steal_pointer (&task));
}

gboolean
taube_password_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
