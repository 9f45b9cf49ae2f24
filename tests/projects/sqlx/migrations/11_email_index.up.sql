-- no-transaction
CREATE INDEX CONCURRENTLY accounts_id_email ON accounts (id, email);
