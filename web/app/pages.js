// Every page of the UI, in menu order. Each file registers itself with
// definePage() (see registry.js). A feature adds its page with ONE line here:
//   import "./pages/<feature>.js";
import "./pages/dashboard.js";
import "./pages/pools.js";
import "./pages/sites.js";
import "./pages/projects.js";
import "./pages/proxies.js";
import "./pages/certs.js";
import "./pages/config.js";
import "./pages/audit.js";

export { findPage, PAGES } from "./registry.js";
