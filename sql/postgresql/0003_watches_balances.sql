-- Watches and the balance snapshot (same columns and rules as sqlite/0003_watches_balances.sql).
--
-- Conventions as in 0002_wallet.sql: times are Unix milliseconds (UTC) in *_ms bigint columns, addresses are
-- lower-case 0x-hex text (COLLATE "C": byte order, as on SQLite), wei amounts are decimal text, chain ids and block
-- numbers are bigint.
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
-- (a primary key column cannot be NULL; the API and events show null). A refresh writes only the rows whose value
-- changed, the pairs read for the first time, and deletes the pairs no longer followed, so block_number is the block
-- the row's value was first seen at; the value still holds at balance_heads.block_number. A pair whose read failed
-- (a contract that is not an ERC-20, say) keeps its last known row, or has none.
CREATE TABLE watches (
    chain_id      bigint           NOT NULL CHECK (chain_id >= 0),
    address       text COLLATE "C" NOT NULL,
    tokens        json             NOT NULL,
    created_at_ms bigint           NOT NULL,
    CONSTRAINT watches_pkey PRIMARY KEY (chain_id, address)
);

CREATE TABLE balance_heads (
    chain_id      bigint NOT NULL CHECK (chain_id >= 0),
    block_number  bigint NOT NULL CHECK (block_number >= 0),
    updated_at_ms bigint NOT NULL,
    CONSTRAINT balance_heads_pkey PRIMARY KEY (chain_id)
);

CREATE TABLE balances (
    chain_id      bigint           NOT NULL CHECK (chain_id >= 0),
    address       text COLLATE "C" NOT NULL,
    token         text COLLATE "C" NOT NULL,
    balance       text             NOT NULL,
    block_number  bigint           NOT NULL CHECK (block_number >= 0),
    updated_at_ms bigint           NOT NULL,
    CONSTRAINT balances_pkey PRIMARY KEY (chain_id, address, token)
);
