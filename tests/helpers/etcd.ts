// A real etcd cluster for tests: N members (Debian's etcd-server) on free
// loopback ports, data dirs in a temp dir, fast elections (heartbeat 50 ms,
// election timeout 500 ms). It kills only the processes it started.
import { freePort, tempDir } from "./agent.ts";

export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  child?: Deno.ChildProcess;
  log: string[];
}

export interface EtcdCluster {
  dir: string;
  members: EtcdMember[];
  /** Every member's client URL, in member order. */
  endpoints: string[];
  /** How long the cluster took to answer healthy on every member, in ms. */
  startMs: number;
  /** The index of the member that leads raft now. */
  leader(): Promise<number>;
  /** SIGKILL one member and wait for it to exit. */
  kill(i: number): Promise<void>;
  /** Start a killed member again on its data dir and wait until it is healthy. */
  restart(i: number): Promise<void>;
  stopAll(): Promise<void>;
}

export function requireEtcd(): void {
  for (const cmd of ["etcd", "etcdctl"]) {
    const ok = new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`], stdout: "null" })
      .outputSync().success;
    if (!ok) throw new Error(`${cmd} not found: run sh scripts/install-test-deps.sh`);
  }
}

/**
 * TLS for the members' client URLs (peers stay plain http on loopback). Client
 * certificates are asked for only with `args: ["--trusted-ca-file=…"]`: etcd
 * takes a trusted CA to mean --client-cert-auth.
 */
export interface EtcdTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** PEMs for the helper's own health checks. */
  ca: string;
  clientCert?: string;
  clientKey?: string;
}

export interface EtcdClusterOptions {
  size?: number;
  withinMs?: number;
  tls?: EtcdTls;
  /** More etcd flags, e.g. --auth-token-ttl=2 or --client-cert-auth. */
  args?: string[];
}

function spawn(
  m: EtcdMember,
  cluster: string,
  state: "new" | "existing",
  o: EtcdClusterOptions,
): void {
  const tls = o.tls
    ? [
      `--cert-file=${o.tls.certFile}`,
      `--key-file=${o.tls.keyFile}`,
    ]
    : [];
  const args = [
    `--name=${m.name}`,
    `--data-dir=${m.dataDir}`,
    `--listen-client-urls=${m.clientUrl}`,
    `--advertise-client-urls=${m.clientUrl}`,
    `--listen-peer-urls=${m.peerUrl}`,
    `--initial-advertise-peer-urls=${m.peerUrl}`,
    `--initial-cluster=${cluster}`,
    `--initial-cluster-state=${state}`,
    "--initial-cluster-token=switchyard-test",
    "--heartbeat-interval=50",
    "--election-timeout=500",
    "--logger=zap",
    "--log-level=warn",
    ...tls,
    ...(o.args ?? []),
  ];
  m.child = new Deno.Command("etcd", { args, stdin: "null", stdout: "null", stderr: "piped" })
    .spawn();
  m.log.length = 0;
  const log = m.log;
  (async () => {
    const dec = new TextDecoder();
    for await (const chunk of m.child!.stderr) {
      log.push(dec.decode(chunk));
      if (log.length > 200) log.shift();
    }
  })().catch(() => {});
}

async function healthy(url: string, client?: Deno.HttpClient): Promise<boolean> {
  try {
    const r = await fetch(`${url}/health`, {
      signal: AbortSignal.timeout(500),
      ...(client ? { client } : {}),
    });
    const body = await r.json() as { health?: string };
    return r.ok && body.health === "true";
  } catch {
    return false;
  }
}

async function waitHealthy(
  members: EtcdMember[],
  withinMs: number,
  client?: Deno.HttpClient,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const ok = await Promise.all(members.map((m) => healthy(m.clientUrl, client)));
    if (ok.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const logs = members.map((m) => `${m.name}: ${m.log.join("").slice(-800)}`).join("\n");
  throw new Error(`etcd not healthy within ${withinMs} ms\n${logs}`);
}

async function stopChild(m: EtcdMember): Promise<void> {
  const child = m.child;
  if (!child) return;
  m.child = undefined;
  try {
    child.kill("SIGKILL");
  } catch { /* exited already */ }
  await child.status;
}

export async function startEtcdCluster(o: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  requireEtcd();
  const { size = 3, withinMs = 15_000 } = o;
  const scheme = o.tls ? "https" : "http";
  const client = o.tls
    ? Deno.createHttpClient({
      caCerts: [o.tls.ca],
      ...(o.tls.clientCert && o.tls.clientKey
        ? { cert: o.tls.clientCert, key: o.tls.clientKey }
        : {}),
    })
    : undefined;
  const dir = await tempDir("etcd");
  const members: EtcdMember[] = Array.from({ length: size }, (_, i) => ({
    name: `m${i}`,
    clientUrl: `${scheme}://127.0.0.1:${freePort()}`,
    peerUrl: `http://127.0.0.1:${freePort()}`,
    dataDir: `${dir}/m${i}`,
    log: [],
  }));
  const initial = members.map((m) => `${m.name}=${m.peerUrl}`).join(",");
  const t0 = performance.now();
  for (const m of members) spawn(m, initial, "new", o);
  try {
    await waitHealthy(members, withinMs, client);
  } catch (e) {
    client?.close();
    await Promise.all(members.map(stopChild));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw e;
  }
  const startMs = Math.round(performance.now() - t0);

  return {
    dir,
    members,
    endpoints: members.map((m) => m.clientUrl),
    startMs,
    async leader() {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        for (const m of members.filter((m) => m.child)) {
          try {
            const r = await fetch(`${m.clientUrl}/v3/maintenance/status`, {
              method: "POST",
              body: "{}",
              signal: AbortSignal.timeout(500),
              ...(client ? { client } : {}),
            });
            const s = await r.json() as { header?: { member_id?: string }; leader?: string };
            if (s.leader && s.leader === s.header?.member_id) return members.indexOf(m);
          } catch { /* down or busy: ask the next */ }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("no etcd leader within 5 s");
    },
    kill: (i) => stopChild(members[i]),
    async restart(i) {
      if (members[i].child) throw new Error(`${members[i].name} is running`);
      spawn(members[i], initial, "existing", o);
      await waitHealthy([members[i]], withinMs, client);
    },
    async stopAll() {
      client?.close();
      await Promise.all(members.map(stopChild));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await sleep(50);
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

type SuiteTest = ((name: string, ms: number, fn: (c: EtcdCluster) => Promise<void>) => void) & {
  /** Registers the file's last test: it stops the cluster. */
  stopAtEnd(): void;
};

/**
 * One cluster for a test file, started by its first test; `test(name, ms, fn)`
 * fails a test that takes over `ms`. The cluster outlives single tests, so
 * the op and resource sanitizers are off; stopAtEnd() and an unload hook stop it.
 */
export function etcdSuite(options: EtcdClusterOptions | (() => Promise<EtcdClusterOptions>) = {}) {
  let cluster: Promise<EtcdCluster> | undefined;
  let started: EtcdCluster | undefined;
  const shared = () =>
    cluster ??= (typeof options === "function" ? options() : Promise.resolve(options))
      .then(startEtcdCluster).then((c) => {
        started = c;
        // A --filter run skips stopAtEnd(): the cluster still goes when the process ends.
        globalThis.addEventListener("unload", () => {
          for (const m of c.members) {
            try {
              m.child?.kill("SIGKILL");
            } catch { /* exited */ }
          }
          try {
            Deno.removeSync(c.dir, { recursive: true });
          } catch { /* removed by stopAll */ }
        });
        return c;
      });
  const test = ((name: string, ms: number, fn: (c: EtcdCluster) => Promise<void>) => {
    Deno.test({
      name,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => await within(ms, name, shared().then(fn)),
    });
  }) as SuiteTest;
  test.stopAtEnd = () =>
    Deno.test({
      name: "stop the etcd cluster",
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => await started?.stopAll(),
    });
  return { test, sleep, until, cluster: shared };
}
