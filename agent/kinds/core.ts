// The kinds every agent has, in render order: pools before the sites that use them.
import type { AnyKind } from "../kind.ts";
import { poolKind } from "./pool/kind.ts";
import { siteKind } from "./site/kind.ts";

export const CORE_KINDS: readonly AnyKind[] = [poolKind, siteKind];
