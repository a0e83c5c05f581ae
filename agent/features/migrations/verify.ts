// The verify passes after the split: both listings, the agent's own diff (D4:
// source ⊆ destination, newer destination objects are client writes), then
// the keys still to copy (and, in sync mode, the destination's leftovers to
// delete, D6) are written under a hold (hold.ts), never beside a client write.
// A pass with nothing left to do ends verifying; passes must shrink, since the
// source is frozen but for mirrored deletes and uploads pinned to it.
import { AgentError } from "../../errors.ts";
import { clientForPool } from "../storage/mod.ts";
import { diffListings, errorLines, type Listed, unchangedSince } from "./rclone.ts";
import { type MigrationRec, save } from "./records.ts";
import type { Pass } from "./kind.ts";
import { type Ctx, DST, openUploads, SRC, switching } from "./phases.ts";
import { readListing } from "./listings.ts";
import { holdAndCopy, keyList } from "./hold.ts";
import { MirrorLog } from "./mirror-log.ts";

/**
 * Of the extra keys, those still on the destination as rclone left them. A key a
 * client deletes between the two listings (the delete is mirrored) looks extra
 * for one pass; it needs no hold, and holding it every pass would never converge.
 */
async function stillThere(
  cx: Ctx,
  m: MigrationRec,
  pre: Map<string, Listed>,
  extra: string[],
): Promise<string[]> {
  const now = await cx.rclone.lsjson(DST(m), cx.signal, await keyList(cx, m, "extra", extra));
  return now.filter((o) => unchangedSince(pre, o)).map((o) => o.key);
}

export async function verifying(cx: Ctx, m: MigrationRec): Promise<MigrationRec> {
  const atSplit = await readListing(cx.rt, m, "at-split");
  const pre = new Map((atSplit ?? []).map((o) => [o.key, o]));
  const dst = await clientForPool(cx.rt, m.dst);
  const src = await clientForPool(cx.rt, m.src);
  const mirror = new MirrorLog(cx.rt, m, src);
  let worse = 0;
  let prevLeft = Infinity;
  const first = m.passes.filter((p) => p.phase === "verifying").length + 1;
  for (let n = first;; n++) {
    cx.progress.pass = n;
    const started = cx.rt.store.now().toISOString();
    // A delete the source did not take would be copied back below: made first.
    const redone = await mirror.settle();
    // The destination first: a key deleted between the two listings (the delete is
    // mirrored) then shows as extra, rechecked under the hold, not as missing.
    const ld = await cx.rclone.lsjson(DST(m), cx.signal);
    const ls = await cx.rclone.lsjson(SRC(m), cx.signal);
    const d = diffListings(ls, ld, atSplit);
    // Leftovers older than the split came from the source and were deleted there
    // since: removed in sync mode, or when the destination started empty.
    const remove = d.extra.length && (m.mode === "sync" || m.dst_empty_at_start) && atSplit
      ? await stillThere(cx, m, pre, d.extra)
      : [];
    const todo = d.missing.length + d.differ.length + remove.length;
    let copied: string[] = [];
    let stats = null;
    let errors = 0;
    if (todo) {
      const h = await holdAndCopy(cx, m, {
        from: "src",
        copy: [...d.missing, ...d.differ],
        remove,
        stillOurs: (t) => !t || unchangedSince(pre, t),
        deleteOn: (keys) => dst.deleteObjects(m.bucket, keys),
        beforeRecheck: async () => redone.push(...await mirror.settle()),
        why: "the hold",
      });
      m = h.m;
      if (h.code !== 0 && !h.stats) {
        throw new AgentError(
          "UPSTREAM_UNHEALTHY",
          `rclone verifying pass ${n} failed (exit ${h.code}): ${errorLines(h.stderr)}`,
        );
      }
      copied = h.copied;
      stats = h.stats;
      errors = stats?.errors ?? (h.code === 0 ? 0 : 1);
    }
    const open = m.mpu_on_src.length
      ? (await openUploads(src, m.bucket).catch(() => [])).filter((u) => m.mpu_on_src.includes(u))
      : [];
    const p: Pass = {
      phase: "verifying",
      n,
      transferred: stats?.transfers ?? 0,
      bytes: stats?.bytes ?? 0,
      checks: ls.length,
      errors,
      missing: d.missing.length,
      differ: d.differ.length,
      extra: d.extra.length,
      started,
      ended: cx.rt.store.now().toISOString(),
    };
    // The hold ends with its pass (one reload), so no write waits on the next listings.
    m = (await save(cx.rt, m, { passes: [...m.passes, p], held: [], hold_all: false }, {
      action: "migration.pass",
      line:
        `verify pass ${n}: ${d.missing.length} missing, ${d.differ.length} differ, ${d.extra.length} extra; ${copied.length} copied or removed under the hold${
          todo ? " (released)" : ""
        }, ${open.length} upload(s) open on the source${
          redone.length ? `; ${redone.length} delete(s) the source missed made again` : ""
        }`,
      apply: todo > 0 || (m.held?.length ?? 0) > 0 || !!m.hold_all, // a hold resumed after a restart ends too
    })).m;
    if (todo === 0) {
      if (!open.length) break;
      const drainUntil = Date.parse(m.split_at!) + cx.rt.settings.multipart_drain_timeout * 1000;
      if (Date.now() > drainUntil) {
        throw new AgentError(
          "CONFLICT",
          `multipart upload(s) ${
            open.join(", ")
          } begun on ${m.src} are still open after multipart_drain_timeout`,
        );
      }
      cx.progress.waiting_for = [`multipart uploads on ${m.src}: ${open.join(", ")}`];
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    const left = todo;
    worse = left >= prevLeft ? worse + 1 : 0;
    prevLeft = left;
    if (worse >= 2) {
      throw new AgentError(
        "CONFLICT",
        `verify passes do not shrink (${left} keys left: ${
          [...d.missing, ...d.differ].slice(0, 10).join(", ")
        }): something still writes to ${m.src}; gateways not confirmed: none on this host (check other gateways or direct clients of ${m.src})`,
      );
    }
  }
  return await switching(cx, m);
}
