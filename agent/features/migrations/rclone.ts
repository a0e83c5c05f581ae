// rclone as the migrations run it: remotes only as RCLONE_CONFIG_<R>_* variables
// (no credentials file on disk, D18), RCLONE_CONFIG=/dev/null, AWS_CA_BUNDLE
// unset (rclone 1.60 fails on the machine-wide one), JSON stats at INFO every
// few seconds (D11: NOTICE hides them). The command lines are the spec's.
import type { Exec, ExecResult } from "../../exec.ts";

export interface Remote {
  /** SRC or DST: the remote's name in the env variables and on the command line. */
  name: string;
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
}

export interface RcloneLimits {
  checkers: number;
  transfers: number;
  bwlimit: string;
  statsSeconds: number;
}

export interface Stats {
  bytes: number;
  totalBytes: number;
  transfers: number;
  totalTransfers: number;
  checks: number;
  errors: number;
  speed: number;
  eta: number | null;
}

export function remoteEnv(remotes: Remote[]): Record<string, string> {
  const env: Record<string, string> = { RCLONE_CONFIG: "/dev/null" };
  for (const r of remotes) {
    const p = `RCLONE_CONFIG_${r.name.toUpperCase()}_`;
    Object.assign(env, {
      [`${p}TYPE`]: "s3",
      [`${p}PROVIDER`]: "Other",
      [`${p}ENV_AUTH`]: "false",
      [`${p}ACCESS_KEY_ID`]: r.accessKey,
      [`${p}SECRET_ACCESS_KEY`]: r.secretKey,
      [`${p}REGION`]: r.region,
      [`${p}ENDPOINT`]: r.endpoint,
      [`${p}FORCE_PATH_STYLE`]: "true",
    });
  }
  return env;
}

export function commonFlags(l: RcloneLimits): string[] {
  return [
    "--checkers",
    String(l.checkers),
    "--transfers",
    String(l.transfers),
    ...(l.bwlimit ? ["--bwlimit", l.bwlimit] : []),
    "--use-json-log",
    "--log-level",
    "INFO",
    "--stats",
    `${l.statsSeconds}s`,
    "--retries",
    "3",
    "--low-level-retries",
    "10",
  ];
}

/** The stats object of one JSON log line, or null. */
export function parseStats(line: string): Stats | null {
  if (!line.startsWith("{")) return null;
  try {
    const j = JSON.parse(line);
    const s = j?.stats;
    if (!s || typeof s !== "object") return null;
    return {
      bytes: Number(s.bytes ?? 0),
      totalBytes: Number(s.totalBytes ?? 0),
      transfers: Number(s.transfers ?? 0),
      totalTransfers: Number(s.totalTransfers ?? 0),
      checks: Number(s.checks ?? 0),
      errors: Number(s.errors ?? 0),
      speed: Number(s.speed ?? 0),
      eta: typeof s.eta === "number" ? s.eta : null,
    };
  } catch {
    return null;
  }
}

/** The last stats line of a finished run (rclone prints a final one). */
export function lastStats(stderr: string): Stats | null {
  let last: Stats | null = null;
  for (const l of stderr.split("\n")) last = parseStats(l) ?? last;
  return last;
}

/** The error lines of a JSON log, for a failure message. */
export function errorLines(stderr: string): string {
  const out: string[] = [];
  for (const l of stderr.split("\n")) {
    try {
      const j = JSON.parse(l);
      if (j.level === "error" || j.level === "critical") out.push(String(j.msg ?? l).trim());
    } catch {
      if (l.trim()) out.push(l.trim());
    }
  }
  return out.slice(-5).join("; ").slice(0, 1500);
}

export interface Listed {
  key: string;
  size: number;
  md5: string | null;
  modTime: number;
}

export function parseLsjson(stdout: string): Listed[] {
  const arr = JSON.parse(stdout || "[]") as {
    Path: string;
    Size: number;
    ModTime: string;
    Hashes?: { MD5?: string; md5?: string };
  }[];
  return arr.map((o) => ({
    key: o.Path,
    size: o.Size,
    md5: o.Hashes?.MD5 ?? o.Hashes?.md5 ?? null,
    modTime: Date.parse(o.ModTime),
  }));
}

export interface Diff {
  /** Source keys absent on the destination. */
  missing: string[];
  /** Source keys whose content differs on a destination object older than split_at. */
  differ: string[];
  /** Destination keys absent on the source, older than split_at (not client writes). */
  extra: string[];
}

/**
 * Source ⊆ destination, computed here (D4: rclone check without --one-way never
 * converges under writes). A destination object newer than split_at is a
 * client write and counts as done (D3).
 */
