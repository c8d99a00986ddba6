// Password hashing: argon2id hashes verify, other parameters ask for a rehash,
// and the hash pool never runs more hashes at once than it has slots.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHashPool } from "../../src/auth/hash-pool.js";
import { createPasswordHasher } from "../../src/auth/passwords.js";

test("hash, verify, needsRehash", async () => {
  const hasher = createPasswordHasher({ memoryCost: 64, timeCost: 1 }, createHashPool());
  const stored = await hasher.hash("Correct-horse-1");
  assert.match(stored, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
  assert.ok(await hasher.verify("Correct-horse-1", stored));
  assert.not.ok(await hasher.verify("wrong", stored));
  assert.not.ok(await hasher.verify("", ""), "an empty stored hash matches nothing");
  assert.not.ok(hasher.needsRehash(stored));
  assert.ok(createPasswordHasher({ memoryCost: 128, timeCost: 1 }, createHashPool()).needsRehash(stored));
});

test("the pool runs at most its slots at once, the rest in arrival order", async () => {
  const pool = createHashPool({ slots: 2, queue: 10 });
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const task = (i: number) =>
    pool.run(async () => {
      started.push(i);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return i;
    });
  const results = await Promise.all([0, 1, 2, 3, 4, 5, 6].map(task));
  assert.equal(results, [0, 1, 2, 3, 4, 5, 6]);
  assert.is(most, 2);
  assert.equal(started, [0, 1, 2, 3, 4, 5, 6]);
  // A failing task frees its slot.
  await pool.run(() => Promise.reject(new Error("boom"))).catch(() => undefined);
  assert.is(await task(7), 7);
});

test.run();
