-- Safe index changes on a live table. CONCURRENTLY cannot run inside a
-- transaction block: apply this file outside one (psql autocommit; goose
-- "-- +goose NO TRANSACTION", dbmate "-- migrate:up transaction:false").
--
-- If CREATE INDEX CONCURRENTLY fails it leaves an INVALID index behind:
-- drop it (DROP INDEX CONCURRENTLY) and run the statement again.

SET lock_timeout = '5s';

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx
    ON orders (created_at);

DROP INDEX CONCURRENTLY IF EXISTS orders_placed_on_idx;
