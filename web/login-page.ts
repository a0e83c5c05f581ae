// The login page: plain HTML and a form, so logging in needs no JavaScript.
// Built here rather than in an .html file so the formatter cannot touch the
// places where the message goes.

export const LOGIN_MESSAGES = {
  wrong: ["error", "That API key is not valid."],
  locked: ["error", "Too many failed attempts: wait a few seconds and try again."],
  expired: ["notice", "Your session ended: log in again."],
  out: ["notice", "You are logged out."],
} as const;

export type LoginMessage = keyof typeof LOGIN_MESSAGES;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function loginPageHtml(message?: LoginMessage): string {
  const m = message ? LOGIN_MESSAGES[message] : undefined;
  const isError = m?.[0] === "error";
  const block = m
    ? `<p class="${m[0]}" role="${isError ? "alert" : "status"}" id="login-message">${
      escapeHtml(m[1])
    }</p>`
    : "";
  const invalid = isError ? ' aria-invalid="true" aria-describedby="login-message"' : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · Switchyard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/style.css">
</head>
<body class="login-page">
<main class="login-box">
  <h1>Switchyard</h1>
  <p class="muted">Log in to the gateway agent with its API key or a token.</p>
  ${block}
  <form method="post" action="/login">
    <label for="key">API key</label>
    <input id="key" name="key" type="password" autocomplete="current-password" required autofocus${invalid}>
    <button type="submit" class="primary">Log in</button>
  </form>
  <p class="hint">The key is the <code>api_key</code> setting, or the one the agent generated into
  <code>&lt;data_dir&gt;/api-key</code> at its first start; a token is one that
  <code>agent token create</code> printed (it sees only what its role and tenant allow).</p>
</main>
</body>
</html>
`;
}
