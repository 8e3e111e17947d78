// Keeps a record page's cards on their apps' live builds: GET /api/v1/record-cards/stream says when an app went live
// with another build, and the card list is read again, so cards whose bundle changed are mounted afresh.
import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

export function useLiveCardBuilds(accountId: number): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const stream = new EventSource("/api/v1/record-cards/stream");
    stream.addEventListener("build", () => void queryClient.invalidateQueries({ queryKey: ["record-cards", accountId] }));
    return () => stream.close();
  }, [accountId, queryClient]);
}
