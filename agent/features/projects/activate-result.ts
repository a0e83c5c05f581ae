// After the activation steps succeeded: load a changed snippet link, check the
// external hop when no reload carried the route, sync the registry file, and
// answer with what each hop found.
import { projectDir } from "./model.ts";
import { checkClient, probe } from "./health.ts";
import { linkSnippet, liveSnippetPath, loadLink } from "./snippet-link.ts";
import { syncRegistry } from "./registry-sync.ts";
import { externalUrl, type ProjectResult } from "./project-ops.ts";
import type { Activation } from "./activate.ts";

export async function finishActivation(a: Activation): Promise<ProjectResult> {
  const { rt, apply } = a;
  const warnings: string[] = [];
  if (a.link?.changed) {
    // A reload that carried the change read the new link; otherwise load it now.
    warnings.push(
      apply?.reloaded
        ? `${rt.settings.projects_snippet_file} now links to ${
          liveSnippetPath(rt.settings.nginx_dir)
        }${a.link.backup ? ` (the previous file is kept as ${a.link.backup})` : ""}`
        : await loadLink(rt, a.link),
    );
  }
  if (!a.routed && rt.settings.projects_mode === "snippet") {
    // Nothing to apply, but the operator's file may have lost its link (see check).
    const link = await linkSnippet(rt.settings);
    if (link.changed) warnings.push(await loadLink(rt, link));
  }
  let external: ProjectResult["checks"]["external"] = a.external;
  if (!external) {
    if (apply?.status === "pending") {
      external = { skipped: "apply_mode is manual: the route is pending until `agent apply`" };
      warnings.push(
        "the route is pending (apply_mode manual): run `agent apply`, then `agent check`",
      );
    } else if (apply?.status === "dry_run" || rt.nginx.dryRun) {
      external = { skipped: "nginx is not installed (dry-run)" };
    } else {
      // Nothing was reloaded (the route was already served): check it now.
      const client = await checkClient(rt.settings.projects_check_ca_file);
      try {
        external = await probe("external", externalUrl(rt, a.next), {
          client,
          insecure: rt.settings.projects_check_insecure,
        });
      } finally {
        client?.close();
      }
      if (!external.ok) {
        warnings.push(`the external hop fails: GET ${external.url}: ${external.error}`);
      }
    }
  }
  const reg = await syncRegistry(rt);
  if (reg) warnings.push(reg);
  return {
    record: a.record,
    created: a.created,
    changed: a.changed,
    apply,
    service: await a.manager.status(a.name),
    checks: { internal: a.internal, external },
    scaffolded: a.scaffolded,
    directory: projectDir(a.next),
    warnings,
  };
}
