// Templates are embedded in the program (text imports) and can be replaced per
// host: a file of the same name in the template override directory wins.
// Features hand theirs in through `host.template`.
import { Eta } from "eta";
import common from "../../templates/nginx/common.conf.eta" with { type: "text" };
import upstream from "../../templates/nginx/upstream.conf.eta" with { type: "text" };
import server from "../../templates/nginx/server.conf.eta" with { type: "text" };

/** The core's own templates. */
export const EMBEDDED: Readonly<Record<string, string>> = {
  "common.conf.eta": common,
  "upstream.conf.eta": upstream,
  "server.conf.eta": server,
};

export interface Templates {
  render(name: string, data: Record<string, unknown>): string;
  /** Names whose text comes from the override directory. */
  overridden: string[];
}

export function makeTemplates(
  overrides: Record<string, string> = {},
  extra: Record<string, string> = {},
): Templates {
  const eta = new Eta({ autoEscape: false, autoTrim: false, useWith: false, cache: false });
  const compiled = new Map<string, ReturnType<Eta["compile"]>>();
  const embedded = { ...EMBEDDED, ...extra };
  const source = (name: string) => overrides[name] ?? embedded[name];
  return {
    overridden: Object.keys(overrides).filter((n) => n in embedded),
    render(name, data) {
      let fn = compiled.get(name);
      if (!fn) {
        const text = source(name);
        if (text === undefined) throw new Error(`no template named ${name}`);
        fn = eta.compile(text);
        compiled.set(name, fn);
      }
      return eta.render(fn, data);
    },
  };
}

/** Reads override files for known template names from a directory (absent dir: none). */
export async function readOverrides(
  dir: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of Object.keys({ ...EMBEDDED, ...extra })) {
    try {
      out[name] = await Deno.readTextFile(`${dir}/${name}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return out;
}
