--liquibase formatted sql

--changeset dev:3
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
--rollback ALTER TABLE users ALTER COLUMN email DROP NOT NULL;

--changeset dev:4 dbms:mysql
ALTER TABLE users ENGINE = InnoDB;
