import assert from "node:assert/strict";
import { namesMatcher, scrubNames } from "./scrub.ts";

Deno.test("scrubNames: drops what names a foreign entity, keeps the rest", () => {
  const foreign = namesMatcher(["bsite", "b-pool"]);
  assert.equal(foreign("site bsite2"), false, "whole names only");
  assert.equal(foreign("site/bsite"), true);
  const out = scrubNames({
    status: "degraded",
    reasons: [{ message: "refused bsite" }, { message: "nginx is not running" }],
    proxies: { total: 2, inactive: ["asite", "bsite"] },
    last_errors: { "b-pool": "x", apool: "y" },
    members: [{ pool: "b-pool", address: "1.2.3.4:80" }, { pool: "apool", address: "1.2.3.5:80" }],
    note: "about b-pool",
  }, foreign);
  assert.deepEqual(out, {
    status: "degraded",
    reasons: [{ message: "nginx is not running" }],
    proxies: { total: 2, inactive: ["asite"] },
    last_errors: { apool: "y" },
    members: [{ pool: "apool", address: "1.2.3.5:80" }],
  });
});
