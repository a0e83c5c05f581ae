// The strict parser refuses what a Prometheus scraper would refuse (so the
// metrics test can fail).
import assert from "node:assert/strict";
import { parsePrometheus, valueOf } from "../helpers/prom-parse.ts";

const ok = `# HELP x_total A counter
# TYPE x_total counter
x_total{a="q\\"uote\\\\",b="n\\nl"} 3
# HELP h Seconds
# TYPE h histogram
h_bucket{le="0.1"} 1
h_bucket{le="+Inf"} 2
h_sum 0.3
h_count 2
`;

Deno.test("the parser reads labels with escapes and histograms", () => {
  const m = parsePrometheus(ok);
  assert.equal(valueOf(m, "x_total", { a: 'q"uote\\', b: "n\nl" }), 3);
  assert.equal(valueOf(m, "h_count", {}, "h"), 2);
});

Deno.test("the parser refuses malformed exposition text", () => {
  const bad = [
    ok.slice(0, -1), // no final newline
    "x 1\n", // no family
    "# TYPE x counter\nx{a=1} 1\n", // unquoted label
    '# TYPE x counter\nx{a="1"} one\n', // bad value
    "# TYPE x counter\nx 1\nx 2\n", // duplicate series
    "# TYPE x counter\nx -1\n", // negative counter
    "# TYPE x gauge\n# TYPE y gauge\nx 1\n", // sample outside its block
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
    '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', // no +Inf
    "# TYPE x counter\n\nx 1\n", // empty line
    "# TYPE x wat\n",
  ];
  for (const text of bad) assert.throws(() => parsePrometheus(text), Error, text);
});
