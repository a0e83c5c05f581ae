// Every page of the UI, in menu order. Each file registers itself with
// definePage() (see registry.js). A feature adds its page with ONE line here:
//   import "./pages/<feature>.js";
import "./pages/dashboard.js";
import "./pages/pools.js";
import "./pages/sites.js";
import "./pages/buckets.js";
import "./pages/migrations.js";
import "./pages/projects.js";
import "./pages/proxies.js";
import "./pages/certs.js";
import "./pages/config.js";
import "./pages/settings.js";
import "./pages/drift.js";
import "./pages/audit.js";
import "./pages/logs.js";
import "./pages/access.js";
import "./pages/fleet.js";

export { findPage, PAGES } from "./registry.js";
