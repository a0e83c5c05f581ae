// activate / deactivate end to end: a real private nginx, the builtin
// supervisor and the scaffolded web.py (python3). What a user sees: the
// project's page through nginx, 404 after deactivation, files kept, and
// refusals that name the field, the holder or the hop that failed.
import assert from "node:assert/strict";
import { freePort } from "../helpers/agent.ts";
import { rawRequest } from "../helpers/http.ts";
import { isListening } from "../../agent/features/projects/ports.ts";
import { exists, occupyPort, startProjectsAgent, waitFor } from "./helpers.ts";

Deno.test("activate scaffolds web.py and routes /<name>/ through nginx; deactivate answers 404 and keeps the files", async () => {
  const t = await startProjectsAgent();
  try {
    const port = freePort();
    const r = await t.api("PUT", "/api/projects/shop", { port });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, "active");
    assert.equal(r.body.manager, "builtin");
    assert.equal(r.body.apply.status, "applied");
    assert.equal(r.body.checks.internal.ok, true);
    assert.equal(r.body.checks.external.ok, true);
    assert.equal(r.body.checks.external.url, `http://127.0.0.1:${t.httpPort}/shop/health`);
    const dir = `${t.settings.projects_root}/shop`;
    assert.equal(r.body.directory, dir);
    assert.equal(r.body.scaffolded, `${dir}/web.py`);

    // Any host name reaches the projects site in dev mode (default server).
    const page = await t.viaNginx("whatever.example", "/shop/");
    assert.equal(page.status, 200);
    assert.equal(page.text.trim(), "Hello world: shop");
    assert.equal((await t.viaNginx("whatever.example", "/shop/health")).text.trim(), "ok");
    const bare = await t.viaNginx("whatever.example", "/shop?x=1");
    assert.equal(bare.status, 301);
    assert.match(bare.headers.get("location") ?? "", /\/shop\/\?x=1$/);

    // The same PUT again changes nothing: same record version, same process.
    const pid = r.body.service.pid;
    const again = await t.api("PUT", "/api/projects/shop", { port });
    assert.equal(again.status, 200);
    assert.equal(again.body.version, 1);
    assert.equal(again.body.service.pid, pid);

    const off = await t.api("PUT", "/api/projects/shop", { port, status: "inactive" });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.status, "inactive");
    assert.equal((await t.viaNginx("whatever.example", "/shop/")).status, 404);
    assert.equal(await isListening(port), false, "the backend was stopped");
    assert.ok(await exists(`${dir}/web.py`), "the project directory stays");
    const got = await t.api("GET", "/api/projects/shop");
    assert.equal(got.body.status, "inactive");
    assert.equal(got.body.service.state, "stopped");

    // activate never overwrites: an edited web.py is what runs.
    const custom = (await Deno.readTextFile(`${dir}/web.py`)).replace(
      '"Hello world: " + NAME',
      '"custom page of " + NAME',
    );
    await Deno.writeTextFile(`${dir}/web.py`, custom);
    const on = await t.api("PUT", "/api/projects/shop", { port });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.scaffolded, null);
    assert.equal((await t.viaNginx("x", "/shop/")).text.trim(), "custom page of shop");

    const doc = await t.api("GET", "/api/openapi.json");
    assert.ok(doc.body.paths["/api/projects/{name}"].put);
    assert.ok(doc.body.paths["/api/projects/check"].post);

    const del = await t.api("DELETE", "/api/projects/shop");
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.deleted, true);
    assert.equal((await t.api("GET", "/api/projects/shop")).status, 404);
    assert.equal((await t.viaNginx("x", "/shop/")).status, 404);
    assert.equal(await Deno.readTextFile(`${dir}/web.py`), custom);
  } finally {
    await t.close();
  }
});

