import assert from "node:assert/strict";
import { directiveValue, namesHashAdvice, serverNames } from "./names-hash.ts";

Deno.test("serverNames: exact names only, lowercased; wildcards, regexes and _ are not in this hash", () => {
  const names = serverNames([
    "server {\n  server_name A.test www.a.test;\n}",
    "server { server_name *.w.test ~^x\\.test$ _ ; }",
  ]);
  assert.deepEqual(names, ["a.test", "www.a.test"]);
});

Deno.test("namesHashAdvice: 5,000 names need more than nginx's 512; a long name a wider bucket", () => {
  const names = Array.from({ length: 5000 }, (_, i) => `s${i}.bench`);
  const a = namesHashAdvice(names, ["http { server_names_hash_bucket_size 128; }"]);
  assert.equal(a.names, 5000);
  assert.equal(a.maxSize, 8192);
  assert.deepEqual(a.raise, ["server_names_hash_max_size 8192;"]);
  const long = namesHashAdvice(["x".repeat(120) + ".test"], ["http { }"]);
  assert.deepEqual(long.raise, ["server_names_hash_bucket_size 512;"]);
  // set high enough: nothing to raise (a comment does not count)
  const ok = namesHashAdvice(names, [
    "# server_names_hash_max_size 1;\nserver_names_hash_max_size 32768; server_names_hash_bucket_size 128;",
  ]);
  assert.deepEqual(ok.raise, []);
  assert.equal(
    directiveValue("a 1; server_names_hash_max_size 2; x", "server_names_hash_max_size"),
    2,
  );
});
