-- Wallet tables (same columns and rules as sqlite/0002_wallet.sql), written through IWalletStore.
--
-- Conventions: times are Unix milliseconds (UTC) in *_ms bigint columns, like the runtime's tables; addresses
-- are lower-case 0x-hex text; hashes are lower-case 0x-hex text; wei amounts are decimal text (they exceed 64
-- bits); chain ids, nonces and gas limits are bigint (the store rejects values above 2^63-1); JSON is jsonb.
-- Transaction ids and addresses use the "C" collation: the list order (created_at_ms, id) is then byte order on
-- every server, as on SQLite, and comparisons skip locale rules.
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
-- committed event with an id below N. A sequence cannot promise that: nextval is taken before commit and
-- concurrent transactions commit in any order, so id 8 may become visible before id 7, and a reader that already
-- resumed after 8 would never see 7. Ids therefore come from the one-row table event_counter: the UPDATE that
-- advances it (in the statement that inserts the events) takes the row's lock, held until the transaction ends.
-- A second event-writing transaction waits on that lock and reads the counter only after the first has committed
-- (PostgreSQL makes a commit visible before it releases the transaction's locks), so events become visible in
-- id order. A rolled-back transaction rolls its increment back too, so ids are dense: 1, 2, 3, ... with no holes.
-- The cost: event-writing transactions commit one at a time. The lock is taken by the last statement of an
-- account commit, after every other lock, so it is held only for the COMMIT round trip and never closes a
-- deadlock cycle. data is json, not jsonb: jsonb re-orders keys and drops whitespace, and the payload must come
-- back byte for byte (for transaction.* events the Transaction resource, whose field order is part of the
-- contract); json still checks the syntax.
CREATE TABLE accounts (
    chain_id      bigint           NOT NULL CHECK (chain_id >= 0),
    address       text COLLATE "C" NOT NULL,
    next_nonce    bigint           NOT NULL CHECK (next_nonce >= 0),
    version       bigint           NOT NULL,
    paused_reason text,
    updated_at_ms bigint           NOT NULL,
    CONSTRAINT accounts_pkey PRIMARY KEY (chain_id, address)
);

CREATE TABLE transactions (
    id                   text COLLATE "C" NOT NULL,
    chain_id             bigint           NOT NULL,
    from_address         text COLLATE "C" NOT NULL,
    to_address           text,
    value                text             NOT NULL,
    data                 bytea            NOT NULL,
    nonce                bigint           NOT NULL CHECK (nonce >= 0),
    gas_limit            bigint           NOT NULL CHECK (gas_limit >= 0),
    max_fee_cap          text,
    max_priority_fee_cap text,
    gas_price_cap        text,
    status               text             NOT NULL CHECK (status IN ('queued', 'submitted', 'mined', 'confirmed', 'failed', 'cancelled')),
    hash                 text,
    receipt              jsonb,
    error_code           text,
    error_message        text,
    error_data           text,
    cancel_requested     boolean          NOT NULL,
    created_at_ms        bigint           NOT NULL,
    updated_at_ms        bigint           NOT NULL,
    history              jsonb            NOT NULL,
    api_key_id           text,
    idempotency_key      text,
    request_hash         text,
    CONSTRAINT transactions_pkey PRIMARY KEY (id)
);

CREATE UNIQUE INDEX transactions_live_nonce ON transactions (chain_id, from_address, nonce) WHERE status NOT IN ('failed', 'cancelled');
CREATE INDEX transactions_live ON transactions (chain_id, from_address, nonce) WHERE status NOT IN ('confirmed', 'failed', 'cancelled');
CREATE INDEX transactions_created ON transactions (created_at_ms, id);
CREATE INDEX transactions_chain_created ON transactions (chain_id, created_at_ms, id);
CREATE INDEX transactions_from_created ON transactions (from_address, created_at_ms, id);
CREATE INDEX transactions_status_created ON transactions (status, created_at_ms, id);

CREATE TABLE attempts (
    tx_id                    text COLLATE "C" NOT NULL,
    seq                      integer          NOT NULL CHECK (seq >= 0),
    kind                     text             NOT NULL,
    hash                     text             NOT NULL,
    raw                      bytea            NOT NULL,
    max_fee_per_gas          text,
    max_priority_fee_per_gas text,
    gas_price                text,
    signed_at_ms             bigint           NOT NULL,
    submitted_at_ms          bigint,
    CONSTRAINT attempts_pkey PRIMARY KEY (tx_id, seq),
    CONSTRAINT attempts_hash_key UNIQUE (hash),
    CONSTRAINT attempts_tx_id_fkey FOREIGN KEY (tx_id) REFERENCES transactions (id)
);

CREATE TABLE idempotency_keys (
    api_key_id    text             NOT NULL,
    key           text             NOT NULL,
    request_hash  text             NOT NULL,
    tx_id         text COLLATE "C" NOT NULL,
    created_at_ms bigint           NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (api_key_id, key),
    CONSTRAINT idempotency_keys_tx_id_fkey FOREIGN KEY (tx_id) REFERENCES transactions (id)
);

CREATE TABLE api_keys (
    id            text   NOT NULL,
    key_hash      text   NOT NULL,
    role          text   NOT NULL,
    allowed_from  jsonb  NOT NULL,
    created_at_ms bigint NOT NULL,
    revoked_at_ms bigint,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);

CREATE TABLE events (
    id            bigint  NOT NULL CHECK (id > 0),
    type          text    NOT NULL CHECK (type <> ''),
    created_at_ms bigint  NOT NULL,
    chain_id      bigint  NOT NULL CHECK (chain_id >= 0),
    removed       boolean NOT NULL,
    data          json    NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (id)
);

CREATE TABLE event_counter (
    only_row smallint NOT NULL CHECK (only_row = 1),
    last_id  bigint   NOT NULL CHECK (last_id >= 0),
    CONSTRAINT event_counter_pkey PRIMARY KEY (only_row)
);

INSERT INTO event_counter (only_row, last_id) VALUES (1, 0);
