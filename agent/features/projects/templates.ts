// The projects feature's embedded templates (overridable per host like the core's).
import locations from "../../../templates/nginx/projects-locations.conf.eta" with {
  type: "text",
};
import unit from "../../../templates/systemd/project.service.eta" with { type: "text" };

export const PROJECT_TEMPLATES: Readonly<Record<string, string>> = {
  "projects-locations.conf.eta": locations,
  "project.service.eta": unit,
};
