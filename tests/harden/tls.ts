// A CA and a leaf certificate for one name, made with openssl, for TLS tests.
import { sh } from "../helpers/sh.ts";

export interface TestCert {
  ca: string;
  certificate: string;
  key: string;
}

export async function makeCert(dir: string, name: string): Promise<TestCert> {
  const ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  await sh(`openssl req -x509 ${ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca`, dir);
  await sh(`openssl req ${ec} -keyout ${name}.key -out ${name}.csr -subj /CN=${name}`, dir);
  await Deno.writeTextFile(`${dir}/${name}.ext`, `subjectAltName=DNS:${name}\n`);
  await sh(
    `openssl x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial ` +
      `-out ${name}.pem -days 2 -extfile ${name}.ext`,
    dir,
  );
  return {
    ca: await Deno.readTextFile(`${dir}/ca.pem`),
    certificate: `${dir}/${name}.pem`,
    key: `${dir}/${name}.key`,
  };
}
