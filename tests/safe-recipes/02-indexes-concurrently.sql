-- Safe recipe: build and drop indexes without blocking writes. The file
-- runs outside a transaction (goose: -- +goose NO TRANSACTION).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key_idx ON users (lower(email));
DROP INDEX CONCURRENTLY IF EXISTS orders_legacy_status_idx;
