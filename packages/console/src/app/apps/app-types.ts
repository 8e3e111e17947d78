// Shapes of /api/v1/private-apps.

export interface PrivateAppSummary {
  appId: number;
  uid: string;
  name: string;
  description: string;
  scopes: string[];
  projectId: number | null;
  activeBuildId: number | null;
  createdAt: string;
  updatedAt: string;
  /** Absent from servers before OAuth apps. */
  auth?: AppAuth;
}

/** The app's Auth data: a static token for its own account, or OAuth installs into many accounts. */
export type AppAuth =
  | { type: "static"; requiredScopes: string[] }
  | { type: "oauth"; clientId: string; distribution: "private" | "marketplace"; redirectUrls: string[]; requiredScopes: string[]; optionalScopes: string[] };

export interface AppComponent {
  kind: "card" | "function";
  name: string;
  buildId: number;
  config: Record<string, unknown>;
}

export interface TokenState {
  current: { id: number; createdAt: number; lastUsedAt: number | null; masked: string };
  previous?: { id: number; expiresAt: number; lastUsedAt: number | null };
}

export interface PrivateAppDetail extends PrivateAppSummary {
  token?: TokenState;
  components: AppComponent[];
}
