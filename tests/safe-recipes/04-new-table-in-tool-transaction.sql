-- migralint-test: --assume-in-transaction
-- Safe recipe for tools that wrap each file in a transaction (Flyway,
-- Alembic, Rails, diesel): metadata-only changes and a new table, whose
-- indexes need no CONCURRENTLY because nobody uses it yet.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '15s';

ALTER TABLE users ADD COLUMN marketing_opt_in boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN users.marketing_opt_in IS 'set from the preferences page';

CREATE TABLE user_preferences (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    name text NOT NULL,
    value jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_preferences_user_id_idx ON user_preferences (user_id);
CREATE UNIQUE INDEX user_preferences_user_name_idx ON user_preferences (user_id, name);
