// Search, sort and pages for every list endpoint: `?q=&sort=&page=&per_page=`.
// Without any of them a list answers as it always did (`{sites: [...]}`), so
// existing clients are unchanged; with any of them the answer is
// `{items, total, page, per_page}`. per_page=0 answers only the total (counts).
import type { Context } from "hono";
import { invalid } from "../errors.ts";

export const LIST_PARAMS = ["q", "sort", "page", "per_page"] as const;
const MAX_PER_PAGE = 500;

export interface ListQuery {
  q: string;
  sort: string;
  desc: boolean;
  page: number;
  per_page: number;
}

function int(c: Context, name: string, dflt: number, min: number, max: number): number {
  const v = c.req.query(name);
  if (v === undefined || v === "") return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw invalid(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return Number(v);
}

/** The list query of a request, or null when it names none of the parameters. */
export function listQuery(c: Context): ListQuery | null {
  if (!LIST_PARAMS.some((p) => c.req.query(p) !== undefined)) return null;
  const rawSort = c.req.query("sort") ?? "name";
  if (!/^-?[a-z_][a-z0-9_]{0,40}$/.test(rawSort)) {
    throw invalid("sort", `must be a field name, "-" first for descending: ${rawSort}`);
  }
  return {
    q: (c.req.query("q") ?? "").trim().toLowerCase(),
    sort: rawSort.replace(/^-/, ""),
    desc: rawSort.startsWith("-"),
    page: int(c, "page", 1, 1, 1_000_000),
    per_page: int(c, "per_page", 50, 0, MAX_PER_PAGE),
  };
}

/** Every string in a value (names, server names, pools, route targets...), lower-cased. */
export function searchText(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v.toLowerCase());
  else if (typeof v === "number") out.push(String(v));
  else if (Array.isArray(v)) { for (const x of v) searchText(x, out); }
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k !== "created_at" && k !== "updated_at") searchText(x, out);
    }
  }
  return out;
}

function sortValue(v: unknown): string | number {
  if (typeof v === "number") return v;
  if (Array.isArray(v)) return v.length ? sortValue(v[0]) : "";
  if (v && typeof v === "object") return JSON.stringify(v);
  return v === undefined || v === null ? "" : String(v).toLowerCase();
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

/** Filters, sorts and cuts one page: pure, so the UI and the API agree. */
export function pageOf<T>(items: readonly T[], q: ListQuery): Page<T> {
  const hits = q.q
    ? items.filter((x) => searchText(x).some((s) => s.includes(q.q)))
    : items.slice();
  const key = (x: T) => sortValue((x as Record<string, unknown>)[q.sort]);
  const name = (x: T) => String((x as Record<string, unknown>).name ?? "");
  hits.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    const c = ka < kb ? -1 : ka > kb ? 1 : name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0;
    return q.desc ? -c : c;
  });
  const start = (q.page - 1) * q.per_page;
  return {
    items: hits.slice(start, start + q.per_page),
    total: hits.length,
    page: q.page,
    per_page: q.per_page,
  };
}

/**
 * A list route's answer: `{[key]: items}` as before, or a page when the
 * request asks for one. `view` turns a record into what the list shows; the
 * search and the sort see that view, as the user does.
 */
export async function listAnswer<R, V = R>(
  c: Context,
  key: string,
  records: readonly R[],
  view?: (r: R) => V | Promise<V>,
) {
  const q = listQuery(c);
  const show = view ?? ((r: R) => r as unknown as V);
  // A tenant's token lists only its tenant's records, before any paging: the one place
  // lists are scoped (every kind's list answers here; the isolation test walks them all).
  const tenant = (c.get("principal" as never) as { tenant?: string | null } | undefined)?.tenant;
  const mine = tenant
    ? records.filter((r) => (r as { tenant?: string }).tenant === tenant)
    : records;
  const views = await Promise.all(mine.map(show));
  return c.json(q ? pageOf(views, q) : { [key]: views });
}
