/* taube-imap-client-fetch.c — UID FETCH on a TaubeImapClient, message by message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §6.4.5 and §6.4.9, RFC 7162 §3.1.4 (CHANGEDSINCE) and §3.2.6 (VANISHED).
 * Nothing is collected: each FETCH response becomes a TaubeImapFetchedMessage that goes
 * to the caller as soon as it is parsed, and is freed after. Body literals are either
 * kept in memory (header fields, or when the caller wants it) or written to the
 * GOutputStream the caller chose; those writes are queued while a read is parsed and
 * written out before the next read, and a message is only handed over after the writes
 * queued before it, so its streams are complete when the caller sees it.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <string.h>

#include "taube-imap-client-private.h"
#include "taube-imap-error.h"
#include "taube-imap-fetch-private.h"
#include "taube-imap-sequence-set.h"

/* A section kept in memory beyond this is refused: the caller should give a stream. */
#define MAX_SECTION_IN_MEMORY (64 * 1024 * 1024)

typedef struct
{
  GOutputStream *stream;              /* a write of @bytes to @stream … */
  GBytes *bytes;
  TaubeImapFetchedMessage *message;   /* … or a message to hand over */
} Pending;

typedef struct
{
  guint32 first;
  guint32 last;
} UidRange;

typedef struct
{
  GArray *wanted;                     /* of UidRange, sorted, for a binary search */
  gboolean any_uid;                   /* the set ends in "*" */
  gboolean wants_more_than_flags;     /* asked for data a flag change does not carry */
  TaubeImapFetchMessageFunc message_func;
  gpointer message_data;
  TaubeImapFetchBodyFunc body_func;
  gpointer body_data;

  TaubeImapFetchedSection *literal;   /* the body literal arriving */
  GByteArray *literal_bytes;          /* its bytes, when kept in memory */
  GQueue streamed;                    /* sections of the response being parsed */
  GQueue pending;                     /* of Pending, in order */
  GTask *drain;
  TaubeImapSequenceSet *vanished;
} Fetch;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->stream);
  g_clear_pointer (&pending->bytes, g_bytes_unref);
  g_clear_pointer (&pending->message, taube_imap_fetched_message_free);
  g_free (pending);
}

static void
fetch_free (Fetch *fetch)
{
  g_clear_pointer (&fetch->wanted, g_array_unref);
  g_clear_pointer (&fetch->literal, _taube_imap_fetched_section_free);
  g_clear_pointer (&fetch->literal_bytes, g_byte_array_unref);
  g_queue_clear_full (&fetch->streamed, _taube_imap_fetched_section_free);
  g_queue_clear_full (&fetch->pending, (GDestroyNotify) pending_free);
  g_assert (fetch->drain == NULL);
  g_clear_pointer (&fetch->vanished, taube_imap_sequence_set_free);
  g_free (fetch);
}

/* -- Body literals ---------------------------------------------------------------------- */

static gboolean
is_header_section (const char *spec)
{
  return g_ascii_strncasecmp (spec, "HEADER", strlen ("HEADER")) == 0;
}

static void
fetch_literal_begin (TaubeImapClient      *self,
                     guint64               sequence,
                     const TaubeImapValue *item,
                     guint64               size,
                     gpointer              data)
{
  Fetch *fetch = data;
  const char *spec = taube_imap_value_get_section_spec (item);
  guint64 origin = 0;

  /* RFC822 and friends have no section; they are the whole message, its header or text. */
  if (spec == NULL)
    spec = taube_imap_value_is_atom (item, "RFC822.HEADER") ? "HEADER"
           : taube_imap_value_is_atom (item, "RFC822.TEXT") ? "TEXT" : "";
  taube_imap_value_get_section_origin (item, &origin);
  g_clear_pointer (&fetch->literal, _taube_imap_fetched_section_free);
  g_clear_pointer (&fetch->literal_bytes, g_byte_array_unref);
  fetch->literal = _taube_imap_fetched_section_new (spec, origin, size);
  if (fetch->body_func != NULL && !is_header_section (spec))
    fetch->literal->stream = fetch->body_func ((guint32) MIN (sequence, G_MAXUINT32), spec,
                                               size, fetch->body_data);
  if (fetch->literal->stream != NULL)
    return;
  if (size > MAX_SECTION_IN_MEMORY)
    {
      _taube_imap_client_exchange_error (self, g_error_new (
        TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_TOO_BIG,
        "A body section of %" G_GUINT64_FORMAT " bytes is too big to keep in memory", size));
      g_clear_pointer (&fetch->literal, _taube_imap_fetched_section_free);
      return;
    }
  fetch->literal_bytes = g_byte_array_sized_new ((guint) size);
}

