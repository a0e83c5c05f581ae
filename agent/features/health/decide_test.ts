// Ejection decisions and their rendering, without nginx.
import assert from "node:assert/strict";
import { decide, type MemberView } from "./decide.ts";
import { ejectionExtension, withEjections } from "./ejection.ts";
import { durationMs, targetsOf } from "./targets.ts";
import { StateView } from "../../render/files.ts";
import { parsePool } from "../../kinds/pool/schema.ts";
import { poolView } from "../../kinds/pool/render.ts";
import type { Rec } from "../../store/store.ts";
import { type MemberView as MemberView2, memberViews, reasons } from "./views.ts";
import { Monitor } from "./monitor.ts";
import type { HealthRuntime } from "./settings.ts";

const NOW = "2026-01-01T00:00:00.000Z";
const m = (address: string, failing: boolean, operatorDown = false): MemberView => ({
  address,
  failing,
  operatorDown,
  lastError: failing ? "connection refused" : null,
});

Deno.test("a failing member is ejected; the last one serving is kept, and says why", () => {
  const d = decide([m("a:1", true), m("b:1", false)], [], "auto", NOW);
  assert.deepEqual(d.added.map((e) => e.address), ["a:1"]);
  assert.equal(d.added[0].reason, "connection refused");
  const all = decide([m("a:1", true), m("b:1", true)], d.ejected, "auto", NOW);
  assert.deepEqual(all.ejected.map((e) => e.address), ["a:1"]);
  assert.deepEqual(all.kept, [{ address: "b:1", why: "it is the last member serving the pool" }]);
});

Deno.test("an operator's own down member is never ejected nor counted as serving", () => {
  const d = decide([m("a:1", true), m("b:1", true, true)], [], "auto", NOW);
  assert.deepEqual(d.ejected, [], "a:1 is the only member up: kept");
  assert.equal(d.kept[0].address, "a:1");
  // Ejected, then the operator sets it down: the ejection is dropped, the operator's down stays.
  const e = decide(
    [m("a:1", true, true), m("b:1", false)],
    [{
      address: "a:1",
      since: NOW,
      reason: "x",
    }],
    "auto",
    NOW,
  );
  assert.deepEqual(e.removed, ["a:1"]);
});

Deno.test("a member that passes rise comes back; observe mode ejects nothing", () => {
  const cur = [{ address: "a:1", since: NOW, reason: "x" }];
  assert.deepEqual(decide([m("a:1", false), m("b:1", false)], cur, "auto", NOW).removed, ["a:1"]);
  const o = decide([m("a:1", true), m("b:1", false)], cur, "observe", NOW);
  assert.deepEqual(o.ejected, []);
  assert.deepEqual(o.removed, ["a:1"]);
  assert.equal(o.kept[0].why, "health_ejection is observe");
});

Deno.test("rendering: ejected members are down, the operator's record is kept, never all down", () => {
  const pool = {
    ...parsePool("web", {
      members: [{ address: "127.0.0.1:1" }, { address: "127.0.0.1:2" }, {
        address: "127.0.0.1:3",
        down: true,
      }],
    }),
  } as unknown as Parameters<typeof withEjections>[0];
  const one = poolView(withEjections(pool, new Set(["127.0.0.1:1"]))).servers;
  assert.deepEqual(one, ["127.0.0.1:1 down", "127.0.0.1:2", "127.0.0.1:3 down"]);
  const both = poolView(withEjections(pool, new Set(["127.0.0.1:1", "127.0.0.1:2"]))).servers;
  assert.deepEqual(both, ["127.0.0.1:1", "127.0.0.1:2 down", "127.0.0.1:3 down"]);
  const view = new StateView(
    new Map<string, Rec>([
      ["pool/web", pool as unknown as Rec],
      ["ejection/web", {
        name: "web",
        members: [{ address: "127.0.0.1:2", since: NOW, reason: "x" }],
      } as unknown as Rec],
    ]),
  );
  const out = ejectionExtension.expand!(view, {} as never);
  assert.equal(
    (out.get("pool", "web") as unknown as typeof pool).members[1].down,
    true,
  );
  assert.equal(pool.members[1].down, false, "the stored record is not changed");
});

