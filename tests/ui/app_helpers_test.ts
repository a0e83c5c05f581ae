// The UI's pure helpers, run in Deno: which input an API error lights up, the
// audit diff, hash routes and the page registry, route names from paths.
import assert from "node:assert/strict";
import { fieldMatches } from "../../web/app/ui/form.js";
import { diffJson } from "../../web/app/ui/json-diff.js";
import { splitList } from "../../web/app/ui/list-input.js";
import { href, parseHash } from "../../web/app/router.js";
import { findPage, PAGES } from "../../web/app/pages.js";
import { definePage } from "../../web/app/registry.js";
import { routeName } from "../../web/app/pages/site-routes.js";
import { hopText, projectHealth } from "../../web/app/pages/project-health.js";
import { projectBody } from "../../web/app/pages/project-form.js";
import { proxyBody } from "../../web/app/pages/proxy-form.js";
import { daysLeft, renewalLines } from "../../web/app/pages/cert-status.js";
import { etaText, progressFigures, timeline } from "../../web/app/pages/migration-progress.js";
import { routedBuckets } from "../../web/app/pages/migration-start.js";
import { expiresIn } from "../../web/app/ui/ttl.js";

Deno.test("fieldMatches: the named field, and the list or object that holds it", () => {
  assert.ok(fieldMatches("routes[1].path", "routes[1].path"));
  assert.ok(fieldMatches("routes[1].path", "routes[1]"));
  assert.ok(fieldMatches("server_names[2]", "server_names"));
  assert.ok(fieldMatches("ip_rules.addresses[0]", "ip_rules.addresses"));
  assert.ok(!fieldMatches("routes[1].path", "routes[10].path"));
  assert.ok(!fieldMatches("routes[10].path", "routes[1]"));
  assert.ok(!fieldMatches("routes[1].path_x", "routes[1].path"));
  assert.ok(!fieldMatches(null, "name"));
});

Deno.test("diffJson: changed, added and removed leaves by path; record fields ignored", () => {
  const before = { version: 1, members: [{ address: "a:1", weight: 1 }], lb_method: "round_robin" };
  const after = {
    version: 2,
    members: [{ address: "a:1", weight: 5 }, { address: "b:2", weight: 1 }],
    lb_method: "round_robin",
  };
  const { lines, same } = diffJson(before, after);
  assert.deepEqual(lines.map((l) => l.text), [
    "~ members[0].weight: 1 → 5",
    '+ members[1].address: "b:2"',
    "+ members[1].weight: 1",
  ]);
  assert.equal(same, 2);
  assert.deepEqual(diffJson({ a: 1 }, null).lines, [{ kind: "del", text: "- a: 1" }]);
});

Deno.test("hash routes and the page registry", () => {
  assert.deepEqual(parseHash("#/sites/edit/web?x=1"), {
    path: "/sites/edit/web",
    segments: ["sites", "edit", "web"],
    query: { x: "1" },
  });
  assert.equal(parseHash("").path, "/");
  assert.equal(
    href("/audit", { entity: "site/web", page: undefined }),
    "#/audit?entity=site%2Fweb",
  );
  assert.deepEqual(PAGES.map((p) => p.path), [
    "/",
    "/pools",
    "/sites",
    "/buckets",
    "/migrations",
    "/projects",
    "/proxies",
    "/certs",
    "/config",
    "/settings",
    "/drift",
    "/audit",
    "/logs",
    "/access",
    "/fleet",
  ]);
  const f = findPage(["sites", "edit", "web"]);
  assert.equal(f?.page.title, "Sites");
  assert.deepEqual(f?.rest, ["edit", "web"]);
  assert.equal(findPage([])?.page.title, "Dashboard");
  assert.equal(findPage(["nope"]), null);
  assert.throws(
    () => definePage({ path: "/pools", title: "Again", component: () => null }),
    /twice/,
  );
  assert.throws(() => definePage({ path: "x", title: "X", component: () => null }), /path/);
});

Deno.test("route names from paths, unique within the site; lists split on space, comma, newline", () => {
  const taken = new Set(["api"]);
  assert.equal(routeName("/api/", taken), "api-2");
  assert.equal(routeName("/Static/Files/", new Set()), "static-files");
  assert.equal(routeName("/", new Set()), "root");
  assert.equal(routeName("~ \\.php$", new Set()), "php");
  assert.deepEqual(splitList("a.example.com, b.example.com\n\n c "), [
    "a.example.com",
    "b.example.com",
    "c",
  ]);
});

