-- version-005.sql: the offline queue of IMAP accounts
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- What a person did while the server could not be reached (mark read, flag, move, delete,
-- archive, save a draft). The change is applied to the index at once and recorded here;
-- src/engine/sync/taube-offline-queue.c replays the rows in id order when the account is
-- online and deletes each row once the server has it. Messages are named the way the server
-- knows them (mailbox, UIDVALIDITY, UIDs), since local ids of moved messages change.

CREATE TABLE offline_ops (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- TaubeOfflineOpKind (taube-offline-queue.h); stored, never renumber.
  kind INTEGER NOT NULL,
  -- The source mailbox as the server spells it, and its UIDVALIDITY when the op was made.
  mailbox TEXT NOT NULL,
  uidvalidity INTEGER NOT NULL DEFAULT 0,
  -- UIDs in the source mailbox, comma-separated.
  uids TEXT NOT NULL DEFAULT '',
  -- The target mailbox of a move, archive or delete-to-Trash.
  target TEXT,
  flags_add INTEGER NOT NULL DEFAULT 0,
  flags_remove INTEGER NOT NULL DEFAULT 0,
  -- A draft: the whole message, kept here until the server has it, so it is never lost.
  message BLOB,
  -- Local rows standing in for the result of a move until the server's copy is synced,
  -- comma-separated ids. (A draft's stand-in is found by its uidl, "taube-draft:<id>".)
  local_ids TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);

CREATE INDEX offline_ops_by_account ON offline_ops (account_id, id);
