// What a kind's own API does besides storing its record (a certificate's
// certbot run, a project's service), for writers that are not that API: the
// declarative apply. A feature provides it for its kind, built from the very
// functions its API calls, so both paths do the same thing.
import type { ServiceKey } from "../runtime.ts";

export interface KindEffects {
  /**
   * The kind's records are written by its own change code, which starts or
   * stops what they stand for around the write (a project's service before its
   * route): the declarative apply hands them over after its own commit, one by
   * one, instead of writing them in its batch. Each answers what it did, or
   * throws the AgentError its API would answer.
   */
  write?: {
    put(name: string, spec: Record<string, unknown>, actor: string): Promise<string>;
    delete(name: string, actor: string): Promise<string>;
  };
  /** Before the batch (apply only): throws the AgentError its API answers before writing. */
  beforePut?(name: string, spec: Record<string, unknown>): Promise<void>;
  /** After the batch that wrote the record is committed and applied (a proxy's certificate). */
  afterPut?(name: string, spec: Record<string, unknown>, actor: string): Promise<string | null>;
}

/** The effects of one kind (a service per kind; built here: runtime.ts imports the changes). */
export const kindEffects = (kind: string): ServiceKey<KindEffects> => ({ id: `effects.${kind}` });
