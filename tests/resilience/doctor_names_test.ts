// `agent doctor` sizes nginx's server_names hash from the names the agent renders:
// the real nginx warns "could not build optimal server_names_hash" on the
// operator's config, and stops warning once the advised directive is added.
import assert from "node:assert/strict";
import { freePort, tempDir } from "../helpers/agent.ts";
import { MAIN } from "../helpers/proc.ts";

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await new Deno.Command(cmd, { args, cwd, env, stdout: "piped", stderr: "piped" })
    .output();
  const d = new TextDecoder();
  return { code: r.code, out: d.decode(r.stdout), err: d.decode(r.stderr) };
}

Deno.test("agent doctor: too many names for server_names_hash_max_size is a warning with the value to set", async () => {
  const cwd = await tempDir("docnames");
  try {
    const prefix = `${cwd}/ngx`;
    const managed = `${cwd}/managed`;
    await Deno.mkdir(`${prefix}/logs`, { recursive: true });
    await Deno.mkdir(`${managed}/current`, { recursive: true });
    const port = freePort();
    const servers = Array.from(
      { length: 3000 },
      (_, i) => `server { listen 127.0.0.1:${port}; server_name site${i}.example.test; }`,
    );
    await Deno.writeTextFile(`${managed}/current/sites.conf`, servers.join("\n") + "\n");
    const conf = (extra: string) =>
      `pid ${prefix}/logs/nginx.pid;\nerror_log ${prefix}/logs/error.log;\nworker_shutdown_timeout 5s;\n` +
      `events {}\nhttp {\n    client_body_temp_path ${prefix}/tmp;\n    proxy_temp_path ${prefix}/tmp;\n` +
      `    fastcgi_temp_path ${prefix}/tmp;\n    uwsgi_temp_path ${prefix}/tmp;\n    scgi_temp_path ${prefix}/tmp;\n` +
      `${extra}    include ${managed}/current/*.conf;\n}\n`;
    const env = {
      AGENT_LISTEN: `127.0.0.1:${freePort()}`,
      AGENT_NGINX_CONF: `${prefix}/nginx.conf`,
      AGENT_NGINX_PREFIX: prefix,
      AGENT_NGINX_DIR: managed,
      AGENT_NGINX_PID_FILE: `${prefix}/logs/nginx.pid`,
    };
    const doctor = async () => {
      const r = await run(
        Deno.execPath(),
        ["run", "-A", MAIN, "doctor", "--dev", "--json"],
        cwd,
        env,
      );
      const checks = JSON.parse(r.out).checks as {
        check: string;
        level: string;
        message: string;
      }[];
      return Object.fromEntries(checks.map((c) => [c.check, c]));
    };
    const nginxT = () => run("nginx", ["-p", prefix, "-c", `${prefix}/nginx.conf`, "-t"], cwd);

    await Deno.writeTextFile(`${prefix}/nginx.conf`, conf(""));
    assert.match((await nginxT()).err, /could not build optimal server_names_hash/);
    const before = (await doctor())["server_names_hash"];
    assert.equal(before.level, "warn", JSON.stringify(before));
    assert.match(before.message, /3000 server names, the longest 21 characters/);
    const advised = /add "([^"]+)"/.exec(before.message)?.[1];
    assert.equal(advised, "server_names_hash_max_size 4096; server_names_hash_bucket_size 128;");

    await Deno.writeTextFile(`${prefix}/nginx.conf`, conf(`    ${advised}\n`));
    const t = await nginxT();
    assert.equal(t.code, 0, t.err);
    assert.doesNotMatch(t.err, /server_names_hash/);
    const after = (await doctor())["server_names_hash"];
    assert.equal(after.level, "ok", JSON.stringify(after));
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
