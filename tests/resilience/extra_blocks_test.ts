// Sites whose extra_blocks hold directives the model also reads (add_header,
// allow/deny, a location): their files parse back into the same record, a
// hand edit elsewhere is absorbed with the extra blocks kept, and rebuild-db
// parses such a hand-edited file back. (The nanio seed's own example is
// `add_header X-Served-By gw;` in extra_blocks.)
import { coreKinds } from "../../agent/runtime.ts";
import assert from "node:assert/strict";
import { startTestAgent } from "../helpers/agent.ts";
import { httpBackend } from "../helpers/backends.ts";
import { FEATURES } from "../../agent/features/index.ts";
import { AgentError } from "../../agent/errors.ts";
import { parseSite } from "../../agent/kinds/site/schema.ts";
import { type Rec, specOf } from "../../agent/store/store.ts";
import { renderTree } from "../../agent/render/tree.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import type { RenderContext } from "../../agent/render/context.ts";
import { parseBackRecord } from "../../agent/nginx/parse-back.ts";

const ctx: RenderContext = {
  http_port: 8080,
  https_port: 8443,
  bind_address: "127.0.0.1",
  acme_webroot: "/var/lib/agent/acme",
  features: { http2Directive: false },
  templates: makeTemplates(),
};

const meta = {
  version: 3,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-02T00:00:00.000Z",
};

const pool = {
  name: "web",
  description: "",
  lb_method: "round_robin",
  hash_consistent: false,
  keepalive: 32,
  members: [{ address: "127.0.0.1:9001", weight: 1, max_fails: 1, fail_timeout: "10s" }],
  ...meta,
} as unknown as Rec;

const SITES: Record<string, unknown> = {
  // the seed's example: one add_header in extra_blocks, one response header
  nanio: {
    server_names: ["nanio.test"],
    default_pool: "web",
    extra_blocks: [{ zone: "top", content: "add_header X-Served-By gw;" }],
    response_headers: { "X-Frame-Options": "DENY" },
  },
  // every zone, an extra spelled exactly as a response header renders, IP rules
  // and a location in extra blocks, next to the modeled fields
  zones: {
    server_names: ["zones.test"],
    listen: [{ port: 8080 }, { port: 8443, ssl: true, http2: true }],
    tls: { certificate: "/etc/ssl/z.pem", key: "/etc/ssl/z.key" },
    default_pool: "web",
    ip_rules: { mode: "deny", addresses: ["203.0.113.0/24"] },
    routes: [{ name: "api", path: "/api/", pool: "web", strip_prefix: true }],
    extra_blocks: [
      { zone: "top", content: 'add_header X-Site "s" always;\ndeny 192.0.2.1;' },
      { zone: "ssl", content: 'add_header Strict-Transport-Security "max-age=63072000" always;' },
      { zone: "proxy", content: "add_header X-Zone proxy;\nproxy_buffering off;" },
      {
        zone: "end",
        content:
          'location = /robots.txt {\n    add_header X-Robots none;\n    return 200 "no\\n";\n}',
      },
    ],
    client_max_body_size: "10m",
    response_headers: { "X-Site": "s", "X-Frame-Options": "DENY" },
  },
};

function stateWith(name: string): { state: Map<string, Rec>; rec: Rec; text: string } {
  const rec = { ...parseSite(name, SITES[name]), ...meta } as Rec;
  const state = new Map<string, Rec>([["pool/web", pool], [`site/${name}`, rec]]);
  const text = renderTree(state, ctx).find((f) => f.name === `site-${name}.conf`)!.text;
  return { state, rec, text };
}

function back(name: string, text: string, state: Map<string, Rec>, base: Rec | null) {
  return parseBackRecord(coreKinds(), {
    kind: "site",
    name,
    file: `site-${name}.conf`,
    text,
    base,
    state,
    ctx,
  });
}

Deno.test("a site with add_header (and other modeled directives) in extra_blocks parses back into the same record", () => {
  for (const name of Object.keys(SITES)) {
    const { state, rec, text } = stateWith(name);
    assert.deepEqual(back(name, text, state, rec), specOf(rec), `${name}:\n${text}`);
    // a comment added by hand changes nothing
    const commented = text.replace("server_tokens off;", "server_tokens off;\n    # checked");
    assert.deepEqual(back(name, commented, state, rec), specOf(rec), name);
  }
});

Deno.test("a hand edit next to extra add_header lines is read into the modeled field, the extra blocks kept", () => {
  const { state, rec, text } = stateWith("zones");
  const edited = text.replace(
    'add_header X-Frame-Options "DENY" always;',
    [
      'add_header X-Frame-Options "SAMEORIGIN" always;',
      '    add_header X-New "yes" always;',
    ].join("\n"),
  );
  assert.notEqual(edited, text);
  const got = back("zones", edited, state, rec);
  assert.deepEqual(got.response_headers, {
    "X-Site": "s",
    "X-Frame-Options": "SAMEORIGIN",
    "X-New": "yes",
  });
  assert.deepEqual(got.extra_blocks, (rec as unknown as { extra_blocks: unknown }).extra_blocks);
  assert.deepEqual(got.ip_rules, { mode: "deny", addresses: ["203.0.113.0/24"] });
  assert.equal(got.client_max_body_size, "10m");
  // and it renders the edited file
  state.set("site/zones", { ...got, ...meta } as Rec);
  const again = renderTree(state, ctx).find((f) => f.name === "site-zones.conf")!.text;
  assert.equal(again, edited);
});

