// What every agent has, whatever features main.ts lists: the pool and site
// kinds and the core commands. Its setup runs first, on the same Host.
import type { Feature } from "./host.ts";
import { poolKind } from "./kinds/pool/kind.ts";
import { siteKind } from "./kinds/site/kind.ts";
import { serveCommand } from "./cli/serve.ts";
import { apiCommands } from "./cli/api-commands.ts";
import { CORE_SETTINGS } from "./settings/core.ts";

export const coreFeature: Feature = {
  name: "core",
  setup(host) {
    host.settings(CORE_SETTINGS);
    host.kind(poolKind);
    host.kind(siteKind);
    host.command(serveCommand, ...apiCommands);
  },
};
