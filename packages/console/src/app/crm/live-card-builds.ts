// Keeps a record page's cards (and an app's home and settings pages) on their apps' live builds and open dev sessions:
// GET /api/v1/record-cards/stream says when an app went live with another build (`build`) or a dev session serves it
// other bundles (`dev`: a save, or the session's start or end), and the lists are read again, so cards and pages whose
// bundle changed are mounted afresh.
import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

export function useLiveCardBuilds(accountId: number): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const stream = new EventSource("/api/v1/record-cards/stream");
    const reread = () => {
      void queryClient.invalidateQueries({ queryKey: ["record-cards", accountId] });
      void queryClient.invalidateQueries({ queryKey: ["app-pages", accountId] });
    };
    stream.addEventListener("build", reread);
    stream.addEventListener("dev", reread);
    return () => stream.close();
  }, [accountId, queryClient]);
}
