// A Kind is one resource the agent stores (pool, site, project, proxy, cert, ...).
// Everything generic iterates the registered kinds: the store computes claims
// from them on every write, the render tree and the preview endpoint render
// through them, absorb and rebuild parse files back through them, the CLI's
// resource commands and the kind contract suite list them. Nothing else needs
// to know which kinds exist.
import type { z } from "zod";
import type { RecordFields } from "./model/record.ts";
import type { ListenDefaults } from "./model/listen.ts";
import type { RenderedFile, StateView } from "./render/files.ts";
import type { RenderContext } from "./render/context.ts";
import type { Settings } from "./settings.ts";
import type { Candidate, Directive, ParseBackInput } from "./nginx/parse-types.ts";

/** A record's spec: what a client sends, with the name from the URL. */
export type Spec = { name: string };

/** A stored record of a kind: its spec plus the store's fields. */
export type Stored<T extends Spec> = T & RecordFields;

/** A reference from one record to another, named by the field that holds it. */
export interface Ref {
  kind: string;
  name: string;
  field: string;
}

export interface ClaimConflict {
  message: string;
  /** Merged into the error detail (the field to outline, the holder). */
  detail?: Record<string, unknown>;
}

/** What claims may depend on besides the record (listen defaults of this host). */
export type ClaimContext = ListenDefaults;

export interface Kind<T extends Spec = Spec> {
  /** Singular, as in KV keys and entity ids ("site/shop"). */
  readonly name: string;
  /** The collection name: `/api/<plural>` and the CLI noun. */
  readonly plural: string;
  /** Records only the agent writes (no API or CLI of their own). */
  readonly internal?: boolean;
  /** The request body schema (validation and the OpenAPI document). */
  readonly schema: z.ZodType;
  /** Validates a body for `name`; VALIDATION_FAILED names the field. Defaults may come from settings. */
  parse(name: string, body: unknown, settings?: Settings): T;
  /** Uniqueness keys the record holds (e.g. server_name/80/a.example); the store keeps them. */
  claims?(rec: T, ctx: ClaimContext): string[][];
  /** The CONFLICT answer when `key`, claimed by a record of this kind (`holder`), is wanted again. */
  describeClaim?(key: string[], holder: string): ClaimConflict | undefined;
  /**
   * Dotted paths of secret fields (e.g. "credentials.secret_key"): sealed with
   * the `secret` setting before a write, so KV, sidecars and backups hold only
   * ciphertext (agent/store/secrets.ts); never returned in clear.
   */
  readonly secrets?: readonly string[];
  /** Records this one needs: they must exist on write, and cannot be deleted while used. */
  refs?(rec: T): Ref[];
  /** Records this one names without needing them (a site's managed certificate, issued later). */
  links?(rec: T): Ref[];
  /** Records this one owns (managed_by it), written and deleted with it: a proxy's site and pool. */
  owned?(rec: T): { kind: string; spec: Spec }[];
  /** The nginx file of one record; kinds without it render nothing of their own. */
  render?(rec: Stored<T>, view: StateView, ctx: RenderContext): RenderedFile;
  /** Candidate specs read back from the record's file, most likely first (absorb-file, rebuild-db). */
  parseBack?(input: ParseBackInput, tree: Directive[]): Candidate[];
  /** Valid records for the kind contract suite; every kind must give some. */
  examples(): T[];
}

// deno-lint-ignore no-explicit-any
export type AnyKind = Kind<any>;

/** The kinds one agent knows, in registration order (render order too). */
export class KindRegistry {
  readonly #kinds = new Map<string, AnyKind>();

  add<T extends Spec>(k: Kind<T>): Kind<T> {
    if (this.#kinds.has(k.name)) throw new Error(`kind ${k.name} is registered twice`);
    if ([...this.#kinds.values()].some((x) => x.plural === k.plural)) {
      throw new Error(`two kinds are called ${k.plural}`);
    }
    this.#kinds.set(k.name, k);
    return k;
  }

  get(name: string): AnyKind | undefined {
    return this.#kinds.get(name);
  }

  has(name: string): boolean {
    return this.#kinds.has(name);
  }

  list(): AnyKind[] {
    return [...this.#kinds.values()];
  }

  /** Claims of a stored record, computed the same way on every path (write, put-back, rebuild). */
  claimsOf(kind: string, rec: Spec, ctx: ClaimContext): string[][] {
    return this.#kinds.get(kind)?.claims?.(rec, ctx) ?? [];
  }

  /** The secret field paths of a kind (none for an unknown kind). */
  /** Kinds only the agent writes (their names derive from others': no tenant rule). */
  isInternal(kind: string): boolean {
    return this.#kinds.get(kind)?.internal === true;
  }

  secretsOf(kind: string): readonly string[] {
    return this.#kinds.get(kind)?.secrets ?? [];
  }

  /** The holder's kind words the conflict (it knows what its keys mean). */
  describeClaim(key: string[], holder: string): ClaimConflict | undefined {
    return this.#kinds.get(holder.slice(0, holder.indexOf("/")))?.describeClaim?.(key, holder);
  }
}
