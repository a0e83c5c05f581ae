// `agent install` / `uninstall` in a throwaway root (--root): a private
// nginx.conf stands for /etc/nginx/nginx.conf and the real nginx -t proves the
// edits. No systemd runs for a root other than /: the unit is written and printed.
import assert from "node:assert/strict";
import { requireNginx, tempDir } from "../helpers/agent.ts";
import { MAIN } from "../helpers/proc.ts";

const NGINX_CONF = `pid logs/nginx.pid;
error_log logs/error.log notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
}
`;

async function agent(root: string, ...args: string[]) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args, "--root", root],
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/sbin:/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/root",
    },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

async function hostRoot(conf = NGINX_CONF): Promise<string> {
  const root = await tempDir("install");
  for (const d of ["logs", "tmp"]) await Deno.mkdir(`${root}/etc/nginx/${d}`, { recursive: true });
  await Deno.writeTextFile(`${root}/etc/nginx/nginx.conf`, conf);
  return root;
}

const mode = (p: string) => (Deno.statSync(p).mode ?? 0) & 0o777;
const exists = (p: string) => {
  try {
    Deno.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};
const INCLUDE = (root: string) => `include ${root}/etc/nginx/switchyard/current/*.conf;`;

Deno.test("install: dry-run changes nothing; a run sets the host up; a second run changes nothing", async () => {
  requireNginx();
  const root = await hostRoot();
  try {
    const dry = await agent(root, "install", "--dry-run", "--add-include");
    assert.equal(dry.code, 0, dry.out + dry.err);
    assert.match(dry.out, /would +create .*\/etc\/agent/);
    assert.match(dry.out, /would +generate the API key/);
    assert.match(dry.out, /would +add `include/);
    assert.deepEqual([...Deno.readDirSync(`${root}/etc`)].map((e) => e.name), ["nginx"]);
    assert.equal(Deno.readTextFileSync(`${root}/etc/nginx/nginx.conf`), NGINX_CONF);

    const run = await agent(root, "install", "--add-include");
    assert.equal(run.code, 0, run.out + run.err);
    assert.equal(mode(`${root}/var/lib/agent`), 0o700);
    assert.equal(mode(`${root}/etc/agent/config.toml`), 0o600);
    assert.equal(mode(`${root}/var/lib/agent/api-key`), 0o600);
    assert.ok(exists(`${root}/etc/nginx/switchyard`));
    const config = Deno.readTextFileSync(`${root}/etc/agent/config.toml`);
    assert.match(config, /^# listen = /m, "every setting commented with its default");
    assert.match(config, /^# tls_profile = "modern"$/m);
    assert.match(config, /^secret = "[A-Za-z0-9+/=]{40,}"$/m);
    const unit = Deno.readTextFileSync(`${root}/etc/systemd/system/switchyard-agent.service`);
    assert.match(unit, /^ExecStart=\/usr\/local\/bin\/agent serve$/m);
    assert.match(unit, /^ProtectSystem=strict$/m);
    assert.match(unit, /^NoNewPrivileges=yes$/m);
    assert.match(run.out, /systemd is not running here/);
    assert.match(run.out, /\[Service\]/, "the unit is printed");
    const nginxConf = Deno.readTextFileSync(`${root}/etc/nginx/nginx.conf`);
    assert.match(
      nginxConf,
      new RegExp(`http \\{\\n +${INCLUDE(root).replace(/[.*/]/g, "\\$&")}\\n`),
    );
    const backups = [...Deno.readDirSync(`${root}/etc/nginx`)].filter((e) =>
      e.name.startsWith("nginx.conf.switchyard-backup-")
    );
    assert.equal(backups.length, 1);
    assert.equal(Deno.readTextFileSync(`${root}/etc/nginx/${backups[0].name}`), NGINX_CONF);
    const t = await new Deno.Command("nginx", {
      args: ["-p", `${root}/etc/nginx/`, "-c", "nginx.conf", "-t"],
      stderr: "piped",
    }).output();
    assert.ok(t.success, new TextDecoder().decode(t.stderr));

    const key = Deno.readTextFileSync(`${root}/var/lib/agent/api-key`);
    const again = await agent(root, "install", "--add-include");
    assert.equal(again.code, 0, again.out + again.err);
    assert.match(again.out, /Nothing to change: the host is already set up\./);
    assert.doesNotMatch(again.out, /^ +done /m);
    assert.equal(Deno.readTextFileSync(`${root}/etc/agent/config.toml`), config);
    assert.equal(Deno.readTextFileSync(`${root}/var/lib/agent/api-key`), key);
    assert.equal(Deno.readTextFileSync(`${root}/etc/nginx/nginx.conf`), nginxConf);

    // uninstall keeps the state; a second one has nothing left to do; --purge removes it.
    const un = await agent(root, "uninstall");
    assert.equal(un.code, 0, un.out + un.err);
    assert.ok(!exists(`${root}/etc/systemd/system/switchyard-agent.service`));
    assert.equal(Deno.readTextFileSync(`${root}/etc/nginx/nginx.conf`), NGINX_CONF);
    assert.ok(exists(`${root}/var/lib/agent/api-key`));
    const un2 = await agent(root, "uninstall");
    assert.match(un2.out, /ok +keep/);
    const purge = await agent(root, "uninstall", "--purge");
    assert.equal(purge.code, 0, purge.out + purge.err);
    assert.ok(!exists(`${root}/var/lib/agent`) && !exists(`${root}/etc/agent`));
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});

Deno.test("install --add-include on a broken nginx.conf restores it byte for byte and fails", async () => {
  requireNginx();
  const broken = NGINX_CONF.replace("access_log off;", "access_log off;\n  no_such_directive on;");
  const root = await hostRoot(broken);
  try {
    const r = await agent(root, "install", "--add-include");
    assert.notEqual(r.code, 0, r.out + r.err);
    assert.match(r.err, /nginx -t refused .*nginx\.conf.*the original was restored/);
    assert.match(r.err, /no_such_directive/);
    assert.equal(Deno.readTextFileSync(`${root}/etc/nginx/nginx.conf`), broken);
    // Without --add-include the line is only suggested.
    const plain = await agent(root, "install");
    assert.equal(plain.code, 0, plain.out + plain.err);
    assert.match(plain.out, /todo: add `include .*` inside http \{\}.*--add-include/);
    assert.equal(Deno.readTextFileSync(`${root}/etc/nginx/nginx.conf`), broken);
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});
