// /api/config: status, validate, apply, reload, previews and generations.
import { Hono } from "hono";
import { AgentError, notFound } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { confFileName } from "../render/tree.ts";
import { param } from "./http.ts";

export async function nginxStatus(rt: Runtime) {
  const pid = await rt.nginx.masterPid();
  return {
    installed: !rt.nginx.dryRun,
    running: pid !== null,
    pid,
    version: rt.nginxVersion,
    last_reload_at: rt.reconciler.lastReloadAt,
    reloads: rt.reconciler.reloads,
  };
}

/** Extra sections of GET /api/config/status that features add (e.g. drift). */
const statusSections = new WeakMap<Runtime, Map<string, () => Promise<unknown>>>();

export function addStatusSection(rt: Runtime, name: string, fn: () => Promise<unknown>): void {
  if (!statusSections.has(rt)) statusSections.set(rt, new Map());
  statusSections.get(rt)!.set(name, fn);
}

export function configRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/status", async (c) => {
    const pending = await rt.reconciler.pending();
    return c.json({
      generation: rt.reconciler.currentGeneration,
      config_hash: rt.reconciler.currentHash,
      apply_mode: rt.settings.apply_mode,
      pending,
      pending_count: pending.length,
      nginx: await nginxStatus(rt),
      last_apply: rt.reconciler.lastApply,
      warnings: rt.warnings,
      ...Object.fromEntries(
        await Promise.all(
          [...(statusSections.get(rt) ?? [])].map(async ([k, fn]) => [k, await fn()]),
        ),
      ),
    });
  });
  r.post("/validate", async (c) => c.json(await rt.reconciler.validateDesired()));
  r.post("/apply", async (c) => {
    const outcome = await rt.reconciler.applyNow();
    if (outcome.status === "failed" && outcome.refused.length) {
      const first = outcome.refused[0];
      throw new AgentError(first.code, first.message, { outcome });
    }
    return c.json(outcome);
  });
  r.post("/reload", async (c) => {
    const res = await rt.reconciler.reloadNow();
    if (!res.ok) {
      throw new AgentError("NGINX_RELOAD_FAILED", `nginx reload failed: ${res.output}`, {
        nginx_output: res.output,
      });
    }
    return c.json({
      reloaded: true,
      generation: rt.reconciler.currentGeneration,
      output: res.output,
    });
  });
  for (const kind of ["site", "pool"]) {
    r.get(`/preview/${kind}s/:name`, async (c) => {
      const name = param(c, "name");
      if (!(await rt.store.get(kind, name))) throw notFound(kind, name);
      const { files } = await rt.reconciler.renderDesired();
      const f = files.find((x) => x.name === confFileName(kind, name));
      if (!f) throw notFound(`${kind} file`, name);
      return c.text(f.text);
    });
  }
  r.get("/generations", async (c) => c.json({ generations: await rt.generations.list() }));
  return r;
}
