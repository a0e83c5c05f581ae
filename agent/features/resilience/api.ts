// /api/config endpoints of the resilience feature: drift, absorb and rewrite of
// managed files, rebuild from disk, backups and restores, generation diffs and
// rollbacks. Mounted next to the core config router.
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { AgentError, invalid } from "../../errors.ts";
import { parseWith } from "../../model/validate.ts";
import { actor, jsonBody, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import { runDriftCheck } from "./drift-run.ts";
import { absorbFile } from "./absorb.ts";
import { rewriteFiles } from "./rewrite.ts";
import { rebuildFromDisk } from "./rebuild.ts";
import { restoreBackup } from "./restore.ts";
import { diffGenerations, rollback } from "./history.ts";
import { takeBackup } from "./backup-job.ts";
import type { ResilienceRuntime } from "./settings.ts";

/** The endpoints of this router, for /api/openapi.json. */
export const resilienceDocs = new ApiDoc();

const PathBody = z.strictObject({ path: z.string().min(1).max(4096) });
const RestoreBody = z.strictObject({
  path: z.string().min(1).max(4096),
  dry_run: z.boolean().default(false),
});
resilienceDocs.schema("ManagedFile", PathBody);
resilienceDocs.schema("RestoreRequest", RestoreBody);

const ops: [string, string, string, string?][] = [
  [
    "/api/config/drift",
    "get",
    "Check managed files for drift now (hash, diff, include line, nginx)",
  ],
  [
    "/api/config/absorb-file",
    "post",
    "Import a hand-edited pool or site file into the state",
    "ManagedFile",
  ],
  [
    "/api/config/rewrite-file",
    "post",
    "Restore a drifted managed file from the state and reload",
    "ManagedFile",
  ],
  [
    "/api/config/rebuild",
    "post",
    "Apply pending changes, restore every drifted file, reload nginx",
  ],
  [
    "/api/config/rebuild-from-disk",
    "post",
    "Rebuild the state from the current generation's sidecars (?force=true, ?dry_run=true, ?start_empty=true)",
  ],
  ["/api/config/backup", "post", "Write a state backup now (rotated)"],
  [
    "/api/config/restore",
    "post",
    "Restore the state from a backup file on the agent's host",
    "RestoreRequest",
  ],
  ["/api/config/generations/{a}/diff/{b}", "get", "Differences between two generations"],
  [
    "/api/config/generations/{n}/rollback",
    "post",
    "Make generation n current again (a new generation)",
  ],
];
for (const [p, m, summary, body] of ops) {
  resilienceDocs.describe(p, m, { tag: "config", summary, body });
}

function flag(c: Context, name: string): boolean {
  const v = c.req.query(name);
  if (v === undefined) return false;
  if (/^(1|true|yes|)$/i.test(v)) return true;
  if (/^(0|false|no)$/i.test(v)) return false;
  throw invalid(name, `expected true or false, got ${JSON.stringify(v)}`);
}

function generationParam(c: Context, name: string): number {
  const v = param(c, name);
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw invalid(name, "must be a generation number");
  return Number(v);
}

export function resilienceRouter(rt: ResilienceRuntime): Hono {
  const r = new Hono();
  r.get("/drift", async (c) => c.json(await runDriftCheck(rt)));
  r.post("/absorb-file", async (c) => {
    const { path } = parseWith(PathBody, await jsonBody(c));
    const res = await absorbFile(rt, path, actor(c));
    return c.json({
      file: res.file,
      entity: res.entity,
      changed: res.changed,
      message: res.message,
      record: res.record,
      apply: res.apply ?? { status: "unchanged" },
    });
  });
  r.post("/rewrite-file", async (c) => {
    const { path } = parseWith(PathBody, await jsonBody(c));
    return c.json(await rewriteFiles(rt, [path]));
  });
  r.post("/rebuild", async (c) => {
    const apply = await rt.reconciler.applyNow();
    const rewrite = await rewriteFiles(rt, "all");
    let reloaded = rewrite.reloaded;
    let output = rewrite.output;
    if (!reloaded && !rt.nginx.dryRun && (await rt.nginx.masterPid()) !== null) {
      const res = await rt.reconciler.reloadNow();
      if (!res.ok) {
        throw new AgentError("NGINX_RELOAD_FAILED", `nginx reload failed: ${res.output}`, {
          nginx_output: res.output,
        });
      }
      reloaded = true;
      output = res.output;
    }
    return c.json({ apply, files: rewrite.files, reloaded, output });
  });
  r.post("/rebuild-from-disk", async (c) => {
    if (flag(c, "start_empty")) {
      const was = rt.reconciler.release();
      return c.json({
        start_empty: true,
        message: was
          ? "the empty state is kept: the next apply removes every managed site from nginx"
          : "no hold was active",
      });
    }
    return c.json(
      await rebuildFromDisk(rt, {
        dryRun: flag(c, "dry_run"),
        force: flag(c, "force"),
        actor: actor(c),
      }),
    );
  });
  r.post("/backup", async (c) => c.json(await takeBackup(rt, { onlyIfChanged: false })));
  r.post("/restore", async (c) => {
    const body = parseWith(RestoreBody, await jsonBody(c));
    if (!body.path.startsWith("/")) {
      throw invalid("path", "must be an absolute path on the agent's host");
    }
    return c.json(await restoreBackup(rt, body.path, { dryRun: body.dry_run, actor: actor(c) }));
  });
  r.get("/generations/:a/diff/:b", async (c) =>
    c.json(
      await diffGenerations(rt.generations, generationParam(c, "a"), generationParam(c, "b")),
    ));
  r.post(
    "/generations/:n/rollback",
    async (c) => c.json(await rollback(rt, generationParam(c, "n"), actor(c))),
  );
  return r;
}
