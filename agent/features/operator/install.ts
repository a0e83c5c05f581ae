// `agent install` / `agent uninstall` (nanio's `install`): prepares a host in
// one idempotent command. Every step is planned first (read-only), then run,
// or only printed with --dry-run; a second run finds nothing to change and
// says so. --root runs it against a throwaway root (tests, image builds).
import { DEFAULT_CONFIG_FILE, type SettingDef } from "../../settings.ts";
import { AgentError } from "../../errors.ts";
import { RealExec } from "../../exec.ts";
import { type CliIO, cliOf, type Command, type Parsed } from "../../cli/command.ts";
import { includeLine } from "../../nginx/test-config.ts";
import { generateSecret } from "../../store/secrets.ts";
import { settingsTemplate, setTomlKey } from "../resilience/config-command.ts";
import { agentUnit, UNIT_NAME } from "./unit.ts";
import { editProven, type NginxTest, withInclude, withoutInclude } from "./nginx-include.ts";
import { parse as parseToml } from "smol-toml";

interface Step {
  what: string;
  /** Absent: already as wanted. */
  run?: () => Promise<void>;
}

const exists = async (p: string) => await Deno.lstat(p).then(() => true, () => false);
const modeOf = async (p: string) => ((await Deno.stat(p)).mode ?? 0) & 0o777;
const octal = (m: number) => `0${m.toString(8)}`;

