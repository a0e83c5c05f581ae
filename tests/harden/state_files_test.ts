// Issue 17 item 6: data files. A value Deno KV cannot deserialize is found when
// the state opens (serve and rebuild-db start, the file is moved aside and the
// agent holds as for other corruption); state files are 0600; a site whose
// server names would overflow Deno KV's key budget is a 400 naming server_names.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { startTestAgent, tempDir } from "../helpers/agent.ts";
import { agentCli, devEnv, spawnAgent, stopNginx } from "../helpers/proc.ts";

/** 64 random bytes inside one stored value: SQLite's quick_check still says ok. */
function corruptOneValue(path: string) {
  const db = new DatabaseSync(path);
  try {
    const row = db.prepare("select k, v from kv where length(v) > 80 limit 1").get() as {
      k: Uint8Array;
      v: Uint8Array;
    };
    const v = new Uint8Array(row.v);
    v.set(crypto.getRandomValues(new Uint8Array(64)), 8);
    db.prepare("update kv set v = ? where k = ?").run(v, row.k);
    assert.equal(
      (db.prepare("PRAGMA quick_check").get() as { quick_check: string }).quick_check,
      "ok",
    );
  } finally {
    db.close();
  }
}

Deno.test("an undeserializable value: rebuild-db and serve start, the file is moved aside, applies held", async () => {
  const e = devEnv(await tempDir("kvbad"));
  let a = await spawnAgent(e);
  try {
    assert.equal(
      (await a.api("PUT", "/api/pools/web", { members: [{ address: "127.0.0.1:9" }] })).status,
      201,
    );
    const s = await a.api("PUT", "/api/sites/s", {
      server_names: ["s.test"],
      default_pool: "web",
      description: "x".repeat(200),
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
  } finally {
    await a.stop();
  }
  corruptOneValue(`${e.cwd}/dev-data/agent.kv`);
  const dry = await agentCli(e, ["rebuild-db", "--dry-run"]);
  assert.equal(dry.code, 0, dry.out + dry.err);
  assert.doesNotMatch(dry.out + dry.err, /INTERNAL/);
  assert.match(dry.out + dry.err, /could not deserialize value/);
  const aside = [...Deno.readDirSync(`${e.cwd}/dev-data`)].map((d) => d.name)
    .filter((n) => n.startsWith("agent.kv.corrupt-"));
  assert.ok(aside.length >= 1, "moved aside");
  a = await spawnAgent(e);
  try {
    const st = await a.api("GET", "/api/config/status");
    assert.equal(st.status, 200);
    assert.match(JSON.stringify(st.body), /state is empty while generation \d+ on disk holds/);
    const put = await a.api("PUT", "/api/sites/t", { server_names: ["t.test"] });
    assert.ok(put.status >= 400, "held: nothing is applied until rebuild-db");
  } finally {
    await a.stop();
    await stopNginx(e);
  }
});

Deno.test("state files are 0600; 400 server names of 242 characters are a 400 naming server_names", async () => {
  const t = await startTestAgent({ overrides: { backup_interval: 1 } });
  try {
    assert.equal((await t.api("PUT", "/api/sites/a", { server_names: ["a.test"] })).status, 201);
    await new Promise((r) => setTimeout(r, 2500)); // one backup
    const dir = t.settings.data_dir;
    const files = [...Deno.readDirSync(dir)].filter((d) => d.isFile).map((d) => d.name);
    for (const f of ["agent.kv", "api-key"]) assert.ok(files.includes(f), `${f} in ${files}`);
    for (const f of files) {
      const mode = Deno.statSync(`${dir}/${f}`).mode! & 0o777;
      assert.equal(mode & 0o077, 0, `${f} is ${mode.toString(8)}`);
    }

    const label = (i: number) => `n${i}-` + "a".repeat(50);
    const long = (i: number) =>
      [label(i), "b".repeat(60), "c".repeat(60), "d".repeat(62)].join(".").slice(0, 242);
    const names = Array.from({ length: 400 }, (_, i) => long(i));
    const r = await t.api("PUT", "/api/sites/big", { server_names: names });
    assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.error.detail.field, "server_names");
    assert.match(r.body.error.message, /over the limit of 32768/);
    // Under the limit, a site can be written and replaced by another such set (old keys deleted too).
    // (nginx's server_names_hash takes 400 short names, not 242-character ones.)
    const ok = Array.from({ length: 400 }, (_, i) => `n${i}.` + "e".repeat(40) + ".test");
    const first = await t.api("PUT", "/api/sites/big", { server_names: ok });
    assert.equal(first.status, 201, JSON.stringify(first.body).slice(0, 300));
    const other = ok.map((n) => n.replace(/^n/, "m"));
    const again = await t.api("PUT", "/api/sites/big", { server_names: other });
    assert.equal(again.status, 200, JSON.stringify(again.body).slice(0, 300));
  } finally {
    await t.close();
  }
});
