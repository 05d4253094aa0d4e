-- version-002.sql: full-text search
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- An external-content FTS5 index: the searchable text is stored once, in message_text and
-- messages.subject, and message_search only holds the index. Triggers keep it in step;
-- the store's code never writes message_search itself. The subject of a message never
-- changes, so only message_text updates and message deletes need triggers.

CREATE TABLE message_text (
  id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  -- Names and addresses of From, To and Cc.
  addresses TEXT NOT NULL,
  -- Plain text of the body (HTML stripped), shortened; empty until the body is downloaded.
  body TEXT NOT NULL
);

CREATE VIEW message_search_content (id, subject, addresses, body) AS
  SELECT t.id, m.subject, t.addresses, t.body
    FROM message_text AS t JOIN messages AS m ON m.id = t.id;

-- remove_diacritics 2: "Muller" finds "Müller", as people type without umlauts.
-- columnsize=0: results are ordered by date, never by rank, so per-row sizes are not kept.
CREATE VIRTUAL TABLE message_search USING fts5 (
  subject, addresses, body,
  content = 'message_search_content',
  content_rowid = 'id',
  columnsize = 0,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER message_text_insert AFTER INSERT ON message_text
BEGIN
  INSERT INTO message_search (rowid, subject, addresses, body)
    VALUES (new.id, (SELECT subject FROM messages WHERE id = new.id), new.addresses, new.body);
END;

CREATE TRIGGER message_text_update AFTER UPDATE ON message_text
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, addresses, body)
    VALUES ('delete', old.id, (SELECT subject FROM messages WHERE id = old.id),
            old.addresses, old.body);
  INSERT INTO message_search (rowid, subject, addresses, body)
    VALUES (new.id, (SELECT subject FROM messages WHERE id = new.id), new.addresses, new.body);
END;

-- Before the row goes: the FTS5 'delete' command needs the exact text that was indexed.
CREATE TRIGGER messages_search_delete BEFORE DELETE ON messages
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, addresses, body)
    SELECT 'delete', t.id, old.subject, t.addresses, t.body
      FROM message_text AS t WHERE t.id = old.id;
END;
