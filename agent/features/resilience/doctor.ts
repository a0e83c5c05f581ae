// `agent doctor`: read-only checks of the host an agent runs on, each with what
// to do about it. It changes nothing and needs no running agent.
import { RealExec } from "../../exec.ts";
import { denoFs, findLiveInclude, includeLine } from "../../nginx/test-config.ts";
import { type Directive, parseNginx } from "../../nginx/tokenizer.ts";
import { Generations, sha256 } from "../../nginx/generations.ts";
import { kvFileProblem } from "../../store/integrity.ts";
import { importSecret } from "../../store/secrets.ts";
import { baseUrl } from "../../cli/client.ts";
import { type CliIO, cliOf, type Command } from "../../cli/command.ts";
import { withRows } from "../../settings/define.ts";
import { RESILIENCE_SETTINGS } from "./settings.ts";
import type { ResilienceConfig } from "./settings.ts";
import { namesHashAdvice, serverNames } from "./names-hash.ts";
import { luaDoctor } from "../../nginx/lua-module.ts";

export type Level = "ok" | "warn" | "fail";

export interface Check {
  level: Level;
  check: string;
  message: string;
}

const dirname = (p: string) => p.slice(0, p.lastIndexOf("/")) || "/";

/** Directives of nginx's main context: the main file and the files it includes there. */
async function mainContext(conf: string, depth = 0): Promise<Directive[]> {
  const tree = parseNginx(await Deno.readTextFile(conf));
  const out: Directive[] = [];
  for (const d of tree) {
    if (d.name === "include" && d.args[0] && depth < 8) {
      const target = d.args[0].startsWith("/") ? d.args[0] : `${dirname(conf)}/${d.args[0]}`;
      for (const f of await denoFs.expandGlob(target)) {
        try {
          out.push(...(await mainContext(f, depth + 1)));
        } catch { /* unreadable include: nginx -t reports it */ }
      }
    } else out.push(d);
  }
  return out;
}

/** The server_names hash the agent's names need against what nginx.conf sets. */
async function namesHashCheck(conf: string, nginxDir: string) {
  const files = await denoFs.expandGlob(`${nginxDir}/current/*.conf`);
  const texts = await Promise.all(files.map((f) => Deno.readTextFile(f).catch(() => "")));
  if (!texts.length) return null;
  const a = namesHashAdvice(serverNames(texts), [await Deno.readTextFile(conf)]);
  const what = `${a.names} server names, the longest ${a.longest} characters`;
  return {
    raise: a.raise,
    message: a.raise.length
      ? `${what}: add "${
        a.raise.join(" ")
      }" inside http {} of ${conf} (nginx warns "could not build optimal server_names_hash" and parses slower, or refuses a long name)`
      : `${what}: fits what ${conf} sets`,
  };
}

function modeOf(info: Deno.FileInfo): number {
  return (info.mode ?? 0) & 0o777;
}

const octal = (m: number) => "0" + m.toString(8);

