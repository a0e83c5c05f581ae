// `agent lint FILE`: one test per error class, each naming file:line and the
// field path; a candidate only nginx -t rejects is caught too. Nothing is written.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { type CliAgent, startCliAgent } from "./helpers.ts";

const BASE = (addr: string) =>
  `[vars]
backend = "${addr}"

[pools.web]
[[pools.web.members]]
address = "\${backend}"

[sites.shop]
server_names = ["shop.test"]
default_pool = "web"
`;

async function lint(a: CliAgent, name: string, text: string, args: string[] = []) {
  const file = `${a.dir}/${name}`;
  await Deno.writeTextFile(file, text);
  return { file, ...(await a.cli(["lint", file, ...args])) };
}

Deno.test("lint: every error class names file:line and the field path; nothing is written", async (t) => {
  const be = httpBackend("be");
  const a = await startCliAgent();
  try {
    const base = BASE(be.address);
    await t.step("a clean file passes, nginx -t included", async () => {
      const r = await lint(a, "ok.toml", base);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /ok \(2 change\(s\), 0 unchanged, nginx -t passed\)/);
    });
    const cases: [string, string, string, RegExp][] = [
      ["syntax", "syntax.toml", base + "\n[sites.x\n", /syntax\.toml:12: \(syntax\): TOML/],
      [
        "unknown table",
        "table.toml",
        base + "\n[widgets.a]\nx = 1\n",
        /table\.toml:12: widgets: VALIDATION_FAILED: unknown table/,
      ],
      [
        "schema",
        "schema.toml",
        base + '\n[sites.bad]\nserver_names = ["ok.test", "BAD NAME"]\n',
        /schema\.toml:13: sites\.bad\.server_names\[1\]: VALIDATION_FAILED/,
      ],
      [
        "unknown field",
        "field.toml",
        base + '\n[sites.bad]\nserver_names = ["ok.test"]\nbogus = 1\n',
        /field\.toml:14: sites\.bad\.bogus: VALIDATION_FAILED: unknown field/,
      ],
      [
        "reference",
        "ref.toml",
        base +
        '\n[sites.two]\nserver_names = ["two.test"]\n\n[[sites.two.routes]]\nname = "a"\npath = "/a/"\npool = "web"\n\n[[sites.two.routes]]\nname = "b"\npath = "/b/"\npool = "nope"\n',
        /ref\.toml:23: sites\.two\.routes\[1\]\.pool: VALIDATION_FAILED: pool "nope" does not exist/,
      ],
      [
        "claim",
        "claim.toml",
        base + '\n[sites.twin]\nserver_names = ["twin.test", "shop.test"]\n',
        /claim\.toml:13: sites\.twin\.server_names\[1\]: CONFLICT: server name shop\.test on port \d+ is already claimed by site shop/,
      ],
      [
        "unknown variable",
        "var.toml",
        base + '\n[sites.v]\nserver_names = ["v.test"]\ndescription = "${nope}"\n',
        /var\.toml:14: sites\.v\.description: VALIDATION_FAILED: unknown variable \$\{nope\}/,
      ],
      [
        "unused variable",
        "unused.toml",
        base.replace("[vars]\n", '[vars]\nspare = "x"\n'),
        /unused\.toml:2: vars\.spare: VALIDATION_FAILED: variable is never used/,
      ],
      [
        "only nginx -t rejects it",
        "nginx.toml",
        base +
        '\n[sites.shop.response_headers]\n\n[[sites.shop.extra_blocks]]\nzone = "top"\ncontent = "gzip maybe;"\n',
        /nginx\.toml:8: sites\.shop: NGINX_TEST_FAILED: nginx -t refused it: .*gzip/,
      ],
    ];
    for (const [what, name, text, want] of cases) {
      await t.step(what, async () => {
        const r = await lint(a, name, text);
        assert.equal(r.code, 2, `${what}: ${r.out} ${r.err}`);
        assert.match(r.err, want);
      });
    }
    await t.step(
      "--var and an env file give values; --var of an undeclared name is an error",
      async () => {
        const env = `${a.dir}/vars.env`;
        await Deno.writeTextFile(env, `backend=${be.address}\n`);
        const file = `${a.dir}/vars.toml`;
        await Deno.writeTextFile(
          file,
          base.replace(`backend = "${be.address}"`, 'backend = "0.0.0.0:1"'),
        );
        const p = await a.cli(["plan", file, "--env-file", env]);
        assert.equal(p.code, 0, p.err);
        assert.match(
          p.out,
          new RegExp(`server ${be.address.replace(/\./g, "\\.")}`),
          "the plan shows values substituted",
        );
        const bad = await a.cli(["lint", file, "--var", "other=1"]);
        assert.equal(bad.code, 2);
        assert.match(bad.err, /vars\.other: VALIDATION_FAILED: --var other is not declared/);
      },
    );
    assert.equal(
      (await a.api("GET", "/api/sites")).body.sites.length,
      0,
      "lint and plan wrote nothing",
    );
    assert.equal(a.reloads(), 0);
  } finally {
    await a.close();
    await be.close();
  }
});
