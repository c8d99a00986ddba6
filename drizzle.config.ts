// drizzle-kit reads the schema and writes SQL migrations to drizzle/ (`make migrations`).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/pg/schema/index.ts",
  out: "./drizzle",
});
