// `agent members [POOL]`: the members as the health checks see them.
import type { Command } from "../../cli/command.ts";
import { apiCall } from "../../cli/api-commands.ts";
import type { MemberView } from "./views.ts";
import type { HealthReason } from "../../host.ts";

export const membersCommand: Command = {
  name: "members",
  summary: "health of every probed member (or one pool's): status, last check, error, latency",
  usage: "members [POOL] [--json]",
  run(args, io) {
    const pool = args.positionals[0];
    const path = pool ? `/api/pools/${encodeURIComponent(pool)}/health` : "/api/health/members";
    return apiCall(
      args,
      io,
      "GET",
      path,
      undefined,
      (b: { members: MemberView[]; reasons: HealthReason[] }) => {
        if (!b.members.length) io.out("no member is probed (add a health_check to a pool)");
        for (const m of b.members) {
          const latency = m.latency_ms === null ? "-" : `${m.latency_ms} ms`;
          io.out(
            `${m.pool}  ${m.address}  ${m.status}${m.operator_down ? " (down by operator)" : ""}` +
              `  ${latency}${m.last_error ? `  ${m.last_error}` : ""}`,
          );
        }
        for (const r of b.reasons) io.out(`! ${r.message}`);
      },
    );
  },
};

export const healthCommands: Command[] = [membersCommand];
