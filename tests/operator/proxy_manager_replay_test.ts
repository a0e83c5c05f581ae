// proxy-manager's usage example (seeds/proxy-manager.md, "Usage Example"),
// replayed verbatim with real curl against the drop-in URLs: the text below is
// the seed's, run by sh. A `curl` shell function only adds what the seed's
// machine had and ours has not: the agent's address for localhost:8100 and the
// site's for orchestrator.fullpotential.ai:443 (--connect-to, the URLs stay as
// written), the API key (the same auth as /api) and pebble's root as the CA.
// The upstream of the example, localhost:8001, is a real backend on port 8001.
import assert from "node:assert/strict";
import { certEnv } from "../certs/helpers.ts";

const SEED_USAGE_EXAMPLE = `# Create proxy for orchestrator
curl -X PUT http://localhost:8100/proxies/orchestrator \\
  -H "Content-Type: application/json" \\
  -d '{
    "domain": "orchestrator.fullpotential.ai",
    "upstream_host": "localhost",
    "upstream_port": 8001,
    "require_healthy": true,
    "enable_ssl": false
  }'

# Issue SSL certificate
curl -X POST http://localhost:8100/proxies/orchestrator/ssl \\
  -H "Content-Type: application/json" \\
  -d '{"email": "admin@fullpotential.ai"}'

# Verify traffic
curl https://orchestrator.fullpotential.ai/orchestrator/health
`;

function backendOn8001(): { close(): Promise<void>; seen: string[] } {
  const seen: string[] = [];
  const ac = new AbortController();
  const handler = (req: Request) => {
    const p = new URL(req.url).pathname;
    seen.push(p);
    return new Response(p.endsWith("/health") ? "orchestrator healthy" : `orchestrator ${p}`);
  };
  const servers: Deno.HttpServer[] = [];
  // "localhost" may resolve to ::1 first: answer on both loopbacks where possible.
  for (const hostname of ["127.0.0.1", "::1"]) {
    try {
      servers.push(Deno.serve({ hostname, port: 8001, signal: ac.signal, onListen() {} }, handler));
    } catch (e) {
      if (hostname === "127.0.0.1") {
        throw new Error(`the seed's upstream port 8001 is taken on this machine: ${e}`);
      }
    }
  }
  return {
    seen,
    async close() {
      ac.abort();
      await Promise.all(servers.map((s) => s.finished));
    },
  };
}

