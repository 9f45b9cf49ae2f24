-- +migrate Up
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);

-- +migrate Down
DROP TABLE accounts;
