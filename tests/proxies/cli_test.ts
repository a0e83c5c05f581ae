// `agent proxy` as operators run it, against a running `agent serve --dev`.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { agentCli, devEnv, spawnAgent } from "../helpers/proc.ts";
import { httpBackend } from "../helpers/backends.ts";
import { rawRequest } from "../helpers/http.ts";
import { deadPort } from "./helpers.ts";

Deno.test("agent proxy put, ls, show, sync --file, rm; refusals exit 1 with the code, usage errors exit 2", async () => {
  const cwd = await tempDir("proxycli");
  const be = httpBackend("be");
  const e = devEnv(cwd, { AGENT_PROXY_HEALTH_TIMEOUT: "2" });
  const http = e.httpPort;
  const agent = (...args: string[]) => agentCli(e, args);
  const server = await spawnAgent(e);
  try {
    const put = await agent(
      "proxy",
      "put",
      "web",
      "--domain",
      "web.example.test",
      "--host",
      "127.0.0.1",
      "--port",
      String(be.port),
    );
    assert.equal(put.code, 0, put.err);
    assert.match(put.out, /^web +active +http +web\.example\.test -> 127\.0\.0\.1:\d+$/m);
    assert.match(put.out, /apply: applied, generation \d+, nginx reloaded/);
    assert.equal(
      (await rawRequest({ port: http, host: "web.example.test", path: "/q" })).text,
      "be /q",
    );

    const down = await agent(
      "proxy",
      "put",
      "down",
      "--domain",
      "down.example.test",
      "--host",
      "127.0.0.1",
      "--port",
      String(deadPort()),
    );
    assert.equal(down.code, 1);
    assert.match(down.err, /error: UPSTREAM_UNHEALTHY: upstream of proxy "down" is not healthy/);

    const file = `${cwd}/registry.json`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        services: [
          { name: "api", host: "127.0.0.1", port: be.port, domain: "api.example.test" },
          { name: "nope", host: "127.0.0.1", port: be.port, domain: "NOPE" },
        ],
      }),
    );
    const sync = await agent("proxy", "sync", "--file", file);
    assert.equal(sync.code, 0, sync.err);
    assert.match(
      sync.out,
      /^1 synced \(1 created, 0 updated, 0 unchanged\), 1 skipped; apply: applied$/m,
    );
    assert.match(sync.out, /skipped nope: domain: must be lower case/);

    const ls = await agent("proxy", "ls");
    assert.equal(ls.code, 0, ls.err);
    assert.deepEqual(ls.out.trim().split("\n").map((l) => l.split(/\s+/)[0]), ["api", "web"]);
    const show = await agent("proxy", "show", "api", "--json");
    assert.equal(JSON.parse(show.out).domain, "api.example.test");

    const rm = await agent("proxy", "rm", "web");
    assert.equal(rm.code, 0, rm.err);
    assert.match(rm.out, /deleted proxy web/);
    const gone = await agent("proxy", "show", "web");
    assert.equal(gone.code, 1);
    assert.match(gone.err, /PROXY_NOT_FOUND/);
    assert.equal((await agent("proxy", "put", "x")).code, 2);
    assert.equal((await agent("proxy", "frobnicate")).code, 2);
  } finally {
    await server.stop();
    await be.close();
  }
});
