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

Deno.test("an unchanged frozen file or record is staged as the same entry; a change makes a new one", () => {
  const st = new StageTexts();
  const rec = Object.freeze({ name: "a", version: 1 }) as unknown as Rec;
  const conf = Object.freeze({
    name: "site-a.conf",
    text: "server {}\n",
    entity: { kind: "site", name: "a" },
  });
  const [m1, m2, m3] = [manifest(), manifest(), manifest()];
  const one = st.build([conf], new Map([["site/a", rec]]), m1);
  const two = st.build([conf], new Map([["site/a", rec]]), m2);
  assert.equal(two.get("site-a.conf"), one.get("site-a.conf"));
  assert.equal(two.get("site-a.meta.json"), one.get("site-a.meta.json"));
  assert.equal(m2.files["site-a.conf"], m1.files["site-a.conf"]);
  assert.deepEqual(m2, m1);
  // the record's config file is gone this round: its sidecar says so, with a new hash
  const three = st.build([], new Map([["site/a", rec]]), m3).get("site-a.meta.json")!;
  assert.notEqual(three.sha, one.get("site-a.meta.json")!.sha);
  assert.equal(JSON.parse(three.text).conf, null);
  assert.equal(sha256(three.text), three.sha);
  assert.equal(JSON.parse(one.get("site-a.meta.json")!.text).conf_sha256, sha256("server {}\n"));
});
