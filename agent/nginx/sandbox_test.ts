import assert from "node:assert/strict";
import { sandboxFiles } from "./sandbox.ts";
import { sha256 } from "./generations.ts";
import type { RenderedFile } from "../render/tree.ts";

const file = (name: string, text: string, kind?: string): RenderedFile => ({
  name,
  text,
  ...(kind ? { entity: { kind, name: name.replace(/^\w+-|\.conf$/g, "") } } : {}),
});
const hashes = (fs: RenderedFile[]) =>
  Object.fromEntries(fs.map((f) => [f.name, { sha256: sha256(f.text) }]));

Deno.test("sandboxFiles: the changed site, the upstream it names and the http-level files, nothing else", () => {
  const live = [
    file("00-switchyard.conf", "# hash a"),
    file("pool-web.conf", "upstream sy_web {\n  server 127.0.0.1:1;\n}\n", "pool"),
    file("pool-api.conf", "upstream sy_api {\n  server 127.0.0.1:2;\n}\n", "pool"),
    file("site-old.conf", "server { location / { proxy_pass http://sy_api; } }", "site"),
  ];
  const candidate = [
    file("00-switchyard.conf", "# hash b"),
    ...live.slice(1),
    file("site-new.conf", "server { location / { proxy_pass http://sy_web/; } }", "site"),
  ];
  const picked = sandboxFiles(candidate, hashes(candidate), hashes(live)).map((f) => f.name);
  assert.deepEqual(picked, ["00-switchyard.conf", "pool-web.conf", "site-new.conf"]);
});

Deno.test("sandboxFiles: a changed pool alone; a deletion leaves only the http-level files", () => {
  const live = [
    file("00-switchyard.conf", "# a"),
    file("pool-web.conf", "upstream sy_web { server 127.0.0.1:1; }", "pool"),
    file("site-a.conf", "server { location / { proxy_pass http://sy_web; } }", "site"),
  ];
  const changedPool = [
    live[0],
    file("pool-web.conf", "upstream sy_web { server 127.0.0.1:9; }", "pool"),
    live[2],
  ];
  assert.deepEqual(
    sandboxFiles(changedPool, hashes(changedPool), hashes(live)).map((f) => f.name),
    ["00-switchyard.conf", "pool-web.conf"],
  );
  const deleted = [live[0], live[1]];
  assert.deepEqual(
    sandboxFiles(deleted, hashes(deleted), hashes(live)).map((f) => f.name),
    ["00-switchyard.conf"],
  );
});
