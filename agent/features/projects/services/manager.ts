// The interface both service managers implement (systemd units, the builtin
// supervisor), and which one runs on this host.
import type { ServiceManagerKind } from "../model.ts";

export interface ServiceSpec {
  name: string;
  /** The project directory: cwd of the backend and its only writable path (systemd). */
  dir: string;
  /** The command as given (words separated by spaces). */
  command: string;
  port: number;
}

export interface ServiceStatus {
  manager: ServiceManagerKind;
  /** The backend process runs (it may still be starting to listen). */
  active: boolean;
  /** systemd's ActiveState, or the supervisor's state (running, restarting, stopped). */
  state: string;
  pid: number | null;
  /** Extra facts: last exit, restarts, log file, next restart. */
  detail: Record<string, unknown>;
}

export interface ServiceManager {
  readonly kind: ServiceManagerKind;
  /** Installs and starts the service; restarts it when its definition changed. */
  start(spec: ServiceSpec): Promise<void>;
  /** Stops the service and removes what start installed (never the project directory). */
  stop(name: string): Promise<void>;
  status(name: string): Promise<ServiceStatus>;
  /** Is `pid` (a process listening on a port) part of this project's service? */
  owns(name: string, pid: number): Promise<boolean>;
  /** Where to look when the service does not come up, with the last lines when known. */
  diagnose(name: string): Promise<string>;
}

/** systemd when it runs as PID 1 (sd_booted: /run/systemd/system exists), else builtin. */
export async function detectManager(
  setting: "auto" | "systemd" | "builtin",
): Promise<ServiceManagerKind> {
  if (setting !== "auto") return setting;
  try {
    return (await Deno.stat("/run/systemd/system")).isDirectory ? "systemd" : "builtin";
  } catch {
    return "builtin";
  }
}

/** The process group of a pid (field 5 of /proc/<pid>/stat), null when gone. */
export async function processGroup(pid: number): Promise<number | null> {
  const f = await procStat(pid);
  return f ? Number(f[2]) : null;
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]. */
export async function procStat(pid: number): Promise<string[] | null> {
  try {
    const text = await Deno.readTextFile(`/proc/${pid}/stat`);
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** Start time of a process in clock ticks since boot (identifies it across pid reuse). */
export async function processStartTicks(pid: number): Promise<string | null> {
  const f = await procStat(pid);
  return f ? f[19] : null;
}
