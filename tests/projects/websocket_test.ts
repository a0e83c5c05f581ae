// Two projects behind the one projects site: the scaffolded web.py and a
// WebSocket echo backend of our own (a Deno script run by the supervisor).
// /<name>/ws is upgraded through nginx with the prefix stripped.
import assert from "node:assert/strict";
import { freePort } from "../helpers/agent.ts";
import { wsRoundTrip } from "../helpers/backends.ts";
import { startProjectsAgent } from "./helpers.ts";

const ECHO = `// WebSocket echo backend for the projects test.
const port = Number(Deno.env.get("PORT"));
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => console.log("chat up") }, (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/health") return new Response("ok");
  if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = (e) => socket.send("echo " + path + " " + e.data);
    return response;
  }
  return new Response("chat " + path);
});
`;

Deno.test("two projects; a WebSocket echo through /<name>/ws next to a plain page", async () => {
  const t = await startProjectsAgent();
  try {
    const alpha = await t.api("PUT", "/api/projects/alpha", { port: freePort() });
    assert.equal(alpha.status, 201, JSON.stringify(alpha.body));
    const dir = `${t.settings.projects_root}/chat`;
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(`${dir}/echo.ts`, ECHO);
    const chat = await t.api("PUT", "/api/projects/chat", {
      port: freePort(),
      command: `${Deno.execPath()} run --allow-net --allow-env --no-prompt echo.ts`,
    });
    assert.equal(chat.status, 201, JSON.stringify(chat.body));
    assert.equal(chat.body.scaffolded, null, "a custom command gets no web.py");

    const reply = await wsRoundTrip(`ws://127.0.0.1:${t.httpPort}/chat/ws`, "hello");
    assert.equal(reply, "echo /ws hello"); // prefix stripped, upgrade forwarded
    assert.equal((await t.viaNginx("x", "/chat/page")).text, "chat /page");
    assert.equal((await t.viaNginx("x", "/alpha/")).text.trim(), "Hello world: alpha");
    // Each project has its own backend: alpha knows no WebSocket.
    await assert.rejects(() => wsRoundTrip(`ws://127.0.0.1:${t.httpPort}/alpha/ws`, "x", {}, 3000));

    const check = await t.api("POST", "/api/projects/check");
    assert.equal(check.body.ok, true, JSON.stringify(check.body.issues));
    assert.deepEqual(check.body.projects.map((p: { name: string }) => p.name), ["alpha", "chat"]);
  } finally {
    await t.close();
  }
});
