// Parse-back: a rendered file (possibly edited by hand) back into its record,
// for absorbing hand edits and for rebuilding state from disk. Each kind has a
// reader (`fromTree`) that proposes candidate specs from the directive tree;
// this module does what is common to every kind.
//
// A parse-back is only accepted when a candidate renders to the same
// directives as the file (comments and whitespace aside). Whatever the model
// cannot express therefore fails that comparison, and the error names the first
// line that differs, so nothing an operator wrote is silently dropped.
import type { Rec } from "../store/store.ts";
import { confFileName, renderTree, upstreamPlanOf } from "../render/tree.ts";
import { SHARED_RE, type UpstreamPlan } from "../render/upstreams.ts";
import { upstreamName } from "../kinds/pool/render.ts";
import {
  type Directive,
  firstDifference,
  flatten,
  NginxSyntaxError,
  parseNginx,
} from "./tokenizer.ts";
import { absorbError, type Candidate, type FromTree, type ParseBackInput } from "./parse-input.ts";

export { absorbError, type Candidate, type FromTree, type ParseBackInput } from "./parse-input.ts";

/** Something that knows which kinds can be read back (the agent's kind registry). */
interface Readers {
  get(kind: string): { parseBack?: FromTree } | undefined;
}

/** Can files of this kind be parsed back into records? */
export function parsableKind(kinds: Readers, kind: string): boolean {
  return kinds.get(kind)?.parseBack !== undefined;
}

/** parseBack with the reader of the input's kind. */
export function parseBackRecord(kinds: Readers, input: ParseBackInput): Candidate {
  const reader = kinds.get(input.kind)?.parseBack ?? (() => {
    throw absorbError(input.file, null, `files of ${input.kind} records cannot be parsed back`);
  });
  return parseBack(input, reader);
}

/**
 * Parses a file back into the record's spec with the kind's reader: the first
 * candidate that renders the same directives wins. Throws VALIDATION_FAILED
 * naming file:line for anything the model cannot express.
 */
export function parseBack(input: ParseBackInput, fromTree: FromTree): Candidate {
  const { file, text } = input;
  let tree: Directive[];
  try {
    tree = parseNginx(text);
  } catch (e) {
    if (e instanceof NginxSyntaxError) {
      throw absorbError(file, e.line, `syntax error: ${e.message}`);
    }
    throw e;
  }
  const plan = input.upstreams ?? planOf(input);
  const candidates = fromTree({ ...input, upstreams: plan }, tree);
  const edited = flatten(sharedReferences(tree, plan));
  let firstMismatch: ReturnType<typeof firstDifference> = null;
  for (const spec of candidates) {
    const rendered = renderOne(input, spec);
    const diff = firstDifference(
      edited,
      flatten(ownUpstreamName(parseNginx(rendered), tree, input)),
    );
    if (!diff) return spec;
    firstMismatch ??= diff;
  }
  const want = firstMismatch!.rendered;
  throw absorbError(
    file,
    firstMismatch!.line,
    want
      ? `the agent's model cannot express this (the record would render ${
        describeKey(want.key)
      } here${want.ctx ? ` in ${want.ctx}` : ""})`
      : "the agent's model cannot express this (the record renders nothing more here)",
    text,
  );
}

/** A flattened directive key as the operator would write it, e.g. `"listen 80;"`. */
export function describeKey(key: string): string {
  if (key === "}") return `"}"`;
  const end = key.endsWith("{") ? " {" : ";";
  const parts = JSON.parse(key.slice(0, -1)) as string[];
  return `"${parts.join(" ")}${end}"`;
}

/** The text of the input's file when its record is `spec` (the rest of the state unchanged). */
export function renderOne(input: ParseBackInput, spec: Candidate): string {
  const id = `${input.kind}/${input.name}`;
  const state = new Map(input.state);
  const base = input.base ?? state.get(id);
  state.set(id, {
    ...spec,
    version: base?.version ?? 1,
    created_at: base?.created_at ?? "",
    updated_at: base?.updated_at ?? "",
    ...(base?.managed_by ? { managed_by: base.managed_by } : {}),
  } as Rec);
  const files = input.renderFiles?.(state) ?? renderTree(state, input.ctx, input.extensions ?? []);
  const f = files.find((x) => x.name === confFileName(input.kind, input.name));
  if (!f) throw absorbError(input.file, null, `the record does not render ${input.file}`);
  return f.text;
}

const plans = new WeakMap<Map<string, Rec>, UpstreamPlan>();

/** Which upstream serves each pool in the input's state (once per state: a rebuild reads many files). */
function planOf(input: ParseBackInput): UpstreamPlan {
  let p = plans.get(input.state);
  if (!p) plans.set(input.state, p = upstreamPlanOf(input.state, input.ctx, input.extensions));
  return p;
}

/**
 * `proxy_pass http://sy_<pool>` where the pool is served by a shared upstream
 * reads as the shared name, which is what the record renders (an operator
 * writes the pool's own name).
 */
function sharedReferences(tree: Directive[], plan: UpstreamPlan): Directive[] {
  for (const d of tree) {
    if (d.block) sharedReferences(d.block, plan);
    if (d.name !== "proxy_pass" || !d.args[0]) continue;
    const m = /^http:\/\/sy_([a-z0-9][a-z0-9_-]*)((?:\/.*)?)$/.exec(d.args[0]);
    const shared = m ? plan.sharedOf(m[1]) : null;
    if (shared) d.args[0] = `http://${shared.name}${m![2]}`;
  }
  return tree;
}

/**
 * A pool's upstream is named by the agent (its own name, or the shared one its
 * body hashes to), never by the operator: the reader checked the file's name,
 * so an edited body absorbs although the name it renders under moves.
 */
function ownUpstreamName(rendered: Directive[], edited: Directive[], input: ParseBackInput) {
  if (input.kind !== "pool") return rendered;
  const own = (n?: string) =>
    n !== undefined && (n === upstreamName(input.name) || SHARED_RE.test(n));
  const r = rendered.filter((d) => d.name === "upstream");
  const e = edited.filter((d) => d.name === "upstream");
  if (r.length === 1 && e.length === 1 && own(r[0].args[0]) && own(e[0].args[0])) {
    r[0].args = [...e[0].args];
  }
  return rendered;
}
