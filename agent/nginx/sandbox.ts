// The sandbox proof (apply_proof = "sandbox"): instead of `nginx -t` of the
// whole tree and then a reload that parses it all again, a round proves only
// what changed — `nginx -t` of a small tree holding the files whose text
// differs from the live generation, the files without an entity (http-level
// parts, snippets) and the upstreams the changed files name — and lets the one
// reload prove the whole tree. Errors across entities that the sandbox cannot
// see (a second default server on a port, a port already bound) fail that
// reload: nginx logs [emerg] and keeps the old workers, the round swaps the files
// back at once and finds the culprit with the full `nginx -t` bisection.
//
// The window: from the swap until the reload is proven, `current` holds a tree
// only the sandbox proved. The `proven` link (Generations.markProven) closes it:
// it moves only after a whole-tree proof (a full `nginx -t`, or a reload nginx
// loaded), and a start that finds `current` ahead of `proven` (the agent died
// in between) proves `current` with a full `nginx -t` and swaps back to
// `proven` when it fails (repairUnproven). What stays open is nginx itself
// restarting inside that window (at most reload_timeout): it would refuse to
// start on a failing tree rather than run it.
import type { RenderedFile } from "../render/tree.ts";
import type { Staged } from "./generations.ts";
import type { Live, ReconcilerDeps } from "./deps.ts";

/** True when a round may prove its candidate by a sandbox and the reload. */
export async function sandboxApplies(deps: ReconcilerDeps, live: Live): Promise<boolean> {
  if (deps.settings.apply_proof !== "sandbox" || deps.nginx.dryRun) return false;
  // Without a proven live tree, or a running nginx to prove the reload, only a full test will do.
  if (live.generation === null || live.generation !== (await deps.generations.proven())) {
    return false;
  }
  return (await deps.nginx.masterPid()) !== null;
}

const UPSTREAM_DEF = /(?:^|[;{}\s])upstream\s+([A-Za-z0-9_.-]+)\s*\{/g;
const UPSTREAM_USE = /\b(?:https?|grpcs?):\/\/([A-Za-z0-9_.-]+)/g;

/**
 * The files of the sandbox: changed against `live` (name -> sha256), without an
 * entity, and every file defining an upstream a changed file names. Pure.
 */
export function sandboxFiles(
  files: RenderedFile[],
  hashes: Record<string, { sha256: string }>,
  live: Record<string, { sha256: string }>,
): RenderedFile[] {
  const definedIn = new Map<string, RenderedFile>();
  for (const f of files) {
    if (!f.text.includes("upstream")) continue;
    for (const m of f.text.matchAll(UPSTREAM_DEF)) definedIn.set(m[1], f);
  }
  const out = new Set<RenderedFile>();
  for (const f of files) {
    const changed = live[f.name]?.sha256 !== hashes[f.name]?.sha256;
    if (!changed && f.entity) continue;
    out.add(f);
    if (!changed) continue;
    for (const m of f.text.matchAll(UPSTREAM_USE)) {
      const def = definedIn.get(m[1]);
      if (def) out.add(def);
    }
  }
  return files.filter((f) => out.has(f));
}

/** Step of a round: the sandbox when it applies and passes, else `full` (the whole-tree `nginx -t`). */
export async function prove(
  deps: ReconcilerDeps,
  live: Live,
  staged: Staged,
  files: RenderedFile[],
  full: () => Promise<"passed" | "refused">,
): Promise<"sandbox" | "full" | "refused"> {
  if (await sandboxApplies(deps, live) && await sandboxPasses(deps, live, staged, files)) {
    return "sandbox";
  }
  return (await full()) === "refused" ? "refused" : "full";
}

/** After a whole-tree proof (or a reload nginx loaded): a start after a crash need not re-prove it. */
export async function markProven(deps: ReconcilerDeps, n: number, warnings: string[]) {
  await deps.generations.markProven(n).catch((e) => warnings.push(`cannot mark proven: ${e}`));
}

/** `nginx -t` of the sandbox of a staged candidate; true when it passed. */
export async function sandboxPasses(
  deps: ReconcilerDeps,
  live: Live,
  staged: Staged,
  files: RenderedFile[],
): Promise<boolean> {
  const g = deps.generations;
  const liveHashes = await g.fileHashes(live.generation!);
  const picked = sandboxFiles(files, staged.manifest.files, liveHashes);
  const dir = `${g.root}/.tmp-sandbox-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    for (const f of picked) {
      if (f.name.includes("/")) {
        await Deno.mkdir(`${dir}/${f.name.slice(0, f.name.lastIndexOf("/"))}`, { recursive: true });
      }
    }
    // Links of the stored texts (thrown away after the test, never edited): no file to create.
    await Promise.all(
      picked.map((f) => {
        const sha = staged.texts.get(f.name)?.sha;
        const linked = sha ? Deno.link(g.texts.pathOf(sha), `${dir}/${f.name}`) : Promise.reject();
        return linked.catch(() => Deno.writeTextFile(`${dir}/${f.name}`, f.text));
      }),
    );
    const t = await deps.nginx.test(dir);
    return t.ok && t.includeFound;
  } catch {
    return false; // the full test says what is wrong
  } finally {
    await g.discard(dir);
  }
}

/**
 * At start: `current` ahead of `proven` means the agent died between a swap and
 * the reload's proof. A full `nginx -t` decides: passing, it becomes proven;
 * failing, `current` goes back to `proven` and the candidate is removed.
 * Returns warnings for the operator.
 */
export async function repairUnproven(deps: ReconcilerDeps): Promise<string[]> {
  const g = deps.generations;
  const cur = await g.current();
  if (cur === null || deps.nginx.dryRun) return [];
  const proven = await g.proven();
  if (proven === cur) return [];
  const t = await deps.nginx.test(g.currentLink);
  if (t.ok) {
    await g.markProven(cur);
    return proven === null ? [] : [`generation ${cur} was not proven yet; nginx -t passes on it`];
  }
  if (proven === null) {
    return [`generation ${cur} fails nginx -t and no proven generation is left: ${t.output}`];
  }
  await g.swap(proven);
  await g.drop(cur);
  return [
    `generation ${cur} was swapped in but never proven and fails nginx -t; back on generation ${proven}: ${t.output}`,
  ];
}
