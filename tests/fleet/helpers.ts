// An agent of a test fleet: store = "etcd" on the given cluster, its own
// private nginx, jobs started (the follower and the status reports run as jobs).
import { startTestAgent, type TestAgent } from "../helpers/agent.ts";

export async function fleetNode(
  endpoints: string[],
  cluster: string,
  name: string,
  o: { again?: TestAgent; overrides?: Record<string, unknown>; httpPort?: number } = {},
): Promise<TestAgent> {
  const t = await startTestAgent({
    dir: o.again?.dir,
    httpPort: o.again?.httpPort ?? o.httpPort,
    overrides: {
      ...(o.again ? { dev_https_port: o.again.settings.dev_https_port } : {}),
      store: "etcd",
      etcd_endpoints: endpoints.join(","),
      cluster,
      node_name: name,
      ...o.overrides,
    },
  });
  await t.agent.startJobs();
  return t;
}

/** Whether `host` through the agent's nginx answers 200 with a body starting with `text`. */
export async function serves(t: TestAgent, host: string, text: string): Promise<boolean> {
  const r = await t.viaNginx(host, "/").catch(() => null);
  return r?.status === 200 && r.text.startsWith(text);
}
