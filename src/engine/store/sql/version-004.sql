-- version-004.sql: the outbox
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Messages waiting to be sent. The message itself is a BLOB here rather than a Maildir file:
-- queuing is then one durable transaction, and a row is never without its message. The row
-- is deleted only once the message has been sent and its copy saved to Sent.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  -- The message as written (Bcc included; it is stripped from what is sent).
  raw BLOB NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  queued_at INTEGER NOT NULL,
  -- Milliseconds since 1970: the end of the undo window, or of the wait before a retry.
  send_after INTEGER NOT NULL,
  -- TaubeOutboxState: 0 queued, 1 sending, 2 failed (permanently, until retried), 3 sent
  -- (the server took it; the copy in Sent is not saved yet).
  state INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- The last error, for the person: what the server said.
  error TEXT,
  -- The process sending it (its pid) and since when, so that the app and taube-cli never
  -- send the same message twice, and a crashed sender's claim can be taken over.
  claim_pid INTEGER,
  claimed_at INTEGER
);

CREATE INDEX outbox_by_account ON outbox (account_id);
