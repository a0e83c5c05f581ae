// The Logs page's reader: the end of nginx's error and access logs and of each
// project's log, never more than `log_tail_kib` per request (so a huge log
// costs the agent and the browser a bounded amount), with a filter and an
// offset to follow a growing file.
import { AgentError, invalid } from "../../errors.ts";
import { join } from "../../settings/define.ts";
import type { ConsoleRuntime } from "./settings.ts";

export interface LogSource {
  id: string;
  label: string;
  path: string;
}

export async function logSources(rt: ConsoleRuntime): Promise<LogSource[]> {
  const out: LogSource[] = [
    { id: "nginx-error", label: "nginx error log", path: rt.settings.nginx_error_log },
    { id: "nginx-access", label: "nginx access log", path: rt.settings.nginx_access_log },
  ];
  if (rt.kinds.has("project")) {
    for (const p of await rt.store.list("project")) {
      out.push({
        id: `project:${p.name}`,
        label: `project ${p.name}`,
        path: join(rt.settings.projects_log_dir, `${p.name}.log`),
      });
    }
  }
  return out;
}

export interface LogTail {
  source: string;
  path: string;
  /** The file's size now: pass it back as `after` to get only what follows. */
  offset: number;
  /** True when the answer starts mid-file (older lines were left out). */
  truncated: boolean;
  lines: string[];
  missing?: boolean;
}

export async function tailLog(
  rt: ConsoleRuntime,
  source: string,
  opts: { after?: number; lines?: number; q?: string } = {},
): Promise<LogTail> {
  const src = (await logSources(rt)).find((s) => s.id === source);
  if (!src) throw invalid("source", `no log named ${JSON.stringify(source)}`);
  const budget = rt.settings.log_tail_kib * 1024;
  const max = Math.min(opts.lines ?? 500, 5000);
  let f: Deno.FsFile;
  try {
    f = await Deno.open(src.path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { source, path: src.path, offset: 0, truncated: false, lines: [], missing: true };
    }
    throw new AgentError("FORBIDDEN", `cannot read ${src.path}: ${(e as Error).message}`);
  }
  try {
    const size = (await f.stat()).size;
    // A rotated (shorter) file starts over.
    const from = opts.after !== undefined && opts.after <= size ? opts.after : 0;
    const start = Math.max(from, size - budget);
    const buf = new Uint8Array(size - start);
    await f.seek(start, Deno.SeekMode.Start);
    let got = 0;
    while (got < buf.length) {
      const n = await f.read(buf.subarray(got));
      if (n === null) break;
      got += n;
    }
    let lines = new TextDecoder().decode(buf.subarray(0, got)).split("\n");
    if (lines.at(-1) === "") lines.pop();
    // A cut in the middle of a line: drop the partial first line.
    const truncated = start > from;
    if (truncated) lines.shift();
    const q = opts.q?.toLowerCase();
    if (q) lines = lines.filter((l) => l.toLowerCase().includes(q));
    return {
      source,
      path: src.path,
      offset: start + got,
      truncated: truncated || lines.length > max,
      lines: lines.slice(-max),
    };
  } finally {
    f.close();
  }
}
