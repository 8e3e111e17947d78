import type { PrivateAppsTable } from "../apps/tables";

const list = (json: string | null) => (json ? (JSON.parse(json) as string[]) : []);

/** The app's Auth tab: its auth type and, for OAuth apps, what the install URL and token endpoint need (not the secret). */
export function authView(
  app: Pick<PrivateAppsTable, "scopes" | "client_id" | "redirect_urls" | "optional_scopes" | "distribution"> & {
    auth_type: "static" | "oauth";
  },
) {
  if (app.auth_type !== "oauth") return { type: "static" as const, requiredScopes: list(app.scopes) };
  return {
    type: "oauth" as const,
    clientId: app.client_id,
    distribution: app.distribution,
    redirectUrls: list(app.redirect_urls),
    requiredScopes: list(app.scopes),
    optionalScopes: list(app.optional_scopes),
  };
}
