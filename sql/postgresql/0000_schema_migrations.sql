-- Bootstrap: the ledger of applied schema scripts. The migration runner executes this file on every start,
-- inside its advisory-locked transaction and before reading the ledger, so it must stay idempotent. Every later
-- script (any assembly, same folder numbering) runs once, in version order, in its own transaction, and is
-- recorded here with a SHA-256 of its text so an edited script is reported instead of silently skipped.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer     NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
