// Issue 4 §3: UserRegistry.UpdatePassword needs the old password unless the
// caller is an admin. An admin's key may leave `old` out (gRPC, HTTP and the
// CLI); the password rules still apply, the change is mailed and may revoke
// access. Everyone else, the user included, must give the old password.
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { runCli } from "../../src/cli/run.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, rejects } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { R } from "../helpers/population.js";

const mailbox = await startMailbox();
const server = await startTestServer({ "is.email.provider": "smtp", "is.email.smtp.address": mailbox.address });
test.after(async () => {
  await server.close();
  await mailbox.stop();
});
const p = server.population;
const admin = server.adminAPIKey;

const uma = await p.user({ id: "ap-uma" });
const vic = await p.user({ id: "ap-vic" });
const sus = await p.user({ id: "ap-suspended-admin", admin: true, state: State.SUSPENDED });
const infoOnlyAdminKey = await p.apiKey({ kind: "user", id: "admin" }, R("RIGHT_USER_INFO"));

/**
 * Whether `password` is the user's password now, asked without changing it:
 * UpdatePassword from `password` to itself checks the old password first
 * (`old_password` when wrong), then refuses the change (`password_equals_old`).
 */
async function passwordIs(userId: string, password: string): Promise<boolean> {
  const err = await grpcClient(server, UserRegistry).updatePassword({ userIds: { userId }, old: password, new: password }).then(() => undefined, (e) => ConnectError.from(e));
  const name = err?.findDetails(ErrorDetailsSchema)[0]?.name;
  if (name !== "password_equals_old" && name !== "old_password") throw new Error(`unexpected answer: ${err?.message ?? "success"}`);
  return name === "password_equals_old";
}

test("an admin sets another user's password without the old one (gRPC); it works, the old does not; e-mailed", async () => {
  await grpcClient(server, UserRegistry, admin).updatePassword({ userIds: { userId: uma.id }, new: "Set-by-admin-1" });
  assert.ok(await passwordIs(uma.id, "Set-by-admin-1"));
  assert.not.ok(await passwordIs(uma.id, uma.password));
  const mail = await mailbox.next("ap-uma@example.com");
  assert.match(mail.subject, /password .* has been changed/i);
});

test("over HTTP too, with revoke_all_access; the password rules still apply", async () => {
  const weak = await api(server, "PUT", `/users/${vic.id}/password`, { key: admin, body: { new: "weak" } });
  httpError(weak, 400, "password_strength");
  const res = await api(server, "PUT", `/users/${vic.id}/password`, { key: admin, body: { new: "Set-by-admin-2", revoke_all_access: true } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.ok(await passwordIs(vic.id, "Set-by-admin-2"));
});

test("without the old password everyone else is refused: anonymous, the user, another user, a suspended admin", async () => {
  const newPw = { userIds: { userId: uma.id }, new: "Not-allowed-3" };
  await rejects(grpcClient(server, UserRegistry).updatePassword(newPw), Code.Unauthenticated, "old_password");
  await rejects(grpcClient(server, UserRegistry, uma.apiKey).updatePassword(newPw), Code.Unauthenticated, "old_password");
  await rejects(grpcClient(server, UserRegistry, vic.apiKey).updatePassword(newPw), Code.Unauthenticated, "old_password");
  await rejects(grpcClient(server, UserRegistry, sus.apiKey).updatePassword(newPw), Code.Unauthenticated, "old_password");
  httpError(await api(server, "PUT", `/users/${uma.id}/password`, { key: uma.apiKey, body: { new: "Not-allowed-3" } }), 401, "old_password");
  assert.ok(await passwordIs(uma.id, "Set-by-admin-1"));
});

test("an admin key without USER_SETTINGS_BASIC cannot; a wrong old password from an admin is still wrong", async () => {
  const d = await rejects(grpcClient(server, UserRegistry, infoOnlyAdminKey).updatePassword({ userIds: { userId: uma.id }, new: "Not-allowed-4" }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(d.attributes.missing, ["RIGHT_USER_SETTINGS_BASIC"]);
  await rejects(grpcClient(server, UserRegistry, admin).updatePassword({ userIds: { userId: uma.id }, old: "not-it", new: "Not-allowed-5" }), Code.Unauthenticated, "old_password");
  assert.ok(await passwordIs(uma.id, "Set-by-admin-1"));
});

test("is-cli users update-password without --old, with an admin key", async () => {
  let stderr = "";
  const code = await runCli(["users", "update-password", uma.id, "--new", "Set-by-cli-6"], { IS_CLI_GRPC_ADDRESS: server.grpcAddress, IS_CLI_API_KEY: admin }, {
    stdout: async () => undefined,
    stderr: async (t) => void (stderr += t),
    readStdin: async () => "",
  });
  assert.is(code, 0, stderr);
  assert.ok(await passwordIs(uma.id, "Set-by-cli-6"));
});

test.run();
