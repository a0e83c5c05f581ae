// Mode snippet (projrouter's nginx_routes_file): the operator's own server {}
// block includes a locations file. The agent makes that path a symlink into its
// current generation, and nginx -t proves the candidate's snippet inside the
// operator's server block: a project path that collides with one of the
// operator's own locations is refused by nginx -t, not by a failed reload.
import assert from "node:assert/strict";
import { freePort, tempDir } from "../helpers/agent.ts";
import { isListening } from "../../agent/features/projects/ports.ts";
import { exists, startProjectsAgent } from "./helpers.ts";

Deno.test("snippet mode: routes in the operator's server block, proven with nginx -t through the link", async () => {
  const dir = await tempDir("snip");
  const httpPort = freePort();
  const snippet = `${dir}/etc/snippets/x_routes.conf`;
  const prefix = `${dir}/data/nginx`;
  await Deno.mkdir(`${dir}/etc/snippets`, { recursive: true });
  await Deno.mkdir(prefix, { recursive: true });
  // projrouter's one-time setup: the routes file exists, and a server block includes it.
  await Deno.writeTextFile(snippet, "# routes written by projrouter\n");
  await Deno.writeTextFile(
    `${prefix}/nginx.conf`,
    `${Deno.uid() === 0 ? "user root;\n" : ""}worker_processes 1;
pid ${prefix}/logs/nginx.pid;
error_log logs/error.log notice;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    include ${prefix}/managed/current/*.conf;

    # The operator's own server: it stays theirs.
    server {
        listen 127.0.0.1:${httpPort};
        server_name ops.example;
        include ${snippet};
        location = / { return 200 "operator home\\n"; }
        location /dup/ { return 200 "operator dup\\n"; }
    }
}
`,
  );
  const t = await startProjectsAgent({
    dir,
    httpPort,
    overrides: { projects_mode: "snippet", projects_snippet_file: snippet },
  });
  try {
    const on = await t.api("PUT", "/api/projects/shop", { port: freePort() });
    assert.equal(on.status, 201, JSON.stringify(on.body));
    assert.equal(on.body.checks.external.url, `http://127.0.0.1:${httpPort}/shop/health`);
    assert.ok(on.body.warnings.some((w: string) => w.includes(".before-switchyard")));
    const live = `${t.settings.nginx_dir}/current/snippets/projects-locations.conf`;
    assert.equal(await Deno.readLink(snippet), live);
    assert.equal(
      await Deno.readTextFile(`${snippet}.before-switchyard`),
      "# routes written by projrouter\n",
    );
    assert.match(await Deno.readTextFile(snippet), /location \/shop\/ \{/);
    assert.equal((await t.viaNginx("ops.example", "/shop/")).text.trim(), "Hello world: shop");
    assert.equal((await t.viaNginx("ops.example", "/")).text.trim(), "operator home");
    assert.equal(
      (await t.api("GET", "/api/config/status")).body.nginx.running,
      true,
    );

    // /dup/ is the operator's: nginx -t of the candidate (through the link) refuses it.
    const reloads = t.reloads();
    const dupPort = freePort();
    const dup = await t.api("PUT", "/api/projects/dup", { port: dupPort });
    assert.equal(dup.status, 422, JSON.stringify(dup.body));
    assert.equal(dup.body.error.code, "NGINX_TEST_FAILED");
    assert.match(dup.body.error.message, /duplicate location "\/dup\/"/);
    assert.equal(t.reloads(), reloads, "nginx was not reloaded onto it");
    assert.equal((await t.api("GET", "/api/projects/dup")).status, 404);
    assert.equal(await isListening(dupPort), false, "its service was stopped");
    assert.equal((await t.viaNginx("ops.example", "/dup/")).text.trim(), "operator dup");
    assert.equal((await t.viaNginx("ops.example", "/shop/")).text.trim(), "Hello world: shop");

    const check = await t.api("POST", "/api/projects/check");
    assert.equal(check.body.ok, true, JSON.stringify(check.body.issues));
    assert.equal(check.body.routes.file, snippet);
    assert.equal(check.body.routes.link.state, "ok");

    const off = await t.api("PUT", "/api/projects/shop", {
      port: on.body.port,
      status: "inactive",
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal((await t.viaNginx("ops.example", "/shop/")).status, 404);
    assert.match(await Deno.readTextFile(snippet), /no active project/);
    assert.equal(await Deno.readLink(snippet), live, "the link stays for the operator's include");
    assert.ok(await exists(`${t.settings.projects_root}/shop/web.py`));

    // A hand-made route file in place of the link is reported by check.
    await Deno.remove(snippet);
    await Deno.writeTextFile(snippet, "location /x/ { return 200; }\n");
    const drift = await t.api("POST", "/api/projects/check");
    assert.equal(drift.body.ok, false);
    assert.equal(drift.body.routes.link.state, "file");
    assert.ok(drift.body.issues.some((i: string) => i.includes("not a link to")));

    // The next activation puts the link back (the hand-made file kept aside).
    const back = await t.api("PUT", "/api/projects/shop", { port: on.body.port });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(await Deno.readLink(snippet), live);
    assert.equal(
      await Deno.readTextFile(`${snippet}.before-switchyard.1`),
      "location /x/ { return 200; }\n",
    );
    assert.equal(
      await Deno.readTextFile(`${snippet}.before-switchyard`),
      "# routes written by projrouter\n",
      "the first backup is never overwritten",
    );
    assert.equal((await t.viaNginx("ops.example", "/shop/")).text.trim(), "Hello world: shop");

    // Even when nothing else changes: the link is proven with nginx -t and loaded.
    await Deno.remove(snippet);
    await Deno.writeTextFile(snippet, "# hand-made\n");
    const before = t.reloads();
    const same = await t.api("PUT", "/api/projects/shop", { port: on.body.port });
    assert.equal(same.status, 200, JSON.stringify(same.body));
    assert.equal(same.body.apply.status, "unchanged");
    assert.ok(same.body.warnings.some((w: string) => /nginx reloaded/.test(w)), same.body.warnings);
    assert.equal(t.reloads(), before + 1);
    assert.equal(await Deno.readLink(snippet), live);
    assert.equal((await t.api("POST", "/api/projects/check")).body.ok, true);
  } finally {
    await t.close();
  }
});
