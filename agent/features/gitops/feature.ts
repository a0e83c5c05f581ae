// Gateway as code: the whole desired state as one declarative file (TOML, YAML
// or JSON) that is exported, linted, planned and applied through the kinds,
// so every kind a feature registers takes part without code of its own here.
import type { Feature } from "../../host.ts";
import { applyRouter, exportRouter, gitopsDocs, planRouter } from "./api.ts";
import { gitopsCommands } from "./cli.ts";

export const gitopsFeature: Feature = {
  name: "gitops",
  setup(host) {
    host.route({ prefix: "plan", make: planRouter, docs: gitopsDocs });
    host.route({ prefix: "apply", make: applyRouter });
    host.route({ prefix: "export", make: exportRouter });
    host.command(...gitopsCommands);
  },
};
