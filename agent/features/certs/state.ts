// Per-agent state of the certificates feature (the ACME service): the exec
// certbot and openssl run through, the synchronous map behind CERT_FILES, and
// per-name locks so two requests never run certbot for the same certificate at once.
import { serviceKey } from "../../runtime.ts";
import { type Exec, RealExec } from "../../exec.ts";
import { type CertFiles, filesOf } from "./certbot.ts";
import { CERT_KIND } from "./model.ts";
import { withKeyedLock } from "../../keyed-lock.ts";
import { Mutex } from "../../store/sync.ts";
import type { CertsRuntime } from "./settings.ts";

export interface AcmeState {
  exec: Exec;
  /** name -> files, for certificates whose fullchain.pem and privkey.pem both exist. */
  files: Map<string, CertFiles>;
  locks: Map<string, Promise<unknown>>;
  /**
   * One certbot at a time, whatever the certificate: certbot locks its
   * directories and refuses a second run ("Another instance of Certbot is
   * already running"), so two certificates asked at once would fail one.
   */
  certbotTurn: Mutex;
  /** certbot runs since start (tests and the health section read it). */
  certbotRuns: number;
}

export const ACME = serviceKey<AcmeState>("acme");

/** `debug`: the agent's debug log (log_level debug), so certbot and openssl runs are logged. */
export function newAcmeState(exec?: Exec, debug?: (m: string) => void): AcmeState {
  return {
    exec: exec ?? new RealExec({ debug }),
    files: new Map(),
    locks: new Map(),
    certbotTurn: new Mutex(),
    certbotRuns: 0,
  };
}

/** The feature's state (throws when the certificates feature is not in this agent). */
export function acmeOf(rt: CertsRuntime): AcmeState {
  return rt.use(ACME);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isFile, () => false);
}

/** Re-reads whether a certificate's two files exist; returns them or null. */
export async function refreshFiles(rt: CertsRuntime, name: string): Promise<CertFiles | null> {
  const st = acmeOf(rt);
  const f = filesOf(rt.settings, name);
  if ((await exists(f.certificate)) && (await exists(f.key))) {
    st.files.set(name, f);
    return f;
  }
  st.files.delete(name);
  return null;
}

/** Fills the map from the certificate records (at start and after a rebuild). */
export async function refreshAllFiles(rt: CertsRuntime): Promise<void> {
  const st = acmeOf(rt);
  const names = new Set((await rt.store.list(CERT_KIND)).map((r) => r.name));
  for (const n of [...st.files.keys()]) if (!names.has(n)) st.files.delete(n);
  for (const n of names) await refreshFiles(rt, n);
}

/** Runs `fn` after every earlier operation on the same name has finished. */
export function withCertLock<T>(st: AcmeState, name: string, fn: () => Promise<T>): Promise<T> {
  return withKeyedLock(st.locks, name, fn);
}
