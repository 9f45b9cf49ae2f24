-- Edited by hand: alone in its migration, so prisma sends it as a single
-- statement and PostgreSQL runs it outside a transaction block.
CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");
