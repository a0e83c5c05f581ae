// Canaries in a real 3-member etcd with two agents, each with its own nginx:
// `POST /api/apply?canary=gw-a` on gw-a is live on gw-a's nginx at once and
// not on gw-b's until gw-a stayed healthy for canary_hold seconds, then gw-b
// serves it too; a write on gw-b meanwhile is refused. A canary whose change
// makes its health checks fail, or whose round fails (nginx -t), is aborted:
// gw-a rolls back, gw-b never serves it, and the fleet status and the audit say
// why. Through the CLI: `agent apply --canary --wait` exits 0 once promoted; a
// node restarted during the hold (from its mirror, then with etcd's history
// compacted) still holds; `agent fleet canary abort`; a canary whose node stops
// is aborted by the controller. store = kv: ?canary is refused.
import assert from "node:assert/strict";
import { httpBackend } from "../helpers/backends.ts";
import { startTestAgent } from "../helpers/agent.ts";
import { etcdSuite } from "../helpers/etcd.ts";
import { fleetNode, serves } from "./helpers.ts";
import { statusLines } from "../../agent/features/fleet/cli.ts";
import { startCliAgent } from "../gitops/helpers.ts";
import { Etcd } from "../../agent/fleet/etcd.ts";
import { fleetKeys } from "../../agent/fleet/keys.ts";

const { test, until } = etcdSuite();

const HOLD = 4;
const node = (endpoints: string[], name: string, labels = "") =>
  fleetNode(endpoints, "canary", name, { overrides: { canary_hold: HOLD, node_labels: labels } });

// deno-lint-ignore no-explicit-any
type Json = any;
const check = (o: Record<string, unknown> = {}) => ({
  path: "/health",
  interval: "1s",
  timeout: "1s",
  rise: 1,
  fall: 1,
  ...o,
});

