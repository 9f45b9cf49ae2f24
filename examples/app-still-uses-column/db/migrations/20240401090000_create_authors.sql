-- Authors of the blog. legacy_name comes from the old CMS; display_name is
-- what new code shows. The table is new: its indexes need no CONCURRENTLY.

CREATE TABLE authors (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email        text NOT NULL,
    legacy_name  text,
    display_name text
);

CREATE UNIQUE INDEX authors_email_key ON authors (email);
CREATE INDEX authors_legacy_name_idx ON authors (legacy_name);
