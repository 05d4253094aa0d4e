/* taube-password.h — account passwords in the keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

/**
 * TaubePasswordKey:
 * @account_id: the account's stable id
 * @protocol: "imap", "pop3" or "smtp"
 * @host: the server's host name
 * @user: the login name on that server
 *
 * What identifies one stored password. Taube keeps passwords only in the keyring:
 * never in its configuration, never in a log.
 */
typedef struct
{
  const char *account_id;
  const char *protocol;
  const char *host;
  const char *user;
} TaubePasswordKey;

const SecretSchema *taube_password_get_schema (void);

void      taube_password_store_async   (const TaubePasswordKey *key,
                                        const char             *password,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
gboolean  taube_password_store_finish  (GAsyncResult           *result,
                                        GError                **error);
void      taube_password_lookup_async  (const TaubePasswordKey *key,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
char     *taube_password_lookup_finish (GAsyncResult           *result,
                                        GError                **error);
void      taube_password_clear_async   (const char             *account_id,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
gboolean  taube_password_clear_finish  (GAsyncResult           *result,
                                        GError                **error);

G_END_DECLS
