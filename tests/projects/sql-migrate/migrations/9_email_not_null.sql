-- +migrate Up
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;

-- +migrate Down
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;
