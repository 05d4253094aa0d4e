/* taube-message.c — one message of the index, as the message list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A snapshot of a row, read-only: the store makes these for list pages and lookups, and a
 * change in the index makes new ones rather than changing these. Properties exist so that
 * list item factories can bind to them with GtkExpression.
 */
#define G_LOG_DOMAIN "taube-store"

#include "taube-message.h"
#include "taube-store-private.h"

struct _TaubeMessage
{
  GObject parent_instance;

  gint64 id;
  gint64 folder_id;
  gint64 internal_date;
  gint64 date;
  gint64 size;
  gint64 thread_id;
  guint64 modseq;
  guint32 uid;
  TaubeMessageFlags flags;
  gboolean has_attachment;
  char *from_name;
  char *from_address;
  char *recipients;
  char *subject;
  char *preview;
  char *message_id;
  char *in_reply_to;
  char *references;
  char *path;
  char *uidl;
};

G_DEFINE_FINAL_TYPE (TaubeMessage, taube_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FOLDER_ID,
  PROP_UID,
  PROP_FLAGS,
  PROP_DATE,
  PROP_SIZE,
  PROP_HAS_ATTACHMENT,
  PROP_THREAD_ID,
  PROP_FROM_NAME,
  PROP_FROM_ADDRESS,
  PROP_RECIPIENTS,
  PROP_SUBJECT,
  PROP_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The order of TAUBE_MESSAGE_COLUMNS in taube-store-private.h. */
enum {
  COL_ID,
  COL_FOLDER_ID,
  COL_UID,
  COL_MODSEQ,
  COL_FLAGS,
  COL_INTERNAL_DATE,
  COL_DATE,
  COL_SIZE,
  COL_HAS_ATTACHMENT,
  COL_THREAD_ID,
  COL_FROM_NAME,
  COL_FROM_ADDRESS,
  COL_RECIPIENTS,
  COL_SUBJECT,
  COL_PREVIEW,
  COL_MESSAGE_ID,
  COL_IN_REPLY_TO,
  COL_REFS,
  COL_PATH,
  COL_UIDL,
};

static void
taube_message_finalize (GObject *object)
{
  TaubeMessage *self = TAUBE_MESSAGE (object);

  g_free (self->from_name);
  g_free (self->from_address);
  g_free (self->recipients);
  g_free (self->subject);
  g_free (self->preview);
  g_free (self->message_id);
  g_free (self->in_reply_to);
  g_free (self->references);
  g_free (self->path);
  g_free (self->uidl);

  G_OBJECT_CLASS (taube_message_parent_class)->finalize (object);
}

static void
taube_message_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TaubeMessage *self = TAUBE_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_FOLDER_ID:
      g_value_set_int64 (value, self->folder_id);
      break;
    case PROP_UID:
      g_value_set_uint (value, self->uid);
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    case PROP_DATE:
      g_value_set_int64 (value, self->date);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_HAS_ATTACHMENT:
      g_value_set_boolean (value, self->has_attachment);
      break;
    case PROP_THREAD_ID:
      g_value_set_int64 (value, self->thread_id);
      break;
    case PROP_FROM_NAME:
      g_value_set_string (value, self->from_name);
      break;
    case PROP_FROM_ADDRESS:
      g_value_set_string (value, self->from_address);
      break;
    case PROP_RECIPIENTS:
      g_value_set_string (value, self->recipients);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_PREVIEW:
      g_value_set_string (value, self->preview);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
int64_property (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
taube_message_class_init (TaubeMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = taube_message_finalize;
  object_class->get_property = taube_message_get_property;

  properties[PROP_ID] = int64_property ("id");
  properties[PROP_FOLDER_ID] = int64_property ("folder-id");
  properties[PROP_UID] = g_param_spec_uint ("uid", NULL, NULL, 0, G_MAXUINT32, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAGS] = g_param_spec_flags ("flags", NULL, NULL, TAUBE_TYPE_MESSAGE_FLAGS,
                                               TAUBE_MESSAGE_FLAG_NONE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATE] = int64_property ("date");
  properties[PROP_SIZE] = int64_property ("size");
  properties[PROP_HAS_ATTACHMENT] = g_param_spec_boolean ("has-attachment", NULL, NULL, FALSE,
                                                          G_PARAM_READABLE
                                                          | G_PARAM_STATIC_STRINGS);
  properties[PROP_THREAD_ID] = int64_property ("thread-id");
  properties[PROP_FROM_NAME] = string_property ("from-name");
  properties[PROP_FROM_ADDRESS] = string_property ("from-address");
  properties[PROP_RECIPIENTS] = string_property ("recipients");
  properties[PROP_SUBJECT] = string_property ("subject");
  properties[PROP_PREVIEW] = string_property ("preview");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
taube_message_init (TaubeMessage *self)
{
}

/*
 * _taube_message_new_from_stmt:
 * @stmt: a statement positioned on a row of TAUBE_MESSAGE_COLUMNS
 *
 * Returns: (transfer full): the row as a message
 */
TaubeMessage *
_taube_message_new_from_stmt (sqlite3_stmt *stmt)
{
  TaubeMessage *self = g_object_new (TAUBE_TYPE_MESSAGE, NULL);

  self->id = sqlite3_column_int64 (stmt, COL_ID);
  self->folder_id = sqlite3_column_int64 (stmt, COL_FOLDER_ID);
  self->uid = (guint32) sqlite3_column_int64 (stmt, COL_UID);
  self->modseq = (guint64) sqlite3_column_int64 (stmt, COL_MODSEQ);
  self->flags = (TaubeMessageFlags) sqlite3_column_int64 (stmt, COL_FLAGS);
  self->internal_date = sqlite3_column_int64 (stmt, COL_INTERNAL_DATE);
  self->date = sqlite3_column_int64 (stmt, COL_DATE);
  self->size = sqlite3_column_int64 (stmt, COL_SIZE);
  self->has_attachment = sqlite3_column_int (stmt, COL_HAS_ATTACHMENT) != 0;
  self->thread_id = sqlite3_column_int64 (stmt, COL_THREAD_ID);
  self->from_name = g_strdup ((const char *) sqlite3_column_text (stmt, COL_FROM_NAME));
  self->from_address = g_strdup ((const char *) sqlite3_column_text (stmt, COL_FROM_ADDRESS));
  self->recipients = g_strdup ((const char *) sqlite3_column_text (stmt, COL_RECIPIENTS));
  self->subject = g_strdup ((const char *) sqlite3_column_text (stmt, COL_SUBJECT));
  self->preview = g_strdup ((const char *) sqlite3_column_text (stmt, COL_PREVIEW));
  self->message_id = g_strdup ((const char *) sqlite3_column_text (stmt, COL_MESSAGE_ID));
  self->in_reply_to = g_strdup ((const char *) sqlite3_column_text (stmt, COL_IN_REPLY_TO));
  self->references = g_strdup ((const char *) sqlite3_column_text (stmt, COL_REFS));
  self->path = g_strdup ((const char *) sqlite3_column_text (stmt, COL_PATH));
  self->uidl = g_strdup ((const char *) sqlite3_column_text (stmt, COL_UIDL));
  return self;
}

/* The message file relative to the store, or %NULL if only the header is known. */
const char *
_taube_message_get_path (TaubeMessage *self)
{
  return self->path;
}

/**
 * taube_message_get_id:
 * @self: a #TaubeMessage
 *
 * Returns: the message's id in the store, unique across folders and accounts
 */
gint64
taube_message_get_id (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->id;
}

/**
 * taube_message_get_folder_id:
 * @self: a #TaubeMessage
 *
 * Returns: the id of the folder the message is in
 */
gint64
taube_message_get_folder_id (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->folder_id;
}

/**
 * taube_message_get_uid:
 * @self: a #TaubeMessage
 *
 * Returns: the IMAP UID, or 0 for messages fetched with POP3
 */
guint32
taube_message_get_uid (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->uid;
}

/**
 * taube_message_get_uidl:
 * @self: a #TaubeMessage
 *
 * Returns: (nullable): the POP3 UIDL (RFC 1939 §7), or %NULL for IMAP messages
 */
const char *
taube_message_get_uidl (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->uidl;
}

/**
 * taube_message_get_modseq:
 * @self: a #TaubeMessage
 *
 * Returns: the CONDSTORE MODSEQ (RFC 7162) the flags are from, or 0
 */
guint64
taube_message_get_modseq (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->modseq;
}

/**
 * taube_message_get_flags:
 * @self: a #TaubeMessage
 *
 * Returns: the message's flags
 */
TaubeMessageFlags
taube_message_get_flags (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->flags;
}

/**
 * taube_message_get_date:
 * @self: a #TaubeMessage
 *
 * Returns: the Date header (or, without one, when the server received the message), in
 *   seconds since 1970
 */
gint64
taube_message_get_date (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->date;
}

/**
 * taube_message_get_internal_date:
 * @self: a #TaubeMessage
 *
 * Returns: when the server received the message (IMAP INTERNALDATE), in seconds since 1970
 */
gint64
taube_message_get_internal_date (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->internal_date;
}

/**
 * taube_message_get_size:
 * @self: a #TaubeMessage
 *
 * Returns: the size of the whole message in bytes, as the server counts it
 */
gint64
taube_message_get_size (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->size;
}

/**
 * taube_message_get_has_attachment:
 * @self: a #TaubeMessage
 *
 * Returns: whether the message has parts to save (only known once its body is downloaded)
 */
gboolean
taube_message_get_has_attachment (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), FALSE);
  return self->has_attachment;
}

/**
 * taube_message_get_has_body:
 * @self: a #TaubeMessage
 *
 * Returns: whether the whole message is stored, so taube_store_read_message_async() works
 */
gboolean
taube_message_get_has_body (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), FALSE);
  return self->path != NULL;
}

