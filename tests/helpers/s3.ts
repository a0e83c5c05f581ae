// Real S3 servers for tests: s3rver 3.7.1 under node (--openssl-legacy-provider:
// its ListObjectsV2 continuation token uses DES) behind a verifying SigV4 shim
// of our own. s3rver checks no signature, nanio does: the shim rebuilds each
// request's signature from the secret of its access key and answers 403
// SignatureDoesNotMatch on a mismatch, so a signing bug in the agent's client or
// a gateway that sends `Host $host` (port dropped) fails here as on real nanio.
import { AwsV4Signer } from "aws4fetch";
import { freePort, tempDir } from "./agent.ts";

const S3RVER_VERSION = "3.7.1";
const CACHE = `${Deno.env.get("HOME") ?? "/tmp"}/.cache/switchyard/s3rver-${S3RVER_VERSION}`;
const BIN = `${CACHE}/node_modules/s3rver/bin/s3rver.js`;

/** s3rver's one account; its secret is checked by the shim, not by s3rver. */
export const S3_ACCESS_KEY = "S3RVER";

export function requireNode(): void {
  const r = new Deno.Command("node", { args: ["--version"], stdout: "null", stderr: "null" })
    .outputSync();
  if (!r.success) throw new Error("node is needed to run s3rver (apt-get install nodejs)");
}

