// GET /metrics after a known sequence of applies, checks, an ejection, a
// certificate, a drifted file and traffic: it parses with the strict parser and
// every family carries the values the agent's own API reports.
import assert from "node:assert/strict";
import { freePort, startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { parsePrometheus, valueOf } from "../helpers/prom-parse.ts";
import { HEALTH } from "../../agent/features/health/monitor.ts";

const FAMILIES = [
  "switchyard_build_info",
  "switchyard_applies_total",
  "switchyard_apply_duration_seconds",
  "switchyard_apply_refusals_total",
  "switchyard_nginx_reloads_total",
  "switchyard_nginx_reload_failures_total",
  "switchyard_nginx_test_failures_total",
  "switchyard_generation",
  "switchyard_drifted_files",
  "switchyard_member_health",
  "switchyard_member_check_latency_seconds",
  "switchyard_members_ejected",
  "switchyard_ejections_total",
  "switchyard_health_checks_total",
  "switchyard_certificate_expiry_timestamp_seconds",
  "switchyard_scheduler_job_last_duration_seconds",
  "switchyard_scheduler_job_runs_total",
  "switchyard_scheduler_job_failures_total",
  "switchyard_http_requests_total",
  "switchyard_http_request_duration_seconds",
  "switchyard_nginx_stub_status_up",
  "switchyard_nginx_connections_active",
  "switchyard_nginx_connections",
  "switchyard_nginx_connections_accepted_total",
  "switchyard_nginx_connections_handled_total",
  "switchyard_nginx_requests_total",
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("/metrics parses strictly and carries every family with the right values", async () => {
  const a = httpBackend("a");
  const b = httpBackend("b");
  const t = await startTestAgent({
    overrides: {
      metrics_token: "scrape-secret",
      metrics_stub_status_port: freePort(),
      health_tick: 0,
      drift_interval: 0,
      backup_interval: 0,
    },
  });
  const scrape = async (auth = "Bearer scrape-secret") => {
    const r = await t.agent.app.request("/metrics", { headers: { authorization: auth } });
    return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
  };
  try {
    // Auth: the token or the API key; nothing else.
    assert.equal((await t.agent.app.request("/metrics")).status, 401);
    assert.equal((await scrape("Bearer wrong")).status, 401);
    assert.equal((await scrape(`Bearer ${t.agent.rt.apiKey}`)).status, 200);
    const m0 = parsePrometheus((await scrape()).text);
    const before = (name: string, labels: Record<string, string> = {}, family = name) =>
      valueOf(m0, name, labels, family) ?? 0;

    // The known sequence: two applies, one refusal, an ejection (one apply).
    const pool = await t.api("PUT", "/api/pools/web", {
      members: [{ address: a.address }, { address: b.address }],
      health_check: { interval: "100ms", timeout: "1s", fall: 2, rise: 1 },
    });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    const site = await t.api("PUT", "/api/sites/web", {
      server_names: ["web.test"],
      default_pool: "web",
    });
    assert.equal(site.status, 201);
    const bad = await t.api("PUT", "/api/pools/bad", {
      members: [{ address: "nosuch.invalid:80" }],
    });
    assert.equal(bad.body.error.code, "NGINX_TEST_FAILED", JSON.stringify(bad.body));
    const health = (await t.api("GET", "/api/health")).body;
    const note = health.reasons.find((r: { message: string }) => r.message.startsWith("refused"));
    assert.ok(note, JSON.stringify(health.reasons));
    assert.match(
      note.message,
      new RegExp(`^refused and reverted: nginx serves generation ${health.generation}`),
    );
    assert.equal(note.degraded, false);
    assert.equal(note.link, "#/audit");

    const rt = t.agent.rt;
    await rt.scheduler.runNow("health-checks");
    await b.close();
    for (let i = 0; i < 2; i++) {
      await sleep(150);
      await rt.scheduler.runNow("health-checks");
    }
    await rt.use(HEALTH).lastApply;

    // A certificate on disk (self-signed, 30 days) with its record.
    const live = `${rt.settings.certbot_dir}/live/shop`;
    await Deno.mkdir(live, { recursive: true });
    const ssl = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/CN=shop.test",
        "-keyout",
        `${live}/privkey.pem`,
        "-out",
        `${live}/fullchain.pem`,
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.ok(ssl.success);
    const end = new TextDecoder().decode(
      (await new Deno.Command("openssl", {
        args: ["x509", "-enddate", "-noout", "-in", `${live}/fullchain.pem`],
      }).output()).stdout,
    ).trim().replace("notAfter=", "");
    await rt.store.write(() => ({
      ops: [{ type: "put", kind: "cert", name: "shop", spec: { domains: ["shop.test"] } }],
      actor: "test",
      action: "cert.put",
      outcome: "applied",
    }));

    // Traffic through nginx (stub_status counts it), then a hand edit (drift).
    for (let i = 0; i < 3; i++) assert.equal((await t.viaNginx("web.test", "/x")).status, 200);
    await Deno.writeTextFile(`${rt.settings.nginx_dir}/current/site-web.conf`, "\n# hand edit\n", {
      append: true,
    });
    await rt.scheduler.runNow("drift");

    const res = await scrape();
    assert.equal(res.status, 200);
    assert.match(res.type ?? "", /^text\/plain; version=0\.0\.4/);
    const m = parsePrometheus(res.text);
    for (const f of FAMILIES) assert.ok(m.has(f), `family ${f} missing`);
    const delta = (name: string, labels: Record<string, string> = {}, family = name) =>
      (valueOf(m, name, labels, family) ?? 0) - before(name, labels, family);

    const rounds = m.get("switchyard_applies_total")!.series.reduce((s, x) => s + x.value, 0) -
      m0.get("switchyard_applies_total")!.series.reduce((s, x) => s + x.value, 0);
    assert.equal(rounds, 4, "pool, site, refused pool, ejection");
    assert.equal(delta("switchyard_applies_total", { outcome: "applied" }) >= 3, true);
    assert.equal(
      delta("switchyard_apply_duration_seconds_count", {}, "switchyard_apply_duration_seconds"),
      4,
    );
    assert.equal(delta("switchyard_apply_refusals_total", { code: "NGINX_TEST_FAILED" }), 1);
    assert.equal(delta("switchyard_nginx_test_failures_total"), 1);
    assert.equal(valueOf(m, "switchyard_nginx_reloads_total"), t.reloads());
    assert.equal(valueOf(m, "switchyard_generation"), rt.reconciler.currentGeneration);
    assert.equal(valueOf(m, "switchyard_drifted_files"), 1);

    const mh = (member: string, status: string) =>
      valueOf(m, "switchyard_member_health", { pool: "web", member, source: "pool", status });
    assert.equal(mh(a.address, "healthy"), 1);
    assert.equal(mh(a.address, "ejected"), 0);
    assert.equal(mh(b.address, "ejected"), 1);
    assert.equal(mh(b.address, "healthy"), 0);
    assert.equal(valueOf(m, "switchyard_members_ejected", { pool: "web" }), 1);
    assert.equal(valueOf(m, "switchyard_ejections_total", { pool: "web" }), 1);
    assert.ok(valueOf(m, "switchyard_health_checks_total", { result: "failed" })! >= 2);
    assert.ok(valueOf(m, "switchyard_health_checks_total", { result: "ok" })! >= 3);
    const lat = valueOf(m, "switchyard_member_check_latency_seconds", {
      pool: "web",
      member: a.address,
      source: "pool",
    });
    assert.ok(lat !== undefined && lat >= 0 && lat < 1);

    assert.equal(
      valueOf(m, "switchyard_certificate_expiry_timestamp_seconds", { cert: "shop" }),
      Math.round(Date.parse(end) / 1000),
    );
    assert.equal(valueOf(m, "switchyard_scheduler_job_runs_total", { job: "health-checks" }), 3);
    assert.equal(
      valueOf(m, "switchyard_scheduler_job_failures_total", { job: "health-checks" }),
      0,
    );
    assert.equal(valueOf(m, "switchyard_scheduler_job_runs_total", { job: "drift" }), 1);
    assert.ok(valueOf(m, "switchyard_scheduler_job_last_duration_seconds", { job: "drift" })! >= 0);

    const req = (method: string, route: string, status: string) =>
      valueOf(m, "switchyard_http_requests_total", { method, route, status });
    assert.equal(req("PUT", "/api/pools/:name", "201"), 1);
    assert.equal(req("PUT", "/api/sites/:name", "201"), 1);
    assert.equal(req("PUT", "/api/pools/:name", String(bad.status)), 1);
    assert.equal(req("GET", "/api/health", "200"), 1);

    assert.equal(valueOf(m, "switchyard_nginx_stub_status_up"), 1);
    assert.ok(valueOf(m, "switchyard_nginx_requests_total")! >= 3);
    assert.ok(valueOf(m, "switchyard_nginx_connections_active")! >= 1); // the scrape's own read
  } finally {
    await t.close();
    await a.close();
    await b.close().catch(() => {});
  }
});
