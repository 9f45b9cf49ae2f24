-- +goose NO TRANSACTION
-- +goose Up
-- A nullable column, then its index built without blocking writes. The
-- down undoes both, in reverse order.
SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE shipments ADD COLUMN carrier text;
SET statement_timeout = 0;
CREATE INDEX CONCURRENTLY shipments_carrier_idx ON shipments (carrier);

-- +goose Down
SET lock_timeout = '5s';
SET statement_timeout = '5s';
DROP INDEX CONCURRENTLY shipments_carrier_idx;
ALTER TABLE shipments DROP COLUMN carrier;