/**
 * taube_message_get_thread_id:
 * @self: a #TaubeMessage
 *
 * Returns: the conversation the message belongs to; see taube_store_list_thread()
 */
gint64
taube_message_get_thread_id (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), 0);
  return self->thread_id;
}

/**
 * taube_message_get_from_name:
 * @self: a #TaubeMessage
 *
 * Returns: (nullable): the sender's name, "" if they gave none, %NULL without a From
 */
const char *
taube_message_get_from_name (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->from_name;
}

/**
 * taube_message_get_from_address:
 * @self: a #TaubeMessage
 *
 * Returns: (nullable): the sender's address, %NULL without a From
 */
const char *
taube_message_get_from_address (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->from_address;
}

/**
 * taube_message_get_recipients:
 * @self: a #TaubeMessage
 *
 * Returns: the names (or addresses) of To and Cc, comma-separated and shortened
 */
const char *
taube_message_get_recipients (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->recipients;
}

/**
 * taube_message_get_subject:
 * @self: a #TaubeMessage
 *
 * Returns: the decoded subject, "" if there is none
 */
const char *
taube_message_get_subject (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->subject;
}

/**
 * taube_message_get_preview:
 * @self: a #TaubeMessage
 *
 * Returns: up to 200 characters of the text, without quotes; "" before the body is downloaded
 */
const char *
taube_message_get_preview (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->preview;
}

/**
 * taube_message_get_message_id:
 * @self: a #TaubeMessage
 *
 * Returns: (nullable): the Message-ID without angle brackets
 */
const char *
taube_message_get_message_id (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->message_id;
}

/**
 * taube_message_get_in_reply_to:
 * @self: a #TaubeMessage
 *
 * Returns: (nullable): the Message-ID of the message this one answers
 */
const char *
taube_message_get_in_reply_to (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->in_reply_to;
}

/**
 * taube_message_get_references:
 * @self: a #TaubeMessage
 *
 * Returns: (nullable): the Message-IDs of References, oldest first, separated by spaces
 */
const char *
taube_message_get_references (TaubeMessage *self)
{
  g_return_val_if_fail (TAUBE_IS_MESSAGE (self), NULL);
  return self->references;
}
