// Projects under systemd: the rendered unit against a golden file, and the
// exact systemctl calls. The second test runs them against a real systemd 252
// booted as PID 1 of its own pid + mount namespace (systemd-ns.ts), with the
// agent's systemctl_command set to `nsenter -t <pid> -a systemctl`: a real
// activation through the API, the backend running as a unit, traffic through
// the private nginx.
import assert from "node:assert/strict";
import { freePort } from "../helpers/agent.ts";
import { type Exec, type ExecOptions, type ExecResult, RealExec } from "../../agent/exec.ts";
import { makeTemplates } from "../../agent/render/templates.ts";
import { PROJECT_TEMPLATES } from "../../agent/features/projects/templates.ts";
import { renderUnit, SystemdManager } from "../../agent/features/projects/services/systemd.ts";
import { isListening } from "../../agent/features/projects/ports.ts";
import { exists, startProjectsAgent, waitFor } from "./helpers.ts";
import { startSystemdNs, systemdUnavailable } from "./systemd-ns.ts";

const GOLDEN = new URL("./golden/proj-shop.service", import.meta.url).pathname;

/** Runs commands for real (or answers 0 when `fake`) and keeps every command line. */
class RecordingExec implements Exec {
  readonly dryRun = false;
  readonly calls: string[][] = [];
  readonly #inner = new RealExec();
  readonly #fake: boolean;
  constructor(fake = false) {
    this.#fake = fake;
  }
  run(cmd: string[], opts?: ExecOptions): Promise<ExecResult> {
    this.calls.push(cmd);
    if (this.#fake) {
      return Promise.resolve({
        code: 0,
        stdout: "",
        stderr: "",
        durationMs: 0,
        timedOut: false,
        dryRun: false,
      });
    }
    return this.#inner.run(cmd, opts);
  }
  /** systemctl calls that change something (status queries left out), without the prefix. */
  changes(prefix: string[]): string[] {
    return this.calls
      .filter((c) => prefix.every((p, i) => c[i] === p))
      .map((c) => c.slice(prefix.length).join(" "))
      .filter((c) => !/^(show|status|is-active|is-system-running)\b/.test(c));
  }
}

