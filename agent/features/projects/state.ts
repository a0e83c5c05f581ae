// Per-agent state of the projects feature (the PROJECTS service): the two
// service managers, which one this host uses, and per-project locks.
import { serviceKey } from "../../runtime.ts";
import type { Exec } from "../../exec.ts";
import { AgentError } from "../../errors.ts";
import type { ServiceManagerKind } from "./model.ts";
import type { ServiceManager } from "./services/manager.ts";
import type { Supervisor } from "./services/supervisor.ts";
import type { SystemdManager } from "./services/systemd.ts";
import { withKeyedLock } from "../../keyed-lock.ts";
import type { ProjectsRuntime } from "./settings.ts";

export interface ProjectsState {
  kind: ServiceManagerKind;
  supervisor: Supervisor;
  systemd: SystemdManager;
  exec: Exec;
  locks: Map<string, Promise<unknown>>;
}

export const PROJECTS = serviceKey<ProjectsState>("projects");

export function projectsOf(rt: ProjectsRuntime): ProjectsState {
  const st = rt.tryUse(PROJECTS);
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
