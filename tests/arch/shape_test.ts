// The shape the re-housing set, checked: no import cycle in the program (code
// or types), the feature list imported only by main.ts and tests, no source
// file over 400 lines, the reconciler and the round each under 300.
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

interface Dep {
  code?: { specifier: string };
  type?: { specifier: string };
}

async function moduleGraph(): Promise<Map<string, string[]>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string; dependencies?: Dep[] }[];
  };
  const local = (s: string) => s.startsWith(`file://${ROOT}`);
  const graph = new Map<string, string[]>();
  for (const m of info.modules) {
    if (!local(m.specifier)) continue;
    const deps = (m.dependencies ?? []).flatMap((d) => [d.code?.specifier, d.type?.specifier])
      .filter((s): s is string => !!s && local(s));
    graph.set(m.specifier.slice(`file://${ROOT}`.length), [
      ...new Set(deps.map((s) => s.slice(`file://${ROOT}`.length))),
    ]);
  }
  return graph;
}

/** One cycle per strongly connected component with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

Deno.test("deno info main.ts: no import cycle, code or type-only", async () => {
  const found = cycles(await moduleGraph());
  assert.deepEqual(found, [], `import cycles:\n${found.map((c) => c.join(" <-> ")).join("\n")}`);
});

Deno.test("the feature list is imported by main.ts only (tests and tools aside)", async () => {
  const graph = await moduleGraph();
  const importers = [...graph].filter(([, deps]) => deps.includes("agent/features/index.ts"))
    .map(([m]) => m);
  assert.deepEqual(importers, ["main.ts"]);
});

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${ROOT}${dir}`)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await sourceFiles(p));
    else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith("_test.ts")) out.push(p);
  }
  return out;
}

Deno.test("no source file over 400 lines; reconciler.ts and round.ts under 300", async () => {
  const files = [...await sourceFiles("agent"), ...await sourceFiles("web/app"), "main.ts"];
  const lines = async (f: string) => (await Deno.readTextFile(`${ROOT}${f}`)).split("\n").length;
  const long: string[] = [];
  for (const f of files) {
    const n = await lines(f);
    const max = /agent\/nginx\/(reconciler|round)\.ts$/.test(f) ? 300 : 400;
    if (n > max) long.push(`${f}: ${n} lines (max ${max})`);
  }
  assert.deepEqual(long, []);
});
