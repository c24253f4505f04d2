-- Watches and the balance snapshot (same columns and rules as postgresql/0003_watches_balances.sql).
--
-- Conventions as in 0002_wallet.sql: times are Unix milliseconds (UTC) in *_ms INTEGER columns, addresses are
-- lower-case 0x-hex text, wei amounts are decimal text, chain ids and block numbers are INTEGER.
--
-- watches: the addresses a client asked to follow on a chain (POST /v1/watches, written through IWatchStore), one
-- row per (chain, address), with the ERC-20 contracts whose balances to read for it: tokens is a JSON array of
-- lower-case 0x-hex addresses, without duplicates, in the order given (empty: native only). Posting the same address
-- again replaces the token list and keeps created_at_ms. Custodied accounts are followed without a row here.
--
-- balance_heads: per chain, the block the latest balance snapshot was read at. BalanceGrain "{chainId}" (the only
-- writer of a chain's rows) moves it on every refresh, in the same transaction as that refresh's balance rows.
--
-- balances: the latest snapshot, one row per followed (chain, address, token); token is '' for the native coin
-- (a primary key column cannot be NULL on PostgreSQL; the API and events show null). A refresh writes only the rows
-- whose value changed, the pairs read for the first time, and deletes the pairs no longer followed, so block_number
-- is the block the row's value was first seen at; the value still holds at balance_heads.block_number. A pair whose
-- read failed (a contract that is not an ERC-20, say) keeps its last known row, or has none.
CREATE TABLE watches (
    chain_id      INTEGER NOT NULL CHECK (chain_id >= 0),
    address       TEXT    NOT NULL,
    tokens        TEXT    NOT NULL CHECK (json_valid(tokens)),
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (chain_id, address)
) WITHOUT ROWID;

CREATE TABLE balance_heads (
    chain_id      INTEGER NOT NULL PRIMARY KEY CHECK (chain_id >= 0),
    block_number  INTEGER NOT NULL CHECK (block_number >= 0),
    updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE balances (
    chain_id      INTEGER NOT NULL CHECK (chain_id >= 0),
    address       TEXT    NOT NULL,
    token         TEXT    NOT NULL,
    balance       TEXT    NOT NULL,
    block_number  INTEGER NOT NULL CHECK (block_number >= 0),
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (chain_id, address, token)
) WITHOUT ROWID;
