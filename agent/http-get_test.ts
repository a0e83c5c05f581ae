// A backend on a port fetch() refuses (6000, 10080...) is still probed for real:
// before, the health monitor saw "Requests to port 6000 are blocked" and called
// a healthy backend dead, and a project's check failed the same way.
import assert from "node:assert/strict";
import { fetchRefusesPort } from "./http-get.ts";
import { httpProbe } from "./features/health/probe.ts";
import { defaultCheck } from "./features/health/targets.ts";
import { probe as projectProbe } from "./features/projects/health.ts";
import { clientForPool, probeMember } from "./features/storage/pool-client.ts";
import type { StorageRuntime } from "./features/storage/settings.ts";

/** A server on the first free port of fetch's blocked list that a backend could use. */
function blockedPortServer(status: number) {
  for (const port of [6000, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]) {
    try {
      const ac = new AbortController();
      const s = Deno.serve(
        { hostname: "127.0.0.1", port, signal: ac.signal, onListen: () => {} },
        (req) => new Response(`seen ${new URL(req.url).pathname}`, { status }),
      );
      return { port, close: async () => (ac.abort(), await s.finished) };
    } catch (e) {
      if (!(e instanceof Deno.errors.AddrInUse)) throw e;
    }
  }
  throw new Error("every port of fetch's blocked list that this test can use is taken");
}

Deno.test("fetchRefusesPort knows fetch's list and the scheme's default port", async () => {
  assert.equal(fetchRefusesPort("http://127.0.0.1:6000/x"), true);
  assert.equal(fetchRefusesPort("http://127.0.0.1:8080/x"), false);
  assert.equal(fetchRefusesPort("http://example.test/"), false);
  // The list is fetch's own: the port it refuses is one the function names.
  const s = blockedPortServer(200);
  try {
    const err = await fetch(`http://127.0.0.1:${s.port}/`).then(() => null, (e) => String(e));
    assert.match(err ?? "fetch reached it", /blocked/);
    assert.equal(fetchRefusesPort(`http://127.0.0.1:${s.port}/`), true);
  } finally {
    await s.close();
  }
});

Deno.test("a backend on a port fetch refuses is healthy to every probe", async () => {
  const s = blockedPortServer(200);
  const address = `127.0.0.1:${s.port}`;
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const r = await httpProbe({
      id: `pool/p/${address}`,
      source: "pool",
      name: "p",
      address,
      probe: "http",
      check: defaultCheck("/health"),
      operatorDown: false,
    }, client);
    assert.deepEqual([r.ok, r.status, r.error], [true, 200, undefined]);
    const hop = await projectProbe("internal", `http://${address}/ready`, { timeoutMs: 2000 });
    assert.deepEqual([hop.ok, hop.status, hop.body], [true, 200, "seen /ready"]);
    assert.equal(await probeMember(address), true);
  } finally {
    client.close();
    await s.close();
  }
  // And when it is gone, the probe says why in the same words as for any port.
  const dead = await projectProbe("internal", `http://${address}/ready`, { timeoutMs: 2000 });
  assert.equal(dead.error, "connection refused (nothing listens)");
  assert.equal(await probeMember(address, 1000), false);
});

Deno.test("the S3 client of a pool skips a member on a port fetch refuses, and says so when none is left", async () => {
  const blocked = blockedPortServer(403);
  const ac = new AbortController();
  const plain = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    () => new Response("AccessDenied", { status: 403 }),
  );
  const members = [`127.0.0.1:${blocked.port}`, `127.0.0.1:${(plain.addr as Deno.NetAddr).port}`];
  // A runtime with only what clientForPool reads: the pool record and the settings.
  const rt = (addresses: string[]) =>
    ({
      store: {
        get: () =>
          Promise.resolve({
            name: "hot",
            type: "nanio",
            members: addresses.map((address) => ({ address })),
          }),
      },
      settings: { s3_access_key: "k", s3_secret_key: "s", s3_request_timeout: 5 },
    }) as unknown as StorageRuntime;
  try {
    assert.equal((await clientForPool(rt(members), "hot")).endpoint, `http://${members[1]}`);
    const err = await clientForPool(rt([members[0]]), "hot").then(() => null, (e) => e);
    assert.equal(err?.code, "UPSTREAM_UNHEALTHY");
    assert.match(err.message, new RegExp(`${members[0]}.*refuses; give one member another port`));
  } finally {
    ac.abort();
    await plain.finished;
    await blocked.close();
  }
});