Deno.test("the project unit matches the golden file; systemctl calls per case (recorded)", async () => {
  // This test records the calls without running systemctl, to pin the sequence
  // of every branch (new, unchanged, changed, stop); the next test runs them
  // against a real systemd.
  const text = renderUnit(
    makeTemplates({}, PROJECT_TEMPLATES),
    { name: "shop", dir: "/srv/projects/shop", command: "python3 web.py", port: 9001 },
    "www-data",
  );
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(GOLDEN, text);
  assert.equal(text, await Deno.readTextFile(GOLDEN));
  for (
    const line of [
      "WorkingDirectory=/srv/projects/shop",
      "ExecStart=python3 web.py",
      "Environment=PORT=9001",
      "Restart=on-failure",
      "NoNewPrivileges=true",
      "ProtectSystem=strict",
      "ReadWritePaths=/srv/projects/shop",
      "PrivateTmp=true",
      "User=www-data",
      "WantedBy=multi-user.target",
    ]
  ) assert.ok(text.split("\n").includes(line), line);

  const dir = await Deno.makeTempDir({ prefix: "sy-units-" });
  try {
    const exec = new RecordingExec(true);
    const m = new SystemdManager({
      exec,
      systemctl: ["systemctl"],
      unitDir: dir,
      templates: makeTemplates({}, PROJECT_TEMPLATES),
      user: "",
    });
    const spec = { name: "shop", dir: "/srv/projects/shop", command: "python3 web.py", port: 9001 };
    await m.start(spec);
    assert.deepEqual(exec.changes(["systemctl"]), [
      "daemon-reload",
      "enable --now proj-shop.service",
    ]);
    assert.ok(await exists(`${dir}/proj-shop.service`));
    exec.calls.length = 0;
    await m.start(spec); // unchanged: nothing to reload or restart
    assert.deepEqual(exec.changes(["systemctl"]), ["enable --now proj-shop.service"]);
    exec.calls.length = 0;
    await m.start({ ...spec, port: 9002 }); // changed: reload, and restart the running unit
    assert.deepEqual(exec.changes(["systemctl"]), [
      "daemon-reload",
      "enable --now proj-shop.service",
      "restart proj-shop.service",
    ]);
    exec.calls.length = 0;
    await m.stop("shop");
    assert.deepEqual(exec.changes(["systemctl"]), [
      "disable --now proj-shop.service",
      "daemon-reload",
    ]);
    assert.equal(await exists(`${dir}/proj-shop.service`), false);
    exec.calls.length = 0;
    await m.stop("shop"); // not installed: nothing to do
    assert.deepEqual(exec.calls, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const unavailable = systemdUnavailable();

Deno.test({
  name: `activate/deactivate under a real systemd in a namespace${
    unavailable ? ` (skipped: ${unavailable})` : ""
  }`,
  ignore: unavailable !== null,
  async fn() {
    // Not under /tmp: the namespace has its own /tmp, and the units run there.
    const base = await Deno.makeTempDir({ dir: "/var/lib", prefix: "sy-systemd-test-" });
    const tmpMarker = await Deno.makeTempFile({ prefix: "sy-host-tmp-marker-" });
    const cgroupMount = (await Deno.readTextFile("/proc/self/mounts")).split("\n")
      .find((l) => l.split(" ")[1] === "/sys/fs/cgroup");
    let ns: Awaited<ReturnType<typeof startSystemdNs>> | null = null;
    let t: Awaited<ReturnType<typeof startProjectsAgent>> | null = null;
    const exec = new RecordingExec();
    try {
      ns = await startSystemdNs(base);
      t = await startProjectsAgent({
        overrides: {
          service_manager: "systemd",
          systemctl_command: ns.systemctl.join(" "),
          systemd_unit_dir: ns.unitDir,
          projects_root: `${base}/projects`,
        },
        projects: { exec },
      });
      const port = freePort();
      const on = await t.api("PUT", "/api/projects/shop", { port });
      assert.equal(on.status, 201, JSON.stringify(on.body));
      assert.equal(on.body.manager, "systemd");
      assert.deepEqual(exec.changes(ns.systemctl), [
        "daemon-reload",
        "enable --now proj-shop.service",
      ]);
      assert.equal((await ns.ctl("is-active", "proj-shop.service")).out, "active");
      assert.equal((await ns.ctl("is-enabled", "proj-shop.service")).out, "enabled");
      const unit = await Deno.readTextFile(`${ns.unitDir}/proj-shop.service`);
      assert.ok(unit.includes(`WorkingDirectory=${base}/projects/shop`));
      assert.ok(unit.includes(`Environment=PORT=${port}`));
      // The backend runs as the unit (its cgroup), and answers through nginx.
      assert.equal((await t.viaNginx("x", "/shop/")).text.trim(), "Hello world: shop");
      const check = await t.api("POST", "/api/projects/check");
      assert.equal(check.body.ok, true, JSON.stringify(check.body.issues));
      assert.equal(check.body.projects[0].service.state, "active");
      assert.equal(check.body.projects[0].listening.ok, true, "the listener is the unit's process");

      exec.calls.length = 0;
      const off = await t.api("PUT", "/api/projects/shop", { port, status: "inactive" });
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.deepEqual(exec.changes(ns.systemctl), [
        "disable --now proj-shop.service",
        "daemon-reload",
      ]);
      assert.equal(await exists(`${ns.unitDir}/proj-shop.service`), false, "unit removed");
      assert.notEqual((await ns.ctl("is-active", "proj-shop.service")).out, "active");
      await waitFor("the port to close", async () => !(await isListening(port)), 5000);
      assert.equal((await t.viaNginx("x", "/shop/")).status, 404);
      assert.ok(await exists(`${base}/projects/shop/web.py`), "the directory stays");
    } finally {
      await t?.close();
      await ns?.stop();
      await Deno.remove(base, { recursive: true });
    }
    // The host kept its /tmp and its cgroup mount as they were.
    assert.ok(await exists(tmpMarker), "the host's /tmp was not touched");
    await Deno.remove(tmpMarker);
    assert.equal(
      (await Deno.readTextFile("/proc/self/mounts")).split("\n")
        .find((l) => l.split(" ")[1] === "/sys/fs/cgroup"),
      cgroupMount,
    );
  },
});