Deno.test("targets: pools with a check, proxies' health_path, projects' health path", () => {
  assert.equal(durationMs("5s"), 5000);
  assert.equal(durationMs("500ms"), 500);
  assert.equal(durationMs("2m"), 120000);
  assert.equal(durationMs("3"), 3000);
  const records = new Map<string, Rec>([
    ["pool/a", { name: "a", members: [{ address: "h:1" }] } as unknown as Rec],
    ["pool/b", {
      ...parsePool("b", { members: [{ address: "h:2" }], health_check: { path: "/ok" } }),
    } as unknown as Rec],
    ["pool/px", {
      name: "px",
      members: [{ address: "h:3" }],
      managed_by: { kind: "proxy", name: "px" },
    } as unknown as Rec],
    ["proxy/px", { name: "px", health_path: "/hz" } as unknown as Rec],
    ["project/shop", {
      name: "shop",
      status: "active",
      port: 9100,
      health_path: "/up",
    } as unknown as Rec],
  ]);
  const ts = targetsOf(records, true);
  assert.deepEqual(ts.map((t) => [t.id, t.check.path]), [
    ["pool/b/h:2", "/ok"],
    ["pool/px/h:3", "/hz"],
    ["project/shop/127.0.0.1:9100", "/up"],
  ]);
  assert.deepEqual(targetsOf(records, false).map((t) => t.id), ["pool/b/h:2"]);
});

Deno.test("reasons: ejected and failing members with their page; an operator's down member is none", () => {
  const v = (address: string, status: string, extra: Record<string, unknown> = {}) =>
    ({
      pool: "web",
      source: "pool",
      address,
      status,
      operator_down: false,
      last_error: "connection refused",
      ...extra,
    }) as unknown as MemberView2;
  const out = reasons([
    v("a:1", "ejected"),
    v("b:1", "unhealthy", { not_ejected: "it is the last member serving the pool" }),
    v("c:1", "unhealthy", { operator_down: true }),
    v("d:1", "healthy"),
    v("127.0.0.1:9100", "unhealthy", { source: "project", pool: "shop" }),
  ]);
  assert.deepEqual(out.map((r) => [r.message, r.link]), [
    ["pool web: member a:1 is ejected (connection refused)", "#/pools/health/web"],
    [
      "pool web: member b:1 fails its health checks (connection refused) but is not ejected: it is the last member serving the pool",
      "#/pools/health/web",
    ],
    [
      "project shop: member 127.0.0.1:9100 fails its health checks (connection refused)",
      "#/projects/edit/shop",
    ],
  ]);
  assert.ok(out.every((r) => r.degraded));
});

Deno.test("a member whose probe fails between passes says at once why it is not ejected", async () => {
  // CI read `unhealthy` with no reason: the probe answered after its pass had decided.
  const pool = parsePool("web", {
    members: [{ address: "a:1" }, { address: "b:1" }],
    health_check: { path: "/ok" },
  }) as unknown as Rec;
  const mon = new Monitor(() => 1);
  const rt = {
    use: () => mon,
    kinds: new Map([["pool", {}]]),
    lists: { list: (kind: string) => Promise.resolve(kind === "pool" ? [pool] : []) },
    settings: { health_ejection: "observe", health_owned_checks: true },
  } as unknown as HealthRuntime;
  assert.deepEqual((await memberViews(rt)).map((v) => v.status), ["unknown", "unknown"]);
  Object.assign(mon.members.get("pool/web/a:1")!, { failing: true, lastError: "refused" });
  const a = (await memberViews(rt)).find((v) => v.address === "a:1")!;
  assert.equal(a.status, "unhealthy");
  assert.equal(a.not_ejected, "health_ejection is observe");
  mon.close();
});
