// The loader over the rows it is given: precedence (override > env > file >
// dev default > production default), refusals that name the setting, derived
// defaults across core and feature rows, paths, masking.
import assert from "node:assert/strict";
import { defineSettings, int, join, settingDefs, str } from "./define.ts";
import { coerce, envName, loadSettings, mask, maskedSettings } from "./load.ts";
import { CORE_SETTINGS } from "./core.ts";
import { PROJECTS_SETTINGS } from "../features/projects/settings.ts";
import { CERTS_SETTINGS } from "../features/certs/settings.ts";
import { PROXIES_SETTINGS } from "../features/proxies/settings.ts";

const CORE = settingDefs(CORE_SETTINGS);
const NONE = "/nonexistent.toml";

async function withFile<T>(text: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/config.toml`, text);
    return await fn(`${dir}/config.toml`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

type Refusal = Error & { code?: string; detail?: { field?: string; source?: string } };
const refuses = (field: string, message: RegExp) => (e: Refusal) => {
  assert.equal(e.code, "VALIDATION_FAILED");
  assert.equal(e.detail?.field, field);
  assert.match(e.message, message);
  return true;
};

Deno.test("precedence: override, then AGENT_* env, then the file, then the defaults", async () => {
  const rows = settingDefs(PROXIES_SETTINGS);
  await withFile("registry_timeout = 20\nregistry_sync_interval = 30\n", async (path) => {
    const s = await loadSettings({
      configFile: path,
      env: { AGENT_REGISTRY_TIMEOUT: "21", AGENT_REGISTRY_HEALTH_CONCURRENCY: "4" },
      overrides: { registry_health_concurrency: 5 },
    }, rows);
    assert.equal(s.registry_timeout, 21, "env over file");
    assert.equal(s.registry_sync_interval, 30, "file over default");
    assert.equal(s.registry_health_concurrency, 5, "override over env");
    assert.equal(s.proxy_health_timeout, 5, "production default");
    assert.equal(s.dev, false);
    assert.equal(s.config_file, path);
  });
});

Deno.test("dev defaults apply in dev mode only; explicit values win over them", async () => {
  const prod = await loadSettings({ env: {}, configFile: NONE, cwd: "/w" }, CORE);
  const dev = await loadSettings({ dev: true, env: {}, configFile: NONE, cwd: "/w" }, CORE);
  assert.deepEqual([prod.data_dir, prod.bind_address], ["/var/lib/agent", ""]);
  assert.deepEqual([dev.data_dir, dev.bind_address], ["/w/dev-data", "127.0.0.1"]);
  const devSet = await loadSettings({
    env: { AGENT_DEV: "yes", AGENT_BIND_ADDRESS: "10.0.0.1" },
    configFile: NONE,
    cwd: "/w",
  }, CORE);
  assert.equal(devSet.dev, true, "AGENT_DEV turns dev mode on");
  assert.equal(devSet.bind_address, "10.0.0.1");
});

Deno.test("a key no given row names is refused, naming it; so is another feature's key", async () => {
  await withFile('listen = "127.0.0.1:1"\nlisten_port = 2\n', async (path) => {
    await assert.rejects(
      loadSettings({ env: {}, configFile: path }, CORE),
      refuses("listen_port", /unknown setting "listen_port"/),
    );
  });
  await withFile('projects_root = "/p"\n', async (path) => {
    await assert.rejects(
      loadSettings({ env: {}, configFile: path }, CORE),
      refuses("projects_root", /unknown setting "projects_root"/),
    );
    const s = await loadSettings({ env: {}, configFile: path }, [
      ...CORE,
      ...settingDefs(PROJECTS_SETTINGS),
    ]);
    assert.equal(s.projects_root, "/p");
  });
});

Deno.test("int, enum and bool values are checked, naming the setting and its source", async () => {
  const load = (env: Record<string, string>) => loadSettings({ env, configFile: NONE }, CORE);
  await assert.rejects(
    load({ AGENT_HTTP_PORT: "eighty" }),
    refuses("http_port", /setting http_port \(AGENT_HTTP_PORT\): expected an integer/),
  );
  await assert.rejects(
    load({ AGENT_HTTP_PORT: "65536" }),
    refuses("http_port", /must be at most 65535/),
  );
  await assert.rejects(
    load({ AGENT_GENERATIONS_KEEP: "1" }),
    refuses("generations_keep", /must be at least 2/),
  );
  await assert.rejects(
    load({ AGENT_LOG_LEVEL: "loud" }),
    refuses("log_level", /expected one of debug, info, warn, error, got "loud"/),
  );
  await withFile('apply_mode = "sometimes"\n', async (path) => {
    await assert.rejects(
      loadSettings({ env: {}, configFile: path }, CORE),
      (e: Refusal) =>
        refuses("apply_mode", /expected one of auto, manual/)(e) &&
        e.detail?.source === path,
    );
  });
  await assert.rejects(
    loadSettings({
      env: { AGENT_PROJECTS_DEFAULT_SERVER: "maybe" },
      configFile: NONE,
    }, [...CORE, ...settingDefs(PROJECTS_SETTINGS)]),
    refuses("projects_default_server", /expected true or false/),
  );
  await assert.rejects(
    loadSettings({ env: {}, configFile: NONE, overrides: { listen: "8100" } }, CORE),
    refuses("listen", /setting listen: expected host:port/),
  );
});

Deno.test("derived defaults read core and feature rows, whatever the rows' order", async () => {
  const rows = [...settingDefs(PROJECTS_SETTINGS), ...settingDefs(CERTS_SETTINGS), ...CORE];
  const s = await loadSettings({
    dev: true,
    env: { AGENT_DATA_DIR: "/data", AGENT_DEV_HTTP_PORT: "18080" },
    configFile: NONE,
  }, rows);
  assert.equal(s.projects_https_port, 18080, "projects_https_port <- http_port <- dev_http_port");
  assert.equal(s.projects_log_dir, "/data/project-logs");
  assert.equal(s.certbot_dir, "/data/certbot");
  assert.equal(s.acme_webroot, "/data/acme-webroot");
  // A core-like row may derive from a feature's row too.
  const mixed = [
    ...settingDefs(defineSettings({
      base: str({ group: "G", prod: (s) => join(s.feature_dir, "base"), description: "b" }),
    })),
    ...settingDefs(defineSettings({
      feature_dir: str({ group: "F", prod: "/f/", description: "f" }),
    })),
  ];
  assert.equal((await loadSettings({ env: {}, configFile: NONE }, mixed)).base, "/f/base");
});

Deno.test("a derived default that reads an unknown setting, or a cycle, fails loudly", async () => {
  const typo = settingDefs(defineSettings({
    data_dir: str({ group: "G", prod: "/d", description: "d" }),
    logs: str({ group: "G", prod: (s) => join(s.data_dirr, "logs"), description: "l" }),
  }));
  await assert.rejects(
    loadSettings({ env: {}, configFile: NONE }, typo),
    /the default of logs reads unknown setting data_dirr/,
  );
  const cycle = settingDefs(defineSettings({
    a: int({ group: "G", prod: (s) => s.b, description: "a" }),
    b: int({ group: "G", prod: (s) => s.a, description: "b" }),
  }));
  await assert.rejects(loadSettings({ env: {}, configFile: NONE }, cycle), /cycle at a/);
});

Deno.test("path settings resolve against the working directory; empty stays empty", async () => {
  const s = await loadSettings({
    env: { AGENT_DATA_DIR: "./state", AGENT_TEMPLATE_DIR: "tpl" },
    configFile: NONE,
    cwd: "/srv/agent/",
  }, CORE);
  assert.equal(s.data_dir, "/srv/agent/state");
  assert.equal(s.template_dir, "/srv/agent/tpl");
  assert.equal(s.nginx_prefix, "");
  assert.equal(s.acme_webroot, "/srv/agent/state/acme-webroot");
});

Deno.test("coerce, envName and masking", async () => {
  assert.equal(envName("http_port"), "AGENT_HTTP_PORT");
  assert.equal(coerce(CORE_SETTINGS.http_port, " 8080 ", "x"), 8080);
  assert.equal(coerce(CORE_SETTINGS.http_port, 8080, "x"), 8080);
  assert.throws(() => coerce(CORE_SETTINGS.listen, 1, "x"), /expected a string/);
  assert.deepEqual([mask("abc"), mask("abcdef")], ["****", "abcd****"]);
  const s = await loadSettings({
    env: { AGENT_API_KEY: "supersecretkey-0123456789", AGENT_SECRET: "" },
    configFile: NONE,
  }, CORE);
  const shown = maskedSettings(s, CORE);
  assert.equal(shown.api_key, "supe****");
  assert.equal(shown.secret, "", "an empty secret shows as empty");
  assert.equal(shown.listen, "127.0.0.1:8100");
  assert.deepEqual(Object.keys(shown), CORE.map((d) => d.name));
});
