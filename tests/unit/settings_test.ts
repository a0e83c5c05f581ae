// Settings: defaults, the TOML file, AGENT_* environment variables, in that order.
import assert from "node:assert/strict";
import { envName } from "../../agent/settings.ts";
import { loadSettings, maskedSettings, SETTINGS } from "../../agent/features/index.ts";

async function withFile(text: string, fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/config.toml`, text);
    await fn(`${dir}/config.toml`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("production defaults", async () => {
  const s = await loadSettings({ env: {}, configFile: "/nonexistent.toml", cwd: "/srv" });
  assert.equal(s.listen, "127.0.0.1:8100");
  assert.equal(s.data_dir, "/var/lib/agent");
  assert.equal(s.nginx_dir, "/etc/nginx/switchyard");
  assert.equal(s.http_port, 80);
  assert.equal(s.https_port, 443);
  assert.equal(s.apply_mode, "auto");
  assert.equal(s.generations_keep, 50);
  assert.equal(s.acme_webroot, "/var/lib/agent/acme-webroot");
});

Deno.test("dev defaults live under ./dev-data and use the private nginx ports", async () => {
  const s = await loadSettings({
    dev: true,
    env: { AGENT_DEV_HTTP_PORT: "18080" },
    configFile: "/nonexistent.toml",
    cwd: "/home/me/proj",
  });
  assert.equal(s.data_dir, "/home/me/proj/dev-data");
  assert.equal(s.nginx_conf, "/home/me/proj/dev-data/nginx/nginx.conf");
  assert.equal(s.http_port, 18080);
  assert.equal(s.bind_address, "127.0.0.1");
});

Deno.test("the TOML file overrides defaults and env overrides the file", async () => {
  await withFile(
    'listen = "127.0.0.1:9000"\napply_mode = "manual"\nhttp_port = 8081\n',
    async (path) => {
      const s = await loadSettings({
        env: { AGENT_HTTP_PORT: "8082" },
        configFile: path,
        cwd: "/",
      });
      assert.equal(s.listen, "127.0.0.1:9000");
      assert.equal(s.apply_mode, "manual");
      assert.equal(s.http_port, 8082);
    },
  );
});

Deno.test("derived defaults follow an overridden data_dir", async () => {
  const s = await loadSettings({
    env: { AGENT_DATA_DIR: "/data/agent" },
    configFile: "/nonexistent.toml",
    cwd: "/",
  });
  assert.equal(s.acme_webroot, "/data/agent/acme-webroot");
});

Deno.test("bad settings are refused naming the setting and where it came from", async () => {
  await assert.rejects(
    loadSettings({ env: { AGENT_HTTP_PORT: "eighty" }, configFile: "/nonexistent.toml" }),
    (e: Error & { detail?: { field: string } }) =>
      e.detail?.field === "http_port" && /AGENT_HTTP_PORT/.test(e.message),
  );
  await assert.rejects(
    loadSettings({ env: { AGENT_APPLY_MODE: "sometimes" }, configFile: "/nonexistent.toml" }),
    /apply_mode .*expected one of auto, manual/,
  );
  await withFile("no_such_setting = 1\n", async (path) => {
    await assert.rejects(
      loadSettings({ env: {}, configFile: path }),
      /unknown setting "no_such_setting"/,
    );
  });
  await withFile("listen = [", async (path) => {
    await assert.rejects(loadSettings({ env: {}, configFile: path }), /not valid TOML/);
  });
});

Deno.test("every setting has an AGENT_ env form and secrets are masked", async () => {
  for (const d of SETTINGS) assert.equal(envName(d.name), `AGENT_${d.name.toUpperCase()}`);
  const s = await loadSettings({
    env: { AGENT_API_KEY: "supersecretkey-0123456789" },
    configFile: "/nonexistent.toml",
  });
  assert.equal(maskedSettings(s).api_key, "supe****");
});
