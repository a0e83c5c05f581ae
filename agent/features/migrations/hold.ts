// Copying under a hold. rclone 1.60 has no conditional PUT, so a copy that
// checked a key and then writes it lands on top of any client write made in
// between (D3's race, which --update only narrows). So after the split, every
// key a copy (or a delete of ours) will touch is first held: its client writes
// answer 503 SlowDown, which S3 clients retry; the barrier proves no nginx
// worker still forwards one; the keys are listed again and only those still
// ours are copied by name. Nothing a client wrote is ever overwritten.
import type { Listed, Stats } from "./rclone.ts";
import { type MigrationRec, save, sidecarDir } from "./records.ts";
import { type Ctx, DST, onStats, SRC, waitBarrier } from "./phases.ts";

/** Keys held by one hold (one reload); more wait for the next pass. */
export const HOLD_BATCH = 1000;

/** nginx normalizes $uri (merged slashes, dot segments): such keys cannot be held one by one. */
export function holdableKey(bucket: string, key: string): boolean {
  const uri = `/${bucket}/${key}`;
  // deno-lint-ignore no-control-regex -- control characters are exactly what nginx config cannot hold
  return !/[\x00-\x1f\x7f]/.test(key) && !/\/\/|\/\.\.?(\/|$)/.test(uri) && key.length <= 1024;
}

export interface HeldCopy {
  m: MigrationRec;
  /** Keys copied (or, for `deletes`, deleted) under the hold. */
  copied: string[];
  stats: Stats | null;
  code: number;
  stderr: string;
}

export interface HoldPlan {
  from: "src" | "dst";
  /** Keys to copy `from` -> the other side. */
  copy: string[];
  /** Destination keys to delete (sync mode, D6); recheck says which are still ours. */
  remove?: string[];
  /** Under the hold: may this key still be written? (the target object, the source object) */
  stillOurs: (target: Listed | undefined, source: Listed | undefined) => boolean;
  /** Runs under the hold, before the recheck (deletes mirrored since the last pass). */
  beforeRecheck?: () => Promise<unknown>;
  /** Deletes keys on the target (for `remove`). */
  deleteOn?: (keys: string[]) => Promise<unknown>;
  why: string;
}

/** A file of keys (one a line) for rclone's --files-from-raw, beside the sidecar. */
export async function keyList(
  cx: Ctx,
  m: MigrationRec,
  tag: string,
  keys: string[],
): Promise<string> {
  const f = `${sidecarDir(cx.rt)}/${m.name}.${tag}.txt`;
  await Deno.mkdir(sidecarDir(cx.rt), { recursive: true });
  await Deno.writeTextFile(f, keys.join("\n") + "\n");
  return f;
}

/** Holds one batch, waits for the barrier, rechecks, copies (and deletes) what is still ours. */
export async function holdAndCopy(cx: Ctx, m: MigrationRec, p: HoldPlan): Promise<HeldCopy> {
  const batch = [...new Set([...p.copy, ...(p.remove ?? [])])].slice(0, HOLD_BATCH);
  const holdAll = batch.some((k) => !holdableKey(m.bucket, k));
  const s = await save(cx.rt, m, { held: holdAll ? [] : batch, hold_all: holdAll }, {
    action: "migration.phase",
    line: `holding client writes to ${
      holdAll
        ? `every key of ${m.bucket} (a key nginx cannot match alone)`
        : `${batch.length} key(s)`
    } while they are copied (503 SlowDown, clients retry)`,
    apply: true,
  });
  m = s.m;
  await waitBarrier(cx, s.generation ?? 0, p.why);
  await p.beforeRecheck?.();
  const [from, to] = p.from === "src" ? [SRC(m), DST(m)] : [DST(m), SRC(m)];
  const list = await keyList(cx, m, "held", batch);
  const target = new Map((await cx.rclone.lsjson(to, cx.signal, list)).map((o) => [o.key, o]));
  const source = new Map((await cx.rclone.lsjson(from, cx.signal, list)).map((o) => [o.key, o]));
  const inBatch = new Set(batch);
  const copy = p.copy.filter((k) =>
    inBatch.has(k) && source.has(k) && p.stillOurs(target.get(k), source.get(k))
  );
  const remove = (p.remove ?? []).filter((k) =>
    inBatch.has(k) && !source.has(k) && target.has(k) && p.stillOurs(target.get(k), undefined)
  );
  let out: HeldCopy = { m, copied: [], stats: null, code: 0, stderr: "" };
  if (copy.length) {
    // Every listed key is ours (rechecked under the hold): copy it whatever the
    // clocks say (--ignore-times; --update would skip a same-second rewrite).
    const { result, stats } = await cx.rclone.transfer("copy", from, to, [
      "--ignore-times",
      "--files-from-raw",
      await keyList(cx, m, "copy", copy),
    ], { signal: cx.signal, onStats: onStats(cx) });
    out = { m, copied: copy, stats, code: result.code, stderr: result.stderr };
  }
  if (remove.length && p.deleteOn) {
    await p.deleteOn(remove);
    out.copied = [...out.copied, ...remove];
  }
  return out;
}
