// One writer per data directory: `agent serve` holds this lock for its life,
// the CLI's in-process mode for one command.
import { AgentError } from "../errors.ts";

export interface Lock {
  release(): Promise<void>;
}

export async function acquireLock(dataDir: string, timeoutMs: number): Promise<Lock> {
  await Deno.mkdir(dataDir, { recursive: true });
  const path = `${dataDir}/agent.lock`;
  const file = await Deno.open(path, { create: true, read: true, write: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((
    res,
  ) => (timer = setTimeout(() => res("timeout"), timeoutMs)));
  const got = await Promise.race([file.lock(true).then(() => "locked" as const), timeout]);
  clearTimeout(timer);
  if (got === "timeout") {
    let holder = "";
    try {
      holder = (await Deno.readTextFile(path)).trim();
    } catch { /* unreadable */ }
    file.close();
    throw new AgentError(
      "CONFLICT",
      `another agent holds ${path}${
        holder ? ` (${holder})` : ""
      } but its API did not answer; check its listen setting`,
    );
  }
  await file.truncate(0);
  await file.write(new TextEncoder().encode(`pid ${Deno.pid}\n`));
  return {
    async release() {
      try {
        await file.unlock();
      } finally {
        file.close();
      }
    },
  };
}
