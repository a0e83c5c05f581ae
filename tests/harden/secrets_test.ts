// Issue 17 item 7: secrets stay secret. The EAB HMAC key never reaches certbot's
// command line; restore and registry sync never quote a file that is not JSON;
// wrong API keys are throttled per client and short keys refused; member host
// names are ASCII.
import assert from "node:assert/strict";
import { runCertbot } from "../../agent/features/certs/certbot.ts";
import { loadSettings } from "../../agent/features/index.ts";
import { RealExec } from "../../agent/exec.ts";
import { readBackup } from "../../agent/store/backup.ts";
import { readRegistry } from "../../agent/features/proxies/registry.ts";
import { AgentError } from "../../agent/errors.ts";
import { startTestAgent, tempDir } from "../helpers/agent.ts";

const SHADOW = "root:*:20200:0:99999:7:::\ndaemon:*:20200:0:99999:7:::\n";

Deno.test("the EAB HMAC key goes to certbot in a 0600 file, not on its command line", async () => {
  const dir = await tempDir("eab");
  try {
    // A stand-in for certbot that records what /proc/<pid>/cmdline shows and the file it
    // was given; the real certbot then reads that file (an unknown key would fail it).
    const script = `${dir}/certbot-spy.sh`;
    await Deno.writeTextFile(
      script,
      `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/argv\n` +
        `cat /proc/$$/cmdline | tr '\\0' ' ' > ${dir}/cmdline\n` +
        `while [ $# -gt 0 ]; do if [ "$1" = --config ]; then stat -c %a "$2" > ${dir}/mode; cp "$2" ${dir}/eab.copy; fi; shift; done\nexit 1\n`,
    );
    await Deno.chmod(script, 0o755);
    const s = await loadSettings({
      env: {},
      configFile: "/nonexistent.toml",
      overrides: {
        data_dir: dir,
        certbot_command: script,
        acme_eab_kid: "kid-1",
        acme_eab_hmac_key: "c2VjcmV0LWhtYWMta2V5",
      },
    });
    await runCertbot(new RealExec(), s, { name: "web", domains: ["a.test"], force: false });
    const cmdline = await Deno.readTextFile(`${dir}/cmdline`);
    assert.ok(cmdline.includes("certonly"), cmdline);
    assert.ok(!cmdline.includes("c2VjcmV0LWhtYWMta2V5"), `key on the command line: ${cmdline}`);
    assert.equal((await Deno.readTextFile(`${dir}/mode`)).trim(), "600");
    assert.match(
      await Deno.readTextFile(`${dir}/eab.copy`),
      /^eab-hmac-key = c2VjcmV0LWhtYWMta2V5$/m,
    );
    await assert.rejects(Deno.stat(`${s.certbot_dir}/eab.ini`), "removed after the run");
    // The real certbot accepts the file (it refuses unknown keys in a --config file).
    const r = await new RealExec().run([
      "certbot",
      "--config",
      `${dir}/eab.copy`,
      "certificates",
      "--config-dir",
      `${dir}/c`,
      "--work-dir",
      `${dir}/w`,
      "--logs-dir",
      `${dir}/l`,
    ], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("restore and registry sync never quote a file that is not JSON", async () => {
  const dir = await tempDir("quote");
  try {
    for (const name of ["shadow", "shadow.toml"]) {
      await Deno.writeTextFile(`${dir}/${name}`, SHADOW);
    }
    const messages: string[] = [];
    const grab = async (p: Promise<unknown>) => {
      try {
        await p;
        assert.fail("accepted");
      } catch (e) {
        assert.ok(e instanceof AgentError, String(e));
        messages.push(e.message + JSON.stringify(e.detail));
      }
    };
    await grab(readBackup(`${dir}/shadow`));
    await grab(readRegistry({ file: `${dir}/shadow` }, 5));
    await grab(readRegistry({ file: `${dir}/shadow.toml` }, 5));
    for (const m of messages) {
      assert.ok(!/root|daemon|20200|99999/.test(m), `quotes the file: ${m}`);
      assert.match(m, /not (valid )?(JSON|TOML)|invalid (JSON|TOML)|registry\.toml/, m);
    }
    // Through the API too.
    const t = await startTestAgent();
    try {
      const r = await t.api("POST", "/api/proxies/sync-from-registry", { file: `${dir}/shadow` });
      assert.ok(!/root:|20200/.test(JSON.stringify(r.body)), JSON.stringify(r.body));
    } finally {
      await t.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wrong API keys are throttled per client; api_key needs 24 characters", async () => {
  await assert.rejects(
    loadSettings({ env: {}, configFile: "/nonexistent.toml", overrides: { api_key: "x" } }),
    /api_key: must be at least 24 characters/,
  );
  const t = await startTestAgent();
  try {
    // One second of guesses from one client, as fast as it can send them (in parallel).
    const started = Date.now();
    let checked = 0;
    let throttled = 0;
    while (Date.now() - started < 1000) {
      const batch = await Promise.all(
        Array.from(
          { length: 20 },
          () =>
            Promise.resolve(
              t.agent.app.request("/api/sites", { headers: { "x-agent-key": "wrong-guess" } }),
            ).then(async (r: Response) => ({ status: r.status, body: await r.json() })),
        ),
      );
      for (const r of batch) {
        assert.equal(r.status, 401);
        if (/too many wrong API keys/.test(r.body.error.message)) throttled++;
        else checked++;
      }
    }
    assert.ok(checked <= 25, `keys checked in 1 s: ${checked} (was 1,200-1,850)`);
    assert.ok(throttled > 0);
    // A right key after the lock passes.
    await new Promise((r) => setTimeout(r, 8_100));
    assert.equal((await t.api("GET", "/api/sites")).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("member host names are ASCII: a KELVIN SIGN does not reach nginx", async () => {
  const t = await startTestAgent();
  try {
    const r = await t.api("PUT", "/api/pools/web", {
      members: [{ address: "\u212Aelvin.test:8080" }],
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.detail.field, "members[0].address");
    assert.match(r.body.error.message, /ASCII/);
  } finally {
    await t.close();
  }
});