Deno.test("editing an extra block's own line by hand is refused at that line (extra_blocks are set through the API)", () => {
  const { state, rec, text } = stateWith("nanio");
  const edited = text.replace("add_header X-Served-By gw;", "add_header X-Served-By gw2;");
  const line = edited.split("\n").findIndex((l) => l.includes("gw2")) + 1;
  assert.throws(() => back("nanio", edited, state, rec), (e: unknown) => {
    assert.ok(e instanceof AgentError);
    assert.equal(e.code, "VALIDATION_FAILED");
    assert.equal(e.detail.line, line, e.message);
    assert.match(e.message, /would render "add_header X-Served-By gw;" here/);
    return true;
  });
});

async function withNanio(fn: (t: Awaited<ReturnType<typeof startTestAgent>>) => Promise<void>) {
  const be = httpBackend("be");
  const t = await startTestAgent({ features: FEATURES });
  try {
    assert.equal(
      (await t.api("PUT", "/api/pools/web", { members: [{ address: be.address }] })).status,
      201,
    );
    const s = await t.api("PUT", "/api/sites/nanio", SITES.nanio);
    assert.equal(s.status, 201, JSON.stringify(s.body));
    await fn(t);
  } finally {
    await t.close();
    await be.close();
  }
}

Deno.test("absorb-file takes edits of a site whose extra_blocks hold add_header", async () => {
  await withNanio(async (t) => {
    const file = `${t.settings.nginx_dir}/current/site-nanio.conf`;
    const original = await Deno.readTextFile(file);
    const before = (await t.api("GET", "/api/sites/nanio")).body;
    const served = await t.viaNginx("nanio.test", "/");
    assert.equal(served.headers.get("x-served-by"), "gw");

    // a comment only: nothing to absorb, and no refusal
    await Deno.writeTextFile(
      file,
      original.replace("server_tokens off;", "server_tokens off; # ok"),
    );
    const c = await t.api("POST", "/api/config/absorb-file", { path: "site-nanio.conf" });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal(c.body.changed, false);

    // a real edit: another server name and a response header changed
    await Deno.writeTextFile(
      file,
      original.replace("server_name nanio.test;", "server_name nanio.test www.nanio.test;")
        .replace(
          'add_header X-Frame-Options "DENY" always;',
          'add_header X-Frame-Options "SAMEORIGIN" always;',
        ),
    );
    const r = await t.api("POST", "/api/config/absorb-file", { path: "site-nanio.conf" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.changed, true);
    assert.equal(r.body.apply.status, "applied");
    const s = (await t.api("GET", "/api/sites/nanio")).body;
    assert.deepEqual(s.server_names, ["nanio.test", "www.nanio.test"]);
    assert.deepEqual(s.response_headers, { "X-Frame-Options": "SAMEORIGIN" });
    assert.deepEqual(s.extra_blocks, before.extra_blocks);
    const www = await t.viaNginx("www.nanio.test", "/");
    assert.equal(www.text, "be /");
    assert.equal(www.headers.get("x-served-by"), "gw");
    assert.equal(www.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.equal((await t.api("GET", "/api/config/drift")).body.files.length, 0);
  });
});

Deno.test("rebuild-db parses back a hand-edited site whose extra_blocks hold add_header", async () => {
  await withNanio(async (t) => {
    const file = `${t.settings.nginx_dir}/current/site-nanio.conf`;
    const text = await Deno.readTextFile(file);
    await Deno.writeTextFile(
      file,
      text.replace("server_name nanio.test;", "server_name nanio.test www.nanio.test;"),
    );
    const before = (await t.api("GET", "/api/sites/nanio")).body;
    const dry = await t.api("POST", "/api/config/rebuild-from-disk?dry_run=true&force=true");
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    const edit = dry.body.hand_edits.find((h: { entity: string }) => h.entity === "site/nanio");
    assert.equal(edit.parsed, true, edit.message);
    assert.match(edit.message, /parsed back \(fields changed: server_names\)/);

    const real = await t.api("POST", "/api/config/rebuild-from-disk?force=true");
    assert.equal(real.status, 200, JSON.stringify(real.body));
    const s = (await t.api("GET", "/api/sites/nanio")).body;
    assert.deepEqual(s.server_names, ["nanio.test", "www.nanio.test"]);
    assert.deepEqual(s.extra_blocks, before.extra_blocks);
    assert.deepEqual(s.response_headers, before.response_headers);
  });
});
