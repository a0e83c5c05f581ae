// SLOW (about 60 s): real agent processes, real etcd, s3rver, rclone and nginx.
// A bucket migration in a fleet of three agents: started through gw-b, which
// is NOT the controller (the record is shared; the controller gw-a runs it),
// then gw-c is frozen (SIGSTOP: its nginx keeps serving, its agent applies
// nothing) just before the split. The controller's barrier holds the
// migration in write_routing, and waiting_for names the frozen node, on the
// controller's API and on gw-b's (the runner shares its progress); once it
// thaws (SIGCONT) it applies the split and the migration ends done, with
// every client write on the destination and no deleted key back, through
// every node's nginx.
import assert from "node:assert/strict";
import { etcdSuite } from "../helpers/etcd.ts";
import { assertModelOn, sleep, startClient, startHotToCold } from "../migrations/helpers.ts";
import { type Json, logOf, migrationFleet, watch } from "./migration_fleet.ts";

const { test } = etcdSuite();

/** Behind; or, frozen longer than its status lease (15 s), gone and to be fenced. */
const FROZEN =
  /^gw-c: (generation \d+ < \d+|no status \((lease expired \d+ s ago|its lease expired, or it never reported)\); fence it with agent fleet remove-node gw-c if it is gone)$/;

test(
  "SIGSTOP of a gateway at the split: the controller's barrier waits, naming it; SIGCONT: done",
  240_000, // about 55 s alone; over 115 s beside the whole suite on 2 cores (CI)
  async (c) => {
    const t0 = Date.now();
    const f = await migrationFleet(c.endpoints, "mig-stop", ["gw-a", "gw-b", "gw-c"], 100);
    const [a, b, cc] = f.nodes;
    let client: ReturnType<typeof startClient> | null = null;
    let frozen = false;
    try {
      let phase = "before";
      client = startClient(a.gateway, f.model, () => phase);
      // Started on B, which does not lead: accepted, and run by the controller A.
      const id: string = await startHotToCold(b.agent);
      const seen: string[] = [];
      const note = (m: Json) => {
        phase = m.phase;
        if (seen.at(-1) !== m.phase) seen.push(m.phase);
      };
      // Frozen late in copying (after its third pass), so the split comes soon after.
      const copying = await watch(
        a.agent,
        id,
        "copying pass 3 on A",
        120_000,
        (m) => m.phase === "copying" ? m.passes.length >= 3 : m.phase !== "pending",
        note,
      );
      assert.equal(copying.phase, "copying", "still copying after pass 3");
      assert.equal(copying.runner, "gw-a", "the controller runs it");
      assert.equal((await b.agent.api("GET", `/api/migrations/${id}`)).body.runner, "gw-a");

      // C freezes before the split: it will not apply it.
      Deno.kill(cc.agent.child.pid, "SIGSTOP");
      frozen = true;
      const stoppedAt = Date.now();
      await watch(
        a.agent,
        id,
        "the split waits for gw-c",
        120_000,
        (m) =>
          m.phase === "write_routing" && m.progress.waiting_for.some((w: string) => FROZEN.test(w)),
        note,
      );
      const heldAt = Date.now();
      // It stays there while C is frozen.
      await sleep(3000);
      const still = (await a.agent.api("GET", `/api/migrations/${id}`)).body;
      assert.equal(still.phase, "write_routing", JSON.stringify(still.progress));
      // (A and B report the split a moment after they applied it; C never does while frozen)
      assert.ok(
        still.progress.waiting_for.length === 1 && FROZEN.test(still.progress.waiting_for[0]),
        JSON.stringify(still.progress.waiting_for),
      );

      // B, which does not run it, shows the same (shared by the runner, about 1 s old).
      const onB = (await b.agent.api("GET", `/api/migrations/${id}`)).body;
      assert.equal(onB.runner, "gw-a");
      assert.ok(onB.progress.waiting_for.some((w: string) => FROZEN.test(w)), JSON.stringify(onB));

      Deno.kill(cc.agent.child.pid, "SIGCONT");
      frozen = false;
      const thawedAt = Date.now();
      await watch(
        a.agent,
        id,
        "verifying after the thaw",
        30_000,
        (m) => m.phase !== "write_routing",
        note,
      );
      const passedAt = Date.now();
      const done = await watch(a.agent, id, "done", 150_000, (m) => m.phase === "done", note);
      const log = await logOf(a.agent, id);
      assert.ok(
        log.some((l) => /the barrier waited [\d.]+ s for .*gw-c: /.test(l)),
        log.join("\n"),
      );
      phase = "after";
      await sleep(300);
      await client.stop();
      assert.deepEqual(client.failures, [], "no failed request through nginx");
      await assertModelOn(f.direct[1], f.model);
      await assertModelOn(a.gateway, f.model);
      await assertModelOn(b.gateway, f.model); // every nginx routes to cold now
      await assertModelOn(cc.gateway, f.model);
      assert.equal(done.orphaned_source?.pool, "hot");
      assert.deepEqual(f.servers.flatMap((x) => x.rejected), [], "every signature verified");
      console.log(
        `phases ${seen.join(" > ")}; gw-c frozen ${
          ((heldAt - stoppedAt) / 1000).toFixed(1)
        } s before the barrier named it, held ${
          ((thawedAt - heldAt) / 1000).toFixed(1)
        } s; after SIGCONT the barrier passed in ${((passedAt - thawedAt) / 1000).toFixed(1)} s; ${
          log.find((l) => l.includes("the barrier waited"))?.replace(
            /^.*\(the barrier/,
            "(the barrier",
          )
        }; client ops ${JSON.stringify(Object.fromEntries(client.phases))}; ${
          ((Date.now() - t0) / 1000).toFixed(1)
        } s in all`,
      );
    } finally {
      if (frozen) Deno.kill(cc.agent.child.pid, "SIGCONT");
      await client?.stop();
      await f.close();
    }
  },
);

test.stopAtEnd();
