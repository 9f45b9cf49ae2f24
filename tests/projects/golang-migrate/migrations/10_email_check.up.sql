SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn CHECK (email IS NOT NULL);
CREATE INDEX accounts_email ON accounts (email);
