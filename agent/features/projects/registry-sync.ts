// projects_registry_file: a projrouter registry.toml kept in sync with the
// active projects after every project change.
import { renderRegistry, writeRegistry } from "./registry-toml.ts";
import type { ProjectsRuntime } from "./settings.ts";
import { projectKind } from "./kind.ts";

/** Writes the registry; returns a warning instead of failing (the change itself is applied). */
export async function syncRegistry(rt: ProjectsRuntime): Promise<string | null> {
  const path = rt.settings.projects_registry_file;
  if (!path) return null;
  const s = rt.settings;
  const projects = (await rt.store.list(projectKind))
    .filter((p) => p.status === "active")
    .map((p) => ({ name: p.name, port: p.port }));
  const text = renderRegistry({
    global: {
      root: s.projects_root,
      domain: s.projects_domain,
      https_port: s.projects_https_port,
      nginx_routes_file: s.projects_mode === "snippet" ? s.projects_snippet_file : undefined,
    },
    projects,
  });
  try {
    await writeRegistry(path, text);
    return null;
  } catch (e) {
    const msg = `could not write projects_registry_file ${path}: ${(e as Error).message}`;
    rt.log(msg);
    return msg;
  }
}
