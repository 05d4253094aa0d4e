/* taube-message-flags.c — IMAP system flags and well-known keywords as a bitmask
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The flags every message list needs are bits in the message row; any other IMAP keyword
 * (labels, "$label1", a server's own) goes to the index's keywords table. Flag and keyword
 * names are case-insensitive (RFC 9051 §2.3.2), so matching ignores ASCII case.
 */
#define G_LOG_DOMAIN "taube-store"

#include "taube-message-flags.h"

G_DEFINE_FLAGS_TYPE (TaubeMessageFlags, taube_message_flags,
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_NONE, "none"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_SEEN, "seen"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_ANSWERED, "answered"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_FLAGGED, "flagged"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_DELETED, "deleted"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_DRAFT, "draft"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_RECENT, "recent"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_FORWARDED, "forwarded"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_MDN_SENT, "mdn-sent"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_JUNK, "junk"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_NOT_JUNK, "not-junk"),
                     G_DEFINE_ENUM_VALUE (TAUBE_MESSAGE_FLAG_PHISHING, "phishing"))

typedef struct
{
  TaubeMessageFlags flag;
  const char *atom;
} FlagAtom;

static const FlagAtom flag_atoms[] = {
  { TAUBE_MESSAGE_FLAG_SEEN, "\\Seen" },
  { TAUBE_MESSAGE_FLAG_ANSWERED, "\\Answered" },
  { TAUBE_MESSAGE_FLAG_FLAGGED, "\\Flagged" },
  { TAUBE_MESSAGE_FLAG_DELETED, "\\Deleted" },
  { TAUBE_MESSAGE_FLAG_DRAFT, "\\Draft" },
  { TAUBE_MESSAGE_FLAG_RECENT, "\\Recent" },
  { TAUBE_MESSAGE_FLAG_FORWARDED, "$Forwarded" },
  { TAUBE_MESSAGE_FLAG_MDN_SENT, "$MDNSent" },
  { TAUBE_MESSAGE_FLAG_JUNK, "$Junk" },
  { TAUBE_MESSAGE_FLAG_NOT_JUNK, "$NotJunk" },
  { TAUBE_MESSAGE_FLAG_PHISHING, "$Phishing" },
};

static TaubeMessageFlags
flag_for_atom (const char *atom)
{
  for (gsize i = 0; i < G_N_ELEMENTS (flag_atoms); i++)
    if (g_ascii_strcasecmp (atom, flag_atoms[i].atom) == 0)
      return flag_atoms[i].flag;
  return TAUBE_MESSAGE_FLAG_NONE;
}

/**
 * taube_message_flags_from_imap:
 * @atoms: (array zero-terminated=1): the flags of a FETCH FLAGS response
 * @keywords: (out) (optional) (transfer full): the keywords that have no bit, or %NULL
 *
 * Splits an IMAP flag list into the bitmask and the keywords that are left over.
 * The special "\*" of PERMANENTFLAGS and other unknown system flags are dropped: they are
 * not properties of a message.
 *
 * Returns: the flags that have a bit
 */
TaubeMessageFlags
taube_message_flags_from_imap (const char *const *atoms,
                               GStrv             *keywords)
{
  g_autoptr(GStrvBuilder) rest = g_strv_builder_new ();
  TaubeMessageFlags flags = TAUBE_MESSAGE_FLAG_NONE;

  for (gsize i = 0; atoms != NULL && atoms[i] != NULL; i++)
    {
      TaubeMessageFlags flag = flag_for_atom (atoms[i]);

      if (flag != TAUBE_MESSAGE_FLAG_NONE)
        flags |= flag;
      else if (atoms[i][0] != '\\' && atoms[i][0] != '\0')
        g_strv_builder_add (rest, atoms[i]);
    }
  if (keywords != NULL)
    *keywords = g_strv_builder_end (rest);
  return flags;
}

/**
 * taube_message_flags_to_imap:
 * @flags: a bitmask
 * @keywords: (nullable) (array zero-terminated=1): further keywords to add
 *
 * Writes @flags as IMAP atoms for a STORE or APPEND flag list. \Recent is left out: only the
 * server may set it (RFC 3501 §2.3.2).
 *
 * Returns: (transfer full): the atoms, system flags first
 */
GStrv
taube_message_flags_to_imap (TaubeMessageFlags  flags,
                             const char *const *keywords)
{
  g_autoptr(GStrvBuilder) atoms = g_strv_builder_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (flag_atoms); i++)
    if ((flags & flag_atoms[i].flag) && flag_atoms[i].flag != TAUBE_MESSAGE_FLAG_RECENT)
      g_strv_builder_add (atoms, flag_atoms[i].atom);
  if (keywords != NULL)
    g_strv_builder_addv (atoms, (const char **) keywords);
  return g_strv_builder_end (atoms);
}
