BEGIN;

-- Running downgrade c3f0c0de0003 -> b2f0c0de0002

ALTER TABLE account ALTER COLUMN email DROP NOT NULL;

DROP INDEX ix_account_created;

UPDATE alembic_version SET version_num='b2f0c0de0002' WHERE alembic_version.version_num = 'c3f0c0de0003';

COMMIT;

