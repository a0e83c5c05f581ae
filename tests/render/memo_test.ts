// Renders kept between rounds (render/memo.ts): the tree rendered through the memo
// is always the tree rendered afresh, and a record is rendered again exactly when
// something it read changed (its pool, the upstream its pool is served by, its TLS
// files on disk, the settings), never otherwise.
import assert from "node:assert/strict";
import { parsePool } from "../../agent/kinds/pool/schema.ts";
import { parseSite } from "../../agent/kinds/site/schema.ts";
import { type RenderedFile, renderTree } from "../../agent/render/tree.ts";
import { RenderMemo } from "../../agent/render/memo.ts";
import type { RenderContext } from "../../agent/render/context.ts";
import type { Rec } from "../../agent/store/store.ts";
import { CORE_KINDS } from "../../agent/kinds/core.ts";
import { caseNames, contextFor, loadCase, recordsFor } from "./golden.ts";

const meta = { version: 1, created_at: "", updated_at: "" };
const pool = (name: string, body: Record<string, unknown>) =>
  Object.freeze({ ...parsePool(name, body), ...meta }) as unknown as Rec;
const site = (name: string, body: Record<string, unknown>) =>
  Object.freeze({ ...parseSite(name, body), ...meta }) as unknown as Rec;
const frozen = (m: Map<string, Rec>) =>
  new Map([...m].map(([id, r]) => [id, Object.freeze(r)] as [string, Rec]));
const texts = (files: RenderedFile[]) => files.map((f) => [f.name, f.text]);

/** Renders through the memo, checks it against a fresh render, returns what was rendered again. */
function through(memo: RenderMemo, state: Map<string, Rec>, ctx: RenderContext): number {
  const before = memo.counts.rendered;
  const kept = renderTree(state, ctx, [], CORE_KINDS, memo);
  assert.deepEqual(texts(kept), texts(renderTree(state, ctx)));
  return memo.counts.rendered - before;
}

Deno.test("every golden case renders the same through the memo, the second time all kept", () => {
  for (const name of caseNames()) {
    const c = loadCase(name);
    const ctx = contextFor(c);
    const state = frozen(recordsFor(c));
    const memo = new RenderMemo();
    assert.equal(through(memo, state, ctx), state.size, name);
    assert.equal(through(memo, state, { ...ctx }), 0, `${name}: nothing changed, all kept`);
  }
});

Deno.test("a record is rendered again when what it read changed, and only then", () => {
  const missing = new Set<string>();
  const base = contextFor({ description: "" });
  const ctx: RenderContext = { ...base, share_upstreams: true, fileMissing: (p) => missing.has(p) };
  const tls = { certificate: "/etc/tls/st.pem", key: "/etc/tls/st.key" };
  const state = new Map<string, Rec>([
    ["pool/a", pool("a", { members: [{ address: "127.0.0.1:8081" }] })],
    ["pool/b", pool("b", { members: [{ address: "127.0.0.1:8082" }] })],
    ["site/sa", site("sa", { server_names: ["a.test"], default_pool: "a" })],
    ["site/sb", site("sb", { server_names: ["b.test"], default_pool: "b" })],
    ["site/st", site("st", { server_names: ["t.test"], default_pool: "b", tls })],
  ]);
  const memo = new RenderMemo();
  assert.equal(through(memo, state, ctx), 5);
  assert.equal(through(memo, state, ctx), 0, "nothing changed");

  // pool a changes: it and the site that proxies to it
  state.set("pool/a", pool("a", { members: [{ address: "127.0.0.1:9091" }] }));
  assert.equal(through(memo, state, ctx), 2);

  // a pool identical to b: b's upstream is now shared, so b and both sites on it change
  state.set("pool/c", pool("c", { members: [{ address: "127.0.0.1:8082" }] }));
  assert.equal(through(memo, state, ctx), 4, "pool b, pool c, site sb, site st");
  assert.match(renderTree(state, ctx).find((f) => f.name === "pool-b.conf")!.text, /Shared by/);

  // st's key is gone on disk: st alone, quarantined
  missing.add(tls.key);
  assert.equal(through(memo, state, ctx), 1);
  assert.match(renderTree(state, ctx).find((f) => f.name === "site-st.conf")!.text, /quarantined/);
  missing.clear();
  assert.equal(through(memo, state, ctx), 1, "back with its TLS server");

  // a setting: everything
  assert.equal(through(memo, state, { ...ctx, unknown_host_response: "444" }), 6);
});

Deno.test("a record that is not frozen (it may still change in place) is never kept", () => {
  const ctx = contextFor({ description: "" });
  const rec = { ...parsePool("a", { members: [{ address: "127.0.0.1:8081" }] }), ...meta };
  const state = new Map<string, Rec>([["pool/a", rec as unknown as Rec]]);
  const memo = new RenderMemo();
  assert.equal(through(memo, state, ctx), 1);
  (rec.members[0] as { address: string }).address = "127.0.0.1:9999";
  assert.equal(through(memo, state, ctx), 1);
  const files = renderTree(state, ctx, [], CORE_KINDS, memo);
  assert.match(files.find((f) => f.name === "pool-a.conf")!.text, /9999/);
});

// A kept render noted its context lookups as closures over its round's context,
// so every round's context (its upstream plan: a map of every pool) stayed alive
// as long as one file it rendered was kept: 21 plans at 10,000 sites in the bench.
Deno.test("a kept render does not keep the context of the round that rendered it", async () => {
  const url = (p: string) => new URL(p, import.meta.url).href;
  const child = `
    import { parsePool } from "${url("../../agent/kinds/pool/schema.ts")}";
    import { parseSite } from "${url("../../agent/kinds/site/schema.ts")}";
    import { renderTree } from "${url("../../agent/render/tree.ts")}";
    import { RenderMemo } from "${url("../../agent/render/memo.ts")}";
    import { CORE_KINDS } from "${url("../../agent/kinds/core.ts")}";
    import { contextFor } from "${url("./golden.ts")}";
    const meta = { version: 1, created_at: "", updated_at: "" };
    const state = new Map([
      ["pool/a", Object.freeze({ ...parsePool("a", { members: [{ address: "127.0.0.1:8081" }] }), ...meta })],
      ["pool/b", Object.freeze({ ...parsePool("b", { members: [{ address: "127.0.0.1:8081" }] }), ...meta })],
      ["site/sa", Object.freeze({ ...parseSite("sa", { server_names: ["a.test"], default_pool: "a" }), ...meta })],
    ]);
    const memo = new RenderMemo();
    const base = { ...contextFor({ description: "" }), share_upstreams: true };
    let first = { ...base, fileMissing: () => false };
    const gone = new WeakRef(first.fileMissing);
    renderTree(state, first, [], CORE_KINDS, memo);
    first = null;
    renderTree(state, { ...base, fileMissing: () => false }, [], CORE_KINDS, memo);
    if (memo.counts.kept !== 3) throw new Error("expected all 3 kept, got " + memo.counts.kept);
    await new Promise((r) => setTimeout(r, 0));
    globalThis.gc();
    console.log(gone.deref() === undefined ? "collected" : "alive");
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--v8-flags=--expose-gc",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      child,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.equal(text, "collected", new TextDecoder().decode(out.stderr));
});
