// Unified diffs of managed files (drift reports, generation diffs). Myers'
// O((N+M)D) algorithm on lines after trimming the common prefix and suffix;
// past MAX_D edits it gives up on minimality and shows the middle as replaced,
// which keeps memory bounded for files that changed completely.

const MAX_D = 2000;

type Op = { t: " " | "-" | "+"; line: string };

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === "") return { lines: [], finalNewline: true };
  const lines = text.split("\n");
  const finalNewline = lines.at(-1) === "";
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

/** The shortest edit script between two line arrays (Myers), as keep/delete/insert ops. */
export function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (
    suf < a.length - pre && suf < b.length - pre &&
    a[a.length - 1 - suf] === b[b.length - 1 - suf]
  ) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const head: Op[] = a.slice(0, pre).map((line) => ({ t: " ", line }));
  const tail: Op[] = a.slice(a.length - suf).map((line) => ({ t: " ", line }));
  return [...head, ...middle(A, B), ...tail];
}

function middle(A: string[], B: string[]): Op[] {
  const n = A.length;
  const m = B.length;
  if (n === 0) return B.map((line) => ({ t: "+", line }));
  if (m === 0) return A.map((line) => ({ t: "-", line }));
  const max = n + m;
  // V is indexed by diagonal k in [-max - 1, max + 1] (snapshots read k +- 1).
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, MAX_D); d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1])
        ? v[off + k + 1]
        : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) {
    return [
      ...A.map((line): Op => ({ t: "-", line })),
      ...B.map((line): Op => ({ t: "+", line })),
    ];
  }
  // Walk the trace back from (n, m); trace[d] holds V before step d, indexed from k = -d - 1.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d];
    const at = (k: number) => vd[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ t: " ", line: A[x - 1] });
      x--;
      y--;
    }
    if (x === prevX) ops.push({ t: "+", line: B[y - 1] });
    else ops.push({ t: "-", line: A[x - 1] });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ t: " ", line: A[x - 1] });
    x--;
    y--;
  }
  return ops.reverse();
}

function range(start: number, count: number): string {
  // GNU style: the count is left out when it is 1; an empty range names the line before it.
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

/**
 * A unified diff (`diff -u` format, 3 lines of context) from `before` to `after`.
 * Empty string when the texts are equal.
 */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { from: string; to: string } = { from: "a", to: "b" },
  context = 3,
): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const raw = diffLines(a.lines, b.lines);
  // A kept line that ends one text without a newline but not the other differs.
  const ops: Op[] = [];
  {
    let ai = 0;
    let bi = 0;
    for (const op of raw) {
      if (op.t === " ") {
        const noNlA = ai === a.lines.length - 1 && !a.finalNewline;
        const noNlB = bi === b.lines.length - 1 && !b.finalNewline;
        if (noNlA !== noNlB) ops.push({ t: "-", line: op.line }, { t: "+", line: op.line });
        else ops.push(op);
      } else ops.push(op);
      if (op.t !== "+") ai++;
      if (op.t !== "-") bi++;
    }
  }
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  const pos: { ai: number; bi: number }[] = [];
  let ai = 0;
  let bi = 0;
  for (const op of ops) {
    pos.push({ ai, bi });
    if (op.t !== "+") ai++;
    if (op.t !== "-") bi++;
  }
  const noNewlineAfter = (h: number) => {
    const o = ops[h];
    if (o.t !== "+" && pos[h].ai === a.lines.length - 1 && !a.finalNewline) return true;
    return o.t === "+" && pos[h].bi === b.lines.length - 1 && !b.finalNewline;
  };
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].t === " ") i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // extend the hunk while the next change is within 2*context kept lines
    while (true) {
      while (end < ops.length && ops[end].t !== " ") end++;
      let j = end;
      while (j < ops.length && ops[j].t === " ") j++;
      if (j < ops.length && j - end <= 2 * context) {
        end = j;
        continue;
      }
      end = Math.min(ops.length, end + context);
      break;
    }
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((o) => o.t !== "+").length;
    const bCount = hunk.filter((o) => o.t !== "-").length;
    out.push(`@@ -${range(pos[start].ai, aCount)} +${range(pos[start].bi, bCount)} @@`);
    for (let h = start; h < end; h++) {
      out.push(`${ops[h].t}${ops[h].line}`);
      if (noNewlineAfter(h)) out.push("\\ No newline at end of file");
    }
    i = end;
  }
  return out.join("\n") + "\n";
}
