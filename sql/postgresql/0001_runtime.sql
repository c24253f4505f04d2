-- Grain runtime tables (same columns and rules as sqlite/0001_runtime.sql).
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
    grain_type    text   NOT NULL,
    grain_key     text   NOT NULL,
    state_name    text   NOT NULL,
    payload       jsonb,
    version       bigint NOT NULL,
    updated_at_ms bigint NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

CREATE TABLE reminders (
    grain_type    text   NOT NULL,
    grain_key     text   NOT NULL,
    reminder_name text   NOT NULL,
    start_at_ms   bigint NOT NULL,
    period_ms     bigint NOT NULL CHECK (period_ms >= 1000),
    next_due_ms   bigint NOT NULL,
    version       bigint NOT NULL,
    PRIMARY KEY (grain_type, grain_key, reminder_name)
);

CREATE INDEX reminders_next_due ON reminders (next_due_ms);
