-- A check that fails a statement, for writes sent in one round trip (see sqlite/0006_commit_checks.sql).
--
-- An account commit is one transaction whose writes must each land: the account's version swap must hit its row
-- (zero rows means another activation wrote first), every transaction update must find its row, every
-- idempotency key must be new. A statement that touches fewer rows than expected is not an error in SQL, so the
-- store used to read the row counts after a first round trip and then send COMMIT in a second. With this function
-- a statement can fail on a wrong count instead:
--     WITH s AS (UPDATE ... RETURNING 1) SELECT wallet_expect_rows('account version', count(*), 1) FROM s
-- and a batch sent without BEGIN runs as one implicit transaction that PostgreSQL commits at its end, or rolls
-- back whole at the first failed statement. The store then writes the group's commits one by one, each with its
-- own answer (stale version, unknown transaction, taken key).
CREATE FUNCTION wallet_expect_rows(what text, actual bigint, expected bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF actual IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'wallet commit check: % touched % row(s), expected %', what, actual, expected
            USING ERRCODE = 'WG001';
    END IF;
END
$$;
