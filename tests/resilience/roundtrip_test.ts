// Round-trip properties over generated states:
// - state -> files (the real pipeline and nginx) -> empty KV -> rebuild gives
//   the same state, record for record (versions and times included);
// - every pool and site file parses back into the record it was rendered from;
// - a file rendered from one record, parsed against another record's sidecar
//   (a hand edit), gives a record that renders the same file.
import { coreKinds } from "../../agent/runtime.ts";
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { Store } from "../../agent/store/store.ts";
import type { Rec } from "../../agent/store/store.ts";
import { specOf } from "../../agent/store/store.ts";
import { rebuildFromDisk } from "../../agent/features/resilience/rebuild.ts";
import { renderTree } from "../../agent/render/tree.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import type { RenderContext } from "../../agent/render/context.ts";
import { parseBackRecord } from "../../agent/nginx/parse-back.ts";
import { genSite, genState, rng } from "./gen.ts";

const asRec = (r: Record<string, unknown> & { name: string }): Rec =>
  ({
    ...r,
    version: 1,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
  }) as Rec;

const ctx: RenderContext = {
  http_port: 8080,
  https_port: 8443,
  bind_address: "127.0.0.1",
  acme_webroot: "/var/lib/agent/acme",
  features: { http2Directive: false },
  templates: makeTemplates(),
};

function stateMap(s: ReturnType<typeof genState>): Map<string, Rec> {
  return new Map([
    ...s.pools.map((p) => [`pool/${p.name}`, asRec(p)] as [string, Rec]),
    ...s.sites.map((x) => [`site/${x.name}`, asRec(x)] as [string, Rec]),
  ]);
}

Deno.test("property: every rendered pool and site file parses back into its record (300 states)", () => {
  const tls = { certificate: "/etc/ssl/t.pem", key: "/etc/ssl/t.key" };
  let files = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const state = stateMap(genState(r, { tls, extras: true, ports: [8081, 9001] }));
    for (const f of renderTree(state, ctx)) {
      if (!f.entity) continue;
      const id = `${f.entity.kind}/${f.entity.name}`;
      const rec = state.get(id)!;
      const back = parseBackRecord(coreKinds(), {
        ...f.entity,
        file: f.name,
        text: f.text,
        base: rec,
        state,
        ctx,
      });
      assert.deepEqual(back, specOf(rec), `seed ${seed}, ${f.name}:\n${f.text}`);
      files++;
    }
  }
  assert.ok(files > 900, `${files} files`);
});

Deno.test("property: a file parsed against another record of the same name renders the same file (300 pairs)", () => {
  const tls = { certificate: "/etc/ssl/t.pem", key: "/etc/ssl/t.key" };
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed * 7919);
    const pools = ["p1", "p2"];
    const edited = genSite(r, "web", pools, { tls, ports: [8081] });
    const stored = {
      ...genSite(r, "web", pools, { tls, ports: [8081] }),
      description: edited.description,
    };
    const state = new Map<string, Rec>([
      [
        "pool/p1",
        asRec({
          name: "p1",
          description: "",
          lb_method: "round_robin",
          hash_consistent: false,
          keepalive: 32,
          members: [],
        }),
      ],
      [
        "pool/p2",
        asRec({
          name: "p2",
          description: "",
          lb_method: "round_robin",
          hash_consistent: false,
          keepalive: 32,
          members: [],
        }),
      ],
      ["site/web", asRec(edited)],
    ]);
    const text = renderTree(state, ctx).find((f) => f.name === "site-web.conf")!.text;
    state.set("site/web", asRec(stored));
    const back = parseBackRecord(coreKinds(), {
      kind: "site",
      name: "web",
      file: "site-web.conf",
      text,
      base: asRec(stored),
      state,
      ctx,
    });
    state.set("site/web", asRec(back));
    const again = renderTree(state, ctx).find((f) => f.name === "site-web.conf")!.text;
    assert.equal(again, text, `seed ${seed}`);
  }
});

Deno.test("property: state -> files through real nginx -> empty KV -> rebuild gives the same state (15 states)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-rt-" });
  const cert = `${dir}/t.pem`;
  const key = `${dir}/t.key`;
  const o = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=test",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(o.success, new TextDecoder().decode(o.stderr));
  let records = 0;
  let sitesAccepted = 0;
  try {
    for (let seed = 1; seed <= 15; seed++) {
      const t = await startTestAgent({ features: FEATURES });
      try {
        const s = genState(rng(seed * 104729), {
          tls: { certificate: cert, key },
          extras: true,
          ports: [t.httpPort],
        });
        for (const p of s.pools) {
          const res = await t.api("PUT", `/api/pools/${p.name}`, p);
          assert.equal(res.status, 201, JSON.stringify(res.body));
        }
        for (const site of s.sites) {
          const res = await t.api("PUT", `/api/sites/${site.name}`, site); // nginx may refuse some
          if (res.status < 300) sitesAccepted++;
        }
        const rt = t.agent.rt;
        const want = await rt.store.all();
        assert.equal((await rt.reconciler.pending()).length, 0);
        records += want.size;
        const empty = new Store(await Deno.openKv(":memory:"), {
          kinds: rt.kinds,
          claimContext: rt.settings,
        });
        try {
          const report = await rebuildFromDisk({ ...rt, store: empty }, {
            dryRun: false,
            force: false,
            actor: "test",
          });
          assert.equal(report.records, want.size);
          assert.deepEqual(report.hand_edits, []);
          assert.deepEqual(report.unreadable, []);
          const got = await empty.all();
          assert.deepEqual(
            Object.fromEntries([...got].sort()),
            Object.fromEntries([...want].sort()),
            `seed ${seed}`,
          );
          // the index claims come back too
          for (const [id, rec] of want) {
            if (!id.startsWith("site/")) continue;
            for (const n of rec.server_names as string[]) {
              const held = [];
              for await (const e of empty.kv.list<string>({ prefix: ["idx", "server_name"] })) {
                if (e.key[3] === n) held.push(e.value);
              }
              assert.deepEqual([...new Set(held)], [id], `${n} claimed by ${id}`);
            }
          }
        } finally {
          empty.close();
        }
      } finally {
        await t.close();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(records > 30, `${records} records`);
  assert.ok(sitesAccepted >= 25, `nginx accepted only ${sitesAccepted} generated sites`);
});
