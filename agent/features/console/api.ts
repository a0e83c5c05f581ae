// /api/console: what the web console needs beyond the resource APIs — counts
// for the dashboard, draft previews (with nginx's line mapped to a field),
// Keep edit / Undo edit, a generation's files, log tails, the settings view,
// and manual mode's pending diffs with Discard.
import { Hono } from "hono";
import { z } from "zod";
import { invalid, notFound } from "../../errors.ts";
import { parseWith } from "../../model/validate.ts";
import { actor, jsonBody, param } from "../../api/http.ts";
import { ApiDoc } from "../../api/openapi.ts";
import type { SettingDef } from "../../settings/define.ts";
import { previewDraft } from "./draft.ts";
import { keepEdit, undoEdit } from "./drift-actions.ts";
import { logSources, tailLog } from "./logs.ts";
import { settingsView } from "./settings-view.ts";
import { discardPending, pendingDiffs } from "./pending.ts";
import type { ConsoleRuntime } from "./settings.ts";
import type { ResilienceRuntime } from "../resilience/settings.ts";

export const consoleDocs = new ApiDoc();

const FileBody = z.strictObject({ file: z.string().min(1).max(4096) });
const IdBody = z.strictObject({ id: z.string().min(3).max(300) });
consoleDocs.schema("DriftFileRef", FileBody);
consoleDocs.schema("PendingRef", IdBody);

const ops: [string, string, string, string?][] = [
  ["/api/console/counts", "get", "Number of records of every kind (the dashboard's counts)"],
  [
    "/api/console/preview/{plural}/{name}",
    "post",
    "Render a draft record (the body, as for PUT) without storing it: {file, text, served, diff, changed, mark}; ?line=N maps nginx's line to the field",
  ],
  [
    "/api/console/drift/keep",
    "post",
    "Keep a hand edit: absorb the drifted file into the state, audited with its diff",
    "DriftFileRef",
  ],
  [
    "/api/console/drift/undo",
    "post",
    "Undo a hand edit: rewrite the drifted file from the state and reload, audited with its diff",
    "DriftFileRef",
  ],
  [
    "/api/console/used-by/{plural}",
    "get",
    "Who uses each record of a kind (through the kinds' refs): {used_by: {name: {count, first}}}; ?names=a,b limits it",
  ],
  ["/api/console/generations/{n}/files", "get", "The config files of generation n, as text"],
  ["/api/console/logs", "get", "The log sources the Logs page can tail"],
  [
    "/api/console/logs/{source}",
    "get",
    "The end of a log (?lines=, ?q= filter, ?after= offset to follow, ?download=1)",
  ],
  ["/api/console/settings", "get", "Every setting: value (secrets masked) and where it came from"],
  ["/api/console/pending", "get", "Pending changes (manual mode) with their nginx diffs"],
  [
    "/api/console/pending/discard",
    "post",
    "Discard one pending change: the record goes back to what nginx serves",
    "PendingRef",
  ],
];
for (const [p, m, summary, body] of ops) {
  consoleDocs.describe(p, m, { tag: "console", summary, body });
}

function num(v: string | undefined, name: string, max: number): number | undefined {
  if (v === undefined || v === "") return undefined;
  if (!/^\d{1,15}$/.test(v) || Number(v) > max) {
    throw invalid(name, `must be a number up to ${max}`);
  }
  return Number(v);
}

export function consoleRouter(rt: ConsoleRuntime, rows: readonly SettingDef[]): Hono {
  const r = new Hono();
  const res = rt as unknown as ResilienceRuntime;
  r.get("/counts", async (c) => {
    const counts: Record<string, number> = {};
    for (const k of rt.kinds.list().filter((k) => !k.internal)) {
      counts[k.plural] = (await rt.lists.list(k.name)).length;
    }
    return c.json({ counts });
  });
  r.get("/used-by/:plural", async (c) => {
    const target = rt.kinds.list().find((k) => k.plural === param(c, "plural"));
    if (!target) throw notFound("kind", param(c, "plural"));
    const only = c.req.query("names")?.split(",").filter(Boolean);
    const users = new Map<string, string[]>();
    for (const k of rt.kinds.list().filter((k) => k.refs)) {
      for (const rec of await rt.lists.list(k.name)) {
        const seen = new Set<string>();
        for (const ref of k.refs!(rec as never)) {
          if (ref.kind !== target.name || seen.has(ref.name)) continue;
          if (only && !only.includes(ref.name)) continue;
          seen.add(ref.name);
          const l = users.get(ref.name) ?? [];
          l.push(`${k.name}/${rec.name}`);
          users.set(ref.name, l);
        }
      }
    }
    const used_by: Record<string, { count: number; first: string[] }> = {};
    for (const [n, l] of users) used_by[n] = { count: l.length, first: l.sort().slice(0, 5) };
    return c.json({ used_by });
  });
  r.post("/preview/:plural/:name", async (c) => {
    const line = num(c.req.query("line"), "line", 1_000_000);
    return c.json(
      await previewDraft(rt, param(c, "plural"), param(c, "name"), await jsonBody(c), line),
    );
  });
  r.post("/drift/keep", async (c) => {
    const { file } = parseWith(FileBody, await jsonBody(c));
    return c.json(await keepEdit(res, file, actor(c)));
  });
  r.post("/drift/undo", async (c) => {
    const { file } = parseWith(FileBody, await jsonBody(c));
    return c.json(await undoEdit(res, file, actor(c)));
  });
  r.get("/generations/:n/files", async (c) => {
    const v = param(c, "n");
    if (!/^\d{1,9}$/.test(v)) throw invalid("n", "must be a generation number");
    const n = Number(v);
    let files: Map<string, string>;
    try {
      files = await rt.generations.confFiles(n);
    } catch {
      throw notFound("generation", v);
    }
    const manifest = await rt.generations.manifest(n);
    return c.json({
      generation: n,
      cause: manifest.cause ?? null,
      files: [...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, text]) => ({
        file,
        text,
      })),
    });
  });
  r.get("/logs", async (c) => c.json({ sources: await logSources(rt) }));
  r.get("/logs/:source", async (c) => {
    const tail = await tailLog(rt, param(c, "source"), {
      after: num(c.req.query("after"), "after", Number.MAX_SAFE_INTEGER),
      lines: num(c.req.query("lines"), "lines", 5000),
      q: c.req.query("q"),
    });
    if (c.req.query("download")) {
      c.header(
        "Content-Disposition",
        `attachment; filename="${tail.source.replace(/\W/g, "_")}.log"`,
      );
      return c.text(tail.lines.join("\n") + (tail.lines.length ? "\n" : ""));
    }
    return c.json(tail);
  });
  r.get("/settings", async (c) => c.json(await settingsView(rt, rows)));
  r.get("/pending", async (c) => c.json(await pendingDiffs(rt)));
  r.post("/pending/discard", async (c) => {
    const { id } = parseWith(IdBody, await jsonBody(c));
    return c.json(await discardPending(rt, id, actor(c)));
  });
  return r;
}
