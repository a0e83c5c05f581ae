// The unified diff against GNU diffutils: for random texts, `patch` applies our
// diff to the old text and gets the new one, and our edit script is as short as
// `diff --minimal`'s.
import assert from "node:assert/strict";
import { diffLines, unifiedDiff } from "../../agent/nginx/diff.ts";

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function randomText(r: () => number, lines: number, alphabet: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(alphabet[Math.floor(r() * alphabet.length)]);
  return out.join("\n") + (r() < 0.8 ? "\n" : "");
}

function mutate(r: () => number, text: string, alphabet: string[]): string {
  const lines = text.replace(/\n$/, "").split("\n");
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (lines.length + 1));
    const op = r();
    if (op < 0.33) lines.splice(at, 1);
    else if (op < 0.66) lines.splice(at, 0, alphabet[Math.floor(r() * alphabet.length)]);
    else lines[at] = alphabet[Math.floor(r() * alphabet.length)];
  }
  return lines.filter((l) => l !== undefined).join("\n") + (r() < 0.8 ? "\n" : "");
}

async function run(cmd: string, args: string[], cwd: string, stdin?: string) {
  const p = new Deno.Command(cmd, {
    args,
    cwd,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const o = await p.output();
  return {
    code: o.code,
    out: new TextDecoder().decode(o.stdout),
    err: new TextDecoder().decode(o.stderr),
  };
}

Deno.test("unified diffs apply with patch(1) and are as short as diff --minimal", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-diff-" });
  try {
    const r = rng(42);
    const alphabet = ["a", "b", "c", "d", "server {", "}", "    listen 80;", ""];
    for (let i = 0; i < 150; i++) {
      const a = randomText(r, Math.floor(r() * 30), alphabet);
      const b = r() < 0.3 ? randomText(r, Math.floor(r() * 30), alphabet) : mutate(r, a, alphabet);
      const d = unifiedDiff(a, b, { from: "old", to: "new" });
      if (a === b) {
        assert.equal(d, "");
        continue;
      }
      await Deno.writeTextFile(`${dir}/f`, a);
      const p = await run("patch", ["-s", "-f", "-o", `${dir}/out`, `${dir}/f`], dir, d);
      assert.equal(p.code, 0, `patch failed for case ${i}: ${p.out}${p.err}\n${d}`);
      assert.equal(await Deno.readTextFile(`${dir}/out`), b, `case ${i}:\n${d}`);
      await Deno.writeTextFile(`${dir}/g`, b);
      const gnu = await run("diff", ["--minimal", "-U0", `${dir}/f`, `${dir}/g`], dir);
      const count = (t: string) => t.split("\n").filter((l) => /^[-+](?!--|\+\+)/.test(l)).length;
      const ours = diffLines(a.replace(/\n$/, "").split("\n"), b.replace(/\n$/, "").split("\n"))
        .filter((o) => o.t !== " ").length;
      // equal when both texts end with a newline (a missing one adds a changed line to either)
      if (a.endsWith("\n") && b.endsWith("\n") && a !== "" && b !== "") {
        assert.equal(ours, count(gnu.out), `case ${i}: not minimal\n${gnu.out}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("diff hunks: context, line numbers and a missing final newline", () => {
  const a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
  const b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10";
  assert.equal(
    unifiedDiff(a, b, { from: "a", to: "b" }),
    "--- a\n+++ b\n@@ -2,9 +2,9 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n 9\n-10\n+10\n\\ No newline at end of file\n",
  );
  assert.equal(unifiedDiff("", "x\n"), "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n");
  assert.equal(unifiedDiff("x\n", ""), "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n");
});