function apiKey(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(24)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

interface Ctx {
  root: string;
  /** A host path inside the root. */
  r(p: string): string;
  configFile: string;
  dataDir: string;
  nginxDir: string;
  nginxConf: string;
  unitFile: string;
  bin: string;
  nginx: NginxTest;
  systemd: boolean;
  apiKeySet: boolean;
  secretSet: boolean;
  rows: readonly SettingDef[];
}

async function context(args: Parsed, io: CliIO): Promise<Ctx> {
  const root = typeof args.flags.root === "string" ? args.flags.root.replace(/\/+$/, "") : "";
  const r = (p: string) => `${root}${p}`;
  const cli = cliOf(io);
  const configFile = typeof args.flags.config === "string"
    ? args.flags.config
    : r(DEFAULT_CONFIG_FILE);
  const s = await cli.loadSettings({ dev: false, configFile });
  const file = await Deno.readTextFile(configFile).then((t) => parseToml(t), () => ({})) as Record<
    string,
    unknown
  >;
  return {
    root,
    r,
    configFile,
    dataDir: r(s.data_dir),
    nginxDir: r(s.nginx_dir),
    nginxConf: r(s.nginx_conf),
    unitFile: r(`/etc/systemd/system/${UNIT_NAME}`),
    bin: typeof args.flags.bin === "string" ? args.flags.bin : "/usr/local/bin/agent",
    nginx: {
      exec: new RealExec(),
      bin: s.nginx_bin,
      prefix: s.nginx_prefix ? r(s.nginx_prefix) : root ? `${r("/etc/nginx")}/` : "",
    },
    // Only a real root talks to the running systemd.
    systemd: !root && await exists("/run/systemd/system"),
    apiKeySet: !!s.api_key,
    secretSet: !!file.secret || !!io.env.AGENT_SECRET,
    rows: cli.rows,
  };
}

async function dirStep(path: string, mode: number): Promise<Step> {
  if (!(await exists(path))) {
    return {
      what: `create ${path} (mode ${octal(mode)})`,
      run: async () => {
        await Deno.mkdir(path, { recursive: true, mode });
        await Deno.chmod(path, mode);
      },
    };
  }
  const m = await modeOf(path);
  // Safe: never more open than wanted (a stricter mode an operator chose is kept).
  if ((m & ~mode) === 0) return { what: `${path} exists (mode ${octal(m)})` };
  return {
    what: `tighten ${path} from ${octal(m)} to ${octal(mode)}`,
    run: () => Deno.chmod(path, mode),
  };
}

async function installPlan(c: Ctx, args: Parsed): Promise<Step[]> {
  const steps: Step[] = [
    await dirStep(c.configFile.slice(0, c.configFile.lastIndexOf("/")), 0o755),
    await dirStep(c.dataDir, 0o700),
    await dirStep(c.nginxDir, 0o755),
  ];
  const haveConfig = await exists(c.configFile);
  steps.push(
    haveConfig ? { what: `${c.configFile} exists (kept as it is)` } : {
      what: `write ${c.configFile} with every setting commented with its default (mode 0600)`,
      run: () => Deno.writeTextFile(c.configFile, settingsTemplate(c.rows), { mode: 0o600 }),
    },
  );
  const keyFile = `${c.dataDir}/api-key`;
  steps.push(
    c.apiKeySet
      ? { what: "API key: set by the api_key setting" }
      : await exists(keyFile)
      ? { what: `API key: ${keyFile} exists` }
      : {
        what: `generate the API key into ${keyFile} (mode 0600)`,
        run: () => Deno.writeTextFile(keyFile, apiKey() + "\n", { mode: 0o600 }),
      },
  );
  steps.push(
    c.secretSet ? { what: "secret: set" } : {
      what: `generate the secret into ${c.configFile} (mode 0600)`,
      run: async () => {
        const text = await Deno.readTextFile(c.configFile).catch(() => settingsTemplate(c.rows));
        await Deno.writeTextFile(
          c.configFile,
          setTomlKey(text, "secret", `"${generateSecret()}"`),
          {
            mode: 0o600,
          },
        );
        await Deno.chmod(c.configFile, 0o600);
      },
    },
  );
  const unit = agentUnit({
    bin: c.bin,
    configFile: c.configFile.slice(c.root.length),
    dataDir: c.dataDir.slice(c.root.length),
    nginxDir: c.nginxDir.slice(c.root.length),
  });
  const current = await Deno.readTextFile(c.unitFile).catch(() => null);
  if (current === unit) steps.push({ what: `${c.unitFile} is up to date` });
  else {
    steps.push({
      what: `${current === null ? "write" : "update"} the systemd unit ${c.unitFile}`,
      run: async () => {
        await Deno.mkdir(c.unitFile.slice(0, c.unitFile.lastIndexOf("/")), { recursive: true });
        await Deno.writeTextFile(c.unitFile, unit, { mode: 0o644 });
      },
    });
  }
  if (c.systemd) {
    const enabled = await c.nginx.exec.run(["systemctl", "is-enabled", UNIT_NAME]);
    if (current !== unit || enabled.stdout.trim() !== "enabled") {
      steps.push({
        what: `systemctl daemon-reload && systemctl enable ${UNIT_NAME}`,
        run: async () => {
          for (const cmd of [["daemon-reload"], ["enable", UNIT_NAME]]) {
            const r = await c.nginx.exec.run(["systemctl", ...cmd], { timeoutMs: 30_000 });
            if (r.code !== 0) {
              throw new AgentError("INTERNAL", `systemctl ${cmd.join(" ")}: ${r.stderr.trim()}`);
            }
          }
        },
      });
    } else steps.push({ what: `${UNIT_NAME} is enabled` });
  }
  steps.push(await includeStep(c, args.flags["add-include"] === true));
  return steps;
}

async function includeStep(c: Ctx, add: boolean): Promise<Step> {
  const line = includeLine(c.nginxDir);
  const text = await Deno.readTextFile(c.nginxConf).catch(() => null);
  if (text === null) {
    return {
      what: `warning: ${c.nginxConf} not found: is nginx installed? (apt-get install nginx)`,
    };
  }
  if (text.split("\n").some((l) => l.trim() === line)) {
    return { what: `${c.nginxConf} includes ${c.nginxDir}/current/` };
  }
  const next = withInclude(text, line);
  if (!add || next === null) {
    return {
      what: next === null
        ? `warning: ${c.nginxConf} has no http {} block: add \`${line}\` inside it yourself`
        : `todo: add \`${line}\` inside http {} of ${c.nginxConf} (or run again with --add-include)`,
    };
  }
  return {
    what: `add \`${line}\` to http {} of ${c.nginxConf} (backup first, proven with nginx -t)`,
    run: async () => {
      const r = await editProven(c.nginx, c.nginxConf, next);
      if (!r.ok) {
        throw new AgentError(
          "NGINX_TEST_FAILED",
          `nginx -t refused ${c.nginxConf} with the include line; the original was restored (backup ${r.backup}):\n${r.output}`,
        );
      }
    },
  };
}

async function uninstallPlan(c: Ctx, purge: boolean): Promise<Step[]> {
  const steps: Step[] = [];
  if (c.systemd) {
    steps.push({
      what: `systemctl disable --now ${UNIT_NAME}`,
      run: async () => {
        await c.nginx.exec.run(["systemctl", "disable", "--now", UNIT_NAME], { timeoutMs: 60_000 });
      },
    });
  }
  steps.push(
    (await exists(c.unitFile))
      ? { what: `remove ${c.unitFile}`, run: () => Deno.remove(c.unitFile) }
      : { what: `${c.unitFile} is not there` },
  );
  const line = includeLine(c.nginxDir);
  const text = await Deno.readTextFile(c.nginxConf).catch(() => null);
  if (text !== null && text.split("\n").some((l) => l.trim() === line)) {
    steps.push({
      what: `remove \`${line}\` from ${c.nginxConf} (backup first, proven with nginx -t)`,
      run: async () => {
        const r = await editProven(c.nginx, c.nginxConf, withoutInclude(text, line));
        if (!r.ok) {
          throw new AgentError(
            "NGINX_TEST_FAILED",
            `nginx -t refused ${c.nginxConf} without the include line; the original was restored:\n${r.output}`,
          );
        }
      },
    });
  } else steps.push({ what: `${c.nginxConf} does not include the agent's directory` });
  const state = [c.dataDir, c.nginxDir, c.configFile.slice(0, c.configFile.lastIndexOf("/"))];
  for (const d of state) {
    if (!(await exists(d))) continue;
    steps.push(
      purge
        ? { what: `remove ${d} (--purge)`, run: () => Deno.remove(d, { recursive: true }) }
        : { what: `keep ${d} (--purge removes it)` },
    );
  }
  return steps;
}

async function runPlan(steps: Step[], dry: boolean, io: CliIO): Promise<number> {
  const todo = steps.filter((s) => s.run);
  for (const s of steps) {
    if (!s.run) io.out(`  ok       ${s.what}`);
    else if (dry) io.out(`  would    ${s.what}`);
    else {
      await s.run();
      io.out(`  done     ${s.what}`);
    }
  }
  if (todo.length === 0) io.out("Nothing to change: the host is already set up.");
  else if (dry) io.out(`--dry-run: ${todo.length} action(s) above were not done.`);
  return 0;
}

const common = [
  { name: "dry-run", value: false, help: "print every action without doing it" },
  { name: "root", value: true, help: "run against this directory as / (tests, image builds)" },
];

export const installCommand: Command = {
  name: "install",
  summary: "set up this host: directories, config.toml, API key, secret, systemd unit, include",
  usage: "install [--dry-run] [--add-include] [--bin PATH] [--root DIR]",
  flags: [
    ...common,
    { name: "add-include", value: false, help: "add the include line to nginx.conf (nginx -t)" },
    { name: "bin", value: true, help: "the agent binary the unit runs (/usr/local/bin/agent)" },
  ],
  help: `Run as root on a host with nginx installed. Idempotent: a second run changes nothing
and says so; nothing that exists is overwritten (config.toml, the API key, the secret).
With --add-include the include line is added to nginx.conf's http {} block after a
backup, and kept only if nginx -t passes (else the backup is restored). Without
systemd as PID 1 the unit is written but not enabled: the next steps say how to run it.`,
  async run(args, io) {
    const c = await context(args, io);
    const dry = args.flags["dry-run"] === true;
    io.out(`agent install${dry ? " --dry-run" : ""}${c.root ? ` (root ${c.root})` : ""}`);
    const code = await runPlan(await installPlan(c, args), dry, io);
    if (!dry) {
      io.out("");
      io.out("Next steps:");
      io.out(
        c.systemd
          ? `  systemctl start ${UNIT_NAME}      (it is enabled at boot)`
          : `  systemd is not running here: start the agent with \`${c.bin} serve\` (the unit is in ${c.unitFile})`,
      );
      if (!c.systemd) {
        io.out(`  The unit, for a host where systemd runs (systemctl enable --now ${UNIT_NAME}):`);
        const unit = await Deno.readTextFile(c.unitFile).catch(() => "");
        for (const l of unit.trimEnd().split("\n")) io.out(`    ${l}`);
      }
      io.out(`  API key: ${c.apiKeySet ? "the api_key setting" : `${c.dataDir}/api-key`}`);
      io.out(`  settings: ${c.configFile} (agent config show)`);
      io.out("  check the host: agent doctor");
    }
    return code;
  },
};

export const uninstallCommand: Command = {
  name: "uninstall",
  summary: "remove the systemd unit and the nginx include line (state kept unless --purge)",
  usage: "uninstall [--dry-run] [--purge] [--root DIR]",
  flags: [...common, { name: "purge", value: false, help: "also remove state and settings" }],
  help: `Stops and removes the agent's unit and takes its include line out of nginx.conf
(proven with nginx -t, restored when refused). nginx keeps running. State
(${"/var/lib/agent"}), settings and the nginx directory are kept unless --purge.`,
  async run(args, io) {
    const c = await context(args, io);
    const dry = args.flags["dry-run"] === true;
    io.out(`agent uninstall${dry ? " --dry-run" : ""}${c.root ? ` (root ${c.root})` : ""}`);
    return await runPlan(await uninstallPlan(c, args.flags.purge === true), dry, io);
  },
};
