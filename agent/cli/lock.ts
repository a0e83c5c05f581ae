// One writer per data directory: `agent serve` holds this lock for its life,
// the CLI's in-process mode for one command.
import { AgentError } from "../errors.ts";

export interface Lock {
  release(): Promise<void>;
}

/** The process a lock file names, as `pid N (command line)`, or "" when unknown. */
export async function lockHolder(path: string): Promise<string> {
  let pid = "";
  try {
    pid = /pid (\d+)/.exec(await Deno.readTextFile(path))?.[1] ?? "";
  } catch { /* unreadable */ }
  if (!pid) return "";
  let cmd = "";
  try {
    cmd = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0").join(" ").trim();
  } catch { /* gone or not Linux */ }
  return `pid ${pid}${cmd ? ` (${cmd.slice(0, 200)})` : ""}`;
}

/**
 * `serving`: the caller is `agent serve`, which needs the directory for its life
 * (so the message names the holder and what to do, not the holder's API).
 */
export async function acquireLock(
  dataDir: string,
  timeoutMs: number,
  serving = false,
): Promise<Lock> {
  await Deno.mkdir(dataDir, { recursive: true });
  const path = `${dataDir}/agent.lock`;
  const file = await Deno.open(path, { create: true, read: true, write: true, mode: 0o600 });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((
    res,
  ) => (timer = setTimeout(() => res("timeout"), timeoutMs)));
  const got = await Promise.race([file.lock(true).then(() => "locked" as const), timeout]);
  clearTimeout(timer);
  if (got === "timeout") {
    const holder = await lockHolder(path);
    file.close();
    if (serving) {
      throw new AgentError(
        "CONFLICT",
        `data directory ${dataDir} is in use by ${holder || "another process"}` +
          " (it holds agent.lock): stop that agent first, or give this one another data_dir",
        { holder },
      );
    }
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