Deno.test("project health: the check's verdict first, else the service state; hop texts", () => {
  const on = { name: "shop", status: "active" };
  const running = { manager: "builtin", active: true, state: "running" };
  const stopped = { manager: "builtin", active: false, state: "restarting" };
  assert.equal(projectHealth({ ...on, status: "inactive" }, running, null).label, "inactive");
  assert.deepEqual(projectHealth(on, null, null).label, "unknown");
  assert.equal(projectHealth(on, running, null).cls, "ok");
  assert.deepEqual(projectHealth(on, stopped, null), {
    label: "restarting",
    cls: "bad",
    why: "builtin reports restarting",
  });
  const failing = { ok: false, issues: ["port 9100: nothing listens", "internal: refused"] };
  assert.deepEqual(projectHealth(on, running, failing), {
    label: "failing",
    cls: "bad",
    why: "port 9100: nothing listens; internal: refused",
  });
  assert.equal(projectHealth(on, stopped, { ok: true, issues: [] }).label, "healthy");
  assert.equal(hopText({ ok: true, status: 200, ms: 4 }), "200 in 4 ms");
  assert.equal(
    hopText({ ok: false, status: null, error: "connection refused" }),
    "connection refused",
  );
  assert.equal(hopText({ skipped: "dry-run" }), "skipped: dry-run");
  assert.equal(hopText(undefined), "");
});

Deno.test("project body: empty optional fields are left out so the API applies its defaults", () => {
  assert.deepEqual(
    projectBody({ name: "a", port: 9100, command: " ", root: "", health_path: "/hz " }, "active"),
    { name: "a", port: 9100, status: "active", health_path: "/hz" },
  );
  const rec = { name: "a", port: 1, description: "d", command: "x", root: "/r", version: 3 };
  assert.deepEqual(projectBody(rec, "inactive"), {
    name: "a",
    port: 1,
    status: "inactive",
    description: "d",
    command: "x",
    root: "/r",
  });
});

Deno.test("proxy body: the proxy's own fields only, trimmed, defaults filled", () => {
  const got = {
    name: "px",
    domain: " px.example.com ",
    upstream_host: "127.0.0.1",
    upstream_port: 8080,
    require_healthy: true,
    enable_ssl: false,
    health_path: "",
    email: "",
    status: "active",
    url: "http://px.example.com/",
    version: 2,
  };
  assert.deepEqual(proxyBody(got), {
    name: "px",
    description: "",
    domain: "px.example.com",
    upstream_host: "127.0.0.1",
    upstream_port: 8080,
    require_healthy: true,
    enable_ssl: false,
    health_path: "/health",
  });
  assert.equal(proxyBody({ ...got, enable_ssl: true, email: "a@b.io" }).email, "a@b.io");
});

Deno.test("certificates: days left and the renewal report as lines", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(daysLeft("2026-01-31T12:00:00Z", now), 30);
  assert.equal(daysLeft("2025-12-31T12:00:00Z", now), -1);
  assert.equal(daysLeft(undefined, now), null);
  assert.deepEqual(
    renewalLines({
      renewed: ["a"],
      failed: [{ name: "b", message: "timeout" }],
      deferred: [{ name: "c", until: "2026-01-01T01:00:00Z" }],
      valid: ["d", "e"],
    }),
    [
      "renewed: a",
      "failed b: timeout",
      "deferred c until 2026-01-01T01:00:00Z",
      "still valid: d, e",
    ],
  );
  assert.deepEqual(renewalLines({ renewed: [], failed: [], deferred: [], valid: [] }), [
    "no certificates",
  ]);
});

