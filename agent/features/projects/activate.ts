// Activation, hop by hop, as steps that undo in reverse when a later one fails
// (agent/changes/steps.ts), so a project is either fully active or left as it was:
//   directory  the project directory, and web.py when it runs the default command
//   service    start the service (systemd unit or the builtin supervisor)
//   internal   GET http://127.0.0.1:<port><health_path> answers 2xx
//   route      write the record (its port claimed) and apply; the projects
//              verifier checks the external hop right after the reload and a
//              failure refuses the route in the same apply
import { AgentError } from "../../errors.ts";
import { projectDir, type ProjectSpec } from "./model.ts";
import type { Rec, WriteOp, WriteResult } from "../../store/store.ts";
import type { ApplyOutcome } from "../../nginx/reconciler.ts";
import type { ServiceManager } from "./services/manager.ts";
import { scaffoldIfMissing } from "./services/scaffold.ts";
import type { ChangeOptions } from "../../changes/context.ts";
import { submitChange, writeChange } from "../../changes/apply.ts";
import { runSteps, type Step } from "../../changes/steps.ts";
import { managerOf, type ProjectsState } from "./state.ts";
import { type HopResult, waitHealthy } from "./health.ts";
import { type LinkChange, linkSnippet, liveSnippetPath } from "./snippet-link.ts";
import {
  checkPortFree,
  checkRouteFree,
  current,
  exists,
  healthUrl,
  projectOp,
  revertWrites,
  sameProject,
  serviceSpec,
  settingsOp,
} from "./project-ops.ts";
import type { ProjectsRuntime } from "./settings.ts";

/** What the steps share: the project before and after, and what each step found. */
export interface Activation {
  rt: ProjectsRuntime;
  st: ProjectsState;
  o: ChangeOptions;
  name: string;
  next: ProjectSpec;
  prev: ProjectSpec | null;
  cur: Rec | null;
  manager: ServiceManager;
  /** What the caller is told is left when a step fails. */
  left: string;
  scaffolded: string | null;
  internal?: HopResult;
  external?: HopResult;
  link: LinkChange | null;
  /** Why the route step failed (recorded with the put-back). */
  failure?: string;
  written: WriteResult[];
  record: Rec | null;
  created: boolean;
  changed: boolean;
  apply: ApplyOutcome | null;
  /** false when nothing changed (no write, no apply). */
  routed: boolean;
}

const directory: Step<Activation> = {
  name: "the project directory",
  // The directory always exists (WorkingDirectory and ReadWritePaths need it); never removed.
  async do(a) {
    const dir = projectDir(a.next);
    await Deno.mkdir(dir, { recursive: true });
    a.scaffolded = await scaffoldIfMissing(dir, a.name, a.next.command);
  },
};

const service: Step<Activation> = {
  name: "the service",
  async do(a) {
    try {
      await a.manager.start(serviceSpec(a.next));
    } catch (e) {
      throw new AgentError(
        (e as AgentError).code ?? "INTERNAL",
        `activate ${a.name}: starting the service failed: ${(e as Error).message}; ${a.left}`,
        { hop: "service", ...((e as AgentError).detail ?? {}) },
      );
    }
  },
  // The previous service comes back as it ran; a new one is stopped.
  async undo(a) {
    if (a.prev?.status === "active") {
      await managerOf(a.st, a.prev.manager ?? a.st.kind).start(serviceSpec(a.prev));
    } else await a.manager.stop(a.name);
  },
};

const internalHop: Step<Activation> = {
  name: "the internal hop",
  async do(a) {
    const internal = await waitHealthy(
      "internal",
      healthUrl(a.next),
      a.rt.settings.projects_check_timeout * 1000,
      { gone: () => serviceGone(a) },
    );
    a.internal = internal;
    if (internal.ok) return;
    const diagnosis = await a.manager.diagnose(a.name).catch(() => "");
    throw new AgentError(
      "UPSTREAM_UNHEALTHY",
      `activate ${a.name}: the internal hop failed: GET ${internal.url}: ${internal.error}; ${a.left}`,
      { hop: "internal", url: internal.url, status: internal.status, diagnosis },
    );
  },
};

