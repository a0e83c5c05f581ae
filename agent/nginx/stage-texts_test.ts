// StageTexts keeps a frozen record's sidecar hash between stages and makes its
// text again only when it is read: the text read later is the text hashed.
import assert from "node:assert/strict";
import { StageTexts } from "./stage-texts.ts";
import { sha256 } from "./file-keys.ts";
import type { Manifest } from "./manifest.ts";
import type { Rec } from "../store/store.ts";

const manifest = (): Manifest => ({
  generation: 0,
  created_at: "",
  config_hash: "",
  files: {},
  entities: {},
  sidecars: {},
  cause: {},
});

Deno.test("a kept sidecar's text, made when read, is the text its hash was taken of", () => {
  const st = new StageTexts();
  const rec = Object.freeze({ name: "a", version: 1, server_names: ["a.test"] }) as unknown as Rec;
  const files = [{ name: "site-a.conf", text: "server {}\n", entity: { kind: "site", name: "a" } }];
  const first = st.build(files, new Map([["site/a", rec]]), manifest());
  const again = st.build(files, new Map([["site/a", rec]]), manifest());
  const [a, b] = [first.get("site-a.meta.json")!, again.get("site-a.meta.json")!];
  assert.equal(b.sha, a.sha);
  assert.equal(b.text, a.text);
  assert.equal(sha256(b.text), b.sha);
  assert.equal(JSON.parse(b.text).record.server_names[0], "a.test");
  // A record that may change is made again every time (never kept).
  const open = { name: "b", version: 1 } as unknown as Rec;
  st.build([], new Map([["site/b", open]]), manifest());
  (open as unknown as { version: number }).version = 2;
  const later = st.build([], new Map([["site/b", open]]), manifest()).get("site-b.meta.json")!;
  assert.equal(JSON.parse(later.text).record.version, 2);
  assert.equal(sha256(later.text), later.sha);
});
