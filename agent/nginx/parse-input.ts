// What a kind's reader of nginx files needs and gives back (absorb-file and
// rebuild-db): the input, the candidate specs, and errors that name file:line.
// The comparator that accepts a candidate is parse-back.ts.
import { AgentError } from "../errors.ts";
import type { Rec } from "../store/store.ts";
import type { RenderedFile, RenderExtension } from "../render/files.ts";
import type { RenderContext } from "../render/context.ts";
import type { UpstreamPlan } from "../render/upstream-plan.ts";
import type { Directive } from "./tokenizer.ts";

/** A failure to parse a file back, at a line of that file. */
export function absorbError(file: string, line: number | null, why: string, text?: string) {
  const src = line !== null && text !== undefined ? text.split("\n")[line - 1]?.trim() : undefined;
  const where = line !== null ? `${file}:${line}` : file;
  return new AgentError(
    "VALIDATION_FAILED",
    `${where}: ${src ? `cannot absorb "${src}": ` : ""}${why}`,
    { field: "path", file, line, ...(src ? { source: src } : {}) },
  );
}

export interface ParseBackInput {
  kind: string;
  name: string;
  /** File name inside the generation, for messages. */
  file: string;
  text: string;
  /** The record the file was rendered from (a sidecar), or null when none is known. */
  base: Rec | null;
  /** The whole state the file belongs to (for rendering with extensions). */
  state: Map<string, Rec>;
  ctx: RenderContext;
  extensions?: RenderExtension[];
  /** Renders a whole state as the agent would (its kinds and extensions). */
  renderFiles?: (state: Map<string, Rec>) => RenderedFile[];
  /** Which upstream serves each pool in `state` (parseBack sets it for the readers). */
  upstreams?: UpstreamPlan;
}

/** A spec a reader proposes for the file (validated, without version or times). */
export type Candidate = Record<string, unknown> & { name: string };

/**
 * A kind's reader: the candidate specs for a file's directive tree, most likely
 * first. Throws (absorbError, validated) for what its kind cannot hold at all.
 */
export type FromTree = (input: ParseBackInput, tree: Directive[]) => Candidate[];

/** Runs a kind's parser, mapping a validation error on a field to the line that set it. */
export function validated<T>(
  file: string,
  lineOf: (field: string) => number | null,
  fn: () => T,
): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AgentError && e.code === "VALIDATION_FAILED") {
      const field = String(e.detail.field ?? "");
      const line = lineOf(field);
      throw new AgentError(
        "VALIDATION_FAILED",
        `${line !== null ? `${file}:${line}` : file}: ${e.message}`,
        { field: "path", file, line, record_field: field },
      );
    }
    throw e;
  }
}
