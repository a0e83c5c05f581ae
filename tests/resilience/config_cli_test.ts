// `agent config` and `agent doctor` as operators run them (real CLI processes).
import assert from "node:assert/strict";
import { parse as parseToml } from "smol-toml";
import { setTomlKey } from "../../agent/features/resilience/config-command.ts";
import { freePort, tempDir } from "../helpers/agent.ts";
import { MAIN } from "../helpers/proc.ts";

async function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd,
    env: { AGENT_LISTEN: `127.0.0.1:${freePort()}`, ...env },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const d = new TextDecoder();
  return { code: r.code, out: d.decode(r.stdout), err: d.decode(r.stderr) };
}

Deno.test("setTomlKey edits in place and keeps comments, takes over commented lines, stays out of tables", () => {
  const text = [
    "# my settings",
    'listen = "127.0.0.1:9000" # the API',
    "# drift_interval = 60",
    "",
    "[extra]",
    "x = 1",
    "",
  ].join("\n");
  const a = setTomlKey(text, "listen", '"127.0.0.1:9100"');
  assert.equal(a, text.replace('"127.0.0.1:9000"', '"127.0.0.1:9100"'));
  const b = setTomlKey(a, "drift_interval", "30");
  assert.ok(b.includes("\ndrift_interval = 30\n\n[extra]"), b);
  assert.ok(!b.includes("# drift_interval"));
  const c = setTomlKey(b, "log_level", '"debug"');
  assert.ok(c.includes('log_level = "debug"\n\n[extra]'), c);
  const parsed = parseToml(c) as Record<string, unknown>;
  assert.deepEqual([parsed.listen, parsed.drift_interval, parsed.log_level], [
    "127.0.0.1:9100",
    30,
    "debug",
  ]);
  assert.deepEqual({ ...(parsed.extra as object) }, { x: 1 });
  assert.equal(setTomlKey("", "apply_mode", '"manual"'), 'apply_mode = "manual"\n');
});

