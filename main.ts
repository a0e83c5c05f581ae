// The `agent` binary: Switchyard's composition root. This is the only place
// that lists the features (agent/features/index.ts); everything else receives them.
import { runCli } from "./agent/cli/main.ts";
import { FEATURES } from "./agent/features/index.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args, {
    out: (l) => console.log(l),
    err: (l) => console.error(l),
    env: Deno.env.toObject(),
  }, { features: FEATURES });
  // Exit explicitly: a lock wait that lost its race must not keep the process alive.
  Deno.exit(code);
}
