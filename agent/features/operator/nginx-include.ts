// Adds or removes the agent's include line in nginx.conf's http {} block the
// safe way: back the file up, edit, prove the result with nginx -t, and put
// the backup back when nginx refuses it.
import type { Exec } from "../../exec.ts";

export interface NginxTest {
  exec: Exec;
  bin: string;
  /** nginx -p; empty: nginx's own prefix. */
  prefix: string;
}

/** nginx.conf with `line` added as the first directive of its http {} block, or null without one. */
export function withInclude(text: string, line: string): string | null {
  const m = /^([ \t]*)http\s*\{[^\n]*\n/m.exec(text);
  if (!m) return null;
  const at = m.index + m[0].length;
  return `${text.slice(0, at)}${m[1]}    ${line}\n${text.slice(at)}`;
}

/** nginx.conf without any line that is exactly `line` (whatever its indentation). */
export function withoutInclude(text: string, line: string): string {
  return text.split("\n").filter((l) => l.trim() !== line).join("\n");
}

export async function nginxTest(
  t: NginxTest,
  conf: string,
): Promise<{ ok: boolean; output: string }> {
  const r = await t.exec.run(
    [t.bin, ...(t.prefix ? ["-p", t.prefix] : []), "-c", conf, "-t"],
    { timeoutMs: 30_000 },
  );
  return { ok: r.code === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

/**
 * Writes `next` over `conf` after a timestamped backup, and keeps it only if
 * nginx -t passes; otherwise restores the backup byte for byte and says why.
 */
export async function editProven(
  t: NginxTest,
  conf: string,
  next: string,
): Promise<{ ok: true; backup: string } | { ok: false; backup: string; output: string }> {
  const before = await Deno.readFile(conf);
  const mode = (await Deno.stat(conf)).mode! & 0o777;
  const backup = `${conf}.switchyard-backup-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  await Deno.writeFile(backup, before, { mode });
  await Deno.writeTextFile(conf, next, { mode });
  const test = await nginxTest(t, conf);
  if (test.ok) return { ok: true, backup };
  await Deno.writeFile(conf, before, { mode });
  return { ok: false, backup, output: test.output };
}
