-- Safe recipe: add a required column to a live table without blocking it.
-- Add it nullable, give new rows a default, backfill old rows in small
-- batches (each its own transaction), then prove NOT NULL with a CHECK that
-- is validated separately, so SET NOT NULL does not scan (PostgreSQL 12+).
SET lock_timeout = '5s';
SET statement_timeout = '15s';

ALTER TABLE accounts ADD COLUMN plan text;
ALTER TABLE accounts ALTER COLUMN plan SET DEFAULT 'free';

-- The backfill runs for as long as it needs; each batch commits.
SET statement_timeout = 0;
DO $$
DECLARE
  batch_start bigint := 0;
  last_id bigint;
BEGIN
  SELECT max(id) INTO last_id FROM accounts;
  WHILE batch_start <= coalesce(last_id, 0) LOOP
    UPDATE accounts SET plan = 'free'
    WHERE id >= batch_start AND id < batch_start + 5000 AND plan IS NULL;
    COMMIT;
    batch_start := batch_start + 5000;
  END LOOP;
END $$;

SET statement_timeout = '15s';
ALTER TABLE accounts ADD CONSTRAINT accounts_plan_not_null CHECK (plan IS NOT NULL) NOT VALID;

-- VALIDATE takes only SHARE UPDATE EXCLUSIVE: reads and writes go on.
SET statement_timeout = 0;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_plan_not_null;

SET statement_timeout = '15s';
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT accounts_plan_not_null;
