// Text the fleet's nodes share outside the desired state (not mirrored, not
// rendered): the migrations' listings a resuming controller needs. Under
// /switchyard/<cluster>/migrations/<name>, cut in chunks etcd takes in one
// request (its default limit is 1.5 MiB; a value goes base64 on the JSON
// gateway), with a manifest written last, so a reader sees all or nothing.
import { AgentError } from "../../errors.ts";
import type { Etcd } from "../../fleet/etcd.ts";
import type { FleetKeys } from "../../fleet/keys.ts";
import type { SharedBlobs } from "../migrations/barrier.ts";

/** Characters per chunk: at most 768 KiB of UTF-8 before base64 (3 bytes a character at worst). */
const CHUNK = 256 * 1024;

interface Manifest {
  chunks: number;
  length: number;
}

export class EtcdBlobs implements SharedBlobs {
  constructor(private etcd: () => Etcd | null, private keys: FleetKeys) {}

  #key(name: string): string {
    return this.keys.migration(name);
  }

  #client(): Etcd {
    const e = this.etcd();
    if (!e) throw new AgentError("SHARED_STORE_UNAVAILABLE", "not connected to the fleet's etcd");
    return e;
  }

  async put(name: string, text: string): Promise<void> {
    const etcd = this.#client();
    const key = this.#key(name);
    await etcd.delete(key); // a reader sees no half-written listing
    await etcd.delete(`${key}/`, { prefix: true });
    let n = 0;
    for (let i = 0; i === 0 || i < text.length; i += CHUNK, n++) {
      await etcd.put(`${key}/${String(n).padStart(6, "0")}`, text.slice(i, i + CHUNK));
    }
    const m: Manifest = { chunks: n, length: text.length };
    await etcd.put(key, JSON.stringify(m));
  }

  async get(name: string): Promise<string | null> {
    const etcd = this.#client();
    const key = this.#key(name);
    const head = await etcd.get(key);
    if (!head) return null;
    const m = JSON.parse(head.value) as Manifest;
    const parts = (await etcd.rangeAll(`${key}/`)).kvs; // in key order: zero-padded chunk numbers
    const text = parts.map((p) => p.value).join("");
    if (parts.length !== m.chunks || text.length !== m.length) {
      throw new AgentError(
        "SHARED_STORE_UNAVAILABLE",
        `${key}: ${parts.length} of ${m.chunks} chunks (${text.length} of ${m.length} characters)`,
      );
    }
    return text;
  }

  async remove(name: string): Promise<void> {
    const etcd = this.#client();
    const key = this.#key(name);
    await etcd.delete(key);
    await etcd.delete(`${key}/`, { prefix: true });
  }
}
