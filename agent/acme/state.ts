// Per-runtime state of the certificates feature: the exec certbot and openssl
// run through, the synchronous map behind rt.certFiles, and per-name locks so
// two requests never run certbot for the same certificate at once.
import type { Runtime } from "../runtime.ts";
import { type Exec, RealExec } from "../exec.ts";
import { type CertFiles, filesOf } from "./certbot.ts";
import { CERT_KIND } from "../model/cert.ts";
import { withKeyedLock } from "../keyed-lock.ts";

export interface AcmeState {
  exec: Exec;
  /** name -> files, for certificates whose fullchain.pem and privkey.pem both exist. */
  files: Map<string, CertFiles>;
  locks: Map<string, Promise<unknown>>;
  /** certbot runs since start (tests and the health section read it). */
  certbotRuns: number;
}

const states = new WeakMap<Runtime, AcmeState>();

/** The feature's state; created on first use so ensureCertificate works from any caller. */
export function acmeOf(rt: Runtime, exec?: Exec): AcmeState {
  let st = states.get(rt);
  if (!st) {
    st = { exec: exec ?? new RealExec(), files: new Map(), locks: new Map(), certbotRuns: 0 };
    states.set(rt, st);
    rt.certFiles = (name) => st!.files.get(name) ?? null;
  }
  return st;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isFile, () => false);
}

/** Re-reads whether a certificate's two files exist; returns them or null. */
export async function refreshFiles(rt: Runtime, name: string): Promise<CertFiles | null> {
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
export async function refreshAllFiles(rt: Runtime): Promise<void> {
  const st = acmeOf(rt);
  const names = new Set((await rt.store.list(CERT_KIND)).map((r) => r.name));
  for (const n of [...st.files.keys()]) if (!names.has(n)) st.files.delete(n);
  for (const n of names) await refreshFiles(rt, n);
}

/** Runs `fn` after every earlier operation on the same name has finished. */
export function withCertLock<T>(st: AcmeState, name: string, fn: () => Promise<T>): Promise<T> {
  return withKeyedLock(st.locks, name, fn);
}
