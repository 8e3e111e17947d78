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
}

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
