/* taube-account.h — one mail account's settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-security.h"

G_BEGIN_DECLS

#define TAUBE_ACCOUNT_ERROR (taube_account_error_quark ())

typedef enum
{
  /* A setting is missing or out of range; the message names it. */
  TAUBE_ACCOUNT_ERROR_INVALID,
  /* No account with that id. */
  TAUBE_ACCOUNT_ERROR_NOT_FOUND,
  /* An account with that id or address exists already. */
  TAUBE_ACCOUNT_ERROR_EXISTS,
} TaubeAccountError;

/**
 * TaubeProtocol:
 * @TAUBE_PROTOCOL_IMAP: mail stays on the server, Taube keeps a copy in step
 * @TAUBE_PROTOCOL_POP3: mail is downloaded to this computer
 */
typedef enum
{
  TAUBE_PROTOCOL_IMAP,
  TAUBE_PROTOCOL_POP3,
} TaubeProtocol;

#define TAUBE_TYPE_PROTOCOL (taube_protocol_get_type ())
#define TAUBE_TYPE_ACCOUNT (taube_account_get_type ())

G_DECLARE_FINAL_TYPE (TaubeAccount, taube_account, TAUBE, ACCOUNT, GObject)

GQuark          taube_account_error_quark        (void);
GType           taube_protocol_get_type          (void);

TaubeAccount   *taube_account_new                (const char    *id);
TaubeAccount   *taube_account_new_from_keyfile   (GKeyFile      *keyfile,
                                                  GError       **error);
GKeyFile       *taube_account_to_keyfile         (TaubeAccount  *self);
gboolean        taube_account_validate           (TaubeAccount  *self,
                                                  GError       **error);

const char     *taube_account_get_id             (TaubeAccount  *self);
const char     *taube_account_get_email_address  (TaubeAccount  *self);
const char     *taube_account_get_incoming_host  (TaubeAccount  *self);
const char     *taube_account_get_incoming_username (TaubeAccount *self);
const char     *taube_account_get_outgoing_host  (TaubeAccount  *self);
const char     *taube_account_get_outgoing_username (TaubeAccount *self);
TaubeProtocol   taube_account_get_protocol       (TaubeAccount  *self);
const char     *taube_account_get_title          (TaubeAccount  *self);
GBinding       *taube_account_bind_title         (TaubeAccount  *self,
                                                  gpointer       target,
                                                  const char    *target_property);

G_END_DECLS
