// The routing of a migrating bucket, a pure function of the persisted phase
// (D17): copying keeps the source route; write_routing and verifying render the
// split (writes to the destination, reads from one pool with a 404 fallback to
// the other, DELETE and DeleteObjects mirrored to the source so deletes stay
// deleted (D5), parts of uploads begun on the source kept there (D9));
// aborting renders the split reversed while client writes are copied back;
// switching and done: the bucket record already names the destination.
import type { Rec } from "../../store/store.ts";
import { type RenderedFile, type RenderExtension, StateView } from "../../render/files.ts";
import type { BucketRoute } from "../../kinds/site/render-s3.ts";
import { s3ProxyLines } from "../../kinds/site/render-s3.ts";
// Split pools are nanio pools, which never share an upstream (render/upstreams.ts).
import { upstreamName } from "../../kinds/pool/render.ts";
import { MIGRATION_KIND, type MigrationSpec } from "./kind.ts";

export const SPLIT_FILE = "migrations-split.conf";
const MIRROR_FORMAT = "sy_mig_mirror";

/**
 * Where nginx logs the mirrored deletes of one migration (read by mirror-log.ts):
 * those to the source during the split, and, in their own file, those to the
 * destination while aborting (the log does not say where a line's delete went).
 */
export const mirrorLogPath = (dataDir: string, id: string, reversed = false) =>
  `${dataDir}/migrations/${id}.${reversed ? "abort-mirror" : "mirror"}.log`;

export interface Split {
  id: string;
  /** Where writes (PUT, POST, multipart) go. */
  write: string;
  /** The pool reads try first; a 404 falls back to `fallback`. */
  readFirst: string;
  fallback: string;
  /** Pool that gets a mirror of every delete (the one writes no longer reach). */
  mirror: string;
  /** Upload IDs whose parts stay on the `mirror` pool (begun there before the split). */
  uploads: string[];
  /** Keys whose writes are refused with 503 SlowDown while a copy writes them (hold.ts). */
  held: string[];
  /** Every write to the bucket is held. */
  holdAll: boolean;
}

/** The split a phase renders, or null (the plain route of the bucket record). */
export function splitOf(m: MigrationSpec): Split | null {
  const id = m.name.replace(/[^a-z0-9]/g, "_");
  if (m.phase === "write_routing" || m.phase === "verifying") {
    const dstFirst = m.read_order === "destination_first";
    return {
      id,
      write: m.dst,
      readFirst: dstFirst ? m.dst : m.src,
      fallback: dstFirst ? m.src : m.dst,
      mirror: m.src,
      uploads: m.mpu_on_src,
      ...held(m),
    };
  }
  if (m.phase === "aborting") {
    return {
      id,
      write: m.src,
      readFirst: m.src,
      fallback: m.dst,
      mirror: m.dst,
      uploads: [],
      ...held(m),
    };
  }
  return null;
}

const held = (m: MigrationSpec) => ({ held: m.held ?? [], holdAll: m.hold_all ?? false });
const proxyTo = (pool: string) => s3ProxyLines(pool);
const mpuVar = (s: Split) => `$sy_mig_${s.id}_mpu`;
const holding = (s: Split) => s.holdAll || s.held.length > 0;

const SLOW_DOWN = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>' +
  "<Message>a bucket migration is copying this key; retry</Message></Error>";

/** A map regex matching exactly the $uri of one key (\Q..\E quotes it), as nginx config text. */
export function heldKeyPattern(bucket: string, key: string): string {
  const re = `~^\\Q/${bucket}/${key.replaceAll("\\E", "\\E\\\\E\\Q")}\\E$`;
  return `"${re.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** The body of both bucket locations during a split, and its server-level locations. */
export function splitRoute(b: BucketRoute, s: Split, mirrorLog?: string): BucketRoute {
  const n = `sy_mig_${s.id}`;
  const body = [
    `# migration ${s.id}: writes -> ${s.write}, reads ${s.readFirst} then ${s.fallback}, deletes mirrored to ${s.mirror}`,
    ...(holding(s)
      ? [`error_page 423 = @${n}_held;`, `if ($sy_mig_${s.id}_hold) { return 423; }`]
      : []),
    `error_page 418 = @${n}_write;`,
    `error_page 419 = @${n}_delete;`,
    ...(s.uploads.length
      ? [`error_page 420 = @${n}_mpu;`, `if (${mpuVar(s)}) { return 420; }`]
      : []),
    "if ($sy_is_delete) { return 419; }",
    "if ($request_method !~ ^(GET|HEAD|OPTIONS)$) { return 418; }",
    "proxy_intercept_errors on;",
    `error_page 404 = @${n}_fallback;`,
    ...proxyTo(s.readFirst),
  ];
  const mirrorLines = proxyTo(s.mirror).map((l) =>
    l.startsWith("proxy_pass ") ? `proxy_pass http://${upstreamName(s.mirror)}$request_uri;` : l
  );
  return {
    ...b,
    body,
    extra: [
      { match: `@${n}_write`, directives: proxyTo(s.write) },
      { match: `@${n}_fallback`, directives: proxyTo(s.fallback) },
      ...(s.uploads.length ? [{ match: `@${n}_mpu`, directives: proxyTo(s.mirror) }] : []),
      ...(holding(s)
        ? [{
          match: `@${n}_held`,
          directives: [
            "default_type application/xml;",
            "add_header Retry-After 1 always;",
            `return 503 '${SLOW_DOWN}';`,
          ],
        }]
        : []),
      {
        match: `@${n}_delete`,
        // In memory, so a failed DeleteObjects mirror logs the keys it named.
        directives: [
          `mirror /_sy_mirror/${s.id};`,
          "client_body_buffer_size 1m;",
          ...proxyTo(s.write),
        ],
      },
      // The mirrored delete carries the client's SigV4 headers unchanged (same user and region, D19).
      // Each one is logged: a delete the source did not take would come back (mirror-log.ts).
      {
        match: `/_sy_mirror/${s.id}`,
        directives: [
          "internal;",
          ...(mirrorLog ? ["log_subrequest on;", `access_log ${mirrorLog} ${MIRROR_FORMAT};`] : []),
          ...mirrorLines,
        ],
      },
    ],
  };
}

