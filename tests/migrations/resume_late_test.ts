// Stopped in verifying (inside a pass, maybe under a hold) and in switching,
// resumed by a new agent (see resume.ts); and verifying with the KV lost,
// recovered by rebuild-db from the sidecars.
import { resumeCase } from "./resume.ts";

resumeCase("verifying");
resumeCase("switching");
resumeCase("verifying", { kvLoss: true });
