// The operator's surface: `agent install`/`uninstall`, the settings API
// (/api/config/settings) the Settings page uses, and /api/docs (the API
// reference, rendered from /api/openapi.json, served from the binary), and
// supervise_nginx for containers, where the agent is PID 1.
import type { Feature } from "../../host.ts";
import { serviceKey } from "../../runtime.ts";
import { readConfigFile } from "../../settings.ts";
import { settingsDocs, settingsRouter } from "./settings-api.ts";
import { UNIT_NAME } from "./unit.ts";
import { installCommand, uninstallCommand } from "./install.ts";
import { OPERATOR_SETTINGS } from "./settings.ts";
import { type Supervised, superviseNginx } from "./nginx-supervisor.ts";
import { docsPageDocs, docsRouter } from "./docs-page.ts";

/** The nginx supervisor, when supervise_nginx is on (serve only). */
const SUPERVISOR = serviceKey<Supervised>("operator.nginx-supervisor");

/** The settings file as the agent read it at start: what restart_needed compares with. */
const FILE_AT_START = serviceKey<Record<string, unknown>>("operator.file-at-start");

export const operatorFeature: Feature = {
  name: "operator",
  setup(host) {
    const h = host.settings(OPERATOR_SETTINGS);
    h.start((rt) => {
      if (!rt.settings.supervise_nginx) return Promise.resolve(() => Promise.resolve());
      const sup = superviseNginx(rt);
      rt.setService(SUPERVISOR, sup);
      return Promise.resolve(() => sup.stop());
    });
    h.health((rt) => {
      const sup = rt.tryUse(SUPERVISOR);
      return Promise.resolve({
        name: "supervisor",
        value: sup ? { nginx_pid: sup.pid(), restarts: sup.restarts() } : null,
        degraded: sup ? sup.pid() === null : false,
      });
    });
    host.provide(
      FILE_AT_START,
      async (rt) => (await readConfigFile(rt.settings.config_file)) ?? {},
    );
    host.route({
      prefix: "config/settings",
      docs: settingsDocs,
      make: (rt) =>
        settingsRouter(rt, {
          rows: () => host.settingRows,
          env: () => Deno.env.toObject(),
          fileAtStart: () => rt.use(FILE_AT_START),
          restart: async (rt) => {
            await rt.exec.run(["systemctl", "restart", UNIT_NAME], { timeoutMs: 60_000 });
          },
        }),
    });
    host.route({ prefix: "docs", make: docsRouter, docs: docsPageDocs });
    host.command(installCommand, uninstallCommand);
  },
};
