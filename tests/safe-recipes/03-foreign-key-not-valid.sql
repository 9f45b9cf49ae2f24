-- Safe recipe: a foreign key on a live table. NOT VALID makes the ADD brief;
-- VALIDATE checks the rows later under a lock that lets writes go on.
SET lock_timeout = '5s';
SET statement_timeout = '15s';

ALTER TABLE orders ADD COLUMN billing_account_id bigint;
ALTER TABLE orders
    ADD CONSTRAINT orders_billing_account_fk
    FOREIGN KEY (billing_account_id) REFERENCES billing_accounts (id) NOT VALID;

SET statement_timeout = 0;
ALTER TABLE orders VALIDATE CONSTRAINT orders_billing_account_fk;
