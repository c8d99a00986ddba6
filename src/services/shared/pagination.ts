// Page requests and totals, the stack's way: `limit` (0 = configured default,
// at most 1000), 1-based `page`, `order` from the method's allowed list, and
// the total in the `x-total-count` response header.
import type { HandlerContext } from "@connectrpc/connect";
import { errValidation } from "../../errors/index.js";
import type { PageOptions } from "../../store/interfaces.js";

export function pageOptions(req: { limit: number; page: number; order?: string }, defaultLimit: number, orders: readonly string[] = []): PageOptions {
  if (req.limit > 1000) throw errValidation({ field: "limit", reason: "must be at most 1000" });
  const order = req.order ?? "";
  if (order !== "" && !orders.some((o) => o === order || `-${o}` === order)) {
    throw errValidation({ field: "order", reason: `must be one of ${orders.flatMap((o) => [o, `-${o}`]).join(", ")}` });
  }
  return { limit: req.limit || defaultLimit, page: req.page || 1, order: order || undefined };
}

export function setTotal(ctx: HandlerContext, total: number): void {
  ctx.responseHeader.set("x-total-count", String(total));
}
