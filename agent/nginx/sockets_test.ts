// Who holds a port: nginx (its master and the master's workers) or another program.
// CI refused a site under load because an old worker that finished draining after
// the previous reload was gone by the time its parent was read, and counted as
// another program.
import assert from "node:assert/strict";
import { heldByNginx } from "./sockets.ts";

const parents = new Map([[10, 1], [11, 10], [12, 10], [20, 1], [21, 20]]);
const parent = (pid: number) => Promise.resolve(parents.get(pid) ?? null);

Deno.test("a port held by nginx's master and its workers is nginx's", async () => {
  assert.equal(await heldByNginx([{ pid: 10 }, { pid: 11 }, { pid: 12 }], 10, parent), true);
});

Deno.test("a holder gone by the time it is looked at (a drained old worker) holds nothing", async () => {
  assert.equal(await heldByNginx([{ pid: 10 }, { pid: 11 }, { pid: 99 }], 10, parent), true);
});

Deno.test("a holder with another parent is another program; no master or no holder: not nginx's", async () => {
  assert.equal(await heldByNginx([{ pid: 10 }, { pid: 21 }], 10, parent), false);
  assert.equal(await heldByNginx([{ pid: 20 }], 10, parent), false);
  assert.equal(await heldByNginx([{ pid: 11 }], null, parent), false);
  assert.equal(await heldByNginx([], 10, parent), false);
});
