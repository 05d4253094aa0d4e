-- version-003.sql: reserved for another branch's migration
--
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Migrations are applied in unbroken order, so version-004 (the outbox) needs a 003 to exist.
-- The branch that owns 003 replaces this file when the two are merged.
SELECT 1;
