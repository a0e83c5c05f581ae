// Drift: what on disk is no longer what the agent wrote. Every file of the
// current generation is hashed and compared with its manifest (config files
// and sidecars); managed files that were deleted or added by hand, a main
// nginx.conf that lost the include line, and a stopped nginx are reported
// too. Nothing here corrects anything: the operator decides (absorb or rewrite).
import { sha256 } from "./generations.ts";
import type { Generations, Manifest } from "./generations.ts";
import type { NginxControl } from "./control.ts";
import { findLiveInclude, includeLine } from "./test-config.ts";
import { unifiedDiff } from "./diff.ts";
import { confFileName } from "../render/tree.ts";

export type DriftStatus = "modified" | "deleted" | "added";

export interface DriftFile {
  /** Name inside the generation directory, e.g. "site-web.conf". */
  file: string;
  /** Absolute path through the live `current` link. */
  path: string;
  status: DriftStatus;
  sidecar: boolean;
  entity: { kind: string; name: string } | null;
  expected_sha256: string | null;
  actual_sha256: string | null;
  /** Unified diff from what the agent wrote to what is on disk; null when the expected text is unknown. */
  diff: string | null;
  /** absorb-file can import it (a pool or site file that was edited). */
  absorbable: boolean;
}

export interface DriftReport {
  checked_at: string;
  generation: number | null;
  ok: boolean;
  files: DriftFile[];
  include: {
    found: boolean;
    file: string | null;
    line: number | null;
    expected: string;
    nginx_conf: string;
  };
  nginx: { installed: boolean; running: boolean };
  state_file: { path: string; present: boolean };
  /** One line per problem, for people. */
  issues: string[];
}

export interface DriftDeps {
  generations: Generations;
  nginx: NginxControl;
  settings: { nginx_conf: string; nginx_dir: string; data_dir: string };
  /** The text a file of the current generation should have (its sha256 is known), or null. */
  expectedText(file: string, sha: string): Promise<string | null>;
  /** The kinds whose files can be absorbed (parsed back). */
  kinds: { get(kind: string): { parseBack?: unknown } | undefined };
}

