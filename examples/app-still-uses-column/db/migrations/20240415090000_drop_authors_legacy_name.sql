-- Every author has a display_name now: the old CMS column goes.

SET lock_timeout = '5s';
SET statement_timeout = '15s';

ALTER TABLE authors DROP COLUMN legacy_name;
