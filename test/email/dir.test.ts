// The dir provider: each message is a folder in is.email.dir, named so a
// listing is in queue order, with the headers and text, the HTML and the
// complete MIME message a mail program opens.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { fastRetries, loginToken, network, waitFor } from "./helpers.js";

const dir = await mkdtemp(join(tmpdir(), "is-mail-"));
const server = await startTestServer({ "is.email.provider": "dir", "is.email.dir": join(dir, "out"), ...network, ...fastRetries });
const { emails, store } = server.server;

test("messages are written as readable folders, sorted by the time they were queued", async () => {
  await emails.queue(store, loginToken("first@example.com", "FIRST"));
  await emails.queue(store, {
    template: "invitation",
    to: { name: "", address: "second@example.com" },
    data: { sender: { id: "admin", name: "Ada Admin" }, token: "INVITE" },
  });
  const folders = await waitFor("two folders", async () => {
    const names = await readdir(join(dir, "out")).catch(() => []);
    const done = names.filter((n) => !n.startsWith("."));
    return done.length === 2 && done.sort();
  });
  assert.match(folders[0]!, /^\d{8}T\d{6}\.\d{3}Z-[0-9a-z]+-login_token$/);
  assert.match(folders[1]!, /-invitation$/);

  const first = join(dir, "out", folders[0]!);
  assert.equal((await readdir(first)).sort(), ["message.eml", "message.html", "message.txt"]);
  const txt = await readFile(join(first, "message.txt"), "utf8");
  assert.match(txt, /^Message-ID: <[^>]+@example\.net>$/m);
  assert.match(txt, /^Date: .+ GMT$/m);
  assert.match(txt, /^From: "Example Network" <noreply@example\.net>$/m);
  assert.match(txt, /^To: "Lena Login" <first@example\.com>$/m);
  assert.match(txt, /^Subject: Your login token for Example Network$/m);
  assert.match(txt, "\n\nDear Lena Login,");
  assert.match(txt, "https://id.example.net/oauth/token-login?token=FIRST");
  assert.match(await readFile(join(first, "message.html"), "utf8"), 'href="https://id.example.net/oauth/token-login?token=FIRST"');

  const eml = await simpleParser(await readFile(join(dir, "out", folders[1]!, "message.eml")));
  assert.is(eml.subject, "You have been invited to join Example Network");
  assert.match(eml.text ?? "", "Ada Admin has invited you");
  assert.match(String(eml.html), "register?invitation_token=INVITE");
  assert.is((eml.to as { text: string }).text, "second@example.com");
});

test.after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test.run();
