-- +goose Up
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);

-- +goose Down
DROP TABLE accounts;
