SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP INDEX accounts_email;
ALTER TABLE accounts DROP CONSTRAINT accounts_email_nn;
