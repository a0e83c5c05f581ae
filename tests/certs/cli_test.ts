// `agent cert` as operators run it (in-process: no agent serving), against a
// real pebble. PEBBLE_VA_ALWAYS_VALID: no nginx runs in this mode to answer
// the challenge (issuance through nginx is covered by issue_test.ts).
import assert from "node:assert/strict";
import { freePort, tempDir } from "../helpers/agent.ts";
import { startPebble } from "../helpers/pebble.ts";
import { agentCli, devEnv } from "../helpers/proc.ts";

Deno.test("agent cert issue, ls, show, renew (kept, forced), rm refused while a site uses it, then rm", async () => {
  const cwd = await tempDir("certcli");
  const pebble = await startPebble({ httpPort: freePort(), alwaysValid: true });
  const e = devEnv(cwd, {
    AGENT_ACME_DIRECTORY_URL: pebble.directoryUrl,
    AGENT_ACME_CA_BUNDLE: pebble.caBundlePath,
  });
  const agent = (...args: string[]) => agentCli(e, args);
  try {
    const issue = await agent(
      "cert",
      "issue",
      "web",
      "web.example.com",
      "--email",
      "ops@example.com",
    );
    assert.equal(issue.code, 0, issue.err);
    assert.match(issue.out, /status: +active/);
    assert.match(issue.out, /issuer: +.*Pebble/);
    const serial = /serial: +(\S+)/.exec(issue.out)![1];

    const ls = await agent("cert", "ls");
    assert.match(ls.out, /^web +active +web\.example\.com until \d{4}-\d\d-\d\d/m);
    const show = await agent("cert", "show", "web", "--json");
    assert.equal(JSON.parse(show.out).serial, serial);

    const kept = await agent("cert", "renew", "web");
    assert.equal(kept.code, 0, kept.err);
    assert.match(kept.out, /kept: the certificate on disk is valid until/);
    assert.match(kept.out, new RegExp(`serial: +${serial}`));
    const forced = await agent("cert", "renew", "web", "--force");
    assert.equal(forced.code, 0, forced.err);
    assert.match(forced.out, /issued: forced/);
    assert.doesNotMatch(forced.out, new RegExp(`serial: +${serial}\n`));

    const site = await agent(
      "sites",
      "put",
      "web",
      JSON.stringify({ server_names: ["web.example.com"], tls: { cert: "web" } }),
    );
    assert.equal(site.code, 0, site.err);
    const refused = await agent("cert", "rm", "web");
    assert.equal(refused.code, 1);
    assert.match(refused.err, /CONFLICT: certificate "web" is used by site\(s\) web/);
    assert.equal((await agent("sites", "delete", "web")).code, 0);
    const rm = await agent("cert", "rm", "web");
    assert.equal(rm.code, 0, rm.err);
    assert.match(rm.out, /certificate web deleted/);
    const gone = await agent("cert", "show", "web");
    assert.equal(gone.code, 1);
    assert.match(gone.err, /NOT_FOUND/);
    assert.equal(
      await Deno.stat(`${cwd}/dev-data/certbot/live/web`).then(() => true, () => false),
      false,
      "certbot's files for it are removed",
    );

    const bad = await agent("cert", "issue", "x", "*.example.com");
    assert.equal(bad.code, 1);
    assert.match(bad.err, /VALIDATION_FAILED: domains\[0\]: wildcards need DNS-01/);
  } finally {
    await pebble.stop();
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});
