// The probes against real loopback servers, the stub_status reader, and a pool
// file read back keeping its health_check (it is not in the nginx text).
import assert from "node:assert/strict";
import { httpProbe, s3Probe } from "./probe.ts";
import { parseStubStatus } from "./stub-status.ts";
import { defaultCheck, type Target } from "./targets.ts";
import { poolFromTree } from "../../kinds/pool/parse.ts";
import { parseNginx } from "../../nginx/tokenizer.ts";
import type { Rec } from "../../store/store.ts";

function server(status: number) {
  const ac = new AbortController();
  const s = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    () => new Response("AccessDenied", { status }),
  );
  return {
    address: `127.0.0.1:${(s.addr as Deno.NetAddr).port}`,
    close: async () => {
      ac.abort();
      await s.finished;
    },
  };
}

const target = (address: string, probe = "http"): Target => ({
  id: `pool/p/${address}`,
  source: "pool",
  name: "p",
  address,
  probe,
  check: defaultCheck("/health"),
  operatorDown: false,
});

Deno.test("an S3 server's 403 is alive for the s3 probe, a failure for the http probe", async () => {
  const s = server(403);
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const s3 = await s3Probe(target(s.address, "s3"), client);
    assert.equal(s3.ok, true);
    assert.equal(s3.status, 403);
    const http = await httpProbe(target(s.address), client);
    assert.equal(http.ok, false);
    assert.equal(http.error, "HTTP 403");
  } finally {
    client.close();
    await s.close();
  }
  const c2 = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  const dead = await httpProbe(target(s.address), c2);
  c2.close();
  assert.equal(dead.error, "connection refused");
});

Deno.test("stub_status text is read; anything else is null", () => {
  const text =
    "Active connections: 2 \nserver accepts handled requests\n 10 10 31 \nReading: 0 Writing: 1 Waiting: 1 \n";
  assert.deepEqual(parseStubStatus(text), {
    active: 2,
    accepts: 10,
    handled: 10,
    requests: 31,
    reading: 0,
    writing: 1,
    waiting: 1,
  });
  assert.equal(parseStubStatus("<html>404</html>"), null);
});

Deno.test("a pool read back from its file keeps the stored health_check", () => {
  const text = "upstream sy_web {\n    server 127.0.0.1:81;\n    keepalive 32;\n}\n";
  const hc = {
    enabled: true,
    path: "/hz",
    interval: "5s",
    timeout: "2s",
    expect_status: [200, 399],
    rise: 2,
    fall: 3,
  };
  const base = { name: "web", members: [], health_check: hc } as unknown as Rec;
  const [c] = poolFromTree(
    {
      kind: "pool",
      name: "web",
      file: "pool-web.conf",
      text,
      base,
      state: new Map(),
      ctx: {} as never,
    } as never,
    parseNginx(text),
  );
  assert.deepEqual((c as unknown as { health_check: unknown }).health_check, hc);
});
