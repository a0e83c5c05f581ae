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
    "/projects",
    "/proxies",
    "/certs",
    "/config",
    "/audit",
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
