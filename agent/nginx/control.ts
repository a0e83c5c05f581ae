// The only code that runs nginx: version, `nginx -t` of a candidate, reload,
// and the proof that a reload took effect, from the process facts. A reload
// that loads its configuration starts new worker processes; one that fails logs
// [emerg] and keeps the old workers. (A listener of our own, such as a unix socket
// probe, was rejected: a stale socket file after nginx is SIGKILLed stops nginx
// from starting again.)
import type { Exec } from "../exec.ts";
import { buildTestConfig } from "./test-config.ts";
import { probeAnswer, type ProbeTarget } from "./probe.ts";

export interface NginxPaths {
  nginx_bin: string;
  nginx_conf: string;
  nginx_prefix: string;
  nginx_pid_file: string;
  nginx_error_log: string;
  nginx_dir: string;
  reload_command: string;
}

export interface TestResult {
  ok: boolean;
  /** nginx's own output, with temporary file names mapped back to the real ones. */
  output: string;
  includeFound: boolean;
  skipped?: string;
}

export interface ReloadResult {
  ok: boolean;
  output: string;
}

export interface NginxControl {
  readonly dryRun: boolean;
  version(): Promise<string | null>;
  test(candidateDir: string): Promise<TestResult>;
  masterPid(): Promise<number | null>;
  reload(): Promise<ReloadResult>;
  /** Child processes of the master (workers, cache helpers) with their start times. */
  workers(): Promise<ProcessInfo[]>;
  errorLogSize(): Promise<number>;
  errorLogSince(offset: number): Promise<string>;
  /**
   * Reloads nginx and waits up to `timeoutSeconds` for proof that it loaded the
   * configuration: new workers started and every old one stopped accepting
   * (ok), or [emerg] in the error log (not ok, with those lines as output).
   */
  reloadAndVerify(
    timeoutSeconds: number,
    probe?: ReloadProbe,
    handoff?: Handoff,
  ): Promise<ReloadResult>;
  /** Tells these workers to stop accepting and drain (SIGQUIT, as nginx's master does). */
  stopAccepting?(pids: number[]): Promise<void>;
  /** The last `nginx -t` this agent ran (candidate or validation), for the health endpoint. */
  lastTest?: { ok: boolean; at: string; output: string } | null;
}

/**
 * Who tells the old workers to stop accepting once nginx forked the new ones:
 * "early", the agent at once; "nginx", nginx's master 100 ms later (reload_handoff).
 */
export type Handoff = "early" | "nginx";

/** A generation probe that answers `expect` once a new-generation worker serves (probe.ts). */
export interface ReloadProbe {
  target: ProbeTarget;
  expect: string;
}

export interface ProcessInfo {
  pid: number;
  /** epoch milliseconds, 10 ms resolution */
  startedAt: number;
  /** nginx sets "worker process is shutting down" when a worker stops accepting. */
  title: string;
}

export class RealNginx implements NginxControl {
  readonly paths: NginxPaths;
  readonly exec: Exec;
  lastTest: NginxControl["lastTest"] = null;
  constructor(paths: NginxPaths, exec: Exec) {
    this.paths = paths;
    this.exec = exec;
  }
  get dryRun(): boolean {
    return this.exec.dryRun;
  }

