-- psql -f runs each statement on its own: CONCURRENTLY works outside BEGIN,
SET lock_timeout = '5s';
SET statement_timeout = '15min';
CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);
-- and fails inside it.
BEGIN;
CREATE INDEX CONCURRENTLY accounts_email_id ON accounts (email, id);
COMMIT;
