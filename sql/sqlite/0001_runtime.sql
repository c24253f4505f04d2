-- Grain runtime tables (same columns and rules as postgresql/0001_runtime.sql).
--
-- grain_state: one row per (grain type, grain key, state name): the state as JSON and a version that is the
-- ETag. Every write is a compare-and-swap in one statement: INSERT ... ON CONFLICT DO NOTHING for the first
-- write, UPDATE ... WHERE version = <expected> afterwards; zero rows changed means another activation wrote
-- first (InconsistentStateException). ClearStateAsync keeps the row as a tombstone (payload NULL) and still
-- bumps the version, so a holder of an old ETag can never match a re-created row.
--
-- reminders: the durable reminder schedule. Times are Unix milliseconds of the silo clock. A silo claims a due
-- tick by moving next_due_ms forward with UPDATE ... WHERE version = <seen>; of several silos polling the same
-- database exactly one succeeds, so each tick fires once. Ticks missed while no silo ran collapse into one.
CREATE TABLE grain_state (
    grain_type    TEXT    NOT NULL,
    grain_key     TEXT    NOT NULL,
    state_name    TEXT    NOT NULL,
    payload       TEXT,
    version       INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
) WITHOUT ROWID;

CREATE TABLE reminders (
    grain_type    TEXT    NOT NULL,
    grain_key     TEXT    NOT NULL,
    reminder_name TEXT    NOT NULL,
    start_at_ms   INTEGER NOT NULL,
    period_ms     INTEGER NOT NULL CHECK (period_ms >= 1000),
    next_due_ms   INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, reminder_name)
) WITHOUT ROWID;

CREATE INDEX reminders_next_due ON reminders (next_due_ms);
