// `agent fleet join`: a single host's desired state copied into an EMPTY
// fleet prefix, then the local state file marked as the fleet's mirror at the
// revision the copy landed at, so the agent starts with store = "etcd" serving
// what it served (no refusal, nothing applied again, nothing lost).
//
// Atomicity: every transaction compares that nobody else got there first. A
// state that fits one transaction goes in one: `desired/` empty (a range
// compare) → every record + `desired/generation`. A larger one takes several:
// the first puts `desired/joining` (who, since when) with the first records if
// `desired/` is empty; the next ones compare that `joining` is still this
// join's and there is no generation; the last also puts the generation and
// deletes `joining`. Until then nothing reads as a fleet: followers mirror no
// record of a prefix without generation, fleet writes are refused while
// `joining` exists (desired.ts), and a new join is refused. An interrupted join
// is started over by running it again on the same node.
import { AgentError, invalid } from "../../errors.ts";
import { type Compare, type Etcd, If, type KeyValue, type Op, op } from "../../fleet/etcd.ts";
import type { FleetKeys } from "../../fleet/keys.ts";
import { ambiguous } from "../../fleet/desired.ts";
import { canonical } from "../../store/canonical.ts";
import { type Head, readJson } from "../../store/kvjson.ts";
import { clean } from "../../store/stage.ts";
import type { Rec } from "../../store/ops.ts";
import { importSecret, isSealed, unseal } from "../../store/secrets.ts";
import { covers, META, type MirrorAt, mirrorAt } from "./mirror.ts";

export interface JoinRecord {
  kind: string;
  name: string;
  /** `desired/<kind>/<name>` and the stored record JSON (no claims), as a fleet write puts it. */
  key: string;
  value: string;
}

export interface JoinOptions {
  node: string;
  dryRun?: boolean;
  /** The `secret` setting: every sealed field must open with it (the fleet shares it). */
  secret: string;
  /** The dotted secret fields of a kind (the kinds' `secrets`). */
  secretsOf(kind: string): readonly string[];
  /** etcd's --max-txn-ops (128 unless the cluster was started otherwise). */
  maxOps?: number;
  /** Record bytes per transaction: etcd takes requests up to 1.5 MiB (--max-request-bytes). */
  maxBytes?: number;
  now?: () => Date;
}

export interface JoinReport {
  dry_run: boolean;
  prefix: string;
  records: number;
  kinds: Record<string, number>;
  /** Secret fields copied as ciphertext. */
  sealed: number;
  transactions: number;
  generation: number;
  revision: number;
  /** An unfinished join of this node was cleared first. */
  started_over: boolean;
  /** etcd already held exactly this state (an earlier join's answer was lost): only marked. */
  resolved: boolean;
}

/** The records `agent fleet join` copies: every shared kind's, as stored, without claims. */
async function localRecords(kv: Deno.Kv, keys: FleetKeys): Promise<JoinRecord[]> {
  const out: JoinRecord[] = [];
  for await (const h of kv.list<Head>({ prefix: ["rec"] })) {
    if (h.key.length !== 3) continue;
    const [kind, name] = [String(h.key[1]), String(h.key[2])];
    if (!covers(kind)) continue;
    const rec = clean(await readJson<Rec>(kv, h));
    out.push({ kind, name, key: `${keys.desired}${kind}/${name}`, value: JSON.stringify(rec) });
  }
  return out;
}

function field(o: unknown, path: string): unknown {
  for (const p of path.split(".")) o = o && typeof o === "object" ? (o as never)[p] : undefined;
  return o;
}

/** How many sealed fields there are; refuses one the `secret` setting cannot open. */
async function checkSealed(records: JoinRecord[], o: JoinOptions): Promise<number> {
  let n = 0;
  let key: CryptoKey | null = null;
  for (const r of records) {
    for (const path of o.secretsOf(r.kind)) {
      const v = field(JSON.parse(r.value), path);
      if (!isSealed(v)) continue;
      n++;
      const why = `${r.kind}/${r.name} ${path} is sealed, and every node of the fleet opens it ` +
        "with its own `secret` setting: all nodes need the secret that sealed it";
      if (!o.secret) throw invalid("secret", `not set: ${why}`);
      key ??= await importSecret(o.secret);
      await unseal(key, v).catch(() => {
        throw invalid("secret", `does not open a sealed value: ${why}`);
      });
    }
  }
  return n;
}

