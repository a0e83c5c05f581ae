// Active health checks with ejection, and GET /metrics. A job probes members on
// the agent's one scheduler; an ejection is a record the render extension turns
// into `down`, so it is applied, audited and kept like any change.
import type { Feature } from "../../host.ts";
import { HEALTH_SETTINGS } from "./settings.ts";
import { ejectionExtension, ejectionKind } from "./ejection.ts";
import { HEALTH, Monitor } from "./monitor.ts";
import { runPass } from "./pass.ts";
import { healthDocs, membersRouter, poolHealthDocs, poolHealthRouter } from "./api.ts";
import { healthSection } from "./views.ts";
import { METRICS, metricsRouter, MetricsState } from "./metrics.ts";
import { stubStatusExtension } from "./stub-status.ts";
import { healthCommands } from "./cli.ts";

export const HEALTH_JOB = "health-checks";

export const healthFeature: Feature = {
  name: "health",
  setup(host) {
    const h = host.settings(HEALTH_SETTINGS);
    h.kind(ejectionKind);
    h.render(ejectionExtension);
    const stub = { port: 0 }; // per agent: read from the settings when it is built
    h.render(stubStatusExtension(stub));
    h.provide(HEALTH, (rt) => new Monitor(() => rt.settings.health_concurrency));
    h.provide(METRICS, () => new MetricsState());
    h.init((rt) => {
      stub.port = rt.settings.metrics_stub_status_port;
      const m = rt.use(METRICS);
      rt.reconciler.observers.push((o) => m.onApply(o));
    });
    h.observeRequests((rt) => {
      const m = rt.use(METRICS);
      return (i) => m.onRequest(i);
    });
    h.job({
      name: HEALTH_JOB,
      every: (rt) => rt.settings.health_tick,
      firstAfterSeconds: 0,
      run: runPass,
    });
    // On stop: let an ejection apply in flight finish before the state closes.
    h.start((rt) =>
      Promise.resolve(async () => {
        const mon = rt.use(HEALTH);
        await mon.lastApply;
        mon.close();
      })
    );
    h.health(healthSection);
    h.route({ prefix: "health", make: membersRouter, docs: healthDocs });
    h.route({ prefix: "pools", make: poolHealthRouter, docs: poolHealthDocs });
    h.route({ prefix: "metrics", root: true, make: metricsRouter });
    h.command(...healthCommands);
  },
};
