--liquibase formatted sql

--changeset dev:10
CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz NOT NULL);
--rollback DROP TABLE audit_log;

--changeset dev:11 runInTransaction:false
CREATE INDEX CONCURRENTLY audit_log_at ON audit_log (at);
--rollback DROP INDEX CONCURRENTLY audit_log_at;
