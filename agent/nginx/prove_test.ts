// The reload proof: when it looks again, and that a new-generation answer from
// the probe proves a reload while the old workers still accept. The nginx side
// (signal, workers, error log) is a stand-in here; the probe is a real loopback
// server. tests/integration/probe_test.ts runs the same proof against real nginx.
import assert from "node:assert/strict";
import { nextLook, type ProcessInfo, proveReload } from "./control.ts";

Deno.test("the proof looks every 10 ms while nginx parses, every millisecond once new workers are forked", () => {
  const looks = (forked: boolean, probe: boolean) => {
    const out = [2];
    for (let i = 0; i < 6; i++) out.push(nextLook(out[out.length - 1], forked, probe));
    return out;
  };
  assert.deepEqual(looks(false, true), [2, 4, 8, 10, 10, 10, 10]);
  assert.deepEqual(looks(true, true), [2, 1, 1, 1, 1, 1, 1]);
  // Without the probe the proof is the old workers stopping, ~100 ms after the fork.
  assert.deepEqual(looks(true, false), [2, 4, 8, 16, 32, 50, 50]);
});

Deno.test("a new worker answering the new hash proves the reload while the old one still accepts", async () => {
  let hash = "a".repeat(16);
  let requests = 0;
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = server.addr.port;
  const serving = (async () => {
    for await (const conn of server) {
      requests++;
      await conn.write(new TextEncoder().encode(`HTTP/1.0 200 OK\r\n\r\n${hash}`)).catch(() => {});
      conn.close();
    }
  })().catch(() => {});
  let looks = 0;
  const old: ProcessInfo = { pid: 1, startedAt: 0, title: "nginx: worker process" };
  const fresh: ProcessInfo = { pid: 2, startedAt: 1, title: "nginx: worker process" };
  const nginx = {
    reload: () => Promise.resolve({ ok: true, output: "" }),
    errorLogSize: () => Promise.resolve(0),
    errorLogSince: () => Promise.resolve(""),
    workers: () => {
      looks++;
      // forked on the third look after the signal; the new worker answers soon after
      if (looks === 4) setTimeout(() => (hash = "b".repeat(16)), 0);
      return Promise.resolve(looks >= 4 ? [old, fresh] : [old]);
    },
  };
  try {
    const r = await proveReload(nginx, 5, {
      target: { connect: "127.0.0.1", port, listen: "127.0.0.1" },
      expect: "b".repeat(16),
    });
    assert.equal(r.ok, true, r.output);
    assert.ok(requests >= 4, `probed ${requests} times`);
  } finally {
    server.close();
    await serving;
  }
});

Deno.test("an [emerg] after the signal fails the proof with nginx's lines", async () => {
  const nginx = {
    reload: () => Promise.resolve({ ok: true, output: "" }),
    errorLogSize: () => Promise.resolve(0),
    errorLogSince: () =>
      Promise.resolve('2026/12/03 [emerg] 1#1: unknown directive "bogus" in /x.conf:1\n'),
    workers: () => Promise.resolve([]),
  };
  const r = await proveReload(nginx, 5);
  assert.equal(r.ok, false);
  assert.match(r.output, /unknown directive "bogus"/);
});

/** A stand-in nginx: `forkAt` looks after the signal the new worker appears; records stopAccepting. */
function handoffNginx(forkAt: number | null) {
  let looks = 0;
  const stopped: number[][] = [];
  const quit = new Set<number>();
  const w = (pid: number, title: string): ProcessInfo => ({ pid, startedAt: 0, title });
  const nginx = {
    stopped,
    reload: () => Promise.resolve({ ok: true, output: "" }),
    errorLogSize: () => Promise.resolve(0),
    errorLogSince: () => Promise.resolve(""),
    stopAccepting: (pids: number[]) => {
      stopped.push(pids);
      for (const p of pids) quit.add(p);
      return Promise.resolve();
    },
    workers: () => {
      looks++;
      const old = [
        w(1, quit.has(1) ? "nginx: worker process is shutting down" : "nginx: worker process"),
        w(2, "nginx: worker process is shutting down"), // from an earlier reload
        w(3, "nginx: cache manager process"), // nginx's master stops it
      ];
      const forked = forkAt !== null && looks > forkAt;
      return Promise.resolve(forked ? [...old, w(4, "nginx: worker process")] : old);
    },
  };
  return nginx;
}

Deno.test("handoff early: once new workers run, the old ones still accepting are told to stop, once; then the reload is proven", async () => {
  const nginx = handoffNginx(2);
  const r = await proveReload(nginx, 5, undefined, "early");
  assert.equal(r.ok, true, r.output);
  assert.deepEqual(nginx.stopped, [[1]]);
});

Deno.test("handoff nginx: the agent signals no worker; its master does", async () => {
  const nginx = handoffNginx(2);
  // the stand-in's old worker never stops accepting by itself: the proof times out
  const r = await proveReload(nginx, 0.3, undefined, "nginx");
  assert.equal(r.ok, false);
  assert.deepEqual(nginx.stopped, []);
});

Deno.test("handoff early: a reload that forks no workers (refused) signals none", async () => {
  const nginx = handoffNginx(null);
  const r = await proveReload(nginx, 0.3, undefined, "early");
  assert.equal(r.ok, false);
  assert.match(r.output, /no new workers/);
  assert.deepEqual(nginx.stopped, []);
});
