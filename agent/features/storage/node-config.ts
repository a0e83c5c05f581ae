// The node config generator: what to install on one pool member, rendered only
// (nothing is deployed). nanio accepts exactly six [server] keys plus [[users]]
// and refuses any other key; the unit is hardened; the nginx blocks keep the
// port in Host (D2) and hide nanio's metadata and multipart state. Credentials
// are never printed: the operator fills the placeholders.
import { invalid } from "../../errors.ts";
import type { Pool } from "../../kinds/pool/kind.ts";
import { DEFAULT_REGION } from "../../kinds/pool/schema.ts";

export const NODE_CONFIG_TYPES = ["nanio-only", "nginx-only", "nginx-nanio"] as const;
export type NodeConfigType = typeof NODE_CONFIG_TYPES[number];

export const OPTIONS_KEYS = ["data_dir", "host", "port", "region", "workers", "log_level"] as const;

export interface NodeFile {
  path: string;
  mode: string;
  owner: string;
  content: string;
}

export interface NodeConfig {
  pool: string;
  member: string;
  type: NodeConfigType;
  files: NodeFile[];
  instructions: string[];
}

export interface NodeConfigOptions {
  data_dir?: string;
  nanio_bin?: string;
  workers?: number;
}

const PATH_RE = /^\/[A-Za-z0-9._/-]*$/;

function splitAddress(a: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(a);
  if (!m) throw invalid("member", `member ${a} has no host:port address`);
  return { host: m[1], port: Number(m[2]) };
}

const tomlString = (s: string) => JSON.stringify(s);

export function optionsToml(o: {
  data_dir: string;
  host: string;
  port: number;
  region: string;
  workers: number;
  pool: string;
}): string {
  return [
    `# nanio options for pool ${o.pool}: install with  install -m 600 -o nanio -g nanio`,
    "# (it holds the users' secrets in plain text once you fill them in)",
    "[server]",
    `data_dir = ${tomlString(o.data_dir)}`,
    `host = ${tomlString(o.host)}`,
    `port = ${o.port}`,
    `region = ${tomlString(o.region)}`,
    `workers = ${o.workers}`,
    `log_level = "info"`,
    "",
    "[[users]]",
    `access_key = ${tomlString(`<access key of pool ${o.pool}>`)}`,
    `secret_key = ${tomlString(`<secret key of pool ${o.pool}>`)}`,
    "",
  ].join("\n");
}

