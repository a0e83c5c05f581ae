// The listings a migration keeps beside its record: the destination as rclone
// left it at the split (at-split: the verify passes tell rclone's objects from
// client writes with it) and the source when an abort began (at-abort). Each
// is a file under data_dir/migrations; in a fleet it is also shared through
// etcd (MIGRATION_FLEET.blobs), because the node that resumes after a
// takeover is not the one that listed it, and without it a resume could not
// tell a stale copy from a client write. The other sidecars (the rclone pid,
// key lists of a hold, nginx's mirror log) are this node's own.
import { MIGRATION_FLEET } from "./barrier.ts";
import type { Listed } from "./rclone.ts";
import { type MigrationRec, sidecarDir } from "./records.ts";
import type { MigrationRuntime } from "./settings.ts";

export type ListingTag = "at-split" | "at-abort";

const file = (rt: MigrationRuntime, m: MigrationRec, tag: ListingTag) =>
  `${sidecarDir(rt)}/${m.name}.${tag}.json`;

export async function writeListing(
  rt: MigrationRuntime,
  m: MigrationRec,
  tag: ListingTag,
  l: Listed[],
): Promise<void> {
  const text = JSON.stringify(l);
  await Deno.mkdir(sidecarDir(rt), { recursive: true });
  await Deno.writeTextFile(file(rt, m, tag), text);
  await rt.tryUse(MIGRATION_FLEET)?.blobs.put(`${m.name}/${tag}`, text);
}

/** A terminal migration's shared listings go (the local files stay, as on a single host). */
export async function dropListings(rt: MigrationRuntime, m: MigrationRec): Promise<void> {
  const blobs = rt.tryUse(MIGRATION_FLEET)?.blobs;
  for (const tag of ["at-split", "at-abort"] as const) await blobs?.remove(`${m.name}/${tag}`);
}

/** The listing, or null when none was written (etcd out of reach throws: null means "none"). */
export async function readListing(
  rt: MigrationRuntime,
  m: MigrationRec,
  tag: ListingTag,
): Promise<Listed[] | null> {
  const shared = await rt.tryUse(MIGRATION_FLEET)?.blobs.get(`${m.name}/${tag}`);
  if (shared) return JSON.parse(shared);
  try {
    return JSON.parse(await Deno.readTextFile(file(rt, m, tag)));
  } catch {
    return null;
  }
}
