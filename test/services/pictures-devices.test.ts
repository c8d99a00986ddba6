// End device pictures (spec §7.2): uploads on Create and Update over gRPC and
// HTTP, URLs below the end device bucket, replacement and deletion removing
// blobs, `is.end-device-picture.disable-upload`, external URLs kept.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import { assertServed, blobFiles, embedded, image, sizesOf, startPictureServer } from "./picture-helpers.js";

const server = await startPictureServer();
const noUploads = await startPictureServer({ "is.end-device-picture.disable-upload": true });
const BUCKET = "end_device_pictures";

const alice = await server.population.user({ id: "alice" });
const app = await server.population.application({ kind: "user", id: "alice" }, { id: "alice-app" });
const devices = (key = alice.apiKey, s = server) => grpcClient(s, EndDeviceRegistry, key);
const ids = (deviceId: string, applicationId = app) => ({ applicationIds: { applicationId }, deviceId });
const files = (deviceId: string) => blobFiles(server, BUCKET).filter((f) => f.startsWith(`${app}.${deviceId}.`));

it("Create with a PNG over gRPC: stored under <app>.<device>.<id>/, served, Get and List return URLs", async () => {
  const created = await devices().create({ endDevice: { ids: ids("dev-1"), name: "One", picture: embedded("image/png", await image("png", 400, 260)) } });
  const sizes = sizesOf(created.picture);
  assert.equal(Object.keys(sizes), ["0", "64", "128", "256"]);
  assert.match(sizes[0]!, /^\/assets\/blob\/end_device_pictures\/alice-app\.dev-1\.[0-9A-Z]{26}\/original\.png$/);
  assert.is(files("dev-1").length, 4);
  await assertServed(server, sizes[0]!, 260, "image/png");
  await assertServed(server, sizes[256]!, 256, "image/png");
  const stored = await server.population.store.endDevices.get(app, "dev-1");
  assert.ok(stored.picture!.sizes[0]!.startsWith("alice-app.dev-1."));
  assert.is(stored.picture!.embedded, undefined);
  const got = await devices().get({ endDeviceIds: ids("dev-1"), fieldMask: { paths: ["picture"] } });
  assert.equal(sizesOf(got.picture), sizes);
  const listed = await devices().list({ applicationIds: { applicationId: app }, fieldMask: { paths: ["picture"] } });
  assert.equal(sizesOf(listed.endDevices.find((d) => d.ids!.deviceId === "dev-1")!.picture), sizes);
  const http = await api(server, "GET", `/applications/${app}/devices/dev-1?field_mask=picture`, { key: alice.apiKey });
  assert.is(http.body.picture.sizes["0"], sizes[0]);
});

