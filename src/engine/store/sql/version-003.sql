-- version-003.sql: what a POP3 sync knows about each UIDL
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A POP3 server keeps no state for us, so everything that decides "download?" and
-- "delete on the server?" lives here, one row per UIDL (RFC 1939 §7) of a POP3 inbox.
-- A row outlives its message: a message deleted here keeps its row, so the next sync
-- neither downloads it again nor forgets that the person deleted it.
--
-- The row is written before the message is downloaded (first_seen); the triggers below
-- fill in the rest inside the very transaction that stores or removes the message, so
-- "stored" and "downloaded" can never disagree after a crash.

CREATE TABLE pop3_uidls (
  folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  uidl TEXT NOT NULL,
  -- Seconds since 1970 when a UIDL listing first showed it.
  first_seen INTEGER NOT NULL,
  -- Seconds since 1970 when the message (or its header) was stored; 0: not yet.
  downloaded INTEGER NOT NULL DEFAULT 0,
  -- 1 while only the header is stored (the message was over the size limit).
  partial INTEGER NOT NULL DEFAULT 0,
  -- 1 once the person deleted the message here.
  deleted_locally INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (folder_id, uidl)
) WITHOUT ROWID;

CREATE TRIGGER pop3_uidls_stored AFTER INSERT ON messages
  WHEN new.uidl IS NOT NULL
BEGIN
  UPDATE pop3_uidls
     SET downloaded = CAST(strftime('%s', 'now') AS INTEGER), partial = (new.path IS NULL)
   WHERE folder_id = new.folder_id AND uidl = new.uidl;
END;

CREATE TRIGGER pop3_uidls_body_stored AFTER UPDATE OF path ON messages
  WHEN new.uidl IS NOT NULL AND new.path IS NOT NULL
BEGIN
  UPDATE pop3_uidls SET partial = 0 WHERE folder_id = new.folder_id AND uidl = new.uidl;
END;

CREATE TRIGGER pop3_uidls_removed AFTER DELETE ON messages
  WHEN old.uidl IS NOT NULL
BEGIN
  UPDATE pop3_uidls SET deleted_locally = 1 WHERE folder_id = old.folder_id AND uidl = old.uidl;
END;