static void
fetch_literal_chunk (TaubeImapClient *self,
                     const guint8    *bytes,
                     gsize            len,
                     gpointer         data)
{
  Fetch *fetch = data;
  Pending *pending;

  if (fetch->literal == NULL)
    return;
  if (fetch->literal_bytes != NULL)
    {
      g_byte_array_append (fetch->literal_bytes, bytes, (guint) len);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->stream = g_object_ref (fetch->literal->stream);
  pending->bytes = g_bytes_new (bytes, len);
  g_queue_push_tail (&fetch->pending, pending);
}

static void
fetch_literal_end (TaubeImapClient *self,
                   gpointer         data)
{
  Fetch *fetch = data;

  if (fetch->literal == NULL)
    return;
  if (fetch->literal_bytes != NULL)
    fetch->literal->data = g_byte_array_free_to_bytes (g_steal_pointer (&fetch->literal_bytes));
  g_queue_push_tail (&fetch->streamed, g_steal_pointer (&fetch->literal));
}

/* -- Responses -------------------------------------------------------------------------- */

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const UidRange *ra = a, *rb = b;

  return ra->first < rb->first ? -1 : ra->first > rb->first;
}

/* The requested UIDs as sorted ranges: a caller's set may list thousands of single UIDs,
 * and every response is checked against it. */
static void
set_wanted (Fetch                      *fetch,
            const TaubeImapSequenceSet *uids)
{
  guint n = taube_imap_sequence_set_get_n_ranges (uids);
  guint kept = 0;

  fetch->wanted = g_array_sized_new (FALSE, FALSE, sizeof (UidRange), n);
  for (guint i = 0; i < n; i++)
    {
      UidRange range;

      taube_imap_sequence_set_get_range (uids, i, &range.first, &range.last);
      /* RFC 9051 §9: "n:*" reaches the highest UID in use even when that is below n. */
      if (range.first == TAUBE_IMAP_SEQUENCE_STAR || range.last == TAUBE_IMAP_SEQUENCE_STAR)
        fetch->any_uid = TRUE;
      g_array_append_val (fetch->wanted, range);
    }
  g_array_sort (fetch->wanted, compare_ranges);
  /* Merged, so that one range at most can hold a UID. */
  for (guint i = 0; i < fetch->wanted->len; i++)
    {
      const UidRange *range = &g_array_index (fetch->wanted, UidRange, i);
      UidRange *prev = kept > 0 ? &g_array_index (fetch->wanted, UidRange, kept - 1) : NULL;

      if (prev != NULL && (guint64) range->first <= (guint64) prev->last + 1)
        prev->last = MAX (prev->last, range->last);
      else
        g_array_index (fetch->wanted, UidRange, kept++) = *range;
    }
  g_array_set_size (fetch->wanted, kept);
}

static gboolean
is_wanted (Fetch   *fetch,
           guint32  uid)
{
  guint low = 0, high = fetch->wanted->len;

  if (fetch->any_uid)
    return TRUE;
  /* The last range starting at or before @uid. */
  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (fetch->wanted, UidRange, mid).first <= uid)
        low = mid + 1;
      else
        high = mid;
    }
  return low > 0 && uid <= g_array_index (fetch->wanted, UidRange, low - 1).last;
}

