-- Webhooks (DESIGN.md §6): subscribers that receive the event log by HTTP POST, one event per request, signed
-- (same columns and rules as sqlite/0005_webhooks.sql).
--
-- The durable outbox is the event log itself (events, 0002_wallet.sql) plus one cursor per webhook:
-- last_event_id, the id of the last event handled, i.e. answered 2xx by the receiver or skipped because the
-- webhook's filter does not match it. Nothing is copied per delivery, so a webhook costs one row whatever the
-- traffic. A new webhook starts at the log's end (the committed event_counter.last_id when it is created: events
-- become visible in id order, so every event up to that id is committed and every later one is after the cursor).
-- The dispatcher delivers strictly in id order: the first matching event after the cursor must be accepted before
-- the next one is tried, and the cursor moves only after a 2xx (at least once; receivers deduplicate by event id).
--
-- events: a JSON array of type patterns: an exact type ("transaction.confirmed"), a prefix ending in ".*"
-- ("transaction.*" matches every type starting "transaction."), or "*" for every type.
-- secret: kept in plain text because the service signs with it (HMAC-SHA256 key = the secret's UTF-8 bytes). The
-- API shows it once, at creation, and never again; but whoever can read this table can forge signatures, so the
-- database deserves the protection of the key material.
-- state: 'enabled' or 'disabled'; a disabled webhook has disabled_reason and disabled_at_ms, and re-enabling it
-- resumes from its cursor.
-- attempts, failing_since_ms, next_attempt_at_ms, last_error, last_attempt_at_ms: the failed attempts at the first
-- undelivered matching event, reset once it is accepted. When a failure comes RetryFor (default 24 h) or more
-- after the first, the webhook is disabled with a reason that names the event and the last error.
-- lease_owner, lease_until_ms: the dispatcher (one per process) delivering right now, so two silos on one
-- database do not post the same events side by side; an expired lease may be taken over.
-- version: optimistic concurrency. Every update is guarded by the version read, so an administrator's
-- disable and a dispatcher's progress never overwrite each other.
-- Times are Unix milliseconds (UTC), as in the other tables. Ids use the "C" collation so the list order is byte
-- order, as on SQLite.
CREATE TABLE webhooks (
    id                   text COLLATE "C" NOT NULL,
    url                  text             NOT NULL CHECK (url <> ''),
    events               jsonb            NOT NULL,
    secret               text             NOT NULL CHECK (secret <> ''),
    created_at_ms        bigint           NOT NULL,
    created_by           text,
    state                text             NOT NULL CHECK (state IN ('enabled', 'disabled')),
    disabled_reason      text,
    disabled_at_ms       bigint,
    last_event_id        bigint           NOT NULL CHECK (last_event_id >= 0),
    attempts             integer          NOT NULL CHECK (attempts >= 0),
    failing_since_ms     bigint,
    next_attempt_at_ms   bigint,
    last_error           text,
    last_attempt_at_ms   bigint,
    last_delivered_at_ms bigint,
    lease_owner          text,
    lease_until_ms       bigint,
    version              bigint           NOT NULL CHECK (version > 0),
    CONSTRAINT webhooks_pkey PRIMARY KEY (id)
);
