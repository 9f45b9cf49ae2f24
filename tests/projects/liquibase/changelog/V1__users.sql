--liquibase formatted sql

--changeset dev:1
CREATE TABLE users (id bigint PRIMARY KEY, email text);
--rollback DROP TABLE users;

--changeset dev:2
CREATE INDEX users_email ON users (email);
--rollback DROP INDEX users_email;
