SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts ADD COLUMN name text;
ALTER TABLE accounts ADD CONSTRAINT accounts_name_nn CHECK (name IS NOT NULL) NOT VALID;
