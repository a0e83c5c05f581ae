// Renders of unchanged records, kept from one round to the next. A round renders
// the whole tree, yet one change alters a few files: at 10,000 sites rendering
// every record again took 280 ms of each apply and most of its garbage. A
// record's file is kept when the record is the same frozen object (the round
// shares the records it did not re-read), the settings it was rendered with are
// the same, and every read its render made of the state and of the context
// answers the same again (the pools it looked up, the upstream a pool is served
// by, whether its TLS files exist). A render that read the whole state is not kept.
import { createHash } from "node:crypto";
import type { Rec } from "../store/store.ts";
import type { RenderContext } from "./context.ts";
import { type RenderedFile, StateView } from "./files.ts";
import type { SharedUpstream, UpstreamPlan } from "./upstream-plan.ts";

type Certs = NonNullable<RenderContext["certFiles"]>;

/** A context lookup, by name: a closure would keep its round's context (and upstream plan) alive. */
type Lookup = "nameOf" | "sharedOf" | "poolsOf" | "fileMissing" | "certFiles";

/** A read a render made, and what it answered (the record for state reads, a digest otherwise). */
type Read =
  | { state: true; kind: string; name: string; got: Rec | undefined }
  | { state: false; lookup: Lookup; arg: string; got: string };

function lookUp(ctx: RenderContext, lookup: Lookup, arg: string): unknown {
  switch (lookup) {
    case "fileMissing":
      return ctx.fileMissing!(arg);
    case "certFiles":
      return ctx.certFiles!(arg);
    default:
      return ctx.upstreams![lookup](arg);
  }
}

interface Kept {
  settings: string;
  templates: unknown;
  reads: Read[];
  file: RenderedFile;
}

/**
 * What a context lookup answered, short: an object's JSON is hashed once per object (a
 * shared upstream's plan lists every pool it serves, and every one of them reads it).
 */
const digests = new WeakMap<object, string>();
function digest(x: unknown): string {
  if (typeof x !== "object" || x === null) return `${typeof x}:${String(x)}`;
  let d = digests.get(x);
  if (d === undefined) {
    d = createHash("sha1").update(JSON.stringify(x)).digest("base64");
    digests.set(x, d);
  }
  return d;
}

/**
 * The context's plain settings, compared whole (its functions and plans are reads,
 * checked one by one); computed once per tree.
 */
export function settingsKey(ctx: RenderContext): string {
  return JSON.stringify(
    ctx,
    (k, v) => k === "templates" || k === "upstreams" || typeof v === "function" ? undefined : v,
  );
}

/** A view that notes the state reads of one render; `records` or `ofKind` make it unkeepable. */
class NotingView extends StateView {
  readonly reads: Read[] = [];
  whole = false;
  readonly #base: StateView;
  constructor(base: StateView) {
    super(base.records);
    this.#base = base;
    Object.defineProperty(this, "records", {
      get: () => {
        this.whole = true;
        return base.records;
      },
    });
  }
  override get<T = Rec>(kind: string, name: string): (T & Rec) | undefined {
    const got = this.#base.get<T>(kind, name);
    this.reads.push({ state: true, kind, name, got });
    return got;
  }
  override ofKind<T = Rec>(kind: string): readonly (T & Rec)[] {
    this.whole = true;
    return this.#base.ofKind<T>(kind);
  }
}

/** The context with its lookups noted (settings are compared whole). */
function notingContext(ctx: RenderContext, reads: Read[]): RenderContext {
  const note = (lookup: Lookup, arg: string): unknown => {
    const got = lookUp(ctx, lookup, arg);
    reads.push({ state: false, lookup, arg, got: digest(got) });
    return got;
  };
  const upstreams: UpstreamPlan | undefined = ctx.upstreams && {
    nameOf: (p) => note("nameOf", p) as string,
    sharedOf: (p) => note("sharedOf", p) as SharedUpstream | null,
    poolsOf: (u) => note("poolsOf", u) as string[],
  };
  return {
    ...ctx,
    upstreams,
    fileMissing: ctx.fileMissing && ((p) => note("fileMissing", p) as boolean),
    certFiles: ctx.certFiles && ((n) => note("certFiles", n) as ReturnType<Certs>),
  };
}

export class RenderMemo {
  #kept = new WeakMap<Rec, Kept>();
  /** Records rendered, and kept files used, since this memo was made. */
  counts = { rendered: 0, kept: 0 };

  /** `rec`'s file: the kept one when nothing it read changed, else `render`'s. */
  file(
    rec: Rec,
    view: StateView,
    ctx: RenderContext,
    settings: string,
    render: (rec: Rec, view: StateView, ctx: RenderContext) => RenderedFile,
  ): RenderedFile {
    const k = this.#kept.get(rec);
    if (k && k.settings === settings && k.templates === ctx.templates && same(k.reads, view, ctx)) {
      this.counts.kept++;
      return k.file;
    }
    this.counts.rendered++;
    if (!Object.isFrozen(rec)) return render(rec, view, ctx); // a record that may change is not kept
    const noting = new NotingView(view);
    const file = Object.freeze(render(rec, noting, notingContext(ctx, noting.reads)));
    if (!noting.whole) {
      this.#kept.set(rec, { settings, templates: ctx.templates, reads: noting.reads, file });
    }
    return file;
  }
}

function same(reads: Read[], view: StateView, ctx: RenderContext): boolean {
  for (const r of reads) {
    if (
      r.state ? view.get(r.kind, r.name) !== r.got : digest(lookUp(ctx, r.lookup, r.arg)) !== r.got
    ) {
      return false;
    }
  }
  return true;
}
