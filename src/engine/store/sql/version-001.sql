-- version-001.sql: accounts, folders and the message index
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Applied by taube-store-schema.c inside one transaction that also sets PRAGMA user_version.
-- A message row is kept small because a folder of 100,000 messages is listed from it: names
-- and addresses of senders live once in `addresses`, the text for search lives in
-- version-002's tables, and the message itself is a file in the store's Maildir.

CREATE TABLE accounts (
  id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- The name as the server spells it (modified UTF-7 on IMAP servers without UTF8=ACCEPT).
  name TEXT NOT NULL,
  display_name TEXT NOT NULL,
  -- TaubeFolderRole: RFC 6154 special use.
  role INTEGER NOT NULL DEFAULT 0,
  -- The folder's Maildir, relative to the store directory.
  maildir TEXT NOT NULL,
  -- RFC 9051 §2.3.1.1 and RFC 7162 §3.1.2.1; 0 until the first SELECT.
  uidvalidity INTEGER NOT NULL DEFAULT 0,
  uidnext INTEGER NOT NULL DEFAULT 0,
  highestmodseq INTEGER NOT NULL DEFAULT 0,
  -- Kept by the triggers below so the sidebar never counts 100,000 rows.
  total INTEGER NOT NULL DEFAULT 0,
  unread INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, name)
);

CREATE TABLE addresses (
  id INTEGER PRIMARY KEY,
  address TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE (address, name)
);

-- A conversation. Rows only hand out ids; merging two conversations deletes one.
CREATE TABLE threads (
  id INTEGER PRIMARY KEY
);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  uid INTEGER,
  modseq INTEGER NOT NULL DEFAULT 0,
  -- TaubeMessageFlags; bit 0 is \Seen, which the unread counters below rely on.
  flags INTEGER NOT NULL DEFAULT 0,
  -- Seconds since 1970: INTERNALDATE, and the Date header (INTERNALDATE if it has none).
  internal_date INTEGER NOT NULL,
  date INTEGER NOT NULL,
  size INTEGER NOT NULL,
  has_attachment INTEGER NOT NULL DEFAULT 0,
  thread_id INTEGER NOT NULL REFERENCES threads (id),
  from_id INTEGER REFERENCES addresses (id),
  -- Names (or addresses) of To and Cc for the list, shortened.
  recipients TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  preview TEXT NOT NULL DEFAULT '',
  -- Message-IDs without angle brackets; refs is References, oldest first, space-separated.
  message_id TEXT,
  in_reply_to TEXT,
  refs TEXT,
  -- The message file relative to the store directory; NULL while only the header is known.
  path TEXT,
  -- RFC 1939 §7 UIDL for messages fetched with POP3.
  uidl TEXT
);

-- The message list: a folder by date, newest first. The index holds the rowid, so the page
-- of ids is read from the index alone and only the rows shown are fetched.
CREATE INDEX messages_by_date ON messages (folder_id, date DESC);
CREATE UNIQUE INDEX messages_by_uid ON messages (folder_id, uid) WHERE uid IS NOT NULL;
CREATE INDEX messages_by_uidl ON messages (folder_id, uidl) WHERE uidl IS NOT NULL;
CREATE INDEX messages_by_message_id ON messages (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX messages_by_thread ON messages (thread_id);

-- IMAP keywords that TaubeMessageFlags has no bit for (RFC 9051 §2.3.2).
CREATE TABLE keywords (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE message_keywords (
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  keyword_id INTEGER NOT NULL REFERENCES keywords (id),
  PRIMARY KEY (message_id, keyword_id)
) WITHOUT ROWID;

-- Every Message-ID seen, as a message or only in a reference, and its conversation: a
-- reply that arrives before its parent still finds the parent's thread later.
CREATE TABLE thread_members (
  message_id TEXT PRIMARY KEY NOT NULL,
  thread_id INTEGER NOT NULL REFERENCES threads (id)
) WITHOUT ROWID;

CREATE INDEX thread_members_by_thread ON thread_members (thread_id);

CREATE TRIGGER messages_count_insert AFTER INSERT ON messages
BEGIN
  UPDATE folders SET total = total + 1, unread = unread + (new.flags & 1 = 0)
    WHERE id = new.folder_id;
END;

CREATE TRIGGER messages_count_delete AFTER DELETE ON messages
BEGIN
  UPDATE folders SET total = total - 1, unread = unread - (old.flags & 1 = 0)
    WHERE id = old.folder_id;
END;

CREATE TRIGGER messages_count_flags AFTER UPDATE OF flags ON messages
  WHEN (old.flags & 1) != (new.flags & 1)
BEGIN
  UPDATE folders SET unread = unread + (CASE WHEN new.flags & 1 THEN -1 ELSE 1 END)
    WHERE id = new.folder_id;
END;
