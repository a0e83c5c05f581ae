// The agent's own systemd unit, as `agent install` writes it: root (it signals
// nginx and writes under /etc/nginx), and otherwise confined: a read-only
// system except the directories it owns, no new privileges, a private /tmp.
export const UNIT_NAME = "switchyard-agent.service";

export interface UnitPaths {
  bin: string;
  configFile: string;
  dataDir: string;
  nginxDir: string;
}

export function agentUnit(p: UnitPaths): string {
  const rw = [
    p.dataDir,
    p.configFile.slice(0, p.configFile.lastIndexOf("/")),
    "/etc/nginx",
    p.nginxDir,
    "/run",
    "/var/log",
    "/etc/letsencrypt",
    "/var/lib/letsencrypt",
    "/etc/systemd/system",
  ];
  return `# Written by agent install; agent uninstall removes it.
[Unit]
Description=Switchyard nginx gateway agent
Documentation=https://github.com/switchyard/agent#readme
After=network-online.target nginx.service
Wants=network-online.target nginx.service

[Service]
Type=simple
Environment=AGENT_CONFIG=${p.configFile}
ExecStart=${p.bin} serve
Restart=on-failure
RestartSec=2
UMask=0027
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=-${[...new Set(rw)].join(" -")}
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
SystemCallArchitectures=native
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK

[Install]
WantedBy=multi-user.target
`;
}
