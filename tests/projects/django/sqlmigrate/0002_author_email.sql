BEGIN;
--
-- Add field email to author
--
ALTER TABLE "library_author" ADD COLUMN "email" varchar(254) DEFAULT '' NOT NULL;
ALTER TABLE "library_author" ALTER COLUMN "email" DROP DEFAULT;
--
-- Create index library_book_title_idx on field(s) title of model book
--
CREATE INDEX "library_book_title_idx" ON "library_book" ("title");
COMMIT;
