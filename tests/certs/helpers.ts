// A test agent wired to a private pebble: nginx's HTTP port is the port
// pebble's VA fetches HTTP-01 challenges from, certbot trusts pebble's CA.
import { freePort, startTestAgent, type TestAgent } from "../helpers/agent.ts";
import { type Pebble, startPebble } from "../helpers/pebble.ts";
import { type Backend, httpBackend } from "../helpers/backends.ts";
import type { Feature } from "../../agent/host.ts";

export interface CertEnv {
  t: TestAgent;
  pebble: Pebble;
  backend: Backend;
  httpsPort: number;
  close(): Promise<void>;
}

export async function certEnv(
  opts: { features?: Feature[]; overrides?: Record<string, unknown>; alwaysValid?: boolean } = {},
): Promise<CertEnv> {
  const httpPort = freePort();
  const httpsPort = freePort();
  const pebble = await startPebble({ httpPort, alwaysValid: opts.alwaysValid });
  let t: TestAgent | null = null;
  const backend = httpBackend("app");
  try {
    t = await startTestAgent({
      httpPort,
      features: opts.features,
      overrides: {
        dev_https_port: httpsPort,
        acme_directory_url: pebble.directoryUrl,
        acme_ca_bundle: pebble.caBundlePath,
        ...opts.overrides,
      },
    });
  } catch (e) {
    await pebble.stop();
    await backend.close();
    throw e;
  }
  const agent = t;
  return {
    t: agent,
    pebble,
    backend,
    httpsPort,
    async close() {
      await agent.close().catch(() => {});
      await pebble.stop();
      await backend.close();
    },
  };
}

/** A pool with the test backend and a site for `domain` using managed certificate `cert`. */
export async function siteWithCert(env: CertEnv, name: string, domain: string, cert: string) {
  const pool = await env.t.api("PUT", `/api/pools/${name}`, {
    members: [{ address: env.backend.address }],
  });
  if (pool.status >= 300) throw new Error(`pool: ${JSON.stringify(pool.body)}`);
  const site = await env.t.api("PUT", `/api/sites/${name}`, {
    server_names: [domain],
    default_pool: name,
    tls: { cert },
    redirect_http: true,
  });
  if (site.status >= 300) throw new Error(`site: ${JSON.stringify(site.body)}`);
}

/** The serial of the certificate nginx presents for `host` (openssl s_client). */
export async function servedSerial(port: number, host: string): Promise<string> {
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      `openssl s_client -connect 127.0.0.1:${port} -servername ${host} </dev/null 2>/dev/null | openssl x509 -noout -serial`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const m = /serial=([0-9A-F]+)/i.exec(new TextDecoder().decode(out.stdout));
  if (!m) throw new Error(`no certificate served on ${port} for ${host}`);
  return m[1].toUpperCase();
}
