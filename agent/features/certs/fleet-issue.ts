// Issuance in a fleet (store = "etcd"). The controller runs certbot in
// --manual mode (the agent's own `acme` hooks put HTTP-01 tokens in etcd for
// every node to serve), then puts the certificate and its key, sealed with the
// fleet's `secret`, on `artifacts/certs/<name>`; every node (the controller
// too) writes them to live/<name>/ and reloads. Another node asks the
// controller with `acme/requests/<name>` and answers 202.
import { fileURLToPath } from "node:url";
import type { ExecResult } from "../../exec.ts";
import { AgentError, invalid } from "../../errors.ts";
import type { FleetLink } from "../../fleet/link.ts";
import { FLEET_LINK } from "../../fleet/link.ts";
import { importSecret, seal } from "../../store/secrets.ts";
import { type CertbotRequest, filesOf, issuerDir, liveDir, runCertbot } from "./certbot.ts";
import { acmeOf } from "./state.ts";
import { fileSha256, readCertInfo } from "./x509.ts";
import { HOOK_CONTEXT_ENV, type HookContext } from "./fleet-hook.ts";
import type { CertsRuntime } from "./settings.ts";

/** What `artifacts/certs/<name>` holds. */
export interface CertArtifact {
  fullchain: string;
  /** The private key, sealed (store/secrets.ts): never plain text in etcd. */
  privkey: string;
  serial: string;
  not_after: string;
  sha256: string;
  issued_by: string;
  issued_at: string;
}

/** What `acme/requests/<name>` holds. */
export interface CertRequestValue {
  force: boolean;
  actor: string;
  by: string;
  /** The requester's generation after its write: the controller issues once it has it. */
  generation: number;
  at: string;
}

/** The fleet this agent is in, or null (store = kv, or the fleet feature is absent). */
export function fleetOf(rt: CertsRuntime): FleetLink | null {
  return rt.tryUse(FLEET_LINK)?.() ?? null;
}

const WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** The agent's own command line for certbot's hooks (a shell runs it: plain words only). */
export function hookCommand(setting: string): string {
  let words = setting.trim().split(/\s+/).filter(Boolean);
  if (!words.length) {
    const exe = Deno.execPath();
    // A compiled agent is its own binary; under `deno run` the hook runs main.ts again.
    words = /(^|\/)deno$/.test(exe) && Deno.mainModule.startsWith("file:")
      ? [exe, "run", "-A", "--unstable-kv", fileURLToPath(Deno.mainModule)]
      : [exe];
  }
  const bad = words.find((w) => !WORD.test(w));
  if (bad) {
    throw invalid(
      "acme_hook_command",
      `${JSON.stringify(bad)}: only letters, digits and _ . / : = @ % + , - (a shell runs it)`,
    );
  }
  return words.join(" ");
}

/** The sealing key: the fleet's `secret` (the same on every node). */
export async function fleetSecret(rt: CertsRuntime): Promise<CryptoKey> {
  return await importSecret(String((rt.settings as { secret?: string }).secret ?? ""));
}

/** Writes a certificate's two files (key 0600), each replaced in one rename. */
export async function writeCertFiles(
  rt: CertsRuntime,
  name: string,
  fullchain: string,
  privkey: string,
): Promise<void> {
  const dir = liveDir(rt.settings, name);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const f = filesOf(rt.settings, name);
  for (const [path, text, mode] of [[f.key, privkey, 0o600], [f.certificate, fullchain, 0o644]]) {
    const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.writeTextFile(tmp as string, text as string, { mode: mode as number });
    await Deno.chmod(tmp as string, mode as number);
    await Deno.rename(tmp as string, path as string);
  }
}

async function readOrNull(path: string): Promise<string | null> {
  return await Deno.readTextFile(path).catch(() => null);
}

/**
 * certbot on the controller; on success the files go to live/<name>/ and to
 * etcd. A hook's failure (certbot only logs it) is put in front of certbot's
 * own message.
 */
export async function runFleetCertbot(
  rt: CertsRuntime,
  link: FleetLink,
  req: CertbotRequest,
): Promise<ExecResult> {
  const s = rt.settings;
  const st = acmeOf(rt);
  const key = await fleetSecret(rt); // refused before certbot runs when it is not set
  const agent = hookCommand(s.acme_hook_command);
  await Deno.mkdir(s.certbot_dir, { recursive: true, mode: 0o700 });
  const ctxFile = `${s.certbot_dir}/acme-hook.json`;
  const errFile = `${s.certbot_dir}/acme-hook.err`;
  await Deno.remove(errFile).catch(() => {});
  const ctx: HookContext = {
    settings: link.settings,
    generation: await link.generation(),
    timeout_s: s.acme_challenge_timeout,
    error_file: errFile,
  };
  await Deno.remove(ctxFile).catch(() => {});
  await Deno.writeTextFile(ctxFile, JSON.stringify(ctx), { mode: 0o600, createNew: true });
  let r: ExecResult;
  try {
    r = await runCertbot(st.exec, s, req, {
      manual: { agent },
      env: { [HOOK_CONTEXT_ENV]: ctxFile },
    });
  } finally {
    await Deno.remove(ctxFile).catch(() => {});
  }
  const hookErr = (await readOrNull(errFile))?.trim();
  await Deno.remove(errFile).catch(() => {});
  if (r.code !== 0) return hookErr ? { ...r, stderr: `${hookErr}\n${r.stderr}` } : r;
  if (hookErr) rt.log(`certs: ${req.name} issued although a challenge hook failed: ${hookErr}`);
  const issued = filesOf({ certbot_dir: issuerDir(s) }, req.name);
  const fullchain = await readOrNull(issued.certificate);
  const privkey = await readOrNull(issued.key);
  if (!fullchain || !privkey) {
    return { ...r, code: 1, stderr: `certbot succeeded but ${issued.certificate} is missing` };
  }
  await writeCertFiles(rt, req.name, fullchain, privkey);
  const f = filesOf(s, req.name);
  const info = await readCertInfo(st.exec, f.certificate);
  const artifact: CertArtifact = {
    fullchain,
    privkey: await seal(key, privkey),
    serial: info?.serial ?? "",
    not_after: info?.not_after ?? "",
    sha256: (await fileSha256(f.certificate)) ?? "",
    issued_by: link.node,
    issued_at: new Date().toISOString(),
  };
  try {
    await link.etcd.put(link.keys.artifact(req.name), JSON.stringify(artifact));
  } catch (e) {
    throw new AgentError(
      "SHARED_STORE_UNAVAILABLE",
      `certificate "${req.name}" was issued on ${link.node} but could not be put in etcd for the ` +
        `other nodes: ${
          (e as Error).message
        } (POST /api/certs/${req.name}/renew with force retries)`,
      { name: req.name },
    );
  }
  return r;
}

/** Asks the controller to issue (another node's PUT or renew); returns who leads. */
export async function requestIssuance(
  link: FleetLink,
  name: string,
  o: { force: boolean; actor: string },
): Promise<string | null> {
  const v: CertRequestValue = {
    force: o.force,
    actor: o.actor,
    by: link.node,
    generation: await link.generation(),
    at: new Date().toISOString(),
  };
  await link.etcd.put(link.keys.certRequest(name), JSON.stringify(v));
  return await link.controller().catch(() => null);
}
