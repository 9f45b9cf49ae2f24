-- Safe only with the history behind it: 13_ validated a CHECK that proves the
-- column has no NULL, so SET NOT NULL skips its scan (PG 12+).
SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;
