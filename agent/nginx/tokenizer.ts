// The nginx configuration tokenizer: text -> directive tree, and the flat
// directive sequence two trees are compared by (comments and formatting left out).
// Pure; used by parse-back and by `agent doctor`.

export interface Directive {
  name: string;
  args: string[];
  line: number;
  /** Line of the closing brace of a block. */
  endLine?: number;
  block?: Directive[];
  /** Comment lines directly above the directive, without '#'. */
  comments: string[];
}

export class NginxSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

/** Parses nginx configuration text into a directive tree. */
export function parseNginx(text: string): Directive[] {
  let i = 0;
  let line = 1;
  const root: Directive[] = [];
  const stack: { list: Directive[]; owner: Directive | null }[] = [{ list: root, owner: null }];
  let words: string[] = [];
  let startLine = 0;
  let comments: string[] = [];
  const push = (d: Directive) => stack[stack.length - 1].list.push(d);
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      let j = i;
      while (j < text.length && text[j] !== "\n") j++;
      if (words.length === 0) comments.push(text.slice(i + 1, j).trim());
      i = j;
      continue;
    }
    if (c === ";") {
      if (!words.length) throw new NginxSyntaxError(line, `unexpected ";"`);
      push({ name: words[0], args: words.slice(1), line: startLine, comments });
      words = [];
      comments = [];
      i++;
      continue;
    }
    if (c === "{") {
      if (!words.length) throw new NginxSyntaxError(line, `unexpected "{"`);
      const d: Directive = {
        name: words[0],
        args: words.slice(1),
        line: startLine,
        block: [],
        comments,
      };
      push(d);
      stack.push({ list: d.block!, owner: d });
      words = [];
      comments = [];
      i++;
      continue;
    }
    if (c === "}") {
      if (words.length) {
        throw new NginxSyntaxError(line, `unexpected "}": "${words[0]}" has no ";"`);
      }
      if (stack.length === 1) throw new NginxSyntaxError(line, `unexpected "}"`);
      stack.pop()!.owner!.endLine = line;
      comments = [];
      i++;
      continue;
    }
    if (!words.length) startLine = line;
    if (c === '"' || c === "'") {
      let j = i + 1;
      let out = "";
      while (j < text.length && text[j] !== c) {
        if (text[j] === "\\" && j + 1 < text.length) {
          const n = text[j + 1];
          out += n === "n"
            ? "\n"
            : n === "t"
            ? "\t"
            : n === "r"
            ? "\r"
            : "\"'\\".includes(n)
            ? n
            : "\\" + n;
          j += 2;
          continue;
        }
        if (text[j] === "\n") line++;
        out += text[j++];
      }
      if (j >= text.length) throw new NginxSyntaxError(line, "unterminated quoted string");
      words.push(out);
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s;{}]/.test(text[j])) {
      // As nginx: a backslash escapes the next character in a bare word too (`\;`).
      if (text[j] === "\\" && j + 1 < text.length && text[j + 1] !== "\n") {
        j += 2;
        continue;
      }
      if (text[j] === "$" && text[j + 1] === "{") {
        const close = text.indexOf("}", j);
        j = close < 0 ? text.length : close + 1;
        continue;
      }
      j++;
    }
    words.push(text.slice(i, j));
    i = j;
  }
  if (words.length) {
    throw new NginxSyntaxError(line, `unexpected end of file: "${words[0]}" has no ";"`);
  }
  if (stack.length > 1) throw new NginxSyntaxError(line, `unexpected end of file, expecting "}"`);
  return root;
}

export interface FlatItem {
  /** Enclosing blocks, e.g. "server > location /api/". */
  ctx: string;
  key: string;
  line: number;
}

/** The directive sequence of a tree, comments and formatting left out. */
export function flatten(ds: Directive[], ctx = ""): FlatItem[] {
  const out: FlatItem[] = [];
  for (const d of ds) {
    const key = JSON.stringify([d.name, ...d.args]) + (d.block ? "{" : ";");
    out.push({ ctx, key, line: d.line });
    if (d.block) {
      const inner = [ctx, [d.name, ...d.args].join(" ")].filter(Boolean).join(" > ");
      out.push(...flatten(d.block, inner));
      out.push({ ctx, key: "}", line: d.endLine ?? d.line });
    }
  }
  return out;
}

/** The first place two directive sequences differ, by the edited side's line. */
export function firstDifference(
  edited: FlatItem[],
  rendered: FlatItem[],
): { line: number | null; rendered: FlatItem | null } | null {
  const n = Math.max(edited.length, rendered.length);
  for (let i = 0; i < n; i++) {
    const e = edited[i];
    const r = rendered[i];
    if (e && r && e.key === r.key && e.ctx === r.ctx) continue;
    return { line: e ? e.line : (edited.at(-1)?.line ?? null), rendered: r ?? null };
  }
  return null;
}