static void
deliver (Fetch                   *fetch,
         TaubeImapFetchedMessage *message)
{
  Pending *pending;

  if (g_queue_is_empty (&fetch->pending))
    {
      fetch->message_func (message, fetch->message_data);
      taube_imap_fetched_message_free (message);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->message = message;
  g_queue_push_tail (&fetch->pending, pending);
}

static gboolean
carries_more_than_flags (const TaubeImapFetchedMessage *message)
{
  return (message->items & ~(TAUBE_IMAP_FETCH_FLAGS | TAUBE_IMAP_FETCH_MODSEQ)) != 0
         || message->header_fields != NULL
         || (message->sections != NULL && message->sections->len > 0);
}

static gboolean
fetch_fetch (TaubeImapClient   *self,
             Fetch             *fetch,
             TaubeImapResponse *response)
{
  g_autoptr(GError) error = NULL;
  TaubeImapFetchedMessage *message;

  message = _taube_imap_fetched_message_parse (response, &fetch->streamed, &error);
  g_queue_clear_full (&fetch->streamed, _taube_imap_fetched_section_free);
  if (message == NULL)
    {
      _taube_imap_client_exchange_error (self,
                                         _taube_imap_client_protocol_error (self, error->message));
      return TRUE;
    }
  /* RFC 9051 §7.5.2: a FETCH for a message not asked for is an unsolicited flag change.
   * So is one with nothing but flags when more was asked for: a pipelined UID STORE's
   * answer, or another client's change, for a message this fetch also wants. */
  if (message->uid == 0 || !is_wanted (fetch, message->uid)
      || (fetch->wants_more_than_flags && !carries_more_than_flags (message)))
    {
      taube_imap_fetched_message_free (message);
      return FALSE;
    }
  deliver (fetch, message);
  return TRUE;
}

/* RFC 7162 §3.2.6: VANISHED (EARLIER) answers the fetch; without EARLIER it is news. */
static gboolean
fetch_vanished (TaubeImapClient   *self,
                Fetch             *fetch,
                TaubeImapResponse *response)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  const TaubeImapValue *first = taube_imap_value_get_item (data, 0);
  g_autoptr(TaubeImapSequenceSet) set = NULL;
  guint n;

  if (!taube_imap_value_is_list (first)
      || !taube_imap_value_is_atom (taube_imap_value_get_item (first, 0), "EARLIER"))
    return FALSE;
  set = taube_imap_sequence_set_new_from_value (taube_imap_value_get_item (data, 1), NULL);
  if (set == NULL)
    {
      _taube_imap_client_exchange_error (self, _taube_imap_client_protocol_error (
        self, "VANISHED without a UID set"));
      return TRUE;
    }
  if (fetch->vanished == NULL)
    fetch->vanished = taube_imap_sequence_set_new ();
  n = taube_imap_sequence_set_get_n_ranges (set);
  for (guint i = 0; i < n; i++)
    {
      guint32 first_uid, last_uid;

      taube_imap_sequence_set_get_range (set, i, &first_uid, &last_uid);
      taube_imap_sequence_set_add_range (fetch->vanished, first_uid, last_uid);
    }
  return TRUE;
}

static gboolean
fetch_untagged (TaubeImapClient   *self,
                TaubeImapResponse *response,
                gpointer           data)
{
  Fetch *fetch = data;

  if (taube_imap_response_is_keyword (response, "FETCH"))
    return fetch_fetch (self, fetch, response);
  if (taube_imap_response_is_keyword (response, "VANISHED"))
    return fetch_vanished (self, fetch, response);
  return FALSE;
}

/* -- Draining ----------------------------------------------------------------------------- */

static void drain_next (Fetch *fetch);

static void
fetch_write_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fetch *fetch = user_data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      GTask *drain = g_steal_pointer (&fetch->drain);

      g_task_return_error (drain, error);
      g_object_unref (drain);
      return;
    }
  drain_next (fetch);
}

static void
drain_next (Fetch *fetch)
{
  Pending *pending;

  while ((pending = g_queue_pop_head (&fetch->pending)) != NULL)
    {
      if (pending->message != NULL)
        {
          fetch->message_func (pending->message, fetch->message_data);
          pending_free (pending);
          continue;
        }
      /* The write's task keeps @pending's bytes until it is done. */
      g_task_set_task_data (fetch->drain, pending, (GDestroyNotify) pending_free);
      g_output_stream_write_all_async (pending->stream, g_bytes_get_data (pending->bytes, NULL),
                                       g_bytes_get_size (pending->bytes), G_PRIORITY_DEFAULT,
                                       g_task_get_cancellable (fetch->drain), fetch_write_cb,
                                       fetch);
      return;
    }
  {
    GTask *drain = g_steal_pointer (&fetch->drain);

    g_task_return_boolean (drain, TRUE);
    g_object_unref (drain);
  }
}

