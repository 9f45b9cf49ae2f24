DROP INDEX CONCURRENTLY accounts_id_email;
