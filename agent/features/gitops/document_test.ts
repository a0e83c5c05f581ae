import assert from "node:assert/strict";
import { lineOf, parseText, stringifyDoc, SyntaxProblem } from "./document.ts";

const toml = `[pools.web]
lb_method = "round_robin"

[[pools.web.members]]
address = "127.0.0.1:1"

[sites.shop]
server_names = ["shop.example", "www.shop.example"]

[[sites.shop.routes]]
name = "a"
path = "/a/"

[[sites.shop.routes]]
name = "b"
path = "/b/"
pool = "nope"

[sites.shop.routes.redirect]
url = "https://x.example/"
`;

Deno.test("TOML: a field path names its line, arrays of tables counted", () => {
  assert.equal(lineOf(toml, "toml", "sites.shop.routes[1].pool"), 17);
  assert.equal(lineOf(toml, "toml", "sites.shop.routes[0].path"), 12);
  assert.equal(lineOf(toml, "toml", "sites.shop.server_names[1]"), 8);
  assert.equal(lineOf(toml, "toml", "pools.web.members[0].address"), 5);
  assert.equal(lineOf(toml, "toml", "sites.shop.routes[1].redirect.url"), 20);
  assert.equal(lineOf(toml, "toml", "sites.shop.routes[1].missing"), 14);
  assert.equal(lineOf(toml, "toml", "sites.shop"), 7);
});

Deno.test("YAML and JSON: the field's line", () => {
  const doc = parseText(toml, "toml");
  const yaml = stringifyDoc(doc, "yaml");
  const lines = yaml.split("\n");
  const l = lineOf(yaml, "yaml", "sites.shop.routes[1].pool");
  assert.match(lines[l - 1], /pool: nope/);
  const json = stringifyDoc(doc, "json");
  assert.match(
    json.split("\n")[lineOf(json, "json", "sites.shop.routes[1].pool") - 1],
    /"pool": "nope"/,
  );
});

Deno.test("a syntax error carries its line", () => {
  for (
    const [text, fmt, line] of [
      ["[a]\nx = 1\ny = = 2\n", "toml", 3],
      ["a:\n  b: 1\n c: [\n", "yaml", 3],
    ] as const
  ) {
    try {
      parseText(text, fmt);
      assert.fail("parsed");
    } catch (e) {
      assert.ok(e instanceof SyntaxProblem, String(e));
      assert.equal(e.line, line, e.message);
    }
  }
});
