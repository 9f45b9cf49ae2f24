-- accounts gets a required "status" and a required "verified" flag, the safe
-- way. Apply in autocommit (psql without --single-transaction): the backfill
-- commits after every batch.
--
-- 1. A constant default is metadata only on PostgreSQL 11+: no rewrite.
-- 2. "verified" is added nullable and backfilled in batches of 5000 rows by
--    primary key range, each batch in its own transaction.
-- 3. NOT NULL via a CHECK constraint: adding it NOT VALID is instant,
--    VALIDATE scans without blocking reads or writes, and SET NOT NULL then
--    uses the validated check instead of scanning (PostgreSQL 12+).

SET lock_timeout = '5s';
SET statement_timeout = '15s';

ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active';

ALTER TABLE accounts ADD COLUMN verified boolean;

ALTER TABLE accounts ALTER COLUMN verified SET DEFAULT false;

DO $$
DECLARE
    max_id integer;
BEGIN
    SELECT coalesce(max(id), 0) INTO max_id FROM accounts;
    FOR i IN 0 .. max_id BY 5000 LOOP
        UPDATE accounts
           SET verified = (email_confirmed_at IS NOT NULL)
         WHERE id >= i AND id < i + 5000
           AND verified IS NULL;
        COMMIT;
    END LOOP;
END
$$;

ALTER TABLE accounts
    ADD CONSTRAINT accounts_verified_not_null CHECK (verified IS NOT NULL) NOT VALID;

ALTER TABLE accounts VALIDATE CONSTRAINT accounts_verified_not_null;

ALTER TABLE accounts ALTER COLUMN verified SET NOT NULL;

ALTER TABLE accounts DROP CONSTRAINT accounts_verified_not_null;
