-- migrate:up
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn CHECK (email IS NOT NULL);
CREATE INDEX accounts_email ON accounts (email);

-- migrate:down
SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP INDEX accounts_email;
ALTER TABLE accounts DROP CONSTRAINT accounts_email_nn;
