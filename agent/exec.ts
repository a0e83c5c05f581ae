// The one wrapper around Deno.Command: every process the agent starts goes
// through an Exec, so tests can point it at real binaries in a temporary prefix
// and dev mode without nginx can run in dry-run.

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Remove these variables from the inherited environment (e.g. REQUESTS_CA_BUNDLE for certbot). */
  unsetEnv?: string[];
  stdin?: string;
  timeoutMs?: number;
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

export class RealExec implements Exec {
  readonly dryRun: boolean;
  readonly log?: Logger;
  readonly history: ExecRecord[] = [];
  constructor(opts: { dryRun?: boolean; log?: Logger; keepHistory?: boolean } = {}) {
    this.dryRun = opts.dryRun ?? false;
    this.log = opts.log;
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
    const out = await child.output();
    if (timer) clearTimeout(timer);
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
    if (this.log && this.keep) this.log(`${cmd.join(" ")} -> ${r.code}`);
    return r;
  }
}
