// What the project records render to (pure), and that nginx accepts it: the
// derived projects site with TLS, an operator's site that receives the routes,
// the snippet file, and validation of project bodies and the port lookup.
import assert from "node:assert/strict";
import { renderTree } from "../../agent/render/tree.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import { PROJECT_TEMPLATES } from "../../agent/features/projects/templates.ts";
import type { RenderContext } from "../../agent/render/context.ts";
import type { Rec } from "../../agent/store/store.ts";
import { projectsExtension, SNIPPET_FILE } from "../../agent/features/projects/render.ts";
import type { ProjectsRenderConfig } from "../../agent/features/projects/config.ts";
import { parseProject } from "../../agent/features/projects/model.ts";
import { describeHolders, portUse } from "../../agent/features/projects/ports.ts";
import { tempDir } from "../helpers/agent.ts";

const ctx: RenderContext = {
  http_port: 80,
  https_port: 443,
  bind_address: "",
  acme_webroot: "/var/lib/agent/acme-webroot",
  features: { http2Directive: false },
  templates: makeTemplates({}, PROJECT_TEMPLATES),
  certFiles: () => null,
};

function rec(kind: string, name: string, spec: Record<string, unknown>): [string, Rec] {
  return [`${kind}/${name}`, { ...spec, name, version: 1, created_at: "", updated_at: "" } as Rec];
}

function state(cfg: Partial<ProjectsRenderConfig>, extra: [string, Rec][] = []): Map<string, Rec> {
  const full: ProjectsRenderConfig = {
    mode: "site",
    site: "projects",
    domain: "apps.example.com",
    port: 8000,
    default_server: false,
    tls: null,
    ...cfg,
  };
  return new Map([
    rec("projects", "settings", full as unknown as Record<string, unknown>),
    rec("project", "shop", { port: 9001, status: "active", health_path: "/health" }),
    rec("project", "old", { port: 9002, status: "inactive", health_path: "/health" }),
    ...extra,
  ]);
}

