// `agent config`: settings (show, get, set in the TOML file keeping its
// comments, a generated secret, the editor) and the nginx operations operators
// reach for next to them (validate, reload, rebuild).
import { parse as parseToml } from "smol-toml";
import {
  coerce,
  DEFAULT_CONFIG_FILE,
  envName,
  loadSettings,
  mask,
  readConfigFile,
  type SettingDef,
  settingValue,
} from "../../settings.ts";
import { AgentError } from "../../errors.ts";
import type { CliIO, Command, Parsed } from "../../cli/command.ts";
import { cliOf, UsageError } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";
import { generateSecret } from "../../store/secrets.ts";

/** The settings file the other commands would read (same rules as loadSettings). */
export function configFilePath(args: Parsed, env: Record<string, string | undefined>): string {
  if (typeof args.flags.config === "string") return args.flags.config;
  if (env.AGENT_CONFIG) return env.AGENT_CONFIG;
  return args.flags.dev === true ? `${Deno.cwd()}/dev-data/config.toml` : DEFAULT_CONFIG_FILE;
}

function findDef(rows: readonly SettingDef[], key: string | undefined): SettingDef {
  if (!key) throw new UsageError("a setting name is needed (agent config show lists them)");
  const name = key.replace(/^AGENT_/i, "").toLowerCase().replace(/-/g, "_");
  const def = rows.find((d) => d.name === name);
  if (!def) {
    const near = rows.filter((d) => d.name.includes(name) || name.includes(d.name)).map((d) =>
      d.name
    );
    throw new UsageError(
      `unknown setting "${key}"${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}`,
    );
  }
  return def;
}

function tomlValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v); // a JSON string is a TOML basic string
  return String(v);
}

/**
 * Sets `key = value` in TOML text, keeping everything else: the active line is
 * edited in place (with its trailing comment), else a commented-out line is
 * taken over, else the key is added before the first [table] (settings are
 * top-level keys) or at the end.
 */
export function setTomlKey(text: string, key: string, value: string): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const table = lines.findIndex((l) => /^\s*\[/.test(l));
  const top = table < 0 ? lines.length : table;
  const active = new RegExp(
    `^(\\s*${key}\\s*=\\s*)("(?:[^"\\\\]|\\\\.)*"|'[^']*'|[^#\\s]+)(\\s*#.*)?$`,
  );
  const anyActive = new RegExp(`^\\s*${key}\\s*=`);
  const commented = new RegExp(`^(\\s*)#\\s*${key}\\s*=`);
  for (let i = 0; i < top; i++) {
    if (!anyActive.test(lines[i])) continue;
    const m = active.exec(lines[i]);
    lines[i] = m ? `${m[1]}${value}${m[3] ?? ""}` : `${key} = ${value}`;
    return lines.join("\n") + "\n";
  }
  for (let i = 0; i < top; i++) {
    const m = commented.exec(lines[i]);
    if (!m) continue;
    lines[i] = `${m[1]}${key} = ${value}`;
    return lines.join("\n") + "\n";
  }
  if (table >= 0) lines.splice(table, 0, `${key} = ${value}`, "");
  else lines.push(`${key} = ${value}`);
  return lines.join("\n") + "\n";
}

async function writeKeepingMode(path: string, text: string, secret: boolean): Promise<void> {
  let mode = secret ? 0o600 : 0o644;
  try {
    mode = (await Deno.stat(path)).mode! & 0o777;
    if (secret) mode &= 0o600;
  } catch { /* new file */ }
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.writeTextFile(tmp, text, { mode });
  await Deno.chmod(tmp, mode);
  await Deno.rename(tmp, path);
}

