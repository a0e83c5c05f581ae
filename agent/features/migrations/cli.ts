// `agent migrate start|ls|show|watch|cancel` and `agent orphaned list|purge`:
// the migrations API from the command line. `watch` redraws a progress bar on
// a TTY and prints one line per change otherwise.
import type { CliIO, Command } from "../../cli/command.ts";
import { UsageError } from "../../cli/command.ts";
import { apiCall, printError } from "../../cli/api-commands.ts";
import { requestOnce } from "../../cli/client.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const enc = encodeURIComponent;
const TERMINAL = ["done", "error", "cancelled"];

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** `[#####-----] 52% copying pass 2, 120/230 objects, 3.1 MiB/s, ETA 12s` */
export function progressLine(m: Json, width = 30): string {
  const p = m.progress ?? {};
  const frac = m.phase === "done"
    ? 1
    : p.total_bytes
    ? Math.min(1, p.bytes / p.total_bytes)
    : p.total_objects
    ? Math.min(1, p.objects / p.total_objects)
    : 0;
  const fill = Math.round(frac * width);
  const bar = `[${"#".repeat(fill)}${"-".repeat(width - fill)}] ${
    String(Math.round(frac * 100)).padStart(3)
  }%`;
  const parts = [
    `${m.phase}${p.pass ? ` pass ${p.pass}` : ""}`,
    p.total_objects ? `${p.objects}/${p.total_objects} objects` : "",
    p.total_bytes ? `${mib(p.bytes)}/${mib(p.total_bytes)}` : "",
    p.rate ? `${mib(p.rate)}/s` : "",
    p.eta !== null && p.eta !== undefined && m.phase === "copying" ? `ETA ${p.eta}s` : "",
    p.waiting_for?.length ? `waiting for ${p.waiting_for.join("; ")}` : "",
  ].filter(Boolean);
  return `${bar} ${parts.join(", ")}`;
}

function line(m: Json): string {
  return `${m.id.padEnd(32)} ${m.bucket.padEnd(20)} ${m.src} -> ${m.dst}  ${
    m.mode.padEnd(4)
  } ${m.phase}`;
}

async function watch(args: Json, io: CliIO, id: string): Promise<number> {
  const tty = Deno.stdout.isTerminal() && !io.env.NO_TTY;
  let last = "";
  while (true) {
    const r = await requestOnce(io, args.flags, "GET", `/api/migrations/${enc(id)}`);
    if (r.status >= 400) return printError(io, r.status, r.body);
    const m = r.body as Json;
    const text = progressLine(m);
    if (tty) {
      Deno.stdout.writeSync(new TextEncoder().encode(`\r\x1b[2K${text}`));
    } else if (text !== last) io.out(text);
    last = text;
    if (TERMINAL.includes(m.phase)) {
      if (tty) io.out("");
      if (m.error) io.out(`error: ${m.error}`);
      return m.phase === "done" || m.phase === "cancelled" ? 0 : 1;
    }
    await new Promise((res) => setTimeout(res, Number(args.flags.interval ?? 1) * 1000));
  }
}

