-- +migrate Up notransaction
CREATE INDEX CONCURRENTLY accounts_id_email ON accounts (id, email);

-- +migrate Down notransaction
DROP INDEX CONCURRENTLY accounts_id_email;
