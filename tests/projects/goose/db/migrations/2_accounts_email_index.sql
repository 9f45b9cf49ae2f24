-- The table is live by now: a plain CREATE INDEX blocks writes to it.
-- +goose Up
SET lock_timeout = '5s';
SET statement_timeout = '15min';
CREATE INDEX accounts_email ON accounts (email);

-- +goose Down
DROP INDEX accounts_email;
