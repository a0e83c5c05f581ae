// The pure half of a round: which records changed against what nginx serves,
// the groups they stand or fall in, and the candidate state a round narrows as
// it refuses groups. No I/O here, so every rule is tested without nginx.
import { canonical, entityId, type Rec } from "../store/store.ts";
import type { Refusal } from "./outcome.ts";

/** The group of a round that only applies changed settings (see `Reconciler.rerender`). */
export const SETTINGS_GROUP = "settings/render";

/** What nginx renders from and what counts as a change: the spec and its owner, not versions or times. */
export function sameRecord(a: Rec | undefined, b: Rec | undefined): boolean {
  if (a === b) return true; // a round's state shares the records it kept
  if (!a || !b) return false;
  const strip = (r: Rec) => {
    const { version: _v, created_at: _c, updated_at: _u, ...rest } = r;
    return rest;
  };
  return canonical(strip(a)) === canonical(strip(b));
}

export function splitId(id: string): { kind: string; name: string } {
  const i = id.indexOf("/");
  return { kind: id.slice(0, i), name: id.slice(i + 1) };
}

/** Ids whose desired record differs from the applied one (created, updated or deleted). */
export function changedIds(desired: Map<string, Rec>, applied: Map<string, Rec>): string[] {
  return [...new Set([...desired.keys(), ...applied.keys()])].filter(
    (id) => !sameRecord(desired.get(id), applied.get(id)),
  );
}

export type PendingAction = "create" | "update" | "delete";

/** Changes in the desired state that nginx does not serve yet, sorted by id. */
export function pendingChanges(
  desired: Map<string, Rec>,
  applied: Map<string, Rec>,
): { id: string; action: PendingAction; version: number | null }[] {
  return changedIds(desired, applied).map((id) => {
    const d = desired.get(id);
    const a = applied.get(id);
    const action: PendingAction = !a ? "create" : !d ? "delete" : "update";
    return { id, action, version: d?.version ?? null };
  }).sort((x, y) => (x.id < y.id ? -1 : 1));
}

/** Records owned by another entity (a proxy's site and pool) stand or fall with it. */
export function groupOf(id: string, desired: Map<string, Rec>, applied: Map<string, Rec>): string {
  const owner = desired.get(id)?.managed_by ?? applied.get(id)?.managed_by;
  return owner ? entityId(owner.kind, owner.name) : id;
}

/** Changed ids by group; a rerender without changed records is one empty settings group. */
export function planGroups(
  changed: string[],
  desired: Map<string, Rec>,
  applied: Map<string, Rec>,
): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const id of changed) {
    const g = groupOf(id, desired, applied);
    if (!groups.has(g)) groups.set(g, new Set());
    groups.get(g)!.add(id);
  }
  // No record changed but the text did: one group without records carries it.
  if (groups.size === 0) groups.set(SETTINGS_GROUP, new Set());
  return groups;
}

/**
 * The state a round tries to apply: the desired records, minus every group it
 * refused so far (those are put back to what nginx serves).
 */
export class RoundPlan {
  readonly groups: Map<string, Set<string>>;
  /** The candidate: desired records with refused groups reverted. */
  readonly state: Map<string, Rec>;
  /** Groups still in the candidate, in the order they were planned. */
  readonly remaining: Set<string>;
  readonly refusals: Refusal[] = [];
  /** Every refused entity (group members included) -> its refusal. */
  readonly refusedIds = new Map<string, Refusal>();
  /** The desired state the round read (the candidate starts as it). */
  readonly desired: Map<string, Rec>;
  readonly #applied: Map<string, Rec>;

  constructor(desired: Map<string, Rec>, applied: Map<string, Rec>, changed: string[]) {
    this.desired = desired;
    this.#applied = applied;
    this.groups = planGroups(changed, desired, applied);
    this.state = new Map(desired);
    this.remaining = new Set(this.groups.keys());
  }

  /** The group an entity stands or falls with. */
  owner(id: string): string {
    return groupOf(id, this.desired, this.#applied);
  }

  /** Puts a group's records back to what nginx serves (absent: removed). */
  revert(group: string, state: Map<string, Rec> = this.state): void {
    for (const id of this.groups.get(group) ?? []) {
      const a = this.#applied.get(id);
      if (a) state.set(id, a);
      else state.delete(id);
    }
  }

  /** Takes a group out of the candidate and records why. */
  refuse(group: string, r: Omit<Refusal, "id" | "kind" | "name">): void {
    this.remaining.delete(group);
    this.revert(group);
    const refusal: Refusal = { id: group, ...splitId(group), ...r };
    this.refusals.push(refusal);
    for (const id of this.groups.get(group) ?? []) this.refusedIds.set(id, refusal);
  }

  /** The candidate with only the first `k` of `order` applied (the rest reverted): bisection. */
  withFirst(order: string[], k: number): Map<string, Rec> {
    const state = new Map(this.state);
    for (const g of order.slice(k)) this.revert(g, state);
    return state;
  }

  /** Entity ids the remaining groups carry. */
  appliedIds(): string[] {
    return [...this.remaining].flatMap((g) => [...this.groups.get(g)!]);
  }

  /** The entity ids of a group (a refusal's id is its group). */
  membersOf(group: string): string[] {
    return [...(this.groups.get(group) ?? [group])];
  }
}
