// What the reconciler and its rounds are built from, and what a round may see
// and change of the reconciler (`Live`).
import type { Rec, Store } from "../store/store.ts";
import type { RenderExtension } from "../render/tree.ts";
import type { RenderContext } from "../render/context.ts";
import type { RenderMemo } from "../render/memo.ts";
import type { Generations } from "./generations.ts";
import type { NginxControl, ReloadResult } from "./control.ts";
import type { Refusal, Verifier } from "./outcome.ts";
import type { AnyKind } from "../kind.ts";
import type { PeerSync } from "./peers.ts";
import type { LuaMode } from "./lua-module.ts";

export interface ReconcilerSettings {
  apply_mode: "auto" | "manual";
  coalesce_ms: number;
  coalesce_max_ms?: number;
  generations_keep: number;
  generations_max_age_days: number;
  reload_timeout: number;
  /** The generation probe (probe.ts): where it listens, and whether it is on (absent: off). */
  http_port?: number;
  bind_address?: string;
  reload_probe?: "on" | "off";
  /** Who stops the old workers once the new ones run (absent: "nginx"); control.ts. */
  reload_handoff?: "early" | "nginx";
  /** How a candidate is proven before the reload (absent: "full"); see sandbox.ts. */
  apply_proof?: "sandbox" | "full";
}

/** The steps of an apply where the crash-safety tests kill the agent. */
export type CrashStep = "after-kv-write" | "after-generation-write" | "after-swap" | "after-reload";

export interface ReconcilerDeps {
  store: Store;
  generations: Generations;
  nginx: NginxControl;
  settings: ReconcilerSettings;
  renderContext: () => RenderContext;
  /** Keeps unchanged records' files between rounds (render/memo.ts); absent: all rendered. */
  renders?: RenderMemo;
  extensions?: RenderExtension[];
  /** The registered kinds, in render order (default: the core's). */
  kinds?: readonly AnyKind[];
  verifiers?: Verifier[];
  /** Puts an entity back to what nginx serves (null: remove it) after a refusal. */
  restore: (id: string, applied: Rec | null, reason: Refusal) => Promise<void>;
  log?: (msg: string) => void;
  /** Reload-free upstreams' mode (absent: off), and the dict's keeper while it is active. */
  lua?: LuaMode;
  peers?: PeerSync;
  /** Called at each crash step of a round (default: nothing); see `crashAtEnv`. */
  crashPoint?: (step: CrashStep) => void;
}

/**
 * The crash hook of a real agent: when the environment variable AGENT_CRASH_AT
 * names the step, the agent SIGKILLs itself there (tests/resilience/crash_test.ts).
 */
export function crashAtEnv(step: CrashStep): void {
  let at: string | undefined;
  try {
    at = Deno.env.get("AGENT_CRASH_AT");
  } catch { /* no env permission: no crash tests */ }
  if (at === step) Deno.kill(Deno.pid, "SIGKILL");
}

/** The reconciler as a round sees it: what nginx serves, the hold, and how to reload. */
export interface Live {
  readonly generation: number | null;
  readonly hash: string | null;
  /** The records the current generation was rendered from. */
  readonly applied: Map<string, Rec>;
  readonly held: string | null;
  /**
   * Records a generation nginx now serves (or will load when it starts); `from`: the
   * desired state the round read and the store's seq then (without: pending compares all).
   */
  installed(
    generation: number,
    hash: string,
    applied: Map<string, Rec>,
    from?: { desired: Map<string, Rec>; seq: number },
  ): void;
  /**
   * `NginxControl.reloadAndVerify` with the configured timeout, counted by the
   * reconciler; `expect`: the candidate's hash the generation probe answers once live.
   */
  reload(expect?: string): Promise<ReloadResult>;
}
