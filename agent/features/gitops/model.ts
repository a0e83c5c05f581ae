// The shapes the declarative feature answers with: lint errors naming the field
// path (`sites.shop.routes[2].pool`), per-entity changes with a field diff, and
// the rendered nginx diff per file.

/** One problem of a file, at a field path; the CLI adds `file:line`. */
export interface LintError {
  path: string;
  code: string;
  message: string;
  /** The entity the error refuses ("site/shop"), when it is one entity's. */
  entity?: string;
  line?: number;
}

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface EntityChange {
  id: string;
  kind: string;
  name: string;
  action: "create" | "update" | "delete";
  fields: FieldChange[];
}

export interface FileDiff {
  file: string;
  diff: string;
}

export interface PlanResult {
  errors: LintError[];
  changes: EntityChange[];
  unchanged: number;
  files: FileDiff[];
  nginx: { ok: boolean; output: string } | null;
}

/** What a kind's own code did for one entity after the commit (a service started, certbot ran). */
export interface Effect {
  entity: string;
  ok: boolean;
  code?: string;
  message: string;
}

export interface ApplyResult {
  status: "applied" | "unchanged" | "refused" | "pending" | "failed";
  applied: string[];
  deleted: string[];
  refused: LintError[];
  unchanged: number;
  generation: number | null;
  reloaded: boolean;
  /** Per entity: what its kind's own code did after the commit. */
  effects: Effect[];
}

/** What plan and apply take: a declarative document and how to read it. */
export interface PlanRequest {
  document: Record<string, unknown>;
  prune?: boolean;
  /** Only these entities ("site/shop"); the rest of the file and the state are left alone. */
  only?: string[];
  /** Run nginx -t on the candidate (lint and plan). */
  nginxTest?: boolean;
  /** Plan within one tenant: only its records are seen, pruned and replaced. */
  tenant?: string;
}