export const migrateCommand: Command = {
  name: "migrate",
  summary: "bucket migrations between nanio pools: start, ls, show, watch, cancel",
  usage:
    "migrate start SITE BUCKET --from SRC --to DST [--mode copy|sync] [--read-order source_first|destination_first] [--force] | ls | show ID | watch ID | cancel ID [--force]",
  help: `Moves a bucket between nanio pools with rclone while clients keep using it.

  agent migrate start shop photos --from hot --to cold [--mode sync --force]
  agent migrate ls                      every migration and its phase
  agent migrate show ID                 phase, passes, progress, log
  agent migrate watch ID                a live progress bar until the migration ends
  agent migrate cancel ID [--force]     abort (after the split: copy client writes back)`,
  flags: [
    { name: "from", value: true, help: "start: the source pool" },
    { name: "to", value: true, help: "start: the destination pool" },
    { name: "mode", value: true, help: "start: copy (default) or sync" },
    { name: "read-order", value: true, help: "start: source_first (default) or destination_first" },
    {
      name: "force",
      value: false,
      help: "start: sync into a non-empty bucket; cancel: skip the copy back",
    },
    { name: "interval", value: true, help: "watch: seconds between refreshes (default 1)" },
  ],
  async run(args, io) {
    const [verb = "ls", a, b] = args.positionals;
    const need = (v: string | undefined, what: string) => {
      if (!v) throw new UsageError(`usage: agent migrate ${verb} ${what}`);
      return v;
    };
    switch (verb) {
      case "start": {
        const site = need(a, "SITE BUCKET --from SRC --to DST");
        const bucket = need(b, "SITE BUCKET --from SRC --to DST");
        if (typeof args.flags.from !== "string" || typeof args.flags.to !== "string") {
          throw new UsageError("usage: agent migrate start SITE BUCKET --from SRC --to DST");
        }
        return await apiCall(args, io, "POST", "/api/migrations", {
          site,
          bucket,
          src_pool: args.flags.from,
          dst_pool: args.flags.to,
          ...(args.flags.mode ? { mode: args.flags.mode } : {}),
          ...(args.flags["read-order"] ? { read_order: args.flags["read-order"] } : {}),
          force: args.flags.force === true,
        }, (r) => {
          io.out(`migration ${r.id} started: ${r.bucket} ${r.src} -> ${r.dst} (${r.mode})`);
          for (const w of r.cascade_warnings ?? []) io.out(`warning: ${w}`);
          io.out(`follow it: agent migrate watch ${r.id}`);
        });
      }
      case "ls":
        return await apiCall(args, io, "GET", "/api/migrations", undefined, (r) => {
          if (!r.migrations.length) io.out("no migrations");
          for (const m of r.migrations) io.out(line(m));
        });
      case "show":
        return await apiCall(
          args,
          io,
          "GET",
          `/api/migrations/${enc(need(a, "ID"))}/log`,
          undefined,
          (r) => {
            io.out(`${r.id}: ${r.phase}`);
            for (const p of r.passes) {
              io.out(
                `  ${p.phase} pass ${p.n}: ${p.transferred} transferred, ${p.bytes} bytes, ${p.errors} errors${
                  p.missing !== undefined ? `, ${p.missing} missing, ${p.differ} differ` : ""
                }`,
              );
            }
            for (const l of r.log) io.out(`  ${l}`);
          },
        );
      case "watch":
        return await watch(args, io, need(a, "ID"));
      case "cancel":
        return await apiCall(
          args,
          io,
          "POST",
          `/api/migrations/${enc(need(a, "ID"))}/cancel${args.flags.force ? "?force=true" : ""}`,
          {},
          (r) =>
            io.out(`cancel of ${r.id} requested (phase ${r.phase}): agent migrate watch ${r.id}`),
        );
      default:
        throw new UsageError(`unknown verb ${verb}: ${migrateCommand.usage}`);
    }
  },
};

export const orphanedCommand: Command = {
  name: "orphaned",
  summary: "source copies left by finished migrations: list, purge",
  usage: "orphaned list | purge ID --yes",
  help: `A finished migration never deletes its source; the copy left there is listed here.

  agent orphaned list
  agent orphaned purge ID --yes     delete it (refused while the bucket is live there or migrating)`,
  flags: [{ name: "yes", value: false, help: "purge: confirm the deletion" }],
  async run(args, io) {
    const [verb = "list", id] = args.positionals;
    if (verb === "list") {
      return await apiCall(args, io, "GET", "/api/migrations/orphaned", undefined, (r) => {
        if (!r.orphaned.length) io.out("no orphaned source copies");
        for (const o of r.orphaned) {
          io.out(`${o.id.padEnd(32)} ${o.bucket} on ${o.pool} (since ${o.at}; now on ${o.now_on})`);
        }
      });
    }
    if (verb !== "purge" || !id) throw new UsageError(`usage: agent ${orphanedCommand.usage}`);
    if (args.flags.yes !== true) {
      throw new UsageError("purge deletes objects: add --yes to confirm");
    }
    const m = await requestOnce(io, args.flags, "GET", `/api/migrations/${enc(id)}`);
    if (m.status >= 400) return printError(io, m.status, m.body);
    const bucket = (m.body as Json).orphaned_source?.bucket ?? (m.body as Json).bucket;
    return await apiCall(args, io, "POST", `/api/migrations/orphaned/${enc(id)}/purge`, {
      confirm: bucket,
    }, (r) => io.out(`purged ${r.deleted} object(s) of ${r.bucket} from ${r.pool}`));
  },
};
