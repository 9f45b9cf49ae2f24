-- Safe recipe: a UNIQUE constraint on a live table. Build the index
-- concurrently first (outside a transaction), then attach it: the ADD is
-- then a brief catalog change.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS invoices_number_idx ON invoices (number);

SET lock_timeout = '5s';
SET statement_timeout = '15s';
ALTER TABLE invoices ADD CONSTRAINT invoices_number_key UNIQUE USING INDEX invoices_number_idx;
