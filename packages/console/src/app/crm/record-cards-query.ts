// GET /api/v1/record-cards as a query, apart from the card host so that the record page can start it (and the host's
// chunk) while the record itself is still loading.
import type { ExtensionLocation, ExtensionUser } from "../../extension-host/contract";
import { api, ApiRequestError } from "../api-client";
import type { LocalDevServer } from "./local-dev-servers";

/** One card of GET /api/v1/record-cards (see docs/console.md). */
export interface RecordCard {
  appId: number;
  appName: string;
  appUid: string;
  buildId: number;
  cardUid: string;
  title: string;
  location: ExtensionLocation;
  bundleUrl: string;
  /** Set while an open dev session serves this card (`bundleUrl` is then the session's, or its local dev server's). */
  devSessionId?: number;
}

/** The cards, and the viewer as HubSpot's `context.user` and `context.portal`. */
export interface RecordCardsAnswer {
  results: RecordCard[];
  user: ExtensionUser;
  portal: { id: number; timezone: string };
  /** The viewer's open `hs project dev` sessions' local dev servers, whose bundles replace the live build's. */
  localDevServers?: LocalDevServer[];
}

export const recordCardsQuery = (accountId: number, objectTypeId: string) => ({
  queryKey: ["record-cards", accountId, objectTypeId] as const,
  queryFn: async (): Promise<RecordCardsAnswer | null> => {
    try {
      return await api<RecordCardsAnswer>("GET", `/api/v1/record-cards?objectTypeId=${encodeURIComponent(objectTypeId)}`);
    } catch (error) {
      // A server without the cards endpoint yet has no cards to show.
      if (error instanceof ApiRequestError && error.status === 404 && error.category === "RESOURCE_NOT_FOUND") return null;
      throw error;
    }
  },
});
