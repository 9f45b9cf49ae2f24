SET lock_timeout = '5s';
SET statement_timeout = '15min';
-- metadata.toml turns diesel's transaction off: CONCURRENTLY works here.
CREATE INDEX CONCURRENTLY users_name ON users (name);
