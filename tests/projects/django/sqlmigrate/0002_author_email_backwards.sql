BEGIN;
--
-- Create index library_book_title_idx on field(s) title of model book
--
DROP INDEX IF EXISTS "library_book_title_idx";
--
-- Add field email to author
--
ALTER TABLE "library_author" DROP COLUMN "email" CASCADE;
COMMIT;
