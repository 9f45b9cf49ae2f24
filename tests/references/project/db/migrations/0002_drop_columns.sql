SET lock_timeout = '2s';
SET statement_timeout = '10min';

-- still used by the application
ALTER TABLE users DROP COLUMN legacy_name;
ALTER TABLE user_profiles DROP COLUMN legacy_bio;
ALTER TABLE accounts DROP COLUMN legacy_plan;
ALTER TABLE orders DROP COLUMN legacy_total;
ALTER TABLE invoices DROP COLUMN legacy_number;
ALTER TABLE products DROP COLUMN legacy_sku;
ALTER TABLE products RENAME COLUMN discontinued_at TO retired_at;

-- used by nothing
ALTER TABLE users DROP COLUMN nickname;
ALTER TABLE users DROP COLUMN old_flag;
ALTER TABLE accounts DROP COLUMN spare;
ALTER TABLE users DROP COLUMN unused_note;
