// The `notifications` command group (alias notification): a user's
// notifications (NotificationService.List and UpdateStatus), as The Things
// Stack's CLI has them: `list [user-id]` (unseen ones unless --status says
// otherwise; --mark-as-seen) and `set-status` (alias update-status; seen
// unless --status says otherwise). Without a user ID they are the
// notifications of the user the credentials belong to.
import type { Transport } from "@connectrpc/connect";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { NotificationService, NotificationStatus, NotificationStatusSchema } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { UsageError, type FlagSpec, type ParsedArgs, type PositionalSpec } from "./args.js";
import { ALIASES, group, rpc, type CommandTree, type RequestContext } from "./client.js";
import { alias, paginationFlags, str } from "./flags.js";

const statusType = { kind: "enums", schema: NotificationStatusSchema, prefix: "NOTIFICATION_STATUS_" } as const;
const userIdFlag: FlagSpec = str("the receiving user (default: the user of the credentials)", "ID");
const receiver: PositionalSpec = { name: "user-id", description: "the receiving user (default: the user of the credentials)", optional: true };
const userFlags = { "user-id": userIdFlag, "receiver-ids.user-id": alias("user-id", userIdFlag) };

/** The user of the credentials (EntityAccess.AuthInfo). */
async function callerOf(transport: Transport): Promise<string | undefined> {
  const info = await transport.unary(EntityAccess.method.authInfo, undefined, undefined, undefined, {});
  const m = info.message.accessMethod;
  if (m.case === "oauthAccessToken" || m.case === "userSession") return m.value.userIds?.userId;
  return m.case === "apiKey" && m.value.entityIds?.ids.case === "userIds" ? m.value.entityIds.ids.value.userId : undefined;
}

async function receiverIds(a: ParsedArgs, ctx: RequestContext) {
  const given = a.optionalArg("user-id");
  const flag = a.str("user-id");
  if (given !== undefined && flag !== undefined && given !== flag) throw new UsageError(`<user-id> "${given}" and --user-id "${flag}" differ`);
  const userId = given ?? flag ?? (await ctx.callerUserId?.());
  if (!userId) throw new UsageError("--user-id is required when the credentials do not belong to a user");
  return { userId };
}

export const notifications: CommandTree = group(
  "notifications",
  "A user's notifications",
  [
    rpc({
      name: "list",
      aliases: ALIASES.list,
      summary: "List notifications, newest first (unseen ones unless --status is given)",
      positionals: [receiver],
      flags: {
        ...userFlags,
        status: { type: statusType, placeholder: "unseen,seen", description: "only in these states (unseen, seen, archived; default unseen)" },
        limit: paginationFlags.limit,
        page: paginationFlags.page,
        "mark-as-seen": { type: { kind: "boolean" }, description: "then mark the unseen notifications listed as seen" },
      },
      list: true,
      method: NotificationService.method.list,
      request: async (a, ctx) => ({
        receiverIds: await receiverIds(a, ctx),
        status: (a.enums("status") ?? [NotificationStatus.UNSEEN]) as NotificationStatus[],
        limit: a.num("limit") ?? 0,
        page: a.num("page") ?? 0,
      }),
      notes: async (res, a, transport) => {
        if (!a.has("mark-as-seen")) return [];
        const unseen = res.notifications.filter((n) => n.status === NotificationStatus.UNSEEN);
        if (!unseen.length) return [];
        const receiver = await receiverIds(a, { readStdin: async () => "", callerUserId: () => callerOf(transport) });
        await transport.unary(NotificationService.method.updateStatus, undefined, undefined, undefined, {
          receiverIds: receiver,
          ids: unseen.map((n) => n.id),
          status: NotificationStatus.SEEN,
        });
        return [`marked ${unseen.length} notification(s) as seen`];
      },
    }),
    rpc({
      name: "set-status",
      aliases: ["update-status"],
      summary: "Mark notifications seen (default), unseen or archived",
      positionals: [receiver],
      flags: {
        ...userFlags,
        ids: { type: { kind: "list" }, placeholder: "ID,ID", description: "notification IDs", required: true },
        status: { type: { kind: "enum", schema: NotificationStatusSchema, prefix: "NOTIFICATION_STATUS_" }, description: "unseen, seen or archived (default seen)" },
      },
      method: NotificationService.method.updateStatus,
      request: async (a, ctx) => ({
        receiverIds: await receiverIds(a, ctx),
        ids: a.list("ids") ?? [],
        status: (a.num("status") ?? NotificationStatus.SEEN) as NotificationStatus,
      }),
    }),
  ],
  ["notification"],
);
