-- one statement: sent alone, it runs outside a transaction block
CREATE INDEX CONCURRENTLY accounts_id_email ON accounts (id, email);
