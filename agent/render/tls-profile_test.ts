import assert from "node:assert/strict";
import { DEFAULT_TLS, hstsDirectives, tlsDirectives } from "./tls-profile.ts";

Deno.test("tls profiles: modern has no CBC and no tickets, compatible adds old protocols", () => {
  const modern = tlsDirectives(DEFAULT_TLS).join("\n");
  assert.match(modern, /ssl_protocols TLSv1\.2 TLSv1\.3;/);
  const ciphers = /ssl_ciphers ([^;]+);/.exec(modern)![1].split(":");
  assert.ok(ciphers.every((c) => /^ECDHE-.*(GCM|CHACHA20)/.test(c)), `not AEAD+FS: ${ciphers}`);
  assert.match(modern, /ssl_session_tickets off;/);
  const inter = tlsDirectives({ ...DEFAULT_TLS, profile: "intermediate" }).join("\n");
  assert.match(inter, /DHE-RSA-AES128-GCM-SHA256/);
  const compat = tlsDirectives({ ...DEFAULT_TLS, profile: "compatible" }).join("\n");
  assert.match(compat, /ssl_protocols TLSv1 TLSv1\.1 TLSv1\.2 TLSv1\.3;/);
  assert.match(compat, /ssl_prefer_server_ciphers on;/);
});

Deno.test("hsts: max-age from the setting, none when off or 0", () => {
  assert.deepEqual(hstsDirectives({ ...DEFAULT_TLS, hsts_max_age: 600 }), [
    'add_header Strict-Transport-Security "max-age=600" always;',
  ]);
  assert.deepEqual(hstsDirectives({ ...DEFAULT_TLS, hsts: false }), []);
  assert.deepEqual(hstsDirectives({ ...DEFAULT_TLS, hsts_max_age: 0 }), []);
});
