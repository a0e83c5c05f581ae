// Raw nginx directives from operators (`extra_blocks`, route `extra`). They are
// rendered verbatim, so they are tokenized here to refuse what could escape the
// surrounding block or run code: `nginx -t` runs as root and loads modules,
// includes files and starts interpreters named in the config.

const BANNED_EXACT = new Set(["load_module", "include", "ssl_engine", "env", "daemon", "user"]);

export function bannedDirective(name: string): boolean {
  return BANNED_EXACT.has(name) ||
    name.includes("_by_lua") ||
    name.startsWith("lua_") ||
    name.startsWith("js_") ||
    name.startsWith("perl");
}

/**
 * Checks raw directives. Returns null when acceptable, or the reason naming the
 * line. Braces must balance and never close the enclosing block.
 */
export function checkRawDirectives(text: string): string | null {
  if (text.length > 65536) return "is too long (over 64 KiB)";
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return "must not contain control characters";
  let depth = 0;
  let line = 1;
  let word = "";
  let atStatementStart = true;
  let quote: string | null = null;
  let i = 0;
  const finishWord = (): string | null => {
    if (word && atStatementStart) {
      atStatementStart = false;
      if (bannedDirective(word)) return `line ${line}: directive "${word}" is not allowed`;
    }
    word = "";
    return null;
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") {
        i++;
        continue;
      }
      if (c === "\n") line++;
      if (c === quote) quote = null;
      continue;
    }
    if (c === "#") {
      const err = finishWord();
      if (err) return err;
      while (i < text.length && text[i] !== "\n") i++;
      line++;
      continue;
    }
    if (c === '"' || c === "'") {
      const err = finishWord();
      if (err) return err;
      quote = c;
      atStatementStart = false;
      continue;
    }
    if (/\s/.test(c)) {
      const err = finishWord();
      if (err) return err;
      if (c === "\n") line++;
      continue;
    }
    if (c === ";" || c === "{" || c === "}") {
      const err = finishWord();
      if (err) return err;
      if (c === "{") depth++;
      if (c === "}") {
        depth--;
        if (depth < 0) return `line ${line}: '}' closes a block it did not open`;
      }
      atStatementStart = true;
      continue;
    }
    word += c;
  }
  if (quote) return `line ${line}: unterminated quote`;
  const err = finishWord();
  if (err) return err;
  if (depth !== 0) return `line ${line}: ${depth} unclosed '{'`;
  if (!atStatementStart && text.trim() !== "") {
    return `line ${line}: last directive is not terminated with ';' or a block`;
  }
  return null;
}
