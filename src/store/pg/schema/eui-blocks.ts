// Blocks of EUIs the server issues from (DevEUIs for ApplicationRegistry.IssueDevEUI).
// A block is handed out by incrementing `current_counter` under a row lock, so
// every address is issued once, also across replicas of the server.
import { bigint, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { lifecycle, tenantId } from "./columns.js";
import { bytea } from "./gateways.js";

export const euiBlocks = pgTable(
  "eui_blocks",
  {
    tenant_id: tenantId(),
    type: text("type").notNull(),
    start_eui: bytea("start_eui").notNull(),
    current_counter: bigint("current_counter", { mode: "bigint" }).notNull(),
    end_counter: bigint("end_counter", { mode: "bigint" }).notNull(),
    ...lifecycle(),
  },
  (t) => [primaryKey({ name: "eui_blocks_pkey", columns: [t.tenant_id, t.type, t.start_eui] })],
);