/** Records in groups of at most `ops` and `bytes` (one record alone may exceed `bytes`). Pure. */
export function batches(records: JoinRecord[], ops: number, bytes: number): JoinRecord[][] {
  const out: JoinRecord[][] = [];
  let cur: JoinRecord[] = [];
  let size = 0;
  for (const r of records) {
    const b = r.key.length + r.value.length;
    if (cur.length && (cur.length >= ops || size + b > bytes)) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(r);
    size += b;
  }
  if (cur.length) out.push(cur);
  return out;
}

interface PrefixState {
  generation?: KeyValue;
  joining?: KeyValue;
  keys: number;
}

async function prefixState(etcd: Etcd, keys: FleetKeys): Promise<PrefixState> {
  const [generation, joining, all] = await Promise.all([
    etcd.get(keys.generation),
    etcd.get(keys.joining),
    etcd.range(keys.desired, { prefix: true, countOnly: true }),
  ]);
  return { generation, joining, keys: all.count };
}

/** The generation's revision when etcd holds exactly `records` (else 0). */
async function sameState(etcd: Etcd, keys: FleetKeys, records: JoinRecord[]): Promise<MirrorAt> {
  const snap = await etcd.rangeAll(keys.desired);
  const gen = snap.kvs.find((kv) => kv.key === keys.generation);
  const there = snap.kvs.filter((kv) => kv.key !== keys.generation);
  const none = { revision: 0, generation: 0 };
  if (!gen || there.length !== records.length) return none;
  const ours = new Map(records.map((r) => [r.key, r.value]));
  for (const kv of there) {
    const v = ours.get(kv.key);
    if (v === undefined || canonical(JSON.parse(v)) !== canonical(JSON.parse(kv.value))) {
      return none;
    }
  }
  return { revision: gen.modRevision, generation: Number(gen.value) };
}

function notEmpty(keys: FleetKeys, s: PrefixState): AgentError {
  const where = keys.desired;
  const clear = `etcdctl del --prefix ${where}`;
  if (s.generation) {
    return new AgentError(
      "CONFLICT",
      `the fleet's prefix ${where} is not empty: it holds generation ${s.generation.value} and ` +
        `${s.keys - 1} record(s). A join copies a host's state only into an empty fleet: to take ` +
        `the fleet's state, start this node on an empty data_dir instead`,
      { field: "cluster", generation: Number(s.generation.value), records: s.keys - 1 },
    );
  }
  if (s.joining) {
    let who: { node?: string; started_at?: string } = {};
    try {
      who = JSON.parse(s.joining.value);
    } catch { /* not ours */ }
    return new AgentError(
      "CONFLICT",
      `the fleet's prefix ${where} is not empty: node ${who.node ?? "(unknown)"} started a join ` +
        `at ${who.started_at ?? "?"} that has not finished (${s.keys - 1} record(s) so far, no ` +
        `generation): run the join again on that node, or clear it (${clear})`,
      { field: "cluster", joining: who, records: s.keys - 1 },
    );
  }
  return new AgentError(
    "CONFLICT",
    `the fleet's prefix ${where} is not empty: it holds ${s.keys} key(s) but no generation ` +
      `(not a fleet's state): clear it (${clear}) and join again`,
    { field: "cluster", records: s.keys },
  );
}

async function markMirror(kv: Deno.Kv, at: MirrorAt): Promise<void> {
  const r = await kv.atomic().check({ key: META, versionstamp: null }).set(META, at).commit();
  if (!r.ok) throw new AgentError("CONFLICT", "the state file became a fleet mirror meanwhile");
}

