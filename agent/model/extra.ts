// Raw nginx directives from operators (`extra_blocks`, route `extra`). They are
// rendered verbatim, so they are tokenized here to refuse what could escape the
// surrounding block or run code: `nginx -t` runs as root and loads modules,
// includes files and starts interpreters named in the config, and the root
// master creates, appends to and chowns the files that directives name. So only
// directive names on an allowlist pass (extra-allow.ts), none of them with a path.
//
// The tokenizer mirrors nginx's own (ngx_conf_read_token in ngx_conf_file.c):
// quotes open and `#` starts a comment only at the start of a token, `\`
// escapes the next character outside quotes too, `${` does not open a block,
// and a quoted word can be a directive name. Any difference would let text the
// check reads as an argument or a comment reach nginx as a directive.

import {
  BANNED_DIRECTIVE,
  contextOf,
  directiveAllowed,
  type RawContext,
  RESERVED,
  takesPath,
} from "./extra-allow.ts";

export type { RawContext } from "./extra-allow.ts";

/** How raw text is checked: its context and the host's extra directive names. */
export interface RawPolicy {
  context: RawContext;
  /** Names an operator added on this host (setting raw_directives_allow), never from the API. */
  extra?: ReadonlySet<string>;
}

/** A word as nginx stores it: the escapes nginx resolves, resolved. */
function unescape(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\") {
      const n = raw[i + 1];
      if (n === '"' || n === "'" || n === "\\") {
        out += n;
        i++;
        continue;
      }
      if (n === "t" || n === "r" || n === "n") {
        out += n === "t" ? "\t" : n === "r" ? "\r" : "\n";
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Why a statement is refused, or null. */
function checkStatement(args: string[], ctx: RawContext, p: RawPolicy): string | null {
  const name = args[0];
  const reserved = RESERVED[name.toLowerCase()];
  if (reserved) return `directive "${name}" is not allowed in raw blocks: ${reserved}`;
  if (BANNED_DIRECTIVE(name)) return `directive "${name}" is not allowed`;
  if (!directiveAllowed(name, ctx, p.extra)) {
    return `directive "${name}" is not allowed in ${ctx} context ` +
      "(not on the raw-directive allowlist; an operator may extend it with raw_directives_allow)";
  }
  for (const a of args.slice(1)) {
    // unix:/path names a socket file; engine:x loads a shared object.
    const file = /^engine:/i.test(a) ? "engine:" : /unix:/i.test(a) ? "unix:" : null;
    if (file) return `"${name}" must not name a file (${file})`;
  }
  if (takesPath(name) && args.slice(1).some((a) => a !== "off")) {
    return `"${name}" takes a file path, and paths are not allowed in raw blocks`;
  }
  return null;
}

/** The text as the templates print it (see rawLines in render/quote.ts): indented, lines trimmed. */
function asRendered(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n")
    .map((l) => `    ${l.trimEnd()}`).join("\n") + "\n";
}

/**
 * Checks raw directives. Returns null when acceptable, or the reason naming the
 * line. Braces must balance and never close the enclosing block.
 */
export function checkRawDirectives(
  text: string,
  policy: RawPolicy = { context: "server" },
): string | null {
  if (text.length > 65536) return "is too long (over 64 KiB)";
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return "must not contain control characters";
  const src = asRendered(text);
  let line = 1;
  let depth = 0;
  const contexts: RawContext[] = [policy.context];
  let args: string[] = [];
  let word = "";
  let lastSpace = true;
  let needSpace = false;
  let quoted = false;
  let dQuoted = false;
  let sQuoted = false;
  let variable = false;
  let comment = false;
  const at = (why: string) => `line ${line}: ${why}`;
  const endStatement = (block: boolean): string | null => {
    const ctx = contexts[contexts.length - 1];
    const why = checkStatement(args, ctx, policy);
    const opened = contextOf(args[0], ctx);
    args = [];
    if (why) return at(why);
    if (block) {
      depth++;
      contexts.push(opened);
    }
    return null;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    const space = ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
    if (ch === "\n") {
      line++;
      comment = false;
    }
    if (comment) continue;
    if (quoted) {
      quoted = false;
      // An escaped line break joins lines that the templates indent apart.
      if ((ch === "\n" || ch === "\r") && !dQuoted && !sQuoted) {
        return `line ${line - (ch === "\n" ? 1 : 0)}: a backslash must not escape a line break`;
      }
      word += ch;
      continue;
    }
    if (needSpace) {
      if (space) {
        lastSpace = true;
        needSpace = false;
        continue;
      }
      if (ch === ";" || ch === "{") {
        const err = endStatement(ch === "{");
        if (err) return err;
        needSpace = false;
        lastSpace = true;
        continue;
      }
      if (ch !== ")") return at(`unexpected "${ch}" after a quoted string`);
      lastSpace = true;
      needSpace = false;
    }
    if (lastSpace) {
      if (space) continue;
      switch (ch) {
        case ";":
        case "{": {
          if (args.length === 0) return at(`unexpected "${ch}"`);
          const err = endStatement(ch === "{");
          if (err) return err;
          continue;
        }
        case "}":
          if (args.length !== 0) return at(`unexpected "}" (the directive before it lacks ';')`);
          depth--;
          contexts.pop();
          if (depth < 0) return at("'}' closes a block it did not open");
          continue;
        case "#":
          comment = true;
          continue;
        case "\\":
          quoted = true;
          lastSpace = false;
          word = ch;
          continue;
        case '"':
          dQuoted = true;
          lastSpace = false;
          word = "";
          continue;
        case "'":
          sQuoted = true;
          lastSpace = false;
          word = "";
          continue;
        case "$":
          variable = true;
          lastSpace = false;
          word = ch;
          continue;
        default:
          lastSpace = false;
          word = ch;
          continue;
      }
    }
    if (ch === "{" && variable) {
      word += ch;
      continue;
    }
    variable = false;
    if (ch === "\\") {
      quoted = true;
      word += ch;
      continue;
    }
    if (ch === "$") {
      variable = true;
      word += ch;
      continue;
    }
    let found = false;
    if (dQuoted) {
      if (ch === '"') {
        dQuoted = false;
        needSpace = true;
        found = true;
      }
    } else if (sQuoted) {
      if (ch === "'") {
        sQuoted = false;
        needSpace = true;
        found = true;
      }
    } else if (space || ch === ";" || ch === "{") {
      lastSpace = true;
      found = true;
    }
    if (!found) {
      word += ch;
      continue;
    }
    args.push(unescape(word));
    word = "";
    if (ch === ";" || ch === "{") {
      const err = endStatement(ch === "{");
      if (err) return err;
    }
  }
  line--; // the final line break added by asRendered
  if (dQuoted || sQuoted) return at("unterminated quote");
  if (args.length || !lastSpace) {
    return at("last directive is not terminated with ';' or a block");
  }
  if (depth !== 0) return at(`${depth} unclosed '{'`);
  return null;
}