test(
  "a canary is live on its node only, promoted to the other after its hold; an unhealthy one is aborted and never reaches the other",
  90_000,
  async (c) => {
    const alpha = httpBackend("alpha");
    const beta = httpBackend("beta");
    const gamma = httpBackend("gamma");
    const a = await node(c.endpoints, "gw-a", "role=canary,zone=a");
    const b = await node(c.endpoints, "gw-b", "zone=a");
    try {
      const pool = await a.api("PUT", "/api/pools/web?wait=applied", {
        members: [{ address: alpha.address }],
      });
      assert.equal(pool.status, 201, JSON.stringify(pool.body));
      const site = await a.api("PUT", "/api/sites/web?wait=applied", {
        server_names: ["web.test"],
        default_pool: "web",
      });
      assert.equal(site.body.fleet?.applied, true, JSON.stringify(site.body));
      assert.ok(await serves(b, "web.test", "alpha"));

      // Sent to another node's API: refused, nothing written.
      const elsewhere = await b.api("POST", "/api/apply?canary=gw-a", {
        pools: { web: { members: [{ address: beta.address }] } },
      });
      assert.equal(elsewhere.status, 409, JSON.stringify(elsewhere.body));
      assert.match(elsewhere.body.error.message, /send the canary apply to gw-a/);
      // By label (node_labels): the node it names, or a refusal naming the field.
      const listed = (await b.api("GET", "/api/fleet")).body.nodes;
      assert.deepEqual(
        listed.find((n: Json) => n.name === "gw-a").labels,
        { role: "canary", zone: "a" },
      );
      const doc = { pools: { web: { members: [{ address: beta.address }] } } };
      const byLabel = await b.api(
        "POST",
        `/api/apply?canary=${encodeURIComponent("role=canary")}`,
        doc,
      );
      assert.equal(byLabel.status, 409, JSON.stringify(byLabel.body));
      assert.match(byLabel.body.error.message, /send the canary apply to gw-a/);
      for (
        const [sel, msg] of [["zone=a", /select 2 nodes \(gw-a, gw-b\)/], [
          "role=x",
          /no registered node/,
        ]] as const
      ) {
        const r = await a.api("POST", `/api/apply?canary=${encodeURIComponent(sel)}`, doc);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.error.detail.field, "canary");
        assert.match(r.body.error.message, msg);
      }
      assert.ok(await serves(b, "web.test", "alpha"), "nothing was applied");

      // 1. A healthy canary.
      const t0 = Date.now();
      const r = await a.api("POST", "/api/apply?canary=gw-a", {
        pools: { web: { members: [{ address: beta.address }], health_check: check() } },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, "applied", JSON.stringify(r.body));
      assert.equal(r.body.canary.state, "running", JSON.stringify(r.body.canary));
      assert.equal(r.body.canary.node, "gw-a");
      assert.ok(await serves(a, "web.test", "beta"), "live on the canary at once");

      // gw-b holds: it shows as held, refuses writes, and keeps serving alpha until promoted.
      const during = (await b.api("GET", "/api/fleet")).body;
      assert.equal(during.canary.state, "running");
      const rowB = during.nodes.find((n: Json) => n.name === "gw-b");
      assert.equal(rowB.state, "held", JSON.stringify(during));
      assert.match(
        statusLines(during, during.nodes)[1],
        /^canary .* on gw-a: generation \d+, the others hold at/,
      );
      const refused = await b.api("PUT", "/api/pools/other", {
        members: [{ address: alpha.address }],
      });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.match(refused.body.error.message, /a canary runs on gw-a/);

      let promotedAt = 0;
      await until("the canary is promoted", 40_000, async () => {
        const onB = await b.viaNginx("web.test", "/").catch(() => null);
        const state = (await b.api("GET", "/api/fleet")).body.canary.state;
        if (state === "running") {
          assert.ok(onB?.text.startsWith("alpha"), `gw-b serves the canary early: ${onB?.text}`);
        }
        if (state === "promoted") promotedAt = Date.now();
        return state === "promoted";
      });
      assert.ok(promotedAt - t0 >= HOLD * 1000, `promoted after ${promotedAt - t0} ms`);
      await until("gw-b serves the promoted change", 20_000, () => serves(b, "web.test", "beta"));
      const fleet = async () => (await b.api("GET", "/api/fleet")).body;
      assert.match((await fleet()).canary.reason, /health checks passing for 4 s on gw-a/);
      await until(
        "both nodes report the promoted generation",
        10_000,
        async () => (await fleet()).nodes.every((n: Json) => n.state === "ok"),
      );
      assert.equal(
        (await b.api("PUT", "/api/pools/other", {
          members: [{ address: alpha.address }],
        })).status,
        201,
        "writes anywhere again",
      );

      // 2. A canary whose health checks fail: aborted, rolled back, never on gw-b.
      const bad = await a.api("POST", "/api/apply?canary=gw-a", {
        pools: {
          web: {
            members: [{ address: gamma.address }],
            health_check: check({ expect_status: [204, 204] }), // gamma answers 200
          },
        },
      });
      assert.equal(bad.status, 200, JSON.stringify(bad.body));
      assert.equal(bad.body.canary.state, "running", JSON.stringify(bad.body.canary));
      assert.ok(await serves(a, "web.test", "gamma"), "live on the canary at once");
      await until("the canary is aborted", 30_000, async () => {
        const onB = await b.viaNginx("web.test", "/").catch(() => null);
        assert.ok(onB?.text.startsWith("beta"), `gw-b serves the bad canary: ${onB?.text}`);
        return (await b.api("GET", "/api/fleet")).body.canary.state === "aborted";
      });
      const aborted = (await b.api("GET", "/api/fleet")).body.canary;
      assert.match(aborted.reason, /health degraded on gw-a: pool web: member 127\.0\.0\.1:\d+ is/);
      await until("gw-a rolled back", 20_000, () => serves(a, "web.test", "beta"));
      for (let i = 0; i < 5; i++) {
        assert.ok(await serves(b, "web.test", "beta"), "gw-b never serves gamma");
        await new Promise((res) => setTimeout(res, 200));
      }
      const pools = (await b.api("GET", "/api/pools/web")).body;
      assert.equal(pools.members[0].address, beta.address, "the desired state is the base again");
      const lines = statusLines(
        (await a.api("GET", "/api/fleet")).body,
        (await a.api("GET", "/api/fleet")).body.nodes,
      );
      assert.match(lines[1], /^last canary .* on gw-a: aborted .*health degraded/);

      // 3. A canary whose round fails (nginx -t refuses its site): aborted in the answer.
      const broken = await a.api("POST", "/api/apply?canary=gw-a", {
        pools: { web: { members: [{ address: gamma.address }] } },
        sites: {
          web: {
            server_names: ["web.test"],
            default_pool: "web",
            extra_blocks: [{ zone: "top", content: "gzip maybe;" }],
          },
        },
      });
      assert.equal(broken.status, 200, JSON.stringify(broken.body));
      assert.equal(broken.body.canary.state, "aborted", JSON.stringify(broken.body));
      assert.match(
        broken.body.canary.reason,
        /its apply on gw-a failed: sites\.web: NGINX_TEST_FAILED/,
      );
      await until("gw-a is back on the base", 20_000, () => serves(a, "web.test", "beta"));
      assert.ok(await serves(b, "web.test", "beta"), "gw-b never serves gamma");
      assert.equal((await a.api("GET", "/api/pools/web")).body.members[0].address, beta.address);

      const audit = JSON.stringify((await a.api("GET", "/api/audit?limit=50")).body);
      for (const action of ["fleet.canary_start", "fleet.canary_promote", "fleet.canary_abort"]) {
        assert.ok(audit.includes(action), `${action} is in gw-a's audit log`);
      }
    } finally {
      await a.close();
      await b.close();
      await alpha.close();
      await beta.close();
      await gamma.close();
    }
  },
);