Deno.test("migrations: the bar's percent and figures, the phase timeline, the routed buckets", () => {
  const p = (phase: string, progress: Record<string, unknown>) => ({ phase, progress });
  const copying = progressFigures(p("copying", {
    pass: 2,
    bytes: 512,
    total_bytes: 2048,
    objects: 3,
    total_objects: 12,
    rate: 1536,
    eta: 75,
    waiting_for: [],
  }));
  assert.equal(copying.percent, 25);
  assert.equal(copying.bytes, "512 B of 2.0 KiB");
  assert.equal(copying.objects, "3 of 12 objects");
  assert.equal(copying.pass, "pass 2");
  assert.equal(copying.rate, "1.5 KiB/s");
  assert.equal(copying.eta, "1 min 15 s");
  assert.equal(progressFigures(p("copying", { objects: 1, total_objects: 4 })).percent, 25);
  assert.equal(progressFigures(p("done", { bytes: 0, total_bytes: 0 })).percent, 100);
  const finished = progressFigures({
    phase: "done",
    progress: { pass: 1, bytes: 0, objects: 0 },
    passes: [{ transferred: 60, bytes: 3072 }, { transferred: 1, bytes: 1024 }],
  });
  assert.deepEqual([finished.objects, finished.bytes, finished.pass], [
    "61 objects copied",
    "4.0 KiB",
    "2 passes",
  ]);
  assert.equal(progressFigures(p("pending", {})).percent, 0);
  assert.equal(etaText(null), "–");
  assert.equal(etaText(7300), "2 h 2 min");

  const base = {
    started_at: "2026-01-01T00:00:00Z",
    passes: [
      { phase: "copying", started: "2026-01-01T00:00:01Z" },
      { phase: "verifying", started: "2026-01-01T00:00:09Z" },
    ],
    split_at: "2026-01-01T00:00:05Z",
    log: ["2026-01-01T00:00:12.000Z switching: bucket photos routed to cold"],
  };
  const states = (m: object) => timeline(m).map((s) => `${s.phase}:${s.state}`);
  assert.deepEqual(states({ ...base, phase: "verifying" }), [
    "pending:passed",
    "copying:passed",
    "write_routing:passed",
    "verifying:current",
    "switching:todo",
    "done:todo",
  ]);
  const done = timeline({ ...base, phase: "done", ended_at: "2026-01-01T00:00:14Z" });
  assert.ok(done.every((s) => s.state === "passed"));
  assert.equal(done[2].at, "2026-01-01T00:00:05Z");
  assert.equal(done[4].at, "2026-01-01T00:00:12.000Z");
  assert.equal(done[5].at, "2026-01-01T00:00:14Z");
  // Cancelled after the split: the phases it reached, the abort, the end.
  assert.deepEqual(
    states({
      ...base,
      phase: "cancelled",
      log: ["2026-01-01T00:00:10Z aborting to hot: writes go to hot"],
    }),
    [
      "pending:passed",
      "copying:passed",
      "write_routing:passed",
      "verifying:passed",
      "aborting:passed",
      "cancelled:passed",
    ],
  );
  assert.deepEqual(
    states({ started_at: base.started_at, passes: [], log: [], phase: "cancelled" }),
    ["pending:passed", "cancelled:passed"],
  );
  // Cancelled during its first copy pass: the phase line of the log says it copied.
  assert.deepEqual(
    states({
      started_at: base.started_at,
      passes: [],
      log: ["2026-01-01T00:00:01Z copying photos from hot to cold (copy)"],
      phase: "cancelled",
    }),
    ["pending:passed", "copying:passed", "cancelled:passed"],
  );

  assert.deepEqual(
    routedBuckets([
      { bucket: "a", status: "routed", routed_pool: "hot" },
      { bucket: "b", status: "routed", routed_pool: "cold" },
      { bucket: "c", status: "unrouted" },
      { bucket: "d", status: "routed", routed_pool: "hot", http: true },
      { bucket: "e", status: "migrating", routed_pool: "hot" },
    ], "hot"),
    ["a"],
  );
});

Deno.test("expiresIn: the remaining time of an expiring entity, two units at most", () => {
  const now = Date.parse("2026-12-02T10:00:00Z");
  const at = (s: number) => new Date(now + s * 1000).toISOString();
  assert.equal(expiresIn(at(72 * 60), now), "expires in 1 h 12 min");
  assert.equal(expiresIn(at(3600), now), "expires in 1 h");
  assert.equal(expiresIn(at(40), now), "expires in 40 s");
  assert.equal(expiresIn(at(125), now), "expires in 2 min 5 s");
  assert.equal(expiresIn(at(3 * 86400 + 4 * 3600 + 59), now), "expires in 3 d 4 h");
  assert.equal(expiresIn(at(86400 + 30), now), "expires in 1 d", "a zero unit ends it");
  assert.equal(expiresIn(at(0), now), "expired");
  assert.equal(expiresIn(at(-5), now), "expired");
  assert.equal(expiresIn(undefined, now), null);
  assert.equal(expiresIn("not a time", now), null);
});
