// The builtin supervisor: project backends as children of `agent serve`, for
// dev mode and hosts without systemd. Each backend runs in its own session and
// process group (setsid), so stopping it stops everything it started. A backend
// that dies is started again after a backoff that doubles (1 s, 2 s, 4 s, ... at
// most 30 s) and starts over once a run lasted 30 s. Output goes to
// <log_dir>/<name>.log, rotated by size. A pid file per backend lets the next
// agent stop backends a killed agent left behind.
//
// Long-running children do not go through Exec.run (which waits for the
// process to exit); this file is the one place that spawns them.
import type { ServiceManager, ServiceSpec, ServiceStatus } from "./manager.ts";
import { processGroup, processStartTicks, procStat } from "./manager.ts";
import { commandWords } from "../model.ts";
import { RotatingLog } from "./rotating-log.ts";

export interface SupervisorOptions {
  logDir: string;
  /** Pid files of running backends. */
  runDir: string;
  maxLogBytes: number;
  keepLogs: number;
  log?: (msg: string) => void;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** A run at least this long resets the backoff. */
  stableMs?: number;
  stopTimeoutMs?: number;
}

type State = "running" | "restarting" | "stopping" | "stopped";

interface Proc {
  spec: ServiceSpec;
  key: string;
  child: Deno.ChildProcess | null;
  pid: number | null;
  state: State;
  restarts: number;
  failures: number;
  startedAt: number | null;
  lastExit: { code: number | null; signal: string | null; at: string; error?: string } | null;
  timer: ReturnType<typeof setTimeout> | null;
  nextStartAt: number | null;
  /** Resolves when the current child has exited and its output is written. */
  exited: Promise<void> | null;
  log: RotatingLog;
}

const PASS_ENV = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "PYENV_ROOT", "PYENV_VERSION"];

