-- +goose Up
SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts ADD COLUMN plan text;

-- +goose Down
SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts DROP COLUMN plan;