  #base(): string[] {
    const args = [this.paths.nginx_bin];
    if (this.paths.nginx_prefix) args.push("-p", this.paths.nginx_prefix);
    return args;
  }

  async version(): Promise<string | null> {
    if (this.dryRun) return null;
    const r = await this.exec.run([this.paths.nginx_bin, "-v"], { timeoutMs: 5000 });
    const m = /nginx\/(\d+\.\d+\.\d+)/.exec(r.stderr + r.stdout);
    return m ? m[1] : null;
  }

  async test(candidateDir: string): Promise<TestResult> {
    if (this.dryRun) {
      return {
        ok: true,
        output: "",
        includeFound: true,
        skipped: "nginx is not installed (dry-run)",
      };
    }
    const cfg = await buildTestConfig({
      mainConf: this.paths.nginx_conf,
      nginxDir: this.paths.nginx_dir,
      candidateDir,
    });
    try {
      const r = await this.exec.run([...this.#base(), "-t", "-c", cfg.main], {
        timeoutMs: 120_000,
      });
      let output = (r.stderr + r.stdout).trim();
      for (const [copy, orig] of cfg.copies) output = output.replaceAll(copy, orig);
      this.lastTest = { ok: r.code === 0, at: new Date().toISOString(), output };
      return { ok: r.code === 0, output, includeFound: cfg.includeFound };
    } finally {
      await cfg.cleanup();
    }
  }

  async masterPid(): Promise<number | null> {
    if (this.dryRun) return null;
    let text: string;
    try {
      text = await Deno.readTextFile(this.paths.nginx_pid_file);
    } catch {
      return null;
    }
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    try {
      Deno.kill(pid, "SIGCONT"); // signal 0 is not offered; SIGCONT is harmless to a running master
      return pid;
    } catch {
      return null;
    }
  }

  async reload(): Promise<ReloadResult> {
    if (this.dryRun) return { ok: true, output: "[dry-run] reload skipped" };
    if (this.paths.reload_command) {
      const cmd = this.paths.reload_command.split(/\s+/).filter(Boolean);
      const r = await this.exec.run(cmd, { timeoutMs: 60_000 });
      return { ok: r.code === 0, output: (r.stderr + r.stdout).trim() };
    }
    const pid = await this.masterPid();
    if (pid === null) {
      return {
        ok: false,
        output: `nginx is not running (no live pid in ${this.paths.nginx_pid_file})`,
      };
    }
    try {
      Deno.kill(pid, "SIGHUP");
      return { ok: true, output: `sent SIGHUP to nginx master ${pid}` };
    } catch (e) {
      return { ok: false, output: `cannot signal nginx master ${pid}: ${(e as Error).message}` };
    }
  }

  reloadAndVerify(
    timeoutSeconds: number,
    probe?: ReloadProbe,
    handoff?: Handoff,
  ): Promise<ReloadResult> {
    return proveReload(this, timeoutSeconds, probe, handoff);
  }

  stopAccepting(pids: number[]): Promise<void> {
    for (const pid of pids) {
      try {
        Deno.kill(pid, "SIGQUIT");
      } catch { /* gone already, or not ours to signal: nginx's master signals it */ }
    }
    return Promise.resolve();
  }

  async workers(): Promise<ProcessInfo[]> {
    const pid = await this.masterPid();
    if (pid === null) return [];
    return await childProcesses(pid);
  }

  async errorLogSize(): Promise<number> {
    try {
      return (await Deno.stat(this.paths.nginx_error_log)).size;
    } catch {
      return 0;
    }
  }

  async errorLogSince(offset: number): Promise<string> {
    try {
      const f = await Deno.open(this.paths.nginx_error_log);
      try {
        const size = (await f.stat()).size;
        const start = size < offset ? 0 : offset;
        await f.seek(start, Deno.SeekMode.Start);
        const buf = new Uint8Array(Math.min(size - start, 65536));
        let n = 0;
        while (n < buf.length) {
          const r = await f.read(buf.subarray(n));
          if (r === null) break;
          n += r;
        }
        return new TextDecoder().decode(buf.subarray(0, n));
      } finally {
        f.close();
      }
    } catch {
      return "";
    }
  }
}

const CLK_TCK = 100; // USER_HZ on Linux

/** Boot time from /proc/uptime (10 ms resolution; /proc/stat's btime is whole seconds). */
async function bootTimeMs(): Promise<number> {
  const up = Number((await Deno.readTextFile("/proc/uptime")).split(" ")[0]);
  return Date.now() - up * 1000;
}

async function startOf(pid: number, boot: number): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // fields after the ")" of the command name; starttime is field 22
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return boot + (Number(rest[19]) / CLK_TCK) * 1000;
  } catch {
    return null;
  }
}

