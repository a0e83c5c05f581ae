// The minimal backend `activate` writes into a project directory that has
// none: web.py, Python's standard library only. Existing files are never
// overwritten (the file is created with create-new semantics).
import { DEFAULT_COMMAND } from "../model.ts";

export function webPy(name: string): string {
  return `#!/usr/bin/env python3
"""Hello-world backend of project ${name}, written by Switchyard's \`agent activate\`.

It listens on 127.0.0.1:$PORT. Switchyard routes /${name}/ on the projects site
here with the prefix stripped, so this server sees / and /health. Edit or
replace it freely: the agent never overwrites an existing file.
"""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = ${JSON.stringify(name)}


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send(200, "Hello world: " + NAME + "\\n")
        elif path == "/health":
            self._send(200, "ok\\n")
        else:
            self._send(404, "not found\\n")

    do_HEAD = do_GET


if __name__ == "__main__":
    port = int(os.environ["PORT"])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"{NAME}: listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()
`;
}

/**
 * Creates <dir>/web.py when the project runs the default command and has no
 * web.py yet. Returns the file written, or null when nothing was written.
 */
export async function scaffoldIfMissing(
  dir: string,
  name: string,
  command: string,
): Promise<string | null> {
  if (command !== DEFAULT_COMMAND) return null;
  await Deno.mkdir(dir, { recursive: true });
  const file = `${dir}/web.py`;
  try {
    await Deno.writeTextFile(file, webPy(name), { createNew: true, mode: 0o644 });
    return file;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return null;
    throw e;
  }
}
