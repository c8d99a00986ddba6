// Profile pictures (spec §7.2): uploads over gRPC and HTTP are checked,
// cropped, scaled and stored as blobs; responses carry URLs the server serves
// under /assets/blob; replacing, clearing and purging remove old blobs; users
// without a picture get Gravatar's; external URLs are kept as given.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import { assertServed, blobFiles, embedded, image, sizesOf, startPictureServer } from "./picture-helpers.js";

const server = await startPictureServer();
const noUploads = await startPictureServer({ "is.profile-picture.disable-upload": true });
const noGravatar = await startPictureServer({ "is.profile-picture.use-gravatar": false });
const BUCKET = "profile_pictures";
const PASSWORD = "Correct-Horse-9-Battery";

const users = (key?: string, s = server) => grpcClient(s, UserRegistry, key);
const setPicture = (s: typeof server, key: string, userId: string, picture: unknown) =>
  users(key, s).update({ user: { ids: { userId }, profilePicture: picture as never }, fieldMask: { paths: ["profile_picture"] } });
const getPicture = async (s: typeof server, key: string, userId: string, paths = ["profile_picture"]) =>
  users(key, s).get({ userIds: { userId }, fieldMask: { paths } });
const gravatar = (email: string, size: number) =>
  `https://www.gravatar.com/avatar/${createHash("md5").update(email.trim().toLowerCase()).digest("hex")}?s=${size}&d=404`;

const png300x200 = await image("png", 300, 200);
const jpeg2000x1500 = await image("jpeg", 2000, 1500);
const gif100 = await image("gif", 100, 100);

it("a PNG over gRPC: centre-cropped, stored as original + sizes not larger than it, served under /assets/blob", async () => {
  const alice = await server.population.user({ id: "alice" });
  const updated = await setPicture(server, alice.apiKey, "alice", embedded("image/png", png300x200));
  const sizes = sizesOf(updated.profilePicture);
  assert.equal(Object.keys(sizes), ["0", "64", "128"]);
  assert.is(updated.profilePicture?.embedded, undefined);
  assert.match(sizes[0]!, /^\/assets\/blob\/profile_pictures\/alice\.[0-9A-HJKMNP-TV-Z]{26}\/original\.png$/);
  const prefix = sizes[0]!.split("/")[4]!;
  assert.equal(blobFiles(server, BUCKET), [`${prefix}/128.png`, `${prefix}/64.png`, `${prefix}/original.png`]);
  // Stored: blob keys only, no image bytes.
  const stored = await server.population.store.users.get("alice");
  assert.equal(sizesOf(stored.profilePicture), { 0: `${prefix}/original.png`, 64: `${prefix}/64.png`, 128: `${prefix}/128.png` });
  assert.is(stored.profilePicture?.embedded, undefined);
  await assertServed(server, sizes[0]!, 200, "image/png");
  await assertServed(server, sizes[64]!, 64, "image/png");
  await assertServed(server, sizes[128]!, 128, "image/png");
  // Get returns the same URLs.
  assert.equal(sizesOf((await getPicture(server, alice.apiKey, "alice")).profilePicture), sizes);
  const head = await fetch(server.httpURL + sizes[0]!, { method: "HEAD" });
  assert.is(head.status, 200);
  assert.is(head.headers.get("content-type"), "image/png");
  assert.is((await head.arrayBuffer()).byteLength, 0);
});

