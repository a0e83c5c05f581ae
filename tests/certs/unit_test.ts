// Pure parts of the certificates feature: validation, the certbot command
// line, reading openssl's output, status, rate limit and backoff, and the
// challenge server's names.
import assert from "node:assert/strict";
import { parseCert } from "../../agent/features/certs/model.ts";
import { certbotArgs, certbotMessage } from "../../agent/features/certs/certbot.ts";
import { parseX509Text } from "../../agent/features/certs/x509.ts";
import {
  backoffUntil,
  blockedUntil,
  needsIssuance,
  statusOf,
} from "../../agent/features/certs/status.ts";
import { coveredBy } from "../../agent/features/certs/challenge.ts";
import { hookCommand } from "../../agent/features/certs/fleet-issue.ts";
import { loadSettings } from "../../agent/features/index.ts";
import { AgentError } from "../../agent/errors.ts";

function field(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AgentError);
    assert.equal(e.code, "VALIDATION_FAILED");
    return String(e.detail.field);
  }
  throw new Error("accepted");
}

Deno.test("cert model: strict host names, no wildcards or IPs, each once; email checked", () => {
  assert.deepEqual(parseCert("web", { domains: ["a.example.com"], email: "ops@example.com" }), {
    name: "web",
    domains: ["a.example.com"],
    email: "ops@example.com",
  });
  assert.equal(field(() => parseCert("web", { domains: ["*.example.com"] })), "domains[0]");
  assert.equal(field(() => parseCert("web", { domains: ["a.com", "1.2.3.4"] })), "domains[1]");
  assert.equal(field(() => parseCert("web", { domains: ["a.com;evil"] })), "domains[0]");
  assert.equal(field(() => parseCert("web", { domains: ["A.com"] })), "domains[0]");
  assert.equal(field(() => parseCert("web", { domains: ["localhost"] })), "domains[0]");
  assert.equal(field(() => parseCert("web", { domains: [] })), "domains");
  assert.equal(field(() => parseCert("web", { domains: ["a.com", "a.com"] })), "domains[1]");
  assert.equal(field(() => parseCert("web", { domains: ["a.com"], email: "x" })), "email");
  assert.equal(field(() => parseCert("Web", { domains: ["a.com"] })), "name");
  assert.equal(field(() => parseCert("web", { domains: ["a.com"], extra: 1 })), "extra");
});

Deno.test("certbot command line: webroot, server, dirs, email or none, EAB, force", async () => {
  const s = await loadSettings({
    env: {},
    configFile: "/nonexistent.toml",
    overrides: {
      data_dir: "/var/lib/agent",
      acme_directory_url: "https://ca.internal/acme/acme/directory",
      acme_eab_kid: "kid1",
      acme_eab_hmac_key: "c2VjcmV0",
    },
  });
  const a = certbotArgs(s, {
    name: "web",
    domains: ["a.example.com", "b.example.com"],
    force: false,
  });
  const joined = a.join(" ");
  assert.equal(a[0], "certbot");
  assert.match(
    joined,
    /^certbot certonly --webroot -w \/var\/lib\/agent\/acme-webroot --cert-name web -d a\.example\.com -d b\.example\.com --non-interactive --agree-tos/,
  );
  assert.match(joined, /--server https:\/\/ca\.internal\/acme\/acme\/directory/);
  assert.match(
    joined,
    /--config-dir \/var\/lib\/agent\/certbot --work-dir \/var\/lib\/agent\/certbot\/work --logs-dir \/var\/lib\/agent\/certbot\/logs/,
  );
  assert.match(joined, /--register-unsafely-without-email/);
  // The EAB key is not on the command line (issue 17 item 7): certbot reads a 0600 file.
  assert.doesNotMatch(joined, /c2VjcmV0/);
  assert.match(joined, /--config \/var\/lib\/agent\/certbot\/eab\.ini/);
  assert.ok(!a.includes("--force-renewal"));
  const b = certbotArgs(s, {
    name: "web",
    domains: ["a.example.com"],
    email: "o@example.com",
    force: true,
  });
  assert.match(b.join(" "), /-m o@example\.com/);
  assert.ok(b.includes("--force-renewal"));
  // In a fleet: the agent's hooks answer HTTP-01; certbot's lineages live apart in issuer/.
  const m = certbotArgs(s, { name: "web", domains: ["a.example.com"], force: false }, {
    agent: "/usr/local/bin/agent",
  });
  const mj = m.join(" ");
  assert.match(mj, /^certbot certonly --manual --preferred-challenges http --manual-auth-hook/);
  assert.ok(m.includes("/usr/local/bin/agent acme publish-challenge"));
  assert.ok(m.includes("/usr/local/bin/agent acme cleanup-challenge"));
  assert.doesNotMatch(mj, /--webroot/);
  assert.match(mj, /--config-dir \/var\/lib\/agent\/certbot\/issuer --work-dir/);
  assert.equal(hookCommand("/opt/agent  --dev"), "/opt/agent --dev");
  assert.equal(field(() => hookCommand("agent; rm -rf /")), "acme_hook_command");
  assert.equal(field(() => hookCommand("'/usr/bin/agent'")), "acme_hook_command");
  assert.equal(
    certbotMessage({
      code: 1,
      stdout: "",
      stderr:
        "Saving debug log to /x/letsencrypt.log\nDomain: a.example.com\n  Type:   unauthorized\n\nAsk for help or search for solutions at https://community.letsencrypt.org.\n",
      durationMs: 1,
      timedOut: false,
      dryRun: false,
    }),
    "Domain: a.example.com\n  Type:   unauthorized",
  );
});

