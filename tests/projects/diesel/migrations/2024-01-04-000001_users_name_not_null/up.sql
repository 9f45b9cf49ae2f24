SET lock_timeout = '5s';
SET statement_timeout = '5s';
-- In diesel's transaction: CONCURRENTLY fails here.
CREATE INDEX CONCURRENTLY users_email_name ON users (email, name);
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
