// Per-runtime state of the projects feature: the two service managers, which
// one this host uses, per-project locks, and the hand-off between an
// activation and the verifier that checks its external hop after the reload.
import type { Runtime } from "../runtime.ts";
import type { Exec } from "../exec.ts";
import { AgentError } from "../errors.ts";
import type { ServiceManagerKind } from "../model/project.ts";
import type { ServiceManager } from "../services/manager.ts";
import type { Supervisor } from "../services/supervisor.ts";
import type { SystemdManager } from "../services/systemd.ts";
import type { HopResult } from "./health.ts";
import { withKeyedLock } from "../keyed-lock.ts";

export interface ProjectsState {
  kind: ServiceManagerKind;
  supervisor: Supervisor;
  systemd: SystemdManager;
  exec: Exec;
  /** Projects whose next apply checks the external hop (their activation waits for it). */
  verify: Set<string>;
  /** The verifier's last external result per project. */
  external: Map<string, HopResult>;
  locks: Map<string, Promise<unknown>>;
}

const states = new WeakMap<Runtime, ProjectsState>();

export function setProjectsState(rt: Runtime, st: ProjectsState): void {
  states.set(rt, st);
}

export function projectsOf(rt: Runtime): ProjectsState {
  const st = states.get(rt);
  if (!st) {
    throw new AgentError("INTERNAL", "the projects feature is not loaded in this agent");
  }
  return st;
}

export function managerOf(st: ProjectsState, kind: ServiceManagerKind = st.kind): ServiceManager {
  return kind === "systemd" ? st.systemd : st.supervisor;
}

/** Runs `fn` after every earlier operation on the same name has finished. */
export function withProjectLock<T>(
  st: ProjectsState,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  return withKeyedLock(st.locks, name, fn);
}