Deno.test("the seed's proxy-manager usage example runs verbatim against the drop-in URLs", async () => {
  const upstream = backendOn8001();
  const env = await certEnv({ overrides: { proxy_health_timeout: 5 } });
  const ac = new AbortController();
  const api = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    env.t.agent.app.fetch,
  );
  try {
    const apiPort = (api.addr as Deno.NetAddr).port;
    const root = `${env.t.dir}/pebble-root.pem`;
    await Deno.writeTextFile(root, await env.pebble.issuerCaPem());
    const wrapper = `curl() {
  command curl -sS --max-time 60 -w '\\n[HTTP %{http_code}]\\n' \\
    --connect-to localhost:8100:127.0.0.1:${apiPort} \\
    --connect-to orchestrator.fullpotential.ai:443:127.0.0.1:${env.httpsPort} \\
    -H 'X-Agent-Key: ${env.t.agent.rt.apiKey}' --cacert ${root} "$@"
}
set -e
`;
    const r = await new Deno.Command("sh", {
      args: ["-c", wrapper + SEED_USAGE_EXAMPLE],
      stdout: "piped",
      stderr: "piped",
      env: { CURL_CA_BUNDLE: "", SSL_CERT_FILE: "" },
    }).output();
    const out = new TextDecoder().decode(r.stdout);
    const err = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 0, out + err);
    const answers = out.split(/\n\[HTTP (\d+)\]\n/);
    // [body1, status1, body2, status2, body3, status3, ""]
    assert.equal(answers.length, 7, out);
    const [created, createdStatus, ssl, sslStatus, traffic, trafficStatus] = answers;
    assert.equal(createdStatus, "201", created);
    const p = JSON.parse(created);
    assert.equal(p.droplet_name, "orchestrator");
    assert.equal(p.domain, "orchestrator.fullpotential.ai");
    assert.equal(p.upstream_host, "localhost");
    assert.equal(p.upstream_port, 8001);
    assert.equal(p.ssl_enabled, false);
    assert.equal(p.status, "active");
    assert.ok(upstream.seen.includes("/health"), "require_healthy checked the upstream");

    assert.equal(sslStatus, "200", ssl);
    const s = JSON.parse(ssl);
    assert.equal(s.droplet_name, "orchestrator");
    assert.equal(s.ssl_enabled, true);
    assert.equal(s.certificate.status, "active");

    assert.equal(trafficStatus, "200", traffic);
    assert.equal(traffic, "orchestrator healthy");
    assert.equal(upstream.seen.at(-1), "/orchestrator/health");

    // The rest of the seed's surface on its own paths, with the same key.
    const key = { "x-agent-key": env.t.agent.rt.apiKey };
    const list = await env.t.agent.app.request("/proxies", { headers: key });
    const arr = await list.json();
    assert.ok(Array.isArray(arr));
    assert.deepEqual(arr.map((x: { droplet_name: string }) => x.droplet_name), ["orchestrator"]);
    const health = await env.t.agent.app.request("/proxy-manager/health", { headers: key });
    const hb = await health.json();
    assert.equal(health.status, 200, JSON.stringify(hb));
    assert.equal(hb.status, "healthy");
    assert.equal(hb.nginx.present, true);
    assert.equal(hb.nginx.config_test_ok, true);
    assert.ok(Date.parse(hb.nginx.last_reload_timestamp) > 0, JSON.stringify(hb.nginx));
    assert.equal(hb.ssl.active, 1);
    const noKey = await env.t.agent.app.request("/proxies/orchestrator");
    assert.equal(noKey.status, 401, "the drop-in URLs need the API key too");
    await noKey.body?.cancel();
    const doc = await (await env.t.agent.app.request("/api/openapi.json")).json();
    for (const path of ["/proxies", "/proxies/{droplet_name}", "/proxy-manager/health"]) {
      assert.ok(doc.paths[path], `${path} is in the OpenAPI document`);
    }
    const del = await env.t.agent.app.request("/proxies/orchestrator", {
      method: "DELETE",
      headers: key,
    });
    assert.equal(del.status, 200);
    assert.equal((await del.json()).droplet_name, "orchestrator");
    const gone = await env.t.agent.app.request("/proxies/orchestrator", { headers: key });
    assert.equal(gone.status, 404);
    assert.equal((await gone.json()).error.code, "PROXY_NOT_FOUND");
  } finally {
    ac.abort();
    await api.finished;
    await env.close();
    await upstream.close();
  }
});

Deno.test("GET /proxy-manager/sync-from-registry answers with droplet names, skipped as names", async () => {
  const { startTestAgent } = await import("../helpers/agent.ts");
  const reg = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    Response.json({
      services: [
        {
          name: "ok-one",
          domain: "ok-one.test",
          upstream_host: "127.0.0.1",
          upstream_port: 9,
          require_healthy: false,
        },
        { name: "Bad Name!", domain: "bad.test", upstream_host: "127.0.0.1", upstream_port: 9 },
      ],
    }));
  const t = await startTestAgent({
    overrides: { registry_url: `http://127.0.0.1:${(reg.addr as Deno.NetAddr).port}/` },
  });
  try {
    const r = await t.agent.app.request("/proxy-manager/sync-from-registry", {
      headers: { "x-agent-key": t.agent.rt.apiKey },
    });
    const b = await r.json();
    assert.equal(r.status, 200, JSON.stringify(b));
    assert.deepEqual(b.synced, ["ok-one"]);
    assert.equal(b.synced_count, 1);
    assert.equal(b.skipped_count, 1);
    assert.ok(b.skipped.every((s: unknown) => typeof s === "string"), JSON.stringify(b.skipped));
  } finally {
    await t.close();
    await reg.shutdown();
  }
});
