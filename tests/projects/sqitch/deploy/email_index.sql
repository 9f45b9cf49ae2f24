BEGIN;
DROP INDEX users_email;
CREATE INDEX users_email ON users (email);
COMMIT;
