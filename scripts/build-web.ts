// Builds the web UI's browser bundle: web/app/main.js (Preact + htm, no JSX
// step) -> web/dist/app.js, which web/server.ts embeds as a text import.
// The bundle is committed; tests/ui/bundle_fresh_test.ts fails when it is stale.
//   deno task build-web            write web/dist/app.js
//   deno run -A scripts/build-web.ts --out FILE   write elsewhere (the freshness test)

const root = new URL("../", import.meta.url).pathname;
export const ENTRY = "web/app/main.js";
export const OUTPUT = "web/dist/app.js";

export async function buildWeb(out = `${root}${OUTPUT}`): Promise<void> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform=browser", "--minify", ENTRY, "-o", out],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(r.stderr)}`);
  }
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const out = i >= 0 ? Deno.args[i + 1] : undefined;
  await buildWeb(out);
  console.log(`wrote ${out ?? OUTPUT}`);
}
