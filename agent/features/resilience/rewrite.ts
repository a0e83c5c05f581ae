// rewrite-file: a drifted file goes back to what the agent wrote, in place, and
// nginx reloads. In place rather than through a new generation because the
// generation's manifest already proves the right bytes (sha256), they passed
// `nginx -t` when that generation was made, and the directory becomes again
// exactly the history it claims to be; a file added by hand is removed. The
// restored generation is still tested before the reload (nginx.conf may have
// changed since).
import { AgentError, invalid } from "../../errors.ts";
import { sha256 } from "../../nginx/generations.ts";
import { relabelCandidate } from "../../nginx/error-map.ts";
import { expectedTextProvider } from "./expected.ts";
import { resolveManagedFile } from "./files.ts";
import { runDriftCheck } from "./drift-run.ts";
import type { ResilienceRuntime } from "./settings.ts";

export interface RewriteResult {
  generation: number;
  files: { file: string; action: "rewritten" | "removed" | "unchanged" }[];
  tested: boolean;
  reloaded: boolean;
  output: string;
}

async function writeAtomic(path: string, text: string) {
  const dir = path.slice(0, path.lastIndexOf("/"));
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${dir}/.rewrite-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}

/** Restores the given files (or every drifted file: "all") of the current generation, then tests and reloads. */
export async function rewriteFiles(
  rt: ResilienceRuntime,
  paths: unknown[] | "all",
): Promise<RewriteResult> {
  const list = paths === "all"
    ? (await runDriftCheck(rt, { audit: false })).files.map((f) => f.file)
    : paths;
  const done = await rt.reconciler.exclusive(async () => {
    const n = await rt.generations.current();
    if (n === null) {
      throw invalid("path", "no generation is current yet: there are no managed files");
    }
    const m = await rt.generations.manifest(n);
    const expected = new Map<string, string>(
      [
        ...Object.entries(m.files).map(([f, e]) => [f, e.sha256] as [string, string]),
        ...Object.entries(m.sidecars ?? {}),
      ],
    );
    const targets: { file: string; abs: string }[] = [];
    for (const p of list) targets.push(await resolveManagedFile(rt, p));
    const text = expectedTextProvider(rt);
    const files: RewriteResult["files"] = [];
    for (const t of targets) {
      const sha = expected.get(t.file);
      const onDisk = await Deno.readTextFile(t.abs).catch(() => null);
      if (sha === undefined) {
        if (onDisk === null) throw invalid("path", `${t.file} is not a file of generation ${n}`);
        await Deno.remove(t.abs);
        files.push({ file: t.file, action: "removed" });
        continue;
      }
      if (onDisk !== null && sha256(onDisk) === sha) {
        files.push({ file: t.file, action: "unchanged" });
        continue;
      }
      const want = await text(t.file, sha);
      if (want === null) {
        throw new AgentError(
          "CONFIG_WRITE_FAILED",
          `the text generation ${n} had for ${t.file} cannot be reconstructed (templates or settings changed since): apply any change to write a new generation from the state`,
          { file: t.file },
        );
      }
      await writeAtomic(t.abs, want);
      files.push({ file: t.file, action: "rewritten" });
    }
    return { n, files };
  });
  const result: RewriteResult = {
    generation: done.n,
    files: done.files,
    tested: false,
    reloaded: false,
    output: "",
  };
  const confChanged = done.files.some((f) =>
    f.action !== "unchanged" && !f.file.endsWith(".meta.json")
  );
  if (confChanged && !rt.nginx.dryRun) {
    const dir = rt.generations.currentLink;
    const t = await rt.nginx.test(dir);
    result.tested = true;
    if (!t.ok) {
      await runDriftCheck(rt).catch(() => {});
      throw new AgentError(
        "NGINX_TEST_FAILED",
        `the restored generation ${done.n} fails nginx -t, so nginx was not reloaded: ${
          relabelCandidate(t.output, dir)
        }`,
        { nginx_output: relabelCandidate(t.output, dir), files: done.files },
      );
    }
    if ((await rt.nginx.masterPid()) !== null) {
      const r = await rt.reconciler.reloadNow();
      result.output = r.output;
      if (!r.ok) {
        throw new AgentError("NGINX_RELOAD_FAILED", `nginx reload failed: ${r.output}`, {
          nginx_output: r.output,
          files: done.files,
        });
      }
      result.reloaded = true;
    } else result.output = "nginx is not running: it loads the restored files when it starts";
  }
  await runDriftCheck(rt).catch(() => {});
  return result;
}
