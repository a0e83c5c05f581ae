// Node configs: rendered only. options.toml holds exactly nanio's six [server]
// keys plus [[users]] (and no credential values), the nginx blocks pass
// `nginx -t`, the unit passes `systemd-analyze verify`.
import assert from "node:assert/strict";
import { parse } from "smol-toml";
import { startTestAgent, tempDir } from "../helpers/agent.ts";
import { generateSecret } from "../../agent/store/secrets.ts";
import { OPTIONS_KEYS } from "../../agent/features/storage/node-config.ts";

const NGINX_CONF = `pid logs/nginx.pid;
error_log logs/error.log notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
  include conf.d/*.conf;
}
`;

async function nginxT(files: { name: string; content: string }[]) {
  const p = await tempDir("ncfg");
  for (const d of ["logs", "tmp", "conf.d"]) await Deno.mkdir(`${p}/${d}`, { recursive: true });
  await Deno.writeTextFile(`${p}/nginx.conf`, NGINX_CONF);
  for (const f of files) await Deno.writeTextFile(`${p}/conf.d/${f.name}`, f.content);
  const out = await new Deno.Command("nginx", {
    args: ["-p", p, "-c", "nginx.conf", "-t"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(p, { recursive: true });
  return { ok: out.success, output: new TextDecoder().decode(out.stderr) };
}

Deno.test("node configs for a nanio member and an http member backed by it: TOML keys, nginx -t, systemd-analyze verify; no secret printed", async () => {
  const t = await startTestAgent({ overrides: { secret: generateSecret() }, startNginx: false });
  try {
    assert.equal(
      (await t.api("PUT", "/api/pools/s3a", {
        type: "nanio",
        region: "eu-west-1",
        members: [{ address: "10.0.0.5:9000" }, { address: "10.0.0.6:9000" }],
        credentials: { access_key: "AKNODE", secret_key: "node-secret-value" },
      })).status,
      201,
    );
    assert.equal(
      (await t.api("PUT", "/api/pools/files", {
        source_nanio_pool: "s3a",
        members: [{ address: "10.0.0.7:8080" }],
      })).status,
      201,
    );
    const url = (pool: string, m: string, q: string) =>
      `/api/pools/${pool}/members/${encodeURIComponent(m)}/node-config?${q}`;

    const only = await t.api(
      "GET",
      url("s3a", "10.0.0.5:9000", "type=nanio-only&nanio_bin=/bin/true&data_dir=/srv/nanio"),
    );
    assert.equal(only.status, 200, JSON.stringify(only.body));
    assert.ok(!JSON.stringify(only.body).includes("node-secret-value"));
    assert.ok(!JSON.stringify(only.body).includes("AKNODE"));
    const toml = only.body.files.find((f: { path: string }) =>
      f.path === "/etc/nanio/options.toml"
    );
    assert.equal(toml.mode, "0600");
    assert.equal(toml.owner, "nanio:nanio");
    const parsed = parse(toml.content) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed).sort(), ["server", "users"]);
    assert.deepEqual(Object.keys(parsed.server as object).sort(), [...OPTIONS_KEYS].sort());
    assert.deepEqual({ ...(parsed.server as object) }, {
      data_dir: "/srv/nanio",
      host: "10.0.0.5",
      port: 9000,
      region: "eu-west-1",
      workers: 4,
      log_level: "info",
    });
    assert.deepEqual(Object.keys((parsed.users as object[])[0]).sort(), [
      "access_key",
      "secret_key",
    ]);
    assert.ok(
      only.body.instructions.some((i: string) => /install -m 600 -o nanio -g nanio/.test(i)),
    );
    assert.ok(only.body.instructions.some((i: string) => /useradd --system/.test(i)));

    // the hardened unit
    const unit = only.body.files.find((f: { path: string }) => f.path.endsWith(".service"));
    assert.match(unit.content, /ReadWritePaths=\/srv\/nanio/);
    assert.match(unit.content, /NoNewPrivileges=yes/);
    const ud = await tempDir("unit");
    await Deno.writeTextFile(`${ud}/nanio.service`, unit.content);
    const v = await new Deno.Command("systemd-analyze", {
      args: ["verify", `${ud}/nanio.service`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const verr = new TextDecoder().decode(v.stderr);
    await Deno.remove(ud, { recursive: true });
    assert.ok(v.success, verr);

    // nginx in front of nanio: Host keeps the port (D2); both blocks pass nginx -t
    const nn = await t.api("GET", url("s3a", "10.0.0.6:9000", "type=nginx-nanio"));
    assert.equal(nn.status, 200, JSON.stringify(nn.body));
    const proxy = nn.body.files.find((f: { path: string }) => f.path.startsWith("/etc/nginx/"));
    assert.match(proxy.content, /proxy_set_header Host \$http_host;/);
    assert.doesNotMatch(proxy.content, /\$host;/);
    const nnToml = parse(
      nn.body.files.find((f: { path: string }) => f.path.endsWith("options.toml")).content,
    ) as { server: { host: string; port: number } };
    assert.deepEqual([nnToml.server.host, nnToml.server.port], ["127.0.0.1", 9001]);
    const ho = await t.api("GET", url("files", "10.0.0.7:8080", "type=nginx-only"));
    assert.equal(ho.status, 200, JSON.stringify(ho.body));
    const serve = ho.body.files[0];
    assert.match(serve.content, /location ~ \/\\\.nanio\(-meta\)\?\/ \{ return 404; \}/);
    assert.doesNotMatch(serve.content, /immutable/);
    const res = await nginxT([{ name: "a.conf", content: proxy.content }, {
      name: "b.conf",
      content: serve.content,
    }]);
    assert.ok(res.ok, res.output);

    // wrong combinations are refused naming the field
    assert.equal(
      (await t.api("GET", url("files", "10.0.0.7:8080", "type=nanio-only"))).body.error.detail
        .field,
      "type",
    );
    assert.equal(
      (await t.api("GET", url("s3a", "10.9.9.9:1", "type=nanio-only"))).body.error.detail.field,
      "member",
    );
    assert.equal(
      (await t.api("GET", url("s3a", "10.0.0.5:9000", "type=bogus"))).body.error.detail.field,
      "type",
    );
    const sum = await t.api("GET", "/api/pools/s3a/node-config-summary");
    assert.deepEqual(
      sum.body.members.map((m: { address: string; types: string[] }) => `${m.address}:${m.types}`),
      [
        "10.0.0.5:9000:nanio-only,nginx-nanio",
        "10.0.0.6:9000:nanio-only,nginx-nanio",
      ],
    );
  } finally {
    await t.close();
  }
});
