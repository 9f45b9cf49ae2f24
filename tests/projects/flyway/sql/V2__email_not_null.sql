SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
