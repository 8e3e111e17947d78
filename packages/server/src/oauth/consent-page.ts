import type { CheckedAuthorize } from "./oauth-service";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ConsentView {
  checked: CheckedAuthorize;
  /** The install URL's own parameters, posted back unchanged with the choice. */
  params: Record<string, string>;
  csrfToken: string;
  email: string;
  /** The accounts where the signed-in user is super admin: the only ones they may install into. */
  accounts: { id: number; name: string }[];
}

/**
 * HubSpot's "choose an account" and "connect app" screens in one plain page: server-rendered, no script, so it works
 * before the console's bundle loads and its CSP can stay `default-src 'none'`.
 */
export function consentPage(v: ConsentView): string {
  const { app, scopes } = v.checked;
  const hidden = Object.entries(v.params)
    .map(([k, value]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(value)}">`)
    .join("");
  const body = v.accounts.length
    ? `<form method="post" action="/oauth/authorize">${hidden}<input type="hidden" name="csrf_token" value="${escapeHtml(v.csrfToken)}">
<label>Install into account <select name="account_id">${v.accounts.map((a) => `<option value="${a.id}">${escapeHtml(a.name)} (${a.id})</option>`).join("")}</select></label>
<p><button type="submit">Connect app</button></p></form>`
    : `<p role="alert">You (${escapeHtml(v.email)}) are not a super admin of any account. Only a super admin can install apps.</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connect ${escapeHtml(app.name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2rem}</style></head>
<body><h1>Connect ${escapeHtml(app.name)}</h1><p>${escapeHtml(app.description)}</p>
<p>Signed in as ${escapeHtml(v.email)}. The app asks to:</p><ul>${scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join("")}</ul>
<p>It will then be sent back to <code>${escapeHtml(v.checked.redirectUri)}</code>.</p>${body}</body></html>`;
}