Deno.test("agent config: set validates against the setting, show groups and masks, get, generate-secret, edit", async () => {
  const cwd = await tempDir("cfg");
  const file = `${cwd}/dev-data/config.toml`;
  await Deno.mkdir(`${cwd}/dev-data`);
  await Deno.writeTextFile(
    file,
    '# hand-written header\napi_key = "abcdef123456abcdef123456" # keep me\n',
  );
  try {
    const set = await cli(cwd, ["config", "set", "drift_interval", "30", "--dev"]);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /drift_interval = 30 written to .*config\.toml/);
    assert.equal(
      await Deno.readTextFile(file),
      '# hand-written header\napi_key = "abcdef123456abcdef123456" # keep me\ndrift_interval = 30\n',
    );
    const bad = await cli(cwd, ["config", "set", "drift_interval", "-5", "--dev"]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.err,
      /VALIDATION_FAILED: setting drift_interval \(command line\): must be at least 0/,
    );
    const badEnum = await cli(cwd, ["config", "set", "AGENT_APPLY_MODE", "sometimes", "--dev"]);
    assert.equal(badEnum.code, 1);
    assert.match(badEnum.err, /expected one of auto, manual/);
    const unknown = await cli(cwd, ["config", "set", "drift", "5", "--dev"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown setting "drift" \(did you mean drift_interval\?\)/);
    assert.ok(
      (await Deno.readTextFile(file)).endsWith("drift_interval = 30\n"),
      "refused values are not written",
    );
    assert.equal((await cli(cwd, ["config", "set", "AGENT_LOG_LEVEL", "debug", "--dev"])).code, 0);

    const show = await cli(cwd, ["config", "show", "--dev"]);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /^Core\n/);
    assert.match(
      show.out,
      /\nResilience\n {2}drift_interval +30 +Seconds between drift checks.*\[file\]\n/,
    );
    assert.match(show.out, / {2}api_key +abcd\*\*\*\* /);
    assert.ok(!show.out.includes("abcdef123456abcdef123456"));
    assert.equal((show.out.match(/^Core$/gm) ?? []).length, 1, "each group once");
    assert.match(show.out, /listen +127\.0\.0\.1:\d+ .*\[env AGENT_LISTEN\]/);
    const json = JSON.parse((await cli(cwd, ["config", "show", "--dev", "--json"])).out);
    assert.equal(json.settings.log_level.value, "debug");
    assert.equal(json.settings.log_level.source, "file");
    assert.equal((await cli(cwd, ["config", "get", "api_key", "--dev"])).out.trim(), "abcd****");
    assert.equal(
      (await cli(cwd, ["config", "get", "api_key", "--dev", "--reveal"])).out.trim(),
      "abcdef123456abcdef123456",
    );

    const gen = await cli(cwd, ["config", "generate-secret"]);
    assert.match(gen.out.trim(), /^[A-Za-z0-9+/]{43}=$/);
    const setSecret = await cli(cwd, ["config", "generate-secret", "--set", "--dev"]);
    assert.equal(setSecret.code, 0, setSecret.err);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600, "a file with secrets is 0600");
    assert.match(await Deno.readTextFile(file), /\nsecret = "[A-Za-z0-9+/]{43}="\n/);
    const again = await cli(cwd, ["config", "generate-secret", "--set", "--dev"]);
    assert.equal(again.code, 1);
    assert.match(again.err, /already has a secret/);

    // edit: $EDITOR runs on the file, then the file is checked
    await Deno.writeTextFile(`${cwd}/ed.sh`, "#!/bin/sh\necho 'backup_rotate = 5' >> \"$1\"\n");
    await Deno.chmod(`${cwd}/ed.sh`, 0o755);
    const ed = await cli(cwd, ["config", "edit", "--dev"], { EDITOR: `${cwd}/ed.sh` });
    assert.equal(ed.code, 0, ed.err);
    assert.match(ed.out, /is valid/);
    assert.equal((await cli(cwd, ["config", "get", "backup_rotate", "--dev"])).out.trim(), "5");
    await Deno.writeTextFile(
      `${cwd}/bad.sh`,
      '#!/bin/sh\necho \'backup_rotate = "many"\' >> "$1"\n',
    );
    await Deno.chmod(`${cwd}/bad.sh`, 0o755);
    const edBad = await cli(cwd, ["config", "edit", "--dev"], { EDITOR: `${cwd}/bad.sh` });
    assert.equal(edBad.code, 1);
    assert.match(edBad.err, /is not valid TOML|backup_rotate/);
    // a missing file is created with every setting commented out
    const fresh = await tempDir("cfg2");
    const created = await cli(fresh, ["config", "edit", "--dev"], { EDITOR: "true" });
    assert.equal(created.code, 0, created.err);
    const tpl = await Deno.readTextFile(`${fresh}/dev-data/config.toml`);
    assert.match(
      tpl,
      /# --- Resilience ---\n# Seconds between drift checks.*\n# drift_interval = 60\n/,
    );
    await Deno.remove(fresh, { recursive: true });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("agent doctor: a missing include line fails, a missing worker_shutdown_timeout is recommended", async () => {
  const cwd = await tempDir("doc");
  try {
    const prefix = `${cwd}/ngx`;
    await Deno.mkdir(`${prefix}/logs`, { recursive: true });
    const managed = `${cwd}/managed`;
    const conf = (extra: string) =>
      `pid ${prefix}/logs/nginx.pid;\nerror_log ${prefix}/logs/error.log;\n${extra}events {}\nhttp {\n` +
      `    client_body_temp_path ${prefix}/tmp;\n    proxy_temp_path ${prefix}/tmp;\n` +
      `    fastcgi_temp_path ${prefix}/tmp;\n    uwsgi_temp_path ${prefix}/tmp;\n    scgi_temp_path ${prefix}/tmp;\n` +
      `#INCLUDE\n}\n`;
    await Deno.writeTextFile(`${prefix}/nginx.conf`, conf(""));
    const env = {
      AGENT_NGINX_CONF: `${prefix}/nginx.conf`,
      AGENT_NGINX_PREFIX: prefix,
      AGENT_NGINX_DIR: managed,
      AGENT_NGINX_PID_FILE: `${prefix}/logs/nginx.pid`,
    };
    const r = await cli(cwd, ["doctor", "--dev"], env);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(
      r.out,
      new RegExp(
        `FAIL +include line +nginx does not load the agent's files: add "include ${managed}/current/\\*\\.conf;"`,
      ),
    );
    assert.match(
      r.out,
      /warn +worker_shutdown_timeout +not set in .* add "worker_shutdown_timeout 30s;"/,
    );
    assert.match(r.out, /ok +nginx +nginx 1\.\d+\.\d+/);
    assert.match(r.out, /ok +nginx -t +the live configuration passes/);
    assert.match(r.out, /\d+ failure\(s\), \d+ warning\(s\)\n$/);

    await Deno.mkdir(`${cwd}/conf.d`);
    await Deno.writeTextFile(`${cwd}/conf.d/sy.conf`, `include ${managed}/current/*.conf;\n`);
    await Deno.writeTextFile(`${cwd}/main.d.conf`, "worker_shutdown_timeout 20s;\n");
    await Deno.writeTextFile(
      `${prefix}/nginx.conf`,
      conf(`include ${cwd}/main.d.conf;\n`).replace(
        "#INCLUDE",
        `    include ${cwd}/conf.d/*.conf;`,
      ),
    );
    const ok = await cli(cwd, ["doctor", "--dev", "--json"], env);
    const checks = Object.fromEntries(
      JSON.parse(ok.out).checks.map((c: { check: string }) => [c.check, c]),
    );
    assert.equal(checks["include line"].level, "ok");
    assert.match(checks["include line"].message, /found in .*conf\.d\/sy\.conf:1/);
    assert.equal(checks["worker_shutdown_timeout"].level, "ok");
    assert.match(checks["worker_shutdown_timeout"].message, /20s/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
