// Mode snippet: the operator's server {} includes projects_snippet_file. That
// path is made a symlink to <nginx_dir>/current/snippets/projects-locations.conf,
// so every generation swap changes the snippet atomically with the rest, and
// `nginx -t` proves the candidate's snippet (test-config.ts follows the link).
import { SNIPPET_FILE } from "./render.ts";
import type { ProjectsConfig, ProjectsRuntime } from "./settings.ts";

export function liveSnippetPath(nginxDir: string): string {
  return `${nginxDir.replace(/\/+$/, "")}/current/${SNIPPET_FILE}`;
}

export interface LinkState {
  path: string;
  target: string;
  /** ok: the symlink points at the live snippet. */
  state: "ok" | "missing" | "file" | "other-link" | "directory";
  points_to?: string;
}

export async function linkState(s: ProjectsConfig): Promise<LinkState> {
  const path = s.projects_snippet_file;
  const target = liveSnippetPath(s.nginx_dir);
  let st: Deno.FileInfo;
  try {
    st = await Deno.lstat(path);
  } catch {
    return { path, target, state: "missing" };
  }
  if (st.isSymlink) {
    const to = await Deno.readLink(path);
    return { path, target, state: to === target ? "ok" : "other-link", points_to: to };
  }
  return { path, target, state: st.isDirectory ? "directory" : "file" };
}

export interface LinkChange {
  changed: boolean;
  /** Where a regular file that was there was kept. */
  backup: string | null;
  /** Puts back what was there before. */
  undo(): Promise<void>;
}

/**
 * Makes projects_snippet_file the symlink (one rename, so nginx never sees it
 * missing). A regular file there (projrouter's routes file) is kept as
 * <file>.before-switchyard (then .before-switchyard.1, ...).
 */
export async function linkSnippet(s: ProjectsConfig): Promise<LinkChange> {
  const cur = await linkState(s);
  const none = { changed: false, backup: null, undo: () => Promise.resolve() };
  if (cur.state === "ok") return none;
  if (cur.state === "directory") {
    throw new Error(`projects_snippet_file ${cur.path} is a directory`);
  }
  const dir = cur.path.slice(0, cur.path.lastIndexOf("/")) || "/";
  await Deno.mkdir(dir, { recursive: true });
  let backup: string | null = null;
  if (cur.state === "file") {
    // Never over an earlier backup (the first one holds projrouter's routes).
    backup = `${cur.path}.before-switchyard`;
    for (let i = 1; await Deno.lstat(backup).then(() => true, () => false); i++) {
      backup = `${cur.path}.before-switchyard.${i}`;
    }
    await Deno.copyFile(cur.path, backup);
  }
  const tmp = `${cur.path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.symlink(cur.target, tmp);
  await Deno.rename(tmp, cur.path);
  return {
    changed: true,
    backup,
    async undo() {
      if (cur.state === "missing") {
        await Deno.remove(cur.path).catch(() => {});
      } else if (cur.state === "file" && backup) {
        const t = `${cur.path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
        await Deno.copyFile(backup, t);
        await Deno.rename(t, cur.path);
      } else if (cur.state === "other-link" && cur.points_to) {
        const t = `${cur.path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
        await Deno.symlink(cur.points_to, t);
        await Deno.rename(t, cur.path);
      }
    },
  };
}

/**
 * The link was made outside an apply that reloads nginx (the route did not
 * change, or the link was restored): prove the live configuration with the
 * link (nginx -t of the current generation inside nginx.conf), then reload so
 * nginx reads what it points to. On failure the link is put back as it was.
 * Returns a line for the operator.
 */
export async function loadLink(rt: ProjectsRuntime, change: LinkChange): Promise<string> {
  const s = rt.settings;
  const what = `${s.projects_snippet_file} now links to ${liveSnippetPath(s.nginx_dir)}` +
    (change.backup ? ` (the previous file is kept as ${change.backup})` : "");
  const n = rt.reconciler.currentGeneration;
  if (n === null || rt.nginx.dryRun || (await rt.nginx.masterPid()) === null) return what;
  const t = await rt.nginx.test(rt.generations.currentLink); // generation n's live tree
  if (!t.ok) {
    await change.undo();
    return `${s.projects_snippet_file} was left as it was: nginx -t fails with the link: ${t.output}`;
  }
  const r = await rt.reconciler.reloadNow();
  if (!r.ok) {
    await change.undo();
    return `${s.projects_snippet_file} was left as it was: nginx did not load it: ${r.output}`;
  }
  return `${what}; nginx reloaded`;
}
