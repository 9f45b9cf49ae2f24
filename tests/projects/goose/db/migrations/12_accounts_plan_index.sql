-- goose wraps this file in a transaction, where CONCURRENTLY fails.
-- +goose Up
SET lock_timeout = '5s';
SET statement_timeout = '15min';
CREATE INDEX CONCURRENTLY accounts_plan ON accounts (plan);

-- +goose Down
DROP INDEX accounts_plan;
