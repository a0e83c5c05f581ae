// SIGKILL of the real agent process (`agent serve --dev`) once in each phase of a
// bucket migration (copying, write_routing, verifying, switching) while a client
// keeps writing, overwriting, deleting and reading through nginx, which outlives
// the agent. Each time another agent starts on the same data dir: it finds the
// persisted phase, resumes from it (never from copying after the split), and the
// migration ends done with every client write on the destination, no deleted key
// back, and no request through nginx failed. No test hook in the agent: the short
// phases are held open by slow PUTs that keep an old nginx worker alive across
// the reload, so the engine's barrier waits (killed.ts).
import assert from "node:assert/strict";
import { type AgentProc, spawnAgent, stopNginx } from "../helpers/proc.ts";
import { stopLeftover } from "../../agent/features/migrations/rclone.ts";
import { assertModelOn, BIG, BUCKET, sleep, startClient, startHotToCold } from "./helpers.ts";
import { type ProcSetup, procSetup, Trickles } from "./killed.ts";

const ORDER = ["pending", "copying", "write_routing", "verifying", "switching", "done"];
/**
 * The phase before a short one: trickles opened in it are on the nginx worker the
 * short phase's reload retires, so its barrier waits (up to worker_shutdown_timeout,
 * 10 s in dev mode: the SIGKILL and the restart fit well within it).
 */
const BEFORE: Record<string, string> = { write_routing: "copying", switching: "verifying" };
const OLD_WORKER = /old nginx worker/;

// deno-lint-ignore no-explicit-any
type Migration = any;

async function logOf(a: AgentProc, id: string): Promise<string[]> {
  return (await a.api("GET", `/api/migrations/${id}/log`)).body.log ?? [];
}

/** Waits (up to 10 s) for a line in the migration's log. */
async function logLine(a: AgentProc, id: string, line: string): Promise<void> {
  for (let i = 0; i < 200 && !(await logOf(a, id)).some((l) => l.includes(line)); i++) {
    await sleep(50);
  }
  assert.ok((await logOf(a, id)).some((l) => l.includes(line)), line);
}