const MAX_DIFF = 64 * 1024;

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Every *.conf file under a directory (recursive), relative names. */
async function confFilesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dir}/${prefix}`)) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory) out.push(...(await confFilesUnder(dir, rel)));
      else if (e.name.endsWith(".conf")) out.push(rel);
    }
  } catch { /* gone */ }
  return out;
}

function clip(diff: string): string {
  return diff.length <= MAX_DIFF ? diff : diff.slice(0, MAX_DIFF) + "\n... (diff truncated)\n";
}

/** Hashes the current generation and reports every difference from what the agent wrote. */
export async function checkDrift(d: DriftDeps, now = new Date()): Promise<DriftReport> {
  const { generations: g, settings } = d;
  const issues: string[] = [];
  const files: DriftFile[] = [];
  const n = await g.current();
  if (n !== null) {
    const live = `${g.currentLink}`; // what nginx reads (the live tree, not the backup)
    const dir = live;
    let m: Manifest | null = null;
    try {
      m = await g.manifest(n);
    } catch (e) {
      issues.push(`generation ${n} has no readable manifest.json (${(e as Error).message})`);
    }
    if (m) {
      const expected = new Map<
        string,
        { sha: string; sidecar: boolean; entity: DriftFile["entity"] }
      >();
      for (const [file, entry] of Object.entries(m.files)) {
        expected.set(file, { sha: entry.sha256, sidecar: false, entity: entry.entity ?? null });
      }
      const sidecarEntity = new Map(
        Object.entries(m.entities).map(([id, f]) => {
          const i = id.indexOf("/");
          return [f, { kind: id.slice(0, i), name: id.slice(i + 1) }];
        }),
      );
      for (const [file, sha] of Object.entries(m.sidecars ?? {})) {
        expected.set(file, { sha, sidecar: true, entity: sidecarEntity.get(file) ?? null });
      }
      for (const [file, e] of expected) {
        if (g.asWritten(n, file)) continue; // untouched since written or last verified
        const text = await readOrNull(`${dir}/${file}`);
        const actual = text === null ? null : sha256(text);
        if (actual === e.sha) {
          g.markVerified(n, file);
          continue;
        }
        const want = await d.expectedText(file, e.sha);
        const status: DriftStatus = text === null ? "deleted" : "modified";
        const label = `${file} (generation ${n}, as written)`;
        files.push({
          file,
          path: `${live}/${file}`,
          status,
          sidecar: e.sidecar,
          entity: e.entity,
          expected_sha256: e.sha,
          actual_sha256: actual,
          diff: want === null
            ? null
            : clip(unifiedDiff(want, text ?? "", { from: label, to: `${file} (on disk)` })),
          absorbable: status === "modified" && !e.sidecar && e.entity !== null &&
            d.kinds.get(e.entity.kind)?.parseBack !== undefined &&
            file === confFileName(e.entity.kind, e.entity.name),
        });
      }
      for (const file of await confFilesUnder(dir)) {
        if (expected.has(file)) continue;
        const text = (await readOrNull(`${dir}/${file}`)) ?? "";
        files.push({
          file,
          path: `${live}/${file}`,
          status: "added",
          sidecar: false,
          entity: null,
          expected_sha256: null,
          actual_sha256: sha256(text),
          diff: clip(unifiedDiff("", text, { from: "/dev/null", to: `${file} (on disk)` })),
          absorbable: false,
        });
      }
      files.sort((a, b) => (a.file < b.file ? -1 : 1));
      for (const f of files) {
        issues.push(
          f.status === "added"
            ? `${f.file} was added by hand to the managed directory (nginx loads it)`
            : f.status === "deleted"
            ? `${f.file} was deleted by hand`
            : `${f.file} was edited by hand`,
        );
      }
    }
  }
  const inc = await findLiveInclude(settings.nginx_conf, settings.nginx_dir);
  const want = includeLine(settings.nginx_dir);
  if (!inc) {
    issues.push(
      `${settings.nginx_conf} does not include the agent's files: add "${want}" inside http {}`,
    );
  }
  const installed = !d.nginx.dryRun;
  const running = installed && (await d.nginx.masterPid()) !== null;
  if (installed && !running) issues.push(NGINX_DOWN);
  const kvPath = `${settings.data_dir}/agent.kv`;
  const present = await Deno.stat(kvPath).then(() => true, () => false);
  if (!present) {
    issues.push(
      `the state file ${kvPath} is gone while the agent runs: the state lives on only until the agent stops; ` +
        "take a backup (agent backup) or rebuild it after a restart (agent rebuild-db)",
    );
  }
  return {
    checked_at: now.toISOString(),
    generation: n,
    ok: issues.length === 0,
    files,
    include: {
      found: inc !== null,
      file: inc?.file ?? null,
      line: inc?.line ?? null,
      expected: want,
      nginx_conf: settings.nginx_conf,
    },
    nginx: { installed, running },
    state_file: { path: kvPath, present },
    issues,
  };
}

/** The drift issue that says nginx is down (health checks it live instead). */
export const NGINX_DOWN = "nginx is not running";

/** Stable keys of the problems in a report, to record each new one in the audit log once. */
export function driftKeys(
  r: DriftReport,
): Map<string, { kind: string; name: string; message: string }> {
  const out = new Map<string, { kind: string; name: string; message: string }>();
  for (const f of r.files) {
    out.set(`file:${f.file}:${f.status}:${f.actual_sha256 ?? "-"}`, {
      kind: "file",
      name: f.file,
      message: f.status === "added"
        ? `${f.file} was added by hand`
        : f.status === "deleted"
        ? `${f.file} was deleted by hand`
        : `${f.file} was edited by hand (sha256 ${f.actual_sha256}, expected ${f.expected_sha256})`,
    });
  }
  if (!r.include.found) {
    out.set("include", {
      kind: "nginx",
      name: "include",
      message: `${r.include.nginx_conf} does not include the agent's files (${r.include.expected})`,
    });
  }
  if (r.nginx.installed && !r.nginx.running) {
    out.set("nginx-down", { kind: "nginx", name: "process", message: "nginx is not running" });
  }
  if (!r.state_file.present) {
    out.set("state-file", {
      kind: "state",
      name: "agent.kv",
      message: `the state file ${r.state_file.path} is gone`,
    });
  }
  return out;
}
