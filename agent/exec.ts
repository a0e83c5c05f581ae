// The one wrapper around Deno.Command: every process the agent starts goes
// through an Exec, so tests can point it at real binaries in a temporary prefix
// and dev mode without nginx can run in dry-run. With a debug logger each
// command is logged with its duration and exit status (env names, never values).

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Remove these variables from the inherited environment (e.g. REQUESTS_CA_BUNDLE for certbot). */
  unsetEnv?: string[];
  stdin?: string;
  timeoutMs?: number;
  /** SIGTERM on abort, SIGKILL 10 s later (a cancelled rclone pass). */
  signal?: AbortSignal;
  /** Receives stderr line by line while the command runs (rclone's JSON stats). */
  onStderrLine?: (line: string) => void;
  /** The child's pid once it runs (rclone's pid file, so a restarted agent can stop it). */
  onSpawn?: (pid: number) => void;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  dryRun: boolean;
}

export interface Exec {
  run(cmd: string[], opts?: ExecOptions): Promise<ExecResult>;
  readonly dryRun: boolean;
}

export type Logger = (line: string) => void;

export interface ExecRecord {
  cmd: string[];
  result: ExecResult;
}

/** A command line as it would be typed (arguments with spaces or quotes are quoted). */
export function commandLine(cmd: string[]): string {
  return cmd.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`).join(" ");
}

/** The debug line of a finished command: no env values, no stdin, no output. */
export function describeRun(cmd: string[], opts: ExecOptions, r: ExecResult): string {
  const env = Object.keys(opts.env ?? {});
  const status = r.timedOut ? `timed out (exit ${r.code})` : `exit ${r.code}`;
  return `exec: ${commandLine(cmd)}${
    env.length ? ` [env: ${env.join(", ")}]` : ""
  } -> ${status} in ${Math.round(r.durationMs)} ms`;
}

export class RealExec implements Exec {
  readonly dryRun: boolean;
  readonly log?: Logger;
  /** Gets one line per command run (debug level); the caller masks secrets. */
  readonly debug?: Logger;
  readonly history: ExecRecord[] = [];
  constructor(
    opts: { dryRun?: boolean; log?: Logger; debug?: Logger; keepHistory?: boolean } = {},
  ) {
    this.dryRun = opts.dryRun ?? false;
    this.log = opts.log;
    this.debug = opts.debug;
    this.keep = opts.keepHistory ?? false;
  }
  private keep: boolean;

  async run(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    if (this.dryRun) {
      this.log?.(`[dry-run] ${cmd.join(" ")}`);
      const r = { code: 0, stdout: "", stderr: "", durationMs: 0, timedOut: false, dryRun: true };
      if (this.keep) this.history.push({ cmd, result: r });
      return r;
    }
    const env: Record<string, string> = { ...Deno.env.toObject(), ...(opts.env ?? {}) };
    for (const k of opts.unsetEnv ?? []) delete env[k];
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(cmd[0], {
        args: cmd.slice(1),
        cwd: opts.cwd,
        env,
        clearEnv: true,
        stdin: opts.stdin !== undefined ? "piped" : "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      opts.onSpawn?.(child.pid);
    } catch (e) {
      const msg = e instanceof Deno.errors.NotFound ? `${cmd[0]}: command not found` : String(e);
      const r = {
        code: 127,
        stdout: "",
        stderr: msg,
        durationMs: performance.now() - started,
        timedOut: false,
        dryRun: false,
      };
      if (this.keep) this.history.push({ cmd, result: r });
      this.debug?.(describeRun(cmd, opts, r));
      return r;
    }
    if (opts.stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(opts.stdin));
      await w.close();
    }
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
        timedOut = true;
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, opts.timeoutMs)
      : undefined;
    let killer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      killer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 10_000);
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
    const out = opts.onStderrLine ? await streamed(child, opts.onStderrLine) : await child.output();
    if (timer) clearTimeout(timer);
    if (killer) clearTimeout(killer);
    opts.signal?.removeEventListener("abort", onAbort);
    const dec = new TextDecoder();
    const r: ExecResult = {
      code: timedOut ? 124 : out.code,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr) + (timedOut ? `\ntimed out after ${opts.timeoutMs} ms` : ""),
      durationMs: performance.now() - started,
      timedOut,
      dryRun: false,
    };
    if (this.keep) this.history.push({ cmd, result: r });
    this.debug?.(describeRun(cmd, opts, r));
    return r;
  }
}

/** Like child.output(), handing each stderr line to `onLine` as it arrives. */
async function streamed(
  child: Deno.ChildProcess,
  onLine: (line: string) => void,
): Promise<{ code: number; stdout: Uint8Array; stderr: Uint8Array }> {
  const collect = async (s: ReadableStream<Uint8Array>, each?: (chunk: Uint8Array) => void) => {
    const parts: Uint8Array[] = [];
    for await (const c of s) {
      parts.push(c);
      each?.(c);
    }
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return all;
  };
  const dec = new TextDecoder();
  let rest = "";
  const [stdout, stderr, status] = await Promise.all([
    collect(child.stdout),
    collect(child.stderr, (c) => {
      rest += dec.decode(c, { stream: true });
      const lines = rest.split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) onLine(l);
    }),
    child.status,
  ]);
  if (rest) onLine(rest);
  return { code: status.code, stdout, stderr };
}
