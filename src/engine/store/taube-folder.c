/* taube-folder.c — one folder of the index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Like TaubeMessage, a read-only snapshot of a row: taube_store_list_folders() makes new
 * ones after a change.
 */
#define G_LOG_DOMAIN "taube-store"

#include "taube-folder.h"
#include "taube-store-private.h"

struct _TaubeFolder
{
  GObject parent_instance;

  gint64 id;
  char *account_id;
  char *name;
  char *display_name;
  TaubeFolderRole role;
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
  guint total;
  guint unread;
};

G_DEFINE_FINAL_TYPE (TaubeFolder, taube_folder, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TaubeFolderRole, taube_folder_role,
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_INBOX, "inbox"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_DRAFTS, "drafts"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_SENT, "sent"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_TRASH, "trash"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_JUNK, "junk"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_ARCHIVE, "archive"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_ALL, "all"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_FLAGGED, "flagged"),
                    G_DEFINE_ENUM_VALUE (TAUBE_FOLDER_ROLE_IMPORTANT, "important"))

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_TOTAL,
  PROP_UNREAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The order of TAUBE_FOLDER_COLUMNS in taube-store-private.h. */
enum {
  COL_ID,
  COL_ACCOUNT_ID,
  COL_NAME,
  COL_DISPLAY_NAME,
  COL_ROLE,
  COL_UIDVALIDITY,
  COL_UIDNEXT,
  COL_HIGHESTMODSEQ,
  COL_TOTAL,
  COL_UNREAD,
};

/**
 * taube_folder_role_from_special_use:
 * @attribute: a LIST attribute such as "\Sent" (RFC 6154 §2, RFC 8457 §3)
 *
 * Returns: the role, or %TAUBE_FOLDER_ROLE_NONE for other attributes
 */
TaubeFolderRole
taube_folder_role_from_special_use (const char *attribute)
{
  static const struct
  {
    const char *attribute;
    TaubeFolderRole role;
  } roles[] = {
    { "\\Drafts", TAUBE_FOLDER_ROLE_DRAFTS },   { "\\Sent", TAUBE_FOLDER_ROLE_SENT },
    { "\\Trash", TAUBE_FOLDER_ROLE_TRASH },     { "\\Junk", TAUBE_FOLDER_ROLE_JUNK },
    { "\\Archive", TAUBE_FOLDER_ROLE_ARCHIVE }, { "\\All", TAUBE_FOLDER_ROLE_ALL },
    { "\\Flagged", TAUBE_FOLDER_ROLE_FLAGGED }, { "\\Important", TAUBE_FOLDER_ROLE_IMPORTANT },
  };

  g_return_val_if_fail (attribute != NULL, TAUBE_FOLDER_ROLE_NONE);

  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_ascii_strcasecmp (attribute, roles[i].attribute) == 0)
      return roles[i].role;
  return TAUBE_FOLDER_ROLE_NONE;
}

static void
taube_folder_finalize (GObject *object)
{
  TaubeFolder *self = TAUBE_FOLDER (object);

  g_free (self->account_id);
  g_free (self->name);
  g_free (self->display_name);

  G_OBJECT_CLASS (taube_folder_parent_class)->finalize (object);
}

static void
taube_folder_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TaubeFolder *self = TAUBE_FOLDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_TOTAL:
      g_value_set_uint (value, self->total);
      break;
    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_folder_class_init (TaubeFolderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = taube_folder_finalize;
  object_class->get_property = taube_folder_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, TAUBE_TYPE_FOLDER_ROLE,
                                             TAUBE_FOLDER_ROLE_NONE, flags);
  properties[PROP_TOTAL] = g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_UNREAD] = g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
taube_folder_init (TaubeFolder *self)
{
}

/*
 * _taube_folder_new_from_stmt:
 * @stmt: a statement positioned on a row of TAUBE_FOLDER_COLUMNS
 *
 * Returns: (transfer full): the row as a folder
 */
TaubeFolder *
_taube_folder_new_from_stmt (sqlite3_stmt *stmt)
{
  TaubeFolder *self = g_object_new (TAUBE_TYPE_FOLDER, NULL);

  self->id = sqlite3_column_int64 (stmt, COL_ID);
  self->account_id = g_strdup ((const char *) sqlite3_column_text (stmt, COL_ACCOUNT_ID));
  self->name = g_strdup ((const char *) sqlite3_column_text (stmt, COL_NAME));
  self->display_name = g_strdup ((const char *) sqlite3_column_text (stmt, COL_DISPLAY_NAME));
  self->role = (TaubeFolderRole) sqlite3_column_int (stmt, COL_ROLE);
  self->uidvalidity = (guint32) sqlite3_column_int64 (stmt, COL_UIDVALIDITY);
  self->uidnext = (guint32) sqlite3_column_int64 (stmt, COL_UIDNEXT);
  self->highestmodseq = (guint64) sqlite3_column_int64 (stmt, COL_HIGHESTMODSEQ);
  self->total = (guint) sqlite3_column_int64 (stmt, COL_TOTAL);
  self->unread = (guint) sqlite3_column_int64 (stmt, COL_UNREAD);
  return self;
}

/**
 * taube_folder_get_id:
 * @self: a #TaubeFolder
 *
 * Returns: the folder's id in the store
 */
gint64
taube_folder_get_id (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), 0);
  return self->id;
}

/**
 * taube_folder_get_account_id:
 * @self: a #TaubeFolder
 *
 * Returns: the account the folder belongs to
 */
const char *
taube_folder_get_account_id (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), NULL);
  return self->account_id;
}

/**
 * taube_folder_get_name:
 * @self: a #TaubeFolder
 *
 * Returns: the name as the server spells it
 */
const char *
taube_folder_get_name (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), NULL);
  return self->name;
}

/**
 * taube_folder_get_display_name:
 * @self: a #TaubeFolder
 *
 * Returns: the name to show
 */
const char *
taube_folder_get_display_name (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), NULL);
  return self->display_name;
}

/**
 * taube_folder_get_role:
 * @self: a #TaubeFolder
 *
 * Returns: what the folder is for
 */
TaubeFolderRole
taube_folder_get_role (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), TAUBE_FOLDER_ROLE_NONE);
  return self->role;
}

/**
 * taube_folder_get_uidvalidity:
 * @self: a #TaubeFolder
 *
 * Returns: the UIDVALIDITY the stored UIDs belong to (RFC 9051 §2.3.1.1), 0 if never synced
 */
guint32
taube_folder_get_uidvalidity (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), 0);
  return self->uidvalidity;
}

/**
 * taube_folder_get_uidnext:
 * @self: a #TaubeFolder
 *
 * Returns: the UIDNEXT of the last sync
 */
guint32
taube_folder_get_uidnext (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), 0);
  return self->uidnext;
}

/**
 * taube_folder_get_highestmodseq:
 * @self: a #TaubeFolder
 *
 * Returns: the HIGHESTMODSEQ of the last sync (RFC 7162 §3.1.2.1), 0 without CONDSTORE
 */
guint64
taube_folder_get_highestmodseq (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), 0);
  return self->highestmodseq;
}

/**
 * taube_folder_get_total:
 * @self: a #TaubeFolder
 *
 * Returns: how many messages the store has in the folder
 */
guint
taube_folder_get_total (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), 0);
  return self->total;
}

/**
 * taube_folder_get_unread:
 * @self: a #TaubeFolder
 *
 * Returns: how many of them are not \Seen
 */
guint
taube_folder_get_unread (TaubeFolder *self)
{
  g_return_val_if_fail (TAUBE_IS_FOLDER (self), 0);
  return self->unread;
}
