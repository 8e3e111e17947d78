// React contexts that let remote components reach their card's session and the overlay they live in.
import { createContext, useContext } from "react";
import type { CardSession } from "../card-session";

export const CardSessionContext = createContext<CardSession | null>(null);

export function useCardSession(): CardSession {
  const session = useContext(CardSessionContext);
  if (!session) throw new Error("Remote components render only inside a card");
  return session;
}

export interface OverlayScope {
  close: () => void;
}
export const OverlayScopeContext = createContext<OverlayScope | null>(null);
