// The project kind (a backend behind /<name>/ on the projects port) and the
// projects/settings record: the render part of the projects settings, stored
// so each generation renders the same text from its sidecars.
import type { Kind } from "../../kind.ts";
import { parseProject, PROJECT_KIND, type ProjectSpec, ProjectSpecSchema } from "./model.ts";
import { type ProjectsRenderConfig, SETTINGS_KIND } from "./config.ts";
import { z } from "zod";
import type { ProjectsConfig } from "./settings.ts";

export const projectKind: Kind<ProjectSpec> = {
  name: PROJECT_KIND,
  plural: "projects",
  schema: ProjectSpecSchema,
  parse: (name, body, settings) =>
    parseProject(
      name,
      body,
      (settings as Partial<ProjectsConfig> | undefined)?.projects_root ?? "/srv",
    ),
  // An active project holds its port: no two projects listen on one.
  claims: (p) => p.status === "active" ? [["project_port", String(p.port)]] : [],
  describeClaim: (key, holder) =>
    key[0] === "project_port"
      ? {
        message: `port ${key[1]} is already used by project "${
          holder.slice(holder.indexOf("/") + 1)
        }"`,
        detail: { field: "port", port: Number(key[1]) },
      }
      : undefined,
  examples: () => [
    parseProject("app", { port: 9101 }, "/srv/projects"),
    parseProject("off", { port: 9102, status: "inactive", health_path: "/ping" }, "/opt"),
  ],
};

type SettingsRecord = ProjectsRenderConfig & { name: string };

export const projectsSettingsKind: Kind<SettingsRecord> = {
  name: SETTINGS_KIND,
  plural: "projects-settings",
  internal: true,
  schema: z.unknown(),
  parse: () => {
    throw new Error("the projects/settings record is written by the agent only");
  },
  examples: () => [
    {
      name: "settings",
      mode: "site",
      site: "projects",
      domain: "",
      port: 443,
      default_server: false,
      tls: null,
    },
  ],
};
