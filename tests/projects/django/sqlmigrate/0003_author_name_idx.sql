--
-- Concurrently create index library_author_name_idx on field(s) name of model author
--
CREATE INDEX CONCURRENTLY "library_author_name_idx" ON "library_author" ("name");
