// Access (admins only): tenants and the domain suffixes they own, and tokens —
// created here with a role, a tenant and an expiry, shown once, revocable.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { api, enc } from "../api.js";
import { definePage } from "../registry.js";
import { useLoad } from "../ui/load.js";
import { Button } from "../ui/button.js";
import { ErrorBox } from "../ui/error-box.js";
import { can } from "../role.js";

function Access() {
  const { data, error, reload } = useLoad(async () => {
    const [t, k] = await Promise.all([api("GET", "/api/tenants"), api("GET", "/api/tokens")]);
    return { tenants: t.tenants, tokens: k.tokens };
  }, []);
  const [tenant, setTenant] = useState({ name: "", domains: "" });
  const [tok, setTok] = useState({ name: "", tenant: "", role: "viewer", expires: "30d" });
  const [secret, setSecret] = useState(null);
  const [err, setErr] = useState(null);
  const act = (fn) => async () => {
    setErr(null);
    try {
      await fn();
    } catch (e) {
      setErr(e);
    }
    await reload();
  };
  if (!can("admin")) {
    return html`
      <h1>Access</h1>
      <p>Only an admin manages tenants and tokens.</p>
    `;
  }
  const saveTenant = act(async () => {
    const domains = tenant.domains.split(/[\s,]+/).filter(Boolean);
    await api("PUT", `/api/tenants/${enc(tenant.name)}`, { domains });
    setTenant({ name: "", domains: "" });
  });
  const createToken = act(async () => {
    const body = { role: tok.role, name: tok.name || "token" };
    if (tok.tenant) body.tenant = tok.tenant;
    if (tok.expires) body.expires = tok.expires;
    const r = await api("POST", "/api/tokens", body);
    setSecret(r);
  });
  return html`
    <h1>Access</h1>
    <${ErrorBox} error=${error || err} />
    <section class="panel">
      <h2>Tenants</h2>
      ${data && html`
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Domains</th>
              <th><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${data.tenants.map((t) =>
              html`
                <tr>
                  <td>${t.name}</td>
                  <td>${t.domains.join(", ")}</td>
                  <td>
                    <${Button} class="danger" aria-label=${`Delete tenant ${t.name}`}
                      onClick=${act(() =>
                        api("DELETE", `/api/tenants/${enc(t.name)}`)
                      )}>Delete</${Button}></td>
                </tr>
              `
            )}
          </tbody>
        </table>
      `}
      <form onSubmit=${(e) => (e.preventDefault(), saveTenant())}>
        <label for="tenant-name">Tenant name</label>
        <input id="tenant-name" value=${tenant.name} onInput=${(e) =>
          setTenant({ ...tenant, name: e.target.value })} />
        <label for="tenant-domains">Domains (tenant-a.example, *.tenant-a.example)</label>
        <input id="tenant-domains" value=${tenant.domains} onInput=${(e) =>
          setTenant({ ...tenant, domains: e.target.value })} />
        <${Button} type="submit" class="primary">Save tenant</${Button}>
      </form>
    </section>
    <section class="panel">
      <h2>Tokens</h2>
      ${secret && html`
        <p class="notice"
          role="status">Token ${secret.name}: <code>${secret
            .token}</code> — shown once, store it now.</p>
      `}
      ${data && html`
        <table>
          <thead>
            <tr>
              <th>Id</th>
              <th>Name</th>
              <th>Tenant</th>
              <th>Role</th>
              <th>Status</th>
              <th>Expires</th>
              <th><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${data.tokens.map((t) =>
              html`
                <tr>
                  <td><code>${t.id}</code></td>
                  <td>${t.name}</td>
                  <td>${t.tenant ?? "*"}</td>
                  <td>${t.role}</td>
                  <td>${t.status}</td>
                  <td>${t.expires_at ?? "never"}</td>
                  <td>${t.status === "active" && html`
                    <${Button} class="danger" aria-label=${`Revoke token ${t.name}`}
                      onClick=${act(() =>
                        api("DELETE", `/api/tokens/${enc(t.id)}`)
                      )}>Revoke</${Button}>
                  `}</td>
                </tr>
              `
            )}
          </tbody>
        </table>
      `}
      <form onSubmit=${(e) => (e.preventDefault(), createToken())}>
        <label for="token-name">Token name</label>
        <input id="token-name" value=${tok.name} onInput=${(e) =>
          setTok({ ...tok, name: e.target.value })} />
        <label for="token-tenant">Tenant (empty: admin of everything)</label>
        <input id="token-tenant" value=${tok.tenant} onInput=${(e) =>
          setTok({ ...tok, tenant: e.target.value })} />
        <label for="token-role">Role</label>
        <select id="token-role" value=${tok.role} onChange=${(e) =>
          setTok({ ...tok, role: e.target.value })}>
          <option value="viewer">viewer</option>
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </select>
        <label for="token-expires">Expires after (30d, 12h; empty: never)</label>
        <input id="token-expires" value=${tok.expires} onInput=${(e) =>
          setTok({ ...tok, expires: e.target.value })} />
        <${Button} type="submit" class="primary">Create token</${Button}>
      </form>
    </section>
  `;
}

definePage({ path: "/access", title: "Access", component: Access, admin: true });