/** Children of a process, from /proc (Linux). */
export async function childProcesses(pid: number): Promise<ProcessInfo[]> {
  let pids: number[] = [];
  try {
    pids = (await Deno.readTextFile(`/proc/${pid}/task/${pid}/children`)).trim().split(/\s+/)
      .filter(Boolean).map(Number);
  } catch {
    for await (const e of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      try {
        const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid === pid) pids.push(Number(e.name));
      } catch { /* gone */ }
    }
  }
  const boot = await bootTimeMs();
  const out: ProcessInfo[] = [];
  for (const p of pids) {
    const t = await startOf(p, boot);
    if (t === null) continue;
    let title = "";
    try {
      title = (await Deno.readTextFile(`/proc/${p}/cmdline`)).replace(/\0/g, " ").trim();
    } catch { /* gone */ }
    out.push({ pid: p, startedAt: t, title });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The reload proof on top of the process facts, shared by every NginxControl: a
 * reload that loads its configuration starts new workers and the old ones start
 * shutting down; one that fails logs [emerg] and keeps the old workers.
 */
export async function proveReload(
  nginx: Pick<
    NginxControl,
    "reload" | "workers" | "errorLogSize" | "errorLogSince" | "stopAccepting"
  >,
  timeoutSeconds: number,
  probe?: ReloadProbe,
  handoff: Handoff = "nginx",
): Promise<ReloadResult> {
  const offset = await nginx.errorLogSize();
  const before = new Set((await nginx.workers()).map((w) => w.pid));
  const r = await nginx.reload();
  if (!r.ok) return r;
  let deadline = performance.now() + timeoutSeconds * 1000;
  let retrySeen = false;
  let handedOff = false;
  let delay = 2;
  while (performance.now() < deadline) {
    const text = await nginx.errorLogSince(offset);
    const log = emergLines(text);
    // A port in use is not nginx's last word: it retries bind() for 2.5 s and loads the
    // configuration if the port frees up. Failing at the first [emerg] raced that: the
    // files went back while nginx went on to load them.
    if (log && !bindRetrying(text)) return { ok: false, output: log };
    if (log && !retrySeen) {
      retrySeen = true; // nginx's own tries take 2.5 s, however short reload_timeout is
      deadline = Math.max(deadline, performance.now() + 4000);
    }
    // Live: a new-generation worker answered (only a loaded configuration holds the new hash).
    if (probe && (await probeAnswer(probe.target)) === probe.expect) {
      return { ok: true, output: r.output };
    }
    // Loaded: new workers run, and every old one is gone or has stopped accepting
    // (only workers accept: an old cache manager does not hold the change back).
    const now = await nginx.workers();
    const forked = now.some((w) => !before.has(w.pid));
    const old = acceptingOld(now, before);
    if (forked && old.length === 0) {
      return { ok: true, output: r.output };
    }
    if (forked && handoff === "early" && !handedOff) {
      handedOff = true;
      await nginx.stopAccepting?.(old);
      continue; // look again at once: the old workers close their listeners within a few ms
    }
    await sleep(delay);
    delay = nextLook(delay, forked, probe !== undefined || handoff === "early");
  }
  return {
    ok: false,
    output: `nginx started no new workers within ${timeoutSeconds}s after the reload`,
  };
}

/**
 * The old workers still accepting connections, once nginx forked new ones. New
 * children mean the master loaded the configuration: it forks only after parsing
 * it. The master would tell these workers to stop 100 ms later; until then the
 * kernel hands most new connections to them (they wait first on the listening
 * sockets), so a change is not live for users before that. Told now, they close
 * their listeners and drain as they would then; connections wait in the listen
 * backlog for a new worker, so none is refused. Safe against the master's
 * bookkeeping: its SIGCHLD is blocked until after it signals the old workers
 * itself, so a worker that exits early is already marked exiting and is not
 * respawned (nginx's ngx_master_process_cycle).
 */
export function acceptingOld(now: ProcessInfo[], before: Set<number>): number[] {
  return now.filter((w) => before.has(w.pid) && /worker process$/.test(w.title)).map((w) => w.pid);
}

/**
 * The wait before the proof looks again. While nginx parses, every 10 ms when
 * the answer can come early (the probe, or the early handoff), 50 ms otherwise.
 * Once new workers are forked, one starts accepting within a few ms, and the old
 * ones stop within a few ms of the handoff: every millisecond then (a loopback
 * request or a look at /proc each). With 10 ms looks the proof saw the new
 * generation 17 ms after its first answer at 1,000 sites.
 */
export function nextLook(delay: number, forked: boolean, fast: boolean): number {
  if (forked && fast) return 1;
  return Math.min(delay * 2, fast ? 10 : 50);
}

/**
 * True while every [emerg] line is a bind() that found its address in use and nginx
 * has not yet given up ("still could not bind()" after its five tries).
 */
export function bindRetrying(log: string): boolean {
  if (log.includes("still could not bind()")) return false;
  const lines = log.split("\n").filter((l) => /\[emerg\]/.test(l));
  return lines.length > 0 &&
    lines.every((l) => /bind\(\) to \S+ failed \(98: Address already in use\)/.test(l));
}

/** The [emerg] lines nginx wrote: a reload that logs one did not load its configuration. */
export function emergLines(log: string): string {
  return log.split("\n").filter((l) => /\[emerg\]/.test(l)).join("\n");
}
