// Maps nginx's messages back to the entity whose file they point at, so a bad
// change is refused by name and the message is shown against it.
import type { Manifest } from "./generations.ts";

export interface MappedError {
  message: string;
  file?: string;
  line?: number;
  entity?: { kind: string; name: string };
}

/** The first serious message of `nginx -t` output, located in a file of the candidate if possible. */
export function mapNginxError(
  output: string,
  candidateDir: string,
  manifest: Manifest,
): MappedError {
  const lines = output.split("\n").filter((l) => /\[(emerg|alert|crit|error)\]/.test(l));
  const first = lines[0] ?? output.split("\n")[0] ?? "";
  const prefix = `${candidateDir.replace(/\/+$/, "")}/`;
  // "2026/11/22 22:41:49 [emerg] 4961#4961: unknown directive ..." -> "[emerg] unknown directive ..."
  const message = first.replace(/^nginx: /, "").replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, "")
    .replace(/^(\[\w+\]) \d+#\d+: /, "$1 ").replaceAll(prefix, "").trim();
  const m = / in (\/\S+?):(\d+)\s*$/.exec(first);
  if (!m) return { message };
  const [, path, line] = m;
  if (!path.startsWith(prefix)) return { message, file: path, line: Number(line) };
  const file = path.slice(prefix.length);
  return { message, file, line: Number(line), entity: manifest.files[file]?.entity };
}

/** Names the candidate's files the way operators find them: "(candidate)/site-x.conf". */
export function relabelCandidate(output: string, candidateDir: string): string {
  return output.replaceAll(`${candidateDir.replace(/\/+$/, "")}/`, "(candidate)/");
}
