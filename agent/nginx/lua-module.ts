// Whether reload-free upstreams (setting lua_upstreams) can run on this host:
// Debian's libnginx-mod-http-lua (with lua-resty-core) installed, and the main
// nginx.conf loading it. `load_module` only works in nginx's main context, so
// the agent's include cannot load it: the private nginx.conf gets the lines when
// it is written, an operator's own nginx.conf needs them (Debian's package
// enables them in /etc/nginx/modules-enabled/, which its default nginx.conf
// includes); `agent doctor` says which.
import { AgentError } from "../errors.ts";
import type { Exec } from "../exec.ts";
import { denoFs, findIncludes } from "./test-config.ts";

export type LuaSetting = "off" | "auto" | "on";

/** The mode an agent runs in, shown in GET /api/config/status (nginx.lua_upstreams). */
export interface LuaMode {
  setting: LuaSetting;
  active: boolean;
  /** Why it is not active (null when it is). */
  reason: string | null;
}

/** The two modules, in the order nginx must load them (the Lua module needs NDK's symbols). */
export const LUA_MODULE_FILES = ["ndk_http_module.so", "ngx_http_lua_module.so"];
const DEBIAN_MODULES = "/usr/lib/nginx/modules";

/** nginx's module directory (`nginx -V` --modules-path), else Debian's. */
export async function modulesDir(nginxBin: string, exec: Exec): Promise<string> {
  const r = await exec.run([nginxBin, "-V"], { timeoutMs: 5000 }).catch(() => null);
  const m = /--modules-path=(\S+)/.exec(`${r?.stderr ?? ""} ${r?.stdout ?? ""}`);
  return m ? m[1] : DEBIAN_MODULES;
}

/** The module files' absolute paths when both are installed, else null. */
export async function installedModules(dir: string): Promise<string[] | null> {
  const paths = LUA_MODULE_FILES.map((f) => `${dir}/${f}`);
  for (const p of paths) {
    if (!(await Deno.stat(p).then((s) => s.isFile, () => false))) return null;
  }
  return paths;
}

/** The lines an nginx.conf needs in its main context (before `events` and `http`). */
export function loadModuleLines(paths: string[]): string {
  return paths.map((p) => `load_module ${p};`).join("\n");
}

const LOADS_LUA = /(?:^|[;{}\s])load_module\s+["']?[^;"'\s]*ngx_http_lua_module\.so/m;
const stripComments = (t: string) => t.replace(/#[^\n]*/g, "");

/**
 * True when the main nginx.conf, or a file it includes (modules-enabled/*.conf,
 * two levels deep, the agent's own directory left out), loads the Lua module.
 */
export async function luaLoaded(mainConf: string, nginxDir: string, depth = 0): Promise<boolean> {
  const text = await Deno.readTextFile(mainConf).catch(() => "");
  if (LOADS_LUA.test(stripComments(text))) return true;
  if (depth >= 2) return false;
  const base = mainConf.slice(0, mainConf.lastIndexOf("/")) || "/";
  for (const inc of findIncludes(text)) {
    const pattern = inc.arg.startsWith("/") ? inc.arg : `${base}/${inc.arg}`;
    if (pattern.startsWith(nginxDir.replace(/\/+$/, "") + "/")) continue;
    for (const f of await denoFs.expandGlob(pattern)) {
      if (await luaLoaded(f, nginxDir, depth + 1)) return true;
    }
  }
  return false;
}

export interface LuaCheckInput {
  setting: LuaSetting;
  dryRun: boolean;
  nginx_bin: string;
  nginx_conf: string;
  nginx_dir: string;
  exec: Exec;
}

/** Decides the mode at start; `on` refuses to start when it cannot run. */
export async function resolveLuaMode(i: LuaCheckInput): Promise<LuaMode> {
  const off = (reason: string): LuaMode => {
    if (i.setting === "on") {
      throw new AgentError("VALIDATION_FAILED", `lua_upstreams is on but ${reason}`, {
        field: "lua_upstreams",
      });
    }
    return { setting: i.setting, active: false, reason };
  };
  if (i.setting === "off") return { setting: "off", active: false, reason: "lua_upstreams is off" };
  if (i.dryRun) return off("nginx is not installed");
  const dir = await modulesDir(i.nginx_bin, i.exec);
  const paths = await installedModules(dir);
  if (!paths) {
    return off(
      `nginx's Lua module is not installed in ${dir} (apt-get install libnginx-mod-http-lua)`,
    );
  }
  if (!(await luaLoaded(i.nginx_conf, i.nginx_dir))) {
    return off(
      `${i.nginx_conf} does not load it: add to its main context (before http {}):\n${
        loadModuleLines(paths)
      }`,
    );
  }
  return { setting: i.setting, active: true, reason: null };
}

/** `agent doctor`'s line: the mode the settings give on this host, and what to add for it. */
export async function luaDoctor(
  i: Omit<LuaCheckInput, "dryRun" | "exec"> & { exec: Exec; nginxInstalled: boolean },
): Promise<{ level: "ok" | "warn" | "fail"; message: string }> {
  const want = i.setting;
  const m = await resolveLuaMode({ ...i, setting: "auto", dryRun: !i.nginxInstalled });
  if (want === "off") {
    return {
      level: "ok",
      message: m.active
        ? 'off; nginx loads the Lua module: lua_upstreams = "auto" changes members without a reload'
        : "off",
    };
  }
  if (m.active) {
    return { level: "ok", message: `${want}: pools' members change without a reload` };
  }
  return { level: want === "on" ? "fail" : "warn", message: `${want} but inactive: ${m.reason}` };
}
