// Stopped in copying or write_routing, resumed by a new agent (see resume.ts).
import { resumeCase } from "./resume.ts";

resumeCase("copying");
resumeCase("write_routing");
