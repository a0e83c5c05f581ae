// The one quoting helper. Values are validated by agent/model before they get
// here; quoting is the second line of defence for values rendered in strings.
export function q(v: string): string {
  return `"${v.replace(/[\\"]/g, "\\$&")}"`;
}

/** Splits raw operator directives into lines for indentation in templates. */
export function rawLines(text: string): string[] {
  return text.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n").map((l) => l.trimEnd());
}
