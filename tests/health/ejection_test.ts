// Active health checks against real backends behind a real nginx: a dead member
// is ejected (rendered down, applied, audited) within fall × interval plus one
// apply, gets no traffic, and comes back after `rise` passing checks.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { startTestAgent } from "../helpers/agent.ts";
import { CHECK, downIn, liveUpstream, poolRig, statusOf, waitFor } from "./helpers.ts";

Deno.test("kill one of three: ejected within fall × interval + one apply, no 502, audited; restart: back after rise", async () => {
  const rig = await poolRig();
  const { t, backends } = rig;
  try {
    const [victim] = backends;
    await waitFor("all healthy", async () => {
      for (const b of backends) if (await statusOf(t, b.address) !== "healthy") return false;
      return true;
    });
    const killedAt = performance.now();
    await victim.close();
    await waitFor(
      "ejection live in nginx",
      async () => downIn(await liveUpstream(t), victim.address),
    );
    const ms = performance.now() - killedAt;
    // fall × interval, one pass of slack (the job's tick) and one apply (generous: a loaded machine).
    const bound = CHECK.fall * 1000 + 1000 + 3000;
    console.log(`death -> ejection live: ${Math.round(ms)} ms (bound ${bound} ms)`);
    assert.ok(ms < bound, `ejected after ${Math.round(ms)} ms, over ${bound} ms`);
    assert.equal(await statusOf(t, victim.address), "ejected");

    // No request reaches the dead member any more: no 502, only the two others answer.
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = await t.viaNginx("web.test", `/p${i}`, { headers: { connection: "close" } });
      assert.equal(r.status, 200, `request ${i}: ${r.status} ${r.text}`);
      seen.add(r.text.split(" ")[0]);
    }
    assert.deepEqual([...seen].sort(), ["b1", "b2"]);

    const audit = await t.api("GET", "/api/audit?action=pool.eject");
    const entry = audit.body.entries.find((e: { message: string }) =>
      e.message.includes(victim.address)
    );
    assert.ok(entry, JSON.stringify(audit.body));
    assert.equal(entry.actor, "health");
    assert.match(entry.message, /ejected 127\.0\.0\.1:\d+ \(connection refused\)/);

    // The operator's pool record is untouched: the ejection is the agent's own record.
    const pool = await t.api("GET", "/api/pools/web");
    assert.ok(pool.body.members.every((m: { down: boolean }) => m.down === false));

    // Restart it on the same port: back after `rise` passing checks.
    const again = httpBackend("b0", { port: victim.port });
    backends[0] = again;
    const backAt = performance.now();
    await waitFor(
      "member back in nginx",
      async () => !downIn(await liveUpstream(t), victim.address),
    );
    const m = (await t.api("GET", "/api/pools/web/health")).body.members.find((
      x: { address: string },
    ) => x.address === victim.address);
    assert.equal(m.status, "healthy");
    assert.ok(m.transitions >= 2, JSON.stringify(m));
    // rise (2) checks one interval apart: at least one interval after it answered again.
    assert.ok(performance.now() - backAt >= (CHECK.rise - 1) * 1000 - 200);
    const restore = await t.api("GET", "/api/audit?action=pool.restore");
    assert.ok(
      restore.body.entries.some((e: { message: string }) =>
        e.message.includes(`restored ${victim.address}`)
      ),
    );
    // It gets traffic again. The file above is on disk once swapped, before nginx has
    // reloaded it (CI's 12 requests right after it all reached the old workers): ask
    // until the restored member answers.
    const seen2 = new Set<string>();
    await waitFor("the restored member answers through nginx", async () => {
      for (let i = 0; i < 6; i++) {
        seen2.add((await t.viaNginx("web.test", `/q${i}`)).text.split(" ")[0]);
      }
      return seen2.has("b0");
    }, 10_000);
  } finally {
    await rig.close();
  }
});

