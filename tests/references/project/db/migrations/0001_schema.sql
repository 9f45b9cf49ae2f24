CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy_name text, nickname text, old_flag boolean,
                    unused_note text);
CREATE TABLE user_profiles (id bigint PRIMARY KEY, user_id bigint NOT NULL, legacy_bio text);
CREATE TABLE accounts (id bigint PRIMARY KEY, legacy_plan text, spare text);
CREATE TABLE orders (id bigint PRIMARY KEY, legacy_total numeric);
CREATE TABLE invoices (id bigint PRIMARY KEY, legacy_number text);
CREATE TABLE products (id bigint PRIMARY KEY, legacy_sku text, discontinued_at timestamptz);
