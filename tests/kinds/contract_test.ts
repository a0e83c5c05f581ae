// The kind contract: every kind the program registers runs this suite (as every
// hono router runs hono's shared router suite). A new kind is in it by being
// registered, and `examples()` is a required field, so no kind skips it.
//   - its examples are valid: `parse` accepts each one;
//   - a kind that renders a file parses it back into the same record (its
//     examples, and for pools and sites every golden case and 200 generated states);
//   - a claimed key survives a refusal's put-back, and another record cannot take it;
//   - sidecars carry the record: a rebuild from a generation gives the same state;
//   - delete guards from refs hold.
import assert from "node:assert/strict";
import { hostFor } from "../../agent/bootstrap.ts";
import { FEATURES } from "../../agent/features/index.ts";
import type { AnyKind, Spec } from "../../agent/kind.ts";
import { putBackOp, type Rec, Store } from "../../agent/store/store.ts";
import { renderTree } from "../../agent/render/tree.ts";
import { confFileName } from "../../agent/render/files.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import type { RenderContext } from "../../agent/render/context.ts";
import { parseBackRecord } from "../../agent/nginx/parse-back.ts";
import { Generations } from "../../agent/nginx/generations.ts";
import { assertUnreferenced, referrersOf } from "../../agent/changes/refs.ts";
import { caseNames, loadCase, recordsFor } from "../render/golden.ts";
import { genState, rng } from "../resilience/gen.ts";

const host = hostFor(FEATURES);
const kinds = host.kinds;
const ctx: RenderContext = {
  http_port: 80,
  https_port: 443,
  bind_address: "",
  acme_webroot: "/var/lib/agent/acme",
  features: { http2Directive: false },
  templates: makeTemplates({}, host.templates),
};
const claimCtx = { http_port: 80, https_port: 443, bind_address: "" };
const META = { version: 1, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" };
const asRec = (s: Spec): Rec => ({ ...s, ...META }) as Rec;

/** Render cases for a kind: its examples, plus golden and generated states for the core kinds. */
function renderCases(k: AnyKind): Map<string, Rec>[] {
  const own = k.examples().map((e) => new Map([[`${k.name}/${e.name}`, asRec(e)]]));
  if (k.name !== "pool" && k.name !== "site") return own;
  const golden = caseNames().map((c) => recordsFor(loadCase(c)));
  const tls = { certificate: "/etc/ssl/t.pem", key: "/etc/ssl/t.key" };
  const generated = Array.from({ length: 200 }, (_, i) => {
    const s = genState(rng(1000 + i), { tls, extras: true, ports: [8081] });
    return new Map([...s.pools, ...s.sites].map((r) => {
      const kind = s.pools.includes(r) ? "pool" : "site";
      return [`${kind}/${r.name}`, asRec(r)] as [string, Rec];
    }));
  });
  return [...own, ...golden, ...generated];
}

async function memStore(): Promise<Store> {
  return new Store(await Deno.openKv(":memory:"), { kinds, claimContext: claimCtx });
}

const put = (s: Store, kind: string, rec: Spec) =>
  s.write(() => ({
    ops: [{ type: "put", kind, name: rec.name, spec: { ...rec } }],
    actor: "test",
    action: `${kind}.put`,
  }));

for (const k of kinds.list()) {
  Deno.test(`kind ${k.name}: has examples, and parse accepts each`, () => {
    const ex = k.examples();
    assert.ok(ex.length > 0, `kind ${k.name} gives no examples`);
    if (k.internal) return; // written by the agent only: no body to parse
    for (const e of ex) k.parse(e.name, e, { projects_root: "/srv" } as never);
  });

  if (k.render) {
    Deno.test(`kind ${k.name}: render then parse back gives the same record`, () => {
      assert.ok(k.parseBack, `kind ${k.name} renders files but cannot read them back`);
      let checked = 0;
      for (const state of renderCases(k)) {
        const files = renderTree(state, ctx, [], kinds.list());
        for (const [id, rec] of state) {
          if (!id.startsWith(`${k.name}/`)) continue;
          const file = confFileName(k.name, rec.name);
          const f = files.find((x) => x.name === file)!;
          const back = parseBackRecord(kinds, {
            kind: k.name,
            name: rec.name,
            file,
            text: f.text,
            base: rec,
            state,
            ctx,
            renderFiles: (st) => renderTree(st, ctx, [], kinds.list()),
          });
          const { version: _v, created_at: _c, updated_at: _u, ...spec } = rec;
          assert.deepEqual(back, spec, `${id} from ${file}`);
          checked++;
        }
      }
      assert.ok(checked > 0);
    });
  }

  Deno.test(`kind ${k.name}: claims survive a refusal's put-back; nobody else takes them`, async () => {
    const s = await memStore();
    try {
      for (const e of k.examples()) {
        const claims = kinds.claimsOf(k.name, e, claimCtx);
        const [stored] = await put(s, k.name, e);
        const owner = `${k.name}/${e.name}`;
        for (const c of claims) assert.equal(await s.indexOwner(c), owner);
        // A refused change is put back as the applied record (removing it first, as
        // a refused create followed by a restore would).
        await s.write(() => ({ ops: [putBackOp(k.name, e.name, null)], actor: "t", action: "x" }));
        for (const c of claims) assert.equal(await s.indexOwner(c), null);
        await s.write(() => ({
          ops: [putBackOp(k.name, e.name, stored.after)],
          actor: "reconciler",
          action: `${k.name}.revert`,
        }));
        for (const c of claims) assert.equal(await s.indexOwner(c), owner, `${owner} keeps ${c}`);
        if (claims.length) {
          await assert.rejects(
            put(s, k.name, { ...e, name: `${e.name}-twin` }),
            (err: Error & { code?: string }) => err.code === "CONFLICT",
          );
        }
      }
    } finally {
      s.close();
    }
  });

  Deno.test(`kind ${k.name}: a generation's sidecars give the same records back`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "sy-contract-" });
    try {
      const g = new Generations(dir);
      await g.init();
      const state = new Map(k.examples().map((e) => [`${k.name}/${e.name}`, asRec(e)]));
      const files = renderTree(state, ctx, [], kinds.list());
      const n = await g.commit(await g.stage(files, state, "h", {}));
      const back = new Map([...(await g.sidecars(n))].map(([id, sc]) => [id, sc.record]));
      assert.deepEqual(back, state);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  if (k.refs) {
    Deno.test(`kind ${k.name}: what its records refer to cannot be deleted`, async () => {
      const s = await memStore();
      try {
        let guarded = 0;
        for (const e of k.examples()) {
          for (const r of k.refs!(e)) {
            const target = kinds.get(r.kind)!;
            await put(s, r.kind, { ...target.examples()[0], name: r.name });
            await put(s, k.name, e);
            const users = await referrersOf(s, kinds, r.kind, r.name);
            assert.ok(users.some((u) => u.kind === k.name && u.name === e.name));
            await assert.rejects(
              assertUnreferenced(s, kinds, r.kind, r.name),
              (err: Error & { code?: string }) =>
                err.code === "CONFLICT" && err.message.includes(e.name),
            );
            guarded++;
          }
        }
        assert.ok(guarded > 0, `no example of ${k.name} refers to anything`);
      } finally {
        s.close();
      }
    });
  }
}
