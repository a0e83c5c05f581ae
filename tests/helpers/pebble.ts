// A real ACME server for tests: pebble (Let's Encrypt's test CA) plus
// pebble-challtestsrv as its DNS server, so every name resolves to 127.0.0.1 and
// the HTTP-01 challenge is fetched from the test nginx's HTTP port. Everything
// runs on random loopback ports in a temp dir; pebble keeps its state in memory.
import { freePort, tempDir } from "./agent.ts";

export interface Pebble {
  /** ACME directory URL (the agent's acme_directory_url). */
  directoryUrl: string;
  /** PEM file trusting pebble's HTTPS endpoints (the agent's acme_ca_bundle). */
  caBundlePath: string;
  /** https://127.0.0.1:<port> of pebble's management API. */
  managementUrl: string;
  /** pebble's issuing root (changes at every start): trust it to verify issued certificates. */
  issuerCaPem(): Promise<string>;
  /** Stops pebble and its DNS server, keeping caBundlePath (tests of "ACME server down"). */
  kill(): Promise<void>;
  /** Stops both and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
  dir: string;
}

export interface PebbleOptions {
  /** Port pebble's VA fetches HTTP-01 challenges from: the test nginx's HTTP port. */
  httpPort: number;
  /** PEBBLE_VA_ALWAYS_VALID: skip challenge validation. */
  alwaysValid?: boolean;
}

export function requirePebble(): void {
  for (const bin of ["pebble", "pebble-challtestsrv", "certbot", "openssl"]) {
    const r = new Deno.Command("sh", { args: ["-c", `command -v ${bin}`], stdout: "null" })
      .outputSync();
    if (!r.success) {
      throw new Error(
        `${bin} is not installed: run \`deno task test\`, which installs it (scripts/install-test-deps.sh)`,
      );
    }
  }
}

async function run(cmd: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!out.success) {
    throw new Error(`${cmd.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A throwaway CA and a localhost certificate for pebble's own HTTPS listeners. */
async function makeTlsFiles(dir: string): Promise<void> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run(
    [
      "openssl",
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "7",
      "-subj",
      "/CN=pebble test CA",
    ],
    dir,
  );
  await run(
    [
      "openssl",
      "req",
      ...ec,
      "-keyout",
      "pebble.key",
      "-out",
      "pebble.csr",
      "-subj",
      "/CN=localhost",
    ],
    dir,
  );
  await Deno.writeTextFile(`${dir}/ext.cnf`, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await run([
    "openssl",
    "x509",
    "-req",
    "-in",
    "pebble.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "pebble.pem",
    "-days",
    "7",
    "-extfile",
    "ext.cnf",
  ], dir);
}

async function waitForPort(port: number, child: Deno.ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let exited = false;
  child.status.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited at start`);
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 15 s`);
}

export async function startPebble(opts: PebbleOptions): Promise<Pebble> {
  requirePebble();
  const dir = await tempDir("pebble");
  await makeTlsFiles(dir);
  const [acmePort, mgmtPort, dnsPort, challMgmtPort] = [
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ];
  await Deno.writeTextFile(
    `${dir}/pebble-config.json`,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: "pebble.pem",
        privateKey: "pebble.key",
        httpPort: opts.httpPort,
        tlsPort: freePort(),
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
      },
    }),
  );
  const logs = await Deno.open(`${dir}/pebble.log`, { write: true, create: true, append: true });
  const children: Deno.ChildProcess[] = [];
  const spawn = (cmd: string, args: string[], env: Record<string, string> = {}) => {
    const c = new Deno.Command(cmd, {
      args,
      cwd: dir,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Logs go to a file (kept with the temp dir for debugging a failed test).
    c.stdout.pipeTo(logs.writable, { preventClose: true }).catch(() => {});
    c.stderr.pipeTo(logs.writable, { preventClose: true }).catch(() => {});
    children.push(c);
    return c;
  };
  let killed = false;
  const kill = async () => {
    if (killed) return;
    killed = true;
    for (const c of children) {
      try {
        c.kill("SIGKILL");
      } catch { /* gone */ }
      await c.status;
    }
    try {
      logs.close();
    } catch { /* closed */ }
  };
  const stop = async () => {
    await kill();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    const dns = spawn("pebble-challtestsrv", [
      "-dns01",
      `127.0.0.1:${dnsPort}`,
      "-http01",
      "",
      "-https01",
      "",
      "-tlsalpn01",
      "",
      "-management",
      `127.0.0.1:${challMgmtPort}`,
      "-defaultIPv4",
      "127.0.0.1",
      "-defaultIPv6",
      "",
    ]);
    await waitForPort(challMgmtPort, dns, "pebble-challtestsrv");
    const pebble = spawn("pebble", [
      "-config",
      "pebble-config.json",
      "-dnsserver",
      `127.0.0.1:${dnsPort}`,
    ], {
      PEBBLE_VA_NOSLEEP: "1",
      PEBBLE_WFE_NONCEREJECT: "0",
      ...(opts.alwaysValid ? { PEBBLE_VA_ALWAYS_VALID: "1" } : {}),
    });
    await waitForPort(acmePort, pebble, "pebble");
    await waitForPort(mgmtPort, pebble, "pebble (management)");
  } catch (e) {
    await stop();
    throw new Error(
      `${(e as Error).message}; log: ${await Deno.readTextFile(`${dir}/pebble.log`).catch(() =>
        ""
      )}`,
    );
  }
  const caBundlePath = `${dir}/ca.pem`;
  const managementUrl = `https://127.0.0.1:${mgmtPort}`;
  return {
    dir,
    directoryUrl: `https://127.0.0.1:${acmePort}/dir`,
    caBundlePath,
    managementUrl,
    async issuerCaPem() {
      const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(caBundlePath)] });
      try {
        const r = await fetch(`${managementUrl}/roots/0`, { client });
        const text = await r.text();
        if (!r.ok) throw new Error(`pebble /roots/0: ${r.status} ${text}`);
        return text;
      } finally {
        client.close();
      }
    },
    kill,
    stop,
  };
}
