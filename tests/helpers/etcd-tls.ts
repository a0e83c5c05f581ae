// Certificates for a TLS etcd on loopback, made with openssl: a CA, a server
// certificate for 127.0.0.1 and a client certificate (CN "fleet-client").
import { sh } from "./sh.ts";
import type { EtcdTls } from "./etcd.ts";

export async function makeEtcdCerts(
  dir: string,
): Promise<EtcdTls & { clientCert: string; clientKey: string }> {
  const ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  await sh(
    `openssl req -x509 ${ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=etcd-test-ca`,
    dir,
  );
  for (
    const [name, ext] of [
      ["server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n"],
      ["client", "extendedKeyUsage=clientAuth\n"],
    ]
  ) {
    const cn = name === "server" ? "127.0.0.1" : "fleet-client";
    await sh(`openssl req ${ec} -keyout ${name}.key -out ${name}.csr -subj /CN=${cn}`, dir);
    await Deno.writeTextFile(`${dir}/${name}.ext`, ext);
    await sh(
      `openssl x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial ` +
        `-out ${name}.pem -days 2 -extfile ${name}.ext`,
      dir,
    );
  }
  const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
  return {
    caFile: `${dir}/ca.pem`,
    certFile: `${dir}/server.pem`,
    keyFile: `${dir}/server.key`,
    ca: await read("ca.pem"),
    clientCert: await read("client.pem"),
    clientKey: await read("client.key"),
  };
}
