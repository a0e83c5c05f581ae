// The settings API against a real `agent serve --dev`: PUT writes config.toml
// in place (comments and order kept), GET shows the pending restart, a setting
// fixed by an AGENT_* variable is refused, bad values are refused naming the
// setting, every write is audited, and restart says how outside systemd.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { devEnv, spawnAgent } from "../helpers/proc.ts";

const CONFIG = `# Our gateway's settings (kept by hand).
# log_level: keep info in production
log_level = "info"   # trailing comment stays

# coalesce a little longer under bursts
# coalesce_max_ms = 1000
`;

Deno.test("settings API: PUT keeps the file's comments, flags the restart, refuses env-fixed keys", async () => {
  const cwd = await tempDir("settings");
  await Deno.mkdir(`${cwd}/dev-data`, { recursive: true });
  const file = `${cwd}/dev-data/config.toml`;
  await Deno.writeTextFile(file, CONFIG);
  const e = devEnv(cwd);
  const agent = await spawnAgent(e);
  try {
    const before = await agent.api("GET", "/api/config/settings");
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const row = (b: typeof before.body, n: string) =>
      b.settings.find((s: { name: string }) => s.name === n);
    assert.equal(before.body.config_file, file);
    assert.equal(before.body.restart_pending, false);
    assert.deepEqual(
      { ...row(before.body, "log_level") },
      {
        ...row(before.body, "log_level"),
        value: "info",
        default: "info",
        source: "file",
        restart_needed: false,
        editable: true,
      },
    );
    assert.equal(row(before.body, "listen").source, "environment");
    assert.equal(row(before.body, "listen").editable, false);
    assert.equal(row(before.body, "coalesce_max_ms").source, "default");
    assert.equal(row(before.body, "session_ttl").default, 28800);

    const put = await agent.api("PUT", "/api/config/settings/log_level", { value: "debug" });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.restart_needed, true);
    const put2 = await agent.api("PUT", "/api/config/settings/coalesce_max_ms", { value: 2000 });
    assert.equal(put2.status, 200, JSON.stringify(put2.body));
    assert.equal(
      await Deno.readTextFile(file),
      CONFIG.replace('log_level = "info"', 'log_level = "debug"')
        .replace("# coalesce_max_ms = 1000", "coalesce_max_ms = 2000"),
      "only the two values changed: comments, blank lines and order are kept",
    );

    const after = await agent.api("GET", "/api/config/settings");
    assert.equal(after.body.restart_pending, true);
    assert.equal(row(after.body, "log_level").value, "info", "the running value");
    assert.equal(row(after.body, "log_level").file_value, "debug");
    assert.equal(row(after.body, "log_level").restart_needed, true);
    assert.equal(row(after.body, "coalesce_max_ms").source, "file");
    assert.equal(row(after.body, "generations_keep").restart_needed, false);

    const fixed = await agent.api("PUT", "/api/config/settings/listen", {
      value: "127.0.0.1:9999",
    });
    assert.equal(fixed.status, 409, JSON.stringify(fixed.body));
    assert.equal(fixed.body.error.code, "CONFLICT");
    assert.match(fixed.body.error.message, /AGENT_LISTEN/);

    const bad = await agent.api("PUT", "/api/config/settings/generations_keep", { value: "soon" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "VALIDATION_FAILED");
    assert.match(bad.body.error.message, /generations_keep/);
    const unknown = await agent.api("PUT", "/api/config/settings/no_such", { value: 1 });
    assert.equal(unknown.status, 404);
    assert.doesNotMatch(await Deno.readTextFile(file), /soon|no_such|9999/, "nothing written");

    const audit = await agent.api("GET", "/api/audit?entity_type=setting");
    const names = audit.body.entries.map((x: { entity: { name: string } }) => x.entity.name);
    assert.deepEqual(names, ["coalesce_max_ms", "log_level"]);
    assert.equal(audit.body.entries[1].before, "info");
    assert.equal(audit.body.entries[1].after, "debug");

    const secret = await agent.api("PUT", "/api/config/settings/api_key", {
      value: "a-long-api-key-of-ours-0123456789",
    });
    assert.equal(secret.status, 200);
    assert.equal(secret.body.value, "a-lo****", "a secret is never answered back");

    const restart = await agent.api("POST", "/api/config/settings/restart");
    assert.equal(restart.status, 200);
    assert.equal(restart.body.restarted, false);
    assert.match(restart.body.how, /agent serve --dev/);
  } finally {
    await agent.stop();
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});
