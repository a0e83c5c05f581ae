// Fields every stored record carries. They are read-only: a client may send back
// what it read (GET then PUT), and these are ignored on write.
import { z } from "zod";

export const recordMeta = {
  version: z.number().int().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  managed_by: z.unknown().optional(),
  tenant: z.unknown().optional(),
};

export interface ManagedBy {
  kind: string;
  name: string;
}

export interface RecordFields {
  name: string;
  version: number;
  created_at: string;
  updated_at: string;
  /** Set when another entity (a proxy, the projects feature) owns this record. */
  managed_by?: ManagedBy;
  /** The tenant that created it (tenant tokens see and change only their own). */
  tenant?: string;
}
