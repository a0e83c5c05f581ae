// nginx -t proves a candidate inside the real nginx.conf: the include of
// current/ is pointed at the candidate, through nested includes, and nothing
// else changes.
import assert from "node:assert/strict";
import { buildTestConfig, findIncludes } from "../../agent/nginx/test-config.ts";

Deno.test("findIncludes skips comments and quoted text", () => {
  const incs = findIncludes(
    `# include /nope;\ninclude mime.types;\nhttp { add_header X "include x;"; include  /a/*.conf ; }`,
  );
  assert.deepEqual(incs.map((i) => i.arg), ["mime.types", "/a/*.conf"]);
});

Deno.test("a nested include of current/ is rewritten in copies; the real files are untouched", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nginxDir = `${dir}/switchyard`;
    await Deno.mkdir(`${dir}/conf.d`, { recursive: true });
    await Deno.mkdir(`${dir}/candidate`, { recursive: true });
    const main = "events {}\nhttp {\n    include mime.types;\n    include conf.d/*.conf;\n}\n";
    const inner = `include ${nginxDir}/current/*.conf;\n`;
    await Deno.writeTextFile(`${dir}/nginx.conf`, main);
    await Deno.writeTextFile(`${dir}/mime.types`, "types {}\n");
    await Deno.writeTextFile(`${dir}/conf.d/a.conf`, "# other\n");
    await Deno.writeTextFile(`${dir}/conf.d/switchyard.conf`, inner);
    const cfg = await buildTestConfig({
      mainConf: `${dir}/nginx.conf`,
      nginxDir,
      candidateDir: `${dir}/candidate`,
    });
    try {
      assert.equal(cfg.includeFound, true);
      assert.notEqual(cfg.main, `${dir}/nginx.conf`);
      assert.equal(cfg.main.slice(0, cfg.main.lastIndexOf("/")), dir); // next to the real one
      const text = await Deno.readTextFile(cfg.main);
      assert.match(text, /include mime\.types;/); // untouched relative include
      assert.ok(text.includes(`include ${dir}/conf.d/a.conf;`), text);
      const copy = /include (\S+switchyard\.conf);/.exec(text)![1];
      assert.equal(await Deno.readTextFile(copy), `include ${dir}/candidate/*.conf;\n`);
      assert.equal(await Deno.readTextFile(`${dir}/conf.d/switchyard.conf`), inner);
      assert.equal(await Deno.readTextFile(`${dir}/nginx.conf`), main);
    } finally {
      await cfg.cleanup();
    }
    // cleanup leaves no test files behind, next to nginx.conf or in the agent's directory
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "candidate",
      "conf.d",
      "mime.types",
      "nginx.conf",
      "switchyard",
    ]);
    assert.deepEqual([...Deno.readDirSync(nginxDir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without the include line the candidate is tested standalone and the gap is reported", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/nginx.conf`, "events {}\nhttp {}\n");
    const cfg = await buildTestConfig({
      mainConf: `${dir}/nginx.conf`,
      nginxDir: `${dir}/sy`,
      candidateDir: `${dir}/c`,
    });
    assert.equal(cfg.includeFound, false);
    assert.match(await Deno.readTextFile(cfg.main), new RegExp(`include ${dir}/c/\\*\\.conf;`));
    await cfg.cleanup();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
