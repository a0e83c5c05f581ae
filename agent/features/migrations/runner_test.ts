// The migration runner of a fleet: nothing runs before this node leads; after
// the takeover grace it resumes and kicks (and kicks every tick while it
// leads, so a migration started on another node is picked up); on losing the
// lead it pauses the engine (runs stop without writing) at once; stop() stops
// the engine. The engine and the fleet are stand-ins: the real ones are
// exercised by tests/fleet/migration_*_test.ts.
import assert from "node:assert/strict";
import { runOnController } from "./runner.ts";
import type { MigrationEngine } from "./engine.ts";
import type { MigrationFleet } from "./barrier.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("runOnController: runs only while this node leads, pauses at once when it stops", async () => {
  const calls: string[] = [];
  const engine = {
    running: [] as string[],
    pause: () => (calls.push("pause"), Promise.resolve()),
    resume: () => void calls.push("resume"),
    kick: () => (calls.push("kick"), Promise.resolve()),
    stop: () => (calls.push("stop"), Promise.resolve()),
    progress: () => null,
  };
  let leading = false;
  let cb = () => {};
  const shared: (string | null)[] = [];
  const fleet = {
    node: "gw-a",
    leading: () => leading,
    onLeadership(f: () => void) {
      cb = f;
      return () => (cb = () => {});
    },
    shareProgress: (_id: string, json: string | null) => (shared.push(json), Promise.resolve()),
  } as unknown as MigrationFleet;
  const lines: string[] = [];
  const stop = runOnController(
    engine as unknown as MigrationEngine,
    fleet,
    (l) => lines.push(l),
    { graceMs: 100, kickMs: 50 },
  );
  await sleep(200);
  assert.deepEqual(calls, ["pause"], "nothing runs before it leads");

  leading = true;
  cb();
  await sleep(60);
  assert.ok(!calls.includes("resume"), "the grace first");
  await sleep(200);
  assert.deepEqual(calls.slice(0, 3), ["pause", "resume", "kick"]);
  const kicks = calls.filter((c) => c === "kick").length;
  await sleep(150);
  assert.ok(calls.filter((c) => c === "kick").length > kicks, "kicks while it leads");
  assert.match(lines.join("\n"), /gw-a leads the fleet: it runs the migrations/);

  engine.running = ["m-1"];
  await sleep(120);
  assert.ok(shared.some((j) => j && JSON.parse(j).runner === "gw-a"), "its progress is shared");

  leading = false;
  cb();
  await sleep(20);
  assert.equal(calls.at(-1), "pause", "paused at once");
  engine.running = [];
  const n = calls.length;
  await sleep(150);
  assert.deepEqual(calls.slice(n), [], "no kick once it no longer leads");
  assert.equal(shared.at(-1), null, "the stopped run's progress is withdrawn");
  await stop();
  assert.equal(calls.at(-1), "stop");
});
