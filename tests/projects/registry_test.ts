// projrouter's registry.toml: parsed with errors that name the key, written
// back in its format, and imported with `agent import-registry` (plan first,
// then activation of each project) against a running `agent serve --dev`;
// the CLI's activate, deactivate and check go through the same agent.
import assert from "node:assert/strict";
import { parse } from "smol-toml";
import { freePort, tempDir } from "../helpers/agent.ts";
import { rawRequest } from "../helpers/http.ts";
import { parseRegistry, renderRegistry } from "../../agent/features/projects/registry-toml.ts";
import { isListening } from "../../agent/features/projects/ports.ts";
import { waitFor } from "./helpers.ts";

const deno = Deno.execPath();
const main = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("registry.toml: projrouter's format is read, checked key by key, and written back", () => {
  const text = `[global]
root = "/home/u/servers/projects"
domain = "sensorsystem.ri.se"
https_port = 8000
nginx_routes_file = "/etc/nginx/snippets/sensorsystem_routes.conf"

[projects]
projekt2 = 9002
projekt1 = 9001
`;
  const r = parseRegistry(text, "registry.toml");
  assert.deepEqual(r.global, {
    root: "/home/u/servers/projects",
    domain: "sensorsystem.ri.se",
    https_port: 8000,
    nginx_routes_file: "/etc/nginx/snippets/sensorsystem_routes.conf",
  });
  assert.deepEqual(r.projects, [{ name: "projekt1", port: 9001 }, {
    name: "projekt2",
    port: 9002,
  }]);
  const back = renderRegistry(r);
  assert.match(back, /^# Written by Switchyard/);
  assert.deepEqual(parseRegistry(back), r);
  assert.deepEqual(JSON.parse(JSON.stringify(parse(back))), {
    global: r.global,
    projects: { projekt1: 9001, projekt2: 9002 },
  });

  const bad = (t: string, field: string) => {
    assert.throws(
      () => parseRegistry(t, "r.toml"),
      (e: Error & { detail?: { field?: string } }) => {
        assert.equal(e.detail?.field, field, e.message);
        assert.match(e.message, /^r\.toml/);
        return true;
      },
    );
  };
  bad("[projects]\nBad_Name = 9001\n", "projects.Bad_Name");
  bad("[projects]\nlow = 80\n", "projects.low");
  bad('[projects]\nx = "9001"\n', "projects.x");
  bad("[projects]\na = 9001\nb = 9001\n", "projects.b");
  bad('[global]\nroot = "relative"\n', "global.root");
  bad('[global]\ndomain = "Not A Domain"\n', "global.domain");
  bad("[global]\ncolour = 1\n", "global.colour");
  bad("[other]\n", "other");
  bad("[projects\n", "(file)");
});

async function cli(args: string[], cwd: string, env: Record<string, string>) {
  const r = await new Deno.Command(deno, {
    args: ["run", "-A", main, ...args, "--dev"],
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("import-registry shows its plan, then activates the projects through the running agent; activate, deactivate, check", async () => {
  const cwd = await tempDir("reg");
  const api = freePort();
  const http = freePort();
  const [p1, p2, p3] = [freePort(), freePort(), freePort()];
  const env = {
    AGENT_LISTEN: `127.0.0.1:${api}`,
    AGENT_DEV_HTTP_PORT: String(http),
    AGENT_DEV_HTTPS_PORT: String(freePort()),
    AGENT_PROJECTS_REGISTRY_FILE: `${cwd}/synced-registry.toml`,
    AGENT_DRIFT_INTERVAL: "0",
    AGENT_BACKUP_INTERVAL: "0",
  };
  const sample = `${cwd}/registry.toml`;
  await Deno.writeTextFile(
    sample,
    `[global]
root = "${cwd}/servers/projects"
domain = "sensorsystem.ri.se"
https_port = 8000
nginx_routes_file = "/etc/nginx/snippets/sensorsystem_routes.conf"

[projects]
projekt1 = ${p1}
projekt2 = ${p2}
`,
  );
  const server = new Deno.Command(deno, {
    args: ["run", "-A", main, "serve", "--dev"],
    cwd,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const page = (name: string) => rawRequest({ port: http, host: "x", path: `/${name}/` });
  try {
    await waitFor("the agent", async () => {
      const r = await fetch(`http://127.0.0.1:${api}/api/health`);
      await r.body?.cancel();
      return r.ok;
    }, 30_000);

    const dry = await cli(["import-registry", sample, "--dry-run"], cwd, env);
    assert.equal(dry.code, 0, dry.err);
    assert.match(
      dry.out,
      new RegExp(
        `activate\\s+projekt1 on port ${p1} \\(new, directory ${cwd}/servers/projects/projekt1\\)`,
      ),
    );
    assert.match(dry.out, new RegExp(`activate\\s+projekt2 on port ${p2}`));
    assert.match(dry.out, /agent config set projects_domain "sensorsystem\.ri\.se"/);
    assert.match(dry.out, /agent config set projects_mode "snippet"/);
    assert.match(dry.out, /dry run: nothing imported \(2 change\(s\) planned\)/);
    const none = await cli(["projects", "--json"], cwd, env);
    assert.deepEqual(JSON.parse(none.out).projects, []);

    const unasked = await cli(["import-registry", sample], cwd, env);
    assert.equal(unasked.code, 1);
    assert.match(unasked.err, /add --yes/);

    const imp = await cli(["import-registry", sample, "--yes"], cwd, env);
    assert.equal(imp.code, 0, imp.out + imp.err);
    assert.match(imp.out, /activated projekt1/);
    assert.match(imp.out, /2 imported/);
    assert.equal((await page("projekt1")).text.trim(), "Hello world: projekt1");
    assert.equal((await page("projekt2")).text.trim(), "Hello world: projekt2");
    assert.ok((await Deno.stat(`${cwd}/servers/projects/projekt1/web.py`)).isFile);
    const synced = parseRegistry(await Deno.readTextFile(`${cwd}/synced-registry.toml`));
    assert.deepEqual(synced.projects, [{ name: "projekt1", port: p1 }, {
      name: "projekt2",
      port: p2,
    }]);

    const check = await cli(["check"], cwd, env);
    assert.equal(check.code, 0, check.out + check.err);
    assert.match(check.out, /projekt1\s+port \d+\s+builtin\s+ok/);
    assert.match(check.out, /all well/);
    const json = JSON.parse((await cli(["check", "--json"], cwd, env)).out);
    assert.equal(json.ok, true);

    const off = await cli(["deactivate", "projekt2"], cwd, env);
    assert.equal(off.code, 0, off.err);
    assert.match(
      off.out,
      /project projekt2 is inactive: route removed, service stopped; .*projekt2 kept/,
    );
    assert.equal((await page("projekt2")).status, 404);
    assert.equal(await isListening(p2), false);
    assert.deepEqual(
      parseRegistry(await Deno.readTextFile(`${cwd}/synced-registry.toml`)).projects,
      [{ name: "projekt1", port: p1 }],
    );

    const on = await cli(["activate", "projekt3", String(p3)], cwd, env);
    assert.equal(on.code, 0, on.err);
    assert.match(
      on.out,
      new RegExp(`project projekt3 is active: http://127\\.0\\.0\\.1:${http}/projekt3/`),
    );
    assert.match(on.out, /internal:\s+GET http:\/\/127\.0\.0\.1:\d+\/health -> 200/);
    const taken = await cli(["activate", "other", String(p3)], cwd, env);
    assert.equal(taken.code, 1);
    assert.match(taken.err, /CONFLICT: port \d+ is already used by project "projekt3"/);

    // Importing again: projekt1 is unchanged, projekt2 comes back, projekt3 is left alone.
    const again = await cli(["import-registry", sample, "--yes"], cwd, env);
    assert.equal(again.code, 0, again.out + again.err);
    assert.match(again.out, /unchanged\s+projekt1/);
    assert.match(again.out, /update\s+projekt2 on port \d+ \(inactive -> active\)/);
    assert.match(again.out, /left alone projekt3/);
    assert.match(again.out, /1 imported/);
    assert.equal((await page("projekt2")).text.trim(), "Hello world: projekt2");
  } finally {
    server.kill("SIGTERM");
    await server.status;
  }
  // The agent stopped its backends when it shut down.
  for (const p of [p1, p2, p3]) assert.equal(await isListening(p), false, `port ${p}`);
});
