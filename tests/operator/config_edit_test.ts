// `agent config edit` validates the edited draft before it replaces config.toml.
import assert from "node:assert/strict";
import { tempDir } from "../helpers/agent.ts";
import { MAIN } from "../helpers/proc.ts";

async function edit(dir: string, script: string) {
  const editor = `${dir}/editor.sh`;
  await Deno.writeTextFile(editor, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "config", "edit", "--config", `${dir}/config.toml`],
    env: { EDITOR: editor, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("config edit: an invalid edit leaves config.toml untouched; a valid one is saved", async () => {
  const dir = await tempDir("edit");
  try {
    const original = '# mine\nlog_level = "info"\n';
    await Deno.writeTextFile(`${dir}/config.toml`, original);
    const bad = await edit(dir, `echo 'generations_keep = "many"' >> "$1"`);
    assert.equal(bad.code, 1, bad.out + bad.err);
    assert.match(bad.err, /generations_keep/);
    assert.match(bad.err, /was not changed/);
    assert.equal(await Deno.readTextFile(`${dir}/config.toml`), original);

    const good = await edit(dir, `sed -i 's/"info"/"warn"/' "$1"`);
    assert.equal(good.code, 0, good.out + good.err);
    assert.equal(await Deno.readTextFile(`${dir}/config.toml`), '# mine\nlog_level = "warn"\n');
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.includes(".edit-"));
    assert.equal(left.length, 1, "only the failed draft is kept, for the operator");
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
