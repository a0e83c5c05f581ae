// The remaining time of an expiring site, route or proxy (`expires_at`), as the
// lists show it: "expires in 1 h 12 min". Pure, so it is tested in Deno.

/** "expires in 1 h 12 min" (two units at most), "expires in 40 s", "expired"; null without expiry. */
export function expiresIn(expiresAt, now = Date.now()) {
  if (!expiresAt) return null;
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return null;
  let s = Math.floor((at - now) / 1000);
  if (s <= 0) return "expired";
  const units = [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]];
  const parts = [];
  for (const [u, n] of units) {
    if (s >= n || (u === "s" && !parts.length)) {
      parts.push(`${Math.floor(s / n)} ${u}`);
      s %= n;
    } else if (parts.length) break;
    if (parts.length === 2) break;
  }
  return `expires in ${parts.join(" ")}`;
}
