// `agent bucket ls|sync|promote|ignore|unroute|orphans|purge` and
// `agent pool node-config|buckets`: the storage API from the command line.
import type { CliIO, Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const enc = encodeURIComponent;

function bucketLine(b: Json): string {
  const flags = [
    b.routed_target_missing ? "TARGET MISSING" : "",
    b.objects !== undefined ? `${b.objects ?? "?"} objects` : "",
  ].filter(Boolean).join(", ");
  return `${b.bucket.padEnd(30)} ${b.status.padEnd(9)} ${(b.served_by ?? "-").padEnd(16)} ${flags}`;
}

function applied(io: CliIO, b: Json, what: string) {
  io.out(`${what} (apply: ${b.apply?.status ?? "unchanged"})`);
}

export const bucketCommand: Command = {
  name: "bucket",
  summary: "S3 buckets of a nanio site: ls, sync, promote, ignore, unroute, orphans, purge",
  usage:
    "bucket ls SITE [--counts] | sync SITE | promote SITE BUCKET --pool P [--allow-orphan] | ignore SITE BUCKET | unroute SITE BUCKET | orphans SITE | purge SITE BUCKET --confirm BUCKET",
  help: `Buckets of a site whose default pool is a nanio pool (S3). Sync lists the
default pool's buckets; promote routes one to a pool (two nginx locations).

  agent bucket ls shop [--counts]            status, serving pool (and object counts)
  agent bucket sync shop                     ListBuckets now: new -> unrouted, gone -> deleted
  agent bucket promote shop photos --pool cold [--allow-orphan]
  agent bucket ignore shop tmp
  agent bucket unroute shop photos           remove the route (through the apply pipeline)
  agent bucket orphans shop                  routed buckets with objects left on the default pool
  agent bucket purge shop photos --confirm photos`,
  flags: [
    { name: "pool", value: true, help: "promote: the target nanio pool" },
    { name: "allow-orphan", value: false, help: "promote: route even if objects stay behind" },
    { name: "counts", value: false, help: "ls: count the objects of each bucket" },
    { name: "confirm", value: true, help: "purge: the bucket name, typed again" },
  ],
  async run(args, io) {
    const [verb = "ls", site, bucket] = args.positionals;
    const needSite = () => {
      if (!site) {
        throw new UsageError(
          `usage: agent bucket ${verb} SITE${
            verb === "ls" || verb === "sync" || verb === "orphans" ? "" : " BUCKET"
          }`,
        );
      }
      return enc(site);
    };
    const needBucket = () => {
      needSite();
      if (!bucket) throw new UsageError(`usage: agent bucket ${verb} SITE BUCKET`);
      return `/api/sites/${enc(site!)}/buckets/${enc(bucket)}`;
    };
    switch (verb) {
      case "ls":
        return await apiCall(
          args,
          io,
          "GET",
          `/api/sites/${needSite()}/buckets${args.flags.counts ? "?fetch_counts=true" : ""}`,
          undefined,
          (r) => {
            io.out(`site ${r.site}, default pool ${r.default_pool ?? "-"}`);
            if (!r.buckets.length) io.out("no buckets known yet: agent bucket sync " + r.site);
            for (const b of r.buckets) io.out(bucketLine(b));
          },
        );
      case "sync":
        return await apiCall(args, io, "POST", `/api/sites/${needSite()}/buckets/sync`, {}, (r) => {
          io.out(`${r.buckets} bucket(s) on pool ${r.pool}`);
          if (r.added.length) io.out(`new (unrouted): ${r.added.join(", ")}`);
          if (r.deleted.length) io.out(`gone (deleted): ${r.deleted.join(", ")}`);
          if (r.reappeared.length) io.out(`back: ${r.reappeared.join(", ")}`);
          if (r.target_missing.length) {
            io.out(`routed but missing on their pool: ${r.target_missing.join(", ")}`);
          }
        });
      case "promote": {
        const path = needBucket();
        if (typeof args.flags.pool !== "string") {
          throw new UsageError("usage: agent bucket promote SITE BUCKET --pool POOL");
        }
        return await apiCall(args, io, "POST", `${path}/promote`, {
          pool: args.flags.pool,
          allow_orphan: args.flags["allow-orphan"] === true,
        }, (r) => {
          applied(io, r, `${r.bucket} routed to ${r.routed_pool}`);
          if (r.orphaned_objects) {
            io.out("objects on the default pool are now orphans: agent bucket orphans " + site);
          }
          if (r.routed_target_missing) {
            io.out(`warning: the bucket does not exist on ${r.routed_pool} yet`);
          }
        });
      }
      case "ignore":
        return await apiCall(
          args,
          io,
          "POST",
          `${needBucket()}/ignore`,
          {},
          (r) => applied(io, r, `${r.bucket} ignored`),
        );
      case "unroute":
        return await apiCall(
          args,
          io,
          "DELETE",
          `${needBucket()}/route`,
          undefined,
          (r) => applied(io, r, `${bucket} unrouted`),
        );
      case "orphans":
        return await apiCall(
          args,
          io,
          "GET",
          `/api/sites/${needSite()}/buckets/orphans`,
          undefined,
          (r) => {
            if (!r.orphans.length) io.out(`no orphans on ${r.default_pool}`);
            for (const o of r.orphans) {
              io.out(
                `${o.bucket.padEnd(30)} ${
                  String(o.objects).padStart(8)
                } object(s) left on ${o.default_pool} (routed to ${o.routed_pool})`,
              );
            }
          },
        );
      case "purge": {
        const path = needBucket();
        if (typeof args.flags.confirm !== "string") {
          throw new UsageError(`usage: agent bucket purge SITE BUCKET --confirm ${bucket}`);
        }
        return await apiCall(args, io, "POST", `${path}/purge-orphan`, {
          confirm: args.flags.confirm,
        }, (r) => {
          io.out(`deleted ${r.deleted} orphan object(s) of ${r.bucket} from ${r.pool}`);
          for (const e of r.errors) io.err(`  error: ${e}`);
        });
      }
      default:
        throw new UsageError(`unknown bucket action "${verb}"`);
    }
  },
};

export const poolCommand: Command = {
  name: "pool",
  summary: "storage views of a pool: node-config, buckets",
  usage:
    "pool node-config POOL MEMBER [--type nanio-only|nginx-only|nginx-nanio] | pool buckets POOL",
  help: `Node configs are rendered only (nothing is deployed): files with path, mode,
owner and content, plus instructions.

  agent pool node-config s3a 10.0.0.5:9000 --type nanio-only
  agent pool node-config s3a 10.0.0.5:9000 --type nginx-nanio --data-dir /srv/nanio
  agent pool buckets s3a                     each bucket: routed | via_default | orphaned | unrouted`,
  flags: [
    { name: "type", value: true, help: "node-config: nanio-only, nginx-only or nginx-nanio" },
    {
      name: "data-dir",
      value: true,
      help: "node-config: nanio's data directory (default /var/lib/nanio)",
    },
  ],
  async run(args, io) {
    const [verb, pool, member] = args.positionals;
    if (verb === "buckets" && pool) {
      return await apiCall(
        args,
        io,
        "GET",
        `/api/pools/${enc(pool)}/buckets/status`,
        undefined,
        (r) => {
          for (const b of r.buckets) {
            io.out(`${b.bucket.padEnd(30)} ${b.status.padEnd(12)} ${b.sites.join(",") || "-"}`);
          }
        },
      );
    }
    if (verb !== "node-config" || !pool || !member) {
      throw new UsageError(
        "usage: agent pool node-config POOL MEMBER [--type T] | agent pool buckets POOL",
      );
    }
    const q = new URLSearchParams();
    if (typeof args.flags.type === "string") q.set("type", args.flags.type);
    if (typeof args.flags["data-dir"] === "string") q.set("data_dir", args.flags["data-dir"]);
    return await apiCall(
      args,
      io,
      "GET",
      `/api/pools/${enc(pool)}/members/${enc(member)}/node-config${q.size ? `?${q}` : ""}`,
      undefined,
      (r) => {
        for (const f of r.files) {
          io.out(`==> ${f.path}  (mode ${f.mode}, owner ${f.owner})`);
          io.out(f.content.trimEnd());
          io.out("");
        }
        io.out("Instructions:");
        for (const i of r.instructions) io.out(`  - ${i}`);
      },
    );
  },
};
