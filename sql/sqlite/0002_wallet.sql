-- Wallet tables (same columns and rules as postgresql/0002_wallet.sql), written through IWalletStore.
--
-- Conventions: times are Unix milliseconds (UTC) in *_ms INTEGER columns, like the runtime's tables; addresses
-- are lower-case 0x-hex text; hashes are lower-case 0x-hex text; wei amounts are decimal text (they exceed 64
-- bits); chain ids, nonces and gas limits are INTEGER (the store rejects values above 2^63-1); JSON is TEXT.
--
-- accounts: one row per custodied (chain, address): the next nonce and a version for optimistic concurrency.
-- Every commit of an AccountGrain is one transaction that first swaps the version (INSERT ... ON CONFLICT DO
-- NOTHING for version 0, UPDATE ... WHERE version = <expected> afterwards); zero rows changed means another
-- activation wrote first and nothing of the commit is kept.
--
-- transactions: one row per custodied transaction with its status history as JSON. Invariant 1 (one
-- transaction per nonce) is enforced by a partial unique index over the rows that hold their nonce: all but
-- failed and cancelled ones. A failed transaction hands its nonce on; a transaction cancelled while still queued
-- hands it to a zero-value filler at the same nonce; a cancel whose replacement was mined owns its nonce on
-- chain, and the account's counter, which only moves forward, never hands that nonce out again. So a failed or
-- cancelled row and a live row may share a nonce. A second, smaller partial index holds only non-terminal rows,
-- so loading an account's pending set does not scan its history.
--
-- attempts: every signed attempt (raw bytes, fees), durable before broadcast (invariant 2); hashes are unique
-- so any hash seen on chain maps back to its transaction.
--
-- idempotency_keys: per API key, the request hash and the transaction an Idempotency-Key created (invariant 7).
-- api_keys: SHA-256 hashes of API keys, never the keys.
--
-- events: the event log (DESIGN.md §6), read by GET /v1/events and the SSE stream, which resume after the last
-- id a client saw (Last-Event-ID). So ids increase, and a reader that has seen id N must never later find a newly
-- committed event with an id below N. Ids come from the one-row table event_counter, advanced by the transaction
-- that inserts the events (an account commit, after its other rows; or an append on its own). SQLite has one
-- writer, so transactions, and with them id assignment and visibility, are serial; a write rolled back (to its
-- savepoint) rolls its counter increment back too, so ids are dense: 1, 2, 3, ... with no holes. data is the
-- event's JSON payload as text, kept byte for byte (for transaction.* events the Transaction resource, whose
-- field order is part of the contract).
CREATE TABLE accounts (
    chain_id      INTEGER NOT NULL CHECK (chain_id >= 0),
    address       TEXT    NOT NULL,
    next_nonce    INTEGER NOT NULL CHECK (next_nonce >= 0),
    version       INTEGER NOT NULL,
    paused_reason TEXT,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (chain_id, address)
) WITHOUT ROWID;

CREATE TABLE transactions (
    id                   TEXT    NOT NULL PRIMARY KEY,
    chain_id             INTEGER NOT NULL,
    from_address         TEXT    NOT NULL,
    to_address           TEXT,
    value                TEXT    NOT NULL,
    data                 BLOB    NOT NULL,
    nonce                INTEGER NOT NULL CHECK (nonce >= 0),
    gas_limit            INTEGER NOT NULL CHECK (gas_limit >= 0),
    max_fee_cap          TEXT,
    max_priority_fee_cap TEXT,
    gas_price_cap        TEXT,
    status               TEXT    NOT NULL CHECK (status IN ('queued', 'submitted', 'mined', 'confirmed', 'failed', 'cancelled')),
    hash                 TEXT,
    receipt              TEXT,
    error_code           TEXT,
    error_message        TEXT,
    error_data           TEXT,
    cancel_requested     INTEGER NOT NULL CHECK (cancel_requested IN (0, 1)),
    created_at_ms        INTEGER NOT NULL,
    updated_at_ms        INTEGER NOT NULL,
    history              TEXT    NOT NULL,
    api_key_id           TEXT,
    idempotency_key      TEXT,
    request_hash         TEXT
);

CREATE UNIQUE INDEX transactions_live_nonce ON transactions (chain_id, from_address, nonce) WHERE status NOT IN ('failed', 'cancelled');
CREATE INDEX transactions_live ON transactions (chain_id, from_address, nonce) WHERE status NOT IN ('confirmed', 'failed', 'cancelled');
CREATE INDEX transactions_created ON transactions (created_at_ms, id);
CREATE INDEX transactions_chain_created ON transactions (chain_id, created_at_ms, id);
CREATE INDEX transactions_from_created ON transactions (from_address, created_at_ms, id);
CREATE INDEX transactions_status_created ON transactions (status, created_at_ms, id);

CREATE TABLE attempts (
    tx_id                    TEXT    NOT NULL REFERENCES transactions (id),
    seq                      INTEGER NOT NULL CHECK (seq >= 0),
    kind                     TEXT    NOT NULL,
    hash                     TEXT    NOT NULL UNIQUE,
    raw                      BLOB    NOT NULL,
    max_fee_per_gas          TEXT,
    max_priority_fee_per_gas TEXT,
    gas_price                TEXT,
    signed_at_ms             INTEGER NOT NULL,
    submitted_at_ms          INTEGER,
    PRIMARY KEY (tx_id, seq)
);

CREATE TABLE idempotency_keys (
    api_key_id    TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    tx_id         TEXT    NOT NULL REFERENCES transactions (id),
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, key)
) WITHOUT ROWID;

CREATE TABLE api_keys (
    id            TEXT    NOT NULL PRIMARY KEY,
    key_hash      TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL,
    allowed_from  TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
);

CREATE TABLE events (
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id > 0),
    type          TEXT    NOT NULL CHECK (type <> ''),
    created_at_ms INTEGER NOT NULL,
    chain_id      INTEGER NOT NULL CHECK (chain_id >= 0),
    removed       INTEGER NOT NULL CHECK (removed IN (0, 1)),
    data          TEXT    NOT NULL CHECK (json_valid(data))
);

CREATE TABLE event_counter (
    only_row INTEGER NOT NULL PRIMARY KEY CHECK (only_row = 1),
    last_id  INTEGER NOT NULL CHECK (last_id >= 0)
);

INSERT INTO event_counter (only_row, last_id) VALUES (1, 0);
