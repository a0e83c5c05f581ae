// /api/scheduler: every job of the agent's one scheduler with its last run,
// duration, outcome and next run; POST .../run runs one now.
import { Hono } from "hono";
import type { Runtime } from "../runtime.ts";
import { notFound } from "../errors.ts";
import { param } from "./http.ts";

export function schedulerRouter(rt: Runtime): Hono {
  const r = new Hono();
  r.get("/", (c) => c.json({ jobs: rt.scheduler.status() }));
  r.post("/:job/run", async (c) => {
    const name = param(c, "job");
    if (!rt.scheduler.status().some((j) => j.name === name)) throw notFound("job", name);
    await rt.scheduler.runNow(name);
    return c.json(rt.scheduler.status().find((j) => j.name === name));
  });
  return r;
}