export function systemdUnit(
  o: { pool: string; member: string; bin: string; data_dir: string },
): string {
  return `[Unit]
Description=nanio S3 node (pool ${o.pool}, member ${o.member})
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=nanio
Group=nanio
ExecStart=${o.bin} --config /etc/nanio/options.toml
Restart=on-failure
RestartSec=2
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictSUIDSGID=yes
LockPersonality=yes
CapabilityBoundingSet=
ReadWritePaths=${o.data_dir}
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
}

/** nginx serving the data directory read-only (an http pool's member). */
export function nginxOnlyBlock(o: { port: number; data_dir: string; pool: string }): string {
  return `# http pool member serving the data of nanio pool ${o.pool} (read-only)
server {
    listen ${o.port};
    root ${o.data_dir};
    # nanio's sidecar metadata and in-progress multipart parts are not public
    location ~ /\\.nanio(-meta)?/ { return 404; }
    location / {
        limit_except GET { deny all; }
        try_files $uri =404;
    }
}
`;
}

/** nginx in front of a local nanio: the port survives both hops in Host. */
export function nginxNanioBlock(o: { port: number; nanioPort: number }): string {
  return `# nginx in front of the local nanio (S3: no buffering, Host with its port)
upstream nanio_local {
    server 127.0.0.1:${o.nanioPort};
    keepalive 32;
}
server {
    listen ${o.port};
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_buffering off;
    location / {
        proxy_pass http://nanio_local;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
}
`;
}

export function nodeConfig(
  pool: Pool,
  member: string,
  type: NodeConfigType,
  opts: NodeConfigOptions = {},
): NodeConfig {
  if (!pool.members.some((m) => m.address === member)) {
    throw invalid("member", `pool "${pool.name}" has no member ${member}`);
  }
  const data_dir = opts.data_dir ?? "/var/lib/nanio";
  const bin = opts.nanio_bin ?? "/usr/local/bin/nanio";
  for (const [f, v] of [["data_dir", data_dir], ["nanio_bin", bin]]) {
    if (!PATH_RE.test(v)) throw invalid(f, "must be an absolute path (a-z, 0-9, ._/-)");
  }
  const workers = opts.workers ?? 4;
  const { host, port } = splitAddress(member);
  const nanio = pool.type === "nanio";
  if (type === "nginx-only" ? nanio : !nanio) {
    throw invalid(
      "type",
      type === "nginx-only"
        ? "nginx-only is for http pools serving a nanio pool's data (source_nanio_pool)"
        : `${type} is for nanio pools`,
    );
  }
  const files: NodeFile[] = [];
  const instructions: string[] = [];
  const region = pool.region ?? DEFAULT_REGION;
  if (type === "nginx-only") {
    files.push({
      path: `/etc/nginx/conf.d/nanio-data-${pool.name}.conf`,
      mode: "0644",
      owner: "root:root",
      content: nginxOnlyBlock({ port, data_dir, pool: pool.source_nanio_pool ?? pool.name }),
    });
    instructions.push(
      `Mount or sync the data directory of nanio pool ${
        pool.source_nanio_pool ?? "?"
      } at ${data_dir} (read-only is enough).`,
      "Content-Type comes from nginx's types map, not from the object's stored metadata.",
      "No Cache-Control: public, immutable: S3 objects can be overwritten.",
      "nginx -t && systemctl reload nginx",
    );
    return { pool: pool.name, member, type, files, instructions };
  }
  const nanioPort = type === "nginx-nanio" ? port + 1 : port;
  const nanioHost = type === "nginx-nanio"
    ? "127.0.0.1"
    : (/^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : "0.0.0.0");
  files.push({
    path: "/etc/nanio/options.toml",
    mode: "0600",
    owner: "nanio:nanio",
    content: optionsToml({
      data_dir,
      host: nanioHost,
      port: nanioPort,
      region,
      workers,
      pool: pool.name,
    }),
  });
  files.push({
    path: "/etc/systemd/system/nanio.service",
    mode: "0644",
    owner: "root:root",
    content: systemdUnit({ pool: pool.name, member, bin, data_dir }),
  });
  if (type === "nginx-nanio") {
    files.push({
      path: `/etc/nginx/conf.d/nanio-${pool.name}.conf`,
      mode: "0644",
      owner: "root:root",
      content: nginxNanioBlock({ port, nanioPort }),
    });
  }
  instructions.push(
    `useradd --system --home-dir ${data_dir} --shell /usr/sbin/nologin nanio`,
    `install -d -m 750 -o nanio -g nanio ${data_dir}`,
    "install -d -m 755 /etc/nanio",
    "install -m 600 -o nanio -g nanio options.toml /etc/nanio/options.toml  (fill in the [[users]] keys: the pool's credentials)",
    "systemctl daemon-reload && systemctl enable --now nanio",
    ...(type === "nginx-nanio" ? ["nginx -t && systemctl reload nginx"] : []),
    "Keep the node's clock in sync (NTP): SigV4 refuses requests more than 15 minutes off.",
  );
  return { pool: pool.name, member, type, files, instructions };
}

export function nodeConfigSummary(pool: Pool) {
  const types: NodeConfigType[] = pool.type === "nanio"
    ? ["nanio-only", "nginx-nanio"]
    : pool.source_nanio_pool
    ? ["nginx-only"]
    : [];
  return {
    pool: pool.name,
    type: pool.type ?? "http",
    region: pool.type === "nanio" ? pool.region ?? DEFAULT_REGION : undefined,
    members: pool.members.map((m) => ({
      address: m.address,
      types,
      url: `/api/pools/${pool.name}/members/${encodeURIComponent(m.address)}/node-config`,
    })),
  };
}
