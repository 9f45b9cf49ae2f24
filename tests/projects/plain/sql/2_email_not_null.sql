-- Version 2 runs before version 10, though "10_" sorts first as text: the
-- CHECK of version 10 does not exist yet, so SET NOT NULL scans.
SET lock_timeout = '5s';
SET statement_timeout = '5s';
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