it("Update with a JPEG as base64 over HTTP: replaces the picture and removes the old files", async () => {
  const before = files("dev-1");
  const jpeg = await image("jpeg", 1500, 1500);
  const res = await api(server, "PUT", `/applications/${app}/devices/dev-1`, {
    key: alice.apiKey,
    body: { end_device: { picture: { embedded: { mime_type: "image/jpeg", data: jpeg.toString("base64") } } }, field_mask: { paths: ["picture"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const sizes = res.body.picture.sizes as Record<string, string>;
  assert.equal(Object.keys(sizes).length, 5);
  await assertServed(server, sizes["0"]!, 1024, "image/jpeg");
  await assertServed(server, sizes["128"]!, 128, "image/jpeg");
  const after = files("dev-1");
  assert.is(after.length, 5);
  for (const f of before) assert.not.ok(after.includes(f));
});

it("Update without picture in the mask leaves it; bad uploads fail naming end_device.picture", async () => {
  const before = files("dev-1");
  await devices().update({ endDevice: { ids: ids("dev-1"), name: "Renamed", picture: embedded("image/png", await image("png", 64, 64)) }, fieldMask: { paths: ["name"] } });
  assert.equal(files("dev-1"), before);
  const err = await rejects(
    devices().update({ endDevice: { ids: ids("dev-1"), picture: embedded("image/gif", Buffer.from("GIF89a-but-not-really")) }, fieldMask: { paths: ["picture"] } }),
    Code.InvalidArgument,
    "invalid_picture",
  );
  assert.is(err.attributes.field, "end_device.picture.embedded.data");
  const create = await rejects(
    devices().create({ endDevice: { ids: ids("dev-bad"), picture: embedded("image/png", await image("jpeg", 100, 100)) } }),
    Code.InvalidArgument,
    "invalid_picture",
  );
  assert.is(create.attributes.field, "end_device.picture.embedded.data");
  assert.equal(files("dev-1"), before);
  assert.equal(files("dev-bad"), []);
  await rejects(devices().get({ endDeviceIds: ids("dev-bad") }), Code.NotFound, "end_device_not_found");
});

it("clearing the picture and deleting the device remove the blobs", async () => {
  await devices().create({ endDevice: { ids: ids("dev-2"), picture: embedded("image/gif", await image("gif", 80, 80)) } });
  assert.equal(files("dev-2").map((f) => f.split("/")[1]), ["64.png", "original.png"]);
  const cleared = await devices().update({ endDevice: { ids: ids("dev-2") }, fieldMask: { paths: ["picture"] } });
  assert.is(cleared.picture, undefined);
  assert.equal(files("dev-2"), []);
  const set = await devices().update({ endDevice: { ids: ids("dev-2"), picture: embedded("image/png", await image("png", 90, 90)) }, fieldMask: { paths: ["picture"] } });
  assert.is(files("dev-2").length, 2);
  await devices().delete(ids("dev-2"));
  assert.equal(files("dev-2"), []);
  assert.is((await fetch(server.httpURL + set.picture!.sizes[0]!)).status, 404);
  // dev-1 is untouched.
  assert.is(files("dev-1").length, 5);
});

it("a failed create (device exists) leaves no blobs", async () => {
  const before = blobFiles(server, BUCKET);
  await rejects(devices().create({ endDevice: { ids: ids("dev-1"), picture: embedded("image/png", await image("png", 64, 64)) } }), Code.AlreadyExists, "id_taken");
  assert.equal(blobFiles(server, BUCKET), before);
});

it("external URLs kept as given; non-http(s) refused", async () => {
  const sizes = { 0: "https://cdn.example.com/device.png" };
  const created = await devices().create({ endDevice: { ids: ids("dev-3"), picture: { sizes } } });
  assert.equal(sizesOf(created.picture), sizes);
  assert.equal(sizesOf((await devices().get({ endDeviceIds: ids("dev-3"), fieldMask: { paths: ["picture"] } })).picture), sizes);
  const err = await rejects(devices().update({ endDevice: { ids: ids("dev-3"), picture: { sizes: { 64: "file:///etc/passwd" } } }, fieldMask: { paths: ["picture"] } }), Code.InvalidArgument, "validation");
  assert.is(err.attributes.field, "end_device.picture.sizes[64]");
});

it("is.end-device-picture.disable-upload: uploads refused on Create and Update (gRPC and HTTP)", async () => {
  const bob = await noUploads.population.user({ id: "bob" });
  const bobApp = await noUploads.population.application({ kind: "user", id: "bob" }, { id: "bob-app" });
  const c = devices(bob.apiKey, noUploads);
  const png = await image("png", 64, 64);
  await rejects(c.create({ endDevice: { ids: ids("dev-d1", bobApp), picture: embedded("image/png", png) } }), Code.InvalidArgument, "end_device_picture_uploads_disabled");
  await c.create({ endDevice: { ids: ids("dev-d1", bobApp) } });
  await rejects(c.update({ endDevice: { ids: ids("dev-d1", bobApp), picture: embedded("image/png", png) }, fieldMask: { paths: ["picture"] } }), Code.InvalidArgument, "end_device_picture_uploads_disabled");
  httpError(
    await api(noUploads, "PUT", `/applications/${bobApp}/devices/dev-d1`, {
      key: bob.apiKey,
      body: { end_device: { picture: { embedded: { mime_type: "image/png", data: png.toString("base64") } } }, field_mask: { paths: ["picture"] } },
    }),
    400,
    "end_device_picture_uploads_disabled",
  );
  assert.equal(blobFiles(noUploads, BUCKET), []);
  const external = await c.update({ endDevice: { ids: ids("dev-d1", bobApp), picture: { sizes: { 0: "https://cdn.example.com/d1.png" } } }, fieldMask: { paths: ["picture"] } });
  assert.is(external.picture!.sizes[0], "https://cdn.example.com/d1.png");
});

test("close", async () => {
  await Promise.all([server.close(), noUploads.close()]);
});

test.run();