static void
fetch_drain_async (TaubeImapClient     *self,
                   gpointer             data,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Fetch *fetch = data;
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fetch_drain_async);
  if (g_queue_is_empty (&fetch->pending))
    {
      /* The common case: nothing was streamed. */
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_assert (fetch->drain == NULL);
  fetch->drain = task;
  drain_next (fetch);
}

static gboolean
fetch_drain_finish (TaubeImapClient  *self,
                    GAsyncResult     *result,
                    GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static const TaubeImapExchangeHandler fetch_handler = {
  .untagged = fetch_untagged,
  .literal_begin = fetch_literal_begin,
  .literal_chunk = fetch_literal_chunk,
  .literal_end = fetch_literal_end,
  .drain_async = fetch_drain_async,
  .drain_finish = fetch_drain_finish,
};

/* -- The command ------------------------------------------------------------------------ */

/* RFC 5322 §3.6.8: a field name is printable ASCII without colon; IMAP also needs an
 * atom here (RFC 9051 §9 header-fld-name is an astring; atoms keep it simple). */
static gboolean
is_field_name (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (*p <= ' ' || *p >= 0x7f || strchr (":()[]{}\"\\%*", *p) != NULL)
      return FALSE;
  return TRUE;
}

static gboolean
is_section (const char *section)
{
  for (const char *p = section; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

static void
append_items (GString                     *line,
              const TaubeImapFetchRequest *request)
{
  static const struct { TaubeImapFetchItems item; const char *name; } names[] = {
    { TAUBE_IMAP_FETCH_FLAGS, "FLAGS" },
    { TAUBE_IMAP_FETCH_INTERNALDATE, "INTERNALDATE" },
    { TAUBE_IMAP_FETCH_SIZE, "RFC822.SIZE" },
    { TAUBE_IMAP_FETCH_ENVELOPE, "ENVELOPE" },
    { TAUBE_IMAP_FETCH_BODYSTRUCTURE, "BODYSTRUCTURE" },
    { TAUBE_IMAP_FETCH_MODSEQ, "MODSEQ" },
  };

  g_string_append (line, " (UID");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (request->items & names[i].item)
      g_string_append_printf (line, " %s", names[i].name);
  if (request->header_fields != NULL && request->header_fields[0] != NULL)
    {
      g_autofree char *fields = g_strjoinv (" ", (char **) request->header_fields);

      g_string_append_printf (line, " BODY.PEEK[HEADER.FIELDS (%s)]", fields);
    }
  for (guint i = 0; i < request->n_sections; i++)
    {
      const TaubeImapFetchSection *section = &request->sections[i];

      g_string_append_printf (line, " BODY.PEEK[%s]", section->section);
      if (section->length > 0)
        g_string_append_printf (line, "<%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ">",
                                section->offset, section->length);
    }
  g_string_append_c (line, ')');
  if (request->changed_since > 0)
    g_string_append_printf (line, " (CHANGEDSINCE %" G_GUINT64_FORMAT "%s)",
                            request->changed_since, request->vanished ? " VANISHED" : "");
}

/* The command line, or NULL with @error for a request that cannot be sent. */
static char *
build_command (TaubeImapClient              *self,
               const TaubeImapFetchRequest  *request,
               GError                      **error)
{
  g_autoptr(GString) line = g_string_new ("UID FETCH ");
  gboolean condstore = taube_imap_client_has_capability (self, "CONDSTORE")
                       || taube_imap_client_has_capability (self, "QRESYNC");

  if (request->header_fields != NULL)
    for (guint i = 0; request->header_fields[i] != NULL; i++)
      if (!is_field_name (request->header_fields[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” is not a header field name", request->header_fields[i]);
          return NULL;
        }
  for (guint i = 0; i < request->n_sections; i++)
    if (request->sections[i].section == NULL || !is_section (request->sections[i].section))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "“%s” is not a body section", request->sections[i].section);
        return NULL;
      }
  if (((request->items & TAUBE_IMAP_FETCH_MODSEQ) || request->changed_since > 0) && !condstore)
    {
      g_propagate_error (error, _taube_imap_client_not_supported (self, "CONDSTORE"));
      return NULL;
    }
  if (request->vanished
      && (request->changed_since == 0 || !taube_imap_client_has_capability (self, "QRESYNC")))
    {
      g_propagate_error (error, _taube_imap_client_not_supported (self, "QRESYNC"));
      return NULL;
    }
  g_string_append (line, request->uids);
  append_items (line, request);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static void
taube_imap_client_fetch_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  g_autoptr(TaubeImapResponse) response = NULL;
  Fetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, NULL, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  if (taube_imap_response_get_status (response) != TAUBE_IMAP_STATUS_OK)
    {
      _taube_imap_client_fail (task, _taube_imap_client_status_error (self, response));
      return;
    }
  _taube_imap_client_release_task (task);
  g_task_return_pointer (task, fetch->vanished != NULL ? g_steal_pointer (&fetch->vanished)
                                                       : taube_imap_sequence_set_new (),
                         (GDestroyNotify) taube_imap_sequence_set_free);
}

/**
 * taube_imap_client_fetch_async:
 * @self: a #TaubeImapClient with a mailbox selected
 * @request: what to fetch, copied
 * @message_func: called for each message as it arrives
 * @body_func: (nullable): chooses a stream for each body section; %NULL keeps them in memory
 * @func_data: data for @message_func and @body_func, valid until @callback runs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server completed the fetch
 * @user_data: data for @callback
 *
 * Sends UID FETCH (RFC 9051 §6.4.9) for @request and hands over the messages one by one,
 * in the server's order; nothing is collected, so any number of messages takes the same
 * memory. Header sections (the header fields, HEADER) are kept in memory; other body
 * sections too unless @body_func gives a stream. MODSEQ and CHANGEDSINCE need CONDSTORE, VANISHED needs QRESYNC to have been
 * enabled: otherwise %TAUBE_IMAP_ERROR_NOT_SUPPORTED before anything is sent.
 * Unsolicited data (EXPUNGE, flag changes of other messages) goes to the client's signals.
 */
void
taube_imap_client_fetch_async (TaubeImapClient              *self,
                               const TaubeImapFetchRequest  *request,
                               TaubeImapFetchMessageFunc     message_func,
                               TaubeImapFetchBodyFunc        body_func,
                               gpointer                      func_data,
                               GCancellable                 *cancellable,
                               GAsyncReadyCallback           callback,
                               gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;
  g_autoptr(TaubeImapSequenceSet) uids = NULL;
  Fetch *fetch;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (request != NULL && request->uids != NULL);
  g_return_if_fail (message_func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = _taube_imap_client_begin_pipelined (self, taube_imap_client_fetch_async, cancellable,
                                             callback, user_data);
  if (task == NULL)
    return;
  fetch = g_new0 (Fetch, 1);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  uids = taube_imap_sequence_set_parse (request->uids, &error);
  command = uids != NULL ? build_command (self, request, &error) : NULL;
  if (command == NULL)
    {
      _taube_imap_client_refuse (task, error);
      return;
    }
  set_wanted (fetch, uids);
  fetch->wants_more_than_flags =
    (request->items & ~(TAUBE_IMAP_FETCH_FLAGS | TAUBE_IMAP_FETCH_MODSEQ)) != 0
    || (request->header_fields != NULL && request->header_fields[0] != NULL)
    || request->n_sections > 0;
  fetch->message_func = message_func;
  fetch->body_func = body_func;
  fetch->message_data = func_data;
  fetch->body_data = func_data;
  _taube_imap_client_exchange_with_handler_async (self, command, &fetch_handler, fetch,
                                                  cancellable, taube_imap_client_fetch_cb,
                                                  g_steal_pointer (&task));
}

/**
 * taube_imap_client_fetch_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @vanished: (out) (optional) (transfer full): the UIDs the server reported as expunged
 *   with VANISHED (EARLIER); empty if none
 * @error: return location for a #GError
 *
 * Returns: whether the server completed the fetch with OK
 */
gboolean
taube_imap_client_fetch_finish (TaubeImapClient  *self,
                                GAsyncResult     *result,
                                TaubeImapSequenceSet **vanished,
                                GError          **error)
{
  g_autoptr(TaubeImapSequenceSet) uids = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == taube_imap_client_fetch_async,
                        FALSE);

  uids = g_task_propagate_pointer (G_TASK (result), error);
  if (vanished != NULL)
    *vanished = g_steal_pointer (&uids);
  return !g_task_had_error (G_TASK (result));
}
