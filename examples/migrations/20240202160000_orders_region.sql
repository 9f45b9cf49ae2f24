-- Add orders.region, fill it in and make it required, all in one transaction.
--
-- The ADD COLUMN takes ACCESS EXCLUSIVE on orders and every lock is held until
-- COMMIT: while the UPDATE rewrites every row and SET NOT NULL scans the
-- table, nobody can even read orders.

SET lock_timeout = '5s';

BEGIN;

ALTER TABLE orders ADD COLUMN region text;

UPDATE orders SET region = 'eu-west';

ALTER TABLE orders ALTER COLUMN region SET NOT NULL;

COMMIT;
