// The web front end's Drizzle schema of the tables it reads.
import { bigint, pgTable, text } from "drizzle-orm/pg-core";

export const authors = pgTable("authors", {
  id: bigint("id", { mode: "number" }).primaryKey(),
  email: text("email").notNull(),
  legacyName: text("legacy_name"),
  displayName: text("display_name"),
});
