-- Replace the single-column index on orders.customer_id with a composite one
-- for the "recent orders of a customer" query.
--
-- Not safe on a live table: DROP INDEX takes ACCESS EXCLUSIVE on orders
-- (reads block too), and CREATE INDEX takes SHARE, which blocks every INSERT,
-- UPDATE and DELETE on orders until the whole index is built.

DROP INDEX orders_customer_id_idx;

CREATE INDEX orders_customer_id_created_at_idx
    ON orders (customer_id, created_at DESC);
