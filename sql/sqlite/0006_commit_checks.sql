-- Nothing to create on SQLite (see postgresql/0006_commit_checks.sql). The SQLite store writes through one
-- in-process writer that reads each statement's row count before it commits, so it needs no check that fails a
-- statement; this version exists so both vendors' migration ledgers list the same versions.
SELECT 1;
