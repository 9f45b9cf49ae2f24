SET lock_timeout = '5s';
SET statement_timeout = '15min';
-- users is live by now: a plain CREATE INDEX blocks writes.
CREATE INDEX users_email ON users (email);
