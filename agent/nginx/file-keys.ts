// How the agent names and recognises the files it writes: generation numbers as
// directory names, a text's sha256, and a file's identity on disk.
import { createHash } from "node:crypto";

export const pad = (n: number) => String(n).padStart(6, "0");

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A file's identity on disk: any write, rename over it, truncation or new link changes it. */
export function statKey(path: string): string | null {
  try {
    const i = Deno.lstatSync(path);
    return `${i.ino}:${i.size}:${i.mtime?.getTime()}:${i.ctime?.getTime()}`;
  } catch {
    return null;
  }
}
