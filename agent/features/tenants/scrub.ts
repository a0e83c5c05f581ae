// What a tenant token may read of an answer that is about the whole host
// (GET /api/health): everything but what names another's entities. Whatever
// names a foreign entity (an entity of another tenant, or of the host) is left
// out: an array element (a member view, a reason, a name in a list), an object
// property whose value names one, a key that is one (last_errors by name).
// Pure: the caller gives the foreign names and the tenant's own (kept when a
// name is both, as two kinds may share one).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A matcher for any of `names` as a whole word (names are slugs: a-z, 0-9, '-'). */
export function namesMatcher(names: Iterable<string>): (s: string) => boolean {
  const list = [...new Set(names)].filter(Boolean).sort((a, b) => b.length - a.length);
  if (!list.length) return () => false;
  const re = new RegExp(`(?<![A-Za-z0-9-])(?:${list.map(escape).join("|")})(?![A-Za-z0-9-])`);
  return (s) => re.test(s);
}

const DROP = Symbol("drop");

/** `value` without what names a foreign entity. */
export function scrubNames(value: Json, foreign: (s: string) => boolean): Json {
  const walk = (v: Json): Json | typeof DROP => {
    if (typeof v === "string") return foreign(v) ? DROP : v;
    if (Array.isArray(v)) {
      const out: Json[] = [];
      for (const x of v) {
        const w = walk(x);
        // an element that names a foreign entity anywhere goes whole
        if (w !== DROP && JSON.stringify(w) === JSON.stringify(x)) out.push(w);
      }
      return out;
    }
    if (v && typeof v === "object") {
      const out: { [k: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) {
        if (foreign(k)) continue;
        const w = walk(x);
        if (w !== DROP) out[k] = w;
      }
      return out;
    }
    return v;
  };
  const r = walk(value);
  return r === DROP ? null : r;
}
