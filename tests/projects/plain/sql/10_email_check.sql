SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn CHECK (email IS NOT NULL) NOT VALID;
