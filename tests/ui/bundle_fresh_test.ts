// web/dist/app.js is committed (the agent embeds it): it must be exactly what
// scripts/build-web.ts builds from web/app today.
import assert from "node:assert/strict";
import { buildWeb, OUTPUT } from "../../scripts/build-web.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("web/dist/app.js is fresh: rebuilt from web/app it is byte for byte the committed file", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "sy-web-" });
  try {
    await buildWeb(`${dir}/app.js`);
    const fresh = await Deno.readTextFile(`${dir}/app.js`);
    const committed = await Deno.readTextFile(`${root}${OUTPUT}`);
    assert.ok(fresh.length > 1000, "the rebuilt bundle is implausibly small");
    assert.ok(
      fresh === committed,
      `${OUTPUT} is stale: web/app changed since it was built. Run \`deno task build-web\` and commit ${OUTPUT}.`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
