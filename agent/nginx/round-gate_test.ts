import assert from "node:assert/strict";
import { RoundGate } from "./round-gate.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("round gate: closed while a writer of a group works towards its change, open once all wait", async () => {
  const gate = new RoundGate();
  const rounds: string[] = [];
  let release!: () => void;
  const round = new Promise<string>((r) => (release = () => r("round")));
  const seen: boolean[] = [];
  const done = gate.together<unknown>([
    async () => await gate.submitted(round),
    async () => {
      await sleep(30);
      seen.push(gate.closed()); // the first waits, this one is still working: closed
      const p = gate.submitted(round);
      seen.push(gate.closed()); // both wait: open
      rounds.push(await p);
    },
  ]);
  await sleep(5);
  assert.equal(gate.closed(), true);
  await sleep(40);
  release();
  await done;
  assert.deepEqual(seen, [true, false]);
  assert.deepEqual(rounds, ["round"]);
  assert.equal(gate.closed(), false, "no group left");
  // outside a group nothing is held
  await gate.submitted(Promise.resolve(1));
  assert.equal(gate.closed(), false);
});

Deno.test("round gate: a writer stuck elsewhere holds rounds for at most the cap; debounce waits for the gate", async () => {
  const gate = new RoundGate();
  let stuck!: () => void;
  const g = gate.together([() => new Promise<void>((r) => (stuck = r))], 60);
  const t0 = performance.now();
  await gate.debounce(() => 0, 1, 1);
  const waited = performance.now() - t0;
  assert.ok(waited >= 50, `debounce waited ${waited} ms`);
  assert.equal(gate.closed(), false, "past the cap");
  stuck();
  await g;
});

Deno.test("debounce: a lone change starts at once; while writes are committing it waits for quiet", async () => {
  const gate = new RoundGate();
  const kick = performance.now();
  // no write in flight: it does not wait out a minute of quiet
  const lone = await Promise.race([
    gate.debounce(() => kick, 60_000, 60_000, () => false).then(() => "started"),
    sleep(5_000).then(() => "still waiting"),
  ]);
  assert.equal(lone, "started");
  // writes still committing: it waits, and starts once they are done
  let writing = true;
  let started = false;
  const p = gate.debounce(() => kick, 60_000, 60_000, () => writing).then(() => (started = true));
  await sleep(50);
  assert.equal(started, false, "waits while a write is being committed");
  writing = false;
  await Promise.race([p, sleep(5_000)]);
  assert.equal(started, true);
});
