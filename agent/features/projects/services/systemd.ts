// Project backends as systemd units: proj-<name>.service rendered from
// templates/systemd/project.service.eta into systemd_unit_dir, driven with
// systemctl through the injected Exec (the command prefix is a setting, so the
// tests run it against a real systemd in a namespace through nsenter).
import { AgentError } from "../../../errors.ts";
import type { Exec, ExecResult } from "../../../exec.ts";
import type { Templates } from "../../../render/templates.ts";
import type { ServiceManager, ServiceSpec, ServiceStatus } from "./manager.ts";

export interface SystemdOptions {
  exec: Exec;
  /** e.g. ["systemctl"] or ["nsenter", "-t", "1234", "-a", "systemctl"] */
  systemctl: string[];
  unitDir: string;
  templates: Templates;
  /** User= of the units; empty: root. */
  user: string;
}

export const unitName = (project: string) => `proj-${project}.service`;

export function renderUnit(templates: Templates, spec: ServiceSpec, user = ""): string {
  return templates.render("project.service.eta", {
    name: spec.name,
    port: spec.port,
    dir: spec.dir,
    command: spec.command,
    user,
  });
}

export class SystemdManager implements ServiceManager {
  readonly kind = "systemd" as const;
  readonly o: SystemdOptions;
  constructor(o: SystemdOptions) {
    this.o = o;
  }

  unitPath(name: string): string {
    return `${this.o.unitDir.replace(/\/+$/, "")}/${unitName(name)}`;
  }

  async #ctl(args: string[], check = true): Promise<ExecResult> {
    const cmd = [...this.o.systemctl, ...args];
    const r = await this.o.exec.run(cmd, { timeoutMs: 60_000 });
    if (check && r.code !== 0) {
      throw new AgentError(
        "INTERNAL",
        `${cmd.join(" ")} failed (exit ${r.code}): ${(r.stderr + r.stdout).trim()}`,
        { command: cmd, exit_code: r.code },
      );
    }
    return r;
  }

  async start(spec: ServiceSpec): Promise<void> {
    const text = renderUnit(this.o.templates, spec, this.o.user);
    const path = this.unitPath(spec.name);
    const old = await Deno.readTextFile(path).catch(() => null);
    if (old !== text) {
      await Deno.mkdir(this.o.unitDir, { recursive: true });
      const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
      await Deno.writeTextFile(tmp, text, { mode: 0o644 });
      await Deno.rename(tmp, path);
      await this.#ctl(["daemon-reload"]);
    }
    await this.#ctl(["enable", "--now", unitName(spec.name)]);
    // enable --now leaves a running unit alone: a changed definition needs a restart.
    if (old !== null && old !== text) await this.#ctl(["restart", unitName(spec.name)]);
  }

  async stop(name: string): Promise<void> {
    const path = this.unitPath(name);
    const installed = await Deno.stat(path).then(() => true, () => false);
    if (!installed) return;
    await this.#ctl(["disable", "--now", unitName(name)]);
    await Deno.remove(path);
    await this.#ctl(["daemon-reload"]);
  }

  async status(name: string): Promise<ServiceStatus> {
    const installed = await Deno.stat(this.unitPath(name)).then(() => true, () => false);
    if (!installed) {
      return {
        manager: "systemd",
        active: false,
        state: "not-installed",
        pid: null,
        detail: { unit: unitName(name), unit_file: this.unitPath(name) },
      };
    }
    const r = await this.#ctl(
      ["show", "--property=ActiveState,SubState,MainPID,NRestarts", unitName(name)],
      false,
    );
    const props = Object.fromEntries(
      r.stdout.split("\n").filter((l) => l.includes("=")).map((l) => [
        l.slice(0, l.indexOf("=")),
        l.slice(l.indexOf("=") + 1).trim(),
      ]),
    );
    const state = props.ActiveState || (r.code === 0 ? "unknown" : "unreachable");
    const pid = Number(props.MainPID ?? 0);
    return {
      manager: "systemd",
      active: state === "active",
      state,
      pid: pid > 0 ? pid : null,
      detail: {
        unit: unitName(name),
        sub_state: props.SubState ?? null,
        restarts: props.NRestarts !== undefined ? Number(props.NRestarts) : null,
        ...(r.code !== 0 ? { error: (r.stderr + r.stdout).trim() } : {}),
      },
    };
  }

  async owns(name: string, pid: number): Promise<boolean> {
    try {
      const cg = await Deno.readTextFile(`/proc/${pid}/cgroup`);
      return cg.split("\n").some((l) => l.endsWith(`/${unitName(name)}`));
    } catch {
      return false;
    }
  }

  async diagnose(name: string): Promise<string> {
    const r = await this.#ctl(["status", "--no-pager", "--lines=15", unitName(name)], false);
    const out = (r.stdout + r.stderr).trim();
    return `${out ? out + "\n" : ""}(more: journalctl -u ${
      unitName(name)
    } --no-pager | tail -n 50)`;
  }
}
