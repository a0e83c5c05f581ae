// Reload-free upstreams (setting lua_upstreams), the agent's half: it keeps
// nginx's shared dict holding the members of every balanced pool, through the
// loopback endpoint agent/render/lua-upstreams.ts renders. Every push writes the
// seed file first (nginx reads it at every configuration load, so a cold start
// serves the members before the agent runs), then reads what it set back.
// The round pushes a candidate's new pools before its reload (new workers find
// them) and settles on what it applied after (a full re-seed after a reload);
// `early` makes a change that touches only members live before the round, which
// then installs the generation without a reload (the files are the same).
import type { Rec, Store } from "../store/store.ts";
import { specOf } from "../store/store.ts";
import type { RenderContext } from "../render/context.ts";
import { type RenderExtension, StateView } from "../render/files.ts";
import type { AnyKind } from "../kind.ts";
import type { PoolSpec } from "../kinds/pool/schema.ts";
import { LUA_FILE, LUA_PATH, luaBalanced, peerLine } from "../render/lua-upstreams.ts";
import type { LuaMode } from "./lua-module.ts";

export interface PeerSyncOptions {
  mode: LuaMode;
  port: number;
  seedFile: string;
  renderContext: () => RenderContext;
  extensions: readonly RenderExtension[];
  kinds: readonly AnyKind[];
  /** The `current` link of the generations (the files nginx serves). */
  currentDir: string;
  running: () => Promise<boolean>;
}

export interface PeerStatus extends LuaMode {
  /** Balanced pools whose members the dict holds. */
  pools: number;
  pushes: number;
  /** Member changes made live before their round (no reload, no file written first). */
  early: number;
  last_push_ms: number | null;
  last_error: string | null;
}

const stable = (v: unknown): string =>
  JSON.stringify(
    v,
    (_k, x) =>
      x && typeof x === "object" && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
        : x,
  );

/** The same pool but for its members (and record metadata). */
function sameButMembers(a: Rec, b: Rec): boolean {
  const { members: _a, ...x } = specOf(a as Rec) as Record<string, unknown>;
  const { members: _b, ...y } = specOf(b as Rec) as Record<string, unknown>;
  return stable(x) === stable(y);
}

/** What `queue` needs of the reconciler (its rounds' lock, its hold, what nginx serves). */
export interface EarlyHost {
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  readonly held: string | null;
  readonly applied: Map<string, Rec>;
}

