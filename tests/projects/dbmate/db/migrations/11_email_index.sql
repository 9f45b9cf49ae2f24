-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY accounts_id_email ON accounts (id, email);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY accounts_id_email;
