import assert from "node:assert/strict";
import { S3Client } from "./s3-client.ts";

// A node that drops the first connection unanswered (as nginx drops an idle
// keep-alive one on reload), then answers: a read is sent again, a write is not.
async function dropFirst(run: (c: S3Client) => Promise<unknown>): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let conns = 0;
  const serve = (async () => {
    for await (const c of l) {
      if (conns++ === 0) {
        await c.read(new Uint8Array(65536));
        c.close();
        continue;
      }
      await c.read(new Uint8Array(65536));
      await c.write(
        new TextEncoder().encode(
          "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
        ),
      );
      c.close();
    }
  })();
  const c = new S3Client({
    endpoint: `http://127.0.0.1:${(l.addr as Deno.NetAddr).port}`,
    region: "us-east-1",
    accessKey: "a",
    secretKey: "b",
    timeoutMs: 2000,
  });
  try {
    await run(c);
  } finally {
    l.close();
    await serve.catch(() => {});
  }
  return conns;
}

Deno.test("S3 client: a GET whose connection was dropped unanswered is sent again once", async () => {
  let body = "";
  const conns = await dropFirst(async (c) => body = await (await c.request("GET", "/b/k")).text());
  assert.equal(body, "ok");
  assert.equal(conns, 2);
});

Deno.test("S3 client: a PUT whose connection was dropped is not sent again (it may have landed)", async () => {
  const conns = await dropFirst((c) =>
    c.request("PUT", "/b/k", { body: "v" }).then(
      () => assert.fail("no error"),
      (e) => assert.match(String(e), /failed/),
    )
  );
  assert.equal(conns, 1);
});
