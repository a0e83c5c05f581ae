// Errors in a record owned by another entity (a proxy's site) are blamed on the owner.
import type { RecordFields } from "../model/record.ts";

export function blame(
  r: Pick<RecordFields, "name" | "managed_by">,
  kind: string,
): { kind: string; name: string } {
  return r.managed_by
    ? { kind: r.managed_by.kind, name: r.managed_by.name }
    : { kind, name: r.name };
}
