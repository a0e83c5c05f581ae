// Whether nginx.conf loads the Lua module (lua_upstreams auto/on): in the main
// file, or in a file it includes (Debian's modules-enabled/), never counting a comment.
import assert from "node:assert/strict";
import { loadModuleLines, luaLoaded, resolveLuaMode } from "../../agent/nginx/lua-module.ts";
import { RealExec } from "../../agent/exec.ts";

Deno.test("luaLoaded: the main file or an include; comments and the agent's directory do not count", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sy-lua-" });
  try {
    await Deno.mkdir(`${dir}/modules-enabled`);
    await Deno.mkdir(`${dir}/managed/current`, { recursive: true });
    const line = "load_module modules/ngx_http_lua_module.so;\n";
    await Deno.writeTextFile(`${dir}/modules-enabled/50-mod-http-lua.conf`, line);
    await Deno.writeTextFile(`${dir}/managed/current/x.conf`, line);
    const conf = `${dir}/nginx.conf`;
    await Deno.writeTextFile(conf, "include modules-enabled/*.conf;\nevents {}\nhttp {}\n");
    assert.equal(await luaLoaded(conf, `${dir}/managed`), true);
    await Deno.writeTextFile(conf, `# ${line}include ${dir}/managed/current/*.conf;\nevents {}\n`);
    assert.equal(await luaLoaded(conf, `${dir}/managed`), false);
    await Deno.writeTextFile(conf, `${line}events {}\n`);
    assert.equal(await luaLoaded(conf, `${dir}/managed`), true);
    assert.equal(
      loadModuleLines(["/m/ndk_http_module.so", "/m/ngx_http_lua_module.so"]),
      "load_module /m/ndk_http_module.so;\nload_module /m/ngx_http_lua_module.so;",
    );
    // `on` refuses to start when nginx.conf does not load it, and says what to add.
    await Deno.writeTextFile(conf, "events {}\n");
    const input = {
      dryRun: false,
      nginx_bin: "nginx",
      nginx_conf: conf,
      nginx_dir: `${dir}/managed`,
      exec: new RealExec(),
    };
    await assert.rejects(
      () => resolveLuaMode({ ...input, setting: "on" }),
      /lua_upstreams is on but .*(not installed|does not load it: add to its main context)/s,
    );
    const auto = await resolveLuaMode({ ...input, setting: "auto" });
    assert.equal(auto.active, false);
    assert.deepEqual(await resolveLuaMode({ ...input, setting: "off" }), {
      setting: "off",
      active: false,
      reason: "lua_upstreams is off",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
