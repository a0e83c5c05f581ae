// Issue 17 item 10: the README's quick start backend, run exactly as written from
// a checkout with a dev agent's data, must not serve ./dev-data/api-key; and the
// quick start says that CLI commands against a dev agent need --dev.
import assert from "node:assert/strict";
import { freePort, tempDir } from "../helpers/agent.ts";

const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
const quick = readme.slice(
  readme.indexOf("## Quick start"),
  readme.indexOf("## Install on a host"),
);

Deno.test("the quick start's backend does not serve the checkout's API key", async () => {
  const line = quick.split("\n").find((l) => l.startsWith("python3 -m http.server"));
  assert.ok(line, "the quick start starts a backend");
  const checkout = await tempDir("qs");
  await Deno.mkdir(`${checkout}/dev-data`);
  await Deno.writeTextFile(`${checkout}/dev-data/api-key`, "the-api-key-0123456789abcdef\n");
  const port = freePort();
  const cmd = line.replace(/\s*&\s*(#.*)?$/, "").replace("9001", String(port));
  const child = new Deno.Command("sh", {
    args: ["-c", `exec ${cmd}`],
    cwd: checkout,
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    let r: Response | null = null;
    for (let i = 0; i < 100 && !r; i++) {
      r = await fetch(`http://127.0.0.1:${port}/dev-data/api-key`).catch(() => null);
      if (!r) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(r, "the backend answered");
    const text = await r.text();
    assert.notEqual(r.status, 200, `the backend served the API key: ${text}`);
    assert.ok(!text.includes("the-api-key"));
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(checkout, { recursive: true });
  }
});

Deno.test("the quick start says CLI commands against a dev agent need --dev", () => {
  assert.match(quick, /CLI commands against this dev agent need `--dev`/);
});