test(
  "agent apply --canary --wait: a node restarted during the hold still holds; agent fleet canary abort; a canary whose node stops is aborted by the controller",
  90_000,
  async (c) => {
    const alpha = httpBackend("alpha");
    const beta = httpBackend("beta");
    const gamma = httpBackend("gamma");
    const fleet = { store: "etcd", etcd_endpoints: c.endpoints.join(","), cluster: "canary2" };
    const cn = await startCliAgent({
      overrides: { ...fleet, node_name: "gw-c", canary_hold: 12 },
    });
    await cn.agent.startJobs();
    let d = await fleetNode(c.endpoints, "canary2", "gw-d");
    try {
      await cn.api("PUT", "/api/pools/web?wait=applied", { members: [{ address: alpha.address }] });
      const site = await cn.api("PUT", "/api/sites/web?wait=applied", {
        server_names: ["web.test"],
        default_pool: "web",
      });
      assert.equal(site.body.fleet?.applied, true, JSON.stringify(site.body));
      const file = async (address: string) => {
        const path = `${cn.dir}/canary-${address.replace(/\W/g, "")}.toml`;
        await Deno.writeTextFile(path, `[pools.web]\nmembers = [{ address = "${address}" }]\n`);
        return path;
      };

      // --wait: live on gw-c, held on gw-d (restarted meanwhile), promoted, exit 0.
      const applying = cn.cli(["apply", await file(beta.address), "--canary", "gw-c", "--wait"]);
      applying.catch(() => {}); // (awaited below; a failure before that must not go unhandled)
      await until("live on gw-c", 10_000, () => serves(cn, "web.test", "beta"));
      // Restarted twice during the hold: from its mirror (etcd's history replayed), then
      // with the history compacted (a full read, the records at the base compacted too).
      for (const compact of [false, true]) {
        await d.close();
        if (compact) {
          const etcd = new Etcd({ endpoints: c.endpoints });
          await etcd.compact((await etcd.range(fleetKeys("canary2").canary)).revision);
          etcd.close();
        }
        d = await fleetNode(c.endpoints, "canary2", "gw-d", { again: d });
        await until("the restarted gw-d reports, held", 10_000, async () => {
          const mid = (await d.api("GET", "/api/fleet")).body;
          assert.equal(mid.canary.state, "running", "(the restart took longer than the hold)");
          return mid.nodes.find((n: Json) => n.name === "gw-d").state === "held";
        });
        assert.ok(await serves(d, "web.test", "alpha"), "the restarted node still holds");
      }
      const r = await applying;
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /canary \S+-gw-c: generation \d+ live on gw-c; the fleet holds at \d+/);
      assert.match(r.out, /promoted at generation \d+: round ok and health checks passing/);
      await until("gw-d serves the promoted change", 20_000, () => serves(d, "web.test", "beta"));

      // agent fleet canary abort: gw-c rolls back, gw-d never serves it.
      const started = await cn.cli(["apply", await file(gamma.address), "--canary", "gw-c"]);
      assert.equal(started.code, 0, started.out + started.err);
      assert.ok(await serves(cn, "web.test", "gamma"));
      const ab = await cn.cli(["fleet", "canary", "abort", "--reason", "wrong backend"]);
      assert.equal(ab.code, 0, ab.out + ab.err);
      assert.match(ab.out, /on gw-c: aborted: wrong backend/);
      await until("gw-c rolled back", 20_000, () => serves(cn, "web.test", "beta"));
      assert.ok(await serves(d, "web.test", "beta"));
      const again = await cn.cli(["fleet", "canary", "abort"]);
      assert.equal(again.code, 1, "no canary runs any more");

      // The canary node stops during its hold: the controller (gw-d) aborts it.
      const orphan = await cn.cli(["apply", await file(gamma.address), "--canary", "gw-c"]);
      assert.equal(orphan.code, 0, orphan.out + orphan.err);
      await cn.close();
      await until("the controller aborts the orphan canary", 30_000, async () => {
        assert.ok(await serves(d, "web.test", "beta"), "gw-d never serves gamma");
        return (await d.api("GET", "/api/fleet")).body.canary.state === "aborted";
      });
      const ended = (await d.api("GET", "/api/fleet")).body.canary;
      assert.match(ended.reason, /its node gw-c stopped reporting/);
      await until(
        "the desired state is back on beta",
        10_000,
        async () => (await d.api("GET", "/api/pools/web")).body.members[0].address === beta.address,
      );
      assert.equal(
        (await d.api("PUT", "/api/pools/more", {
          members: [{ address: beta.address }],
        })).status,
        201,
        "writes work again",
      );
    } finally {
      await cn.close().catch(() => {});
      await d.close();
      await alpha.close();
      await beta.close();
      await gamma.close();
    }
  },
);

test(
  "store = kv: ?canary is refused (409) and nothing is written; the apply is as before",
  30_000,
  async () => {
    const t = await startTestAgent({ overrides: { node_name: "solo" } });
    try {
      const doc = { pools: { kv: { members: [{ address: "127.0.0.1:9" }] } } };
      const r = await t.api("POST", "/api/apply?canary=solo", doc);
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.match(r.body.error.message, /a canary needs a fleet \(store = etcd\)/);
      assert.equal((await t.api("GET", "/api/pools/kv")).status, 404);
      const plain = await t.api("POST", "/api/apply", doc);
      assert.equal(plain.body.status, "applied", JSON.stringify(plain.body));
      assert.equal(plain.body.canary, undefined);
      assert.equal((await t.api("GET", "/api/fleet")).body.canary, null);
    } finally {
      await t.close();
    }
  },
);

test.stopAtEnd();
