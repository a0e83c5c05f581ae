// The console feature: the API the web console needs beyond the resources
// (counts, draft previews, drift actions, generation files, logs, settings,
// pending diffs). It reads the projects feature's log directory, so it is set
// up after projects; the pages themselves live in web/app/pages/.
import type { Feature } from "../../host.ts";
import { PROJECTS_SETTINGS } from "../projects/settings.ts";
import { consoleDocs, consoleRouter } from "./api.ts";
import { CONSOLE_SETTINGS } from "./settings.ts";

export const consoleFeature: Feature = {
  name: "console",
  setup(host) {
    const h = host.settings(CONSOLE_SETTINGS).uses(PROJECTS_SETTINGS);
    // The rows array is the host's own: features set up later add to it.
    const rows = host.settingRows;
    h.route({ prefix: "console", make: (rt) => consoleRouter(rt, rows), docs: consoleDocs });
  },
};
