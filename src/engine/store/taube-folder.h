/* taube-folder.h — one folder of the index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TAUBE_TYPE_FOLDER_ROLE (taube_folder_role_get_type ())
#define TAUBE_TYPE_FOLDER (taube_folder_get_type ())

/* What a folder is for (RFC 6154 special use, RFC 8457 \Important). Stored in the index:
 * never renumber. */
typedef enum
{
  TAUBE_FOLDER_ROLE_NONE,
  TAUBE_FOLDER_ROLE_INBOX,
  TAUBE_FOLDER_ROLE_DRAFTS,
  TAUBE_FOLDER_ROLE_SENT,
  TAUBE_FOLDER_ROLE_TRASH,
  TAUBE_FOLDER_ROLE_JUNK,
  TAUBE_FOLDER_ROLE_ARCHIVE,
  TAUBE_FOLDER_ROLE_ALL,
  TAUBE_FOLDER_ROLE_FLAGGED,
  TAUBE_FOLDER_ROLE_IMPORTANT,
} TaubeFolderRole;

GType           taube_folder_role_get_type         (void) G_GNUC_CONST;
TaubeFolderRole taube_folder_role_from_special_use (const char *attribute);

G_DECLARE_FINAL_TYPE (TaubeFolder, taube_folder, TAUBE, FOLDER, GObject)

gint64          taube_folder_get_id                (TaubeFolder *self);
const char     *taube_folder_get_account_id        (TaubeFolder *self);
const char     *taube_folder_get_name              (TaubeFolder *self);
const char     *taube_folder_get_display_name      (TaubeFolder *self);
TaubeFolderRole taube_folder_get_role              (TaubeFolder *self);
guint32         taube_folder_get_uidvalidity       (TaubeFolder *self);
guint32         taube_folder_get_uidnext           (TaubeFolder *self);
guint64         taube_folder_get_highestmodseq     (TaubeFolder *self);
guint           taube_folder_get_total             (TaubeFolder *self);
guint           taube_folder_get_unread            (TaubeFolder *self);

G_END_DECLS
