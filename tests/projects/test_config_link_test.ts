// nginx -t must prove the candidate's projects snippet, not the live one: an
// include whose file is a symlink into <nginx_dir>/current/ (the operator's
// snippet path) is pointed at the candidate, like an include of current/ itself.
import assert from "node:assert/strict";
import { buildTestConfig, pathIntoLive } from "../../agent/nginx/test-config.ts";

Deno.test("an include of a symlink into current/ is rewritten to the candidate; other links are not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-tclink-" });
  try {
    const nginxDir = `${dir}/switchyard`;
    await Deno.mkdir(`${nginxDir}/generations/000001/snippets`, { recursive: true });
    await Deno.symlink("generations/000001", `${nginxDir}/current`);
    await Deno.writeTextFile(`${nginxDir}/generations/000001/snippets/p.conf`, "# live\n");
    await Deno.mkdir(`${dir}/candidate/snippets`, { recursive: true });
    await Deno.mkdir(`${dir}/snippets`);
    // absolute link into current/ (how the projects feature links it)
    await Deno.symlink(`${nginxDir}/current/snippets/p.conf`, `${dir}/snippets/routes.conf`);
    // a relative link to that link (chains are followed)
    await Deno.symlink("routes.conf", `${dir}/snippets/alias.conf`);
    // an ordinary file and a link elsewhere stay as they are
    await Deno.writeTextFile(`${dir}/snippets/own.conf`, "# own\n");
    await Deno.symlink(`${dir}/snippets/own.conf`, `${dir}/snippets/other.conf`);
    const main = [
      "events {}",
      "http {",
      `    include ${nginxDir}/current/*.conf;`,
      "    server {",
      "        include snippets/routes.conf;",
      "        include snippets/alias.conf;",
      "        include snippets/own.conf;",
      "        include snippets/other.conf;",
      "    }",
      "}",
      "",
    ].join("\n");
    await Deno.writeTextFile(`${dir}/nginx.conf`, main);
    const cfg = await buildTestConfig({
      mainConf: `${dir}/nginx.conf`,
      nginxDir,
      candidateDir: `${dir}/candidate`,
    });
    try {
      const text = await Deno.readTextFile(cfg.main);
      assert.ok(text.includes(`include ${dir}/candidate/*.conf;`), text);
      const rewritten = text.match(new RegExp(`include ${dir}/candidate/snippets/p\\.conf;`, "g"));
      assert.equal(rewritten?.length, 2, text); // routes.conf and alias.conf
      assert.match(text, /include snippets\/own\.conf;/);
      assert.match(text, /include snippets\/other\.conf;/);
      assert.equal(await Deno.readTextFile(`${dir}/nginx.conf`), main); // the real file untouched
    } finally {
      await cfg.cleanup();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a dangling link into current/ (the first apply of the snippet) still maps into the candidate", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-tclink-" });
  try {
    const live = `${dir}/sy/current/`;
    await Deno.symlink(`${live}snippets/p.conf`, `${dir}/routes.conf`);
    const fs = {
      readTextFile: (p: string) => Deno.readTextFile(p),
      expandGlob: (p: string) => Promise.resolve([p]),
      readLink: (p: string) => Deno.readLink(p).catch(() => null),
      realPath: (p: string) => Deno.realPath(p).catch(() => null),
    };
    assert.equal(await pathIntoLive(`${dir}/routes.conf`, live, fs), "snippets/p.conf");
    assert.equal(await pathIntoLive(`${dir}/nothing.conf`, live, fs), null);
    // an FsRead without readLink (older callers) changes nothing
    assert.equal(
      await pathIntoLive(`${dir}/routes.conf`, live, {
        readTextFile: fs.readTextFile,
        expandGlob: fs.expandGlob,
      }),
      null,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
