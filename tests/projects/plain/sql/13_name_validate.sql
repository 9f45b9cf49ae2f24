SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_name_nn;