Deno.test("kill all: the last member is not ejected and /api/health says why, with a link", async () => {
  const rig = await poolRig();
  const { t, backends } = rig;
  try {
    await waitFor("healthy", async () => await statusOf(t, backends[2].address) === "healthy");
    for (const b of backends) await b.close();
    const health = await waitFor("two ejected, one kept", async () => {
      const h = (await t.api("GET", "/api/health")).body;
      return h.health_checks.ejected === 2 && h.health_checks.unhealthy === 1 ? h : null;
    });
    assert.equal(health.status, "degraded");
    const kept = health.reasons.find((r: { message: string }) =>
      r.message.includes("is not ejected")
    );
    assert.ok(kept, JSON.stringify(health.reasons));
    assert.match(kept.message, /pool web: member 127\.0\.0\.1:\d+ fails its health checks/);
    assert.match(kept.message, /it is the last member serving the pool/);
    assert.equal(kept.link, "#/pools/health/web");
    // Once applied, nginx still has one member up: the pool never renders all-down.
    const conf = await waitFor("two down in nginx", async () => {
      const c = await liveUpstream(t);
      return backends.filter((b) => downIn(c, b.address)).length === 2 ? c : null;
    });
    const last = backends.find((b) => !downIn(conf, b.address))!;
    assert.ok(kept.message.includes(last.address), kept.message);
  } finally {
    await rig.close();
  }
});

Deno.test("a member that accepts and never answers does not delay the others' checks", async () => {
  // A listener that accepts connections and never writes a byte.
  const hang = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const c of hang) conns.push(c);
  })().catch(() => {});
  const hangAddr = `127.0.0.1:${(hang.addr as Deno.NetAddr).port}`;
  const rig = await poolRig(2, {}, { ...CHECK, timeout: "3s", fall: 3 });
  const { t, backends } = rig;
  try {
    const put = await t.api("PUT", `/api/pools/web/members/${encodeURIComponent(hangAddr)}`, {});
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const start = (await t.api("GET", "/api/pools/web/health")).body.members;
    await new Promise((r) => setTimeout(r, 6000));
    const end = (await t.api("GET", "/api/pools/web/health")).body.members;
    const checks = (ms: { address: string; checks: number }[], a: string) =>
      ms.find((m) => m.address === a)?.checks ?? 0;
    for (const b of backends) {
      const n = checks(end, b.address) - checks(start, b.address);
      // interval 1s for 6 s: about 6 checks each; the hanging member's 3 s probes never hold them.
      assert.ok(n >= 4, `${b.address}: ${n} checks in 6 s`);
    }
    const h = end.find((m: { address: string }) => m.address === hangAddr);
    assert.ok(h.checks <= 2, `hanging member checked ${h.checks} times in 6 s (3 s timeout)`);
    assert.match(h.last_error ?? "", /timed out/);
  } finally {
    await rig.close();
    hang.close();
    for (const c of conns) c.close();
  }
});

Deno.test("an ejection survives a restart of the agent", async () => {
  const rig = await poolRig(2);
  const { t, backends } = rig;
  const dir = t.dir;
  try {
    await waitFor("healthy", async () => await statusOf(t, backends[0].address) === "healthy");
    await backends[0].close();
    await waitFor("ejected", async () => downIn(await liveUpstream(t), backends[0].address));
    await t.close();
    const t2 = await startTestAgent({ dir, httpPort: t.httpPort });
    try {
      // Before any probe ran: still ejected, still rendered down.
      assert.equal(await statusOf(t2, backends[0].address), "ejected");
      assert.ok(downIn(await liveUpstream(t2), backends[0].address));
      const r = await t2.viaNginx("web.test", "/x");
      assert.equal(r.text, "b1 /x");
    } finally {
      await t2.close();
    }
  } finally {
    for (const b of backends) await b.close().catch(() => {});
  }
});

Deno.test("health_ejection = observe: a dead member is reported, never rendered down", async () => {
  const rig = await poolRig(2, { overrides: { health_ejection: "observe" } });
  const { t, backends } = rig;
  try {
    await waitFor("healthy", async () => await statusOf(t, backends[0].address) === "healthy");
    await backends[0].close();
    await waitFor("unhealthy", async () => await statusOf(t, backends[0].address) === "unhealthy");
    const m = (await t.api("GET", "/api/health/members")).body.members.find((
      x: { address: string },
    ) => x.address === backends[0].address);
    assert.equal(m.not_ejected, "health_ejection is observe");
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(downIn(await liveUpstream(t), backends[0].address), false);
    assert.equal((await t.api("GET", "/api/audit?action=pool.eject")).body.entries.length, 0);
  } finally {
    await rig.close();
  }
});
