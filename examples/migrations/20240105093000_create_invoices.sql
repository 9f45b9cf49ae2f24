-- Invoices get their own table. Everything here is safe: the table is new and
-- empty, so building its indexes and adding a NOT NULL column to it take no
-- time and block nobody.

-- The foreign key still locks accounts (SHARE ROW EXCLUSIVE): do not wait for it.
SET lock_timeout = '5s';
SET statement_timeout = '15s';

CREATE TABLE invoices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id),
    number      text NOT NULL,
    total_cents bigint NOT NULL DEFAULT 0,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    paid_at     timestamptz
);

CREATE UNIQUE INDEX invoices_number_key ON invoices (number);
CREATE INDEX invoices_account_id_idx ON invoices (account_id);

ALTER TABLE invoices ADD COLUMN currency text NOT NULL CHECK (char_length(currency) = 3);
