// Builds the configuration `nginx -t` proves a candidate generation in: the
// operator's real main nginx.conf and everything it includes, where every
// include that reaches `<nginx_dir>/current/` is pointed at the candidate
// instead. Only the files on that path are copied (rewritten); all others are
// included from where they are. The rewritten main file is written next to the
// real one, so relative paths (mime.types, certificates) resolve exactly as in
// production: nginx resolves them against the main file's directory.

export interface TestConfig {
  /** The main file to pass to `nginx -t -c`. */
  main: string;
  /** False when no include of `<nginx_dir>/current/` was found: the candidate was tested standalone. */
  includeFound: boolean;
  /** Rewritten copy -> original path, to show operators the files they know. */
  copies: Map<string, string>;
  cleanup(): Promise<void>;
}

export interface FsRead {
  readTextFile(path: string): Promise<string>;
  expandGlob(pattern: string): Promise<string[]>;
  /** The target of a symlink, null when the path is not one (optional). */
  readLink?(path: string): Promise<string | null>;
  /** The canonical path, null when it does not resolve (optional). */
  realPath?(path: string): Promise<string | null>;
}

const dirname = (p: string) => p.slice(0, p.lastIndexOf("/")) || "/";

/** The include directives of a file, with their positions (comments skipped). */
export function findIncludes(text: string): { start: number; end: number; arg: string }[] {
  const out: { start: number; end: number; arg: string }[] = [];
  let i = 0;
  let statementStart = true;
  while (i < text.length) {
    const c = text[i];
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const q = c;
      i++;
      while (i < text.length && text[i] !== q) i += text[i] === "\\" ? 2 : 1;
      i++;
      statementStart = false;
      continue;
    }
    if (c === ";" || c === "{" || c === "}") {
      statementStart = true;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (statementStart && text.startsWith("include", i) && /\s/.test(text[i + 7] ?? "")) {
      const semi = text.indexOf(";", i);
      if (semi < 0) break;
      const arg = text.slice(i + 7, semi).trim().replace(/^["']|["']$/g, "");
      out.push({ start: i, end: semi + 1, arg });
      i = semi + 1;
      statementStart = true;
      continue;
    }
    statementStart = false;
    while (i < text.length && !/[\s;{}#"']/.test(text[i])) i++;
  }
  return out;
}

export const denoFs: FsRead = {
  readTextFile: (p) => Deno.readTextFile(p),
  readLink: (p) => Deno.readLink(p).catch(() => null),
  realPath: (p) => Deno.realPath(p).catch(() => null),
  async expandGlob(pattern) {
    if (!/[*?\[]/.test(pattern)) return [pattern];
    // Walk segment by segment; nginx uses glob(3) with the same wildcards.
    const segs = pattern.split("/").filter((s, i) => s !== "" || i === 0);
    let paths = [pattern.startsWith("/") ? "" : "."];
    for (const seg of segs.slice(pattern.startsWith("/") ? 1 : 0)) {
      const next: string[] = [];
      for (const base of paths) {
        if (!/[*?\[]/.test(seg)) {
          next.push(`${base}/${seg}`);
          continue;
        }
        const re = new RegExp(
          "^" +
            seg.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]") +
            "$",
        );
        try {
          for await (const e of Deno.readDir(base || "/")) {
            if (re.test(e.name) && !e.name.startsWith(".")) next.push(`${base}/${e.name}`);
          }
        } catch { /* missing directory: no match, as in glob(3) */ }
      }
      paths = next;
    }
    const existing: string[] = [];
    for (const p of paths.sort()) {
      try {
        if ((await Deno.stat(p)).isFile) existing.push(p);
      } catch { /* dangling */ }
    }
    return existing;
  },
};

function normalize(path: string): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

/**
 * Where `path` lands inside `live` (`<nginx_dir>/current/`) when it is a
 * symlink into it (an operator's snippet path linked to a file the agent
 * renders): the relative path, else null. Follows the link chain, then
 * compares real paths (a link through a linked directory).
 */
export async function pathIntoLive(
  path: string,
  live: string,
  fs: FsRead,
): Promise<string | null> {
  if (!fs.readLink) return null;
  let p = path;
  for (let hops = 0; hops < 16; hops++) {
    const to = await fs.readLink(p);
    if (to === null) break;
    p = normalize(to.startsWith("/") ? to : `${dirname(p)}/${to}`);
    if (p.startsWith(live)) return p.slice(live.length);
  }
  if (!fs.realPath) return null;
  const [real, liveReal] = await Promise.all([fs.realPath(path), fs.realPath(live)]);
  if (real && liveReal && real.startsWith(`${liveReal}/`)) return real.slice(liveReal.length + 1);
  return null;
}

export async function buildTestConfig(opts: {
  mainConf: string;
  nginxDir: string;
  candidateDir: string;
  fs?: FsRead;
}): Promise<TestConfig> {
  const fs = opts.fs ?? denoFs;
  const confDir = dirname(opts.mainConf);
  const live = `${opts.nginxDir.replace(/\/+$/, "")}/current/`;
  const tag = crypto.randomUUID().slice(0, 8);
  const copyDir = `${opts.nginxDir}/.test-${tag}`;
  const copies = new Map<string, string>();
  const written: string[] = [];
  let includeFound = false;
  let copyCount = 0;

  const abs = (p: string) => (p.startsWith("/") ? p : `${confDir}/${p}`);

  /** Returns the path to include for `file`: itself, or a rewritten copy. */
  async function visit(file: string, depth: number, stack: string[]): Promise<string> {
    if (depth > 16 || stack.includes(file)) return file;
    let text: string;
    try {
      text = await fs.readTextFile(file);
    } catch {
      return file; // nginx -t will report it
    }
    const incs = findIncludes(text);
    let out = "";
    let last = 0;
    let changed = false;
    for (const inc of incs) {
      let replacement: string | null = null;
      const target = abs(inc.arg);
      if (target.startsWith(live)) {
        includeFound = true;
        replacement = `include ${opts.candidateDir}/${target.slice(live.length)};`;
      } else if (!target.startsWith(`${opts.nginxDir}/`)) {
        const matches = await fs.expandGlob(target);
        // A file linked into current/ (the projects snippet) is proven from the candidate too.
        const mapped = await Promise.all(matches.map(async (m) => {
          const rel = await pathIntoLive(m, live, fs);
          return rel !== null
            ? `${opts.candidateDir}/${rel}`
            : visit(m, depth + 1, [...stack, file]);
        }));
        if (mapped.some((m, i) => m !== matches[i])) {
          replacement = mapped.length ? mapped.map((m) => `include ${m};`).join(" ") : "";
        }
      }
      if (replacement !== null) {
        out += text.slice(last, inc.start) + replacement;
        last = inc.end;
        changed = true;
      }
    }
    if (!changed) return file;
    out += text.slice(last);
    const isMain = depth === 0;
    const path = isMain
      ? `${confDir}/.switchyard-test-${tag}.conf`
      : `${copyDir}/${++copyCount}-${file.slice(file.lastIndexOf("/") + 1)}`;
    if (!isMain) await Deno.mkdir(copyDir, { recursive: true });
    await Deno.writeTextFile(path, out);
    written.push(path);
    copies.set(path, file);
    return path;
  }

  let main = await visit(opts.mainConf, 0, []);
  if (!includeFound) {
    // The operator has not added the include line yet: prove the candidate on
    // its own so syntax errors are still caught, and report the missing line.
    main = `${copyDir}/standalone.conf`;
    await Deno.mkdir(copyDir, { recursive: true });
    await Deno.writeTextFile(
      main,
      [
        `pid ${copyDir}/nginx.pid;`,
        `error_log ${copyDir}/error.log;`,
        "events { worker_connections 64; }",
        "http {",
        `    include ${opts.candidateDir}/*.conf;`,
        "}",
        "",
      ].join("\n"),
    );
    written.push(main);
    copies.set(main, "(standalone test: the include line is missing)");
  }
  return {
    main,
    includeFound,
    copies,
    async cleanup() {
      for (const p of written) await Deno.remove(p).catch(() => {});
      await Deno.remove(copyDir, { recursive: true }).catch(() => {});
    },
  };
}

export function includeLine(nginxDir: string): string {
  return `include ${nginxDir.replace(/\/+$/, "")}/current/*.conf;`;
}

/**
 * Read-only: the file (and line) where the main nginx.conf, or a file it
 * includes, includes `<nginx_dir>/current/`; null when nginx would not load
 * the agent's files. Follows includes and globs the way buildTestConfig does.
 */
export async function findLiveInclude(
  mainConf: string,
  nginxDir: string,
  fs: FsRead = denoFs,
): Promise<{ file: string; line: number } | null> {
  const confDir = dirname(mainConf);
  const live = `${nginxDir.replace(/\/+$/, "")}/current/`;
  const abs = (p: string) => (p.startsWith("/") ? p : `${confDir}/${p}`);
  const seen = new Set<string>();
  async function visit(
    file: string,
    depth: number,
  ): Promise<{ file: string; line: number } | null> {
    if (depth > 16 || seen.has(file)) return null;
    seen.add(file);
    let text: string;
    try {
      text = await fs.readTextFile(file);
    } catch {
      return null;
    }
    for (const inc of findIncludes(text)) {
      const target = abs(inc.arg);
      if (target.startsWith(live)) {
        return { file, line: text.slice(0, inc.start).split("\n").length };
      }
      if (target.startsWith(`${nginxDir}/`)) continue;
      for (const m of await fs.expandGlob(target)) {
        const found = await visit(m, depth + 1);
        if (found) return found;
      }
    }
    return null;
  }
  return await visit(mainConf, 0);
}
