// Issue 17 item 9 (part): following import-registry's plan on a host whose routes
// file is included in an HTTPS server block derived the external hop as
// http://localhost:PORT, nginx answered 400 and every activation was rolled back.
// The plan now derives the scheme from that server block (nginx -T of the running
// agent's nginx), prints projects_external_url, and reads the agent's settings.
import assert from "node:assert/strict";
import { RealExec } from "../../agent/exec.ts";
import { externalHop, hopFromDump, importPlan } from "../../agent/features/projects/import-plan.ts";
import { parseRegistry } from "../../agent/features/projects/registry-toml.ts";
import { loadSettings } from "../../agent/features/index.ts";
import { freePort, startTestAgent, tempDir } from "../helpers/agent.ts";
import { makeCert } from "./tls.ts";
import { checkClient, probe } from "../../agent/features/projects/health.ts";

const REGISTRY = (routes: string) =>
  `[global]
root = "/srv/projects"
domain = "sensorsystem.ri.se"
https_port = 8000
nginx_routes_file = "${routes}"

[projects]
projekt1 = 9001
`;

Deno.test("the plan derives https from the server block that includes the routes file (real nginx -T)", async () => {
  const dir = await tempDir("hop");
  try {
    for (const d of ["logs", "tmp", "snippets"]) await Deno.mkdir(`${dir}/${d}`);
    const cert = await makeCert(dir, "sensorsystem.ri.se");
    const routes = `${dir}/snippets/sensorsystem_routes.conf`;
    await Deno.writeTextFile(routes, "");
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/nginx.conf`,
      `pid logs/nginx.pid;\nerror_log logs/error.log;\nevents {}\nhttp {\n access_log off;\n` +
        ` client_body_temp_path tmp/b; proxy_temp_path tmp/p; fastcgi_temp_path tmp/f;\n` +
        ` uwsgi_temp_path tmp/u; scgi_temp_path tmp/s;\n` +
        ` server { listen 127.0.0.1:${port + 1}; server_name other; }\n` +
        ` server {\n  listen 127.0.0.1:${port} ssl;\n  server_name sensorsystem.ri.se;\n` +
        `  ssl_certificate ${cert.certificate};\n  ssl_certificate_key ${cert.key};\n` +
        `  include ${dir}/snippets/*.conf;\n }\n}\n`,
    );
    const hop = await externalHop(new RealExec(), {
      nginx_bin: "nginx",
      nginx_conf: `${dir}/nginx.conf`,
      nginx_prefix: dir,
    }, routes);
    assert.ok(hop, "found the server block");
    assert.equal(hop.scheme, "https");
    assert.equal(hop.port, port);

    const s = await loadSettings({ env: {}, configFile: "/nonexistent.toml" });
    const plan = importPlan(parseRegistry(REGISTRY(routes)), [], s, hop);
    assert.ok(
      plan.settings.includes(
        `agent config set projects_external_url "https://sensorsystem.ri.se:${port}"`,
      ),
      plan.settings.join("\n"),
    );
    // Without a server block that includes it, the plan asks for the URL instead of guessing.
    const asked = importPlan(parseRegistry(REGISTRY(routes)), [], s, null);
    assert.ok(
      asked.settings.some((l) => /set projects_external_url to the URL clients use/.test(l)),
    );
    // A plain HTTP server block gives http.
    assert.equal(
      hopFromDump(
        `# configuration file /x.conf:\nserver { listen 8080; include ${routes}; }\n`,
        routes,
      )
        ?.scheme,
      "http",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the import plan reads the running agent's settings", async () => {
  const t = await startTestAgent({
    overrides: {
      projects_domain: "agent.example",
      projects_external_url: "https://agent.example:8443",
    },
  });
  try {
    const r = await t.api(
      "GET",
      "/api/projects/import-context?routes_file=/nonexistent/routes.conf",
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.settings.projects_domain, "agent.example");
    assert.equal(r.body.settings.projects_external_url, "https://agent.example:8443");
    assert.equal(r.body.hop, null);
  } finally {
    await t.close();
  }
});

Deno.test("projects_check_insecure: a plain `openssl req -x509` certificate passes the external check, and check warns", async () => {
  const dir = await tempDir("insecure");
  const port = freePort();
  const sh = (c: string) =>
    new Deno.Command("sh", { args: ["-c", c], cwd: dir, stderr: "null" }).output();
  await sh(
    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout k.pem -out c.pem -days 1 -subj /CN=localhost",
  );
  const ac = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    cert: await Deno.readTextFile(`${dir}/c.pem`),
    key: await Deno.readTextFile(`${dir}/k.pem`),
    signal: ac.signal,
    onListen: () => {},
  }, () => new Response("ok"));
  const t = await startTestAgent({ overrides: { projects_check_insecure: true } });
  try {
    const url = `https://127.0.0.1:${port}/p/health`;
    // With the certificate as CA (projects_check_ca_file), rustls refuses it: CaUsedAsEndEntity.
    const client = await checkClient(`${dir}/c.pem`);
    const strict = await probe("external", url, { client });
    client?.close();
    assert.equal(strict.ok, false, JSON.stringify(strict));
    const loose = await probe("external", url, { insecure: true });
    assert.equal(loose.ok, true, JSON.stringify(loose));
    const report = await t.api("POST", "/api/projects/check");
    assert.equal(report.status, 200, JSON.stringify(report.body));
    assert.match(report.body.warnings.join("\n"), /projects_check_insecure is on/);
  } finally {
    await t.close();
    ac.abort();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});
