-- migrate:up
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);

-- migrate:down
DROP TABLE accounts;
