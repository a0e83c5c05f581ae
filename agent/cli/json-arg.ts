// A JSON body given on the command line: a file path, - for stdin, or inline JSON.
import { UsageError } from "./command.ts";

export async function readJsonArg(arg: string | undefined): Promise<unknown> {
  if (arg === undefined) {
    throw new UsageError("a JSON body is needed: a file path, - for stdin, or inline JSON");
  }
  let text = arg;
  if (arg === "-") text = await new Response(Deno.stdin.readable).text();
  else if (!arg.trim().startsWith("{")) text = await Deno.readTextFile(arg);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the body is not valid JSON: ${(e as Error).message}`);
  }
}
