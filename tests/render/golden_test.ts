// Golden files: every case in tests/golden/ renders exactly its .conf, and every
// .conf is valid nginx (the real `nginx -t` in a private prefix).
// UPDATE_GOLDEN=1 deno test -A tests/render/golden_test.ts rewrites the .conf files.
import assert from "node:assert/strict";
import { RealExec } from "../../agent/exec.ts";
import { featuresFor } from "../../agent/render/context.ts";
import {
  caseNames,
  GOLDEN_DIR,
  goldenText,
  loadCase,
  renderCase,
  TLS_PLACEHOLDER_DIR,
} from "./golden.ts";

const update = Deno.env.get("UPDATE_GOLDEN") === "1";
const exec = new RealExec();

Deno.test("golden: every case renders its .conf exactly", async (t) => {
  const names = caseNames();
  assert.ok(names.length >= 20, `expected the golden cases in ${GOLDEN_DIR}`);
  const confs = [...Deno.readDirSync(GOLDEN_DIR)].filter((e) => e.name.endsWith(".conf"))
    .map((e) => e.name.slice(0, -5));
  assert.deepEqual(confs.filter((c) => !names.includes(c)), [], "a .conf without its .json");
  for (const name of names) {
    await t.step(name, () => {
      const c = loadCase(name);
      const text = goldenText(c, renderCase(c));
      const file = `${GOLDEN_DIR}${name}.conf`;
      if (update) {
        Deno.writeTextFileSync(file, text);
        return;
      }
      let expected: string;
      try {
        expected = Deno.readTextFileSync(file);
      } catch {
        throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 deno test -A ${import.meta.url}`);
      }
      assert.equal(text, expected, `${name}: rendered text differs from ${name}.conf`);
    });
  }
});

const NGINX_CONF = `pid logs/nginx.pid;
error_log logs/error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    server_names_hash_bucket_size 128;
    include conf.d/*.conf;
}
`;

async function installedNginxVersion(): Promise<string> {
  const r = await exec.run(["nginx", "-v"], { timeoutMs: 5000 });
  const m = /nginx\/(\d+\.\d+\.\d+)/.exec(r.stderr + r.stdout);
  if (!m) {
    throw new Error(
      `nginx is not installed (${r.stderr.trim()}): run \`deno task test\`, which installs it`,
    );
  }
  return m[1];
}

/** A self-signed certificate and key, made with openssl, for the TLS cases. */
async function makeCert(dir: string): Promise<{ cert: string; key: string }> {
  const cert = `${dir}/self.pem`;
  const key = `${dir}/self.key`;
  const r = await exec.run([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=golden.test",
    "-keyout",
    key,
    "-out",
    cert,
  ], { timeoutMs: 20_000 });
  assert.equal(r.code, 0, `openssl failed: ${r.stderr}`);
  return { cert: await Deno.readTextFile(cert), key: await Deno.readTextFile(key) };
}

Deno.test("golden: every case's files pass the real nginx -t", async (t) => {
  const version = await installedNginxVersion();
  const installed = featuresFor(version);
  const root = await Deno.makeTempDir({ dir: "/tmp", prefix: "sy-golden-" });
  try {
    const pem = await makeCert(root);
    for (const name of caseNames()) {
      const c = loadCase(name);
      const wanted = featuresFor(c.nginx_version ?? "1.22.1");
      // A case rendered for a newer nginx (http2 on;) is only provable on one.
      const ignore = wanted.http2Directive && !installed.http2Directive;
      await t.step({
        name: ignore ? `${name} (needs nginx >= 1.25.1, installed ${version})` : name,
        ignore,
        fn: async () => {
          const prefix = `${root}/${name}`;
          for (const d of ["conf.d", "logs", "tmp", "tls"]) {
            await Deno.mkdir(`${prefix}/${d}`, { recursive: true });
          }
          await Deno.writeTextFile(`${prefix}/nginx.conf`, NGINX_CONF);
          for (const f of renderCase(c)) {
            // Certificates named in the case become real files in this prefix.
            const text = f.text.replaceAll(TLS_PLACEHOLDER_DIR, `${prefix}/tls/`);
            for (const m of text.matchAll(/ssl_certificate(_key)? (\S+);/g)) {
              await Deno.mkdir(m[2].slice(0, m[2].lastIndexOf("/")), { recursive: true });
              await Deno.writeTextFile(m[2], m[1] ? pem.key : pem.cert);
            }
            await Deno.writeTextFile(`${prefix}/conf.d/${f.name}`, text);
          }
          const r = await exec.run(["nginx", "-p", `${prefix}/`, "-c", "nginx.conf", "-t"], {
            timeoutMs: 20_000,
          });
          assert.equal(r.code, 0, `nginx -t refused case ${name}:\n${r.stderr}`);
          assert.match(r.stderr, /test is successful/);
        },
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
