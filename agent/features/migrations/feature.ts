// The migrations feature: moves a bucket between nanio pools with rclone while
// clients keep reading and writing through nginx (split routing), resumable at
// its persisted phase, cancellable, and never deleting the source.
import type { Feature } from "../../host.ts";
import { STORAGE_SETTINGS } from "../storage/mod.ts";
import { startMigration } from "./start.ts";
import { BUCKET_MIGRATOR, MIGRATION_GUARD } from "../storage/mod.ts";
import { isTerminal, migrationKind } from "./kind.ts";
import { MIGRATION_SETTINGS } from "./settings.ts";
import { migrationSplitExtension } from "./split.ts";
import { migrationsDocs, migrationsRouter } from "./api.ts";
import { MigrationEngine, MIGRATIONS } from "./engine.ts";
import { type Barrier, MIGRATION_FLEET, SingleHostBarrier } from "./barrier.ts";
import { runOnController } from "./runner.ts";
import { migrationRebuildSource } from "./rebuild-source.ts";
import { listMigrations, sidecarDir } from "./records.ts";
import { migrateCommand, orphanedCommand } from "./cli.ts";
import { NODE_MIRRORS, NodeMirrorSettler } from "./node-mirrors.ts";

export const migrationsFeature: Feature = {
  name: "migrations",
  setup(host) {
    const h = host.settings(MIGRATION_SETTINGS).uses(STORAGE_SETTINGS);
    h.kind(migrationKind);
    h.render(migrationSplitExtension);
    h.route({ prefix: "migrations", make: migrationsRouter, docs: migrationsDocs });
    h.rebuildSource(migrationRebuildSource);
    // nginx logs a split's mirrored deletes under data_dir/migrations on every gateway, so
    // the directory must exist on each (not only where a record was first written): else
    // `nginx -t` refuses the split there (open() failed).
    h.init(async (rt) => {
      await Deno.mkdir(sidecarDir(rt), { recursive: true });
    });
    h.provide(MIGRATIONS, (rt) => {
      // In a fleet the barrier is every gateway's, and only the controller runs (looked up
      // when used: the fleet's service may be made after this one).
      const fleet = () => rt.tryUse(MIGRATION_FLEET) ?? null;
      const single = new SingleHostBarrier(rt.nginx, () => rt.reconciler.currentGeneration);
      const barrier: Barrier = { wait: (g, o) => (fleet()?.barrier ?? single).wait(g, o) };
      return new MigrationEngine(rt, barrier, () => fleet()?.leading() ?? true);
    });
    h.provide(NODE_MIRRORS, (rt) => new NodeMirrorSettler(rt, rt.log));
    h.provide(MIGRATION_GUARD, (rt) => async (site: string, bucket: string) => {
      const m = (await listMigrations(rt)).find((x) =>
        x.site === site && x.bucket === bucket && !isTerminal(x.phase)
      );
      return m ? `migration ${m.name} is ${m.phase}` : null;
    });
    h.provide(BUCKET_MIGRATOR, (rt) => async (req, actor) => {
      const res = await startMigration(rt, { ...req, mode: "copy" }, actor);
      await rt.use(MIGRATIONS).kick();
      return {
        id: res.migration.name,
        phase: res.migration.phase,
        cascade_warnings: res.cascade_warnings,
      };
    });
    h.status("migrations", async (rt) => {
      const all = await listMigrations(rt);
      return {
        total: all.length,
        active: all.filter((m) => !isTerminal(m.phase)).map((m) => ({
          id: m.name,
          bucket: m.bucket,
          phase: m.phase,
        })),
        orphaned: all.filter((m) => m.phase === "done" && m.orphaned_source && !m.purged).length,
      };
    });
    // serve: resume every non-terminal migration at its persisted phase (a fleet: on its controller).
    h.start(async (rt) => {
      const e = rt.use(MIGRATIONS);
      const fleet = rt.tryUse(MIGRATION_FLEET);
      if (fleet) return runOnController(e, fleet, rt.log);
      await e.kick();
      return () => e.stop();
    });
    h.command(migrateCommand, orphanedCommand);
  },
};
