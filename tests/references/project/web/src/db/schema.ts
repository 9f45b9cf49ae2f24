import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const products = pgTable("products", {
  id: bigint("id", { mode: "number" }).primaryKey(),
  legacySku: text("legacy_sku"),
  retiredAt: timestamp("retired_at", { withTimezone: true }),
});
