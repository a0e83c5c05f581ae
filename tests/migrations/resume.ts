// Resume at the persisted phase: the agent stops (its engine aborted mid-step,
// nothing written on the way out) in copying, write_routing, verifying and
// switching while the client keeps going; a new agent on the same state
// resumes and ends done with every client write on the destination and no
// deleted key back. The barrier is held open to stop inside the short phases
// (write_routing, switching). In-process restarts; the real SIGKILL is in
// the helper (no SIGKILL of a subprocess yet).
// Shared by resume_test.ts, resume_late_test.ts and kvloss_test.ts.
import assert from "node:assert/strict";
import {
  assertModelOn,
  BUCKET,
  follow,
  heldBarrier,
  migrationSetup,
  sleep,
  startClient,
  startHotToCold,
} from "./helpers.ts";
import { MigrationEngine, MIGRATIONS } from "../../agent/features/migrations/engine.ts";
import { SingleHostBarrier } from "../../agent/features/migrations/barrier.ts";
import { startTestAgent } from "../helpers/agent.ts";

export function resumeCase(stopIn: string, opts: { kvLoss?: boolean } = {}) {
  Deno.test({
    name: `stopped in ${stopIn}${
      opts.kvLoss ? ", KV lost, rebuild-db" : ""
    }: a new agent resumes the migration from its phase to done, nothing lost`,
    fn: async () => {
      const { s, model } = await migrationSetup(60);
      const rt = s.t.agent.rt;
      const phaseOf = async () => ((await rt.store.list("migration"))[0]?.phase as string) ?? "";
      // verifying is short when nothing is left to copy: a PUT an old worker finished on
      // the source after the split (D8) gives its pass a key to hold, and the hold's
      // barrier is where the agent stops.
      let late = stopIn !== "verifying";
      rt.setService(
        MIGRATIONS,
        new MigrationEngine(
          rt as never,
          heldBarrier(
            new SingleHostBarrier(rt.nginx, () => rt.reconciler.currentGeneration),
            async () => {
              const p = await phaseOf();
              return p === stopIn || (!late && p === "write_routing");
            },
          ),
        ),
      );
      let phase = "before";
      let client = startClient(s.gateway, model, () => phase);
      let t2: Awaited<ReturnType<typeof startTestAgent>> | null = null;
      try {
        const id = await startHotToCold(s.t);
        if (!late) {
          await follow(s.t, id, (m) => (phase = m.phase) === "write_routing", 150_000);
          const v = "finished on the source after the split";
          await s.direct[0].putObject(BUCKET, "late/old-worker.txt", v);
          model.set("late/old-worker.txt", v);
          late = true;
        }
        await follow(s.t, id, (m) => (phase = m.phase) === stopIn, 150_000);
        if (stopIn === "verifying") {
          await follow(s.t, id, (m) => (m.held?.length ?? 0) > 0, 60_000); // inside a pass, held
        }
        await rt.use(MIGRATIONS).stop();
        await client.stop();
        const { dir, httpPort } = s.t;
        const secret = s.t.settings.secret;
        await s.t.close();
        if (opts.kvLoss) {
          for (const f of ["agent.kv", "agent.kv-wal", "agent.kv-shm"]) {
            await Deno.remove(`${dir}/data/${f}`).catch(() => {});
          }
        }
        t2 = await startTestAgent({
          dir,
          httpPort,
          overrides: { secret, bucket_sync_interval: 0, s3_request_timeout: 60 },
        });
        if (opts.kvLoss) {
          assert.equal((await t2.api("GET", `/api/migrations/${id}`)).status, 404, "KV is gone");
          const rb = await t2.api("POST", "/api/config/rebuild-from-disk");
          assert.equal(rb.status, 200, JSON.stringify(rb.body));
        }
        const back = await t2.api("GET", `/api/migrations/${id}`);
        assert.equal(back.body.phase, stopIn, "the persisted phase survives the restart");
        client = startClient(s.gateway, model, () => phase);
        await t2.agent.rt.use(MIGRATIONS).kick(); // what `agent serve` does at start
        const done = await follow(t2, id, (m) => (phase = m.phase) === "done", 240_000);
        await sleep(200);
        await client.stop();
        assert.deepEqual(client.failures, [], "no failed request through nginx");
        await assertModelOn(s.direct[1], model);
        assert.equal(done.orphaned_source.pool, "hot");
        const log = (await t2.api("GET", `/api/migrations/${id}/log`)).body.log.join("\n");
        if (stopIn === "copying") assert.match(log, /copying pass 1/);
      } finally {
        await client.stop();
        await rt.use(MIGRATIONS).stop().catch(() => {});
        if (t2) {
          await t2.agent.rt.use(MIGRATIONS).stop();
          await t2.close();
        } else await s.t.close().catch(() => {});
        await Promise.all(s.servers.map((x) => x.close()));
      }
    },
  });
}
