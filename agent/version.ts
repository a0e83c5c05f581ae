// Single place for the agent's version; `agent version` and /api/health print it.
export const VERSION = "0.1.0";
export const PRODUCT = "switchyard";
