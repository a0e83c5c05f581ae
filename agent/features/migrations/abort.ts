// Ending a migration on the source: before the split (stop, record any partial
// destination as orphaned_destination) or after it ("abort to source": the
// split reversed while client writes since split_at are copied back with
// --update, or with force listed as stranded), then the source route, barrier,
// and cancelled (or error, when an error led here).
import { AgentError } from "../../errors.ts";
import { bucketPut, bucketSpec, clientForPool, getBucket } from "../storage/mod.ts";
import { clientWriteFloor, errorLines, type Listed, unchangedSince } from "./rclone.ts";
import { type MigrationRec, save } from "./records.ts";
import { readListing, writeListing } from "./listings.ts";
import { type Ctx, DST, SRC, waitBarrier } from "./phases.ts";
import { holdAndCopy } from "./hold.ts";
import { MirrorLog } from "./mirror-log.ts";
import { MIGRATION_FLEET } from "./barrier.ts";

/** Bucket back on the source route, migration terminal (cancelled or error). */
async function backToSource(
  cx: Ctx,
  m: MigrationRec,
  patch: Partial<MigrationRec>,
  line: string,
): Promise<MigrationRec> {
  const b = await getBucket(cx.rt, m.site, m.bucket);
  const phase = m.cancel ? "cancelled" as const : "error" as const;
  const end = {
    ...patch,
    phase,
    ended_at: cx.rt.store.now().toISOString(),
    held: [],
    hold_all: false,
  };
  const s = await save(cx.rt, m, end, {
    action: `migration.${phase}`,
    line,
    apply: true,
    ops: b && b.status === "migrating"
      ? [bucketPut({ ...bucketSpec(b), status: "routed", routed_pool: m.src }, b.version)]
      : [],
  });
  await waitBarrier(cx, s.generation ?? 0, "the source route").catch(() => {});
  return s.m;
}

/** Before the split: stop, keep the source route, record what the destination holds. */
export async function endBeforeSplit(cx: Ctx, m: MigrationRec, why: string): Promise<MigrationRec> {
  const dst = await clientForPool(cx.rt, m.dst).catch(() => null);
  const partial = dst ? await dst.hasObjects(m.bucket).catch(() => false) : false;
  return await backToSource(
    cx,
    m,
    partial
      ? {
        orphaned_destination: {
          pool: m.dst,
          bucket: m.bucket,
          at: cx.rt.store.now().toISOString(),
        },
      }
      : {},
    why,
  );
}

const same = (a: Listed | undefined, b: Listed) =>
  !!a && a.size === b.size && (!a.md5 || !b.md5 || a.md5 === b.md5);

/**
 * After the split: the split reversed (writes to the source, deletes mirrored to
 * the destination), then the client writes made since split_at are copied back
 * under a hold (hold.ts), never over a client write made since the reversal;
 * with force they are listed as stranded instead. Then the source route.
 */
export async function abortToSource(cx: Ctx, m: MigrationRec): Promise<MigrationRec> {
  if (m.phase !== "aborting") {
    // Deletes the source missed during the split are made while writes still go to
    // the destination (after the reversal a client may write those keys again there).
    await new MirrorLog(cx.rt, m, await clientForPool(cx.rt, m.src)).settle();
    // In a fleet, every other gateway its own: each node settles its log and reports a
    // failed round while it cannot (node-mirrors.ts); after the reversal none is redone.
    // (One host: the line above was the only log.)
    if (cx.rt.tryUse(MIGRATION_FLEET)) {
      await waitBarrier(cx, cx.rt.reconciler.currentGeneration ?? 0, "the mirrored deletes");
    }
    // The source while still frozen: client writes after the reversal differ from it.
    await writeListing(cx.rt, m, "at-abort", await cx.rclone.lsjson(SRC(m)));
    const s = await save(cx.rt, m, { phase: "aborting", held: [], hold_all: false }, {
      action: "migration.phase",
      line: `aborting to ${m.src}: writes go to ${m.src}, reads fall back to ${m.dst}`,
      apply: true,
    });
    await waitBarrier(cx, s.generation ?? 0, "the reverse split");
    m = s.m;
  }
  // A client write since the split: a destination object the at-split listing does
  // not hold as it is now. rclone's copies keep their source's modTime, so one of a
  // key written shortly before the split is newer than the floor: by time alone it
  // looked like a client's, and copying it back overwrote the client's later write
  // on the source (or brought back a key the client deleted there).
  const atSplit = await readListing(cx.rt, m, "at-split");
  const split = new Map((atSplit ?? []).map((o) => [o.key, o]));
  const floor = clientWriteFloor(Date.parse(m.split_at!));
  const sinceSplit = (o: Listed) => atSplit ? !unchangedSince(split, o) : o.modTime >= floor;
  if (m.cancel?.force) {
    const ld = await cx.rclone.lsjson(DST(m));
    const stranded = ld.filter(sinceSplit).map((o) => o.key);
    return await backToSource(
      cx,
      m,
      { stranded: stranded.slice(0, 1000) },
      `cancelled with force: ${stranded.length} client write(s) since the split stay on ${m.dst} only`,
    );
  }
  const atAbort = await readListing(cx.rt, m, "at-abort");
  const pre = new Map((atAbort ?? []).map((o) => [o.key, o]));
  const ours = (t: Listed | undefined) =>
    !t || (atAbort ? unchangedSince(pre, t) : t.modTime < floor);
  // Deletes mirrored to the destination since the reversal that it refused would
  // leave the key there, and the copy below would bring it back to the source: made
  // first, and again under each hold, as verify does for the source (D5).
  const mirror = new MirrorLog(cx.rt, m, await clientForPool(cx.rt, m.dst), true);
  let back = 0;
  let redone = 0;
  for (let round = 1; round <= 1000; round++) {
    redone += (await mirror.settle()).length;
    const ld = await cx.rclone.lsjson(DST(m));
    const src = new Map((await cx.rclone.lsjson(SRC(m))).map((o) => [o.key, o]));
    const todo = ld.filter((o) => sinceSplit(o) && ours(src.get(o.key)) && !same(src.get(o.key), o))
      .map((o) => o.key);
    if (!todo.length) break;
    const h = await holdAndCopy(cx, m, {
      from: "dst",
      copy: todo,
      stillOurs: (t) => ours(t),
      beforeRecheck: async () => (redone += (await mirror.settle()).length),
      why: "the hold",
    });
    m = h.m;
    if (h.code !== 0) {
      throw new AgentError(
        "UPSTREAM_UNHEALTHY",
        `copying client writes back to ${m.src} failed: ${errorLines(h.stderr)}`,
      );
    }
    back += h.copied.length;
  }
  return await backToSource(
    cx,
    m,
    {},
    (m.cancel
      ? `cancelled: ${back} client write(s) since the split copied back to ${m.src}`
      : `error: ${m.error}; ${back} client write(s) since the split copied back to ${m.src}`) +
      (redone ? `; ${redone} delete(s) ${m.dst} missed made again` : ""),
  );
}
