-- Version 9 runs before version 10, though "10_" sorts first as text: the CHECK
-- of version 10 does not exist yet, so SET NOT NULL scans the table.
-- +goose Up
SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;

-- +goose Down
SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts ALTER COLUMN plan DROP NOT NULL;
