-- +goose Up
SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts ADD CONSTRAINT accounts_plan_not_null CHECK (plan IS NOT NULL) NOT VALID;

-- +goose Down
ALTER TABLE accounts DROP CONSTRAINT accounts_plan_not_null;