function findInPath(bin: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${bin}`).isFile) return `${dir}/${bin}`;
    } catch { /* not here */ }
  }
  return null;
}

export class Supervisor implements ServiceManager {
  readonly kind = "builtin" as const;
  readonly o: Required<Omit<SupervisorOptions, "log">> & { log: (m: string) => void };
  /** Set while `agent serve` runs the supervisor (the CLI's in-process mode does not). */
  running = false;
  #procs = new Map<string, Proc>();
  #setsid = findInPath("setsid");

  constructor(o: SupervisorOptions) {
    this.o = {
      backoffMinMs: 1000,
      backoffMaxMs: 30_000,
      stableMs: 30_000,
      stopTimeoutMs: 5000,
      log: () => {},
      ...o,
    };
  }

  logFile(name: string): string {
    return `${this.o.logDir}/${name}.log`;
  }

  #pidFile(name: string): string {
    return `${this.o.runDir}/${name}.json`;
  }

  async start(spec: ServiceSpec): Promise<void> {
    const key = JSON.stringify(spec);
    const cur = this.#procs.get(spec.name);
    if (cur && cur.key === key && cur.state !== "stopping") return;
    if (cur) await this.stop(spec.name);
    await Deno.mkdir(this.o.logDir, { recursive: true });
    await Deno.mkdir(this.o.runDir, { recursive: true });
    const p: Proc = {
      spec,
      key,
      child: null,
      pid: null,
      state: "running",
      restarts: 0,
      failures: 0,
      startedAt: null,
      lastExit: null,
      timer: null,
      nextStartAt: null,
      exited: null,
      log: new RotatingLog(this.logFile(spec.name), this.o.maxLogBytes, this.o.keepLogs),
    };
    this.#procs.set(spec.name, p);
    await this.#spawn(p);
  }

  #note(p: Proc, line: string) {
    p.log.write(`[${new Date().toISOString()} supervisor] ${line}\n`);
  }

  async #spawn(p: Proc): Promise<void> {
    p.timer = null;
    p.nextStartAt = null;
    if (p.state === "stopping" || p.state === "stopped") return;
    const argv = commandWords(p.spec.command);
    const env: Record<string, string> = {};
    for (const k of PASS_ENV) {
      const v = Deno.env.get(k);
      if (v !== undefined) env[k] = v;
    }
    Object.assign(env, {
      PORT: String(p.spec.port),
      PROJECT_NAME: p.spec.name,
      PYTHONUNBUFFERED: "1",
    });
    const [bin, args] = this.#setsid ? [this.#setsid, argv] : [argv[0], argv.slice(1)];
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(bin, {
        args,
        cwd: p.spec.dir,
        env,
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      const error = e instanceof Deno.errors.NotFound
        ? `cannot start ${bin} in ${p.spec.dir}: not found (is the directory there?)`
        : `cannot start ${bin} in ${p.spec.dir}: ${(e as Error).message}`;
      p.lastExit = { code: null, signal: null, at: new Date().toISOString(), error };
      this.#note(p, error);
      this.o.log(`project ${p.spec.name}: ${error}`);
      this.#scheduleRestart(p, 0);
      return;
    }
    p.child = child;
    p.pid = child.pid;
    p.state = "running";
    p.startedAt = Date.now();
    this.#note(p, `started pid ${child.pid}: ${p.spec.command} (PORT=${p.spec.port})`);
    await this.#writePidFile(p);
    const pumps = Promise.all([
      this.#pump(child.stdout, p.log),
      this.#pump(child.stderr, p.log),
    ]);
    p.exited = (async () => {
      const st = await child.status;
      await pumps;
      await Deno.remove(this.#pidFile(p.spec.name)).catch(() => {});
      p.child = null;
      p.pid = null;
      const ran = Date.now() - (p.startedAt ?? Date.now());
      p.lastExit = {
        code: st.signal ? null : st.code,
        signal: st.signal,
        at: new Date().toISOString(),
      };
      const how = st.signal ? `killed by ${st.signal}` : `exited with code ${st.code}`;
      if (p.state === "stopping") {
        this.#note(p, `stopped (${how})`);
        return;
      }
      this.#note(p, how);
      this.o.log(`project ${p.spec.name}: backend ${how}`);
      this.#scheduleRestart(p, ran);
    })();
  }

  #scheduleRestart(p: Proc, ranMs: number) {
    if (p.state === "stopping" || p.state === "stopped") return;
    p.failures = ranMs >= this.o.stableMs ? 1 : p.failures + 1;
    const delay = Math.min(this.o.backoffMaxMs, this.o.backoffMinMs * 2 ** (p.failures - 1));
    p.state = "restarting";
    p.nextStartAt = Date.now() + delay;
    p.restarts++;
    this.#note(p, `restarting in ${delay} ms (restart ${p.restarts})`);
    p.timer = setTimeout(() => {
      this.#spawn(p).catch((e) => this.o.log(`project ${p.spec.name}: restart failed: ${e}`));
    }, delay);
  }

  async #pump(stream: ReadableStream<Uint8Array>, log: RotatingLog) {
    try {
      for await (const chunk of stream) log.write(chunk);
    } catch { /* the child went away */ }
  }

  async #writePidFile(p: Proc) {
    const ticks = await processStartTicks(p.pid!);
    await Deno.writeTextFile(
      this.#pidFile(p.spec.name),
      JSON.stringify({ pid: p.pid, start_ticks: ticks, dir: p.spec.dir, command: p.spec.command }) +
        "\n",
    ).catch((e) => this.o.log(`cannot write the pid file of ${p.spec.name}: ${e}`));
  }

  async stop(name: string): Promise<void> {
    const p = this.#procs.get(name);
    if (!p) return;
    p.state = "stopping";
    if (p.timer !== null) clearTimeout(p.timer);
    p.timer = null;
    if (p.child && p.pid) {
      const pid = p.pid;
      this.#signal(pid, "SIGTERM");
      const done = p.exited!;
      const timeout = new Promise<"timeout">((r) => {
        const t = setTimeout(() => r("timeout"), this.o.stopTimeoutMs);
        done.finally(() => clearTimeout(t));
      });
      if ((await Promise.race([done.then(() => "done" as const), timeout])) === "timeout") {
        this.#signal(pid, "SIGKILL");
      }
      await done;
    } else if (p.exited) await p.exited;
    p.state = "stopped";
    await p.log.close();
    this.#procs.delete(name);
  }

  /** Signals the backend's process group (setsid made it the leader), else the process. */
  #signal(pid: number, sig: Deno.Signal) {
    try {
      Deno.kill(this.#setsid ? -pid : pid, sig);
    } catch {
      try {
        Deno.kill(pid, sig);
      } catch { /* gone */ }
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#procs.keys()].map((n) => this.stop(n)));
  }

  names(): string[] {
    return [...this.#procs.keys()].sort();
  }

  status(name: string): Promise<ServiceStatus> {
    const p = this.#procs.get(name);
    if (!p) {
      return Promise.resolve({
        manager: "builtin",
        active: false,
        state: "stopped",
        pid: null,
        detail: { log_file: this.logFile(name), supervisor_running: this.running },
      });
    }
    return Promise.resolve({
      manager: "builtin",
      active: p.state === "running" && p.child !== null,
      state: p.state,
      pid: p.pid,
      detail: {
        restarts: p.restarts,
        started_at: p.startedAt ? new Date(p.startedAt).toISOString() : null,
        last_exit: p.lastExit,
        next_start_at: p.nextStartAt ? new Date(p.nextStartAt).toISOString() : null,
        log_file: this.logFile(name),
      },
    });
  }

  async owns(name: string, pid: number): Promise<boolean> {
    const p = this.#procs.get(name);
    if (!p?.pid) return false;
    return pid === p.pid || (await processGroup(pid)) === p.pid;
  }

  async diagnose(name: string): Promise<string> {
    const file = this.logFile(name);
    const text = await Deno.readTextFile(file).catch(() => "");
    const tail = text.trimEnd().split("\n").slice(-15).join("\n");
    return `${tail ? tail + "\n" : ""}(log: ${file})`;
  }

  /**
   * Stops backends a previous agent left running (it was killed before it could
   * stop them): their pid files name the process and its start time.
   */
  async reapOrphans(): Promise<string[]> {
    const out: string[] = [];
    let entries: Deno.DirEntry[] = [];
    try {
      entries = [...Deno.readDirSync(this.o.runDir)];
    } catch {
      return out;
    }
    for (const e of entries) {
      if (!e.name.endsWith(".json")) continue;
      const file = `${this.o.runDir}/${e.name}`;
      const name = e.name.slice(0, -5);
      if (this.#procs.has(name)) continue;
      try {
        const info = JSON.parse(await Deno.readTextFile(file)) as {
          pid: number;
          start_ticks: string | null;
        };
        const alive = async () =>
          info.pid > 1 && info.start_ticks !== null &&
          (await processStartTicks(info.pid)) === info.start_ticks &&
          (await procStat(info.pid))?.[0] !== "Z";
        if (await alive()) {
          this.#signal(info.pid, "SIGTERM");
          for (let i = 0; i < 50 && (await alive()); i++) {
            await new Promise((r) => setTimeout(r, 100));
          }
          if (await alive()) this.#signal(info.pid, "SIGKILL");
          out.push(`${name} (pid ${info.pid})`);
        }
      } catch { /* unreadable: drop it */ }
      await Deno.remove(file).catch(() => {});
    }
    return out;
  }
}
