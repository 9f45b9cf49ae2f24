import { knex } from "./knex";

export async function discontinued() {
  return knex("products")
    .select("id")
    .whereNotNull("discontinued_at");
}
