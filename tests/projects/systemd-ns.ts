// A real systemd 252 as PID 1 of a new pid + mount namespace, for tests that
// drive systemctl (ENVIRONMENT.md, "systemd (real, in a namespace)"). Started
// naively, its boot units would run on the host's files (systemd-tmpfiles
// empties the real /tmp, systemd-sysctl changes host settings), so the boot
// script first makes every mount private and gives systemd fresh /run, /tmp,
// /var/tmp, /var/log/journal and /dev, binds the test's unit directory over
// /etc/systemd/system and masks the boot units; then `systemctl` runs through
// `nsenter -t <pid> -a`. The network namespace is shared: a unit's 127.0.0.1
// port is reachable from the test.
//
// One step beyond ENVIRONMENT.md: systemd remounts /sys/fs/cgroup read-only
// and creates mountpoints in it, and that tmpfs is the host's (a remount
// changes the superblock, private propagation or not). The script gives
// systemd a private tmpfs there with the host's cgroup hierarchies mounted
// again, so the host's /sys/fs/cgroup stays writable and unchanged.
//
// Directories the units use must not live under /tmp or /var/tmp (private
// inside). Tear down with SIGKILL to systemd (never `poweroff` inside), then
// the empty cgroups it created are removed.

const BOOT = `#!/bin/sh
set -e
UNITS="$1"
exec >"$2" 2>&1
mount --make-rprivate /
CG=$(grep -E ' /sys/fs/cgroup/[^ ]+ cgroup2? ' /proc/self/mounts || true)
mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup
echo "$CG" | while read -r src dir type opts rest; do
  [ -n "$dir" ] || continue
  mkdir -p "$dir"
  if [ "$type" = cgroup2 ]; then
    mount -t cgroup2 none "$dir"
  else
    o=$(echo "$opts" | tr , '\\n' | grep -vE '^(rw|ro|relatime|nosuid|nodev|noexec)$' | paste -sd, -)
    mount -t cgroup -o "$o" cgroup "$dir"
  fi
done
for d in /run /tmp /var/tmp /var/log/journal; do
  mkdir -p "$d"
  mount -t tmpfs -o mode=755 tmpfs "$d"
done
chmod 1777 /tmp /var/tmp
mount -t tmpfs -o mode=755 tmpfs /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/random c 1 8
mknod -m 666 /dev/urandom c 1 9
mknod -m 666 /dev/tty c 5 0
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount --bind "$UNITS" /etc/systemd/system
mkdir -p /run/systemd/system.control
for u in /lib/systemd/system/sysinit.target.wants/* /lib/systemd/system/sockets.target.wants/*; do
  n=$(basename "$u")
  case "$n" in systemd-journald*) continue ;; esac
  ln -sf /dev/null "/run/systemd/system.control/$n"
done
for n in timers.target systemd-remount-fs.service systemd-update-done.service ldconfig.service \\
  systemd-hwdb-update.service systemd-udevd.service systemd-udev-trigger.service \\
  systemd-fsck-root.service getty.target; do
  ln -sf /dev/null "/run/systemd/system.control/$n"
done
exec env container=test /lib/systemd/systemd --system --unit=switchyard-test.target
`;

export interface SystemdNs {
  /** Host pid of systemd (PID 1 inside). */
  pid: number;
  /** Host directory bound over /etc/systemd/system inside. */
  unitDir: string;
  /** The systemctl command prefix for the agent's systemctl_command setting. */
  systemctl: string[];
  ctl(...args: string[]): Promise<{ code: number; out: string }>;
  stop(): Promise<void>;
}

/** Why a real systemd cannot run here, or null when it can. */
export function systemdUnavailable(): string | null {
  if (Deno.uid() !== 0) return "not root: unshare --mount and nsenter need root";
  for (
    const f of ["/lib/systemd/systemd", "/usr/bin/nsenter", "/usr/bin/unshare", "/usr/bin/setsid"]
  ) {
    try {
      Deno.statSync(f);
    } catch {
      return `${f} is missing`;
    }
  }
  return null;
}

async function run(cmd: string[], timeoutMs = 15_000): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(cmd[0], { args: cmd.slice(1), stdout: "piped", stderr: "piped" })
    .spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, timeoutMs);
  const r = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: r.code, out: (dec.decode(r.stdout) + dec.decode(r.stderr)).trim() };
}

function cgroupDirs(): Set<string> {
  const out = new Set<string>();
  const walk = (d: string, depth: number) => {
    if (depth > 4) return;
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)];
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory) continue;
      out.add(`${d}/${e.name}`);
      walk(`${d}/${e.name}`, depth + 1);
    }
  };
  walk("/sys/fs/cgroup", 0);
  return out;
}

/**
 * Boots systemd with `baseDir/units` as /etc/systemd/system. `baseDir` must
 * not be under /tmp or /var/tmp.
 */
export async function startSystemdNs(baseDir: string): Promise<SystemdNs> {
  if (/^\/(var\/)?tmp(\/|$)/.test(baseDir)) {
    throw new Error(`${baseDir} is private inside the namespace`);
  }
  const unitDir = `${baseDir}/units`;
  await Deno.mkdir(unitDir, { recursive: true });
  await Deno.writeTextFile(
    `${unitDir}/switchyard-test.target`,
    "[Unit]\nDescription=Switchyard test target (nothing else boots)\n",
  );
  const script = `${baseDir}/boot.sh`;
  await Deno.writeTextFile(script, BOOT, { mode: 0o755 });
  const before = cgroupDirs();
  const unshare = new Deno.Command("setsid", {
    args: [
      "unshare",
      "--pid",
      "--fork",
      "--mount",
      "--uts",
      "--ipc",
      "--mount-proc",
      script,
      unitDir,
      `${baseDir}/boot.log`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let pid = 0;
  const stop = async () => {
    if (pid) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    } else {
      try {
        unshare.kill("SIGKILL");
      } catch { /* gone */ }
    }
    await unshare.status;
    // The cgroups systemd made in the host's hierarchies, deepest first (empty now).
    const created = [...cgroupDirs()].filter((d) =>
      !before.has(d) && /\/(init\.scope|system\.slice|user\.slice|machine\.slice)(\/|$)/.test(d)
    ).sort((a, b) => b.length - a.length);
    for (const d of created) {
      for (let i = 0; i < 20; i++) {
        try {
          await Deno.remove(d);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 50)); // its last processes are still exiting
        }
      }
    }
  };
  try {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const children = await Deno.readTextFile(`/proc/${unshare.pid}/task/${unshare.pid}/children`)
        .catch(() => "");
      const child = Number(children.trim().split(/\s+/)[0] || 0);
      if (
        child &&
        (await Deno.readTextFile(`/proc/${child}/comm`).catch(() => "")).trim() === "systemd"
      ) {
        const r = await run([
          "nsenter",
          "-t",
          String(child),
          "-a",
          "systemctl",
          "is-system-running",
        ], 5000);
        if (/^(running|degraded)$/m.test(r.out)) {
          pid = child;
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!pid) {
      const log = await Deno.readTextFile(`${baseDir}/boot.log`).catch(() => "");
      throw new Error(`systemd did not reach running within 15 s; boot log:\n${log}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const systemctl = ["nsenter", "-t", String(pid), "-a", "systemctl"];
  return {
    pid,
    unitDir,
    systemctl,
    ctl: (...args) => run([...systemctl, ...args]),
    stop,
  };
}
