// Reload-free upstreams (setting lua_upstreams), the pure half: which pools nginx's
// Lua balancer serves, the line a pool's members are kept as in nginx's shared
// dict, and the http-level file that declares the dict, the balancer code and the
// loopback endpoint the agent sets members through (agent/nginx/peers.ts).
// A balanced pool renders the same text whatever its members, so a member
// change (weight, down, an ejection, a new member) changes no file and needs no reload.
import { isIP } from "node:net";
import luaCode from "./lua-peers.lua" with { type: "text" };
import type { Member, PoolSpec } from "../kinds/pool/schema.ts";
import type { RenderedFile } from "./files.ts";
import type { LuaUpstreams } from "./context.ts";

export const LUA_FILE = "01-switchyard-lua.conf";
export const LUA_DICT = "switchyard_peers";
export const LUA_PATH = "/switchyard-peers";
/** The dict's size: a pool's line is about 40 bytes a member (10,000 pools of 5 use ~4 MB). */
export const LUA_DICT_SIZE = "32m";

/**
 * The balancer picks members by weighted round robin with backup, down and
 * max_fails/fail_timeout, and connects to addresses only (nginx resolves host
 * names when it loads a configuration; the balancer cannot): other pools render
 * their members as today, and a member change there reloads.
 */
export function luaBalanced(p: Pick<PoolSpec, "lb_method" | "members">): boolean {
  return p.lb_method === "round_robin" && p.members.every((m) => addressOnly(m.address));
}

function addressOnly(address: string): boolean {
  if (address.startsWith("unix:")) return true;
  const host = address.slice(0, address.lastIndexOf(":"));
  return host.startsWith("[") ? isIP(host.slice(1, -1)) === 6 : isIP(host) === 4;
}

/** The Lua statement of a balanced upstream (also what parse-back recognizes). */
export function balancerCall(pool: string): string {
  return `switchyard.balance("${pool}");`;
}

const SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

function seconds(d: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(d);
  return m ? Number(m[1]) * SECONDS[m[2] ?? "s"] : 10;
}

/** A pool's members as the balancer reads them (lua-peers.lua: "w,max_fails,fail_timeout,flags,addr"). */
export function peerLine(members: readonly Member[]): string {
  return members.map((m) =>
    `${m.weight},${m.max_fails},${seconds(m.fail_timeout)},${m.backup ? "b" : ""}${
      m.down ? "d" : ""
    },${m.address}`
  ).join(" ");
}

/** The http-level file: the dict, the balancer code, the loopback endpoint. */
export function luaHttpFile(o: LuaUpstreams): RenderedFile {
  const code = luaCode.replace(/^/gm, "        ").replace(/^\s+$/gm, "");
  return {
    name: LUA_FILE,
    text: `# Managed by Switchyard: reload-free upstreams (lua_upstreams). Pools balanced here keep
# their members in nginx's memory: the agent sets them through the loopback server below.
lua_shared_dict ${LUA_DICT} ${LUA_DICT_SIZE};
init_by_lua_block {
    switchyard = (function()
${code}
    end)()
    pcall(switchyard.seed, ${JSON.stringify(o.seed_file)})
}
server {
    listen 127.0.0.1:${o.port};
    server_name switchyard-peers.invalid;
    access_log off;
    allow 127.0.0.1;
    deny all;
    client_max_body_size 64m;
    client_body_buffer_size 16m;
    location = ${LUA_PATH} {
        content_by_lua_block { switchyard.endpoint() }
    }
    location / {
        return 404;
    }
}
`,
  };
}