/** Installs s3rver once into a cache directory (npm, the registry these machines reach). */
async function ensureS3rver(): Promise<void> {
  if (await Deno.stat(BIN).then(() => true, () => false)) return;
  await Deno.mkdir(CACHE, { recursive: true });
  const lock = `${CACHE}.lock`;
  for (let i = 0; i < 600; i++) {
    try {
      await Deno.mkdir(lock);
      break;
    } catch {
      if (await Deno.stat(BIN).then(() => true, () => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (await Deno.stat(BIN).then(() => true, () => false)) return;
    const out = await new Deno.Command("npm", {
      args: ["install", "--no-audit", "--no-fund", "--silent", `s3rver@${S3RVER_VERSION}`],
      cwd: CACHE,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`npm install s3rver failed: ${new TextDecoder().decode(out.stderr)}`);
    }
  } finally {
    await Deno.remove(lock).catch(() => {});
  }
}

export interface S3Server {
  /** The shim's address (what pools name as members): 127.0.0.1:PORT. */
  address: string;
  endpoint: string;
  /** s3rver itself, behind the shim. */
  backendPort: number;
  dir: string;
  /** Signed requests the shim refused (bad signature, key or region); unsigned probes are not counted. */
  rejected: string[];
  accepted: number;
  /** Every verified request: METHOD /path?query. */
  requests: string[];
  /** When set and true for a verified request, it answers 503 (a node refusing). */
  refuse: ((method: string, url: URL) => boolean) | null;
  close(): Promise<void>;
}

function parseAuth(h: string) {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/
      .exec(h);
  return m ? { ak: m[1], region: m[3], signed: m[4].split(";"), signature: m[5] } : null;
}

function deny(code: string, msg: string, status = 403) {
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${msg}</Message></Error>`,
    { status, headers: { "content-type": "application/xml" } },
  );
}

function spawnS3rver(dir: string, port: number): Deno.ChildProcess {
  return new Deno.Command("node", {
    args: [
      "--openssl-legacy-provider",
      BIN,
      "-d",
      `${dir}/data`,
      "-a",
      "127.0.0.1",
      "-p",
      String(port),
      "--no-vhost-buckets",
      "--allow-mismatched-signatures",
      "--silent",
    ],
    stdout: "null",
    stderr: "piped",
    env: { NODE_OPTIONS: "" },
  }).spawn();
}

/** One s3rver (node) behind a verifying shim; `secrets` maps access keys to their secret. */
export async function startS3Server(
  secrets: Record<string, string>,
  region = "us-east-1",
): Promise<S3Server> {
  requireNode();
  await ensureS3rver();
  const dir = await tempDir("s3");
  // A port another test took in between makes node exit at once: a new port then.
  // Under a full parallel suite node can take long to start, hence the minute.
  let backendPort = 0;
  let proc: Deno.ChildProcess | null = null;
  const deadline = Date.now() + 60_000;
  while (!proc) {
    backendPort = freePort();
    const p = spawnS3rver(dir, backendPort);
    const exited = p.status.then(() => true);
    while (true) {
      const up = await fetch(`http://127.0.0.1:${backendPort}`, {
        signal: AbortSignal.timeout(1000),
      }).then(async (r) => (await r.body?.cancel(), true), () => false);
      if (up) {
        proc = p;
        break;
      }
      const gone = await Promise.race([
        exited,
        new Promise((r) => setTimeout(() => r(false), 100)),
      ]);
      if (gone || Date.now() > deadline) {
        const err = await new Response(p.stderr).text().catch(() => "");
        if (!gone) {
          try {
            p.kill("SIGKILL");
          } catch { /* gone */ }
        }
        if (Date.now() > deadline) {
          throw new Error(`s3rver did not start within 60 s: ${err.slice(-400)}`);
        }
        break; // exited (its port taken): again on another port
      }
    }
  }
  const backend = `http://127.0.0.1:${backendPort}`;
  // Idle connections are dropped before node's 5 s keep-alive timeout closes them.
  const toBackend = Deno.createHttpClient({ poolIdleTimeout: 2000 });
  const rejected: string[] = [];
  const requests: string[] = [];
  const state = { accepted: 0 };
  const port = freePort();
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, signal: ac.signal, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      const host = req.headers.get("host") ?? "";
      const auth = parseAuth(req.headers.get("authorization") ?? "");
      const what = `${req.method} ${url.pathname}${url.search} (Host ${host})`;
      if (!auth) {
        // Unsigned: the agent's member probe (any answer means the node is up).
        return deny("AccessDenied", "no SigV4 Authorization header");
      }
      const secret = secrets[auth.ak];
      if (!secret) {
        rejected.push(`${what}: unknown access key`);
        return deny("InvalidAccessKeyId", `unknown access key ${auth.ak}`);
      }
      if (auth.region !== region) {
        rejected.push(`${what}: region ${auth.region}`);
        return deny(
          "AuthorizationHeaderMalformed",
          `region ${auth.region}, expected ${region}`,
          400,
        );
      }
      const headers = new Headers();
      for (const h of auth.signed) if (h !== "host") headers.set(h, req.headers.get(h) ?? "");
      headers.set("host", host);
      const signer = new AwsV4Signer({
        method: req.method,
        url: `http://${host}${url.pathname}${url.search}`,
        headers,
        accessKeyId: auth.ak,
        secretAccessKey: secret,
        service: "s3",
        region,
        datetime: req.headers.get("x-amz-date") ?? "",
        allHeaders: true,
      });
      // Only the headers the client signed count (the signer adds none we did not copy).
      const expected = await signer.signature();
      if (expected !== auth.signature) {
        rejected.push(`${what}: signature`);
        return deny(
          "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided",
        );
      }
      if (srv.refuse?.(req.method, url)) {
        return deny("ServiceUnavailable", "refused by the test", 503);
      }
      state.accepted++;
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const fwd = new Headers(req.headers);
      fwd.delete("host");
      // Buffered so a request lost on a keep-alive connection node closed as
      // idle (or an answer cut short) can be sent again (else a bare 500).
      let body: Uint8Array<ArrayBuffer> | undefined;
      try {
        body = req.body ? new Uint8Array(await req.arrayBuffer()) : undefined;
      } catch {
        // the client (or nginx for it) went away mid-body: nothing to forward
        return deny("IncompleteBody", "the request body ended early", 400);
      }
      for (let attempt = 0;; attempt++) {
        try {
          const res = await fetch(`${backend}${url.pathname}${url.search}`, {
            method: req.method,
            headers: fwd,
            body,
            redirect: "manual",
            client: toBackend,
          });
          // Read whole here: a body s3rver cuts short (under load) is fetched again,
          // rather than reaching nginx truncated and failing the client's read.
          const data = req.method === "HEAD" ? null : new Uint8Array(await res.arrayBuffer());
          // 204 and 304 may carry no body at all, not even an empty one.
          return new Response(data?.length ? data : null, {
            status: res.status,
            headers: res.headers,
          });
        } catch (e) {
          if (attempt >= 2) {
            return deny("InternalError", `s3rver: ${(e as Error).message}`, 500);
          }
        }
      }
    },
  );
  const srv: S3Server = {
    address: `127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}`,
    backendPort,
    dir,
    rejected,
    requests,
    get accepted() {
      return state.accepted;
    },
    refuse: null,
    async close() {
      ac.abort();
      await server.finished.catch(() => {});
      toBackend.close();
      try {
        proc.kill("SIGTERM");
      } catch { /* already gone */ }
      await proc.stderr.cancel().catch(() => {});
      await proc.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
  return srv;
}