export class PeerSync {
  readonly o: PeerSyncOptions;
  /** What the dict holds, as far as the agent knows; null: unknown (push all next). */
  #pushed: Map<string, string> | null = null;
  #status = {
    pushes: 0,
    early: 0,
    last_push_ms: null as number | null,
    last_error: null as string | null,
  };

  constructor(o: PeerSyncOptions) {
    this.o = o;
  }

  status(): PeerStatus {
    return { ...this.o.mode, pools: this.#pushed?.size ?? 0, ...this.#status };
  }

  /** The line of every balanced pool of a state, as nginx serves it (render extensions applied). */
  linesOf(records: Map<string, Rec>): Map<string, string> {
    let view = new StateView(records);
    const ctx = this.o.renderContext();
    for (const ext of this.o.extensions) if (ext.expand) view = ext.expand(view, ctx);
    const out = new Map<string, string>();
    for (const p of view.ofKind<PoolSpec>("pool")) {
      if (luaBalanced(p)) out.set(p.name, peerLine(p.members));
    }
    return out;
  }

  /** Before a reload: the candidate's pools are set (none removed: old workers still serve). */
  async beforeReload(candidate: Map<string, Rec>): Promise<void> {
    await this.sync(new Map([...(this.#pushed ?? []), ...this.linesOf(candidate)]), false);
  }

  /** After a round: the applied state; `full` re-seeds every pool (after a reload). */
  async settle(applied: Map<string, Rec>, full: boolean): Promise<void> {
    await this.sync(this.linesOf(applied), full);
  }

  /** Sets what differs from `want` (all of it when `full`), then reads it back. */
  async sync(want: Map<string, string>, full: boolean): Promise<void> {
    const started = performance.now();
    const all = full || this.#pushed === null;
    const lines: string[] = [];
    for (const [k, v] of want) {
      if (all || this.#pushed!.get(k) !== v) lines.push(v ? `${k} ${v}` : k);
    }
    if (!all) { for (const k of this.#pushed!.keys()) if (!want.has(k)) lines.push(`-${k}`); }
    if (!lines.length && !all) return;
    await this.writeSeed(want);
    if (!(await this.#served())) {
      this.#pushed = null; // nginx reads the seed file when it loads a configuration
      return;
    }
    try {
      await this.#post(lines.join("\n") + "\n", all);
      // Many names would not fit a request line: then everything is read back.
      const names = all || lines.length > 200
        ? null
        : lines.map((l) => (l.startsWith("-") ? l.slice(1) : l.split(" ")[0]));
      const back = await this.read(names);
      for (const name of names ?? new Set([...want.keys(), ...back.keys()])) {
        if ((back.get(name) ?? null) !== (want.get(name) ?? null)) {
          throw new Error(`pool ${name} reads back as ${back.get(name) ?? "absent"}`);
        }
      }
      this.#pushed = new Map(want);
      this.#status.pushes++;
      this.#status.last_error = null;
      this.#status.last_push_ms = Math.round((performance.now() - started) * 10) / 10;
    } catch (e) {
      this.#pushed = null;
      this.#status.last_error = e instanceof Error ? e.message : String(e);
      throw new Error(
        `reload-free upstreams: cannot set members in nginx: ${this.#status.last_error}`,
      );
    }
  }

  /** The lines the dict holds (`names`: only those; null: all), null for a pool it lacks. */
  async read(names: string[] | null): Promise<Map<string, string | null>> {
    const q = names ? `?pools=${encodeURIComponent(names.join(","))}` : "";
    const r = await fetch(`${this.#url()}${q}`, { signal: AbortSignal.timeout(5000) });
    const text = await r.text();
    if (!r.ok) throw new Error(`GET ${LUA_PATH}: ${r.status} ${text.trim()}`);
    const out = new Map<string, string | null>();
    for (const line of text.split("\n")) {
      if (!line) continue;
      if (line.startsWith("-")) out.set(line.slice(1), null);
      else {
        const i = line.indexOf(" ");
        out.set(i < 0 ? line : line.slice(0, i), i < 0 ? "" : line.slice(i + 1));
      }
    }
    return out;
  }

  /**
   * A change that touches only members of balanced pools (ids of pools and
   * ejections), whose files stay as nginx serves them: its members are set now.
   * False when the round must do it (anything else changed, or a file would).
   */
  async early(ids: string[], store: Store, applied: Map<string, Rec>): Promise<boolean> {
    const names = new Set<string>();
    for (const id of ids) {
      const [kind, name] = [id.slice(0, id.indexOf("/")), id.slice(id.indexOf("/") + 1)];
      if ((kind !== "pool" && kind !== "ejection") || !name) return false;
      names.add(name);
    }
    if (!names.size || this.#pushed === null) return false;
    const records = new Map<string, Rec>();
    for (const name of names) {
      const pool = await store.get("pool", name);
      const old = applied.get(`pool/${name}`);
      if (!pool || !old || !sameButMembers(pool, old)) return false;
      records.set(`pool/${name}`, pool);
      const ejection = await store.get("ejection", name);
      if (ejection) records.set(`ejection/${name}`, ejection);
    }
    const poolKind = this.o.kinds.find((k) => k.name === "pool");
    if (!poolKind?.render) return false;
    let view = new StateView(records);
    const ctx = this.o.renderContext();
    for (const ext of this.o.extensions) if (ext.expand) view = ext.expand(view, ctx);
    const want = new Map(this.#pushed);
    for (const name of names) {
      const p = view.get<PoolSpec>("pool", name)!;
      if (!luaBalanced(p)) return false;
      const f = poolKind.render(p, view, ctx);
      const live = await Deno.readTextFile(`${this.o.currentDir}/${f.name}`).catch(() => null);
      if (live !== f.text) return false;
      want.set(name, peerLine(p.members));
    }
    await this.sync(want, false);
    this.#status.early++;
    return true;
  }

  /** nginx runs a generation with the endpoint. */
  async #served(): Promise<boolean> {
    const file = await Deno.stat(`${this.o.currentDir}/${LUA_FILE}`).then(() => true, () => false);
    return file && await this.o.running();
  }

  /** `early` in turn with the rounds (a change submitted while the reconciler is not held). */
  queue(ids: string[], host: EarlyHost, store: Store): void {
    if (!ids.length || host.held !== null) return;
    host.exclusive(() => this.early(ids, store, host.applied)).catch((e) => {
      this.#status.last_error = e instanceof Error ? e.message : String(e);
    });
  }

  #url(): string {
    return `http://127.0.0.1:${this.o.port}${LUA_PATH}`;
  }

  async #post(body: string, full: boolean): Promise<void> {
    const r = await fetch(`${this.#url()}${full ? "?full=1" : ""}`, {
      method: "POST",
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`POST ${LUA_PATH}: ${r.status} ${text.trim()}`);
  }

  /** The seed file nginx reads at every configuration load (written whole, then renamed). */
  async writeSeed(want: Map<string, string>): Promise<void> {
    const text = [...want].map(([k, v]) => (v ? `${k} ${v}` : k)).join("\n") + "\n";
    const tmp = `${this.o.seedFile}.tmp`;
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, this.o.seedFile);
  }
}
