-- Flyway runs a migration holding CREATE INDEX CONCURRENTLY outside a transaction by itself
CREATE INDEX CONCURRENTLY accounts_id_email ON accounts (id, email);