/** Copies the local state into the fleet's empty `desired/` and marks the KV its mirror. */
export async function joinFleet(
  kv: Deno.Kv,
  etcd: Etcd,
  keys: FleetKeys,
  o: JoinOptions,
): Promise<JoinReport> {
  const at = await mirrorAt(kv);
  if (at.revision) {
    throw new AgentError(
      "CONFLICT",
      `the state file is already a fleet mirror (generation ${at.generation}, revision ${at.revision}): ` +
        `nothing to join; start the agent with store = "etcd"`,
      { field: "store", ...at },
    );
  }
  const records = await localRecords(kv, keys);
  if (!records.length) {
    throw invalid(
      "data_dir",
      'the state file holds no records: nothing to join; start the agent with store = "etcd" ' +
        "on it and it takes the fleet's state",
    );
  }
  const report: JoinReport = {
    dry_run: !!o.dryRun,
    prefix: keys.desired,
    records: records.length,
    kinds: {},
    sealed: await checkSealed(records, o),
    transactions: 0,
    generation: 0,
    revision: 0,
    started_over: false,
    resolved: false,
  };
  for (const r of records) report.kinds[r.kind] = (report.kinds[r.kind] ?? 0) + 1;
  // One transaction: the records and the generation. Several: the first also puts `joining`,
  // the last also the generation and the delete of `joining`.
  const maxOps = o.maxOps ?? 128, maxBytes = o.maxBytes ?? 1_000_000;
  let groups = batches(records, maxOps - 1, maxBytes);
  if (groups.length > 1) groups = batches(records, maxOps - 2, maxBytes);
  report.transactions = groups.length;

  const state = await prefixState(etcd, keys); // etcd out of reach: SHARED_STORE_UNAVAILABLE
  const done = async (m: MirrorAt, resolved: boolean) => {
    await markMirror(kv, m);
    return { ...report, ...m, resolved };
  };
  if (state.generation) {
    const same = await sameState(etcd, keys, records);
    if (same.revision && o.dryRun) return { ...report, ...same, resolved: true };
    if (same.revision) return await done(same, true);
    throw notEmpty(keys, state);
  }
  let ownUnfinished = false;
  if (state.joining) {
    const who = (() => {
      try {
        return JSON.parse(state.joining!.value).node;
      } catch {
        return undefined;
      }
    })();
    if (who !== o.node) throw notEmpty(keys, state);
    ownUnfinished = true;
  } else if (state.keys) throw notEmpty(keys, state);
  if (o.dryRun) return { ...report, started_over: ownUnfinished };

  if (ownUnfinished) {
    const t = await etcd.txn({
      compare: [If.value(keys.joining, "==", state.joining!.value), If.missing(keys.generation)],
      success: [op.delete(keys.desired, { prefix: true })],
    });
    if (!t.succeeded) throw notEmpty(keys, await prefixState(etcd, keys));
    report.started_over = true;
  }

  const token = JSON.stringify({
    node: o.node,
    started_at: (o.now?.() ?? new Date()).toISOString(),
    records: records.length,
    id: crypto.randomUUID(),
  });
  const puts = (g: JoinRecord[]) => g.map((r) => op.put(r.key, r.value));
  const gen = op.put(keys.generation, "1");
  type Step = "claim" | "more" | "last";
  const run = async (compare: Compare[], success: Op[], step: Step, again = true) => {
    try {
      const t = await etcd.txn({ compare, success });
      if (!t.succeeded) throw notEmpty(keys, await prefixState(etcd, keys));
      return t.revision;
    } catch (e) {
      if (!ambiguous(e)) throw e;
      // The answer was lost: whether it landed is read back (the claim, the whole state),
      // or the same puts under the same compares are simply sent again.
      if (step === "last") {
        const same = await sameState(etcd, keys, records);
        if (same.revision) return same.revision;
      }
      if (step === "claim" && (await etcd.get(keys.joining))?.value === token) return 0;
      if (step === "more" && again) return await run(compare, success, step, false);
      throw e;
    }
  };
  if (groups.length === 1) {
    const revision = await run([If.none(keys.desired)], [...puts(groups[0]), gen], "last");
    return await done({ revision, generation: 1 }, false);
  }
  const ours = [If.value(keys.joining, "==", token), If.missing(keys.generation)];
  for (let i = 0; i < groups.length; i++) {
    const first = i === 0, last = i === groups.length - 1;
    try {
      if (first) {
        const claim = [op.put(keys.joining, token), ...puts(groups[i])];
        await run([If.none(keys.desired)], claim, "claim");
      } else if (!last) await run(ours, puts(groups[i]), "more");
      else {
        const end = [...puts(groups[i]), gen, op.delete(keys.joining)];
        const revision = await run(ours, end, "last");
        return await done({ revision, generation: 1 }, false);
      }
    } catch (e) {
      if (first || !(e instanceof AgentError) || e.code !== "SHARED_STORE_UNAVAILABLE") throw e;
      throw new AgentError(
        e.code,
        `${e.message}: the join stopped after ${i} of ${groups.length} transactions (the fleet ` +
          "reads as not joined: no generation); run `agent fleet join` again on this node, it " +
          "starts over",
        { ...e.detail, transactions_done: i },
      );
    }
  }
  throw new AgentError("INTERNAL", "join: no transaction ran");
}