/** Polls until the migration is where a kill in `want` should land; fails if it went past. */
async function reach(
  a: AgentProc,
  id: string,
  want: string,
  tr: Trickles,
  pidFile: string,
  seen: (m: Migration) => void,
): Promise<Migration> {
  const deadline = Date.now() + 150_000;
  let since = 0;
  tr.frozen = false;
  while (true) {
    const r = await a.api("GET", `/api/migrations/${id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const m = r.body;
    seen(m);
    if (m.phase === want) {
      tr.frozen = true; // the trickles open now are on the worker before the reload
      since ||= Date.now();
      if (want === "copying") {
        // inside a pass: rclone runs, and has run a while
        const pid = await Deno.readTextFile(pidFile).catch(() => "");
        if (pid && Date.now() - since > 1000) return m;
      } else if (want === "verifying") {
        if (m.held?.length) return m; // inside a pass, under a hold (writes to its keys 503)
      } else if (m.progress.waiting_for.some((w: string) => OLD_WORKER.test(w))) return m;
    } else if (ORDER.indexOf(m.phase) > ORDER.indexOf(want) || !ORDER.includes(m.phase)) {
      assert.fail(
        `could not stop in ${want}: the migration went on to ${m.phase}\n${
          (await logOf(a, id)).join("\n")
        }`,
      );
    } else if (m.phase === BEFORE[want]) await tr.roll();
    if (Date.now() > deadline) {
      assert.fail(`timed out before ${want} (in ${m.phase})\n${(await logOf(a, id)).join("\n")}`);
    }
    await sleep(50);
  }
}

const alive = (pid: number) =>
  Deno.readTextFile(`/proc/${pid}/cmdline`).then((c) => c.includes("rclone"), () => false);

async function killRun(kills: string[]) {
  let setup: (ProcSetup & { agent: AgentProc }) | null = null;
  let agent: AgentProc | null = null;
  let client: ReturnType<typeof startClient> | null = null;
  let tr: Trickles | null = null;
  let pidFile = "";
  const started = Date.now();
  try {
    // A bandwidth limit on the first agent only: its first copy pass (8 MiB) lasts
    // long enough that the SIGKILL surely lands inside it.
    setup = await procSetup(
      200,
      (e) =>
        spawnAgent(e, kills[0] === "copying" ? { AGENT_MIGRATION_BANDWIDTH_LIMIT: "512K" } : {}),
    );
    const { e, model, gateway } = setup;
    agent = setup.agent;
    tr = new Trickles(e.httpPort);
    let phase = "before";
    client = startClient(gateway, model, () => phase);
    const id: string = await startHotToCold(agent);
    const dir = `${e.cwd}/dev-data/migrations`;
    pidFile = `${dir}/${id}.rclone.pid`;
    const seen: string[] = [];
    const note = (m: Migration) => {
      phase = m.phase;
      if (seen.at(-1) !== m.phase) seen.push(m.phase);
    };
    const figures: string[] = [];
    for (const want of kills) {
      const t0 = Date.now();
      const at = await reach(agent, id, want, tr, pidFile, note);
      const rclonePid = Number(await Deno.readTextFile(pidFile).catch(() => "0"));
      // rclone's stderr is a pipe to the agent: killed alone, it dies of SIGPIPE at
      // its next log line (measured: within 60 ms). Stopped, it writes nothing and
      // outlives the agent, as the engine's leftover check (rclone.pid) supposes.
      if (want === "copying") Deno.kill(rclonePid, "SIGSTOP");
      await agent.kill();
      const st: Deno.CommandStatus = await agent.status;
      assert.equal(st.signal, "SIGKILL");
      seen.push("SIGKILL");
      // What the next agent starts from: the migration's sidecar (KV is written first).
      const persisted = JSON.parse(await Deno.readTextFile(`${dir}/${id}.json`));
      assert.equal(persisted.phase, want, "the phase persisted at the SIGKILL");
      if (want === "copying") assert.ok(await alive(rclonePid), "rclone outlives the agent");
      const t1 = Date.now();
      agent = await spawnAgent(e);
      const back = (await agent.api("GET", `/api/migrations/${id}`)).body;
      assert.equal(back.phase, want, "the restarted agent resumes from the persisted phase");
      if (BEFORE[want]) {
        // the resumed agent waits for the same old worker, until the trickles end
        await sleep(300);
        const w = (await agent.api("GET", `/api/migrations/${id}`)).body;
        assert.equal(w.phase, want, JSON.stringify(w.progress));
        tr.endAll();
      }
      if (want === "verifying") {
        // killed under a hold: the next agent releases it before its own listings
        // (counted from what the API showed: the state the next agent reads; the sidecar
        // follows the state write, and CI once killed the agent between the two)
        await logLine(agent, id, `released the hold on ${at.held.length} key(s) left by`);
      }
      if (want === "copying") {
        await logLine(agent, id, `stopped rclone (pid ${rclonePid}) left running by the agent`);
        assert.equal(await alive(rclonePid), false, "the leftover rclone is stopped");
      }
      figures.push(
        `${want}: reached in ${((t1 - t0) / 1000).toFixed(1)} s, restarted in ${
          ((Date.now() - t1) / 1000).toFixed(1)
        } s`,
      );
    }
    const deadline = Date.now() + 150_000;
    let done: Migration;
    while (true) {
      done = (await agent.api("GET", `/api/migrations/${id}`)).body;
      note(done);
      if (!["copying", "write_routing", "verifying", "switching"].includes(done.phase)) break;
      assert.ok(Date.now() < deadline, `not done in time (${done.phase})`);
      await sleep(50);
    }
    const log = await logOf(agent, id);
    assert.equal(done.phase, "done", log.join("\n"));
    phase = "after";
    await sleep(300);
    await client.stop();
    assert.deepEqual(client.failures, [], "no failed request through nginx");
    await assertModelOn(setup.direct[1], model);
    await assertModelOn(gateway, model);
    const big = await setup.direct[1].request("HEAD", `/${BUCKET}/${BIG}`);
    assert.equal(big.headers.get("content-length"), String(8 * 1024 * 1024));
    assert.equal(done.orphaned_source?.pool, "hot");
    // Resumed, never restarted: one start of copying, one split; verify passes go on counting.
    const count = (re: RegExp) => log.filter((l) => re.test(l)).length;
    assert.equal(count(/copying photos from hot to cold/), 1, log.join("\n"));
    assert.equal(count(/split at /), 1, log.join("\n"));
    const verifyN = log.map((l) => /verify pass (\d+):/.exec(l)?.[1]).filter(Boolean);
    assert.deepEqual(verifyN, [...new Set(verifyN)], log.join("\n"));
    assert.deepEqual(setup.servers.flatMap((x) => x.rejected), [], "every signature verified");
    console.log(
      `phases ${seen.join(" > ")}; ${figures.join("; ")}; client ops by phase ${
        JSON.stringify(Object.fromEntries(client.phases))
      }; writes held (503 retried) ${gateway.slowDowns}; ${
        ((Date.now() - started) / 1000).toFixed(1)
      } s in all`,
    );
  } finally {
    tr?.endAll();
    await client?.stop();
    await agent?.stop().catch(() => {});
    if (pidFile) await stopLeftover(pidFile);
    if (setup) {
      await stopNginx(setup.e);
      await Promise.all(setup.servers.map((s) => s.close()));
      await Deno.remove(setup.e.cwd, { recursive: true }).catch(() => {});
    }
  }
}

Deno.test("SIGKILL in copying, write_routing, verifying and switching: each restarted agent resumes the migration from its persisted phase, which ends done with nothing lost", async () => {
  await killRun(["copying", "write_routing", "verifying", "switching"]);
});