Deno.test("openssl x509 output: serial, dates, issuer, SAN names", () => {
  const info = parseX509Text(
    `serial=0A1B2C
notBefore=Nov 30 09:00:00 2026 GMT
notAfter=Feb 28 09:00:00 2027 GMT
issuer=CN=Pebble Intermediate CA 12ab
subject=CN=a.example.com
X509v3 Subject Alternative Name: 
    DNS:a.example.com, DNS:B.example.com, IP Address:127.0.0.1
`,
  );
  assert.deepEqual(info, {
    serial: "0A1B2C",
    not_before: "2026-11-30T09:00:00.000Z",
    not_after: "2027-02-28T09:00:00.000Z",
    issuer: "CN=Pebble Intermediate CA 12ab",
    subject: "CN=a.example.com",
    domains: ["a.example.com", "b.example.com"],
  });
  assert.equal(parseX509Text("garbage"), null);
});

Deno.test("status, due, rate limit and backoff", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const info = (daysLeft: number) => ({
    serial: "1",
    not_before: "2026-01-01T00:00:00Z",
    not_after: new Date(now.getTime() + daysLeft * 86_400_000).toISOString(),
    issuer: "x",
    subject: "x",
    domains: ["a.example.com"],
  });
  assert.equal(statusOf({}, null, now, 30), "pending");
  assert.equal(statusOf({}, info(60), now, 30), "active");
  assert.equal(statusOf({}, info(10), now, 30), "expiring");
  assert.equal(statusOf({}, info(-1), now, 30), "expired");
  assert.equal(statusOf({ last_error: "boom" }, info(60), now, 30), "failed");
  assert.equal(statusOf({ last_error: "boom" }, info(-1), now, 30), "expired");

  assert.equal(needsIssuance(["a.example.com"], info(60), now, 30), null);
  assert.match(needsIssuance(["a.example.com"], info(10), now, 30)!, /expires in 10 day/);
  assert.equal(
    needsIssuance(["a.example.com", "b.example.com"], info(60), now, 30),
    "the domains changed",
  );
  assert.equal(needsIssuance(["a.example.com"], null, now, 30), "no certificate yet");

  const ago = (min: number) => new Date(now.getTime() - min * 60_000).toISOString();
  assert.equal(blockedUntil([ago(50), ago(20)], now), null);
  assert.equal(
    blockedUntil([ago(50), ago(20), ago(5)], now)!.toISOString(),
    new Date(now.getTime() + 10 * 60_000).toISOString(),
    "the oldest of the last 3 leaves the hour in 10 minutes",
  );
  assert.equal(
    blockedUntil([ago(90), ago(20), ago(5)], now),
    null,
    "older than an hour: forgotten",
  );
  assert.equal(
    backoffUntil([ago(2)], now)!.toISOString(),
    new Date(now.getTime() + 3 * 60_000).toISOString(),
  );
  assert.equal(
    backoffUntil([ago(30), ago(8)], now)!.toISOString(),
    new Date(now.getTime() + 2 * 60_000).toISOString(),
  );
  assert.equal(backoffUntil([ago(6)], now), null);
});

Deno.test("challenge server: only names no site covers (exact or wildcard)", () => {
  assert.ok(coveredBy(["a.example.com"], "a.example.com"));
  assert.ok(coveredBy(["*.example.com"], "a.example.com"));
  assert.ok(!coveredBy(["*.example.com"], "example.com"));
  assert.ok(coveredBy([".example.com"], "example.com"));
  assert.ok(coveredBy([".example.com"], "x.y.example.com"));
  assert.ok(!coveredBy(["b.example.com"], "a.example.com"));
});