Deno.test("bad input is VALIDATION_FAILED naming the field; a taken port is CONFLICT naming the holder", async () => {
  const t = await startProjectsAgent();
  const busy = occupyPort();
  try {
    const bad = async (name: string, body: unknown, field: string) => {
      const r = await t.api("PUT", `/api/projects/${name}`, body);
      assert.equal(r.status, 400, `${name} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, "VALIDATION_FAILED");
      assert.equal(r.body.error.detail.field, field, r.body.error.message);
    };
    await bad("Bad_Name", { port: 9100 }, "name");
    await bad("ok", { port: 80 }, "port");
    await bad("ok", { port: 70000 }, "port");
    await bad("ok", { port: "9100" }, "port");
    await bad("ok", {}, "port");
    await bad("ok", { port: 9100, command: "python3 web.py; rm -rf /" }, "command");
    await bad("ok", { port: 9100, command: "python3 $HOME/x" }, "command");
    await bad("ok", { port: 9100, root: "relative/dir" }, "root");
    await bad("ok", { port: 9100, health_path: "health" }, "health_path");
    await bad("ok", { port: 9100, colour: "blue" }, "colour");
    assert.equal((await t.api("GET", "/api/projects")).body.projects.length, 0);

    // A port held by a process that is not the project's service: named, with its pid.
    const held = await t.api("PUT", "/api/projects/held", { port: busy.port });
    assert.equal(held.status, 409, JSON.stringify(held.body));
    assert.equal(held.body.error.code, "CONFLICT");
    assert.equal(held.body.error.detail.field, "port");
    assert.match(
      held.body.error.message,
      new RegExp(`port ${busy.port} is in use by .*pid ${Deno.pid}`),
    );
    assert.ok(held.body.error.detail.holders.some((h: { pid: number }) => h.pid === Deno.pid));
    assert.equal((await t.api("GET", "/api/projects/held")).status, 404);
    assert.equal(await exists(`${t.settings.projects_root}/held`), false, "nothing scaffolded");

    // A port another project uses: named.
    const port = freePort();
    assert.equal((await t.api("PUT", "/api/projects/first", { port })).status, 201);
    const second = await t.api("PUT", "/api/projects/second", { port });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, "CONFLICT");
    assert.match(second.body.error.message, /port \d+ is already used by project "first"/);
    assert.equal(second.body.error.detail.holder, "project/first");

    // A route of the site that holds the project routes, on the project's path.
    const site = await t.api("PUT", "/api/sites/projects", {
      server_names: ["_"],
      listen: [{ port: t.httpPort, default_server: true }],
      routes: [{ name: "legacy", path: "/clash/", upstream: "http://127.0.0.1:9" }],
    });
    assert.equal(site.status, 201, JSON.stringify(site.body));
    const clash = await t.api("PUT", "/api/projects/clash", { port: freePort() });
    assert.equal(clash.status, 409);
    assert.match(clash.body.error.message, /route "legacy" on \/clash\//);
    // The operator's site now carries the project routes next to its own.
    assert.equal((await t.viaNginx("x", "/first/")).text.trim(), "Hello world: first");
  } finally {
    busy.close();
    await t.close();
  }
});

Deno.test("a failing hop is named and leaves the project inactive: service stopped, no route", async () => {
  const closed = freePort(); // nothing listens: the external hop cannot succeed
  const t = await startProjectsAgent({
    overrides: { projects_check_timeout: 2, projects_external_url: `http://127.0.0.1:${closed}` },
  });
  try {
    // Internal hop: the backend listens but its health path answers 404.
    const p1 = freePort();
    const internal = await t.api("PUT", "/api/projects/files", {
      port: p1,
      command: `python3 -m http.server ${p1} --bind 127.0.0.1`,
    });
    assert.equal(internal.status, 503, JSON.stringify(internal.body));
    assert.equal(internal.body.error.code, "UPSTREAM_UNHEALTHY");
    assert.equal(internal.body.error.detail.hop, "internal");
    assert.match(
      internal.body.error.message,
      /internal hop failed: GET http:\/\/127\.0\.0\.1:\d+\/health: HTTP 404/,
    );
    assert.match(internal.body.error.message, /left inactive/);
    assert.equal((await t.api("GET", "/api/projects/files")).status, 404);
    assert.equal(await isListening(p1), false, "the service was stopped");

    // External hop: the backend is healthy, nginx is not where clients are told to look.
    const p2 = freePort();
    const external = await t.api("PUT", "/api/projects/shop", { port: p2 });
    assert.equal(external.status, 503, JSON.stringify(external.body));
    assert.equal(external.body.error.detail.hop, "external");
    assert.match(
      external.body.error.message,
      new RegExp(`external hop failed: GET http://127\\.0\\.0\\.1:${closed}/shop/health`),
    );
    assert.match(external.body.error.message, /route was rolled back/);
    assert.equal((await t.api("GET", "/api/projects/shop")).status, 404);
    assert.equal(await isListening(p2), false, "the service was stopped");
    // nginx served the route for a moment; the reconciler took it back out.
    await waitFor(
      "the route to be gone",
      async () =>
        (await rawRequest({ port: t.httpPort, host: "x", path: "/shop/" })).status === 404,
    );
    const audit = await t.api("GET", "/api/audit?entity=project/shop");
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    assert.ok(actions.includes("project.revert"), actions.join(","));
    assert.equal((await t.api("GET", "/api/config/status")).body.pending_count, 0);
  } finally {
    await t.close();
  }
});

Deno.test("an apply that fails as a whole (state on hold) leaves no project record behind", async () => {
  const t = await startProjectsAgent();
  try {
    // The reconciler refuses every round while the state is held (e.g. after a lost state file).
    t.agent.rt.reconciler.hold("held by the test");
    const port = freePort();
    const r = await t.api("PUT", "/api/projects/shop", { port });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.match(r.body.error.message, /held by the test/);
    assert.equal((await t.api("GET", "/api/projects/shop")).status, 404);
    assert.equal(await isListening(port), false);
    t.agent.rt.reconciler.release();
    assert.equal((await t.api("GET", "/api/config/status")).body.pending_count, 0);
  } finally {
    await t.close();
  }
});
