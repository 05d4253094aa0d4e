/* taube-imap-client-signals.c — unsolicited IMAP data as GObject signals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §7 lets the server send mailbox changes (EXISTS, EXPUNGE, flag changes) with
 * the answer to any command, and RFC 7162 §3.2.10 adds VANISHED. Whatever command is
 * running, the client turns them into typed signals here, so that observers (the sync
 * service, a mailbox view) need not parse responses. A command that asked for the data
 * itself (a FETCH of FLAGS, a VANISHED (EARLIER) answer to a QRESYNC fetch) claims it and
 * it is not signalled again; ALERT and BYE are always signalled.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-client-private.h"
#include "taube-imap-sequence-set.h"

enum {
  SIGNAL_EXISTS,
  SIGNAL_EXPUNGE,
  SIGNAL_VANISHED,
  SIGNAL_FLAGS_CHANGED,
  SIGNAL_ALERT,
  SIGNAL_BYE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_taube_imap_client_install_signals (GObjectClass *klass)
{
  GType type = G_TYPE_FROM_CLASS (klass);

  signals[SIGNAL_EXISTS] =
    g_signal_new ("exists", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[SIGNAL_EXPUNGE] =
    g_signal_new ("expunge", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_VANISHED] =
    g_signal_new ("vanished", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SIGNAL_FLAGS_CHANGED] =
    g_signal_new ("flags-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRV, G_TYPE_UINT64);
  signals[SIGNAL_ALERT] =
    g_signal_new ("alert", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_BYE] =
    g_signal_new ("bye", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* The atoms of a FLAGS list as a strv, or NULL if @list is not a list of atoms. */
static GStrv
flags_from_list (const TaubeImapValue *list)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (!taube_imap_value_is_list (list))
    return NULL;
  for (guint i = 0; i < taube_imap_value_get_length (list); i++)
    {
      const char *flag = taube_imap_value_get_atom (taube_imap_value_get_item (list, i));

      if (flag == NULL)
        return NULL;
      g_strv_builder_add (builder, flag);
    }
  return g_strv_builder_end (builder);
}

static guint64
fetch_number (TaubeImapResponse *response,
              const char        *name)
{
  const TaubeImapValue *value = taube_imap_response_get_fetch_item (response, name);
  guint64 number = 0;

  /* RFC 7162 §3.1.4.1: MODSEQ is a list of one number. */
  if (taube_imap_value_is_list (value) && taube_imap_value_get_length (value) == 1)
    value = taube_imap_value_get_item (value, 0);
  if (value != NULL)
    taube_imap_value_get_number (value, &number);
  return number;
}

/* RFC 9051 §7.5.2: a FETCH carrying FLAGS that nobody asked for is a flag change. */
static void
signal_fetch (TaubeImapClient   *self,
              TaubeImapResponse *response)
{
  g_auto(GStrv) flags = NULL;
  guint64 seq = 0;

  flags = flags_from_list (taube_imap_response_get_fetch_item (response, "FLAGS"));
  if (flags == NULL || !taube_imap_response_get_number (response, &seq) || seq > G_MAXUINT32)
    return;
  g_signal_emit (self, signals[SIGNAL_FLAGS_CHANGED], 0, (guint) seq,
                 (guint) MIN (fetch_number (response, "UID"), G_MAXUINT32), flags,
                 fetch_number (response, "MODSEQ"));
}

/* RFC 7162 §3.2.10: "VANISHED [(EARLIER)] uid-set". */
static void
signal_vanished (TaubeImapClient   *self,
                 TaubeImapResponse *response)
{
  const TaubeImapValue *data = taube_imap_response_get_data (response);
  const TaubeImapValue *first = taube_imap_value_get_item (data, 0);
  gboolean earlier = FALSE;
  const TaubeImapValue *uids = first;
  g_autoptr(TaubeImapSequenceSet) set = NULL;
  g_autofree char *text = NULL;

  if (taube_imap_value_is_list (first))
    {
      const TaubeImapValue *tag = taube_imap_value_get_item (first, 0);

      earlier = tag != NULL && taube_imap_value_is_atom (tag, "EARLIER");
      uids = taube_imap_value_get_item (data, 1);
    }
  set = uids != NULL ? taube_imap_sequence_set_new_from_value (uids, NULL) : NULL;
  if (set == NULL)
    {
      g_debug ("Ignoring a VANISHED response without a valid UID set");
      return;
    }
  text = taube_imap_sequence_set_to_string (set);
  g_signal_emit (self, signals[SIGNAL_VANISHED], 0, text, earlier);
}

static void
signal_data (TaubeImapClient   *self,
             TaubeImapResponse *response)
{
  guint64 number = 0;

  if (taube_imap_response_is_keyword (response, "EXISTS")
      && taube_imap_response_get_number (response, &number))
    g_signal_emit (self, signals[SIGNAL_EXISTS], 0, number);
  else if (taube_imap_response_is_keyword (response, "EXPUNGE")
           && taube_imap_response_get_number (response, &number) && number > 0
           && number <= G_MAXUINT32)
    g_signal_emit (self, signals[SIGNAL_EXPUNGE], 0, (guint) number);
  else if (taube_imap_response_is_keyword (response, "FETCH"))
    signal_fetch (self, response);
  else if (taube_imap_response_is_keyword (response, "VANISHED"))
    signal_vanished (self, response);
}

/*
 * Emits the typed signals for @response: "alert" for a status response with the ALERT
 * code (RFC 9051 §7.1) and "bye" for BYE always; the mailbox data signals only when the
 * running command did not @claimed it as its own answer.
 */
void
_taube_imap_client_signal_response (TaubeImapClient   *self,
                                    TaubeImapResponse *response,
                                    gboolean           claimed)
{
  TaubeImapStatus status = taube_imap_response_get_status (response);

  if (status != TAUBE_IMAP_STATUS_NONE
      && g_strcmp0 (taube_imap_response_get_code_name (response), "ALERT") == 0)
    g_signal_emit (self, signals[SIGNAL_ALERT], 0, taube_imap_response_get_text (response));
  if (status == TAUBE_IMAP_STATUS_BYE)
    g_signal_emit (self, signals[SIGNAL_BYE], 0, taube_imap_response_get_text (response));
  else if (!claimed && status == TAUBE_IMAP_STATUS_NONE
           && taube_imap_response_get_kind (response) == TAUBE_IMAP_RESPONSE_UNTAGGED)
    signal_data (self, response);
}
