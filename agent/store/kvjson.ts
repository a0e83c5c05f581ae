// JSON values of any size in Deno KV, whose values are capped at 64 KiB: a head
// key holds small values inline, larger ones are split into chunk keys written
// in the same atomic operation. Reads check the head's chunk count.

const INLINE_MAX = 60_000;
const CHUNK = 60_000;

export interface Head {
  v?: unknown;
  /** number of chunks under [...key, "\u0000c", i] */
  n?: number;
}

/** What setJson/deleteJson write into: an atomic operation, or a recorder of its mutations. */
export interface KvWriter {
  set(key: Deno.KvKey, value: unknown): unknown;
  delete(key: Deno.KvKey): unknown;
}

export function chunkKey(key: Deno.KvKey, i: number): Deno.KvKey {
  return [...key, "\u0000c", i];
}

/** The head `setJson` leaves at a key for `value` (inline, or its chunk count). */
export function headFor(value: unknown): Head {
  const text = JSON.stringify(value);
  return text.length <= INLINE_MAX ? { v: value } : { n: Math.ceil(text.length / CHUNK) };
}

/** Adds the mutations that store `value` at `key` to an atomic op; returns the mutation count. */
export function setJson(
  op: KvWriter,
  key: Deno.KvKey,
  value: unknown,
  prevHead: Head | null,
): number {
  const text = JSON.stringify(value);
  let count = 0;
  const prevChunks = prevHead?.n ?? 0;
  if (text.length <= INLINE_MAX) {
    op.set(key, { v: value } satisfies Head);
    count++;
    for (let i = 0; i < prevChunks; i++, count++) op.delete(chunkKey(key, i));
    return count;
  }
  const n = Math.ceil(text.length / CHUNK);
  for (let i = 0; i < n; i++, count++) {
    op.set(chunkKey(key, i), text.slice(i * CHUNK, (i + 1) * CHUNK));
  }
  for (let i = n; i < prevChunks; i++, count++) op.delete(chunkKey(key, i));
  op.set(key, { n } satisfies Head);
  return count + 1;
}

export function deleteJson(
  op: KvWriter,
  key: Deno.KvKey,
  prevHead: Head | null,
): number {
  op.delete(key);
  const n = prevHead?.n ?? 0;
  for (let i = 0; i < n; i++) op.delete(chunkKey(key, i));
  return n + 1;
}

export async function readJson<T>(kv: Deno.Kv, head: Deno.KvEntry<Head>): Promise<T> {
  if (head.value.n === undefined) return head.value.v as T;
  const keys = Array.from({ length: head.value.n }, (_, i) => chunkKey(head.key, i));
  const parts: string[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    const got = await kv.getMany<string[]>(keys.slice(i, i + 10));
    for (const g of got) {
      if (g.value === null) {
        throw new Error(`KV value ${JSON.stringify(head.key)} is missing a chunk`);
      }
      parts.push(g.value);
    }
  }
  return JSON.parse(parts.join("")) as T;
}

/** Lists head entries under a prefix, skipping chunk keys. */
export async function* listHeads(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  opts: Deno.KvListOptions = {},
): AsyncGenerator<Deno.KvEntry<Head>> {
  for await (const e of kv.list<Head>({ prefix }, opts)) {
    if (e.key.length !== prefix.length + 1) continue;
    yield e;
  }
}
