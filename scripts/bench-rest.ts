// The benches that follow the apply sizes in `deno task bench` (scripts/bench.ts):
// staging, upstream sharing, health checks, migration, console, reload-free
// upstreams and the fleet, each skipped by its --no-... flag.
import { benchHealth } from "./bench-health.ts";
import { benchStage } from "./bench-stage.ts";
import { benchUpstreams } from "./bench-upstreams.ts";

export async function benchTheRest(args: string[]): Promise<void> {
  if (!args.includes("--no-stage")) await benchStage([1000, 5000]);
  if (!args.includes("--no-upstreams")) await benchUpstreams([1000, 5000]);
  await benchHealth();
  if (!args.includes("--no-migrate")) {
    const { benchMigrate } = await import("./bench-migrate.ts");
    await benchMigrate(1000);
  }
  if (!args.includes("--no-console")) {
    const { benchConsole } = await import("./bench-console.ts");
    await benchConsole(10_000);
  }
  if (!args.includes("--no-lua")) {
    const { benchLua, luaInstalled } = await import("./bench-lua.ts");
    if (luaInstalled()) await benchLua([10, 10_000]);
    else console.log("\nreload-free upstreams: nginx's Lua module is not installed, skipped");
  }
  if (!args.includes("--no-fleet")) {
    const { benchFleet, printFleet } = await import("./bench-fleet.ts");
    printFleet(await benchFleet());
  }
}
