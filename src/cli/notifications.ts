// The `notifications` command group: a user's notifications
// (NotificationService.List and UpdateStatus). Without --user-id they are the
// notifications of the user holding the API key.
import { NotificationService, NotificationStatusSchema, type NotificationStatus } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { UsageError, type FlagSpec, type ParsedArgs } from "./args.js";
import { group, rpc, type CommandTree, type RequestContext } from "./client.js";
import { paginationFlags, str } from "./flags.js";

const statusType = { kind: "enums", schema: NotificationStatusSchema, prefix: "NOTIFICATION_STATUS_" } as const;
const userIdFlag: FlagSpec = str("the receiving user (default: the user of the API key)", "ID");

async function receiverIds(a: ParsedArgs, ctx: RequestContext) {
  const userId = a.str("user-id") ?? (await ctx.callerUserId?.());
  if (!userId) throw new UsageError("--user-id is required when the API key does not belong to a user");
  return { userId };
}

export const notifications: CommandTree = group("notifications", "A user's notifications", [
  rpc({
    name: "list",
    summary: "List notifications, newest first",
    flags: {
      "user-id": userIdFlag,
      status: { type: statusType, placeholder: "unseen,seen", description: "only in these states (unseen, seen, archived)" },
      limit: paginationFlags.limit,
      page: paginationFlags.page,
    },
    list: true,
    method: NotificationService.method.list,
    request: async (a, ctx) => ({
      receiverIds: await receiverIds(a, ctx),
      status: (a.enums("status") ?? []) as NotificationStatus[],
      limit: a.num("limit") ?? 0,
      page: a.num("page") ?? 0,
    }),
  }),
  rpc({
    name: "update-status",
    summary: "Mark notifications seen, unseen or archived",
    flags: {
      "user-id": userIdFlag,
      ids: { type: { kind: "list" }, placeholder: "ID,ID", description: "notification IDs", required: true },
      status: { type: { kind: "enum", schema: NotificationStatusSchema, prefix: "NOTIFICATION_STATUS_" }, description: "unseen, seen or archived", required: true },
    },
    method: NotificationService.method.updateStatus,
    request: async (a, ctx) => ({
      receiverIds: await receiverIds(a, ctx),
      ids: a.list("ids") ?? [],
      status: (a.num("status") ?? 0) as NotificationStatus,
    }),
  }),
]);
