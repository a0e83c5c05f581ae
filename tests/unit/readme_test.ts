// The README is the operator's manual: it must list every setting exactly as the
// code defines it, and every CLI command.
import { hostFor } from "../../agent/bootstrap.ts";
import { FEATURES } from "../../agent/features/index.ts";
import assert from "node:assert/strict";
import { BEGIN, END, settingsTable } from "../../scripts/settings-table.ts";
import { allCommands } from "../../agent/cli/main.ts";

const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));

/** Table rows as trimmed cells, separator rows dropped (deno fmt pads and aligns tables). */
function rows(text: string): string[][] {
  return text.split("\n")
    .filter((l) => l.startsWith("|") && !/^\|[\s:|-]+\|$/.test(l))
    .map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
}

Deno.test("the README's settings table is the one scripts/settings-table.ts generates", async () => {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  assert.ok(a >= 0 && b > a, "the settings-table markers are in README.md");
  const have = rows(readme.slice(a, b));
  const want = rows(await settingsTable());
  assert.deepEqual(
    have,
    want,
    "README settings table is stale: run `deno run -A scripts/settings-table.ts --write`",
  );
});

Deno.test("every CLI command is documented in the README", () => {
  const missing = allCommands(hostFor(FEATURES)).map((c) => c.name).filter((n) =>
    !new RegExp("`agent " + n.replace(/[-]/g, "\\-") + "[` \\[]").test(readme)
  );
  assert.deepEqual(missing, [], `commands missing from README.md: ${missing.join(", ")}`);
});
