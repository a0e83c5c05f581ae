// rebuild-db: certificate records come back from certbot's files when no
// sidecar holds them (domains from the certificate's subjectAltName).
import type { RebuildSource } from "../../runtime.ts";
import { entityId, type Rec } from "../../store/store.ts";
import { CERT_KIND } from "./model.ts";
import { ENTITY_RE } from "../../model/grammar.ts";
import { filesOf } from "./certbot.ts";
import { fileSha256, readCertInfo } from "./x509.ts";
import { acmeOf } from "./state.ts";
import { statusOf } from "./status.ts";
import type { CertsConfig } from "./settings.ts";

export const certRebuildSource: RebuildSource<CertsConfig> = {
  name: "certbot live certificates",
  async collect(rt, found) {
    const records: { kind: string; record: Rec }[] = [];
    const unreadable: { file: string; reason: string }[] = [];
    const live = `${rt.settings.certbot_dir}/live`;
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(live));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return { records, unreadable };
      throw e;
    }
    const now = new Date();
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!e.isDirectory || !ENTITY_RE.test(e.name)) continue;
      if (found.has(entityId(CERT_KIND, e.name))) continue;
      const files = filesOf(rt.settings, e.name);
      const info = await readCertInfo(acmeOf(rt).exec, files.certificate);
      if (!info || info.domains.length === 0) {
        unreadable.push({
          file: files.certificate,
          reason: "not a readable certificate with DNS names",
        });
        continue;
      }
      const at = info.not_before;
      records.push({
        kind: CERT_KIND,
        record: {
          name: e.name,
          domains: info.domains,
          status: statusOf({}, info, now, rt.settings.cert_renew_before_days),
          failures: [],
          ...(await fileSha256(files.certificate).then((h) => (h ? { sha256: h } : {}))),
          version: 1,
          created_at: at,
          updated_at: at,
        } as Rec,
      });
    }
    return { records, unreadable };
  },
};
