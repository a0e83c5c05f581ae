import assert from "node:assert/strict";
import { RotatingLog } from "./log-file.ts";

Deno.test("log_file rotates at its size and keeps log_file_count copies", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-log-" });
  try {
    const log = new RotatingLog(`${dir}/logs/agent.log`, 200, 2);
    for (let i = 0; i < 30; i++) log.write(`line ${i} ${"x".repeat(20)}`);
    const names = [...Deno.readDirSync(`${dir}/logs`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["agent.log", "agent.log.1", "agent.log.2"]);
    for (const n of names) assert.ok(Deno.statSync(`${dir}/logs/${n}`).size <= 200);
    assert.match(Deno.readTextFileSync(`${dir}/logs/agent.log`), /line 29 x+\n$/);
    // A new logger continues the file it finds (a restart), counting its size.
    const again = new RotatingLog(`${dir}/logs/agent.log`, 200, 2);
    again.write("after restart");
    assert.ok(Deno.statSync(`${dir}/logs/agent.log`).size <= 200);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