async function stat(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/** `secrets`: the kinds that hold secret fields (they need the `secret` setting). */
export async function runDoctor(
  s: ResilienceConfig,
  secrets: Record<string, readonly string[]> = {},
): Promise<Check[]> {
  const out: Check[] = [];
  const add = (level: Level, check: string, message: string) => out.push({ level, check, message });
  const exec = new RealExec();
  const uid = Deno.uid?.() ?? 0;

  // nginx itself
  const v = await exec.run([s.nginx_bin, "-v"], { timeoutMs: 5000 });
  const version = /nginx\/(\S+)/.exec(v.stderr + v.stdout)?.[1];
  if (v.code !== 0 || !version) {
    add(
      "fail",
      "nginx",
      `${s.nginx_bin} is not installed or does not run: ${(v.stderr + v.stdout).trim()}`,
    );
  } else add("ok", "nginx", `nginx ${version} (${s.nginx_bin})`);

  // the include line
  if (!(await stat(s.nginx_conf))) {
    add("fail", "nginx.conf", `${s.nginx_conf} does not exist (setting nginx_conf)`);
  } else {
    const inc = await findLiveInclude(s.nginx_conf, s.nginx_dir);
    if (inc) {
      add("ok", "include line", `${includeLine(s.nginx_dir)} found in ${inc.file}:${inc.line}`);
    } else {
      add(
        "fail",
        "include line",
        `nginx does not load the agent's files: add "${
          includeLine(s.nginx_dir)
        }" inside http {} of ${s.nginx_conf}`,
      );
    }
    try {
      const main = await mainContext(s.nginx_conf);
      const wst = main.find((d) => d.name === "worker_shutdown_timeout");
      if (wst) add("ok", "worker_shutdown_timeout", `set to ${wst.args[0]}`);
      else {
        add(
          "warn",
          "worker_shutdown_timeout",
          `not set in ${s.nginx_conf}: old workers keep long connections (WebSockets) open after every reload and linger; add "worker_shutdown_timeout 30s;" to the main context`,
        );
      }
    } catch (e) {
      add(
        "warn",
        "worker_shutdown_timeout",
        `cannot parse ${s.nginx_conf}: ${(e as Error).message}`,
      );
    }
    if (version) {
      const args = [
        s.nginx_bin,
        ...(s.nginx_prefix ? ["-p", s.nginx_prefix] : []),
        "-t",
        "-c",
        s.nginx_conf,
      ];
      const t = await exec.run(args, { timeoutMs: 120_000 });
      const text = (t.stderr + t.stdout).trim();
      if (t.code === 0) add("ok", "nginx -t", "the live configuration passes");
      else add("fail", "nginx -t", `the live configuration fails:\n${text}`);
    }
    const h = await namesHashCheck(s.nginx_conf, s.nginx_dir);
    if (h) add(h.raise.length ? "warn" : "ok", "server_names_hash", h.message);
    const lua = await luaDoctor({
      ...s,
      setting: s.lua_upstreams,
      exec,
      nginxInstalled: !!version,
    });
    add(lua.level, "lua_upstreams", lua.message);
  }
  const pidText = await Deno.readTextFile(s.nginx_pid_file).catch(() => "");
  const pid = Number(pidText.trim());
  let running = false;
  if (pid > 0) {
    try {
      Deno.kill(pid, "SIGCONT");
      running = true;
    } catch { /* stale pid file */ }
  }
  if (running) add("ok", "nginx running", `master pid ${pid}`);
  else add("warn", "nginx running", `no running nginx master (pid file ${s.nginx_pid_file})`);

  // permissions: nginx -t runs as root and loads what these directories hold
  for (const [name, dir] of [["state directory", s.data_dir], ["nginx directory", s.nginx_dir]]) {
    const info = await stat(dir);
    if (!info) {
      add("warn", name, `${dir} does not exist yet (created at the first start)`);
      continue;
    }
    const m = modeOf(info);
    if (m & 0o022) {
      add("fail", name, `${dir} is writable by group or others (${octal(m)}): chmod go-w ${dir}`);
    } else if (info.uid !== null && info.uid !== uid && uid !== 0) {
      add("warn", name, `${dir} belongs to uid ${info.uid}, not to this user (${uid})`);
    } else if (name === "state directory" && m & 0o007) {
      add("warn", name, `${dir} is readable by others (${octal(m)}): chmod o-rwx ${dir}`);
    } else add("ok", name, `${dir} (${octal(m)})`);
  }
  for (
    const [name, file] of [["API key file", `${s.data_dir}/api-key`], [
      "settings file",
      s.config_file,
    ]]
  ) {
    const info = await stat(file);
    if (!info) continue;
    const m = modeOf(info);
    if (m & 0o077) {
      add("warn", name, `${file} is readable by others (${octal(m)}): chmod 600 ${file}`);
    } else add("ok", name, `${file} (${octal(m)})`);
  }

  // state
  const kv = `${s.data_dir}/agent.kv`;
  const g = new Generations(s.nginx_dir);
  const cur = await g.current().catch(() => null);
  const manifest = cur !== null ? await g.manifest(cur).catch(() => null) : null;
  const records = manifest ? Object.keys(manifest.entities).length : 0;
  if (!(await stat(kv))) {
    add(
      records ? "fail" : "ok",
      "state file",
      records
        ? `${kv} is missing while generation ${cur} holds ${records} record(s): run agent rebuild-db`
        : `${kv} not created yet`,
    );
  } else {
    const problem = kvFileProblem(kv);
    if (problem) add("fail", "state file", `${kv} is corrupted (${problem}): run agent rebuild-db`);
    else add("ok", "state file", `${kv} is sound`);
  }
  if (cur === null) add("warn", "generation", `no current generation under ${s.nginx_dir} yet`);
  else if (!manifest) add("fail", "generation", `generation ${cur} has no readable manifest.json`);
  else {
    const dir = g.currentLink; // the live tree nginx reads
    const expected = [
      ...Object.entries(manifest.files).map(([f, e]) => [f, e.sha256] as const),
      ...Object.entries(manifest.sidecars ?? {}),
    ];
    const drifted: string[] = [];
    for (const [f, sha] of expected) {
      const text = await Deno.readTextFile(`${dir}/${f}`).catch(() => null);
      if (text === null || sha256(text) !== sha) drifted.push(f);
    }
    if (drifted.length) {
      add(
        "warn",
        "drift",
        `${drifted.length} managed file(s) differ from what the agent wrote: ${
          drifted.join(", ")
        } (agent drift)`,
      );
    } else add("ok", "drift", `generation ${cur}: ${expected.length} files as written`);
  }

  // backups and secrets
  const b = await stat(s.backup_path);
  if (!b) {
    add(
      s.backup_interval > 0 ? "warn" : "ok",
      "backup",
      `no backup at ${s.backup_path} yet (agent backup)`,
    );
  } else {
    const age = (Date.now() - (b.mtime?.getTime() ?? 0)) / 1000;
    add("ok", "backup", `${s.backup_path}, ${Math.round(age / 60)} min old`);
  }
  const fields = Object.entries(secrets).filter(([, f]) => f.length);
  if (s.secret) {
    try {
      await importSecret(s.secret);
      add("ok", "secret", "set and valid");
    } catch (e) {
      add("fail", "secret", (e as Error).message);
    }
  } else if (fields.length) {
    add(
      "warn",
      "secret",
      `not set, but ${
        fields.map(([k]) => k).join(", ")
      } records have secret fields: agent config generate-secret --set`,
    );
  }

  // the agent
  try {
    const r = await fetch(`${baseUrl(s.listen)}/api/health`, { signal: AbortSignal.timeout(1500) });
    const h = await r.json();
    add(
      h.status === "ok" ? "ok" : "warn",
      "agent",
      `answers at ${baseUrl(s.listen)} (status ${h.status})`,
    );
  } catch {
    add("warn", "agent", `no agent answers at ${baseUrl(s.listen)} (agent serve)`);
  }
  return out;
}

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check the host: include line, nginx, permissions, state, drift, backups",
  usage: "doctor [--json]",
  help: `Read-only checks, each with what to do about it. Exit code 1 when a check fails.`,
  async run(args, io: CliIO) {
    const s = await cliOf(io).loadSettings({
      dev: args.flags.dev === true,
      configFile: args.flags.config as string | undefined,
    });
    const kinds = cliOf(io).kinds.list();
    const checks = await runDoctor(
      withRows(s, RESILIENCE_SETTINGS),
      Object.fromEntries(kinds.map((k) => [k.name, k.secrets ?? []])),
    );
    const fails = checks.filter((c) => c.level === "fail").length;
    const warns = checks.filter((c) => c.level === "warn").length;
    if (args.flags.json) {
      io.out(JSON.stringify({ checks, failures: fails, warnings: warns }, null, 2));
    } else {
      io.out(`agent doctor (settings: ${s.config_file}${s.dev ? ", dev" : ""})`);
      const w = Math.max(...checks.map((c) => c.check.length));
      for (const c of checks) {
        const tag = c.level === "fail" ? "FAIL" : c.level;
        const [first, ...rest] = c.message.split("\n");
        io.out(`  ${tag.padEnd(4)}  ${c.check.padEnd(w)}  ${first}`);
        for (const l of rest) io.out(`        ${" ".repeat(w)}  | ${l}`);
      }
      io.out(`${fails} failure(s), ${warns} warning(s)`);
    }
    return fails ? 1 : 0;
  },
};
