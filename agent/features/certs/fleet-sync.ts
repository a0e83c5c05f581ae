// Every node of a fleet (store = "etcd") follows three things for the
// certificates feature:
// - `acme/challenges/`: each token goes into the local webroot (served by
//   `location ^~ /.well-known/acme-challenge/`), then the node acks it on the
//   challenge's lease; a deleted challenge deletes the file;
// - `artifacts/certs/`: each certificate and its unsealed key go to
//   live/<name>/ (the paths the renderer serves), then a rerender (and a reload
//   when only the contents changed); a deleted artifact removes the files;
// - `acme/requests/` (the controller only): other nodes' PUTs and renewals,
//   issued here once the mirror holds the generation they were written at.
import { follow } from "../../fleet/follow.ts";
import type { KeyValue } from "../../fleet/etcd.ts";
import { TOKEN_RE } from "../../fleet/keys.ts";
import type { FleetLink } from "../../fleet/link.ts";
import { If, op } from "../../fleet/etcd.ts";
import { unseal } from "../../store/secrets.ts";
import { filesOf, liveDir } from "./certbot.ts";
import { acmeOf, refreshFiles, withCertLock } from "./state.ts";
import { renewCertificate, sitesUsing } from "./issue.ts";
import {
  type CertArtifact,
  type CertRequestValue,
  fleetSecret,
  writeCertFiles,
} from "./fleet-issue.ts";
import type { ChallengeValue } from "./fleet-hook.ts";
import type { CertsRuntime } from "./settings.ts";
import { ENTITY_RE } from "../../model/grammar.ts";
import { CERT_KIND } from "./model.ts";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

function json<T>(kv: KeyValue): T | null {
  try {
    return JSON.parse(kv.value) as T;
  } catch {
    return null;
  }
}

/** Follows `prefix` for ever (again every second after a failure, logged once per outage). */
async function followForever(
  rt: CertsRuntime,
  link: FleetLink,
  prefix: string,
  what: string,
  signal: AbortSignal,
  on: {
    snapshot(kvs: KeyValue[]): Promise<void>;
    put(kv: KeyValue): Promise<void>;
    del(key: string): Promise<void>;
  },
) {
  let failing = false;
  while (!signal.aborted) {
    try {
      for await (const u of follow(link.etcd, prefix, { signal })) {
        failing = false;
        if (u.type === "snapshot") await on.snapshot(u.kvs);
        else {
          for (const e of u.events) await (e.type === "put" ? on.put(e.kv) : on.del(e.kv.key));
        }
      }
    } catch (e) {
      if (signal.aborted) break;
      if (!failing) rt.log(`certs: following ${what} failed (again every second): ${e}`);
      failing = true;
      await sleep(1000, signal);
    }
  }
}

function challengeDir(rt: CertsRuntime): string {
  return `${rt.settings.acme_webroot}/.well-known/acme-challenge`;
}

function challenges(rt: CertsRuntime, link: FleetLink, signal: AbortSignal) {
  const written = new Set<string>();
  const tokenOf = (key: string) => key.slice(link.keys.challenges.length);
  const put = async (kv: KeyValue) => {
    const token = tokenOf(kv.key);
    const v = json<ChallengeValue>(kv);
    if (!TOKEN_RE.test(token) || !v?.key_authorization) return; // not a key this version wrote
    await Deno.mkdir(challengeDir(rt), { recursive: true });
    await Deno.writeTextFile(`${challengeDir(rt)}/${token}`, v.key_authorization, { mode: 0o644 });
    written.add(token);
    const lease = kv.lease && kv.lease !== "0" ? kv.lease : undefined;
    const ack = JSON.stringify({ at: new Date().toISOString() });
    // On the challenge's lease: the acks go with it (cleanup revokes it).
    await link.etcd.put(link.keys.ack(token, link.node), ack, { lease }).catch((e) =>
      rt.log(`certs: acking challenge ${token} failed: ${(e as Error).message}`)
    );
  };
  const del = async (key: string) => {
    const token = tokenOf(key);
    if (!TOKEN_RE.test(token)) return;
    written.delete(token);
    await Deno.remove(`${challengeDir(rt)}/${token}`).catch(() => {});
  };
  return followForever(rt, link, link.keys.challenges, "ACME challenges", signal, {
    async snapshot(kvs) {
      const now = new Set(kvs.map((kv) => tokenOf(kv.key)));
      for (const t of [...written]) if (!now.has(t)) await del(link.keys.challenges + t);
      for (const kv of kvs) await put(kv);
    },
    put,
    del,
  });
}

