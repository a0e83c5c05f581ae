// Reload-free upstreams' rendering (pure): which pools are balanced, the line
// nginx's memory keeps, a balanced pool's text that no member change alters,
// and its file parsed back with the sidecar's members.
import assert from "node:assert/strict";
import { parsePool } from "../../agent/kinds/pool/schema.ts";
import { poolKind } from "../../agent/kinds/pool/kind.ts";
import { parseBackRecord } from "../../agent/nginx/parse-back.ts";
import { coreKinds } from "../../agent/runtime.ts";
import { LUA_FILE, luaBalanced, peerLine } from "../../agent/render/lua-upstreams.ts";
import { renderTree, StateView } from "../../agent/render/tree.ts";
import type { Rec } from "../../agent/store/store.ts";
import { contextFor } from "./golden.ts";
import type { RenderContext } from "../../agent/render/context.ts";

const ctx: RenderContext = {
  ...contextFor({ description: "" }),
  lua_upstreams: { port: 8199, seed_file: "/x" },
};
const pool = (body: Record<string, unknown>) =>
  ({ ...parsePool("web", body), version: 1, created_at: "", updated_at: "" }) as unknown as Rec;
const text = (p: Rec, c = ctx) => poolKind.render!(p as never, new StateView(new Map()), c).text;

Deno.test("balanced: round robin over addresses; host names and other methods render members", () => {
  const m = (address: string) => ({ address });
  for (const a of ["10.0.0.1:80", "[::1]:8080", "unix:/run/app.sock"]) {
    assert.ok(luaBalanced(parsePool("p", { members: [m(a)] })), a);
  }
  assert.ok(!luaBalanced(parsePool("p", { members: [m("app.internal:80")] })));
  assert.ok(!luaBalanced(parsePool("p", { lb_method: "least_conn", members: [m("10.0.0.1:80")] })));
  const lc = pool({ lb_method: "least_conn", members: [m("10.0.0.1:80")] });
  assert.match(text(lc), /least_conn;\n\s+server 10\.0\.0\.1:80;/);
});

Deno.test("a balanced pool's text is the same whatever its members; the line carries them", () => {
  const a = pool({ members: [{ address: "10.0.0.1:80" }] });
  const b = pool({
    members: [
      { address: "10.0.0.1:80", weight: 3, down: true },
      { address: "10.0.0.2:80", backup: true, max_fails: 0, fail_timeout: "1m" },
    ],
  });
  assert.equal(text(a), text(b));
  assert.equal(
    text(a),
    `# Managed by Switchyard: pool web. Hand edits are reported as drift.
upstream sy_web {
    server 0.0.0.1;
    balancer_by_lua_block { switchyard.balance("web"); }
    keepalive 32;
}
`,
  );
  const spec = b as unknown as { members: Parameters<typeof peerLine>[0] };
  assert.equal(peerLine(spec.members), "3,1,10,d,10.0.0.1:80 1,0,60,b,10.0.0.2:80");
  const { lua_upstreams: _, ...off } = ctx;
  assert.match(text(b, off), /server 10\.0\.0\.1:80 weight=3 down;/);
  const files = renderTree(new Map([["pool/web", a]]), ctx);
  const lua = files.find((f) => f.name === LUA_FILE)!.text;
  assert.match(lua, /lua_shared_dict switchyard_peers 32m;/);
  assert.match(lua, /listen 127\.0\.0\.1:8199;/);
  assert.match(lua, /pcall\(switchyard\.seed, "\/x"\)/);
  assert.ok(!renderTree(new Map([["pool/web", a]]), off).some((f) => f.name === LUA_FILE));
});

Deno.test("a balanced pool's file parses back with the sidecar's members; another balancer is refused", () => {
  const base = pool({ members: [{ address: "10.0.0.1:80", weight: 2 }], keepalive: 8 });
  const input = {
    kind: "pool",
    name: "web",
    file: "pool-web.conf",
    text: text(base),
    base,
    state: new Map([["pool/web", base]]),
    ctx,
  };
  const back = parseBackRecord(coreKinds(), input) as unknown as { members: unknown[] };
  assert.deepEqual(back.members, (base as unknown as { members: unknown[] }).members);
  assert.throws(
    () =>
      parseBackRecord(coreKinds(), {
        ...input,
        text: input.text.replace('balance("web")', 'balance("other")'),
      }),
    /the balancer is the agent's own/,
  );
});
