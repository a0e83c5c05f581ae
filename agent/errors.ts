// The one error shape of the agent. Every failure that reaches an API client or
// the CLI is an AgentError; its code is stable and documented in the README.

export type ErrorCode =
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PAYLOAD_TOO_LARGE"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "UPSTREAM_UNHEALTHY"
  | "CONFIG_WRITE_FAILED"
  | "NGINX_TEST_FAILED"
  | "NGINX_RELOAD_FAILED"
  | "SSL_ISSUANCE_FAILED"
  | "REGISTRY_UNAVAILABLE"
  | "PROXY_NOT_FOUND"
  | "SHARED_STORE_UNAVAILABLE"
  | "SHARED_STORE_COMPACTED"
  | "INTERNAL";

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UPSTREAM_UNHEALTHY: 503,
  CONFIG_WRITE_FAILED: 500,
  NGINX_TEST_FAILED: 422,
  NGINX_RELOAD_FAILED: 500,
  SSL_ISSUANCE_FAILED: 502,
  REGISTRY_UNAVAILABLE: 502,
  PROXY_NOT_FOUND: 404,
  SHARED_STORE_UNAVAILABLE: 503,
  SHARED_STORE_COMPACTED: 410,
  INTERNAL: 500,
};

export class AgentError extends Error {
  readonly code: ErrorCode;
  readonly detail: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, detail: Record<string, unknown> = {}) {
    super(message);
    this.name = "AgentError";
    this.code = code;
    this.detail = detail;
  }
  get status(): number {
    return STATUS[this.code];
  }
  toJSON(): ErrorBody {
    return { error: { code: this.code, message: this.message, detail: this.detail } };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; detail: Record<string, unknown> };
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** A validation failure that names the offending field (dotted path, e.g. `routes[1].path`). */
export function invalid(field: string, message: string, extra: Record<string, unknown> = {}) {
  return new AgentError("VALIDATION_FAILED", `${field}: ${message}`, { field, ...extra });
}

export function notFound(kind: string, name: string) {
  return new AgentError("NOT_FOUND", `${kind} "${name}" does not exist`, { kind, name });
}

/** What was thrown, as text (an Error's message, or the value). */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Wraps anything thrown into an AgentError without losing the original message. */
export function asAgentError(e: unknown): AgentError {
  if (e instanceof AgentError) return e;
  return new AgentError("INTERNAL", messageOf(e));
}

/** `e` with what went wrong while cleaning up after it: "...; additionally, <what>: <why>". */
export function joinErrors(e: unknown, more: { what: string; error: unknown }[]): AgentError {
  const base = asAgentError(e);
  if (!more.length) return base;
  const extra = more.map((m) =>
    `additionally, ${m.what}: ${m.error instanceof Error ? m.error.message : String(m.error)}`
  );
  return new AgentError(base.code, [base.message, ...extra].join("; "), base.detail);
}