/** Writes a certificate from etcd where the renderer serves it, then applies. */
async function install(rt: CertsRuntime, name: string, a: CertArtifact | null): Promise<void> {
  const st = acmeOf(rt);
  const f = filesOf(rt.settings, name);
  const had = st.files.has(name);
  if (a) {
    const key = await unseal(await fleetSecret(rt), a.privkey);
    const same = (await Deno.readTextFile(f.certificate).catch(() => null)) === a.fullchain &&
      (await Deno.readTextFile(f.key).catch(() => null)) === key;
    if (same && had) return; // (the controller's own, written when it issued)
    if (!same) await writeCertFiles(rt, name, a.fullchain, key);
  } else {
    await Deno.remove(liveDir(rt.settings, name), { recursive: true }).catch(() => {});
  }
  await refreshFiles(rt, name);
  const o = await rt.reconciler.rerender();
  // Same paths, new contents (a renewal): the configuration did not change, nginx must reload.
  if (
    a && had && !o.reloaded && !rt.nginx.dryRun && (await rt.nginx.masterPid()) !== null &&
    (await sitesUsing(rt, name)).length > 0
  ) {
    const rl = await rt.reconciler.reloadNow();
    if (!rl.ok) rt.log(`certs: reloading for the renewed ${name} failed: ${rl.output}`);
  }
}

function artifacts(rt: CertsRuntime, link: FleetLink, signal: AbortSignal) {
  const st = acmeOf(rt);
  const nameOf = (key: string) => key.slice(link.keys.artifacts.length);
  const apply = async (name: string, a: CertArtifact | null) => {
    if (!ENTITY_RE.test(name)) return;
    await withCertLock(st, name, () => install(rt, name, a)).catch((e) =>
      rt.log(`certs: installing ${name} from etcd failed: ${(e as Error).message}`)
    );
  };
  const put = (kv: KeyValue) => apply(nameOf(kv.key), json<CertArtifact>(kv));
  return followForever(rt, link, link.keys.artifacts, "certificate artifacts", signal, {
    async snapshot(kvs) {
      for (const kv of kvs) await put(kv);
    },
    put,
    del: (key) => apply(nameOf(key), null),
  });
}

/** The controller issues what other nodes asked for; a request goes once handled. */
async function requests(rt: CertsRuntime, link: FleetLink, signal: AbortSignal) {
  let failing = false;
  while (!signal.aborted) {
    await sleep(500, signal);
    if (!link.leading() || signal.aborted) continue;
    try {
      const r = await link.etcd.range(link.keys.certRequests, { prefix: true });
      failing = false;
      for (const kv of r.kvs) {
        if (!link.leading() || signal.aborted) break;
        const name = kv.key.slice(link.keys.certRequests.length);
        const v = json<CertRequestValue>(kv);
        if (v && v.generation > (await link.generation())) continue; // the record is not here yet
        if (v && ENTITY_RE.test(name) && (await rt.store.get(CERT_KIND, name))) {
          await renewCertificate(rt, name, { force: v.force, actor: v.actor }).catch((e) =>
            rt.log(`certs: issuing ${name} for ${v.by} failed: ${(e as Error).message}`)
          );
        }
        // Gone only if nobody asked again meanwhile.
        await link.etcd.txn({
          compare: [If.mod(kv.key, "==", kv.modRevision)],
          success: [op.delete(kv.key)],
        });
      }
    } catch (e) {
      if (!failing) rt.log(`certs: reading certificate requests failed: ${e}`);
      failing = true;
    }
  }
}

/** Starts the three followers; the returned function stops them. */
export function startFleetSync(rt: CertsRuntime, link: FleetLink): () => Promise<void> {
  const ctl = new AbortController();
  const running = Promise.all([
    challenges(rt, link, ctl.signal),
    artifacts(rt, link, ctl.signal),
    requests(rt, link, ctl.signal),
  ]);
  return async () => {
    ctl.abort();
    await running;
  };
}