/** The object is exactly as an earlier listing had it (size, md5, modification time). */
export function unchangedSince(before: Map<string, Listed>, o: Listed): boolean {
  const p = before.get(o.key);
  return !!p && p.size === o.size && p.md5 === o.md5 && p.modTime === o.modTime;
}

export function diffListings(
  src: Listed[],
  dst: Listed[],
  atSplit: Listed[] | null,
): Diff {
  const d = new Map(dst.map((o) => [o.key, o]));
  const s = new Set(src.map((o) => o.key));
  // A destination object still exactly as it was when the split began was written
  // by rclone; any other one is a client write (or a copy made after the split).
  const pre = new Map((atSplit ?? []).map((o) => [o.key, o]));
  const unchanged = (o: Listed) => unchangedSince(pre, o);
  const missing: string[] = [];
  const differ: string[] = [];
  for (const o of src) {
    const t = d.get(o.key);
    if (!t) missing.push(o.key);
    else if (unchanged(t) && !sameContent(o, t)) differ.push(o.key);
  }
  const extra = dst.filter((o) => !s.has(o.key) && unchanged(o)).map((o) => o.key);
  return { missing, differ, extra };
}

/** S3 LastModified has whole seconds: client writes since split_at list from the second before. */
export function clientWriteFloor(splitAtMs: number): number {
  return Math.floor(splitAtMs / 1000) * 1000 - 1000;
}

function sameContent(a: Listed, b: Listed): boolean {
  if (a.size !== b.size) return false;
  return !a.md5 || !b.md5 || a.md5 === b.md5;
}

export interface RcloneRun {
  result: ExecResult;
  stats: Stats | null;
}

/**
 * Stops the rclone copy a killed agent left running (its pid file names it):
 * after a restart it would go on writing to the destination beside the new
 * agent's own passes, and, without --update, over client writes after the split.
 */
export async function stopLeftover(pidFile: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await Deno.readTextFile(pidFile)).trim());
  } catch {
    return null;
  }
  await Deno.remove(pidFile).catch(() => {});
  const argv = await Deno.readTextFile(`/proc/${pid}/cmdline`).then((t) => t.split("\0"))
    .catch(() => [] as string[]);
  // The pid may have been reused since: only an rclone copy or sync is stopped.
  if (
    !argv.some((a) => /(^|\/)rclone$/.test(a)) || !argv.some((a) => a === "copy" || a === "sync")
  ) {
    return null;
  }
  try {
    Deno.kill(pid, "SIGKILL");
  } catch {
    return null;
  }
  for (let i = 0; i < 100 && await Deno.stat(`/proc/${pid}`).then(() => true, () => false); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return pid;
}

export class Rclone {
  constructor(
    private exec: Exec,
    private bin: string,
    private remotes: Remote[],
    private limits: RcloneLimits,
    /** Where the running copy's pid is kept (see stopLeftover). */
    private pidFile?: string,
  ) {}

  /** copy/sync with stats; `onStats` sees every stats line while it runs. */
  async transfer(
    verb: "copy" | "sync",
    from: string,
    to: string,
    extra: string[],
    o: { signal?: AbortSignal; onStats?: (s: Stats) => void } = {},
  ): Promise<RcloneRun> {
    const result = await this.exec.run(
      [this.bin, verb, from, to, ...extra, ...commonFlags(this.limits)],
      {
        env: remoteEnv(this.remotes),
        unsetEnv: ["AWS_CA_BUNDLE"],
        signal: o.signal,
        onStderrLine: (l) => {
          const s = parseStats(l);
          if (s) o.onStats?.(s);
        },
        onSpawn: (pid) => this.pidFile && Deno.writeTextFileSync(this.pidFile, `${pid}\n`),
      },
    );
    if (this.pidFile) await Deno.remove(this.pidFile).catch(() => {});
    return { result, stats: lastStats(result.stderr) };
  }

  /** The remote's objects; with `filesFrom` (a file of keys) only those. */
  async lsjson(remote: string, signal?: AbortSignal, filesFrom?: string): Promise<Listed[]> {
    const only = filesFrom ? ["--files-from-raw", filesFrom] : [];
    const r = await this.exec.run(
      [this.bin, "lsjson", "-R", "--files-only", "--hash", ...only, remote],
      { env: remoteEnv(this.remotes), unsetEnv: ["AWS_CA_BUNDLE"], signal },
    );
    if (r.code !== 0) {
      throw new Error(`rclone lsjson ${remote} failed (exit ${r.code}): ${r.stderr.slice(-800)}`);
    }
    return parseLsjson(r.stdout);
  }
}
