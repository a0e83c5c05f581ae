// SLOW (about 80 s): real agent processes, real etcd, s3rver, rclone and nginx.
// The fleet's controller is SIGKILLed in the middle of a bucket migration
// (verifying, under a hold) while a client keeps writing, overwriting,
// deleting and reading through the OTHER node's nginx. That node becomes the
// controller once the dead one's election lease expires, resumes the migration
// from its persisted phase (the at-split listing comes from etcd: the dead
// node's disk is out of reach), and its barrier waits for the dead node,
// naming it, until an operator fences it (DELETE /api/fleet/nodes/gw-a). The
// migration ends done with every client write on the destination and no
// deleted key back, and no request through the surviving nginx failed.
import assert from "node:assert/strict";
import { etcdSuite } from "../helpers/etcd.ts";
import { stopNginx } from "../helpers/proc.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";
import { assertModelOn, sleep, startClient, startHotToCold } from "../migrations/helpers.ts";
import { controllerOf, type Json, logOf, migrationFleet, until, watch } from "./migration_fleet.ts";

const { test } = etcdSuite();

const alive = (pid: number) =>
  Deno.readTextFile(`/proc/${pid}/cmdline`).then((c) => c.includes("rclone"), () => false);

test(
  "SIGKILL of the controller in verifying (or switching): the other node takes over, resumes, and ends done",
  240_000, // about 60 s alone; 106 s beside the whole suite on 2 cores
  async (c) => {
    const t0 = Date.now();
    const f = await migrationFleet(c.endpoints, "mig-kill", ["gw-a", "gw-b"], 100);
    const [a, b] = f.nodes;
    let client: ReturnType<typeof startClient> | null = null;
    const etcd = new Etcd({ endpoints: c.endpoints });
    let id = "";
    const atSplit = () => etcd.get(`${fleetKeys("mig-kill").migration(id)}/at-split`);
    try {
      let phase = "before";
      client = startClient(b.gateway, f.model, () => phase);
      id = await startHotToCold(a.agent);
      const seen: string[] = [];
      const note = (m: Json) => {
        phase = m.phase;
        if (seen.at(-1) !== m.phase) seen.push(m.phase);
      };
      // Killed inside a verify pass, under a hold when one comes (its keys' writes get 503);
      // a pass with nothing left to hold goes on to switching: killed there then.
      let since = 0;
      const at = await watch(a.agent, id, "verifying on A", 150_000, (m) => {
        if (m.phase === "switching") return true;
        if (m.phase !== "verifying") return false;
        since ||= Date.now();
        return m.held?.length > 0 || Date.now() - since > 10_000;
      }, note);
      assert.equal(at.runner, "gw-a");
      // What the resume will need from gw-a's disk is in etcd: the destination at the split.
      const shared = await atSplit();
      assert.ok(shared && JSON.parse(shared.value).chunks >= 1, "at-split shared in etcd");
      const pidFile = `${a.e.cwd}/dev-data/migrations/${id}.rclone.pid`;
      const rclonePid = Number(await Deno.readTextFile(pidFile).catch(() => "0"));
      await a.agent.kill();
      const killedAt = Date.now();
      seen.push("SIGKILL gw-a");
      await stopNginx(a.e); // the whole node is gone, not just its agent
      // Its rclone (if one ran) dies with it: its log pipe is gone (SIGPIPE at its next line).
      if (rclonePid) {
        await until("gw-a's rclone is gone", 10_000, async () => !(await alive(rclonePid)));
      }

      await until("gw-b leads", 30_000, async () => (await controllerOf(b.agent)) === "gw-b");
      const ledAt = Date.now();
      // Resumed from the persisted phase (verifying), waiting for the dead node.
      const waiting = await watch(
        b.agent,
        id,
        "gw-b's barrier names gw-a",
        30_000,
        (m) => m.progress.waiting_for.some((w: string) => w.startsWith("gw-a: ")),
        note,
      );
      const namedAt = Date.now();
      assert.equal(waiting.runner, "gw-b");
      assert.ok(["verifying", "switching"].includes(waiting.phase), waiting.phase);
      if (at.held?.length) {
        // gw-a's hold guarded a copy that died with it: gw-b releases it before its own listings
        assert.ok(
          (await logOf(b.agent, id)).some((l) => l.includes("released the hold on")),
          (await logOf(b.agent, id)).join("\n"),
        );
      }
      const named = waiting.progress.waiting_for.find((w: string) => w.startsWith("gw-a: "));
      // Until fenced, it waits (the status lease of gw-a runs out after 15 s: then "no status").
      await sleep(1500);
      const still = (await b.agent.api("GET", `/api/migrations/${id}`)).body;
      assert.notEqual(still.phase, "done");
      const fence = await b.agent.api("DELETE", "/api/fleet/nodes/gw-a");
      assert.equal(fence.status, 200, JSON.stringify(fence.body));
      const fencedAt = Date.now();
      const done = await watch(
        b.agent,
        id,
        "done on gw-b",
        150_000,
        (m) => m.phase === "done",
        note,
      );
      const log = await logOf(b.agent, id);
      assert.equal(done.phase, "done", log.join("\n"));
      phase = "after";
      await sleep(300);
      await client.stop();
      assert.deepEqual(client.failures, [], "no failed request through gw-b's nginx");
      await assertModelOn(f.direct[1], f.model);
      await assertModelOn(b.gateway, f.model);
      assert.equal(done.orphaned_source?.pool, "hot");
      // Its shared listing goes with the migration's end.
      assert.equal(await atSplit(), undefined, "the shared at-split listing is removed at done");
      // Resumed, never restarted: one copying start, one split, verify passes counted on.
      const count = (re: RegExp) => log.filter((l) => re.test(l)).length;
      assert.equal(count(/copying photos from hot to cold/), 1, log.join("\n"));
      assert.equal(count(/split at /), 1, log.join("\n"));
      const verifyN = log.map((l) => /verify pass (\d+):/.exec(l)?.[1]).filter(Boolean);
      assert.deepEqual(verifyN, [...new Set(verifyN)], log.join("\n"));
      assert.deepEqual(f.servers.flatMap((x) => x.rejected), [], "every signature verified");
      console.log(
        `phases ${seen.join(" > ")}; killed in ${at.phase} under a hold of ${
          at.held?.length ?? 0
        } key(s); ` +
          `gw-b led ${((ledAt - killedAt) / 1000).toFixed(1)} s after the SIGKILL, ` +
          `its barrier named gw-a ${((namedAt - ledAt) / 1000).toFixed(1)} s later (${named}); ` +
          `done ${((Date.now() - fencedAt) / 1000).toFixed(1)} s after the fence; ` +
          `client ops ${
            JSON.stringify(Object.fromEntries(client.phases))
          }, writes held ${b.gateway.slowDowns}; ${((Date.now() - t0) / 1000).toFixed(1)} s in all`,
      );
    } catch (e) {
      for (const n of f.nodes) { // (what each agent said, for the failure)
        console.log(`--- ${n.name}:\n${(n.agent.stdout() + n.agent.stderr()).slice(-3000)}`);
      }
      throw e;
    } finally {
      etcd.close();
      await client?.stop();
      await f.close();
    }
  },
);

test.stopAtEnd();
