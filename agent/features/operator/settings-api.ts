// /api/config/settings (nanio's settings API): every setting with its running
// value (secrets masked), default, source and whether a restart is pending;
// PUT one key into config.toml (validated like the file, written line-wise so
// comments and order stay, refused when an environment variable fixes it,
// audited); POST /restart restarts under systemd or says how.
import { Hono } from "hono";
import {
  coerce,
  envName,
  loadSettings,
  mask,
  readConfigFile,
  type SettingDef,
  settingValue,
} from "../../settings.ts";
import { AgentError, invalid } from "../../errors.ts";
import { actor, jsonBody, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import { appendAudit } from "../../store/audit.ts";
import { setSetting } from "../resilience/config-command.ts";
import type { Runtime } from "../../runtime.ts";
import { UNIT_NAME } from "./unit.ts";

export const settingsDocs = new ApiDoc();
settingsDocs.describe("/api/config/settings", "get", {
  tag: "settings",
  summary:
    "Every setting: value (secrets masked), default, source (default, file, environment), env, editable, restart_needed (the file says otherwise than the running agent)",
});
settingsDocs.describe("/api/config/settings/{key}", "put", {
  tag: "settings",
  summary:
    'Write one setting to config.toml ({"value": ...}), comments and order kept; validated like the file (400 VALIDATION_FAILED), 409 CONFLICT when an AGENT_* environment variable fixes it; audited as setting.set; takes effect after a restart',
});
settingsDocs.describe("/api/config/settings/restart", "post", {
  tag: "settings",
  summary:
    `Restart the agent to apply pending settings: under systemd, systemctl restart ${UNIT_NAME} (202); otherwise 200 {restarted: false, how}`,
});

export interface SettingsApiDeps {
  rows: () => readonly SettingDef[];
  /** The process environment (AGENT_* variables win over the file). */
  env: () => Record<string, string | undefined>;
  /** The settings file as it was when the agent started. */
  fileAtStart: () => Record<string, unknown>;
  /** Runs `systemctl restart` (after the answer is sent). */
  restart: (rt: Runtime) => Promise<void>;
}

const shown = (d: SettingDef, v: unknown) =>
  d.secret && typeof v === "string" && v !== "" ? mask(v) : v;

function sourceOf(d: SettingDef, file: Record<string, unknown>, env: Record<string, unknown>) {
  if (env[envName(d.name)] !== undefined) return "environment";
  if (file[d.name] !== undefined) return "file";
  return "default";
}

/** Whether the file now says otherwise for `d` than it did when the agent started. */
function changedSinceStart(
  d: SettingDef,
  now: Record<string, unknown>,
  start: Record<string, unknown>,
) {
  const norm = (v: unknown) => {
    if (v === undefined) return undefined;
    try {
      return JSON.stringify(coerce(d, v, "file"));
    } catch {
      return JSON.stringify(v);
    }
  };
  return norm(now[d.name]) !== norm(start[d.name]);
}

export function settingsRouter(rt: Runtime, deps: SettingsApiDeps): Hono {
  const r = new Hono();
  const file = () => rt.settings.config_file;
  const defaults = async () =>
    await loadSettings({ dev: rt.settings.dev, configFile: "/nonexistent/config.toml", env: {} }, [
      ...deps.rows(),
    ]);

  r.get("/", async (c) => {
    const rows = deps.rows();
    const now = (await readConfigFile(file())) ?? {};
    const env = deps.env();
    const dflt = await defaults();
    const settings = rows.map((d) => {
      const source = sourceOf(d, now, env);
      const restart = source !== "environment" && changedSinceStart(d, now, deps.fileAtStart());
      return {
        name: d.name,
        group: d.group,
        type: d.type,
        description: d.description,
        ...(d.values ? { values: d.values } : {}),
        ...(d.min !== undefined ? { min: d.min } : {}),
        ...(d.max !== undefined ? { max: d.max } : {}),
        secret: d.secret === true,
        value: shown(d, settingValue(rt.settings, d.name)),
        default: shown(d, settingValue(dflt, d.name)),
        ...(restart && now[d.name] !== undefined ? { file_value: shown(d, now[d.name]) } : {}),
        source,
        env: envName(d.name),
        editable: source !== "environment",
        restart_needed: restart,
      };
    });
    return c.json({
      config_file: file(),
      config_file_exists: (await readConfigFile(file())) !== null,
      restart_pending: settings.some((s) => s.restart_needed),
      under_systemd: underSystemd(deps.env()),
      settings,
    });
  });

  r.post("/restart", async (c) => {
    if (!underSystemd(deps.env())) {
      return c.json({
        restarted: false,
        how:
          `the agent does not run under systemd: stop it (SIGTERM) and start it again (agent serve${
            rt.settings.dev ? " --dev" : ""
          }), or install it as a service with agent install`,
      });
    }
    await appendAudit(rt.store.kv, {
      at: new Date().toISOString(),
      actor: actor(c),
      action: "agent.restart",
      entity: { kind: "agent", name: UNIT_NAME },
      before: null,
      after: null,
      outcome: "requested",
    });
    // Answer first: the restart stops this process.
    setTimeout(() => deps.restart(rt).catch((e) => rt.log(`restart failed: ${e}`)), 200);
    return c.json({ restarted: true, command: `systemctl restart ${UNIT_NAME}` }, 202);
  });

  r.put("/:key", async (c) => {
    const key = param(c, "key");
    const rows = deps.rows();
    const def = rows.find((d) => d.name === key);
    if (!def) throw new AgentError("NOT_FOUND", `no setting named ${key}`, { field: key });
    const env = deps.env();
    if (env[envName(def.name)] !== undefined) {
      throw new AgentError(
        "CONFLICT",
        `${def.name} is fixed by the environment variable ${
          envName(def.name)
        }, which wins over ${file()}: change it where the agent's environment is set`,
        { field: def.name, env: envName(def.name) },
      );
    }
    const body = await jsonBody(c) as { value?: unknown };
    if (!body || typeof body !== "object" || !("value" in body)) {
      throw invalid("value", 'expected {"value": ...}');
    }
    const raw = body.value;
    if (raw === null || typeof raw === "object") throw invalid("value", "must be a scalar");
    const before = (await readConfigFile(file()))?.[def.name];
    const { value } = await setSetting(file(), def.name, String(raw), {
      dev: rt.settings.dev,
      rows,
    });
    await appendAudit(rt.store.kv, {
      at: new Date().toISOString(),
      actor: actor(c),
      action: "setting.set",
      entity: { kind: "setting", name: def.name },
      before: before === undefined ? null : shown(def, before),
      after: shown(def, value),
      outcome: "written",
      message: `${def.name} written to ${file()}; takes effect after a restart`,
    });
    return c.json({
      name: def.name,
      value: shown(def, value),
      config_file: file(),
      restart_needed: changedSinceStart(def, { [def.name]: value }, deps.fileAtStart()),
    });
  });
  return r;
}

/** systemd sets INVOCATION_ID for every unit it runs. */
export function underSystemd(env: Record<string, string | undefined>): boolean {
  return !!env.INVOCATION_ID;
}
