// kill -9 at every step of an apply. The real agent runs as a subprocess with
// AGENT_CRASH_AT naming the step (a test hook, crashAtEnv in agent/nginx/deps.ts,
// that SIGKILLs the process there); a change through its API kills it; a restart
// must leave a complete generation on disk that passes nginx -t, nginx serving
// it, and KV and disk reconciled: the change applied, its audit entry resolved.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";
import { sameRecord } from "../../agent/nginx/reconciler.ts";
import { sha256 } from "../../agent/nginx/generations.ts";
import { devEnv, diskPassesNginxT, spawnAgent, stopNginx } from "../helpers/proc.ts";

const STEPS = ["after-kv-write", "after-generation-write", "after-swap", "after-reload"];

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const step of STEPS) {
  Deno.test(`SIGKILL ${step}: the restarted agent serves a complete generation and KV matches disk`, async () => {
    const be = httpBackend("be");
    const cwd = await tempDir("crash");
    const e = devEnv(cwd);
    try {
      // a running setup, then the agent dies hard (nginx keeps running)
      const a0 = await spawnAgent(e);
      assert.equal(
        (await a0.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
        201,
      );
      assert.equal(
        (await a0.api("PUT", "/api/sites/one", { server_names: ["one.test"], default_pool: "web" }))
          .status,
        201,
      );
      await a0.kill();

      // the crashing agent adopts the running nginx; the next change kills it at `step`
      const a1 = await spawnAgent(e, { AGENT_CRASH_AT: step });
      const before = (await a1.api("GET", "/api/config/status")).body;
      assert.equal(before.pending_count, 0);
      const put = a1.api("PUT", "/api/sites/two", {
        server_names: ["two.test"],
        default_pool: "web",
      })
        .then(() => "answered", () => "connection lost");
      const st = await a1.status;
      assert.equal(st.signal, "SIGKILL", `the agent was killed at ${step}: ${a1.stderr()}`);
      assert.equal(await put, "connection lost");

      // restart: recovery, then the startup apply of whatever is pending
      const a2 = await spawnAgent(e);
      try {
        const status = await waitFor("no pending change", async () => {
          const s = (await a2.api("GET", "/api/config/status")).body;
          return s.pending_count === 0 &&
              (s.last_apply === null || s.last_apply.status !== "pending")
            ? s
            : null;
        });
        // nginx -t passes on what is on disk, and nginx serves both sites
        const t = await diskPassesNginxT(e);
        assert.ok(t.ok, t.output);
        for (const host of ["one.test", "two.test"]) {
          const r = await rawRequest({ port: e.httpPort, host, path: "/x" });
          assert.equal(r.text, "be /x", `${host} after a crash ${step}`);
        }
        // the current generation is complete (every file as its manifest says) and nothing half-written is left
        const gens = `${cwd}/dev-data/nginx/managed/generations`;
        const leftovers = [...Deno.readDirSync(gens)].filter((x) => x.name.startsWith(".tmp-"));
        assert.deepEqual(leftovers, []);
        const cur = `${cwd}/dev-data/nginx/managed/current`;
        const manifest = JSON.parse(await Deno.readTextFile(`${cur}/manifest.json`));
        assert.equal(manifest.generation, status.generation);
        for (
          const [f, entry] of Object.entries(manifest.files as Record<string, { sha256: string }>)
        ) {
          assert.equal(sha256(await Deno.readTextFile(`${cur}/${f}`)), entry.sha256, f);
        }
        // KV and disk agree record for record
        const kv = [
          ...(await a2.api("GET", "/api/pools")).body.pools.map((
            r: { name: string },
          ) => ["pool", r]),
          ...(await a2.api("GET", "/api/sites")).body.sites.map((
            r: { name: string },
          ) => ["site", r]),
        ];
        assert.deepEqual(
          kv.map(([k, r]) => `${k}/${r.name}`).sort(),
          Object.keys(manifest.entities).sort(),
        );
        for (const [kind, rec] of kv) {
          const side = JSON.parse(await Deno.readTextFile(`${cur}/${kind}-${rec.name}.meta.json`));
          assert.ok(sameRecord(side.record, rec), `${kind}/${rec.name}: KV and sidecar differ`);
        }
        // the change is recorded as applied, not left pending
        const audit =
          (await a2.api("GET", "/api/audit?entity=site/two&action=site.put")).body.entries;
        assert.equal(audit.length, 1);
        assert.equal(audit[0].outcome, "applied", JSON.stringify(audit[0]));
        if (step === "after-swap") {
          assert.ok(
            status.warnings.some((w: string) => /had not loaded generation/.test(w)),
            JSON.stringify(status.warnings),
          );
        }
      } finally {
        await a2.stop();
      }
    } finally {
      await stopNginx(e);
      await be.close();
      await Deno.remove(cwd, { recursive: true }).catch(() => {});
    }
  });
}
