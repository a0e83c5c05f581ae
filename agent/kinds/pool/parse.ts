// Pool files back into pool records: the one upstream block a pool renders
// (agent/kinds/pool/render.ts), read directive by directive.
import { specOf } from "../../store/store.ts";
import { parsePool, type PoolSpec } from "./schema.ts";
import type { Directive } from "../../nginx/tokenizer.ts";
import {
  absorbError,
  type Candidate,
  type ParseBackInput,
  validated,
} from "../../nginx/parse-input.ts";
import { upstreamName } from "./render.ts";
import { balancerCall } from "../../render/lua-upstreams.ts";
import { SHARED_RE } from "../../render/upstreams.ts";

/** The pool reader: its one candidate for a pool file's tree. */
export function poolFromTree(input: ParseBackInput, tree: Directive[]): Candidate[] {
  const { file, name, text } = input;
  const fail = (d: Directive, why: string) => absorbError(file, d.line, why, text);
  const ups = tree.filter((d) => d.name === "upstream");
  for (const d of tree) {
    if (d.name !== "upstream") {
      throw fail(d, "a pool file holds one upstream block and nothing else");
    }
  }
  const base = input.base ? specOf(input.base) as unknown as PoolSpec : null;
  // A pool served by another's shared upstream (render/upstreams.ts) renders no block:
  // its record is the sidecar's, which the comparison proves still renders none.
  if (!ups.length && base) return [{ ...parsePool(name, base) }];
  if (ups.length !== 1) {
    throw absorbError(file, null, "a pool file holds exactly one upstream block");
  }
  const up = ups[0];
  if ((up.args[0] !== upstreamName(name) && !SHARED_RE.test(up.args[0])) || up.args.length !== 1) {
    throw fail(
      up,
      `the upstream must stay named ${
        upstreamName(name)
      } or its shared name sy_shared_<hash> (pools are renamed through the API)`,
    );
  }
  let lb: PoolSpec["lb_method"] = "round_robin";
  let hashKey: string | undefined;
  let consistent = false;
  let keepalive = 0;
  const members: Record<string, unknown>[] = [];
  const serverLines: number[] = [];
  let balanced = false;
  for (const d of up.block!) {
    switch (d.name) {
      case "balancer_by_lua_block": {
        // Reload-free upstreams: the agent's one call; the members are in nginx's memory.
        const call = d.block?.length === 1 ? d.block[0] : null;
        if (!call || call.args.length || `${call.name};` !== balancerCall(name)) {
          throw fail(d, `the balancer is the agent's own: ${balancerCall(name)}`);
        }
        balanced = true;
        break;
      }
      case "least_conn":
      case "ip_hash":
        if (d.args.length) throw fail(d, `${d.name} takes no arguments`);
        lb = d.name;
        break;
      case "hash":
        if (d.args.length < 1 || d.args.length > 2 || (d.args[1] && d.args[1] !== "consistent")) {
          throw fail(d, "expected: hash KEY [consistent]");
        }
        lb = "hash";
        hashKey = d.args[0];
        consistent = d.args[1] === "consistent";
        break;
      case "keepalive":
        if (d.args.length !== 1 || !/^\d+$/.test(d.args[0])) throw fail(d, "expected: keepalive N");
        keepalive = Number(d.args[0]);
        break;
      case "server": {
        const [address, ...params] = d.args;
        if (!address) throw fail(d, "a server needs an address");
        const m: Record<string, unknown> = { address };
        for (const p of params) {
          const kv = /^(weight|max_fails|fail_timeout)=(.+)$/.exec(p);
          if (kv) m[kv[1]] = kv[1] === "fail_timeout" ? kv[2] : Number(kv[2]);
          else if (p === "backup" || p === "down") m[p] = true;
          else throw fail(d, `server parameter "${p}" is not modeled by the agent`);
        }
        members.push(m);
        serverLines.push(d.line);
        break;
      }
      default:
        throw fail(d, `"${d.name}" is not modeled by the agent in a pool`);
    }
  }
  // The placeholder an empty pool renders (nginx refuses an empty upstream).
  const placeholder = members.length === 1 && members[0].address === "127.0.0.1:9" &&
    members[0].down === true && Object.keys(members[0]).length === 2;
  const luaPlaceholder = balanced && members.length === 1 && members[0].address === "0.0.0.1" &&
    Object.keys(members[0]).length === 1;
  if (balanced && !luaPlaceholder) {
    throw fail(up, "a balanced pool holds one placeholder server 0.0.0.1");
  }
  const spec = {
    description: base?.description ?? "",
    lb_method: lb,
    ...(hashKey !== undefined ? { hash_key: hashKey } : {}),
    hash_consistent: consistent,
    keepalive,
    // A balanced pool's members are the sidecar's (the file does not name them).
    members: balanced ? base?.members ?? [] : placeholder ? [] : members,
    // What the upstream block cannot say (type, region, sealed credentials, link) is the sidecar's.
    ...(base?.type ? { type: base.type } : {}),
    ...(base?.region ? { region: base.region } : {}),
    ...(base?.credentials ? { credentials: base.credentials } : {}),
    ...(base?.source_nanio_pool ? { source_nanio_pool: base.source_nanio_pool } : {}),
    // Not in the nginx file: the stored record's checks are kept.
    ...(base?.health_check ? { health_check: base.health_check } : {}),
  };
  const pool = validated(file, (field) => {
    const m = /^members\[(\d+)\]/.exec(field);
    return m ? serverLines[Number(m[1])] ?? up.line : up.line;
  }, () => parsePool(name, spec));
  return [{ ...pool } as Candidate];
}
