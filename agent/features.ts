// Features plug into the core here: render extensions, post-reload verifiers,
// API routers, health sections, background jobs and CLI commands. The core
// (pools, sites, config, audit) needs no entry.
import type { Hono } from "hono";
import type { RenderExtension } from "./render/tree.ts";
import type { Verifier } from "./nginx/reconciler.ts";
import type { HealthSection } from "./api/health.ts";
import type { Runtime } from "./runtime.ts";
import type { Command } from "./cli/command.ts";
import { resilienceFeature } from "./resilience/feature.ts";
import { projectsFeature } from "./projects/feature.ts";
import { proxiesFeature } from "./proxies/feature.ts";
import { certsFeature } from "./acme/feature.ts";

export interface Feature {
  name: string;
  extensions?: RenderExtension[];
  verifiers?: (rt: Runtime) => Verifier[];
  mounts?: [string, (rt: Runtime) => Hono][];
  health?: HealthSection[];
  /** Called once the runtime exists (serve and in-process CLI): install hooks. */
  init?: (rt: Runtime) => Promise<void> | void;
  /** Background jobs, only under `agent serve`; returns a stop function. */
  start?: (rt: Runtime) => Promise<() => Promise<void>>;
  commands?: Command[];
}

/** Every feature of the agent, in load order. Later issues append theirs. */
export const FEATURES: Feature[] = [
  resilienceFeature,
  projectsFeature,
  certsFeature,
  proxiesFeature,
];
