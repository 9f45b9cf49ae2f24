-- Users move to multi-tenancy and get a public id; the old is_legacy flag
-- goes away.

-- Fails on any non-empty table: "column "tenant_id" of relation "users"
-- contains null values".
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;

-- gen_random_uuid() is volatile: every existing row needs its own value, so
-- PostgreSQL rewrites the whole table under ACCESS EXCLUSIVE.
ALTER TABLE users ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();

-- One statement that locks every row it touches until it commits.
UPDATE users SET last_login_at = created_at WHERE last_login_at IS NULL;

-- Scans all of users under ACCESS EXCLUSIVE to check for NULLs.
ALTER TABLE users ALTER COLUMN last_login_at SET NOT NULL;

-- Application servers still running the previous release select this column.
ALTER TABLE users DROP COLUMN is_legacy;
