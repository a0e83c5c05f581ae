// The projects feature (projrouter): many backends behind one HTTPS port, each
// a supervised service. Routes are derived at render time from the project
// records; services run under systemd or the agent's builtin supervisor.
import type { Feature } from "../../host.ts";
import { type Exec, RealExec } from "../../exec.ts";
import { PROJECT_KIND } from "./model.ts";
import { detectManager } from "./services/manager.ts";
import { Supervisor, type SupervisorOptions } from "./services/supervisor.ts";
import { SystemdManager } from "./services/systemd.ts";
import { projectsDocs, projectsRouter } from "./api.ts";
import { projectKind, projectsSettingsKind } from "./kind.ts";
import { PROJECT_TEMPLATES } from "./templates.ts";
import { checkProjectsSettings, renderConfigOf, SETTINGS_KIND, SETTINGS_NAME } from "./config.ts";
import { projectsExtension } from "./render.ts";
import { PROJECTS, projectsOf } from "./state.ts";
import { projectsVerifier } from "./verifier.ts";
import { serviceSpec } from "./changes.ts";
import { jsonEqual, specOf } from "../../store/store.ts";
import { linkSnippet, liveSnippetPath, loadLink } from "./snippet-link.ts";
import { projectCommands } from "./cli.ts";
import { projectEffects } from "./effects.ts";
import { kindEffects } from "../../changes/effects.ts";
import { PROJECTS_SETTINGS } from "./settings.ts";
import type { ProjectsRuntime } from "./settings.ts";

export interface ProjectsFeatureOptions {
  /** Runs systemctl (tests pass a recording Exec); default: a real one. */
  exec?: Exec;
  /** Supervisor timings for tests (backoff, stop timeout). */
  supervisor?: Partial<SupervisorOptions>;
}

/** Writes the projects/settings record when the settings changed what it holds. */
async function refreshSettingsRecord(rt: ProjectsRuntime): Promise<void> {
  if ((await rt.store.list(PROJECT_KIND)).length === 0) return;
  const want = renderConfigOf(rt.settings) as unknown as Record<string, unknown>;
  const cur = await rt.store.get(SETTINGS_KIND, SETTINGS_NAME);
  if (cur) {
    const { name: _n, ...have } = specOf(cur);
    if (jsonEqual(have, want)) return;
  }
  // Switched to snippet mode: the link goes in before the apply, so nginx -t proves it.
  const link = want.mode === "snippet" ? await linkSnippet(rt.settings) : null;
  const results = await rt.store.write(() => ({
    ops: [{ type: "put", kind: SETTINGS_KIND, name: SETTINGS_NAME, spec: want }],
    actor: "settings",
    action: "projects.settings",
  }));
  rt.log("projects: the projects settings changed; applying the new routes");
  rt.reconciler.submit(results.filter((r) => r.changed).map((r) => `${r.kind}/${r.name}`))
    .then((o) => rt.log(`projects: settings applied (${o.status})`))
    .catch(async (e) => {
      rt.log(`projects: applying the new settings failed: ${e.message}`);
      if (
        link?.changed &&
        !(await Deno.stat(liveSnippetPath(rt.settings.nginx_dir)).catch(() => null))
      ) {
        await link.undo();
      }
    });
}

export function makeProjectsFeature(opts: ProjectsFeatureOptions = {}): Feature {
  return {
    name: "projects",
    setup(host) {
      const h = host.settings(PROJECTS_SETTINGS);
      h.kind(projectKind);
      h.kind(projectsSettingsKind);
      for (const [name, text] of Object.entries(PROJECT_TEMPLATES)) h.template(name, text);
      h.render(projectsExtension);
      h.verify(projectsVerifier);
      h.route({ prefix: "projects", make: projectsRouter, docs: projectsDocs });
      h.health(projectsHealth);
      h.provide(PROJECTS, async (rt) => {
        checkProjectsSettings(rt.settings);
        const s = rt.settings;
        const exec = opts.exec ?? new RealExec({ debug: rt.debug });
        return {
          kind: await detectManager(s.service_manager),
          exec,
          supervisor: new Supervisor({
            logDir: s.projects_log_dir,
            runDir: `${s.data_dir}/projects-run`,
            maxLogBytes: s.projects_log_max_bytes,
            keepLogs: s.projects_log_keep,
            log: rt.log,
            ...opts.supervisor,
          }),
          systemd: new SystemdManager({
            exec,
            systemctl: s.systemctl_command.trim().split(/\s+/),
            unitDir: s.systemd_unit_dir,
            templates: rt.templates,
            user: s.projects_user,
          }),
          locks: new Map(),
        };
      });
      h.provide(kindEffects(PROJECT_KIND), projectEffects);
      h.start(startProjects);
      h.command(...projectCommands);
    },
  };
}

async function projectsHealth(rt: ProjectsRuntime) {
  const st = projectsOf(rt);
  const projects = await rt.store.list(projectKind);
  const active = projects.filter((p) => p.status === "active");
  // Only the builtin supervisor's state is free to read; systemd is asked by `agent check`.
  const down: string[] = [];
  for (const p of active) {
    if ((p.manager ?? st.kind) !== "builtin" || !st.supervisor.running) continue;
    if (!(await st.supervisor.status(p.name)).active) down.push(p.name);
  }
  return {
    name: "projects",
    value: { manager: st.kind, active: active.length, total: projects.length, down },
    degraded: down.length > 0,
  };
}

/** Under `agent serve`: the builtin supervisor's backends, the snippet link, the settings record. */
async function startProjects(rt: ProjectsRuntime): Promise<() => Promise<void>> {
  const st = projectsOf(rt);
  st.supervisor.running = true;
  const reaped = await st.supervisor.reapOrphans();
  if (reaped.length) {
    rt.log(`projects: stopped backends a previous agent left running: ${reaped.join(", ")}`);
  }
  // The builtin supervisor's backends live as long as the agent: start the active ones.
  const projects = await rt.store.list(projectKind);
  for (const p of projects) {
    if (p.status !== "active" || (p.manager ?? st.kind) !== "builtin") continue;
    await st.supervisor.start(serviceSpec(p)).catch((e) =>
      rt.log(`projects: cannot start ${p.name}: ${(e as Error).message}`)
    );
  }
  // A link replaced by hand is put back (proven with nginx -t, then loaded).
  if (
    rt.settings.projects_mode === "snippet" &&
    (await Deno.stat(liveSnippetPath(rt.settings.nginx_dir)).then(() => true, () => false))
  ) {
    try {
      const link = await linkSnippet(rt.settings);
      if (link.changed) rt.log(`projects: ${await loadLink(rt, link)}`);
    } catch (e) {
      rt.log(`projects: cannot link ${rt.settings.projects_snippet_file}: ${(e as Error).message}`);
    }
  }
  await refreshSettingsRecord(rt).catch((e) =>
    rt.log(`projects: cannot record the projects settings: ${e.message}`)
  );
  return async () => {
    st.supervisor.running = false;
    await st.supervisor.stopAll();
  };
}

export const projectsFeature: Feature = makeProjectsFeature();
