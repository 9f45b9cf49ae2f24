-- Safe recipe: a new enum value in its own transaction, used only after it
-- commits; a column "rename" done by expansion (new column, dual writes in
-- the application, backfill in batches) instead of RENAME COLUMN.
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';

SET lock_timeout = '5s';
SET statement_timeout = '15s';
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;

SET statement_timeout = 0;
DO $$
DECLARE
  lower_bound bigint := 0;
BEGIN
  LOOP
    UPDATE orders SET shipped_at = shipping_date
    WHERE id >= lower_bound AND id < lower_bound + 10000 AND shipped_at IS NULL;
    EXIT WHEN lower_bound > (SELECT max(id) FROM orders);
    lower_bound := lower_bound + 10000;
    COMMIT;
  END LOOP;
END $$;
UPDATE orders SET status = 'refunded' WHERE id = 42;
