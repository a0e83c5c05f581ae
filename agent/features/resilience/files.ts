// Which managed file an operator means: "site-web.conf", the path through the
// live link (<nginx_dir>/current/site-web.conf), or through the current
// generation's directory. Anything else is refused, naming the field.
import { invalid } from "../../errors.ts";
import type { ResilienceRuntime } from "./settings.ts";

export interface ManagedFile {
  generation: number;
  /** Name inside the generation directory. */
  file: string;
  /** Absolute path of the file in the generation directory. */
  abs: string;
}

export async function resolveManagedFile(
  rt: ResilienceRuntime,
  path: unknown,
): Promise<ManagedFile> {
  if (typeof path !== "string" || path.trim() === "") {
    throw invalid("path", "give the managed file, e.g. site-web.conf or its path under current/");
  }
  const g = rt.generations;
  const n = await g.current();
  if (n === null) throw invalid("path", "no generation is current yet: there are no managed files");
  const prefixes = [`${g.currentLink}/`, `${g.live.pathOf(n)}/`, `${g.pathOf(n)}/`];
  let file = path.trim();
  const hit = prefixes.find((p) => file.startsWith(p));
  if (hit) file = file.slice(hit.length);
  else if (file.startsWith("/")) {
    throw invalid(
      "path",
      `${file} is not a file of the current generation (${g.currentLink}/ -> ${g.live.pathOf(n)}/)`,
    );
  }
  if (file === "" || file.split("/").some((p) => p === ".." || p === "" || p === ".")) {
    throw invalid("path", `${path} is not a managed file name`);
  }
  if (file === "manifest.json") throw invalid("path", "manifest.json is the agent's own record");
  // The live file nginx reads; the backup under generations/ stays as the agent wrote it.
  return { generation: n, file, abs: `${g.currentLink}/${file}` };
}
