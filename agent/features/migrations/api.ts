// /api/migrations: start (pre-flight), list and show with live progress, the
// per-migration log, cancel (abort to source after the split), stale and
// orphaned lists, and the purge of an orphaned source.
import { Hono } from "hono";
import { actor, jsonBody, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import {
  orphanedList,
  purgeOrphaned,
  staleMigrations,
  startMigration,
  StartSchema,
} from "./start.ts";
import { getMigration, listMigrations, type MigrationRec } from "./records.ts";
import { type MigrationEngine, MIGRATIONS, newProgress } from "./engine.ts";
import type { MigrationRuntime } from "./settings.ts";
import { MIGRATION_FLEET } from "./barrier.ts";
import { isTerminal } from "./kind.ts";

export const migrationsDocs = new ApiDoc();
migrationsDocs.schema("MigrationStart", StartSchema);
const d = (path: string, method: "get" | "post", summary: string, body?: string) =>
  migrationsDocs.describe(path, method, { tag: "migrations", summary, ...(body ? { body } : {}) });
d(
  "/api/migrations",
  "get",
  "List migrations with phase, pass, bytes/objects, rate, ETA and waiting_for",
);
d(
  "/api/migrations",
  "post",
  "Start a bucket migration (pre-flight refusals name the field; 201 with cascade_warnings)",
  "MigrationStart",
);
d(
  "/api/migrations/{id}",
  "get",
  "One migration with its passes and live progress (waiting_for names the gateways a barrier waits for); in a fleet, runner: the node that runs it",
);
d("/api/migrations/{id}/log", "get", "The migration's own log, with every pass's figures");
d(
  "/api/migrations/{id}/cancel",
  "post",
  "Cancel: before the split stop; after it abort to source (?force=true skips copying client writes back and lists them)",
);
d(
  "/api/migrations/stale",
  "get",
  "Non-terminal migrations whose pools have no enabled member or whose source bucket vanished",
);
d("/api/migrations/orphaned", "get", "Source copies left by finished migrations");
d(
  "/api/migrations/orphaned/{id}/purge",
  "post",
  "Delete an orphaned source copy (body {confirm: bucket}; refused while live or migrating)",
);

/**
 * Which node runs the fleet's non-terminal migrations (the controller; its
 * progress, waiting_for among it, is live on that node's API). kv: none shown.
 */
async function runnerOf(rt: MigrationRuntime): Promise<{ runner?: string | null }> {
  const fleet = rt.tryUse(MIGRATION_FLEET);
  if (!fleet) return {};
  return { runner: await fleet.runner().catch(() => null) };
}

const withRunner = (v: ReturnType<typeof view>, r: { runner?: string | null }) =>
  r.runner === undefined || isTerminal(v.phase) ? v : { ...v, runner: r.runner };

/** On a node that does not run it: the runner's live progress, as it shares it (about 1 s old). */
async function runnersProgress(
  rt: MigrationRuntime,
  engine: MigrationEngine,
  v: ReturnType<typeof view>,
): Promise<ReturnType<typeof view>> {
  const fleet = rt.tryUse(MIGRATION_FLEET);
  if (!fleet || isTerminal(v.phase) || engine.progress(v.id)) return v;
  const text = await fleet.sharedProgress(v.id).catch(() => null);
  if (!text) return v;
  const { runner: _r, ...p } = JSON.parse(text);
  return { ...v, progress: { ...v.progress, ...p, phase: v.phase } };
}

/** A migration as the API shows it: the record, its progress, no log. */
export function view(engine: MigrationEngine, m: MigrationRec) {
  const { log: _l, ...rest } = m;
  const p = engine.progress(m.name) ?? newProgress(m.phase);
  const last = m.passes.at(-1);
  return {
    id: m.name,
    ...rest,
    progress: {
      ...p,
      phase: m.phase,
      pass: p.pass || (last?.n ?? 0),
      ...(p.bytes || p.objects ? {} : { bytes: last?.bytes ?? 0, objects: last?.transferred ?? 0 }),
    },
  };
}

export function migrationsRouter(rt: MigrationRuntime): Hono {
  const r = new Hono();
  const engine = () => rt.use(MIGRATIONS);
  r.get("/", async (c) => {
    const all = await listMigrations(rt);
    const run = all.some((m) => !isTerminal(m.phase)) ? await runnerOf(rt) : {};
    return c.json({ migrations: all.map((m) => withRunner(view(engine(), m), run)) });
  });
  r.post("/", async (c) => {
    const res = await startMigration(rt, await jsonBody(c), actor(c));
    await engine().kick();
    return c.json(
      { ...view(engine(), res.migration), cascade_warnings: res.cascade_warnings },
      201,
    );
  });
  r.get("/stale", async (c) => c.json(await staleMigrations(rt)));
  r.get("/orphaned", async (c) => c.json(await orphanedList(rt)));
  r.post(
    "/orphaned/:id/purge",
    async (c) => c.json(await purgeOrphaned(rt, param(c, "id"), await jsonBody(c), actor(c))),
  );
  r.get("/:id", async (c) => {
    const m = await getMigration(rt, param(c, "id"));
    const v = withRunner(view(engine(), m), isTerminal(m.phase) ? {} : await runnerOf(rt));
    return c.json(await runnersProgress(rt, engine(), v));
  });
  r.get("/:id/log", async (c) => {
    const m = await getMigration(rt, param(c, "id"));
    return c.json({ id: m.name, phase: m.phase, log: m.log, passes: m.passes });
  });
  r.post("/:id/cancel", async (c) => {
    const force = c.req.query("force") === "true";
    const m = await engine().cancel(param(c, "id"), force, actor(c));
    return c.json(view(engine(), m), 202);
  });
  return r;
}
