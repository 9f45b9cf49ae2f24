BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> a1f0c0de0001

CREATE TABLE account (
    id BIGSERIAL NOT NULL, 
    email TEXT, 
    PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('a1f0c0de0001') RETURNING alembic_version.version_num;

-- Running upgrade a1f0c0de0001 -> b2f0c0de0002

CREATE INDEX ix_account_email ON account (email);

UPDATE alembic_version SET version_num='b2f0c0de0002' WHERE alembic_version.version_num = 'a1f0c0de0001';

COMMIT;

