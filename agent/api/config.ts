// /api/config: status, validate, apply, reload, previews and generations.
import { Hono } from "hono";
import { AgentError, notFound } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { confFileName } from "../render/tree.ts";
import { actor, param } from "./http.ts";
import { appendAudit } from "../store/audit.ts";

export async function nginxStatus(rt: Runtime) {
  const pid = await rt.nginx.masterPid();
  const procs = await rt.nginx.workers();
  // Old workers drain in the background after a reload (reload_probe answers before they stop).
  const draining = procs.filter((w) => w.title.includes("shutting down")).length;
  return {
    installed: !rt.nginx.dryRun,
    running: pid !== null,
    pid,
    version: rt.nginxVersion,
    last_reload_at: rt.reconciler.lastReloadAt,
    reloads: rt.reconciler.reloads,
    workers: procs.filter((w) => w.title.includes("worker process")).length - draining,
    workers_draining: draining,
    // Reload-free upstreams: the mode, and while active the pools nginx's memory holds.
    lua_upstreams: rt.reconciler.deps.peers?.status() ?? rt.reconciler.deps.lua ?? null,
  };
}

/** `sections`: what features add to the status (drift, ...), from `host.status`. */
export function configRouter(
  rt: Runtime,
  sections: readonly [string, (rt: Runtime) => Promise<unknown>][] = [],
): Hono {
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
      retry: rt.reconciler.retry.status,
      warnings: rt.warnings,
      scheduler: rt.scheduler.status(),
      ...Object.fromEntries(
        await Promise.all(sections.map(async ([k, fn]) => [k, await fn(rt)])),
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
    // A reload loads whatever is on disk, hand edits included: it is audited.
    await appendAudit(rt.store.kv, {
      at: new Date().toISOString(),
      actor: actor(c),
      action: "nginx.reload",
      entity: { kind: "nginx", name: "reload" },
      before: null,
      after: null,
      outcome: res.ok ? "reloaded" : "failed",
      message: res.ok ? "nginx reloaded on request" : `nginx reload failed: ${res.output}`,
      generation: rt.reconciler.currentGeneration,
    });
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
  // Every kind that renders a file of its own can be previewed.
  for (const { name: kind, plural } of rt.kinds.list().filter((k) => k.render)) {
    r.get(`/preview/${plural}/:name`, async (c) => {
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