it("a JPEG as base64 over HTTP replaces the PNG: stays JPEG, scaled to 1024, old files removed", async () => {
  const before = blobFiles(server, BUCKET).filter((f) => f.startsWith("alice."));
  assert.is(before.length, 3);
  const res = await api(server, "PUT", "/users/alice", {
    key: server.adminAPIKey,
    body: { user: { profile_picture: { embedded: { mime_type: "image/jpeg", data: jpeg2000x1500.toString("base64") } } }, field_mask: { paths: ["profile_picture"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const sizes = res.body.profile_picture.sizes as Record<string, string>;
  assert.equal(Object.keys(sizes).sort((a, b) => Number(a) - Number(b)), ["0", "64", "128", "256", "512"]);
  assert.match(sizes["0"]!, /\/original\.jpg$/);
  await assertServed(server, sizes["0"]!, 1024, "image/jpeg");
  await assertServed(server, sizes["512"]!, 512, "image/jpeg");
  await assertServed(server, sizes["256"]!, 256, "image/jpeg");
  const after = blobFiles(server, BUCKET).filter((f) => f.startsWith("alice."));
  assert.is(after.length, 5);
  for (const f of before) assert.not.ok(after.includes(f), `${f} should be gone`);
  for (const f of before) assert.is((await fetch(`${server.httpURL}/assets/blob/${BUCKET}/${f}`)).status, 404);
});

it("registration with a GIF (HTTP, no key): stored as PNG", async () => {
  const res = await api(server, "POST", "/users", {
    body: { user: { ids: { user_id: "gif-user" }, primary_email_address: "gif@example.org", password: PASSWORD, profile_picture: { embedded: { mime_type: "image/gif", data: gif100.toString("base64") } } } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const sizes = res.body.profile_picture.sizes as Record<string, string>;
  assert.equal(Object.keys(sizes), ["0", "64"]);
  assert.match(sizes["0"]!, /^\/assets\/blob\/profile_pictures\/gif-user\.[0-9A-Z]{26}\/original\.png$/);
  await assertServed(server, sizes["0"]!, 100, "image/png");
  await assertServed(server, sizes["64"]!, 64, "image/png");
});

it("a failed registration (ID taken) leaves no blobs", async () => {
  const before = blobFiles(server, BUCKET);
  await rejects(
    users().create({ user: { ids: { userId: "alice" }, primaryEmailAddress: "other@example.org", password: PASSWORD, profilePicture: embedded("image/png", png300x200) } }),
    Code.AlreadyExists,
    "id_taken",
  );
  assert.equal(blobFiles(server, BUCKET), before);
});

it("bad uploads: clear errors naming the field, nothing stored, the old picture kept", async () => {
  const bob = await server.population.user({ id: "bob" });
  await setPicture(server, bob.apiKey, "bob", embedded("image/png", await image("png", 64, 64)));
  const files = blobFiles(server, BUCKET);
  const stored = sizesOf((await server.population.store.users.get("bob")).profilePicture);
  const bad = async (picture: unknown, code: Code, name: string, field: string) => {
    const err = await rejects(setPicture(server, bob.apiKey, "bob", picture), code, name);
    assert.is(err.attributes.field, field);
    return err;
  };
  const garbage = await bad(embedded("image/png", Buffer.from("this is not an image at all, just bytes")), Code.InvalidArgument, "invalid_picture", "user.profile_picture.embedded.data");
  assert.match(garbage.attributes.reason, /not a PNG, JPEG or GIF/);
  const wrongType = await bad(embedded("image/jpeg", png300x200), Code.InvalidArgument, "invalid_picture", "user.profile_picture.embedded.data");
  assert.match(wrongType.attributes.reason, /png, not image\/jpeg/);
  await bad(embedded("image/webp", png300x200), Code.InvalidArgument, "validation", "user.profile_picture.embedded.mime_type");
  await bad(embedded("", png300x200), Code.InvalidArgument, "validation", "user.profile_picture.embedded.mime_type");
  const small = await bad(embedded("image/png", await image("png", 10, 10)), Code.InvalidArgument, "invalid_picture", "user.profile_picture.embedded.data");
  assert.match(small.attributes.reason, /too small/);
  const narrow = await bad(embedded("image/png", await image("png", 200, 12)), Code.InvalidArgument, "invalid_picture", "user.profile_picture.embedded.data");
  assert.match(narrow.attributes.reason, /too small/);
  const huge = await bad(embedded("image/png", await image("png", 8200, 20)), Code.InvalidArgument, "invalid_picture", "user.profile_picture.embedded.data");
  assert.match(huge.attributes.reason, /too large/);
  const tooMuch = Buffer.concat([png300x200, Buffer.alloc(8 * 1024 * 1024)]);
  await bad(embedded("image/png", tooMuch), Code.InvalidArgument, "validation", "user.profile_picture.embedded.data");
  await bad(embedded("image/png", new Uint8Array()), Code.InvalidArgument, "validation", "user.profile_picture.embedded.data");
  // A truncated PNG: the header is fine, the pixels are not.
  const truncated = png300x200.subarray(0, Math.floor(png300x200.length / 2));
  await bad(embedded("image/png", truncated), Code.InvalidArgument, "invalid_picture", "user.profile_picture.embedded.data");
  // Over HTTP too.
  httpError(
    await api(server, "PUT", "/users/bob", {
      key: bob.apiKey,
      body: { user: { profile_picture: { embedded: { mime_type: "image/png", data: Buffer.from("garbage").toString("base64") } } }, field_mask: { paths: ["profile_picture"] } },
    }),
    400,
    "invalid_picture",
  );
  assert.equal(blobFiles(server, BUCKET), files);
  assert.equal(sizesOf((await server.population.store.users.get("bob")).profilePicture), stored);
});

it("clearing the picture removes its blobs; then Gravatar's URLs are returned", async () => {
  const carol = await server.population.user({ id: "carol", email: "  Carol.Example@Example.COM " });
  const set = await setPicture(server, carol.apiKey, "carol", embedded("image/png", await image("png", 128, 128)));
  assert.equal(Object.keys(set.profilePicture!.sizes), ["0", "64", "128"]);
  assert.ok(blobFiles(server, BUCKET).some((f) => f.startsWith("carol.")));
  const cleared = await setPicture(server, carol.apiKey, "carol", undefined);
  assert.is(cleared.profilePicture, undefined);
  assert.not.ok(blobFiles(server, BUCKET).some((f) => f.startsWith("carol.")));
  assert.not.ok(existsSync(path.join(server.blobDir, BUCKET, set.profilePicture!.sizes[0]!.split("/")[4]!)), "empty prefix directory removed");
  assert.is((await server.population.store.users.get("carol")).profilePicture, undefined);
  const got = await getPicture(server, carol.apiKey, "carol");
  assert.equal(sizesOf(got.profilePicture), Object.fromEntries([64, 128, 256, 512].map((s) => [s, gravatar("carol.example@example.com", s)])));
  // The address it comes from is not returned unless asked for.
  assert.is(got.primaryEmailAddress, "");
  const withEmail = await getPicture(server, carol.apiKey, "carol", ["profile_picture", "primary_email_address"]);
  assert.is(withEmail.primaryEmailAddress.trim(), "Carol.Example@Example.COM");
  // An empty Picture message clears as well.
  await setPicture(server, carol.apiKey, "carol", { sizes: { 0: "https://pics.example.com/c.png" } });
  assert.is((await setPicture(server, carol.apiKey, "carol", {})).profilePicture, undefined);
});

it("Gravatar on Get and List (gRPC and HTTP), not without profile_picture in the mask, not when switched off", async () => {
  const dave = await server.population.user({ id: "dave", email: "Dave@Example.org" });
  const got = await getPicture(server, dave.apiKey, "dave");
  assert.is(got.profilePicture!.sizes[256], gravatar("dave@example.org", 256));
  assert.is((await getPicture(server, dave.apiKey, "dave", ["name"])).profilePicture, undefined);
  const http = await api(server, "GET", "/users/dave?field_mask=profile_picture", { key: dave.apiKey });
  assert.is(http.body.profile_picture.sizes["64"], gravatar("dave@example.org", 64));
  assert.is(http.body.primary_email_address, undefined);
  const listed = await users(server.adminAPIKey).list({ fieldMask: { paths: ["profile_picture"] }, limit: 100 });
  const byId = new Map(listed.users.map((u) => [u.ids!.userId, u]));
  assert.is(byId.get("dave")!.profilePicture!.sizes[512], gravatar("dave@example.org", 512));
  assert.match(byId.get("alice")!.profilePicture!.sizes[0]!, /^\/assets\/blob\/profile_pictures\/alice\./);
  // Switched off: nothing for users without a picture.
  const erin = await noGravatar.population.user({ id: "erin" });
  assert.is((await getPicture(noGravatar, erin.apiKey, "erin")).profilePicture, undefined);
  const listedOff = await users(noGravatar.adminAPIKey, noGravatar).list({ fieldMask: { paths: ["profile_picture"] } });
  assert.ok(listedOff.users.every((u) => u.profilePicture === undefined));
});

it("external URLs are kept as given (no download); only absolute http(s) URLs", async () => {
  const frank = await server.population.user({ id: "frank" });
  const before = blobFiles(server, BUCKET);
  const sizes = { 0: "https://pics.example.com/frank.png", 128: "http://pics.example.com/frank-128.png" };
  const updated = await setPicture(server, frank.apiKey, "frank", { sizes });
  assert.equal(sizesOf(updated.profilePicture), sizes);
  assert.equal(sizesOf((await getPicture(server, frank.apiKey, "frank")).profilePicture), sizes);
  assert.equal(blobFiles(server, BUCKET), before);
  for (const url of ["ftp://pics.example.com/f.png", "/assets/blob/profile_pictures/alice.X/original.png", "javascript:alert(1)", "alice.01ARZ3NDEKTSV4RRFFQ69G5FAV/original.png", "https://"]) {
    const err = await rejects(setPicture(server, frank.apiKey, "frank", { sizes: { 0: url } }), Code.InvalidArgument, "validation");
    assert.is(err.attributes.field, "user.profile_picture.sizes[0]");
  }
});

it("soft delete keeps the blobs (restore works); purge removes them", async () => {
  await server.population.user({ id: "gina" });
  const set = await setPicture(server, server.adminAPIKey, "gina", embedded("image/jpeg", await image("jpeg", 300, 300)));
  const url = set.profilePicture!.sizes[0]!;
  const files = () => blobFiles(server, BUCKET).filter((f) => f.startsWith("gina."));
  assert.is(files().length, 4);
  await users(server.adminAPIKey).delete({ userId: "gina" });
  assert.is(files().length, 4);
  await users(server.adminAPIKey).restore({ userId: "gina" });
  assert.equal(sizesOf((await getPicture(server, server.adminAPIKey, "gina")).profilePicture)[0], url);
  await assertServed(server, url, 300, "image/jpeg");
  await users(server.adminAPIKey).delete({ userId: "gina" });
  await users(server.adminAPIKey).purge({ userId: "gina" });
  assert.equal(files(), []);
  assert.is((await fetch(server.httpURL + url)).status, 404);
});

it("is.profile-picture.disable-upload: uploads refused (gRPC and HTTP), external URLs still accepted", async () => {
  const hank = await noUploads.population.user({ id: "hank" });
  await rejects(setPicture(noUploads, hank.apiKey, "hank", embedded("image/png", png300x200)), Code.InvalidArgument, "profile_picture_uploads_disabled");
  await rejects(
    users(undefined, noUploads).create({ user: { ids: { userId: "ivy" }, primaryEmailAddress: "ivy@example.org", password: PASSWORD, profilePicture: embedded("image/png", png300x200) } }),
    Code.InvalidArgument,
    "profile_picture_uploads_disabled",
  );
  const res = await api(noUploads, "PUT", "/users/hank", {
    key: hank.apiKey,
    body: { user: { profile_picture: { embedded: { mime_type: "image/png", data: png300x200.toString("base64") } } }, field_mask: { paths: ["profile_picture"] } },
  });
  const details = httpError(res, 400, "profile_picture_uploads_disabled");
  assert.is(details.namespace, "pkg/identityserver");
  assert.equal(blobFiles(noUploads, BUCKET), []);
  const external = await setPicture(noUploads, hank.apiKey, "hank", { sizes: { 0: "https://pics.example.com/hank.png" } });
  assert.is(external.profilePicture!.sizes[0], "https://pics.example.com/hank.png");
});

it("a mask with a sub-path of profile_picture replaces the whole picture", async () => {
  const jack = await server.population.user({ id: "jack" });
  const first = await setPicture(server, jack.apiKey, "jack", embedded("image/png", await image("png", 64, 64)));
  await users(jack.apiKey).update({
    user: { ids: { userId: "jack" }, profilePicture: embedded("image/png", await image("png", 128, 128)) },
    fieldMask: { paths: ["profile_picture.embedded"] },
  });
  const stored = sizesOf((await server.population.store.users.get("jack")).profilePicture);
  assert.equal(Object.keys(stored), ["0", "64", "128"]);
  assert.not.equal(stored[0], first.profilePicture!.sizes[0]);
  assert.equal(blobFiles(server, BUCKET).filter((f) => f.startsWith("jack.")).length, 3);
});

test("close", async () => {
  await Promise.all([server.close(), noUploads.close(), noGravatar.close()]);
});

test.run();
