-- +goose NO TRANSACTION
-- goose runs this file outside a transaction: CONCURRENTLY works here.
-- +goose Up
SET lock_timeout = '5s';
SET statement_timeout = '15min';
CREATE INDEX CONCURRENTLY accounts_created_at ON accounts (id);

-- +goose Down
DROP INDEX CONCURRENTLY accounts_created_at;
