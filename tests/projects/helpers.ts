// Shared by the projects tests: a real agent (private nginx) with the projects
// feature and its background jobs (the builtin supervisor) running.
import { startTestAgent, type TestAgent, type TestAgentOptions } from "../helpers/agent.ts";
import {
  makeProjectsFeature,
  type ProjectsFeatureOptions,
} from "../../agent/features/projects/feature.ts";

export async function startProjectsAgent(
  opts: TestAgentOptions & { projects?: ProjectsFeatureOptions } = {},
): Promise<TestAgent> {
  const t = await startTestAgent({
    ...opts,
    features: [makeProjectsFeature(opts.projects)],
  });
  try {
    await t.agent.startJobs();
  } catch (e) {
    await t.close();
    throw e;
  }
  return t;
}

/** Polls `fn` until it returns a value that is not undefined/false, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

export async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** A process of our own listening on a loopback port (a "foreign" holder for the agent). */
export function occupyPort(): { port: number; close(): void } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}
