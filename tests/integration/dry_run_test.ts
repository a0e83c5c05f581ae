// Without nginx the agent still validates, renders and writes generations, runs
// nginx commands in dry-run, and says so.
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";

Deno.test("no nginx installed: changes are written in dry-run and reported as such", async () => {
  const t = await startTestAgent({
    overrides: { nginx_bin: "/nonexistent/nginx" },
    startNginx: true,
  });
  try {
    assert.ok(
      t.agent.rt.warnings.some((w) => /not installed: nginx commands run in dry-run/.test(w)),
      t.agent.rt.warnings.join("\n"),
    );
    await t.api("PUT", "/api/pools/web", { members: [{ address: "127.0.0.1:9" }] });
    const r = await t.api("PUT", "/api/sites/web", {
      server_names: ["web.test"],
      default_pool: "web",
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.apply.status, "dry_run");
    assert.ok(r.body.apply.warnings.some((w: string) => /dry-run/.test(w)));
    const site = await Deno.readTextFile(`${t.settings.nginx_dir}/current/site-web.conf`);
    assert.match(site, /server_name web\.test;/);
    const health = await t.api("GET", "/api/health");
    assert.equal(health.body.nginx.installed, false);
    assert.equal(health.body.nginx.running, false);
    // validation still refuses bad input without nginx
    const bad = await t.api("PUT", "/api/sites/bad", { server_names: ["x;y"] });
    assert.equal(bad.status, 400);
  } finally {
    await t.close();
  }
});