/** Validates and writes one setting into the file; the whole file is checked before it is kept. */
export async function setSetting(
  file: string,
  key: string,
  raw: string,
  opts: { dev: boolean; rows: readonly SettingDef[] },
): Promise<{ def: SettingDef; value: unknown }> {
  const { rows } = opts;
  const def = findDef(rows, key);
  const value = coerce(def, raw, "command line");
  let before = "";
  try {
    before = await Deno.readTextFile(file);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const after = setTomlKey(before, def.name, tomlValue(value));
  const parsed = parseToml(after) as Record<string, unknown>;
  if (parsed[def.name] !== value) {
    throw new AgentError(
      "VALIDATION_FAILED",
      `could not set ${def.name} in ${file} without breaking its layout; edit it with agent config edit`,
    );
  }
  await writeKeepingMode(file, after, def.secret === true);
  try {
    await loadSettings({ dev: opts.dev, configFile: file, env: {} }, rows);
  } catch (e) {
    await writeKeepingMode(file, before, def.secret === true);
    throw e;
  }
  return { def, value };
}

/** A commented settings file listing every setting with its default, for `config edit`. */
export function settingsTemplate(rows: readonly SettingDef[]): string {
  const out = [
    "# Switchyard agent settings. Every setting can also be given as an AGENT_<NAME>",
    "# environment variable, which wins over this file. Uncomment to change.",
  ];
  let group = "";
  const groups = [...new Set(rows.map((d) => d.group))];
  for (const d of groups.flatMap((g) => rows.filter((x) => x.group === g))) {
    if (d.group !== group) {
      group = d.group;
      out.push("", `# --- ${group} ---`);
    }
    const derived = typeof d.prod === "function";
    out.push(`# ${d.description}${derived ? " (default derived from other settings)" : ""}`);
    out.push(`# ${d.name} = ${derived ? '""' : tomlValue(d.prod)}`);
  }
  return out.join("\n") + "\n";
}

function sourceOf(
  def: SettingDef,
  file: Record<string, unknown> | null,
  env: Record<string, string | undefined>,
) {
  if (env[envName(def.name)] !== undefined) return `env ${envName(def.name)}`;
  if (file && file[def.name] !== undefined) return "file";
  return "default";
}

async function show(args: Parsed, io: CliIO): Promise<number> {
  const rows = cliOf(io).rows;
  const file = configFilePath(args, io.env);
  const settings = await loadSettings({ dev: args.flags.dev === true, configFile: file }, rows);
  const fileValues = await readConfigFile(file);
  const groups = [...new Set(rows.map((d) => d.group))];
  const ordered = groups.flatMap((g) => rows.filter((d) => d.group === g));
  const lines = ordered.map((d) => {
    const v = settingValue(settings, d.name);
    const shown = d.secret && typeof v === "string" && v ? mask(v) : v;
    return { def: d, value: shown, source: sourceOf(d, fileValues, io.env) };
  });
  if (args.flags.json) {
    io.out(JSON.stringify(
      {
        config_file: file,
        config_file_exists: fileValues !== null,
        settings: Object.fromEntries(lines.map((r) => [r.def.name, {
          value: r.value,
          source: r.source,
          group: r.def.group,
          description: r.def.description,
        }])),
      },
      null,
      2,
    ));
    return 0;
  }
  const w = Math.max(...rows.map((d) => d.name.length));
  const fmt = (v: unknown) => (v === "" ? '""' : String(v));
  const vw = Math.min(40, Math.max(...lines.map((r) => fmt(r.value).length)));
  let group = "";
  for (const r of lines) {
    if (r.def.group !== group) {
      if (group) io.out("");
      group = r.def.group;
      io.out(group);
    }
    const src = r.source === "default" ? "" : ` [${r.source}]`;
    io.out(`  ${r.def.name.padEnd(w)}  ${fmt(r.value).padEnd(vw)}  ${r.def.description}${src}`);
  }
  io.out("");
  io.out(
    `Config file${settings.dev ? " (dev)" : ""}: ${file}${
      fileValues === null ? " (not present: defaults)" : ""
    }`,
  );
  return 0;
}

async function get(args: Parsed, io: CliIO): Promise<number> {
  const rows = cliOf(io).rows;
  const def = findDef(rows, args.positionals[1]);
  const file = configFilePath(args, io.env);
  const settings = await loadSettings({ dev: args.flags.dev === true, configFile: file }, rows);
  const v = settingValue(settings, def.name);
  const out = def.secret && typeof v === "string" && v && !args.flags.reveal ? mask(v) : v;
  io.out(args.flags.json ? JSON.stringify(out) : String(out));
  return 0;
}

async function set(args: Parsed, io: CliIO): Promise<number> {
  const rows = cliOf(io).rows;
  const [, key, raw] = args.positionals;
  if (raw === undefined) throw new UsageError("usage: agent config set KEY VALUE");
  const file = configFilePath(args, io.env);
  const { def, value } = await setSetting(file, key, raw, { dev: args.flags.dev === true, rows });
  io.out(
    `${def.name} = ${def.secret ? mask(String(value)) : tomlValue(value)} written to ${file}` +
      " (the agent reads it at its next start)",
  );
  if (io.env[envName(def.name)] !== undefined) {
    io.err(`warning: ${envName(def.name)} is set in the environment and overrides the file`);
  }
  return 0;
}

async function genSecret(args: Parsed, io: CliIO): Promise<number> {
  const rows = cliOf(io).rows;
  const secret = generateSecret();
  if (!args.flags.set) {
    io.out(secret);
    return 0;
  }
  const file = configFilePath(args, io.env);
  const current = (await readConfigFile(file))?.secret;
  if (typeof current === "string" && current !== "" && !args.flags.force) {
    throw new AgentError(
      "CONFLICT",
      `${file} already has a secret: values sealed with it could no longer be opened; use --force to replace it anyway`,
    );
  }
  await setSetting(file, "secret", secret, { dev: args.flags.dev === true, rows });
  io.out(`a new secret was written to ${file} (mode 0600); the agent uses it at its next start`);
  return 0;
}

async function edit(args: Parsed, io: CliIO): Promise<number> {
  const rows = cliOf(io).rows;
  const file = configFilePath(args, io.env);
  try {
    await Deno.stat(file);
  } catch {
    await writeKeepingMode(file, settingsTemplate(rows), true);
    io.err(`created ${file} with every setting commented out`);
  }
  // The editor works on a draft: config.toml is replaced only once the draft is valid.
  const draft = `${file}.edit-${crypto.randomUUID().slice(0, 8)}.toml`;
  await Deno.copyFile(file, draft);
  const editor = io.env.VISUAL || io.env.EDITOR || "vi";
  const [cmd, ...rest] = editor.split(/\s+/);
  const st = await new Deno.Command(cmd, {
    args: [...rest, draft],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).output().catch(async (e) => {
    await Deno.remove(draft).catch(() => {});
    throw new AgentError("VALIDATION_FAILED", `cannot run the editor ${editor}: ${e.message}`);
  });
  if (!st.success) io.err(`the editor exited with ${st.code}`);
  try {
    await loadSettings({ dev: args.flags.dev === true, configFile: draft, env: {} }, rows);
  } catch (e) {
    io.err(`error: ${(e as Error).message.replaceAll(draft, file)}`);
    io.err(`${file} was not changed; your edit is kept in ${draft} (fix it and copy it over)`);
    return 1;
  }
  await writeKeepingMode(file, await Deno.readTextFile(draft), true);
  await Deno.remove(draft).catch(() => {});
  io.out(`${file} is valid and saved; the agent reads it at its next start`);
  return 0;
}

async function validate(args: Parsed, io: CliIO): Promise<number> {
  const rows = cliOf(io).rows;
  const file = configFilePath(args, io.env);
  await loadSettings({ dev: args.flags.dev === true, configFile: file }, rows);
  io.out(`settings: ${file} is valid`);
  let ok = true;
  const code = await apiCall(args, io, "POST", "/api/config/validate", undefined, (b) => {
    ok = b.ok;
    io.out(`nginx -t of the desired state: ${b.ok ? "ok" : "FAILED"}`);
    if (b.output) io.out(b.output.split("\n").map((l: string) => `  | ${l}`).join("\n"));
    if (!b.include_found) {
      io.out("warning: nginx.conf does not include the agent's directory (agent doctor)");
    }
  });
  return code === 0 && !ok ? 1 : code;
}

export const configCommand: Command = {
  name: "config",
  summary: "show, get and set settings; validate, reload or rebuild the nginx configuration",
  usage:
    "config show | get KEY | set KEY VALUE | generate-secret [--set] | edit | validate | reload | rebuild",
  flags: [
    { name: "reveal", value: false, help: "config get: print a secret unmasked" },
    { name: "set", value: false, help: "generate-secret: also write it to the settings file" },
    { name: "force", value: false, help: "generate-secret --set: replace an existing secret" },
  ],
  help: `Settings are named without the AGENT_ prefix (listen, apply_mode, ...).

  agent config show                 every setting by group, secrets masked, with its source
  agent config get KEY [--reveal]   one value
  agent config set KEY VALUE        checked against the setting's type, then written to the
                                    settings file in place (comments and layout kept)
  agent config generate-secret [--set]  a new key for sealing secret fields
  agent config edit                 open the settings file in $VISUAL/$EDITOR, then check it
  agent config validate             check the settings file, and nginx -t of the desired state
  agent config reload               reload nginx onto the current generation
  agent config rebuild              apply pending changes, restore drifted files, reload nginx

The agent reads settings when it starts: restart it after set or edit.`,
  async run(args, io) {
    const sub = args.positionals[0] ?? "show";
    switch (sub) {
      case "show":
        return await show(args, io);
      case "get":
        return await get(args, io);
      case "set":
        return await set(args, io);
      case "generate-secret":
        return await genSecret(args, io);
      case "edit":
        return await edit(args, io);
      case "validate":
        return await validate(args, io);
      case "reload":
        return await apiCall(args, io, "POST", "/api/config/reload", undefined, (b) => {
          io.out(`nginx reloaded onto generation ${b.generation}`);
        });
      case "rebuild":
        return await apiCall(args, io, "POST", "/api/config/rebuild", undefined, (b) => {
          io.out(`pending changes: ${b.apply.status}`);
          // deno-lint-ignore no-explicit-any
          for (const f of b.files as any[]) io.out(`${f.action}: ${f.file}`);
          io.out(
            b.reloaded ? "nginx reloaded" : `nginx not reloaded: ${b.output || "not running"}`,
          );
        });
      default:
        throw new UsageError(`unknown config action "${sub}"`);
    }
  },
};
