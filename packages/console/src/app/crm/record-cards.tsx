// App cards for a record, each run by the extension host in its own worker and wired to Sprocket's API.
import { useEffect, useRef, useState } from "react";
import { Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { MountedCard } from "../../extension-host";
import type { CrmRecordRef, ExtensionContext, ExtensionLocation } from "../../extension-host";
import { api } from "../api-client";
import { EmptyState, ErrorNotice } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { cardHostData } from "./card-host-data";
import { ExtensionAlerts, type ShownAlert } from "./extension-alerts";
import { mountHostedExtension } from "./hosted-extension";
import { recordCardsQuery, type RecordCard, type RecordCardsAnswer } from "./record-cards-query";
import { useLocalDevBundles } from "./local-dev-servers";

/** What the record page does for its cards. */
export interface RecordPageActions {
  /** Read the record again (its `dataUpdatedAt` comes back as `version`, and cards then re-read their properties). */
  refreshRecord(): void;
  /** `actions.reloadPage()`: read the record again and start every card afresh. */
  reloadPage(): void;
}

interface CardFrameProps {
  card: RecordCard;
  record: CrmRecordRef;
  viewer: Omit<RecordCardsAnswer, "results">;
  version: number;
  page: RecordPageActions;
}

function CardFrame({ card, record, viewer, version, page }: CardFrameProps) {
  const element = useRef<HTMLDivElement>(null);
  const mounted = useRef<MountedCard>(undefined);
  const [alerts, setAlerts] = useState<ShownAlert[]>([]);
  const pageRef = useRef(page);
  pageRef.current = page;
  useEffect(() => {
    const context: ExtensionContext = {
      location: card.location,
      user: { ...viewer.user, locale: navigator.language, language: navigator.language.split("-")[0] },
      portal: viewer.portal,
      crm: record,
      extension: { appId: card.appId, appName: card.appName, cardTitle: card.title },
    };
    let nextAlert = 0;
    setAlerts([]);
    const handle = mountHostedExtension(element.current!, {
      place: {
        appId: card.appId,
        cardUid: card.cardUid,
        location: card.location,
        objectTypeId: record.objectTypeId,
        objectId: record.objectId,
      },
      title: card.title,
      bundleUrl: card.bundleUrl,
      context,
      services: {
        hostData: cardHostData,
        onAlert: (alert) => setAlerts((shown) => [...shown, { ...alert, key: nextAlert++ }]),
        onReloadPage: () => pageRef.current.reloadPage(),
        onRefreshProperties: () => pageRef.current.refreshRecord(),
        traceUrl: (traceId) => `${paths.privateApp(viewer.portal.id, card.appId, "log-traces")}?traceId=${traceId}`,
        mapStack: async (stack) => (await api<{ stack: string }>("POST", "/api/v1/card-stacks", { stack })).stack,
      },
    });
    mounted.current = handle;
    return () => handle.unmount();
    // Mounted again for another card, record or user only: a re-render with equal values must not reload the card.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [card.appId, card.cardUid, card.bundleUrl, record.objectId, record.objectTypeId, viewer.user.id]);
  // After the record was read again (an edit, or refreshObjectProperties), cards re-read their properties.
  const firstVersion = useRef(version);
  useEffect(() => {
    if (version !== firstVersion.current) void mounted.current?.refreshProperties();
  }, [version]);
  return (
    <Paper
      withBorder
      p="sm"
      miw={0}
      component="section"
      aria-label={`${card.title} (${card.appName})`}
      data-build-id={card.buildId}
      data-dev-session={card.devSessionId}
    >
      <Title order={3} size="h6" mb={4}>
        {card.title}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {card.appName}
        {card.devSessionId === undefined ? "" : ` · from dev session ${card.devSessionId}`}
      </Text>
      <ExtensionAlerts alerts={alerts} onDismiss={(key) => setAlerts((shown) => shown.filter((a) => a.key !== key))} />
      <div ref={element} />
    </Paper>
  );
}

interface RecordCardsProps {
  record: CrmRecordRef;
  /** Where on the page: the Apps tab or the sidebar. */
  location: ExtensionLocation;
  version: number;
  /** Bumped by `reloadPage`: every card starts afresh. */
  reloads: number;
  page: RecordPageActions;
}

export default function RecordCards({ record, location, version, reloads, page }: RecordCardsProps) {
  const session = useSession();
  const cards = useQuery(recordCardsQuery(session.accountId, record.objectTypeId));
  // The console has no help desk workspace: a ticket's help desk sidebar cards show in its record sidebar, the place
  // nearest to it (they keep their own location in their context).
  const shown = location === "crm.record.sidebar" ? ["crm.record.sidebar", "helpdesk.sidebar"] : [location];
  const local = useLocalDevBundles(cards.data?.localDevServers);
  const here = (cards.data?.results ?? [])
    .filter((card) => shown.includes(card.location))
    .map((card) => {
      const served = local.get(`${card.appUid}::${card.cardUid}`);
      return served ? { ...card, bundleUrl: served.bundleUrl, devSessionId: served.sessionId } : card;
    });
  const where = location === "crm.record.tab" ? "this tab" : "the sidebar";
  if (cards.isError) return <ErrorNotice error={cards.error} title="Cannot list app cards" />;
  if (cards.isSuccess && here.length === 0)
    return (
      <EmptyState title="No app cards">
        Cards of your private apps for this object show up in {where} once their project is deployed.
      </EmptyState>
    );
  const viewer = cards.data;
  if (!viewer) return null;
  return (
    <Stack gap="sm">
      {here.map((card) => (
        <CardFrame
          key={`${card.appId}:${card.cardUid}:${reloads}`}
          card={card}
          record={record}
          viewer={viewer}
          version={version}
          page={page}
        />
      ))}
    </Stack>
  );
}