Deno.test("the derived projects site: TLS on the projects port, /<name>/ stripped with WebSockets, /<name> redirects", async () => {
  const files = renderTree(
    state({ tls: { certificate: "/etc/ssl/apps.pem", key: "/etc/ssl/apps.key" } }),
    ctx,
    [projectsExtension],
  );
  const site = files.find((f) => f.name === "site-projects.conf")!.text;
  assert.match(site, /listen 8000 ssl http2;/);
  assert.match(site, /server_name apps\.example\.com;/);
  assert.match(site, /ssl_certificate \/etc\/ssl\/apps\.pem;/);
  assert.match(
    site,
    /# route project-shop\n {4}location \/shop\/ \{\n {8}proxy_pass http:\/\/127\.0\.0\.1:9001\/;/,
  );
  assert.match(site, /proxy_set_header Upgrade \$http_upgrade;/);
  assert.match(site, /proxy_set_header X-Forwarded-Prefix "\/shop";/);
  assert.match(site, /location = \/shop \{\n {8}return 301 \/shop\/\$is_args\$args;/);
  assert.doesNotMatch(site, /old/, "inactive projects have no route");
  assert.ok(!files.some((f) => f.name === SNIPPET_FILE));

  // A managed certificate that is not issued yet: plain HTTP on the port until it is.
  const plain = renderTree(state({ tls: { cert: "apps" } }), ctx, [projectsExtension])
    .find((f) => f.name === "site-projects.conf")!.text;
  assert.match(plain, /listen 8000;/);
  assert.doesNotMatch(plain, /ssl/);

  // Without the settings record (projects never used) nothing is rendered.
  const none = renderTree(new Map([rec("project", "x", { port: 9005, status: "active" })]), ctx, [
    projectsExtension,
  ]);
  assert.deepEqual(none.map((f) => f.name), ["00-switchyard.conf"]);

  // nginx accepts it, TLS included.
  const dir = await tempDir("render");
  try {
    const ssl = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=apps.example.com",
        "-days",
        "1",
        "-keyout",
        `${dir}/k.pem`,
        "-out",
        `${dir}/c.pem`,
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.ok(ssl.success);
    const real = renderTree(
      state({ tls: { certificate: `${dir}/c.pem`, key: `${dir}/k.pem` } }),
      ctx,
      [projectsExtension],
    );
    await Deno.mkdir(`${dir}/conf`);
    for (const f of real) await Deno.writeTextFile(`${dir}/conf/${f.name}`, f.text);
    await Deno.mkdir(`${dir}/logs`);
    await Deno.writeTextFile(
      `${dir}/nginx.conf`,
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log;\nevents {}\nhttp {\n    include ${dir}/conf/*.conf;\n}\n`,
    );
    const t = await new Deno.Command("nginx", {
      args: ["-p", dir, "-c", `${dir}/nginx.conf`, "-t"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(t.code, 0, new TextDecoder().decode(t.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an operator's site named by projects_site gets the routes added; its own routes win a clash", () => {
  const own = rec("site", "projects", {
    description: "",
    server_names: ["ops.example.com"],
    listen: [],
    redirect_http: false,
    routes: [{
      name: "legacy",
      path: "/shop/",
      match: "prefix",
      upstream: "http://127.0.0.1:7000",
      strip_prefix: false,
      websocket: false,
      preserve_host: true,
    }],
    extra_blocks: [],
    response_headers: {},
  });
  const extra = rec("project", "blog", { port: 9003, status: "active" });
  const site = renderTree(state({}, [own, extra]), ctx, [projectsExtension])
    .find((f) => f.name === "site-projects.conf")!.text;
  assert.match(site, /server_name ops\.example\.com;/);
  assert.match(site, /location \/shop\/ \{\n {8}proxy_pass http:\/\/127\.0\.0\.1:7000;/);
  assert.doesNotMatch(site, /127\.0\.0\.1:9001/, "the clashing project route is left out");
  assert.match(site, /location \/blog\/ \{\n {8}proxy_pass http:\/\/127\.0\.0\.1:9003\/;/);
});

Deno.test("snippet mode renders the locations file (and no site), also with no active project", () => {
  const files = renderTree(state({ mode: "snippet" }), ctx, [projectsExtension]);
  assert.ok(!files.some((f) => f.name.startsWith("site-")));
  const snip = files.find((f) => f.name === SNIPPET_FILE)!.text;
  assert.match(snip, /^location \/shop\/ \{\n {4}proxy_pass http:\/\/127\.0\.0\.1:9001\/;/m);
  const empty = new Map(state({ mode: "snippet" }));
  empty.delete("project/shop");
  const text = renderTree(empty, ctx, [projectsExtension]).find((f) => f.name === SNIPPET_FILE)!;
  assert.match(text.text, /no active project/);
});

Deno.test("project bodies: defaults, and the command grammar keeps shell and systemd syntax out", () => {
  const p = parseProject("shop", {
    port: 9001,
    command: "  gunicorn  app:server -b 127.0.0.1:9001 ",
  }, "/srv/p/");
  assert.deepEqual(p, {
    name: "shop",
    description: "",
    port: 9001,
    command: "gunicorn app:server -b 127.0.0.1:9001",
    root: "/srv/p",
    health_path: "/health",
    status: "active",
  });
  for (const cmd of ["a;b", "a && b", "a $PORT", "a %n", "a 'b'", 'a "b"', "a\nb", "a`b`", ""]) {
    assert.throws(() => parseProject("shop", { port: 9001, command: cmd }, "/srv"), /command/, cmd);
  }
  // GET output can be sent back: read-only fields are ignored.
  const back = parseProject("shop", {
    ...p,
    version: 3,
    manager: "builtin",
    directory: "/srv/p/shop",
    url: "http://x/shop/",
    service: {},
  }, "/srv");
  assert.equal(back.root, "/srv/p");
});

Deno.test("portUse names the process holding a port, on IPv4 and IPv6", async () => {
  const l4 = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l4.addr as Deno.NetAddr).port;
  let l6: Deno.Listener | null = null;
  try {
    l6 = Deno.listen({ hostname: "::1", port });
  } catch { /* no IPv6 on this host */ }
  try {
    const u = await portUse(port);
    assert.equal(u.listening, true);
    assert.ok(u.addresses.includes(`127.0.0.1:${port}`), u.addresses.join());
    if (l6) assert.ok(u.addresses.includes(`[::1]:${port}`), u.addresses.join());
    assert.deepEqual(u.holders.map((h) => h.pid), [Deno.pid]);
    assert.match(describeHolders(u), new RegExp(`\\(pid ${Deno.pid}: `));
  } finally {
    l4.close();
    l6?.close();
  }
  assert.equal((await portUse(port)).listening, false);
});
