// Deletes nginx mirrored to the source during the split, as its log tells them
// (split.ts renders the log). One the source did not take leaves the key there,
// and the next verify pass would copy it back: the delete undone (D5). So
// before each pass (and under each hold, before its copy) the agent makes the
// failed ones itself; when the source still refuses, the migration stops
// with the keys named rather than bring them back.
import { AgentError } from "../../errors.ts";
import type { S3Client } from "../storage/mod.ts";
import { mirrorLogPath } from "./split.ts";
import type { MigrationRec } from "./records.ts";
import type { MigrationRuntime } from "./settings.ts";

export interface MirrorFailure {
  status: number;
  method: string;
  uri: string;
  body: string;
}

const LINE = /^(\d{3}) (\S+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/;
const unescape = (s: string) => JSON.parse(`"${s}"`) as string;

/** The mirrored deletes of a log text the source did not answer with 2xx or 404. */
export function mirrorFailures(text: string): MirrorFailure[] {
  const out: MirrorFailure[] = [];
  for (const line of text.split("\n")) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const status = Number(m[1]);
    if ((status >= 200 && status < 300) || status === 404) continue;
    out.push({ status, method: m[2], uri: unescape(m[3]), body: unescape(m[4]) });
  }
  return out;
}

/** The keys a failed mirror meant to delete (DELETE /b/key, or DeleteObjects' body). */
export function failedKeys(bucket: string, f: MirrorFailure): string[] {
  if (f.method === "DELETE") {
    const path = f.uri.split("?")[0];
    const prefix = `/${bucket}/`;
    return path.startsWith(prefix) ? [decodeURIComponent(path.slice(prefix.length))] : [];
  }
  return [...f.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((k) =>
    k[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'").replace(/&amp;/g, "&")
  );
}

/** The file's text from byte `offset` on (only what nginx appended since the last read). */
async function readFrom(path: string, offset: number): Promise<string> {
  const f = await Deno.open(path);
  try {
    await f.seek(offset, Deno.SeekMode.Start);
    return await new Response(f.readable).text();
  } catch (e) {
    f.close();
    throw e;
  }
}

/** Reads the log from where the last call stopped (per engine run) and makes the failed deletes. */
export class MirrorLog {
  #offset = 0;
  /** `target` takes the deletes: the source, or (reversed: aborting) the destination. */
  constructor(
    private rt: MigrationRuntime,
    private m: MigrationRec,
    private target: Pick<S3Client, "deleteObjects">,
    private reversed = false,
  ) {}

  /** The keys it deleted on the source; throws naming them when the source refuses. */
  async settle(): Promise<string[]> {
    const path = mirrorLogPath(this.rt.settings.data_dir, this.m.name, this.reversed);
    let text: string;
    try {
      text = await readFrom(path, this.#offset);
    } catch {
      return []; // no delete mirrored yet (or nginx logs nothing here)
    }
    const end = text.lastIndexOf("\n") + 1; // whole lines only
    if (end === 0) return [];
    text = text.slice(0, end);
    const keys = mirrorFailures(text).flatMap((f) => failedKeys(this.m.bucket, f));
    if (keys.length) {
      try {
        const r = await this.target.deleteObjects(this.m.bucket, [...new Set(keys)]);
        if (r.errors.length) throw new Error(r.errors.slice(0, 5).join("; "));
      } catch (e) {
        throw new AgentError(
          "UPSTREAM_UNHEALTHY",
          `deletes mirrored to ${
            this.reversed ? this.m.dst : this.m.src
          } failed and the agent could not make them either (${(e as Error).message}): ${
            keys.slice(0, 10).join(", ")
          } would come back; the migration stops here`,
        );
      }
    }
    this.#offset += new TextEncoder().encode(text).length;
    return keys;
  }
}
