// App cards for a record, each run by the extension host in its own worker.
import { useEffect, useRef } from "react";
import { Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { mountCard, type MountedCard } from "../../extension-host";
import type { CrmRecordRef, ExtensionContext, ExtensionLocation, ServerlessResult } from "../../extension-host";
import { api, ApiRequestError } from "../api-client";
import { EmptyState, ErrorNotice } from "../page-parts";
import { useSession, type SessionInfo } from "../session";
import { cardHostData } from "./card-host-data";

/** One card of GET /api/v1/record-cards (see docs/console.md). */
export interface RecordCard {
  appId: number;
  appName: string;
  cardUid: string;
  title: string;
  location: ExtensionLocation;
  bundleUrl: string;
}

const WORKER_URL = "/extension-host/worker.js";

function CardFrame({ card, record, session, version }: { card: RecordCard; record: CrmRecordRef; session: SessionInfo; version: number }) {
  const element = useRef<HTMLDivElement>(null);
  const mounted = useRef<MountedCard>(undefined);
  useEffect(() => {
    const context: ExtensionContext = {
      location: card.location,
      user: { id: session.userId, email: session.email, emails: [session.email], locale: navigator.language },
      portal: { id: session.accountId, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone },
      crm: record,
      extension: { appId: card.appId, appName: card.appName, cardTitle: card.title },
    };
    mounted.current = mountCard(element.current!, {
      bundleUrl: card.bundleUrl,
      workerUrl: WORKER_URL,
      cardId: card.cardUid,
      context,
      services: {
        async invoke(request, { traceparent }) {
          const result = await api<ServerlessResult>("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${card.appId}`, request, {
            headers: { traceparent },
          });
          if (result.status === "ERROR") throw new Error(result.message);
          return result.response;
        },
        hostData: cardHostData,
      },
    });
    return () => mounted.current?.unmount();
  }, [card.appId, card.cardUid, card.bundleUrl, record.objectId, record.objectTypeId]);
  // After an edit on the page, cards read the record again (as HubSpot's refreshObjectProperties).
  useEffect(() => {
    void mounted.current?.refreshProperties();
  }, [version]);
  return (
    <Paper withBorder p="sm" component="section" aria-label={`${card.title} (${card.appName})`}>
      <Title order={3} size="h6" mb={4}>
        {card.title}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {card.appName}
      </Text>
      <div ref={element} />
    </Paper>
  );
}

export default function RecordCards({ record, location, version }: { record: CrmRecordRef; location: ExtensionLocation; version: number }) {
  const session = useSession();
  const cards = useQuery({
    queryKey: ["record-cards", session.accountId, record.objectTypeId],
    queryFn: async () => {
      try {
        return (await api<{ results: RecordCard[] }>("GET", `/api/v1/record-cards?objectTypeId=${encodeURIComponent(record.objectTypeId)}`)).results;
      } catch (error) {
        // A server without the cards endpoint yet has no cards to show.
        if (error instanceof ApiRequestError && error.status === 404 && error.category === "RESOURCE_NOT_FOUND") return [];
        throw error;
      }
    },
  });
  const here = (cards.data ?? []).filter((card) => card.location === location);
  const where = location === "crm.record.tab" ? "this tab" : "the sidebar";
  if (cards.isError) return <ErrorNotice error={cards.error} title="Cannot list app cards" />;
  if (cards.isSuccess && here.length === 0)
    return <EmptyState title="No app cards">Cards of your private apps for this object show up in {where} once their project is deployed.</EmptyState>;
  return (
    <Stack gap="sm">
      {here.map((card) => (
        <CardFrame key={`${card.appId}:${card.cardUid}`} card={card} record={record} session={session} version={version} />
      ))}
    </Stack>
  );
}
