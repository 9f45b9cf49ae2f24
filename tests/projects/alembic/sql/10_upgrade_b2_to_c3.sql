BEGIN;

-- Running upgrade b2f0c0de0002 -> c3f0c0de0003

ALTER TABLE account ALTER COLUMN email SET NOT NULL;

COMMIT;

CREATE INDEX CONCURRENTLY ix_account_created ON account (id, email);

BEGIN;

UPDATE alembic_version SET version_num='c3f0c0de0003' WHERE alembic_version.version_num = 'b2f0c0de0002';

COMMIT;

