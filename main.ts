// The `agent` binary: Switchyard's CLI entry point.
import { runCli } from "./agent/cli/main.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args, {
    out: (l) => console.log(l),
    err: (l) => console.error(l),
    env: Deno.env.toObject(),
  });
  // Exit explicitly: a lock wait that lost its race must not keep the process alive.
  Deno.exit(code);
}