/** Writes to held keys (and DeleteObjects, whose body may name one) answer 503 SlowDown. */
function holdMaps(s: Split, bucket: string): string[] {
  if (!holding(s)) return [];
  return [
    `map $uri $sy_mig_${s.id}_key {`,
    `    default ${s.holdAll ? 1 : 0};`,
    ...(s.holdAll ? [] : s.held.map((k) => `    ${heldKeyPattern(bucket, k)} 1;`)),
    "}",
    `map "$request_method:$sy_mig_${s.id}_key:$sy_is_delete" $sy_mig_${s.id}_hold {`,
    "    ~^(GET|HEAD|OPTIONS):  0;",
    "    ~^[A-Z]+:1:            1;",
    "    ~^POST:0:1$            1;",
    "    default                0;",
    "}",
  ];
}

function splitMaps(splits: { m: MigrationSpec; s: Split }[], logs: boolean): string {
  const lines = [
    "# Managed by Switchyard: bucket migrations in their split (deletes are mirrored).",
    ...(logs
      ? [
        `log_format ${MIRROR_FORMAT} escape=json '$status $request_method "$request_uri" "$request_body"';`,
      ]
      : []),
    'map "$request_method:$args" $sy_is_delete {',
    "    ~^DELETE:                      1;",
    '    "~^POST:(.*&)?delete(=|&|$)"   1;',
    "    default                        0;",
    "}",
  ];
  for (const { m, s } of splits) {
    lines.push(...holdMaps(s, m.bucket));
    if (!s.uploads.length) continue;
    lines.push(`map $arg_uploadId ${mpuVar(s)} {`);
    for (const u of s.uploads) lines.push(`    "${u}" 1;`);
    lines.push("    default 0;", "}");
  }
  return lines.join("\n") + "\n";
}

function activeSplits(view: StateView): { m: MigrationSpec; s: Split }[] {
  const out: { m: MigrationSpec; s: Split }[] = [];
  for (const m of view.ofKind<MigrationSpec>(MIGRATION_KIND)) {
    const s = splitOf(m);
    if (s) out.push({ m, s });
  }
  return out;
}

/** Runs after the storage extension: it rewrites the bucket routes that extension put on sites. */
export const migrationSplitExtension: RenderExtension = {
  name: "migrations-split",
  expand(view: StateView, ctx): StateView {
    const splits = activeSplits(view);
    if (!splits.length) return view;
    const records = new Map(view.records);
    for (const { m, s } of splits) {
      const site = records.get(`site/${m.site}`) as
        | (Record<string, unknown> & { bucket_routes?: BucketRoute[] })
        | undefined;
      if (!site?.bucket_routes) continue;
      const routes = site.bucket_routes.map((b) =>
        b.bucket === m.bucket && !b.http
          ? splitRoute(
            b,
            s,
            ctx.data_dir ? mirrorLogPath(ctx.data_dir, m.name, m.phase === "aborting") : undefined,
          )
          : b
      );
      records.set(`site/${m.site}`, { ...site, bucket_routes: routes } as unknown as Rec);
    }
    return new StateView(records);
  },
  files(view: StateView, ctx): RenderedFile[] {
    const splits = activeSplits(view);
    if (!splits.length) return [];
    return [{ name: SPLIT_FILE, text: splitMaps(splits, !!ctx.data_dir) }];
  },
};
