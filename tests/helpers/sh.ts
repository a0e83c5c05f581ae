// Runs one shell command in `cwd` (openssl in the TLS helpers); throws with its stderr.
export async function sh(cmd: string, cwd: string): Promise<void> {
  const r = await new Deno.Command("sh", {
    args: ["-c", cmd],
    cwd,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (!r.success) throw new Error(`${cmd}: ${new TextDecoder().decode(r.stderr)}`);
}
