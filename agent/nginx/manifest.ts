// What a generation records about itself (manifest.json) and about each entity
// (its sidecar), and how the API lists generations.
import type { Rec } from "../store/store.ts";

export interface FileEntry {
  sha256: string;
  entity?: { kind: string; name: string };
}

export interface Manifest {
  generation: number;
  created_at: string;
  config_hash: string;
  files: Record<string, FileEntry>;
  /** entity id -> sidecar file */
  entities: Record<string, string>;
  /** sidecar file -> sha256 of its text (absent in generations written before drift checks) */
  sidecars?: Record<string, string>;
  cause: Record<string, unknown>;
}

/** The sidecar next to each entity's file: what the config text alone cannot carry. */
export interface Sidecar {
  kind: string;
  name: string;
  /** The full record as stored, so state can be rebuilt from disk. */
  record: Rec;
  /** The config file rendered from it, if any, and its hash when written. */
  conf: string | null;
  conf_sha256: string | null;
}

export interface GenerationInfo {
  generation: number;
  created_at: string;
  config_hash: string;
  files: number;
  entities: number;
  cause: Record<string, unknown>;
  current: boolean;
}
