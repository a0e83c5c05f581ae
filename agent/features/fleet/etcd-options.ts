// The etcd client the fleet settings describe (the feature and `agent fleet join`).
import { invalid } from "../../errors.ts";
import type { EtcdOptions } from "../../fleet/etcd.ts";
import type { FleetSettings } from "./settings.ts";

async function readPem(setting: string, path: string): Promise<string | undefined> {
  if (!path) return undefined;
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw invalid(setting, `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The etcd client the settings describe; refuses etcd mode without endpoints. */
export async function etcdOptions(s: FleetSettings): Promise<EtcdOptions> {
  const endpoints = s.etcd_endpoints.split(",").map((e) => e.trim()).filter(Boolean);
  if (!endpoints.length) throw invalid("etcd_endpoints", "store = etcd needs at least one URL");
  for (const e of endpoints) {
    if (!/^https?:\/\/[^/]+\/?$/.test(e)) {
      throw invalid("etcd_endpoints", `expected http(s)://host:port, got ${JSON.stringify(e)}`);
    }
  }
  if (!s.etcd_cert_file !== !s.etcd_key_file) {
    throw invalid("etcd_key_file", "etcd_cert_file and etcd_key_file go together");
  }
  if (!s.etcd_user !== !s.etcd_password) {
    throw invalid("etcd_password", "etcd_user and etcd_password go together");
  }
  return {
    endpoints,
    caCert: await readPem("etcd_ca_file", s.etcd_ca_file),
    clientCert: await readPem("etcd_cert_file", s.etcd_cert_file),
    clientKey: await readPem("etcd_key_file", s.etcd_key_file),
    ...(s.etcd_user ? { auth: { user: s.etcd_user, password: s.etcd_password } } : {}),
  };
}
