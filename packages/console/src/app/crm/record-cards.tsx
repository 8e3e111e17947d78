// App cards for a record, each run by the extension host in its own worker and wired to Sprocket's API.
import { useEffect, useRef, useState } from "react";
import { Alert, Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { navigate } from "wouter/use-browser-location";
import { mountCard, type MountedCard } from "../../extension-host";
import type { AlertType, CardAlert, CardServices, CrmRecordRef, ExtensionContext, ExtensionLocation } from "../../extension-host";
import { api } from "../api-client";
import { EmptyState, ErrorNotice } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { cardHostData } from "./card-host-data";
import { reportExtensionEvent } from "./extension-events";
import { recordCardsQuery, type RecordCard, type RecordCardsAnswer } from "./record-cards-query";

/** What the record page does for its cards. */
export interface RecordPageActions {
  /** Read the record again (its `dataUpdatedAt` comes back as `version`, and cards then re-read their properties). */
  refreshRecord(): void;
  /** `actions.reloadPage()`: read the record again and start every card afresh. */
  reloadPage(): void;
}

const WORKER_URL = "/extension-host/worker.js";

const alertColors: Record<AlertType, string> = { info: "blue", success: "green", warning: "yellow", danger: "red", tip: "violet" };

/** The app function endpoint answers 200 `{response}`, or a HubSpot error whose message names the function and the trace. */
async function invokeAppFunction(appId: number, ...[request, { traceparent }]: Parameters<CardServices["invoke"]>): Promise<unknown> {
  const result = await api<{ response: unknown }>("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, request, {
    headers: { traceparent },
  });
  return result.response;
}

/**
 * `hubspot.fetch`: the server proxies the card's request (permitted URLs only, signed, limited) and answers with the
 * backend's status, headers and body; a refused request is an error whose message the card sees.
 */
async function proxyCardFetch(card: RecordCard, record: CrmRecordRef, ...[request, { traceparent }]: Parameters<NonNullable<CardServices["fetchProxy"]>>) {
  const body = { ...request, cardUid: card.cardUid, location: card.location, objectTypeId: record.objectTypeId, objectId: record.objectId };
  return api<Awaited<ReturnType<NonNullable<CardServices["fetchProxy"]>>>>("POST", `/api/v1/card-fetch/${card.appId}`, body, { headers: { traceparent } });
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
  const [alerts, setAlerts] = useState<(CardAlert & { key: number })[]>([]);
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
    const where = { appId: card.appId, cardUid: card.cardUid, location: card.location, objectTypeId: record.objectTypeId, objectId: record.objectId };
    const started = performance.now();
    let nextAlert = 0;
    setAlerts([]);
    const handle = mountCard(element.current!, {
      bundleUrl: card.bundleUrl,
      workerUrl: WORKER_URL,
      cardId: card.cardUid,
      context,
      services: {
        invoke: (request, meta) => invokeAppFunction(card.appId, request, meta),
        fetchProxy: (request, meta) => proxyCardFetch(card, record, request, meta),
        hostData: cardHostData,
        onAlert: (alert) => setAlerts((shown) => [...shown, { ...alert, key: nextAlert++ }]),
        onReloadPage: () => pageRef.current.reloadPage(),
        onRefreshProperties: () => pageRef.current.refreshRecord(),
        // Only same-origin paths arrive here (the card session opens external URLs in a new tab, after a click).
        onNavigate: (path) => navigate(path),
        traceUrl: (traceId) => `${paths.privateApp(viewer.portal.id, card.appId, "log-traces")}?traceId=${traceId}`,
        onLog: (line) => reportExtensionEvent({ ...where, kind: "LOG", level: line.level, message: line.message, traceId: line.traceId, spanId: line.spanId, timestamp: Date.parse(line.time) }),
      },
    });
    mounted.current = handle;
    const render = { ...where, traceId: handle.traceId, spanId: handle.renderSpanId };
    handle.ready.then(
      () => {
        const durationMs = Math.round(performance.now() - started);
        reportExtensionEvent({ ...render, kind: "RENDER_SUCCESS", level: "info", message: `Rendered ${card.title} in ${durationMs} ms`, durationMs, timestamp: Date.now() });
      },
      (error: unknown) =>
        reportExtensionEvent({ ...render, kind: "RENDER_FAILURE", level: "error", message: error instanceof Error ? error.message : String(error), durationMs: Math.round(performance.now() - started), timestamp: Date.now() }),
    );
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
    <Paper withBorder p="sm" miw={0} component="section" aria-label={`${card.title} (${card.appName})`} data-build-id={card.buildId}>
      <Title order={3} size="h6" mb={4}>
        {card.title}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {card.appName}
      </Text>
      {alerts.map((alert) => (
        <Alert
          key={alert.key}
          mb="xs"
          color={alertColors[alert.type ?? "info"] ?? "blue"}
          title={alert.title}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setAlerts((shown) => shown.filter((a) => a.key !== alert.key))}
          data-alert-type={alert.type ?? "info"}
        >
          {alert.message}
        </Alert>
      ))}
      <div ref={element} />
    </Paper>
  );
}

interface RecordCardsProps {
  record: CrmRecordRef;
  location: ExtensionLocation;
  version: number;
  /** Bumped by `reloadPage`: every card starts afresh. */
  reloads: number;
  page: RecordPageActions;
}

export default function RecordCards({ record, location, version, reloads, page }: RecordCardsProps) {
  const session = useSession();
  const cards = useQuery(recordCardsQuery(session.accountId, record.objectTypeId));
  const here = (cards.data?.results ?? []).filter((card) => card.location === location);
  const where = location === "crm.record.tab" ? "this tab" : "the sidebar";
  if (cards.isError) return <ErrorNotice error={cards.error} title="Cannot list app cards" />;
  if (cards.isSuccess && here.length === 0)
    return <EmptyState title="No app cards">Cards of your private apps for this object show up in {where} once their project is deployed.</EmptyState>;
  const viewer = cards.data;
  if (!viewer) return null;
  return (
    <Stack gap="sm">
      {here.map((card) => (
        <CardFrame key={`${card.appId}:${card.cardUid}:${reloads}`} card={card} record={record} viewer={viewer} version={version} page={page} />
      ))}
    </Stack>
  );
}