/** A backend that died while starting will not answer: say so at once. */
async function serviceGone(a: Activation): Promise<string | null> {
  const s = await a.manager.status(a.name);
  if (s.active) return null;
  const e = s.detail.last_exit as
    | { code: number | null; signal: string | null; error?: string }
    | null
    | undefined;
  const how = e
    ? ` (${e.error ?? (e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`)})`
    : "";
  return `the service is ${s.state}${how}`;
}

const EXTERNAL = "projects-external-hop";

const route: Step<Activation> = {
  name: "the route",
  async do(a) {
    const { rt, name } = a;
    const unchanged = a.prev !== null && sameProject(a.prev, a.next);
    if (unchanged && (await settingsOp(rt)) === null) return;
    a.routed = true;
    a.link = rt.settings.projects_mode === "snippet" ? await linkSnippet(rt.settings) : null;
    try {
      a.written = await writeChange(rt, async () => {
        const ops: WriteOp[] = [projectOp(a.next, a.o.ifMatch)];
        const s = await settingsOp(rt);
        if (s) ops.push(s);
        return { ops, actor: a.o.actor, action: a.cur ? "project.put" : "project.activate" };
      });
      // The verifier checks the external hop of this project in the apply that carries it.
      const r = await submitChange(rt, a.written, 0, { verify: true });
      ({ record: a.record, created: a.created, changed: a.changed, apply: a.apply } = r);
      const v = r.apply?.verified.find((x) =>
        x.id === `project/${name}` && x.verifier === EXTERNAL
      );
      a.external = v?.detail?.hop as HopResult | undefined;
    } catch (e) {
      a.failure = (e as Error).message;
      throw routeError(a, e);
    }
  },
  async undo(a) {
    if (!a.routed) return;
    await revertWrites(a.rt, a.written, a.failure ?? "activation undone");
    const live = liveSnippetPath(a.rt.settings.nginx_dir);
    if (a.link?.changed && !(await exists(live))) await a.link.undo();
  },
};

function routeError(a: Activation, e: unknown): unknown {
  const err = e as AgentError;
  const ext = err.detail?.hop as HopResult | undefined;
  if (err.code === "UPSTREAM_UNHEALTHY" && ext && !ext.ok) {
    return new AgentError(
      "UPSTREAM_UNHEALTHY",
      `activate ${a.name}: the external hop failed: GET ${ext.url}: ${ext.error}` +
        ` (the backend answers on 127.0.0.1:${a.next.port}); the route was rolled back and ${a.left}`,
      { hop: "external", url: ext.url, status: ext.status, body: ext.body, internal: a.internal },
    );
  }
  if (err instanceof AgentError) {
    return new AgentError(err.code, `activate ${a.name}: ${err.message}; ${a.left}`, {
      hop: "nginx",
      ...err.detail,
    });
  }
  return e;
}

export const ACTIVATION_STEPS: readonly Step<Activation>[] = [
  directory,
  service,
  internalHop,
  route,
];

export async function activate(
  rt: ProjectsRuntime,
  st: ProjectsState,
  spec: ProjectSpec,
  o: ChangeOptions,
): Promise<Activation> {
  const name = spec.name;
  const { cur, prev } = await current(rt, name, o);
  const kind = st.kind;
  if (prev?.status === "active" && prev.manager && prev.manager !== kind) {
    throw new AgentError(
      "CONFLICT",
      `project "${name}" runs under the ${prev.manager} service manager, and service_manager is now ${kind}: ` +
        `deactivate it first`,
      { field: "manager", manager: prev.manager },
    );
  }
  if (kind === "builtin" && !st.supervisor.running) {
    throw new AgentError(
      "CONFLICT",
      "the builtin service manager runs inside `agent serve`, and no agent is running: " +
        "start it (`agent serve`, or its systemd unit) and retry",
      { manager: kind },
    );
  }
  const next: ProjectSpec = { ...spec, manager: kind };
  await checkRouteFree(rt, next);
  await checkPortFree(rt, st, next, prev);
  const a: Activation = {
    rt,
    st,
    o,
    name,
    next,
    prev,
    cur,
    manager: managerOf(st, kind),
    left: prev?.status === "active"
      ? `project "${name}" keeps running as before (port ${prev.port})`
      : `project "${name}" is left inactive (service stopped, no route)`,
    scaffolded: null,
    link: null,
    written: [],
    record: cur,
    created: false,
    changed: false,
    apply: null,
    routed: false,
  };
  await runSteps(ACTIVATION_STEPS, a);
  return a;
}
