// TLS profiles for every HTTPS server block, after Mozilla's server-side TLS
// guidance (v5.7): `modern` is TLS 1.2 + 1.3 with AEAD ciphers and forward
// secrecy only (no CBC: LUCKY13), the client picks among them (all are strong),
// a shared session cache and no session tickets (their key never rotates in
// nginx, which voids forward secrecy). `intermediate` adds the DHE suites (nginx
// offers them only with ssl_dhparam); `compatible` is Mozilla's "old" profile
// for clients that cannot do better (TLS 1.0/1.1 and CBC: testssl grades it down).

export type TlsProfileName = "modern" | "intermediate" | "compatible";

export interface TlsPolicy {
  profile: TlsProfileName;
  /** Strict-Transport-Security on sites that redirect HTTP to HTTPS. */
  hsts: boolean;
  hsts_max_age: number;
}

export const DEFAULT_TLS: TlsPolicy = { profile: "modern", hsts: true, hsts_max_age: 31536000 };

const ECDHE_AEAD = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
];
const DHE_AEAD = [
  "DHE-RSA-AES128-GCM-SHA256",
  "DHE-RSA-AES256-GCM-SHA384",
  "DHE-RSA-CHACHA20-POLY1305",
];
const OLD_CBC = [
  "ECDHE-ECDSA-AES128-SHA256",
  "ECDHE-RSA-AES128-SHA256",
  "ECDHE-ECDSA-AES128-SHA",
  "ECDHE-RSA-AES128-SHA",
  "ECDHE-ECDSA-AES256-SHA384",
  "ECDHE-RSA-AES256-SHA384",
  "ECDHE-ECDSA-AES256-SHA",
  "ECDHE-RSA-AES256-SHA",
  "AES128-GCM-SHA256",
  "AES256-GCM-SHA384",
  "AES128-SHA256",
  "AES256-SHA256",
  "AES128-SHA",
  "AES256-SHA",
];

const PROFILES: Record<TlsProfileName, { protocols: string; ciphers: string[]; prefer: boolean }> =
  {
    modern: { protocols: "TLSv1.2 TLSv1.3", ciphers: ECDHE_AEAD, prefer: false },
    intermediate: {
      protocols: "TLSv1.2 TLSv1.3",
      ciphers: [...ECDHE_AEAD, ...DHE_AEAD],
      prefer: false,
    },
    // Old clients pick badly: the server's order puts the strong suites first.
    compatible: {
      protocols: "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3",
      ciphers: [...ECDHE_AEAD, ...DHE_AEAD, ...OLD_CBC, "@SECLEVEL=0"],
      prefer: true,
    },
  };

/** The TLS directives of an HTTPS server block (after its certificate lines). */
export function tlsDirectives(policy: TlsPolicy = DEFAULT_TLS): string[] {
  const p = PROFILES[policy.profile];
  return [
    `# TLS profile ${policy.profile}`,
    `ssl_protocols ${p.protocols};`,
    `ssl_ciphers ${p.ciphers.join(":")};`,
    `ssl_prefer_server_ciphers ${p.prefer ? "on" : "off"};`,
    "ssl_session_cache shared:switchyard_ssl:10m;",
    "ssl_session_timeout 1d;",
    "ssl_session_tickets off;",
  ];
}

/** The HSTS header line for a site that redirects HTTP to HTTPS, or none. */
export function hstsDirectives(policy: TlsPolicy = DEFAULT_TLS): string[] {
  if (!policy.hsts || policy.hsts_max_age <= 0) return [];
  return [`add_header Strict-Transport-Security "max-age=${policy.hsts_max_age}" always;`];
}
